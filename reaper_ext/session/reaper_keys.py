"""REAPER's own keys and magic numbers, named once.

Sources: REAPER's SDK / ReaScript help (``GetSetMediaTrackInfo``), and values
decoded from real project files (see ``tests/data/reaper_api/FACTS.md``).
"""

from __future__ import annotations

__all__ = [
    "PEAKCOL_NONE",
    "COLOR_CUSTOM_FLAG",
    "MARKER_FLAG_REGION",
    "TRACK_NAME",
    "TRACK_VOLUME",
    "TRACK_COLOR",
    "TRACK_MUTE",
    "TRACK_PHASE",
    "TRACK_FOLDER_DEPTH",
    "TRACK_GUID",
    "ITEM_POSITION",
    "ITEM_LENGTH",
    "ITEM_VOLUME",
    "ITEM_MUTE",
    "TAKE_VOLUME",
    "TAKE_START_OFFSET",
    "TAKE_PLAYRATE",
    "rgb_to_native_color",
    "native_color_to_rgb",
]

PEAKCOL_NONE = 16576  # PEAKCOL value of a track without a custom colour
COLOR_CUSTOM_FLAG = 0x1000000  # I_CUSTOMCOLOR: colour set when this bit is on
MARKER_FLAG_REGION = 1  # MARKER line flags: bit 0 = region

# GetSetMediaTrackInfo / GetMediaItemInfo / GetMediaItemTakeInfo keys
TRACK_NAME = "P_NAME"
TRACK_VOLUME = "D_VOL"
TRACK_PAN = "D_PAN"
TRACK_COLOR = "I_CUSTOMCOLOR"
TRACK_MUTE = "B_MUTE"
TRACK_PHASE = "B_PHASE"
TRACK_FOLDER_DEPTH = "I_FOLDERDEPTH"
TRACK_GUID = "GUID"
ITEM_POSITION = "D_POSITION"
ITEM_LENGTH = "D_LENGTH"
ITEM_VOLUME = "D_VOL"
ITEM_MUTE = "B_MUTE"
TAKE_VOLUME = "D_VOL"
TAKE_START_OFFSET = "D_STARTOFFS"
TAKE_PLAYRATE = "D_PLAYRATE"


def rgb_to_native_color(red: int, green: int, blue: int) -> int:
    """``ColorToNative(r, g, b) | 0x1000000`` as REAPER stores it in project files.

    Project files hold the Windows byte order (0x00BBGGRR) on every platform.
    """
    return (red & 0xFF) | ((green & 0xFF) << 8) | ((blue & 0xFF) << 16) | COLOR_CUSTOM_FLAG


def native_color_to_rgb(color: int) -> tuple[int, int, int]:
    """Inverse of :func:`rgb_to_native_color` (the custom flag is ignored)."""
    return color & 0xFF, (color >> 8) & 0xFF, (color >> 16) & 0xFF

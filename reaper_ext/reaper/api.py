"""The one adapter over REAPER's ``reaper_python`` module.

REAPER's Python wrapper returns, for any function with an output parameter,
a tuple of the result and *every* argument (outputs filled in). This module
is the only place that indexes those tuples; everything else calls the typed
helpers below. Pointers are strings such as ``"(MediaTrack*)0x..."``; REAPER
turns a pointer of the wrong type into NULL, so helpers that get a NULL
pointer back return None.

Each string output parameter allocates a 4 MiB buffer in the wrapper: the
string getters here are for one-off reads, not for tight loops.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = [
    "ACTIVE_PROJECT",
    "UNDO_ALL",
    "NULL_SUFFIX",
    "rpr",
    "is_null",
    "api_exists",
    "app_version",
    "count_tracks",
    "get_track",
    "track_guid",
    "track_index",
    "get_track_string",
    "set_track_string",
    "get_track_value",
    "set_track_value",
    "selected_tracks",
    "selected_items",
    "insert_track",
    "delete_track",
    "move_track",
    "track_items",
    "item_value",
    "set_item_value",
    "item_guid",
    "item_take",
    "take_value",
    "take_name",
    "take_source",
    "source_file_name",
    "source_type",
    "source_parent",
    "add_item",
    "fx_count",
    "fx_name",
    "fx_guid",
    "fx_enabled",
    "fx_offline",
    "fx_add",
    "fx_set_enabled",
    "fx_delete",
    "fx_get_named",
    "fx_set_named",
    "fx_call",
    "has_fx_rename",
    "marker_counts",
    "enum_marker",
    "marker_name_772",
    "add_marker",
    "set_marker",
    "delete_marker",
    "get_ext_state",
    "set_ext_state",
    "enum_ext_state",
    "undo_begin",
    "undo_end",
    "prevent_ui_refresh",
    "refresh_ui",
    "console",
    "project_file",
    "project_tempo",
    "project_time_signature",
    "project_sample_rate_hz",
    "resource_path",
    "defer",
]

ACTIVE_PROJECT = 0  # REAPER: proj 0 (NULL) means the active project
UNDO_ALL = -1  # Undo_EndBlock extraflags: everything may have changed
NULL_SUFFIX = "0x0000000000000000"
_STRING_SZ = 4096  # buffer size argument passed with string outputs
_module: Any = None


def rpr() -> Any:
    """REAPER's ``reaper_python`` module (imported on first use)."""
    global _module
    if _module is None or sys.modules.get("reaper_python") is not _module:
        import reaper_python  # provided by REAPER (or the test fake)

        _module = reaper_python
    return _module


def is_null(pointer: Any) -> bool:
    """Whether a pointer string is NULL (REAPER returns ``0x0...0`` for "none")."""
    return not pointer or str(pointer).endswith(NULL_SUFFIX) or str(pointer).endswith("0x0")


def _pointer(value: Any) -> str | None:
    return None if is_null(value) else value


# -- versions and features ----------------------------------------------------------
def api_exists(name: str) -> bool:
    """``APIExists``: whether this REAPER has function ``name`` (without ``RPR_``)."""
    return bool(rpr().RPR_APIExists(name))


def app_version() -> str:
    """REAPER's version string, e.g. ``"7.27/win64"``."""
    return str(rpr().RPR_GetAppVersion())


def resource_path() -> str:
    """REAPER's resource folder."""
    return str(rpr().RPR_GetResourcePath())


# -- tracks -------------------------------------------------------------------------
def count_tracks() -> int:
    return int(rpr().RPR_CountTracks(ACTIVE_PROJECT))


def get_track(index: int) -> str | None:
    return _pointer(rpr().RPR_GetTrack(ACTIVE_PROJECT, index))


def get_track_string(track: str, key: str) -> str:
    """``GetSetMediaTrackInfo_String`` read (``P_NAME``, ``GUID``, ``P_EXT:key``)."""
    return str(rpr().RPR_GetSetMediaTrackInfo_String(track, key, "", False)[3])


def set_track_string(track: str, key: str, value: str) -> bool:
    return bool(rpr().RPR_GetSetMediaTrackInfo_String(track, key, value, True)[0])


def track_guid(track: str) -> str:
    return get_track_string(track, "GUID")


def get_track_value(track: str, key: str) -> float:
    return float(rpr().RPR_GetMediaTrackInfo_Value(track, key))


def set_track_value(track: str, key: str, value: float) -> bool:
    return bool(rpr().RPR_SetMediaTrackInfo_Value(track, key, float(value)))


def track_index(track: str) -> int:
    """0-based index (``IP_TRACKNUMBER`` is 1-based; 0 = not found, -1 = master)."""
    return int(get_track_value(track, "IP_TRACKNUMBER")) - 1


def selected_tracks() -> list[str]:
    api = rpr()
    n_selected = int(api.RPR_CountSelectedTracks(ACTIVE_PROJECT))
    return [api.RPR_GetSelectedTrack(ACTIVE_PROJECT, n) for n in range(n_selected)]


def selected_items() -> list[str]:
    api = rpr()
    n_selected = int(api.RPR_CountSelectedMediaItems(ACTIVE_PROJECT))
    return [api.RPR_GetSelectedMediaItem(ACTIVE_PROJECT, n) for n in range(n_selected)]


def insert_track(index: int) -> str | None:
    """Insert a track at ``index`` (REAPER's defaults) and return it."""
    rpr().RPR_InsertTrackAtIndex(index, True)
    return get_track(index)


def delete_track(track: str) -> None:
    rpr().RPR_DeleteTrack(track)


def move_track(track: str, new_index: int) -> bool:
    """Move one track so it ends up at ``new_index``; the selection is restored after.

    ``ReorderSelectedTracks(beforeTrackIdx, 0)`` moves the selected tracks
    before the track at ``beforeTrackIdx`` as it is counted *before* the move.
    """
    api = rpr()
    before = selected_tracks()
    current = track_index(track)
    api.RPR_SetOnlyTrackSelected(track)
    target = new_index + 1 if new_index > current else new_index
    is_moved = bool(api.RPR_ReorderSelectedTracks(target, 0))
    api.RPR_SetTrackSelected(track, False)
    for other in before:
        api.RPR_SetTrackSelected(other, True)
    return is_moved


# -- items, takes, sources ---------------------------------------------------------
def track_items(track: str) -> list[str]:
    api = rpr()
    return [api.RPR_GetTrackMediaItem(track, n) for n in range(int(api.RPR_CountTrackMediaItems(track)))]


def item_value(item: str, key: str) -> float:
    return float(rpr().RPR_GetMediaItemInfo_Value(item, key))


def set_item_value(item: str, key: str, value: float) -> bool:
    return bool(rpr().RPR_SetMediaItemInfo_Value(item, key, float(value)))


def item_guid(item: str) -> str:
    return str(rpr().RPR_GetSetMediaItemInfo_String(item, "GUID", "", False)[3])


def item_take(item: str) -> str | None:
    return _pointer(rpr().RPR_GetActiveTake(item))


def take_value(take: str, key: str) -> float:
    return float(rpr().RPR_GetMediaItemTakeInfo_Value(take, key))


def take_name(take: str) -> str:
    return str(rpr().RPR_GetTakeName(take))


def take_source(take: str) -> str | None:
    return _pointer(rpr().RPR_GetMediaItemTake_Source(take))


def source_file_name(source: str) -> str:
    return str(rpr().RPR_GetMediaSourceFileName(source, "", _STRING_SZ)[1])


def source_type(source: str) -> str:
    return str(rpr().RPR_GetMediaSourceType(source, "", _STRING_SZ)[1])


def source_parent(source: str) -> str | None:
    """The source a ``SECTION`` source wraps, or None."""
    return _pointer(rpr().RPR_GetMediaSourceParent(source))


def add_item(track: str, *, file_path: str, position_sec: float, length_sec: float, start_offset_sec: float = 0.0) -> str:
    """A new item on ``track`` playing ``file_path``; returns the item."""
    api = rpr()
    item = api.RPR_AddMediaItemToTrack(track)
    take = api.RPR_AddTakeToMediaItem(item)
    api.RPR_SetMediaItemTake_Source(take, api.RPR_PCM_Source_CreateFromFile(file_path))
    api.RPR_SetMediaItemInfo_Value(item, "D_POSITION", float(position_sec))
    api.RPR_SetMediaItemInfo_Value(item, "D_LENGTH", float(length_sec))
    api.RPR_SetMediaItemTakeInfo_Value(take, "D_STARTOFFS", float(start_offset_sec))
    return item


# -- FX -------------------------------------------------------------------------------
def fx_count(track: str) -> int:
    return int(rpr().RPR_TrackFX_GetCount(track))


def fx_name(track: str, fx: int) -> str:
    return str(rpr().RPR_TrackFX_GetFXName(track, fx, "", _STRING_SZ)[3])


def fx_guid(track: str, fx: int) -> str:
    """The plug-in instance's GUID as ``{...}`` text (``GetFXGUID`` gives a pointer)."""
    api = rpr()
    pointer = api.RPR_TrackFX_GetFXGUID(track, fx)
    if is_null(pointer):
        return ""
    return str(api.RPR_guidToString(pointer, "")[1])


def fx_enabled(track: str, fx: int) -> bool:
    return bool(rpr().RPR_TrackFX_GetEnabled(track, fx))


def fx_offline(track: str, fx: int) -> bool:
    return bool(rpr().RPR_TrackFX_GetOffline(track, fx))


def fx_add(track: str, name: str, *, instantiate: int = -1) -> int:
    """``TrackFX_AddByName``; ``instantiate`` -1 always adds at the end; returns the index (-1: failed)."""
    return int(rpr().RPR_TrackFX_AddByName(track, name, False, instantiate))


def fx_set_enabled(track: str, fx: int, is_enabled: bool) -> None:
    rpr().RPR_TrackFX_SetEnabled(track, fx, bool(is_enabled))


def fx_delete(track: str, fx: int) -> bool:
    return bool(rpr().RPR_TrackFX_Delete(track, fx))


def fx_get_named(track: str, fx: int, key: str) -> tuple[bool, str]:
    """``TrackFX_GetNamedConfigParm``: ``(is_known, value)``."""
    result = rpr().RPR_TrackFX_GetNamedConfigParm(track, fx, key, "", _STRING_SZ)
    return bool(result[0]), str(result[4])


def fx_set_named(track: str, fx: int, key: str, value: str) -> bool:
    return bool(rpr().RPR_TrackFX_SetNamedConfigParm(track, fx, key, str(value)))


def fx_call(function: str, args: tuple) -> Any:
    """Call ``RPR_<function>`` with ready arguments (for :func:`reaper_ext.fx.live_calls` plans).

    Returns the value, or for tuple-returning functions the tuple's first element.
    """
    result = getattr(rpr(), "RPR_" + function)(*args)
    return result[0] if isinstance(result, tuple) else result


def has_fx_rename() -> bool:
    """REAPER 7's ``renamed_name`` named config key (FX custom names)."""
    # renamed_name arrived with REAPER 7's containers; GetTouchedOrFocusedFX is a
    # 7.0 API, the closest APIExists can tell.
    return api_exists("TrackFX_GetNamedConfigParm") and api_exists("GetTouchedOrFocusedFX")


# -- markers and regions ---------------------------------------------------------------
def marker_counts() -> tuple[int, int]:
    """``(n_markers, n_regions)``."""
    result = rpr().RPR_CountProjectMarkers(ACTIVE_PROJECT, 0, 0)
    return int(result[2]), int(result[3])


def enum_marker(index: int) -> tuple[bool, float, float, int, int] | None:
    """``(is_region, position_sec, end_sec, number, color)`` of the ``index``-th marker/region.

    No name: the Python wrapper passes ``char**`` through unchanged
    (``EnumProjectMarkers3`` returns the argument, not the name).
    """
    result = rpr().RPR_EnumProjectMarkers3(ACTIVE_PROJECT, index, False, 0.0, 0.0, "", 0, 0)
    if not result[0]:
        return None
    return bool(result[3]), float(result[4]), float(result[5]), int(result[7]), int(result[8])


def marker_name_772(index: int) -> str | None:
    """A marker/region name through REAPER >= 7.72's ``GetSetRegionOrMarkerInfo_String``; None before."""
    if not api_exists("GetSetRegionOrMarkerInfo_String"):
        return None
    api = rpr()
    marker = api.RPR_GetRegionOrMarker(ACTIVE_PROJECT, index, "")
    if is_null(marker):
        return None
    return str(api.RPR_GetSetRegionOrMarkerInfo_String(ACTIVE_PROJECT, marker, "P_NAME", "", False)[4])


def add_marker(*, is_region: bool, position_sec: float, end_sec: float, name: str, number: int, color: int) -> int:
    """``AddProjectMarker2``; returns the number REAPER gave it (-1: failed)."""
    return int(rpr().RPR_AddProjectMarker2(ACTIVE_PROJECT, bool(is_region), float(position_sec), float(end_sec), name, int(number), int(color)))


def set_marker(*, number: int, is_region: bool, position_sec: float, end_sec: float, name: str, color: int) -> bool:
    """``SetProjectMarker4`` (flags 0: an empty name is kept as given)."""
    return bool(rpr().RPR_SetProjectMarker4(ACTIVE_PROJECT, int(number), bool(is_region), float(position_sec), float(end_sec), name, int(color), 0))


def delete_marker(number: int, *, is_region: bool) -> bool:
    return bool(rpr().RPR_DeleteProjectMarker(ACTIVE_PROJECT, int(number), bool(is_region)))


# -- project ext state ---------------------------------------------------------------------
def get_ext_state(section: str, key: str) -> str:
    return str(rpr().RPR_GetProjExtState(ACTIVE_PROJECT, section, key, "", 0)[4])


def set_ext_state(section: str, key: str, value: str) -> None:
    """``SetProjExtState``; an empty value deletes the key, an empty key the whole section."""
    rpr().RPR_SetProjExtState(ACTIVE_PROJECT, section, key, value)


def enum_ext_state(section: str) -> dict[str, str]:
    """Every key of one section, in REAPER's order."""
    api = rpr()
    values: dict[str, str] = {}
    index = 0
    while True:
        result = api.RPR_EnumProjExtState(ACTIVE_PROJECT, section, index, "", _STRING_SZ, "", 0)
        if not result[0]:
            return values
        key = str(result[4])
        # EnumProjExtState's value buffer is as big as the wrapper allocates, but
        # we pass size 0 and read the value with GetProjExtState (REAPER's own advice
        # for long values).
        values[key] = get_ext_state(section, key)
        index += 1


# -- undo, UI, console -------------------------------------------------------------------
def undo_begin() -> None:
    rpr().RPR_Undo_BeginBlock2(ACTIVE_PROJECT)


def undo_end(description: str, *, flags: int = UNDO_ALL) -> None:
    rpr().RPR_Undo_EndBlock2(ACTIVE_PROJECT, description, flags)


def prevent_ui_refresh(count: int) -> None:
    """``PreventUIRefresh(1)`` before a batch of changes, ``(-1)`` after."""
    rpr().RPR_PreventUIRefresh(count)


def refresh_ui() -> None:
    api = rpr()
    api.RPR_TrackList_AdjustWindows(False)
    api.RPR_UpdateArrange()


def console(message: str) -> None:
    """A line in REAPER's ReaScript console (works without any extension)."""
    rpr().RPR_ShowConsoleMsg(message if message.endswith("\n") else message + "\n")


# -- the project --------------------------------------------------------------------------
def project_file() -> str:
    """Full path of the active project's file ("" when never saved)."""
    return str(rpr().RPR_EnumProjects(-1, "", _STRING_SZ)[2])


def project_tempo() -> float:
    return float(rpr().RPR_Master_GetTempo())


def project_time_signature() -> tuple[int, int]:
    result = rpr().RPR_TimeMap_GetTimeSigAtTime(ACTIVE_PROJECT, 0.0, 0, 0, 0.0)
    return int(result[2]) or 4, int(result[3]) or 4


def project_sample_rate_hz() -> int | None:
    """The project's own sample rate, None when it follows the audio device."""
    api = rpr()
    if not api_exists("GetSetProjectInfo"):
        return None
    if not api.RPR_GetSetProjectInfo(ACTIVE_PROJECT, "PROJECT_SRATE_USE", 0.0, False):
        return None
    return int(api.RPR_GetSetProjectInfo(ACTIVE_PROJECT, "PROJECT_SRATE", 0.0, False)) or None


def defer(code: str) -> None:
    """Run ``code`` on REAPER's next defer cycle (``RPR_defer`` lives in ``__main__``)."""
    import __main__

    __main__.RPR_defer(code)

"""The one adapter over REAPER's ``reaper_python`` module.

REAPER's Python wrapper returns, for any function with an output parameter,
a tuple of the result and *every* argument (outputs filled in). This module
is the only place that indexes those tuples; everything else calls the typed
helpers below. Pointers are strings such as ``"(MediaTrack*)0x..."``; REAPER
turns a pointer of the wrong type into NULL, so helpers that get a NULL
pointer back return None.

Each string output parameter allocates a 4 MiB buffer in the wrapper: the
string getters here are for one-off reads, not for tight loops.

Colours cross this adapter in the project model's form: the ``.RPP`` byte
order ``0x01BBGGRR`` (``reaper_keys.rgb_to_native_color``), 0 = none. Live,
REAPER holds *native* colours whose byte order depends on the platform
(Windows ``0x00BBGGRR``, macOS and Linux ``0x00RRGGBB``; FACTS.md "Colours"),
so every colour read or written here goes through ``ColorFromNative`` /
``ColorToNative``: never a hard-coded byte order.

Features that arrived with a REAPER version are gated on
:func:`reaper_version` (FACTS.md "Versions"): FX ``renamed_name`` from 6.78
(a track-chunk edit before), ``MARKER_GUID:X`` from 6.02.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from reaper_ext.session import reaper_keys as keys

__all__ = [
    "ACTIVE_PROJECT",
    "UNDO_ALL",
    "NULL_SUFFIX",
    "rpr",
    "is_null",
    "api_exists",
    "app_version",
    "reaper_version",
    "version_at_least",
    "FX_RENAME_SINCE",
    "MARKER_GUID_SINCE",
    "color_to_native",
    "color_from_native",
    "track_chunk",
    "set_track_chunk",
    "set_take_value",
    "file_to_read",
    "open_project",
    "item_chunk",
    "set_item_chunk",
    "item_takes",
    "master_track",
    "fx_custom_name",
    "fx_rename",
    "fx_param_count",
    "fx_param_name",
    "fx_param_index",
    "fx_get_param",
    "fx_set_param",
    "fx_formatted",
    "fx_format_normalized",
    "fx_normalized_for_display",
    "fx_eq_param_info",
    "fx_chunk_lines",
    "parse_display_number",
    "marker_guid",
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
    "source_section",
    "project_notes",
    "add_item",
    "add_midi_item",
    "time_selection",
    "cursor_position",
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
    "fx_insert",
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
_CHUNK_SZ = 4 * 1024 * 1024  # the wrapper's string buffers are 4 MiB: a track chunk may need all of it
FX_RENAME_SINCE = (6, 78)  # TrackFX_SetNamedConfigParm "renamed_name" (MPL guards it at 6.78)
MARKER_GUID_SINCE = (6, 2)  # GetSetProjectInfo_String "MARKER_GUID:X" (REAPER 6.02)
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


def reaper_version() -> tuple[int, int]:
    """REAPER's ``(major, minor)``: ``"6.78/win64"`` gives ``(6, 78)``, ``"6.1"`` ``(6, 10)``, ``"6.02"`` ``(6, 2)``.

    REAPER writes minor versions as two decimals (6.01 .. 6.09, then 6.1 for
    6.10, 6.11 ...), so the minor is read as hundredths.
    """
    match = re.match(r"\s*(\d+)\.(\d+)", app_version())
    if match is None:
        return (0, 0)
    return int(match.group(1)), int(match.group(2).ljust(2, "0")[:2])


def version_at_least(version: tuple[int, int]) -> bool:
    """Whether this REAPER is ``version`` or newer."""
    return reaper_version() >= version


def resource_path() -> str:
    """REAPER's resource folder."""
    return str(rpr().RPR_GetResourcePath())


# -- colours ------------------------------------------------------------------------
def color_to_native(color: int) -> int:
    """A model colour (``.RPP`` order ``0x01BBGGRR``) as ``ColorToNative(r, g, b) | 0x1000000``; 0 stays 0."""
    if not int(color) & keys.COLOR_CUSTOM_FLAG:
        return 0
    red, green, blue = keys.native_color_to_rgb(int(color))
    return int(rpr().RPR_ColorToNative(red, green, blue)) | keys.COLOR_CUSTOM_FLAG


def color_from_native(native: int) -> int:
    """A live colour (``ColorToNative`` order, with the 0x1000000 flag) in the model's form; 0 when unset."""
    if not int(native) & keys.COLOR_CUSTOM_FLAG:
        return 0
    _, red, green, blue = rpr().RPR_ColorFromNative(int(native) & 0xFFFFFF, 0, 0, 0)
    return keys.rgb_to_native_color(int(red), int(green), int(blue))


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
    """``GetMediaTrackInfo_Value``; ``I_CUSTOMCOLOR`` comes back in the model's colour form (module docstring)."""
    value = float(rpr().RPR_GetMediaTrackInfo_Value(track, key))
    if key == keys.TRACK_COLOR:
        return float(color_from_native(int(value)))
    return value


def set_track_value(track: str, key: str, value: float) -> bool:
    """``SetMediaTrackInfo_Value``; an ``I_CUSTOMCOLOR`` value is a model colour, converted with ``ColorToNative``."""
    if key == keys.TRACK_COLOR:
        value = float(color_to_native(int(value)))
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


def set_take_value(take: str, key: str, value: float) -> bool:
    """``SetMediaItemTakeInfo_Value`` (``D_VOL`` is the take volume, linear: gain before the track's FX)."""
    return bool(rpr().RPR_SetMediaItemTakeInfo_Value(take, key, float(value)))


def item_chunk(item: str) -> str:
    """``GetItemStateChunk`` (``isundoOptional`` False: the full chunk, takes and envelopes included)."""
    result = rpr().RPR_GetItemStateChunk(item, "", _CHUNK_SZ, False)
    return str(result[2]) if result[0] else ""


def set_item_chunk(item: str, chunk: str) -> bool:
    """``SetItemStateChunk`` (no undo point of its own: the caller's undo block covers it)."""
    return bool(rpr().RPR_SetItemStateChunk(item, chunk, False))


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


def source_section(source: str) -> tuple[float, float] | None:
    """``(offset_sec, length_sec)`` of a ``SECTION`` source in its parent, or None for another source.

    ``PCM_Source_GetSectionInfo(src, offs, len, rev)``: the offset is where the
    section starts in the parent file (``STARTPOS`` in the ``.RPP``).
    """
    result = rpr().RPR_PCM_Source_GetSectionInfo(source, 0.0, 0.0, False)
    if not result[0]:
        return None
    return float(result[2]), float(result[3])


def project_notes() -> str:
    """The project notes (``GetSetProjectNotes`` read; ``|`` lines of ``<NOTES`` in the ``.RPP``)."""
    return str(rpr().RPR_GetSetProjectNotes(ACTIVE_PROJECT, False, "", _CHUNK_SZ)[2])


def add_midi_item(track: str, *, position_sec: float, length_sec: float, chunk: str) -> str:
    """A new MIDI item on ``track`` whose whole state is ``chunk`` (an ``<ITEM`` block with an inline MIDI source)."""
    api = rpr()
    item = api.RPR_CreateNewMIDIItemInProj(track, float(position_sec), float(position_sec + length_sec), False)[0]
    api.RPR_SetItemStateChunk(item, chunk, False)
    return item


def time_selection() -> list[float]:
    """``[start_sec, end_sec]`` of the time selection (equal when there is none)."""
    values = rpr().RPR_GetSet_LoopTimeRange2(ACTIVE_PROJECT, False, False, 0.0, 0.0, False)
    return [float(values[3]), float(values[4])]


def cursor_position() -> float:
    """The edit cursor, project seconds."""
    return float(rpr().RPR_GetCursorPosition())


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


def fx_insert(track: str, spec: Any) -> tuple[int, bool]:
    """Add ``spec``'s plug-in to ``track`` with its settings: the one live FX path.

    Makes the calls of :func:`reaper_ext.fx.live_params.live_calls` in order
    (added, switched off, named, set), with parameters found by name where the
    plan says so; the custom name goes through :func:`fx_rename`. Returns
    ``(fx index, whether the name was taken)``; index -1 when REAPER could not
    add the plug-in (nothing else is done then).
    """
    from reaper_ext.fx.live_params import TRACK, live_calls, resolve_args

    calls = live_calls(spec)
    first = calls[0]
    fx = int(fx_call(first.function, tuple(track if arg is TRACK else arg for arg in first.args)))
    if fx < 0:
        return fx, False
    is_named = True
    module = sys.modules[__name__]
    for call in calls[1:]:
        if call.function == "TrackFX_SetNamedConfigParm" and call.args[2] == "renamed_name":
            is_named = fx_rename(track, fx, call.args[3])
            continue
        fx_call(call.function, resolve_args(call.args, track=track, fx=fx, api=module))
    return fx, is_named


def has_fx_rename() -> bool:
    """Whether FX custom names go through the ``renamed_name`` named config key (REAPER >= 6.78)."""
    return version_at_least(FX_RENAME_SINCE)


# -- the track chunk (FX names before 6.78, FX state for the self-check) ---------------
def track_chunk(track: str) -> str:
    """``GetTrackStateChunk`` (``isundoOptional`` False: the full chunk, FX state included)."""
    result = rpr().RPR_GetTrackStateChunk(track, "", _CHUNK_SZ, False)
    return str(result[2]) if result[0] else ""


def set_track_chunk(track: str, chunk: str) -> bool:
    """``SetTrackStateChunk`` (no undo point of its own: the caller's undo block covers it)."""
    return bool(rpr().RPR_SetTrackStateChunk(track, chunk, False))


_FX_OPENERS = ("<VST", "<JS", "<AU", "<CLAP", "<DX", "<LV2", "<VIDEO_EFFECT")


def _fx_openers(lines: list[str]) -> list[int]:
    """Line numbers of each plug-in's opening line inside the chunk's ``<FXCHAIN`` (in chain order)."""
    found, depth, chain_depth = [], 0, None
    for number, line in enumerate(lines):
        text = line.strip()
        if text.startswith("<"):
            depth += 1
            if chain_depth is None and text.split()[0] == "<FXCHAIN":
                chain_depth = depth
            elif chain_depth is not None and depth == chain_depth + 1 and text.split()[0] in _FX_OPENERS:
                found.append(number)
        elif text == ">":
            if chain_depth is not None and depth == chain_depth:
                chain_depth = -1  # the chain is closed; ignore later chains (item FX)
            depth -= 1
    return found


def fx_chunk_lines(track: str, fx: int) -> list[str]:
    """One plug-in's lines (from its ``BYPASS`` line to its closing ``>``) in the track chunk; [] if absent."""
    lines = track_chunk(track).splitlines()
    openers = _fx_openers(lines)
    if not 0 <= fx < len(openers):
        return []
    start = openers[fx]
    depth, end = 0, start
    for end in range(start, len(lines)):
        text = lines[end].strip()
        if text.startswith("<"):
            depth += 1
        elif text == ">":
            depth -= 1
            if depth == 0:
                break
    first = start - 1 if start > 0 and lines[start - 1].strip().startswith("BYPASS") else start
    return [line.strip() for line in lines[first : end + 1]]


def _name_field(opener: str) -> int:
    """Index of the custom name among the opening line's values (the tag itself is value 0).

    ``<VST "display" file 0 "custom" id ...``: the 4th field after the tag;
    ``<JS path "custom"``: the 2nd (FACTS.md "Versions").
    """
    return 2 if opener.startswith("<JS") else 4


def fx_custom_name(track: str, fx: int) -> str:
    """An FX's custom name: ``renamed_name`` (>= 6.78), else the name field in the track chunk."""
    if has_fx_rename():
        return fx_get_named(track, fx, "renamed_name")[1]
    from reaper_ext.session.rpp.tokens import split_line

    lines = track_chunk(track).splitlines()
    openers = _fx_openers(lines)
    if not 0 <= fx < len(openers):
        return ""
    tokens = split_line(lines[openers[fx]].strip()[1:])
    position = _name_field(lines[openers[fx]].strip())
    return tokens[position] if len(tokens) > position else ""


def fx_rename(track: str, fx: int, name: str) -> bool:
    """Give an FX a custom name: ``renamed_name`` from REAPER 6.78, before that an edit of the track chunk.

    The chunk edit rewrites only the plug-in's opening line (its custom-name
    field); the rest of the chunk, FX state included, goes back unchanged.
    """
    if has_fx_rename():
        return fx_set_named(track, fx, "renamed_name", name)
    from reaper_ext.session.rpp.tokens import join_tokens, split_line

    chunk = track_chunk(track)
    if not chunk:
        return False
    ending = "\r\n" if "\r\n" in chunk else "\n"
    lines = chunk.splitlines()
    openers = _fx_openers(lines)
    if not 0 <= fx < len(openers):
        return False
    line = lines[openers[fx]]
    indent = line[: len(line) - len(line.lstrip())]
    tokens = split_line(line.strip()[1:])
    position = _name_field(line.strip())
    while len(tokens) <= position:
        tokens.append("")
    tokens[position] = name
    lines[openers[fx]] = indent + "<" + join_tokens(tokens)
    return set_track_chunk(track, ending.join(lines) + (ending if chunk.endswith(("\n", "\r")) else ""))


# -- FX parameters (found by name, read back as REAPER displays them) ---------------------
def fx_param_count(track: str, fx: int) -> int:
    return int(rpr().RPR_TrackFX_GetNumParams(track, fx))


def fx_param_name(track: str, fx: int, param: int) -> str:
    return str(rpr().RPR_TrackFX_GetParamName(track, fx, param, "", _STRING_SZ)[4])


def fx_param_index(track: str, fx: int, word: str) -> int:
    """The first parameter with a name word starting with ``word`` (case-insensitive).

    Words, not substrings: ``"hold"`` must not find ``"Threshold"``.

    Raises
    ------
    SuggestionError
        When no parameter matches (the plug-in is not the one expected).
    """
    from reaper_ext.errors import SuggestionError

    wanted = word.lower()
    names = []
    for param in range(fx_param_count(track, fx)):
        name = fx_param_name(track, fx, param)
        names.append(name)
        if any(part.startswith(wanted) for part in re.split(r"[^0-9a-z]+", name.lower()) if part):
            return param
    raise SuggestionError(f"{fx_name(track, fx)!r} has no parameter named like {word!r} (it has {names})")


def fx_get_param(track: str, fx: int, param: int) -> float:
    """``TrackFX_GetParam``'s value (the same scale ``TrackFX_SetParam`` takes)."""
    result = rpr().RPR_TrackFX_GetParam(track, fx, param, 0.0, 0.0)
    return float(result[0] if isinstance(result, tuple) else result)


def fx_set_param(track: str, fx: int, param: int, value: float) -> bool:
    return bool(rpr().RPR_TrackFX_SetParam(track, fx, param, float(value)))


def fx_formatted(track: str, fx: int, param: int) -> str:
    """``TrackFX_GetFormattedParamValue``: the text REAPER shows for the parameter now ("-3.0", "4.0:1")."""
    return str(rpr().RPR_TrackFX_GetFormattedParamValue(track, fx, param, "", _STRING_SZ)[4])


def fx_format_normalized(track: str, fx: int, param: int, value: float) -> str:
    """``TrackFX_FormatParamValueNormalized``: the text REAPER would show at normalised ``value`` (nothing set)."""
    return str(rpr().RPR_TrackFX_FormatParamValueNormalized(track, fx, param, float(value), "", 256)[5])


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf", re.IGNORECASE)


def parse_display_number(text: str, unit: str = "") -> float | None:
    """The number in a display text, in ``unit``: ``"3.0 ms"`` -> 3.0, ``"1.2 s"`` as ms -> 1200, ``"-inf"`` -> -inf.

    ``"ms"`` converts from a trailing ``s``, ``"Hz"`` from a trailing ``k``;
    anything else is read as shown.
    """
    match = _NUMBER.search(text.replace(",", "."))
    if match is None:
        return None
    value = float(match.group(0))
    rest = text[match.end():].strip().lower()
    if unit == "ms" and rest.startswith("s") and not rest.startswith("sa"):
        value *= 1000.0  # "1.5 s" (not "samples")
    if unit == "Hz" and rest.startswith("k"):
        value *= 1000.0  # "1.2k", "1.2 kHz"
    return value


def fx_normalized_for_display(track: str, fx: int, param: int, value: float, unit: str, *, steps: int = 30) -> float:
    """The normalised value (0..1) at which REAPER displays ``value`` ``unit`` for this parameter.

    Bisection over ``TrackFX_FormatParamValueNormalized`` (FACTS.md: calibrate
    with it where a scaling is not published); the display must grow with the
    value, as every time and level control does.

    Raises
    ------
    SuggestionError
        When the display is not a number or ``value`` is outside the range shown.
    """
    from reaper_ext.errors import SuggestionError

    def shown(norm: float) -> float:
        text = fx_format_normalized(track, fx, param, norm)
        number = parse_display_number(text, unit)
        if number is None:
            raise SuggestionError(f"{fx_param_name(track, fx, param)!r} shows {text!r} at {norm}: not a number")
        return number

    shown_low, shown_high = shown(0.0), shown(1.0)
    if not shown_low <= value <= shown_high:
        raise SuggestionError(f"{fx_param_name(track, fx, param)!r}: {value} {unit} is outside what it shows "
                              f"({shown_low}..{shown_high} {unit})")

    def first_above(is_above) -> float:
        low, high = 0.0, 1.0
        for _ in range(steps):
            middle = (low + high) / 2.0
            if is_above(shown(middle)):
                high = middle
            else:
                low = middle
        return high

    # The display is rounded ("10.0" covers 9.95..10.05 ms): take the middle of the values that
    # show `value`, between the first that shows at least it and the first that shows more.
    start = first_above(lambda number: number >= value)
    end = first_above(lambda number: number > value) if shown_high > value else 1.0
    return (start + end) / 2.0 if shown(start) == shown((start + end) / 2.0) else start


def fx_eq_param_info(track: str, fx: int, param: int) -> tuple[int, int, int, float] | None:
    """``TrackFX_GetEQParam``: ``(bandtype, bandidx, paramtype, normalised value)`` of a ReaEQ parameter, or None."""
    result = rpr().RPR_TrackFX_GetEQParam(track, fx, param, 0, 0, 0, 0.0)
    if not result[0]:
        return None
    return int(result[4]), int(result[5]), int(result[6]), float(result[7])


# -- markers and regions ---------------------------------------------------------------
def marker_counts() -> tuple[int, int]:
    """``(n_markers, n_regions)``."""
    result = rpr().RPR_CountProjectMarkers(ACTIVE_PROJECT, 0, 0)
    return int(result[2]), int(result[3])


def enum_marker(index: int) -> tuple[bool, float, float, int, int] | None:
    """``(is_region, position_sec, end_sec, number, color)`` of the ``index``-th marker/region.

    The colour is in the model's form (module docstring). No name: the Python
    wrapper passes ``char**`` through unchanged (``EnumProjectMarkers3``
    returns the argument, not the name).
    """
    result = rpr().RPR_EnumProjectMarkers3(ACTIVE_PROJECT, index, False, 0.0, 0.0, "", 0, 0)
    if not result[0]:
        return None
    return bool(result[3]), float(result[4]), float(result[5]), int(result[7]), color_from_native(int(result[8]))


def marker_guid(index: int) -> str:
    """The GUID of the ``index``-th marker/region (enumeration order), "" before REAPER 6.02.

    ``GetSetProjectInfo_String(proj, "MARKER_GUID:X", "", False)``, read-only,
    REAPER >= 6.02 (FACTS.md "Versions").
    """
    if not version_at_least(MARKER_GUID_SINCE) or not api_exists("GetSetProjectInfo_String"):
        return ""
    result = rpr().RPR_GetSetProjectInfo_String(ACTIVE_PROJECT, f"MARKER_GUID:{int(index)}", "", False)
    return str(result[3]) if result[0] else ""


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
    """``AddProjectMarker2`` with a model colour (0 = none); returns the number REAPER gave it (-1: failed)."""
    return int(rpr().RPR_AddProjectMarker2(ACTIVE_PROJECT, bool(is_region), float(position_sec), float(end_sec), name, int(number),
                                           color_to_native(color)))


#: SetProjectMarker4 flags: bit 0 clears the name (a plain empty name leaves the old one; FACTS.md).
MARKER_CLEAR_NAME = 1


def set_marker(*, number: int, is_region: bool, position_sec: float, end_sec: float, name: str, color: int) -> bool:
    """``SetProjectMarker4`` with a model colour; an empty ``name`` clears the name (``flags & 1``).

    Colour 0 means "don't change" to ``SetProjectMarker4``.
    """
    flags = MARKER_CLEAR_NAME if name == "" else 0
    return bool(rpr().RPR_SetProjectMarker4(ACTIVE_PROJECT, int(number), bool(is_region), float(position_sec), float(end_sec), name,
                                            color_to_native(color), flags))


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


# -- takes and the master track (pre-FX gain, master chain suggestions) -----------------------
def item_takes(item: str) -> list[str | None]:
    """Every take of an item, in order (``CountTakes`` / ``GetTake``; None for an empty take)."""
    api = rpr()
    return [_pointer(api.RPR_GetTake(item, n)) for n in range(int(api.RPR_CountTakes(item)))]


def master_track() -> str:
    """The project's master track (``GetMasterTrack``): its FX chain takes ``TrackFX_*`` calls like any track's."""
    return str(rpr().RPR_GetMasterTrack(ACTIVE_PROJECT))


# -- files: the study action's dialog and the project it opens -----------------------------------------
def file_to_read(title: str, extension: str) -> str | None:
    """``GetUserFileNameForRead`` (returns ``(retval, filename, title, defext)``): the chosen path, None if cancelled."""
    result = rpr().RPR_GetUserFileNameForRead("", title, extension)
    is_chosen, path = bool(result[0]), str(result[1])
    return path if is_chosen and path else None


def open_project(path: str) -> bool:
    """``Main_openProject`` where REAPER has it (in the current tab, asking first to save changes); False if not."""
    if not api_exists("Main_openProject"):
        return False
    rpr().RPR_Main_openProject(str(path))
    return True

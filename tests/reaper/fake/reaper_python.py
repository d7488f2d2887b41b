"""A fake ``reaper_python``: REAPER's ReaScript functions over a :class:`FakeProject`.

Names, parameter counts and the tuple-return convention come from REAPER's
own API list (``wrapper.py``); only the functions implemented here exist.
``RPR_defer``/``RPR_atexit`` go into ``__main__`` as in REAPER, run by a
scheduler the test drives cycle by cycle (each cycle's wall time is kept).
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

from tests.reaper.fake import fx_params as fxp
from tests.reaper.fake import item_chunks
from tests.reaper.fake.project import (
    DEFAULT_EQ_BANDS,
    FakeFx,
    FakeItem,
    FakeMarker,
    FakeProject,
    FakeSource,
    FakeTake,
    FakeTrack,
    fx_lines,
    load_rpp,
    save_rpp,
)
from tests.reaper.fake.rpp_loader import ext_lines
from tests.reaper.fake.wrapper import Pointers, load_api, make_function

#: functions a REAPER of each major version lacks (for APIExists and for calls)
MISSING_BEFORE = {
    "7.72": {"GetRegionOrMarker", "GetSetRegionOrMarkerInfo_String", "GetNumRegionsOrMarkers"},
    "7.0": {"GetTouchedOrFocusedFX"},
}
BANDTYPE_CODES = fxp.BANDTYPE_BY_KIND
KIND_BY_CODE = fxp.KIND_BY_BANDTYPE
_EQ_KIND_BY_PARAM = fxp.KIND_BY_EQPARAM
_PLUGINS = {"VST: ReaEQ (Cockos)": "ReaEQ", "ReaEQ": "ReaEQ", "VST: ReaComp (Cockos)": "ReaComp", "ReaComp": "ReaComp",
            "VST: ReaGate (Cockos)": "ReaGate", "ReaGate": "ReaGate", **dict.fromkeys(fxp.REALIMIT_ADD_NAMES, "ReaLimit")}
#: features that arrived with a REAPER version (FACTS.md "Versions")
RENAMED_NAME_SINCE = (6, 78)
MARKER_GUID_SINCE = (6, 2)


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = text.split(".")
    # REAPER's minor versions are hundredths: "6.1" is 6.10, "6.02" is 6.2
    return tuple(int(part.ljust(2, "0")[:2]) if n == 1 else int(part) for n, part in enumerate(parts) if part.isdigit())


class FakeReaper:
    """The state behind the ``RPR_`` functions (one open project)."""

    def __init__(self, project: FakeProject, *, version: str = "7.27", platform: str = "win64",
                 fx_quirks: frozenset[str] = frozenset()) -> None:
        self.project = project
        project.version = version
        project.platform = platform  # saving writes colours in this REAPER's native order
        self.version = version
        # ColorToNative's byte order follows the platform (FACTS "Colours"): win* 0x00BBGGRR, else 0x00RRGGBB.
        self.platform = platform
        self.fx_quirks = set(fx_quirks)  # plug-in misbehaviour on purpose (fx_params module docstring)
        self.pointers = Pointers()
        self.console: list[str] = []
        self.undo_points: list[str] = []
        self.undo_depth = 0
        self.ui_refresh_depth = 0
        self.unblocked_changes: list[str] = []
        self.calls: list[str] = []
        self.deferred: list[str] = []
        self.tick_sec: list[float] = []
        self.project_object = object()
        # the suggestion inbox's REAPER calls (transport, edit cursor, solo, state count)
        self.state_change_count = 0
        self.edit_cursor_sec = 0.0
        self.play_state = 0  # GetPlayState: &1 playing
        self.solo: dict[int, int] = {}  # id(track) -> I_SOLO
        self.commands: list[int] = []  # Main_OnCommand ids, in order
        # the file dialog's answers (a path, or None for Cancel), and the projects opened
        self.file_answers: list[str | None] = []
        self.opened_projects: list[str] = []

    # -- test helpers --------------------------------------------------------------------------
    def missing(self) -> set[str]:
        have = _version_tuple(self.version)
        gone: set[str] = set()
        for since, names in MISSING_BEFORE.items():
            if have < _version_tuple(since):
                gone |= names
        return gone

    def save(self, path: Path) -> None:
        save_rpp(self.project, path)

    def run_defer_cycle(self) -> int:
        """Run what was deferred (REAPER: one defer cycle); returns how many ran."""
        import __main__

        queued, self.deferred = self.deferred, []
        for code in queued:
            started = time.perf_counter()
            exec(code, __main__.__dict__)  # noqa: S102 (REAPER runs defer code strings the same way)
            self.tick_sec.append(time.perf_counter() - started)
        return len(queued)

    def run_until_idle(self, *, timeout_sec: float, cycle_sec: float = 1 / 30, on_cycle=None) -> None:
        """Defer cycles at REAPER's ~30 Hz until nothing is deferred any more."""
        deadline = time.monotonic() + timeout_sec
        n_cycle = 0
        while self.deferred:
            if time.monotonic() > deadline:
                raise TimeoutError(f"still deferred after {timeout_sec} s: {self.deferred}")
            self.run_defer_cycle()
            n_cycle += 1
            if on_cycle is not None:
                on_cycle(n_cycle)
            time.sleep(cycle_sec)

    def _changed(self, what: str) -> None:
        self.state_change_count += 1  # REAPER: GetProjectStateChangeCount moves on every change
        if self.undo_depth == 0:
            self.unblocked_changes.append(what)

    def _tracks(self) -> list[FakeTrack]:
        return self.project.tracks

    def _track_of_item(self, item: FakeItem) -> FakeTrack | None:
        return next((t for t in self.project.tracks if item in t.items), None)

    # -- general ------------------------------------------------------------------------------------
    def APIExists(self, name):
        # what this REAPER has (REAPER's API list minus what the version lacks), implemented here or not
        return name in _API and name not in self.missing()

    def GetAppVersion(self):
        return f"{self.version}/{self.platform}" if self.platform else self.version  # very old headers: no platform

    def _since(self, version: tuple[int, int]) -> bool:
        return _version_tuple(self.version) >= version

    # -- colours (FACTS "Colours": native byte order differs by platform) -----------------------
    def _is_windows(self) -> bool:
        return self.platform.startswith("win") or self.platform == "x64"  # REAPER 6.0x on 64-bit Windows: "x64"

    def ColorToNative(self, r, g, b):
        r, g, b = r & 0xFF, g & 0xFF, b & 0xFF
        return (r | g << 8 | b << 16) if self._is_windows() else (r << 16 | g << 8 | b)

    def ColorFromNative(self, col, r, g, b):
        if self._is_windows():
            return None, {1: col & 0xFF, 2: (col >> 8) & 0xFF, 3: (col >> 16) & 0xFF}
        return None, {1: (col >> 16) & 0xFF, 2: (col >> 8) & 0xFF, 3: col & 0xFF}

    def GetSetProjectInfo_String(self, proj, key, value, is_set):
        if key.startswith("MARKER_GUID:") and self._since(MARKER_GUID_SINCE) and not is_set:
            markers = self._markers()
            index = int(key.split(":", 1)[1])
            if 0 <= index < len(markers):
                return True, {2: markers[index].guid}
        return False, {}

    def GetResourcePath(self):
        return str(Path.home() / ".config" / "REAPER")

    def ShowConsoleMsg(self, msg):
        self.console.append(msg)

    def Undo_BeginBlock2(self, proj):
        self.undo_depth += 1

    def Undo_EndBlock2(self, proj, desc, flags):
        self.undo_depth -= 1
        if self.undo_depth == 0:
            self.undo_points.append(desc)

    def PreventUIRefresh(self, count):
        self.ui_refresh_depth += count
        assert self.ui_refresh_depth >= 0, "PreventUIRefresh(-1) without (1)"

    def TrackList_AdjustWindows(self, is_minor):
        return None

    def UpdateArrange(self):
        return None

    def EnumProjects(self, idx, buf, sz):
        if idx not in (-1, 0):
            return None, {}
        return self.project_object, {1: str(self.project.path or "")}

    def Master_GetTempo(self):
        return self.project.tempo_bpm

    def SetCurrentBPM(self, proj, bpm, want_undo):
        self._changed("SetCurrentBPM")
        self.project.tempo_bpm = bpm

    def TimeMap_GetTimeSigAtTime(self, proj, time_sec, num, denom, tempo):
        return None, {2: self.project.time_signature[0], 3: self.project.time_signature[1], 4: self.project.tempo_bpm}

    def GetSetProjectInfo(self, proj, key, value, is_set):
        if key == "PROJECT_SRATE":
            return float(self.project.sample_rate_hz or 0)
        if key == "PROJECT_SRATE_USE":
            return 1.0 if self.project.sample_rate_hz else 0.0
        return 0.0

    # -- ext state ---------------------------------------------------------------------------------
    def GetProjExtState(self, proj, section, key, buf, sz):
        value = self.project.ext_state.get(section, {}).get(key, "")
        return len(value), {3: value}

    def SetProjExtState(self, proj, section, key, value):
        self._changed("SetProjExtState")
        if not key:
            self.project.ext_state.pop(section, None)
        elif not value:
            self.project.ext_state.get(section, {}).pop(key, None)
            if section in self.project.ext_state and not self.project.ext_state[section]:
                del self.project.ext_state[section]
        else:
            self.project.ext_state.setdefault(section, {})[key] = value
        return 1

    def EnumProjExtState(self, proj, section, idx, key_buf, key_sz, val_buf, val_sz):
        keys = list(self.project.ext_state.get(section, {}))
        if idx >= len(keys):
            return False, {}
        value = self.project.ext_state[section][keys[idx]]
        return True, {3: keys[idx], 5: value[: max(val_sz - 1, 0)]}

    # -- tracks -------------------------------------------------------------------------------------
    def GetMasterTrack(self, proj):
        return self.project.master

    def CountTracks(self, proj):
        return len(self._tracks())

    def GetTrack(self, proj, idx):
        tracks = self._tracks()
        return tracks[idx] if 0 <= idx < len(tracks) else None

    def GetTrackName(self, track, buf, buf_size):
        # REAPER answers "Track N" for an unnamed track; reapy reads names this way
        if track is None:
            return False, {}
        name = track.name or f"Track {self._tracks().index(track) + 1}"
        return True, {1: name[: max(0, buf_size - 1)]}

    def GetSetMediaTrackInfo_String(self, track, key, value, is_set):
        if track is None:
            return False, {}
        if key == "P_NAME":
            if is_set:
                self._changed("P_NAME")
                track.name = value
            return True, {2: track.name}
        if key == "GUID":
            return True, {2: track.guid}
        return False, {}

    _TRACK_ATTRS = {"D_VOL": "volume", "D_PAN": "pan", "B_MUTE": "is_muted", "B_PHASE": "is_phase_inverted",
                    "I_FOLDERDEPTH": "folder_depth", "I_CUSTOMCOLOR": "color", "I_SELECTED": "is_selected"}

    def GetMediaTrackInfo_Value(self, track, key):
        if track is None:
            return 0.0
        if key == "I_SOLO":
            return float(self.solo.get(id(track), 0))
        if key == "IP_TRACKNUMBER":
            if track is self.project.master:
                return -1.0  # the master track
            return float(self._tracks().index(track) + 1) if track in self._tracks() else 0.0
        return float(getattr(track, self._TRACK_ATTRS[key])) if key in self._TRACK_ATTRS else 0.0

    def SetMediaTrackInfo_Value(self, track, key, value):
        if track is not None and key == "I_SOLO":
            self._changed(key)
            self.solo[id(track)] = int(value)
            return True
        if track is None or key not in self._TRACK_ATTRS:
            return False
        self._changed(key)
        attr = self._TRACK_ATTRS[key]
        current = getattr(track, attr)
        setattr(track, attr, type(current)(int(value)) if isinstance(current, (bool, int)) else float(value))
        return True

    def CountSelectedTracks(self, proj):
        return sum(t.is_selected for t in self._tracks())

    def GetSelectedTrack(self, proj, idx):
        selected = [t for t in self._tracks() if t.is_selected]
        return selected[idx] if 0 <= idx < len(selected) else None

    def SetOnlyTrackSelected(self, track):
        for other in self._tracks():
            other.is_selected = other is track

    def SetTrackSelected(self, track, is_selected):
        if track is not None:
            track.is_selected = bool(is_selected)

    def ReorderSelectedTracks(self, before_index, make_prev_folder):
        self._changed("ReorderSelectedTracks")
        tracks = self._tracks()
        moving = [t for t in tracks if t.is_selected]
        if not moving:
            return False
        anchor = tracks[before_index] if before_index < len(tracks) else None
        while anchor is not None and anchor.is_selected:
            following = tracks.index(anchor) + 1
            anchor = tracks[following] if following < len(tracks) else None
        rest = [t for t in tracks if not t.is_selected]
        position = rest.index(anchor) if anchor is not None else len(rest)
        self.project.tracks = rest[:position] + moving + rest[position:]
        return True

    def InsertTrackAtIndex(self, idx, want_defaults):
        self._changed("InsertTrackAtIndex")
        self.project.tracks.insert(max(0, min(idx, len(self._tracks()))), FakeTrack())

    def DeleteTrack(self, track):
        if track is not None and track in self._tracks():
            self._changed("DeleteTrack")
            self._tracks().remove(track)
            self.pointers.forget(track)

    # -- items, takes, sources -----------------------------------------------------------------------
    def CountTrackMediaItems(self, track):
        return 0 if track is None else len(track.items)

    def GetTrackMediaItem(self, track, idx):
        return track.items[idx] if track is not None and 0 <= idx < len(track.items) else None

    def CountSelectedMediaItems(self, proj):
        return sum(i.is_selected for t in self._tracks() for i in t.items)

    def GetSelectedMediaItem(self, proj, idx):
        selected = [i for t in self._tracks() for i in t.items if i.is_selected]
        return selected[idx] if 0 <= idx < len(selected) else None

    _ITEM_ATTRS = {"D_POSITION": "position_sec", "D_LENGTH": "length_sec", "B_MUTE": "is_muted", "D_VOL": "volume"}

    def GetMediaItemInfo_Value(self, item, key):
        return float(getattr(item, self._ITEM_ATTRS[key])) if item is not None and key in self._ITEM_ATTRS else 0.0

    def SetMediaItemInfo_Value(self, item, key, value):
        if item is None or key not in self._ITEM_ATTRS:
            return False
        self._changed("SetMediaItemInfo_Value")
        setattr(item, self._ITEM_ATTRS[key], bool(value) if key == "B_MUTE" else float(value))
        return True

    def GetSetMediaItemInfo_String(self, item, key, value, is_set):
        if item is None or key != "GUID":
            return False, {}
        return True, {2: item.guid}

    def GetActiveTake(self, item):
        return None if item is None else item.take()

    def CountTakes(self, item):
        return 0 if item is None else len(item.takes)

    def GetTake(self, item, idx):
        return item.takes[idx] if item is not None and 0 <= idx < len(item.takes) else None

    _TAKE_ATTRS = {"D_VOL": "volume", "D_STARTOFFS": "start_offset_sec", "D_PLAYRATE": "playrate"}

    def GetMediaItemTakeInfo_Value(self, take, key):
        return float(getattr(take, self._TAKE_ATTRS[key])) if take is not None and key in self._TAKE_ATTRS else 0.0

    def SetMediaItemTakeInfo_Value(self, take, key, value):
        if take is None or key not in self._TAKE_ATTRS:
            return False
        self._changed("SetMediaItemTakeInfo_Value")
        setattr(take, self._TAKE_ATTRS[key], float(value))
        return True

    def GetTakeName(self, take):
        return "" if take is None else take.name

    def GetMediaItemTake_Source(self, take):
        return None if take is None else take.source

    def GetMediaSourceType(self, source, buf, sz):
        return None, {1: "" if source is None else source.kind}

    def GetMediaSourceFileName(self, source, buf, sz):
        # REAPER reports the full path: a relative FILE is taken from the project's folder
        if source is None or not source.file:
            return None, {1: ""}
        text = source.file
        is_absolute = text.startswith(("/", "\\\\")) or (len(text) > 2 and text[1] == ":")
        folder = self.project.path.parent if self.project.path is not None else None
        return None, {1: text if is_absolute or folder is None else str(folder / text.replace("\\", "/"))}

    def GetMediaSourceParent(self, source):
        return None if source is None else source.parent

    def PCM_Source_GetSectionInfo(self, source, offset, length, reverse):
        if source is None or source.kind != "SECTION":
            return False, {}
        return True, {1: source.section_offset_sec, 2: source.section_length_sec, 3: 0}

    def GetSetProjectNotes(self, proj, is_set, notes, size):
        if is_set:
            self._changed("GetSetProjectNotes")
            self.project.notes = notes
        return None, {2: self.project.notes}

    def AddMediaItemToTrack(self, track):
        if track is None:
            return None
        self._changed("AddMediaItemToTrack")
        item = FakeItem()
        track.items.append(item)
        return item

    # -- MIDI items, time selection, edit cursor (the sparks action) ------------------------------
    time_selection_sec = (0.0, 0.0)
    cursor_sec = 0.0

    def CreateNewMIDIItemInProj(self, track, start_sec, end_sec, qn_in):
        if track is None:
            return None, {}
        self._changed("CreateNewMIDIItemInProj")
        item = FakeItem(position_sec=start_sec, length_sec=end_sec - start_sec)
        item.takes.append(FakeTake(source=FakeSource("MIDI")))
        track.items.append(item)
        return item, {}

    def GetItemStateChunk(self, item, buf, sz, is_undo):
        """The item as a chunk, built from its state: fields, takes, the active take, take envelopes (item_chunks)."""
        if item is None:
            return False, {}
        return True, {1: item_chunks.item_chunk_text(item)}

    def SetItemStateChunk(self, item, chunk, is_undo):
        """The item becomes what the chunk says (position, length, mute, takes, active take, take envelopes)."""
        if item is None:
            return False
        try:
            item_chunks.apply_item_chunk(item, chunk, take_class=FakeTake, source_class=FakeSource)
        except ValueError:
            return False  # REAPER refuses a chunk it cannot read
        self._changed("SetItemStateChunk")
        item.state_chunk = chunk  # the last chunk set, as text, for tests that look at it
        return True

    def GetSet_LoopTimeRange2(self, proj, is_set, is_loop, start_sec, end_sec, allow_autoseek):
        if is_set:
            self.time_selection_sec = (start_sec, end_sec)
            return None, {}
        return None, {3: self.time_selection_sec[0], 4: self.time_selection_sec[1]}

    def GetCursorPosition(self):
        return self.cursor_sec

    def AddTakeToMediaItem(self, item):
        if item is None:
            return None
        take = FakeTake()
        item.takes.append(take)
        return take

    def PCM_Source_CreateFromFile(self, file_name):
        kind = {".wav": "WAVE", ".flac": "FLAC", ".mp3": "MP3", ".ogg": "VORBIS"}.get(Path(file_name).suffix.lower(), "WAVE")
        return FakeSource(kind, file_name)

    def SetMediaItemTake_Source(self, take, source):
        if take is None or source is None:
            return False
        take.source = source
        return True

    # -- FX -----------------------------------------------------------------------------------------
    def _fx(self, track, index) -> FakeFx | None:
        return track.fx[index] if track is not None and 0 <= index < len(track.fx) else None

    def TrackFX_GetCount(self, track):
        return 0 if track is None else len(track.fx)

    def TrackFX_GetFXName(self, track, index, buf, sz):
        fx = self._fx(track, index)
        return (False, {}) if fx is None else (True, {2: fx.display_name})

    def TrackFX_GetEnabled(self, track, index):
        fx = self._fx(track, index)
        return fx is not None and fx.is_enabled

    def TrackFX_GetOffline(self, track, index):
        fx = self._fx(track, index)
        return fx is not None and fx.is_offline

    def TrackFX_GetFXGUID(self, track, index):
        fx = self._fx(track, index)
        return None if fx is None else _Guid(fx)

    def guidToString(self, guid, buf):
        return None, {1: "" if guid is None else guid.fx.guid}

    def TrackFX_AddByName(self, track, name, rec_fx, instantiate):
        if track is None or instantiate >= 0:
            return -1 if track is None else next((n for n, fx in enumerate(track.fx) if fx.display_name == name), -1)
        plugin = _PLUGINS.get(name) or (name if name.startswith("JS:") else None)
        if plugin is None:
            return -1  # not installed
        self._changed("TrackFX_AddByName")
        display = {"ReaGate": "VST: ReaGate (Cockos)", "ReaLimit": fxp.REALIMIT_ADD_NAMES[0]}.get(plugin, name)
        fx = FakeFx(display if not plugin.startswith("JS:") else "JS: " + plugin[3:], plugin=plugin)
        if plugin == "ReaEQ":
            fx.eq_bands = [{"kind": kind, "enabled": True, "freq_hz": freq, "gain_db": 0.0, "bw_oct": 1.0} for kind, freq in DEFAULT_EQ_BANDS]
        elif plugin == "ReaComp":
            fx.comp_raw = list(fxp.REACOMP_DEFAULTS)
        elif plugin == "ReaGate":
            fx.gate_raw = list(fxp.REAGATE_DEFAULTS)
            self._gate_to_sliders(fx)
        elif plugin == "JS:sstillwell/expander":
            fx.sliders = {f"slider{n + 1}": value for n, value in enumerate(fxp.EXPANDER_DEFAULTS)}
        elif plugin == "ReaLimit":
            fx.limit_raw = list(fxp.REALIMIT_DEFAULTS)
        track.fx.append(fx)
        return len(track.fx) - 1

    def TrackFX_SetEnabled(self, track, index, is_enabled):
        fx = self._fx(track, index)
        if fx is not None:
            self._changed("TrackFX_SetEnabled")
            fx.is_enabled = bool(is_enabled)

    def TrackFX_Delete(self, track, index):
        fx = self._fx(track, index)
        if fx is None:
            return False
        self._changed("TrackFX_Delete")
        track.fx.remove(fx)
        return True

    def TrackFX_GetNamedConfigParm(self, track, index, key, buf, sz):
        fx = self._fx(track, index)
        if fx is None:
            return False, {}
        if key == "renamed_name" and self._since(RENAMED_NAME_SINCE):
            return True, {3: fx.renamed}
        if fx.plugin == "ReaEQ" and key.startswith("BANDTYPE"):
            band = int(key[len("BANDTYPE"):])
            if band < len(fx.eq_bands):
                return True, {3: str(BANDTYPE_CODES[fx.eq_bands[band]["kind"]])}
        return False, {}

    def TrackFX_SetNamedConfigParm(self, track, index, key, value):
        fx = self._fx(track, index)
        if fx is None:
            return False
        if key == "renamed_name":
            if not self._since(RENAMED_NAME_SINCE):
                return False  # renamed_name arrived about REAPER 6.78 (FACTS "Versions")
            self._changed("renamed_name")
            fx.renamed = value
            return True
        if fx.plugin == "ReaEQ" and key.startswith(("BANDTYPE", "BANDENABLED")):
            self._changed(key)
            is_type = key.startswith("BANDTYPE")
            band = int(key[len("BANDTYPE" if is_type else "BANDENABLED"):])
            if band == len(fx.eq_bands) and is_type:
                fx.eq_bands.append({"kind": "band", "enabled": True, "freq_hz": 1000.0, "gain_db": 0.0, "bw_oct": 1.0})
            if band >= len(fx.eq_bands):
                return False
            if is_type:
                fx.eq_bands[band]["kind"] = KIND_BY_CODE[int(value)]
            else:
                fx.eq_bands[band]["enabled"] = value not in ("0", "")
            return True
        return False

    def TrackFX_SetEQParam(self, track, index, band_type, band_index, param_type, value, is_norm):
        fx = self._fx(track, index)
        if fx is None or fx.plugin != "ReaEQ" or is_norm:
            return False
        self._changed("TrackFX_SetEQParam")
        # isnorm=False: gain is a linear amplitude (FACTS); the "eq_gain_db" quirk is the old misreading.
        as_db = value if "eq_gain_db" in self.fx_quirks else fxp.db(value)
        if band_type == -1:
            fx.eq_master_db = as_db
            return True
        kind = _EQ_KIND_BY_PARAM.get(band_type)
        of_kind = [band for band in fx.eq_bands if band["kind"] == kind]
        if band_index >= len(of_kind):
            return False
        if param_type == 1:
            of_kind[band_index]["gain_db"] = as_db
        else:
            of_kind[band_index][("freq_hz", None, "bw_oct")[param_type]] = value
        return True

    # -- FX parameters as REAPER shows them (tests/reaper/fake/fx_params.py) --------------------------
    def _param_table(self, fx: FakeFx) -> list | None:
        if fx.plugin == "ReaComp" and "comp_ratio_precomp_swapped" in self.fx_quirks:
            # a ReaComp whose parameter 1 is pre-comp and 4 the ratio (the mapping bug FACTS names)
            table = list(fxp.REACOMP)
            table[1], table[4] = table[4], table[1]
            return table
        return {"ReaComp": fxp.REACOMP, "ReaGate": fxp.REAGATE, "JS:sstillwell/expander": fxp.EXPANDER,
                "ReaLimit": fxp.REALIMIT}.get(fx.plugin)

    def _gate_to_sliders(self, fx: FakeFx) -> None:
        # the fake saves a ReaGate through FakeFx.spec(), whose params are the product's named settings
        raw = fx.gate_raw
        fx.sliders = {"threshold_db": max(-150.0, fxp.db(raw[0])), "attack_ms": 250.0 * raw[1],
                      "release_ms": 4000.0 * raw[2], "hold_ms": 1000.0 * raw[4]}

    def _raw_values(self, fx: FakeFx) -> list[float] | None:
        if fx.plugin == "ReaComp":
            return fx.comp_raw
        if fx.plugin == "ReaGate":
            return fx.gate_raw
        if fx.plugin == "JS:sstillwell/expander":
            return [fx.sliders.get(f"slider{n + 1}", 0.0) for n in range(len(fxp.EXPANDER))]
        if fx.plugin == "ReaLimit":
            return fx.limit_raw
        return None

    def _eq_params(self, fx: FakeFx) -> list[tuple[int, int, int]]:
        """ReaEQ's parameters in order: (SetEQParam bandtype, rank among its kind, paramtype); the output gain last."""
        params, seen = [], {}
        for band in fx.eq_bands:
            rank = seen.get(band["kind"], 0)
            seen[band["kind"]] = rank + 1
            code = fxp.EQPARAM_BY_KIND.get(band["kind"], 2)
            params += [(code, rank, 0), (code, rank, 1), (code, rank, 2)]
        return params + [(-1, 0, 1)]

    def _eq_value(self, fx: FakeFx, param: int) -> tuple[float, str]:
        """(normalised value, display) of ReaEQ parameter ``param``; the normalisation is the fake's own."""
        bandtype, _, paramtype = self._eq_params(fx)[param]
        if bandtype == -1:
            return 0.25 * 10 ** (fx.eq_master_db / 40.0), fxp.show_db(10 ** (fx.eq_master_db / 20.0))
        band = fx.eq_bands[param // 3]
        if paramtype == 0:
            return math.log(band["freq_hz"] / 20.0) / math.log(1200.0), f"{band['freq_hz']:.1f}"
        if paramtype == 1:
            gain = 0.0 if band["gain_db"] == -math.inf else 10 ** (band["gain_db"] / 20.0)
            return 0.25 * math.sqrt(gain), fxp.show_db(gain)
        return band["bw_oct"] / 4.0, f"{band['bw_oct']:.2f}"

    def TrackFX_GetNumParams(self, track, index):
        fx = self._fx(track, index)
        if fx is None:
            return 0
        if fx.plugin == "ReaEQ":
            return len(self._eq_params(fx))
        table = self._param_table(fx)
        return 0 if table is None else len(table)

    def TrackFX_GetParamName(self, track, index, param, buf, sz):
        fx = self._fx(track, index)
        if fx is None or not 0 <= param < self.TrackFX_GetNumParams(track, index):
            return False, {}
        if fx.plugin == "ReaEQ":
            bandtype, rank, paramtype = self._eq_params(fx)[param]
            if bandtype == -1:
                return True, {3: "Gain"}
            return True, {3: f"{('Freq', 'Gain', 'BW')[paramtype]}-{param // 3 + 1}"}
        return True, {3: self._param_table(fx)[param][0]}

    def TrackFX_GetParam(self, track, index, param, min_val, max_val):
        fx = self._fx(track, index)
        values = None if fx is None else self._raw_values(fx)
        if values is None or not 0 <= param < len(values):
            return 0.0, {}
        return values[param], {3: 0.0, 4: 1.0}

    def TrackFX_GetParamNormalized(self, track, index, param):
        fx = self._fx(track, index)
        if fx is not None and fx.plugin == "ReaEQ" and 0 <= param < len(self._eq_params(fx)):
            return self._eq_value(fx, param)[0]
        return self.TrackFX_GetParam(track, index, param, 0.0, 0.0)[0]

    def TrackFX_SetParam(self, track, index, param, value):
        fx = self._fx(track, index)
        if fx is None:
            return False
        self._changed("TrackFX_SetParam")
        if fx.plugin == "ReaComp":
            if param >= len(fx.comp_raw):
                return False
            fx.comp_raw[param] = value
        elif fx.plugin == "ReaGate":
            if not 0 <= param < len(fx.gate_raw):
                return False
            fx.gate_raw[param] = min(1.0, max(0.0, value))
            self._gate_to_sliders(fx)
        elif fx.plugin.startswith("JS:"):
            fx.sliders[f"slider{param + 1}"] = value
        elif fx.plugin == "ReaLimit":
            if not 0 <= param < len(fx.limit_raw):
                return False
            fx.limit_raw[param] = min(1.0, max(0.0, value))
        else:
            return False
        return True

    def _display(self, fx: FakeFx, param: int, value: float) -> str | None:
        table = self._param_table(fx)
        if table is None or not 0 <= param < len(table):
            return None
        return table[param][1](value)

    def TrackFX_GetFormattedParamValue(self, track, index, param, buf, sz):
        fx = self._fx(track, index)
        if fx is None:
            return False, {}
        if fx.plugin == "ReaEQ":
            if not 0 <= param < len(self._eq_params(fx)):
                return False, {}
            return True, {3: self._eq_value(fx, param)[1]}
        values = self._raw_values(fx)
        if values is None or not 0 <= param < len(values):
            return False, {}
        return True, {3: self._display(fx, param, values[param])}

    def TrackFX_FormatParamValueNormalized(self, track, index, param, value, buf, sz):
        fx = self._fx(track, index)
        if fx is None or fx.plugin not in ("ReaComp", "ReaGate", "ReaLimit"):
            return False, {}  # REAPER: Cockos plug-ins only (FACTS "ReaComp")
        text = self._display(fx, param, value)
        return (False, {}) if text is None else (True, {4: text})

    def TrackFX_GetEQParam(self, track, index, param, bandtype, bandidx, paramtype, normval):
        fx = self._fx(track, index)
        if fx is None or fx.plugin != "ReaEQ" or not 0 <= param < len(self._eq_params(fx)):
            return False, {}
        code, rank, kind = self._eq_params(fx)[param]
        return True, {3: code, 4: rank, 5: kind, 6: self._eq_value(fx, param)[0]}

    # -- the track chunk: the FX chain as REAPER saves it (fx_params), names editable ----------------
    def _fx_chunk(self, fx: FakeFx) -> list[str]:
        return fx_lines(fx)

    def GetTrackStateChunk(self, track, buf, sz, is_undo_optional):
        if track is None:
            return False, {}
        lines = [f"<TRACK {track.guid}", f'NAME "{track.name}"', *ext_lines(track.ext_state),
                 "<FXCHAIN", "SHOW 0", "LASTSEL 0", "DOCKED 0"]
        for fx in track.fx:
            lines += self._fx_chunk(fx)
        lines += [">", ">"]
        return True, {1: "\n".join(lines) + "\n"}

    def SetTrackStateChunk(self, track, chunk, is_undo_optional):
        """Takes back only the FX custom names (the field the product edits before REAPER 6.78)."""
        if track is None:
            return False
        self._changed("SetTrackStateChunk")
        openers = [line.strip() for line in chunk.splitlines() if line.strip().startswith(("<VST", "<JS"))]
        for fx, line in zip(track.fx, openers, strict=False):
            tokens = _split_chunk_line(line[1:])
            position = 2 if line.startswith("<JS") else 4
            fx.renamed = tokens[position] if len(tokens) > position else ""
        return True

    # -- markers -----------------------------------------------------------------------------------
    def _markers(self) -> list[FakeMarker]:
        return sorted(self.project.markers, key=lambda m: (m.position_sec, m.is_region, m.number))

    def CountProjectMarkers(self, proj, n_markers, n_regions):
        markers = self.project.markers
        regions = sum(m.is_region for m in markers)
        return len(markers), {1: len(markers) - regions, 2: regions}

    def EnumProjectMarkers3(self, proj, idx, is_region, pos, end, name, number, color):
        markers = self._markers()
        if not 0 <= idx < len(markers):
            return 0, {}
        marker = markers[idx]
        # the name (char**) is not returned: the wrapper echoes the argument
        return idx + 1, {2: int(marker.is_region), 3: marker.position_sec, 4: marker.end_sec, 6: marker.number, 7: marker.color}

    def AddProjectMarker2(self, proj, is_region, pos, end, name, want_index, color):
        self._changed("AddProjectMarker2")
        used = {m.number for m in self.project.markers if m.is_region == bool(is_region)}
        number = want_index if want_index >= 0 and want_index not in used else max(used | {0}) + 1
        self.project.markers.append(FakeMarker(number, bool(is_region), pos, end if is_region else 0.0, name, color))
        return number

    def _marker(self, number, is_region) -> FakeMarker | None:
        return next((m for m in self.project.markers if m.number == number and m.is_region == bool(is_region)), None)

    def DeleteProjectMarker(self, proj, number, is_region):
        marker = self._marker(number, is_region)
        if marker is None:
            return False
        self._changed("DeleteProjectMarker")
        self.project.markers.remove(marker)
        return True

    def SetProjectMarker4(self, proj, number, is_region, pos, end, name, color, flags):
        marker = self._marker(number, is_region)
        if marker is None:
            return False
        self._changed("SetProjectMarker4")
        marker.position_sec, marker.end_sec = pos, end
        if color:  # FACTS "Versions": colour 0 = "don't change"
            marker.color = color
        # flags & 1 clears the name; a plain empty name leaves the old one (FACTS "Versions")
        marker.name = "" if flags & 1 else (name or marker.name)
        return True

    def GetRegionOrMarker(self, proj, idx, guid):
        markers = self._markers()
        return markers[idx] if 0 <= idx < len(markers) else None

    def GetSetRegionOrMarkerInfo_String(self, proj, marker, key, value, is_set):
        if marker is None or key != "P_NAME":
            return False, {}
        if is_set:
            self._changed("marker name")
            marker.name = value
        return True, {3: marker.name}

    # -- transport, edit cursor, selection, state count (the suggestion inbox) --------------------------
    def GetProjectStateChangeCount(self, proj):
        return self.state_change_count

    def SetEditCurPos(self, time_sec, move_view, seek_play):
        self.edit_cursor_sec = float(time_sec)

    def GetCursorPosition(self):
        return self.edit_cursor_sec

    def OnPlayButton(self):
        self.play_state = 1

    def OnStopButton(self):
        self.play_state = 0

    def GetPlayState(self):
        return self.play_state

    def SetMediaItemSelected(self, item, is_selected):
        if item is not None:
            item.is_selected = bool(is_selected)

    def SelectAllMediaItems(self, proj, is_selected):
        for track in self._tracks():
            for item in track.items:
                item.is_selected = bool(is_selected)

    def Main_OnCommand(self, command, flag):
        self.commands.append(int(command))

    # -- a file dialog and opening a project (the Study action) -------------------------------------
    def GetUserFileNameForRead(self, file_name, title, default_ext):
        # REAPER shows an open-file dialog; the test answers it (file_answers), Cancel when none is left
        answer = self.file_answers.pop(0) if self.file_answers else None
        return (False, {}) if answer is None else (True, {0: str(answer)})

    def Main_openProject(self, name):
        # REAPER replaces the project in the current tab with the file (the fake's own loader reads it)
        self.opened_projects.append(name)
        self.project = load_rpp(Path(name), platform=self.platform)


def _split_chunk_line(line: str) -> list[str]:
    """Split a chunk line into values: quoted with ", ' or ` (FACTS ".RPP format"), else by spaces."""
    values, n = [], 0
    while n < len(line):
        if line[n] == " ":
            n += 1
            continue
        if line[n] in "\"'`":
            end = line.find(line[n], n + 1)
            end = len(line) if end < 0 else end
            values.append(line[n + 1:end])
            n = end + 1
        else:
            end = line.find(" ", n)
            end = len(line) if end < 0 else end
            values.append(line[n:end])
            n = end
    return values


class _Guid:
    """What ``TrackFX_GetFXGUID`` points at."""

    def __init__(self, fx: FakeFx) -> None:
        self.fx = fx

    def __eq__(self, other):
        return isinstance(other, _Guid) and other.fx is self.fx

    def __hash__(self):
        return id(self.fx)


_API = load_api()
_POINTER_TYPES = {"_Guid": "GUID*"}
REAPER: FakeReaper | None = None


def implemented_names() -> list[str]:
    """C names of every function this fake implements."""
    return sorted(name for name in dir(FakeReaper) if name in _API)


def install(fake: FakeReaper) -> FakeReaper:
    """Make ``fake`` the REAPER behind this module's ``RPR_`` functions and ``__main__``'s ``RPR_defer``."""
    global REAPER
    import __main__

    REAPER = fake
    module = sys.modules[__name__]
    gone = fake.missing()
    for name in list(vars(module)):
        if name.startswith("RPR_"):
            delattr(module, name)
    for name in implemented_names():
        if name in gone:
            continue
        entry = _API[name]
        # GetFXGUID returns a GUID* and guidToString takes one: same pointer registry
        setattr(module, "RPR_" + name, make_function(entry, getattr(fake, name), fake.pointers))
    __main__.RPR_defer = lambda code: fake.deferred.append(str(code))
    __main__.RPR_atexit = lambda code: None
    __main__.obj = object()  # reapy's "inside REAPER" test
    return fake


def uninstall() -> None:
    import __main__

    for name in ("RPR_defer", "RPR_atexit", "obj"):
        if hasattr(__main__, name):
            delattr(__main__, name)


def open_project(path: Path, *, version: str = "7.27", platform: str = "win64") -> FakeReaper:
    """Load ``path`` into a fresh fake REAPER (of ``version`` on ``platform``) and install it."""
    return install(FakeReaper(load_rpp(Path(path), platform=platform), version=version, platform=platform))

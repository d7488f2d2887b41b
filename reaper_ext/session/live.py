"""The live backend: the open REAPER project, through :mod:`reaper_ext.reaper.api`.

:class:`LiveSession` implements :class:`~reaper_ext.session.protocols.SessionWriter`
so :mod:`reaper_ext.suggest.ledger.core` writes, accepts and rejects suggestions in a
running REAPER exactly as it does in an ``.RPP`` file. :meth:`LiveSession.snapshot`
reads the project in one pass into the same :class:`Project` model the
``.RPP`` backend produces. Pure Python: it runs inside REAPER.

Restore tokens are None (REAPER restores from the value). Marker ids are
``"M<number>"`` / ``"R<number>"`` (REAPER's marker/region number); the
``.RPP`` backend uses marker GUIDs instead, which this backend finds through
``GetSetProjectInfo_String(proj, "MARKER_GUID:X")`` from REAPER 6.02 on (see
``docs/reaper.md``).

Every call here changes the project without an undo block of its own: the
caller (:mod:`reaper_ext.reaper.runner`) wraps one action in one block.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path
from typing import Any

from reaper_ext.errors import ReaperExtError, SuggestionError
from reaper_ext.fx.spec import FxSpec
from reaper_ext.reaper import api
from reaper_ext.session import reaper_keys as keys
from reaper_ext.session.media_paths import resolve_media
from reaper_ext.session.model import SNAPSHOT_EXT_SECTIONS, FxInfo, Item, Marker, Project, Track
from reaper_ext.session.protocols import LEDGER_SECTION, MASTER_TRACK

__all__ = ["LiveSession", "FIELD_KEYS", "MAX_EQ_BANDS"]

#: SessionWriter track fields and the ``GetMediaTrackInfo_Value`` keys behind them.
FIELD_KEYS = {
    "color": keys.TRACK_COLOR,
    "volume": keys.TRACK_VOLUME,
    "phase": keys.TRACK_PHASE,
    "mute": keys.TRACK_MUTE,
    "folder_depth": keys.TRACK_FOLDER_DEPTH,
}
MAX_EQ_BANDS = 16  # how far to look for ReaEQ's own default bands past the suggested ones
# The chunk tag (FxInfo.kind) behind each display-name prefix: REAPER saves VST2 and VST3
# plug-ins, instruments included, as <VST "VST3: ..." / <VST "VSTi: ...", AU instruments as
# <AU "AUi: ..." (seen in the corpus's project files).
_FX_KIND_PREFIXES = (("VST", "VST"), ("JS", "JS"), ("AU", "AU"), ("CLAP", "CLAP"), ("DX", "DX"), ("LV2", "LV2"))


def _fx_kind(display_name: str) -> str:
    """The chunk tag a plug-in with this display name is saved under ("" when unknown)."""
    if ":" not in display_name:
        return ""
    head = display_name.split(":", 1)[0].strip().upper()
    for prefix, tag in _FX_KIND_PREFIXES:
        if head.startswith(prefix):
            return tag
    return ""


def _innermost_source(source: str) -> tuple[str, str]:
    """``(source, type)`` of the file source a ``SECTION`` source wraps (sections can nest)."""
    inner, kind = source, "SECTION"
    while kind == "SECTION":
        parent = api.source_parent(inner)
        if parent is None:
            return inner, ""
        inner, kind = parent, api.source_type(parent)
    return inner, kind


def _track_ext_state(chunk: str) -> dict[str, str]:
    """A track's ``P_EXT`` keys, from the ``<EXT`` block of its state chunk.

    REAPER can read one ``P_EXT:key`` it is told but cannot list them, so the
    snapshot reads the block the keys are saved in (one ``GetTrackStateChunk``
    per track; FACTS.md: ``<EXT`` block with ``P_EXT`` key/value lines).
    """
    from reaper_ext.session.rpp.tokens import split_line

    values: dict[str, str] = {}
    open_tags: list[str] = []  # the blocks the current line is in, outermost (TRACK) first
    for line in chunk.splitlines():
        text = line.strip()
        if text.startswith("<"):
            open_tags.append((split_line(text[1:]) or [""])[0])
        elif text == ">":
            if open_tags:
                open_tags.pop()
        elif text and open_tags[1:] == ["EXT"]:
            tokens = split_line(text)
            values[tokens[0]] = " ".join(tokens[1:])
    return values


class LiveSession:
    """The open project as a :class:`~reaper_ext.session.protocols.SessionWriter`.

    Parameters
    ----------
    messages : list of str, optional
        Where notes about degraded features (REAPER 6) are appended.
    """

    def __init__(self, *, messages: list[str] | None = None) -> None:
        self.messages = messages if messages is not None else []
        self._tracks: dict[str, str] = {}  # GUID -> track pointer
        self._items: dict[str, str] | None = None  # GUID -> item pointer
        self._marker_names: dict[str, str] = {}  # names written by this session

    # -- lookups -----------------------------------------------------------------------
    def _refresh_tracks(self) -> None:
        self._tracks = {}
        for index in range(api.count_tracks()):
            track = api.get_track(index)
            if track is not None:
                self._tracks[api.track_guid(track)] = track

    def _track(self, guid: str) -> str | None:
        if guid == MASTER_TRACK:  # the FX methods also act on the master (GetMasterTrack)
            return api.master_track()
        track = self._tracks.get(guid)
        if track is None or api.track_index(track) < 0:
            self._refresh_tracks()
            track = self._tracks.get(guid)
        return track

    def _require_track(self, guid: str) -> str:
        track = self._track(guid)
        if track is None:
            raise SuggestionError(f"no track with GUID {guid} in the open project")
        return track

    def _item(self, guid: str) -> str | None:
        if self._items is None or guid not in self._items:
            self._items = {}
            for track in self._tracks_in_order():
                for item in api.track_items(track):
                    self._items[api.item_guid(item)] = item
        return self._items.get(guid)

    def _tracks_in_order(self) -> list[str]:
        return [track for track in (api.get_track(n) for n in range(api.count_tracks())) if track is not None]

    # -- snapshot ------------------------------------------------------------------------
    def snapshot(self) -> Project:
        """Read the open project in one pass (no changes)."""
        project_file = api.project_file()
        path = Path(project_file) if project_file else None
        folder = path.parent if path is not None else None
        tracks = []
        self._tracks = {}
        for index, pointer in enumerate(self._tracks_in_order()):
            guid = api.track_guid(pointer)
            self._tracks[guid] = pointer
            tracks.append(self._read_track(index, guid, pointer, folder))
        return Project(
            path=path,
            reaper_version=api.app_version(),  # "7.27/win64": the form a project file's header holds
            sample_rate_hz=api.project_sample_rate_hz(),
            tempo_bpm=api.project_tempo(),
            time_signature=api.project_time_signature(),
            tracks=tuple(tracks),
            markers=self._read_markers(path),
            ext_state=self._read_ledger_state(),
            notes=api.project_notes(),
        )

    def _read_track(self, index: int, guid: str, pointer: str, folder: Path | None) -> Track:
        fx = []
        for n in range(api.fx_count(pointer)):
            display = api.fx_name(pointer, n)
            custom = api.fx_custom_name(pointer, n)
            fx.append(FxInfo(
                name=display, kind=_fx_kind(display), is_enabled=api.fx_enabled(pointer, n),
                is_offline=api.fx_offline(pointer, n), custom_name=custom, fx_guid=api.fx_guid(pointer, n),
            ))
        items = [self._read_item(item, folder) for item in api.track_items(pointer)]
        color = int(api.get_track_value(pointer, keys.TRACK_COLOR))
        return Track(
            index=index,
            guid=guid,
            name=api.get_track_string(pointer, keys.TRACK_NAME),
            color=color if color & keys.COLOR_CUSTOM_FLAG else 0,
            volume_gain=api.get_track_value(pointer, keys.TRACK_VOLUME),
            pan=api.get_track_value(pointer, keys.TRACK_PAN),
            is_muted=bool(api.get_track_value(pointer, keys.TRACK_MUTE)),
            is_phase_inverted=bool(api.get_track_value(pointer, keys.TRACK_PHASE)),
            folder_depth=int(api.get_track_value(pointer, keys.TRACK_FOLDER_DEPTH)),
            fx=tuple(fx),
            items=tuple(sorted(items, key=lambda item: item.position_sec)),
            ext_state=_track_ext_state(api.track_chunk(pointer)),
        )

    def _read_item(self, item: str, folder: Path | None) -> Item:
        take = api.item_take(item)
        take_name, source_kind, media = "", "", None
        take_gain, start_offset_sec, playrate = 1.0, 0.0, 1.0
        section_start_sec, section_length_sec = 0.0, None
        if take is not None:
            take_name = api.take_name(take)
            take_gain = api.take_value(take, keys.TAKE_VOLUME)
            start_offset_sec = api.take_value(take, keys.TAKE_START_OFFSET)
            playrate = api.take_value(take, keys.TAKE_PLAYRATE)
            source = api.take_source(take)
            if source is not None:
                source_kind = api.source_type(source)
                inner = source
                if source_kind == "SECTION":
                    # the take plays part of its parent file: without the section's offset, analysis
                    # and stems would read the file from its start
                    section = api.source_section(source)
                    if section is not None:
                        section_start_sec = section[0]
                        section_length_sec = section[1] if section[1] > 0 else None
                    inner, source_kind = _innermost_source(source)
                file_name = api.source_file_name(inner)
                if file_name:
                    media = resolve_media(file_name, folder)
        return Item(
            position_sec=api.item_value(item, keys.ITEM_POSITION),
            length_sec=api.item_value(item, keys.ITEM_LENGTH),
            guid=api.item_guid(item),
            take_name=take_name,
            source_type=source_kind,
            media=media,
            start_offset_sec=start_offset_sec,
            playrate=playrate,
            item_gain=api.item_value(item, keys.ITEM_VOLUME),
            take_gain=take_gain,
            is_muted=bool(api.item_value(item, keys.ITEM_MUTE)),
            section_start_sec=section_start_sec,
            section_length_sec=section_length_sec,
        )

    def _enum_markers(self) -> list[tuple[int, bool, float, float, int, int]]:
        """``(enum index, is_region, position_sec, end_sec, number, color)`` of each marker."""
        n_markers, n_regions = api.marker_counts()
        found = []
        for index in range(n_markers + n_regions):
            values = api.enum_marker(index)
            if values is not None:
                found.append((index, *values))
        return found

    def _saved_marker_names(self, path: Path | None) -> dict[tuple[int, bool], str]:
        """Names from the saved project file: REAPER < 7.72 gives Python no marker names."""
        if path is None or not path.is_file():
            return {}
        from reaper_ext.session.rpp import load_project

        try:
            _, saved = load_project(path)
        except (ReaperExtError, OSError, UnicodeError):  # a project REAPER is writing: names stay unknown
            return {}
        return {(marker.index, marker.is_region): marker.name for marker in saved.markers}

    def _read_markers(self, path: Path | None) -> tuple[Marker, ...]:
        saved: dict[tuple[int, bool], str] | None = None
        markers = []
        for index, is_region, position_sec, end_sec, number, color in self._enum_markers():
            name = api.marker_name_772(index)
            if name is None:
                marker_id = _marker_id(number, is_region)
                name = self._marker_names.get(marker_id) or self._ledger_marker_name(marker_id)
                if name is None:
                    if saved is None:
                        saved = self._saved_marker_names(path)
                    name = saved.get((number, is_region), "")
            markers.append(Marker(number, position_sec, name, end_sec if is_region else None, color,
                                  api.marker_guid(index)))
        return tuple(markers)

    def _read_ledger_state(self) -> dict[str, dict[str, str]]:
        # REAPER lists the keys of a section it is told, not the sections: the snapshot holds these
        found = {section: api.enum_ext_state(section) for section in SNAPSHOT_EXT_SECTIONS}
        return {section: values for section, values in found.items() if values}

    # -- ext state ----------------------------------------------------------------------------
    def read_ext_state(self, section: str) -> dict[str, str]:
        return api.enum_ext_state(section)

    def write_ext_state(self, section: str, key: str, value: str) -> None:
        api.set_ext_state(section, key, value)

    def delete_ext_state(self, section: str, key: str | None = None, *, drop_container: bool = False) -> None:
        # A live project has no <EXTSTATE> container to drop: REAPER omits it when empty.
        api.set_ext_state(section, key or "", "")

    def has_ext_state_container(self) -> bool:
        return bool(api.enum_ext_state(LEDGER_SECTION))

    # -- tracks and items ------------------------------------------------------------------------
    def get_track_value(self, track_guid: str, field: str) -> Any:
        track = self._track(track_guid)
        if track is None:
            return None
        if field == "name":
            return api.get_track_string(track, keys.TRACK_NAME)
        value = api.get_track_value(track, FIELD_KEYS[field])
        if field == "color":
            return int(value) if int(value) & keys.COLOR_CUSTOM_FLAG else 0
        if field in ("phase", "mute"):
            return bool(value)
        if field == "folder_depth":
            return int(value)
        return value

    def set_track_value(self, track_guid: str, field: str, value: Any) -> str | None:
        track = self._require_track(track_guid)
        if field == "name":
            api.set_track_string(track, keys.TRACK_NAME, str(value))
        elif field in FIELD_KEYS:
            api.set_track_value(track, FIELD_KEYS[field], float(value))
        else:
            raise SuggestionError(f"unknown track field {field!r}")
        return None

    def restore_track_value(self, track_guid: str, field: str, value: Any, token: str | None) -> None:
        if self._track(track_guid) is not None:
            self.set_track_value(track_guid, field, value)

    def get_item_mute(self, item_guid: str) -> bool | None:
        item = self._item(item_guid)
        return None if item is None else bool(api.item_value(item, keys.ITEM_MUTE))

    def set_item_mute(self, item_guid: str, is_muted: bool) -> str | None:
        item = self._item(item_guid)
        if item is None:
            raise SuggestionError(f"no item with GUID {item_guid}")
        api.set_item_value(item, keys.ITEM_MUTE, 1.0 if is_muted else 0.0)
        return None

    def restore_item_mute(self, item_guid: str, is_muted: bool, token: str | None) -> None:
        if self._item(item_guid) is not None:
            self.set_item_mute(item_guid, is_muted)

    def take_editor(self) -> Any:
        """Take pitch envelopes and extra takes, through the items' state chunks (:mod:`reaper_ext.session.live_takes`)."""
        from reaper_ext.session.live_takes import LiveTakeEditor

        return LiveTakeEditor(self._item)

    def set_tempo(self, tempo_bpm: float) -> str | None:
        api.rpr().RPR_SetCurrentBPM(api.ACTIVE_PROJECT, float(tempo_bpm), False)
        return None

    def move_track(self, track_guid: str, new_index: int) -> None:
        api.move_track(self._require_track(track_guid), new_index)

    def add_track(self, *, index: int, name: str, color: int = 0, folder_depth: int = 0, items: list[dict] | None = None) -> str:
        track = api.insert_track(index)
        if track is None:
            raise SuggestionError(f"REAPER did not insert a track at {index}")
        api.set_track_string(track, keys.TRACK_NAME, name)
        if color:
            api.set_track_value(track, keys.TRACK_COLOR, float(color))
        if folder_depth:
            api.set_track_value(track, keys.TRACK_FOLDER_DEPTH, float(folder_depth))
        for item in items or []:
            if "midi" in item:  # an inline MIDI item (sparks): its whole state chunk, as the .RPP backend writes it
                from reaper_ext.session.rpp.midi import midi_item_lines

                api.add_midi_item(track, position_sec=float(item["position_sec"]), length_sec=float(item["length_sec"]),
                                  chunk="".join(midi_item_lines(item)))
                continue
            api.add_item(track, file_path=str(item["file"]), position_sec=float(item["position_sec"]),
                         length_sec=float(item["length_sec"]), start_offset_sec=float(item.get("start_offset_sec", 0.0)))
        guid = api.track_guid(track)
        self._tracks[guid] = track
        self._items = None
        return guid

    def remove_track(self, track_guid: str) -> bool:
        track = self._track(track_guid)
        if track is None:
            return False
        api.delete_track(track)
        self._tracks.pop(track_guid, None)
        self._items = None
        return True

    # -- take volume (pre-FX gain) ------------------------------------------------------------------
    def get_take_volumes(self, item_guid: str) -> list[float] | None:
        item = self._item(item_guid)
        if item is None:
            return None
        return [1.0 if take is None else api.take_value(take, keys.TAKE_VOLUME) for take in api.item_takes(item)]

    def set_take_volume(self, item_guid: str, take: int, volume: float) -> str | None:
        item = self._item(item_guid)
        takes = [] if item is None else api.item_takes(item)
        if not 0 <= take < len(takes) or takes[take] is None:
            raise SuggestionError(f"no take {take} on item {item_guid}")
        api.set_take_value(str(takes[take]), keys.TAKE_VOLUME, float(volume))
        return None

    def restore_take_volume(self, item_guid: str, take: int, volume: float, token: str | None) -> None:
        volumes = self.get_take_volumes(item_guid)
        if volumes is not None and take < len(volumes):
            self.set_take_volume(item_guid, take, volume)

    # -- FX ---------------------------------------------------------------------------------------
    def _fx_index(self, track: str, fx_guid: str) -> int | None:
        for n in range(api.fx_count(track)):
            if api.fx_guid(track, n) == fx_guid:
                return n
        return None

    def add_fx(self, track_guid: str, spec: FxSpec) -> tuple[str, str]:
        """Insert the plug-in with its settings (bypassed first); returns ``(fx_guid, token)``.

        Refused (SuggestionError) for a plug-in whose last self-check failed on this REAPER.
        """
        from reaper_ext.reaper.selfcheck import refuse_if_check_failed

        refuse_if_check_failed(spec.plugin)
        track = self._require_track(track_guid)
        fx, is_named = api.fx_insert(track, spec)
        if fx < 0:
            raise SuggestionError(f"REAPER could not add {spec.plugin!r} to track {track_guid} (is it installed?)")
        if spec.custom_name and not is_named:
            self._note_no_rename()
        if spec.plugin == "ReaEQ":
            self._disable_default_bands(track, fx, len(spec.bands))
        return api.fx_guid(track, fx), ""

    def _disable_default_bands(self, track: str, fx: int, n_bands: int) -> None:
        # A new ReaEQ comes with its default bands; the suggestion set the first
        # n_bands. Switch the others off so only the suggested bands act (the .RPP
        # backend writes exactly n_bands).
        for band in range(n_bands, MAX_EQ_BANDS):
            is_known, _ = api.fx_get_named(track, fx, f"BANDTYPE{band}")
            if not is_known:
                break
            api.fx_set_named(track, fx, f"BANDENABLED{band}", "0")

    def _note_no_rename(self) -> None:
        note = (f"REAPER {api.app_version()} did not take an FX name (renamed_name from 6.78, a chunk edit before): "
                "suggested FX keep their plug-in names; the ledger still knows them")
        if note not in self.messages:
            self.messages.append(note)

    def fx_state(self, track_guid: str, fx_guid: str) -> tuple[bool, str] | None:
        track = self._track(track_guid)
        fx = None if track is None else self._fx_index(track, fx_guid)
        if track is None or fx is None:
            return None
        return api.fx_enabled(track, fx), api.fx_custom_name(track, fx)

    def set_fx_enabled(self, track_guid: str, fx_guid: str, is_enabled: bool) -> None:
        track = self._require_track(track_guid)
        fx = self._fx_index(track, fx_guid)
        if fx is None:
            raise SuggestionError(f"no FX {fx_guid} on track {track_guid}")
        api.fx_set_enabled(track, fx, is_enabled)

    def set_fx_name(self, track_guid: str, fx_guid: str, name: str) -> None:
        track = self._require_track(track_guid)
        fx = self._fx_index(track, fx_guid)
        if fx is None:
            raise SuggestionError(f"no FX {fx_guid} on track {track_guid}")
        if not api.fx_rename(track, fx, name):
            self._note_no_rename()

    def remove_fx(self, track_guid: str, fx_guid: str, token: str | None = None) -> bool:
        track = self._track(track_guid)
        fx = None if track is None else self._fx_index(track, fx_guid)
        if track is None or fx is None:
            return False
        return api.fx_delete(track, fx)

    # -- markers ------------------------------------------------------------------------------------
    def _find_marker(self, marker_id: str) -> tuple[int, bool, float, float, int, int] | None:
        parsed = _parse_marker_id(marker_id)
        if parsed is None:
            if marker_id.startswith("{"):  # a GUID written by the .RPP backend: REAPER >= 6.02 says each marker's
                return next((found for found in self._enum_markers() if api.marker_guid(found[0]) == marker_id), None)
            return None
        number, is_region = parsed
        for found in self._enum_markers():
            if found[4] == number and found[1] == is_region:
                return found
        return None

    def _ledger_marker_name(self, marker_id: str) -> str | None:
        """The name reaper-ext wrote for a marker, from the ledger (REAPER < 7.72 fallback)."""
        for key, value in api.enum_ext_state(LEDGER_SECTION).items():
            if not key.startswith("s_"):
                continue
            try:
                entry = json.loads(base64.b64decode(value.encode("ascii"), validate=True))
            except (binascii.Error, ValueError, UnicodeError):
                continue
            for change in entry.get("changes", []):
                if change.get("op") == "marker" and change.get("marker_id") == marker_id:
                    return str(change.get("name", ""))
        return None

    def add_marker(self, *, number: int, position_sec: float, name: str, end_sec: float | None = None, color: int = 0) -> str:
        is_region = end_sec is not None
        given = api.add_marker(is_region=is_region, position_sec=position_sec, end_sec=end_sec or 0.0,
                               name=name, number=number, color=color)
        if given < 0:
            raise SuggestionError(f"REAPER refused marker {name!r} at {position_sec:.3f} s")
        marker_id = _marker_id(given, is_region)
        self._marker_names[marker_id] = name
        return marker_id

    def marker_name(self, marker_id: str) -> str | None:
        found = self._find_marker(marker_id)
        if found is None:
            return None
        name = api.marker_name_772(found[0])
        if name is not None:
            return name
        name = self._marker_names.get(marker_id) or self._ledger_marker_name(marker_id)
        if name is not None:
            return name
        path = api.project_file()
        saved = self._saved_marker_names(Path(path) if path else None)
        return saved.get((found[4], found[1]), "")

    def rename_marker(self, marker_id: str, name: str) -> None:
        found = self._find_marker(marker_id)
        if found is None:
            raise SuggestionError(f"no marker {marker_id}")
        _, is_region, position_sec, end_sec, number, color = found
        api.set_marker(number=number, is_region=is_region, position_sec=position_sec, end_sec=end_sec, name=name, color=color)
        self._marker_names[marker_id] = name

    def remove_marker(self, marker_id: str) -> bool:
        found = self._find_marker(marker_id)
        if found is None:
            return False
        self._marker_names.pop(marker_id, None)
        return api.delete_marker(found[4], is_region=found[1])

    def marker_numbers(self) -> set[int]:
        return {found[4] for found in self._enum_markers()}


def _marker_id(number: int, is_region: bool) -> str:
    return f"{'R' if is_region else 'M'}{number}"


def _parse_marker_id(marker_id: str) -> tuple[int, bool] | None:
    if len(marker_id) < 2 or marker_id[0] not in "MR" or not marker_id[1:].isdigit():
        return None  # e.g. a GUID written by the .RPP backend
    return int(marker_id[1:]), marker_id[0] == "R"

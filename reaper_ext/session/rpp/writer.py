"""The ``.RPP`` backend of :class:`~reaper_ext.session.protocols.SessionWriter`.

Every change edits only the lines it must, and returns the original line as
its restore token, so rejecting a suggestion puts the file's bytes back.
"""

from __future__ import annotations

from typing import Any

from reaper_ext.errors import ProjectError, SuggestionError
from reaper_ext.fx.rpp_block import fx_to_rpp_lines
from reaper_ext.fx.spec import FxSpec
from reaper_ext.session import reaper_keys as keys
from reaper_ext.session.protocols import MASTER_TRACK
from reaper_ext.session.rpp.document import Chunk, line_ending
from reaper_ext.session.rpp.edit import (
    add_fx_lines,
    add_marker,
    delete_ext_state,
    format_number,
    new_guid,
    set_ext_state,
    track_chunk,
    track_chunks,
)
from reaper_ext.session.rpp.reader import FX_TAGS, RppSessionReader, read_track_properties
from reaper_ext.session.rpp.takes import TakeRange, take_ranges
from reaper_ext.session.rpp.tokens import join_tokens

__all__ = ["RppSessionWriter"]

ABSENT = ""  # restore token: the line was not there before


class RppSessionWriter(RppSessionReader):
    """Write suggestions into an in-memory ``.RPP`` document (save it afterwards).

    Reading (``snapshot``, ``read_ext_state``) is the reader's own code.
    """

    # -- ext state -------------------------------------------------------------

    def write_ext_state(self, section: str, key: str, value: str) -> None:
        set_ext_state(self.doc, section, key, value)

    def delete_ext_state(self, section: str, key: str | None = None, *, drop_container: bool = False) -> None:
        delete_ext_state(self.doc, section, key, drop_container=drop_container)

    def has_ext_state_container(self) -> bool:
        return self.doc.root.find("EXTSTATE") is not None

    # -- line helpers ------------------------------------------------------------
    def _replace_or_insert(self, chunk: Chunk, key: str, values: list[str], *, after: str | None = "NAME") -> str:
        doc = self.doc
        index = doc.field_line(chunk, key)
        if index is not None:
            token = doc.lines[index]
            doc.lines[index] = doc.indent_of(index) + join_tokens([key, *values]) + line_ending(token)
            return token
        doc.set_field(chunk, key, values, after=after)
        return ABSENT

    def _restore_line(self, chunk: Chunk, key: str, token: str | None) -> None:
        doc = self.doc
        index = doc.field_line(chunk, key)
        if token == ABSENT:
            if index is not None:
                doc.delete_lines(index, 1)
        elif token is not None and index is not None:
            doc.lines[index] = token

    # -- tracks ------------------------------------------------------------------
    _FIELD_KEYS = {"name": "NAME", "color": "PEAKCOL", "volume": "VOLPAN", "phase": "IPHASE", "mute": "MUTESOLO", "folder_depth": "ISBUS"}

    _FIELD_PROPERTIES = {"name": "name", "color": "color", "volume": "volume_gain", "phase": "is_phase_inverted",
                         "mute": "is_muted", "folder_depth": "folder_depth"}

    def get_track_value(self, track_guid: str, field: str) -> Any:
        # one track's lines, not a snapshot of the whole project per value
        try:
            chunk = track_chunk(self.doc, track_guid)
        except ProjectError:
            return None
        return read_track_properties(self.doc, chunk)[self._FIELD_PROPERTIES[field]]

    def set_track_value(self, track_guid: str, field: str, value: Any) -> str | None:
        doc = self.doc
        chunk = track_chunk(doc, track_guid)
        key = self._FIELD_KEYS[field]
        current = doc.field(chunk, key) or []
        if field == "name":
            values = [str(value)]
        elif field == "color":
            values = [str(int(value) if int(value) else keys.PEAKCOL_NONE)] + current[1:]
        elif field == "volume":
            values = [format_number(float(value))] + (current[1:] if current else ["0", "-1", "-1", "1"])
        elif field == "phase":
            values = ["1" if value else "0"]
        elif field == "mute":
            values = ["1" if value else "0"] + (current[1:] if current else ["0", "0"])
        elif field == "folder_depth":
            depth = int(value)
            values = ["1", "1"] if depth > 0 else (["2", str(depth)] if depth < 0 else ["0", "0"])
        else:
            raise SuggestionError(f"unknown track field {field!r}")
        return self._replace_or_insert(chunk, key, values)

    def restore_track_value(self, track_guid: str, field: str, value: Any, token: str | None) -> None:
        chunk = track_chunk(self.doc, track_guid)
        if token is None:
            self.set_track_value(track_guid, field, value)
        else:
            self._restore_line(chunk, self._FIELD_KEYS[field], token)

    def _item_chunk(self, item_guid: str) -> Chunk | None:
        for track in track_chunks(self.doc):
            for item in track.find_all("ITEM"):
                if self.doc.field(item, "IGUID") == [item_guid]:
                    return item
        return None

    def get_item_mute(self, item_guid: str) -> bool | None:
        item = self._item_chunk(item_guid)
        if item is None:
            return None
        values = self.doc.field(item, "MUTE") or ["0"]
        return values[0] not in ("0", "")

    def set_item_mute(self, item_guid: str, is_muted: bool) -> str | None:
        item = self._item_chunk(item_guid)
        if item is None:
            raise SuggestionError(f"no item with GUID {item_guid}")
        current = self.doc.field(item, "MUTE") or []
        return self._replace_or_insert(item, "MUTE", ["1" if is_muted else "0"] + current[1:], after="LOOP")

    def restore_item_mute(self, item_guid: str, is_muted: bool, token: str | None) -> None:
        item = self._item_chunk(item_guid)
        if item is not None:
            self._restore_line(item, "MUTE", token)

    # -- take volume (pre-FX gain) -------------------------------------------------
    def _take_volume_line(self, item: Chunk, take: int) -> tuple[int | None, int, TakeRange]:
        """``(line, value position, take range)`` of a take's volume.

        The first take's volume is the third value of the item's ``VOLPAN`` (item
        volume, take pan, take volume, pan law); every later take has its own
        ``TAKEVOLPAN pan volume pan-law`` line after its ``NAME`` (FACTS.md; the
        corpus' ``noisefarm__201205_1424__test.RPP``).
        """
        ranges = take_ranges(self.doc, item)
        if not 0 <= take < len(ranges):
            raise SuggestionError(f"item {self.doc.field(item, 'IGUID')} has no take {take}")
        span = ranges[take]
        key, position = ("VOLPAN", 2) if take == 0 else ("TAKEVOLPAN", 1)
        line = next((index for index in self.doc.own_lines(item)
                     if span.start <= index < span.end and self.doc.first_word(index) == key), None)
        return line, position, span

    def get_take_volumes(self, item_guid: str) -> list[float] | None:
        item = self._item_chunk(item_guid)
        if item is None:
            return None
        volumes = []
        for take in range(len(take_ranges(self.doc, item))):
            line, position, _ = self._take_volume_line(item, take)
            values = self.doc.tokens(line)[1:] if line is not None else []
            try:
                volumes.append(float(values[position]) if len(values) > position else 1.0)
            except ValueError:
                volumes.append(1.0)
        return volumes

    def set_take_volume(self, item_guid: str, take: int, volume: float) -> str | None:
        doc = self.doc
        item = self._item_chunk(item_guid)
        if item is None:
            raise SuggestionError(f"no item with GUID {item_guid}")
        line, position, span = self._take_volume_line(item, take)
        if line is not None:
            token = doc.lines[line]
            values = doc.tokens(line)
            defaults = ["1", "0", "1", "-1"] if take == 0 else ["0", "1", "-1"]
            values += defaults[len(values) - 1:]
            values[position + 1] = format_number(float(volume))
            doc.lines[line] = doc.indent_of(line) + join_tokens(values) + line_ending(token)
            return token
        if take == 0:
            values = ["VOLPAN", "1", "0", format_number(float(volume)), "-1"]
        else:
            values = ["TAKEVOLPAN", "0", format_number(float(volume)), "-1"]
        # after the take's NAME (where REAPER writes it), else first in the take
        name = next((index for index in doc.own_lines(item)
                     if span.start <= index < span.end and doc.first_word(index) == "NAME"), None)
        anchor = name if name is not None else (span.start if span.has_take_line else item.start)
        doc.insert_lines(anchor + 1, [doc.make_line(item, values)])
        return ABSENT

    def restore_take_volume(self, item_guid: str, take: int, volume: float, token: str | None) -> None:
        item = self._item_chunk(item_guid)
        if item is None:
            return
        if token is None:
            self.set_take_volume(item_guid, take, volume)
            return
        line, _, _ = self._take_volume_line(item, take)
        if line is None:
            return
        if token == ABSENT:
            self.doc.delete_lines(line, 1)
        else:
            self.doc.lines[line] = token

    def set_tempo(self, tempo_bpm: float) -> str | None:
        root = self.doc.root
        current = self.doc.field(root, "TEMPO") or ["120", "4", "4"]
        return self._replace_or_insert(root, "TEMPO", [format_number(round(tempo_bpm, 3))] + current[1:], after=None)

    def move_track(self, track_guid: str, new_index: int) -> None:
        doc = self.doc
        chunk = track_chunk(doc, track_guid)
        lines = doc.chunk_lines(chunk)
        doc.delete_lines(chunk.start, len(lines))
        chunks = track_chunks(doc)
        position = chunks[new_index].start if new_index < len(chunks) else (chunks[-1].end + 1 if chunks else doc.root.end)
        doc.insert_lines(position, lines)

    def add_track(self, *, index: int, name: str, color: int = 0, folder_depth: int = 0, items: list[dict] | None = None) -> str:
        doc = self.doc
        guid = new_guid()
        nl = doc.newline
        pad = doc.child_indent(doc.root)
        bus = ["1", "1"] if folder_depth > 0 else (["2", str(folder_depth)] if folder_depth < 0 else ["0", "0"])
        lines = [
            f"{pad}<TRACK {guid}{nl}",
            f"{pad}  {join_tokens(['NAME', name])}{nl}",
            f"{pad}  PEAKCOL {color or keys.PEAKCOL_NONE}{nl}",
            f"{pad}  VOLPAN 1 0 -1 -1 1{nl}",
            f"{pad}  MUTESOLO 0 0 0{nl}",
            f"{pad}  ISBUS {' '.join(bus)}{nl}",
            f"{pad}  TRACKID {guid}{nl}",
        ]
        for item in items or []:
            if "midi" in item:  # an inline MIDI item (sparks): session.rpp.midi writes its lines
                from reaper_ext.session.rpp.midi import midi_item_lines

                lines += midi_item_lines(item, indent=pad + "  ", newline=nl)
                continue
            lines += [
                f"{pad}  <ITEM{nl}",
                f"{pad}    POSITION {format_number(item['position_sec'])}{nl}",
                f"{pad}    LENGTH {format_number(item['length_sec'])}{nl}",
                f"{pad}    IGUID {new_guid()}{nl}",
                f"{pad}    {join_tokens(['NAME', item.get('name', '')])}{nl}",
                f"{pad}    VOLPAN 1 0 1 -1{nl}",
                f"{pad}    SOFFS {format_number(item.get('start_offset_sec', 0.0))}{nl}",
                f"{pad}    GUID {new_guid()}{nl}",
                f"{pad}    <SOURCE {item.get('source_type', 'WAVE')}{nl}",
                f"{pad}      {join_tokens(['FILE', item['file']])}{nl}",
                f"{pad}    >{nl}",
                f"{pad}  >{nl}",
            ]
        lines.append(f"{pad}>{nl}")
        chunks = track_chunks(doc)
        if index < len(chunks):
            position = chunks[index].start
        elif chunks:
            position = chunks[-1].end + 1
        else:
            ext = doc.root.find("EXTSTATE")
            position = ext.start if ext is not None else doc.root.end
        doc.insert_lines(position, lines)
        return guid

    def remove_track(self, track_guid: str) -> bool:
        try:
            chunk = track_chunk(self.doc, track_guid)
        except ProjectError:
            return False
        self.doc.delete_lines(chunk.start, chunk.end - chunk.start + 1)
        return True

    # -- FX ------------------------------------------------------------------------
    def _chain(self, track_guid: str) -> Chunk | None:
        """The FX chain of a track (``<FXCHAIN``) or of the master (``<MASTERFXLIST``); None when it has none."""
        if track_guid == MASTER_TRACK:
            return self.doc.root.find("MASTERFXLIST")
        try:
            return track_chunk(self.doc, track_guid).find("FXCHAIN")
        except ProjectError:
            return None

    def _fx_block(self, track_guid: str, fx_guid: str) -> tuple[Chunk, Chunk, int, int] | None:
        """(chain, plug-in chunk, first line, last line) of the plug-in with FXID ``fx_guid``."""
        doc = self.doc
        chain = self._chain(track_guid)
        if chain is None:
            return None
        plugins = [child for child in chain.children if child.tag in FX_TAGS]
        for n, plugin in enumerate(plugins):
            stop = plugins[n + 1].start if n + 1 < len(plugins) else chain.end
            fxid_line = next((i for i in range(plugin.end + 1, stop) if doc.first_word(i) == "FXID"), None)
            if fxid_line is None or doc.tokens(fxid_line)[1:2] != [fx_guid]:
                continue
            first = plugin.start - 1 if doc.first_word(plugin.start - 1) == "BYPASS" else plugin.start
            last = fxid_line
            # everything up to the next plug-in's BYPASS line belongs to this one
            while last + 1 < stop and doc.first_word(last + 1) != "BYPASS":
                last += 1
            return chain, plugin, first, last
        return None

    def add_fx(self, track_guid: str, spec: FxSpec) -> tuple[str, str]:
        """Append a plug-in; returns ``(fx_guid, token)``: the token says whether the chain was new.

        ``track_guid`` :data:`~reaper_ext.session.protocols.MASTER_TRACK`: the master's ``<MASTERFXLIST``.
        """
        is_master = track_guid == MASTER_TRACK
        chunk = self.doc.root if is_master else track_chunk(self.doc, track_guid)
        created = self._chain(track_guid) is None
        fx_guid = new_guid()
        add_fx_lines(self.doc, chunk, fx_to_rpp_lines(spec, indent="", fxid_guid=fx_guid),
                     chain_tag="MASTERFXLIST" if is_master else "FXCHAIN")
        return fx_guid, "new-chain" if created else ""

    def fx_state(self, track_guid: str, fx_guid: str) -> tuple[bool, str] | None:
        block = self._fx_block(track_guid, fx_guid)
        if block is None:
            return None
        _, plugin, first, _ = block
        bypass = self.doc.tokens(first)[1:2] if first != plugin.start else ["0"]
        head = self.doc.tokens(plugin.start)
        name_position = 2 if plugin.tag == "JS" else 4
        return bypass != ["1"], head[name_position] if len(head) > name_position else ""

    def set_fx_enabled(self, track_guid: str, fx_guid: str, is_enabled: bool) -> None:
        block = self._fx_block(track_guid, fx_guid)
        if block is None:
            raise SuggestionError(f"no FX {fx_guid} on track {track_guid}")
        _, plugin, first, _ = block
        if first == plugin.start:
            self.doc.insert_lines(first, [self.doc.indent_of(first) + f"BYPASS {0 if is_enabled else 1} 0 0" + self.doc.newline])
            return
        values = self.doc.tokens(first)
        values[1] = "0" if is_enabled else "1"
        self.doc.lines[first] = self.doc.indent_of(first) + join_tokens(values) + line_ending(self.doc.lines[first])

    def set_fx_name(self, track_guid: str, fx_guid: str, name: str) -> None:
        block = self._fx_block(track_guid, fx_guid)
        if block is None:
            raise SuggestionError(f"no FX {fx_guid} on track {track_guid}")
        _, plugin, _, _ = block
        doc = self.doc
        line = doc.lines[plugin.start]
        head = doc.tokens(plugin.start)
        name_position = 2 if plugin.tag == "JS" else 4
        while len(head) <= name_position:
            head.append("")
        head[name_position] = name
        text = "<" + plugin.tag + " " + join_tokens(head[1:])
        doc.lines[plugin.start] = doc.indent_of(plugin.start) + text + line_ending(line)

    def remove_fx(self, track_guid: str, fx_guid: str, token: str | None = None) -> bool:
        block = self._fx_block(track_guid, fx_guid)
        if block is None:
            return False
        chain, _, first, last = block
        doc = self.doc
        doc.delete_lines(first, last - first + 1)
        if token == "new-chain":
            emptied = self._chain(track_guid)
            if emptied is not None and not emptied.children:
                doc.delete_lines(emptied.start, emptied.end - emptied.start + 1)
        return True

    # -- markers -------------------------------------------------------------------
    def _marker_lines(self, marker_id: str) -> tuple[int, int | None] | None:
        doc = self.doc
        lines = [i for i in doc.own_lines(doc.root) if doc.first_word(i) == "MARKER"]
        for n, index in enumerate(lines):
            values = doc.tokens(index)
            if marker_id in values[6:]:
                end = None
                if len(values) > 4 and values[4] == "1" and n + 1 < len(lines):
                    following = doc.tokens(lines[n + 1])
                    if following[1:2] == values[1:2] and (len(following) < 4 or following[3] == ""):
                        end = lines[n + 1]
                return index, end
        return None

    def add_marker(self, *, number: int, position_sec: float, name: str, end_sec: float | None = None, color: int = 0) -> str:
        return add_marker(self.doc, index=number, position_sec=position_sec, name=name, end_sec=end_sec, color=color)

    def marker_name(self, marker_id: str) -> str | None:
        found = self._marker_lines(marker_id)
        if found is None:
            return None
        values = self.doc.tokens(found[0])
        return values[3] if len(values) > 3 else ""

    def rename_marker(self, marker_id: str, name: str) -> None:
        found = self._marker_lines(marker_id)
        if found is None:
            raise SuggestionError(f"no marker {marker_id}")
        index = found[0]
        values = self.doc.tokens(index)
        values[3] = name
        self.doc.lines[index] = self.doc.indent_of(index) + join_tokens(values) + line_ending(self.doc.lines[index])

    def remove_marker(self, marker_id: str) -> bool:
        found = self._marker_lines(marker_id)
        if found is None:
            return False
        start, end = found
        if end is not None:
            self.doc.delete_lines(end, 1)
        self.doc.delete_lines(start, 1)
        return True

    def marker_numbers(self) -> set[int]:
        return {marker.index for marker in self.snapshot().markers}

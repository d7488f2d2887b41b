"""Read the session model out of an :class:`RppDocument`.

Only reads: every value is taken from the lines REAPER wrote, with REAPER's
defaults where a line is absent (old projects omit many).
"""

from __future__ import annotations

from pathlib import Path

from reaper_ext.errors import RppParseError
from reaper_ext.session import reaper_keys as keys
from reaper_ext.session.media_paths import resolve_media
from reaper_ext.session.model import SNAPSHOT_EXT_SECTIONS, FxInfo, Item, Marker, Project, Track
from reaper_ext.session.rpp.document import Chunk, RppDocument

__all__ = ["read_project", "read_ext_state", "snapshot_ext_state", "read_track_properties", "RppSessionReader", "FX_TAGS"]

# Chunk tags that hold one plug-in inside an <FXCHAIN.
FX_TAGS = frozenset({"VST", "VST3", "JS", "AU", "CLAP", "DX", "LV2", "VIDEO_EFFECT", "CONTAINER"})


class _Reader:
    def __init__(self, doc: RppDocument) -> None:
        self.doc = doc

    def number(self, values: list[str] | None, position: int, default: float, index: int | None = None) -> float:
        if values is None or len(values) <= position:
            return default
        try:
            value = float(values[position])
        except ValueError:
            value = float("nan")
        if value != value or value in (float("inf"), float("-inf")):
            raise RppParseError(self.doc.path, (index or 0) + 1, f"expected a number, found {values[position]!r}")
        return value

    def integer(self, values: list[str] | None, position: int, default: int, index: int | None = None) -> int:
        return int(self.number(values, position, default, index))

    def field_integer(self, chunk: Chunk, key: str, position: int, default: int) -> int:
        index = self.doc.field_line(chunk, key)
        if index is None:
            return default
        return self.integer(self.doc.tokens(index)[1:], position, default, index)

    def field_number(self, chunk: Chunk, key: str, position: int, default: float) -> float:
        index = self.doc.field_line(chunk, key)
        if index is None:
            return default
        return self.number(self.doc.tokens(index)[1:], position, default, index)

    def text(self, chunk: Chunk, key: str, default: str = "") -> str:
        values = self.doc.field(chunk, key)
        return values[0] if values else default


def read_project(doc: RppDocument) -> Project:
    """Build a :class:`Project` snapshot from a parsed document."""
    reader = _Reader(doc)
    root = doc.root
    head = doc.tokens(root.start)
    version = head[2] if len(head) > 2 else ""
    sample_rate_values = doc.field(root, "SAMPLERATE")
    sample_rate_hz = None
    if sample_rate_values:
        rate_line = doc.field_line(root, "SAMPLERATE")
        rate = reader.integer(sample_rate_values, 0, 0, rate_line)
        # "SAMPLERATE rate use_project_rate ...": the project has its own rate only when the
        # flag is set; otherwise it follows the audio device, as the live backend reports it
        # (GetSetProjectInfo "PROJECT_SRATE_USE").
        uses_own_rate = reader.integer(sample_rate_values, 1, 0, rate_line) == 1
        sample_rate_hz = int(rate) if rate > 0 and uses_own_rate else None
    tempo_index = doc.field_line(root, "TEMPO")
    tempo_values = doc.tokens(tempo_index)[1:] if tempo_index is not None else None
    tempo_bpm = reader.number(tempo_values, 0, 120.0, tempo_index)
    signature = (
        reader.integer(tempo_values, 1, 4, tempo_index),
        reader.integer(tempo_values, 2, 4, tempo_index),
    )
    record_values = doc.field(root, "RECORD_PATH") or []
    project_folder = doc.path.parent if doc.path is not None else None
    tracks = tuple(
        _read_track(reader, chunk, n, project_folder, tuple(record_values))
        for n, chunk in enumerate(root.find_all("TRACK"))
    )
    return Project(
        path=doc.path,
        reaper_version=version,
        sample_rate_hz=sample_rate_hz,
        tempo_bpm=tempo_bpm,
        time_signature=signature,
        tracks=tracks,
        markers=_read_markers(reader, root),
        ext_state=snapshot_ext_state(read_ext_state(doc)),
        notes=_read_notes(doc, root.find("NOTES")),
    )


def _read_notes(doc: RppDocument, chunk: Chunk | None) -> str:
    if chunk is None:
        return ""
    return "\n".join(doc.content(i)[1:] for i in doc.own_lines(chunk) if doc.content(i).startswith("|"))


def snapshot_ext_state(state: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The ext-state sections a :class:`Project` snapshot carries: reaper-ext's own.

    REAPER can enumerate the keys of a section it is told (``EnumProjExtState``)
    but not the sections, so a live snapshot can only hold the sections it
    knows; the file snapshot holds the same ones, so both backends give the same
    snapshot. Other sections stay readable with :func:`read_ext_state`.
    """
    return {section: dict(state[section]) for section in SNAPSHOT_EXT_SECTIONS if state.get(section)}


def read_ext_state(doc: RppDocument) -> dict[str, dict[str, str]]:
    """Project ext state: ``<EXTSTATE`` > ``<SECTION`` > ``KEY value`` lines."""
    chunk = doc.root.find("EXTSTATE")
    if chunk is None:
        return {}
    state: dict[str, dict[str, str]] = {}
    for section in chunk.children:
        values: dict[str, str] = {}
        for index in doc.own_lines(section):
            tokens = doc.tokens(index)
            if tokens:
                values[tokens[0]] = " ".join(tokens[1:]) if len(tokens) > 2 else (tokens[1] if len(tokens) > 1 else "")
        state[section.tag] = values
    return state


def _read_markers(reader: _Reader, root: Chunk) -> tuple[Marker, ...]:
    doc = reader.doc
    markers: list[Marker] = []
    open_regions: dict[int, int] = {}  # region number -> position in `markers`
    for index in doc.own_lines(root):
        text = doc.content(index)
        if not text.startswith("MARKER "):
            continue
        values = doc.tokens(index)[1:]
        number = reader.integer(values, 0, 0, index)
        position_sec = reader.number(values, 1, 0.0, index)
        name = values[2] if len(values) > 2 else ""
        flags = reader.integer(values, 3, 0, index)
        color = _marker_color(reader.integer(values, 4, 0, index), values[5:7])
        guid = next((value for value in values[5:] if value.startswith("{")), "")
        if flags & keys.MARKER_FLAG_REGION:
            if number in open_regions and not name:
                # the region's second line marks its end
                start = markers[open_regions.pop(number)]
                markers[markers.index(start)] = Marker(
                    start.index, start.position_sec, start.name, position_sec, start.color, start.guid
                )
                continue
            open_regions[number] = len(markers)
            markers.append(Marker(number, position_sec, name, position_sec, color, guid))
        else:
            markers.append(Marker(number, position_sec, name, None, color, guid))
    # REAPER enumerates markers and regions by position (EnumProjectMarkers) and saves them in
    # that order; lines an edit added may sit elsewhere. A stable sort keeps a saved file's order.
    return tuple(sorted(markers, key=lambda marker: marker.position_sec))


def _marker_color(color: int, following: list[str]) -> int:
    """A ``MARKER`` colour in the model's byte order (0x01BBGGRR, as ``PEAKCOL`` holds it).

    The value after the colour says its byte order (FACTS.md "Colours", from ReaTeam's
    "State Chunk Definitions"): ``R`` = 0x1BBGGRR, ``B`` = 0x1RRGGBB; 0 = no colour.
    """
    if not color & keys.COLOR_CUSTOM_FLAG or "B" not in following:
        return color
    return keys.COLOR_CUSTOM_FLAG | (color & 0xFF) << 16 | (color & 0xFF00) | (color >> 16) & 0xFF


def _track_properties(reader: _Reader, chunk: Chunk) -> dict:
    """A track's one-line properties, as :class:`Track` fields (REAPER's defaults when absent)."""
    peak_color = reader.field_integer(chunk, "PEAKCOL", 0, keys.PEAKCOL_NONE)
    bus_state = reader.field_integer(chunk, "ISBUS", 0, 0)
    bus_depth = reader.field_integer(chunk, "ISBUS", 1, 0)
    return {
        "name": reader.text(chunk, "NAME"),
        "color": peak_color if peak_color & keys.COLOR_CUSTOM_FLAG else 0,
        "volume_gain": reader.field_number(chunk, "VOLPAN", 0, 1.0),
        "pan": reader.field_number(chunk, "VOLPAN", 1, 0.0),
        "is_muted": bool(reader.field_number(chunk, "MUTESOLO", 0, 0)),
        "is_phase_inverted": bool(reader.field_number(chunk, "IPHASE", 0, 0)),
        "folder_depth": bus_depth if bus_state in (1, 2) else 0,
    }


def read_track_properties(doc: RppDocument, chunk: Chunk) -> dict:
    """The one-line properties of one ``<TRACK`` chunk, without reading the rest of the project."""
    return _track_properties(_Reader(doc), chunk)


def _read_track(
    reader: _Reader, chunk: Chunk, index: int, project_folder: Path | None, record_folders: tuple[str, ...]
) -> Track:
    doc = reader.doc
    head = doc.tokens(chunk.start)
    guid = head[1] if len(head) > 1 else reader.text(chunk, "TRACKID")
    guid = guid or f"#{index}"  # very old projects: no GUID, identify by position
    return Track(
        index=index,
        guid=guid,
        **_track_properties(reader, chunk),
        fx=_read_fx_chain(reader, chunk.find("FXCHAIN")),
        items=tuple(
            sorted(
                (_read_item(reader, item, project_folder, record_folders) for item in chunk.find_all("ITEM")),
                key=lambda item: item.position_sec,
            )
        ),
        ext_state=_read_track_ext(doc, chunk.find("EXT")),
    )


def _read_track_ext(doc: RppDocument, chunk: Chunk | None) -> dict[str, str]:
    if chunk is None:
        return {}
    values: dict[str, str] = {}
    for index in doc.own_lines(chunk):
        tokens = doc.tokens(index)
        if tokens:
            values[tokens[0]] = " ".join(tokens[1:])
    return values


def _read_fx_chain(reader: _Reader, chain: Chunk | None) -> tuple[FxInfo, ...]:
    if chain is None:
        return ()
    doc = reader.doc
    fx_list: list[FxInfo] = []
    bypass_values: list[str] | None = None
    children = iter(chain.children)
    child = next(children, None)
    index = chain.start + 1
    pending: dict | None = None
    while index < chain.end:
        if child is not None and index == child.start:
            if child.tag in FX_TAGS:
                if pending is not None:
                    fx_list.append(FxInfo(**pending))
                head = doc.tokens(child.start)
                name = head[1] if len(head) > 1 else child.tag
                custom_name = ""
                if child.tag in ("VST", "VST3", "CLAP", "AU", "DX", "LV2") and len(head) > 4:
                    custom_name = head[4]
                elif child.tag == "JS" and len(head) > 2:
                    custom_name = head[2]
                bypassed = reader.number(bypass_values, 0, 0, index)
                offline = reader.number(bypass_values, 1, 0, index)
                pending = {
                    "name": name,
                    "kind": child.tag,
                    "is_enabled": not bool(bypassed),
                    "is_offline": bool(offline),
                    "custom_name": custom_name,
                    "fx_guid": "",
                }
                bypass_values = None
            index = child.end + 1
            child = next(children, None)
            continue
        tokens = doc.tokens(index)
        if tokens and tokens[0] == "BYPASS":
            bypass_values = tokens[1:]
        elif tokens and tokens[0] == "FXID" and pending is not None and len(tokens) > 1:
            pending["fx_guid"] = tokens[1]
        index += 1
    if pending is not None:
        fx_list.append(FxInfo(**pending))
    return tuple(fx_list)


def _innermost_source(chunk: Chunk) -> Chunk:
    inner = chunk.find("SOURCE")
    return chunk if inner is None else _innermost_source(inner)


def _take_ranges(doc: RppDocument, item: Chunk) -> list[tuple[int, int, bool]]:
    """Line ranges of each take: (first line, end line exclusive, is selected)."""
    starts: list[tuple[int, bool]] = [(item.start + 1, False)]
    for index in doc.own_lines(item):
        if doc.first_word(index) == "TAKE":
            starts.append((index, "SEL" in doc.content(index).split()[1:]))
    ranges = []
    for n, (start, selected) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else item.end
        ranges.append((start, end, selected))
    return ranges


def _read_item(
    reader: _Reader, chunk: Chunk, project_folder: Path | None, record_folders: tuple[str, ...]
) -> Item:
    doc = reader.doc
    takes = _take_ranges(doc, chunk)
    active = next((take for take in takes if take[2]), takes[0])
    take_start, take_end, _ = active

    def take_field(key: str) -> tuple[int, list[str]] | tuple[None, None]:
        for index in doc.own_lines(chunk):
            if take_start <= index < take_end and doc.first_word(index) == key:
                return index, doc.tokens(index)[1:]
        return None, None

    volpan_index = doc.field_line(chunk, "VOLPAN")
    volpan = doc.tokens(volpan_index)[1:] if volpan_index is not None else None
    item_gain = reader.number(volpan, 0, 1.0, volpan_index)
    if active is takes[0]:
        take_gain = reader.number(volpan, 2, 1.0, volpan_index)
    else:
        index, values = take_field("TAKEVOLPAN")
        take_gain = reader.number(values, 1, 1.0, index)
    name_index, name_values = take_field("NAME")
    soffs_index, soffs = take_field("SOFFS")
    rate_index, rate = take_field("PLAYRATE")
    source_chunk = next(
        (child for child in chunk.children if child.tag == "SOURCE" and take_start <= child.start < take_end), None
    )
    source_type = ""
    media = None
    section_start_sec = 0.0
    section_length_sec = None
    if source_chunk is not None:
        head = doc.tokens(source_chunk.start)
        if len(head) > 1 and head[1] == "SECTION":
            section_start_sec = reader.field_number(source_chunk, "STARTPOS", 0, 0.0)
            length = reader.field_number(source_chunk, "LENGTH", 0, -1.0)
            section_length_sec = length if length > 0 else None
        inner = _innermost_source(source_chunk)
        inner_head = doc.tokens(inner.start)
        source_type = inner_head[1] if len(inner_head) > 1 else ""
        file_values = doc.field(inner, "FILE")
        if file_values:
            media = resolve_media(file_values[0], project_folder, record_folders)
    mute = reader.field_number(chunk, "MUTE", 0, 0)
    return Item(
        position_sec=reader.field_number(chunk, "POSITION", 0, 0.0),
        length_sec=reader.field_number(chunk, "LENGTH", 0, 0.0),
        guid=reader.text(chunk, "IGUID"),
        take_name=name_values[0] if name_values else "",
        source_type=source_type,
        media=media,
        start_offset_sec=reader.number(soffs, 0, 0.0, soffs_index),
        playrate=reader.number(rate, 0, 1.0, rate_index),
        item_gain=item_gain,
        take_gain=take_gain,
        is_muted=bool(mute),
        section_start_sec=section_start_sec,
        section_length_sec=section_length_sec,
    )


class RppSessionReader:
    """The ``.RPP`` backend of :class:`~reaper_ext.session.protocols.SessionReader` (reads only).

    Parameters
    ----------
    doc : RppDocument
        The parsed project file.
    """

    def __init__(self, doc: RppDocument) -> None:
        self.doc = doc

    def snapshot(self) -> Project:
        """The project as the file holds it."""
        return read_project(self.doc)

    def read_ext_state(self, section: str) -> dict[str, str]:
        """Every key of one ext-state section (empty when absent)."""
        return read_ext_state(self.doc).get(section, {})

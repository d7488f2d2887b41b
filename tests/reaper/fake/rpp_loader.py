"""The fake REAPER's own ``.RPP`` loader: a small tokenizer and a block tree, nothing of the product's.

The fake must open a project the way REAPER would, independently of
``reaper_ext.session.rpp`` (the product's reader), or the contract tests would
compare the product with itself. So this module is written from the format
description in ``tests/data/reaper_api/FACTS.md`` (".RPP format"), not from the
product's code:

- ``<TAG values`` opens a block and a line ``>`` closes it; values are separated by
  spaces; a value with spaces is quoted with ``"``, with ``'`` if it holds ``"``, with
  a backtick if it holds both; a line starting with ``|`` is raw text (NOTES).
- Track: ``<TRACK {GUID}``, ``NAME``, ``PEAKCOL`` (16576 = no custom colour),
  ``VOLPAN vol pan ...`` (linear volume), ``MUTESOLO``, ``IPHASE``, ``ISBUS state indent``
  (folders), ``TRACKID``, ``<EXT`` with ``key value`` lines.
- Item: ``<ITEM``, ``POSITION``, ``LENGTH``, ``MUTE``, ``IGUID``, ``NAME``, ``VOLPAN item_vol pan
  take_vol``, ``SOFFS``, ``PLAYRATE``, ``<SOURCE kind`` with ``FILE``, possibly wrapped in
  ``<SOURCE SECTION`` (``STARTPOS`` offset, ``LENGTH``). Further takes start at a ``TAKE``
  line (``TAKE SEL`` = the active one; ``TAKE NULL`` = an empty take) and carry their
  volume in ``TAKEVOLPAN pan vol ...`` (layout as seen in the corpus's REAPER 6.18 file).
- Marker: ``MARKER idx pos name flags color ...`` (``flags & 1`` = region, two lines with
  the same idx, the second at the end with an empty name), the marker GUID a ``{...}``
  value further on (REAPER >= 6.02).
- FX chain: ``<FXCHAIN``, per plug-in ``BYPASS bypassed offline x``, the plug-in's block
  (``<VST "name" file 0 "custom name" ...``, ``<JS path "custom name"``), ``FXID {GUID}``.
- Project: ``<REAPER_PROJECT 0.1 "version/platform" ...``, ``TEMPO bpm num denom``,
  ``SAMPLERATE rate use_project_rate ...``, ``<NOTES`` with ``|`` lines,
  ``<EXTSTATE`` > ``<SECTION`` > ``KEY value``.

The loader keeps each plug-in's lines as text, so saving writes them back as they were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Block", "tokenize", "quote", "line", "number", "file_color", "ext_lines", "parse_blocks", "load_into"]

_GUID = re.compile(r"^\{[0-9A-Fa-f-]{36}\}$")
_QUOTE_MARKS = "\"'`"
# Plug-in block tags inside <FXCHAIN (the chunk tag REAPER writes for each plug-in type).
PLUGIN_TAGS = ("VST", "VST3", "JS", "AU", "CLAP", "DX", "LV2", "VIDEO_EFFECT", "CONTAINER")


def tokenize(text: str) -> list[str]:
    """The values of one line (no line ending), quotes removed."""
    values: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char.isspace():
            position += 1
        elif char in _QUOTE_MARKS:
            end = text.find(char, position + 1)
            end = len(text) if end < 0 else end
            values.append(text[position + 1:end])
            position = end + 1
        else:
            end = position
            while end < len(text) and not text[end].isspace():
                end += 1
            values.append(text[position:end])
            position = end
    return values


def quote(value: str) -> str:
    """``value`` as one value on a line: bare, or in the first quote mark it does not hold."""
    if value and not any(char.isspace() for char in value) and value[0] not in _QUOTE_MARKS:
        return value
    mark = next((mark for mark in _QUOTE_MARKS if mark not in value), "`")
    return mark + value + mark


def ext_lines(values: dict[str, str]) -> list[str]:
    """A track's ``<EXT`` block (no block when there are no keys)."""
    if not values:
        return []
    return ["<EXT", *(f"{quote(key)} {quote(value)}" for key, value in values.items()), ">"]


def number(value: float) -> str:
    """A number as a project file holds it: plain decimals, no exponent, no trailing zeros."""
    text = format(float(value), ".14f").rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def line(values: list[str]) -> str:
    """One line's values, each quoted as needed."""
    return " ".join(quote(value) for value in values)


def file_color(native: int, platform: str) -> int:
    """A colour REAPER holds natively on ``platform`` in the Windows order a file's ``PEAKCOL`` uses."""
    return _native(native, True, platform)  # the R/B swap is its own inverse: native -> Windows order


def _is_windows(platform: str) -> bool:
    return platform.startswith("win") or platform == "x64"


def _native(color: int, stored_windows_order: bool, platform: str) -> int:
    """A colour as REAPER holds it in memory on ``platform``.

    FACTS "Colours": ``ColorToNative`` is 0x00BBGGRR on Windows, 0x00RRGGBB on macOS and Linux.
    """
    if not color & 0x1000000 or stored_windows_order == _is_windows(platform):
        return color
    return 0x1000000 | (color & 0xFF) << 16 | (color & 0xFF00) | (color >> 16) & 0xFF


@dataclass
class Block:
    """One ``<TAG`` ... ``>`` block: its opening values, its own lines and its sub-blocks, in order."""

    head: list[str]  # values of the "<TAG ..." line, the tag first (without "<")
    entries: list[object] = field(default_factory=list)  # list[str] (a line's values) | Block | RawText
    text: list[str] = field(default_factory=list)  # every line of the block as written, stripped

    @property
    def tag(self) -> str:
        return self.head[0]

    def lines(self, key: str) -> list[list[str]]:
        """Values after ``key`` of each own line starting with ``key``."""
        return [entry[1:] for entry in self.entries if isinstance(entry, list) and entry and entry[0] == key]

    def first(self, key: str) -> list[str] | None:
        found = self.lines(key)
        return found[0] if found else None

    def blocks(self, tag: str) -> list[Block]:
        return [entry for entry in self.entries if isinstance(entry, Block) and entry.tag == tag]


@dataclass
class RawText:
    """A ``|`` line (NOTES text), without the bar."""

    text: str


def parse_blocks(text: str) -> Block:
    """The root block of a project file's text."""
    stack: list[Block] = []
    root: Block | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        for open_block in stack:
            open_block.text.append(line)
        if line.startswith("<"):
            block = Block(tokenize(line[1:]), text=[line])
            if stack:
                stack[-1].entries.append(block)
            else:
                root = block
            stack.append(block)
        elif line == ">":
            if stack:
                stack.pop()
        elif line.startswith("|"):
            if stack:
                stack[-1].entries.append(RawText(line[1:]))
        elif stack:
            stack[-1].entries.append(tokenize(line))
    if root is None:
        raise ValueError("no <REAPER_PROJECT block")
    return root


def _number(values: list[str] | None, position: int, default: float) -> float:
    if values is None or len(values) <= position:
        return default
    return float(values[position])


def _integer(values: list[str] | None, position: int, default: int) -> int:
    return int(_number(values, position, default))


def load_into(fake_project, path: Path, *, classes, platform: str = "win64") -> None:
    """Fill ``fake_project`` (a ``FakeProject``) from the ``.RPP`` at ``path``.

    ``classes`` gives the fake's dataclasses (``FakeTrack``, ``FakeItem``, ...), so this
    module depends on nothing but the format. Colours are kept the way REAPER on
    ``platform`` holds them (its native order).
    """
    root = parse_blocks(Path(path).read_bytes().decode("utf-8", errors="surrogateescape"))
    fake_project.path = Path(path)
    fake_project.platform = platform
    fake_project.file_version = root.head[2] if len(root.head) > 2 else ""
    tempo = root.first("TEMPO")
    fake_project.tempo_bpm = _number(tempo, 0, 120.0)
    fake_project.time_signature = (_integer(tempo, 1, 4), _integer(tempo, 2, 4))
    rate = root.first("SAMPLERATE")
    # SAMPLERATE rate use_project_rate: the project has its own rate only when the flag is set
    fake_project.sample_rate_hz = _integer(rate, 0, 0) if _integer(rate, 1, 0) == 1 and _integer(rate, 0, 0) > 0 else None
    notes = root.blocks("NOTES")
    fake_project.notes = "\n".join(e.text for e in notes[0].entries if isinstance(e, RawText)) if notes else ""
    fake_project.ext_state = {}
    for ext in root.blocks("EXTSTATE"):
        for section in (entry for entry in ext.entries if isinstance(entry, Block)):
            fake_project.ext_state[section.tag] = {
                entry[0]: " ".join(entry[1:]) for entry in section.entries if isinstance(entry, list) and entry
            }
    fake_project.markers = _markers(root, classes.FakeMarker, classes.new_guid, platform)
    fake_project.tracks = [_track(block, classes, platform) for block in root.blocks("TRACK")]
    fake_project.master = classes.FakeTrack(guid="", name="MASTER")
    for chain in root.blocks("MASTERFXLIST"):
        _fx_chain(chain, fake_project.master, classes)


def _markers(root: Block, marker_class, new_guid, platform: str) -> list:
    markers: list = []
    open_regions: dict[int, object] = {}
    for values in root.lines("MARKER"):
        number, position_sec = _integer(values, 0, 0), _number(values, 1, 0.0)
        name = values[2] if len(values) > 2 else ""
        flags, color = _integer(values, 3, 0), _integer(values, 4, 0)
        # the byte-order flag after the colour (FACTS "Colours"): R = 0x1BBGGRR, B = 0x1RRGGBB
        color = _native(color, "B" not in values[5:7], platform)
        guid = next((value for value in values[5:] if _GUID.match(value)), "")
        is_region = bool(flags & 1)
        if is_region and number in open_regions and not name:
            open_regions.pop(number).end_sec = position_sec  # a region's second line: its end
            continue
        marker = marker_class(number, is_region, position_sec, position_sec if is_region else 0.0, name, color,
                              guid=guid or new_guid())  # REAPER (>= 6.02) gives every marker a GUID
        if is_region:
            open_regions[number] = marker
        markers.append(marker)
    return markers


def _track(block: Block, classes, platform: str) -> object:
    guid = block.head[1] if len(block.head) > 1 else ""
    guid = guid or (block.first("TRACKID") or [""])[0]
    track = classes.FakeTrack(guid=guid or classes.new_guid())  # REAPER gives a GUID-less track a new one
    track.name = (block.first("NAME") or [""])[0]
    peak_color = _integer(block.first("PEAKCOL"), 0, 16576)
    # the custom-colour flag (FACTS: I_CUSTOMCOLOR); PEAKCOL has no byte-order flag: Windows order
    track.color = _native(peak_color, True, platform) if peak_color & 0x1000000 else 0
    volpan = block.first("VOLPAN")
    track.volume, track.pan = _number(volpan, 0, 1.0), _number(volpan, 1, 0.0)
    track.is_muted = bool(_integer(block.first("MUTESOLO"), 0, 0))
    track.is_phase_inverted = bool(_integer(block.first("IPHASE"), 0, 0))
    bus = block.first("ISBUS")
    state, indent = _integer(bus, 0, 0), _integer(bus, 1, 0)
    track.folder_depth = indent if state in (1, 2) else 0  # 1 1 opens a folder, 2 -n closes n
    for ext in block.blocks("EXT"):
        track.ext_state.update({entry[0]: " ".join(entry[1:]) for entry in ext.entries if isinstance(entry, list) and entry})
    for chain in block.blocks("FXCHAIN"):
        _fx_chain(chain, track, classes)
    track.items = [_item(item, classes) for item in block.blocks("ITEM")]
    return track


def _fx_chain(chain: Block, track, classes) -> None:
    header: list[str] = []
    bypass: list[str] | None = None
    current = None
    pending_lines: list[str] = []  # the BYPASS line's text, until its plug-in block comes
    text = iter(chain.text[1:-1] if chain.text and chain.text[-1] == ">" else chain.text[1:])
    for entry in chain.entries:
        if isinstance(entry, RawText):
            (current.raw_lines if current is not None else header).append(next(text))
        elif isinstance(entry, list):
            line = next(text)
            if entry and entry[0] == "BYPASS":
                bypass, pending_lines = entry[1:], [line]
                current = None
            elif entry and entry[0] == "FXID" and current is not None and len(entry) > 1:
                current.guid = entry[1]
                current.raw_lines.append(line)
            elif current is not None:
                current.raw_lines.append(line)
            elif bypass is None:
                header.append(line)
            else:
                pending_lines.append(line)
        elif isinstance(entry, Block):
            lines = [next(text) for _ in entry.text]
            if entry.tag not in PLUGIN_TAGS:
                (current.raw_lines if current is not None else header).extend(lines)
                continue
            name = entry.head[1] if len(entry.head) > 1 else entry.tag
            custom_position = 2 if entry.tag == "JS" else 4  # FACTS: 4th field after <VST, 2nd after <JS
            custom = entry.head[custom_position] if len(entry.head) > custom_position else ""
            # REAPER shows a JSFX as "JS: <its description>"; the fake has no JSFX files, so the path stands in
            display = "JS: " + name if entry.tag == "JS" else name
            current = classes.FakeFx(display, kind=entry.tag, is_enabled=not _integer(bypass, 0, 0),
                                     is_offline=bool(_integer(bypass, 1, 0)), renamed=custom, guid="",
                                     raw_lines=pending_lines + lines)
            track.fx.append(current)
            bypass, pending_lines = None, []
    track.chain_header = header
    for fx in track.fx:
        fx.guid = fx.guid or classes.new_guid()


def _item(block: Block, classes) -> object:
    item = classes.FakeItem()
    item.position_sec = _number(block.first("POSITION"), 0, 0.0)
    item.length_sec = _number(block.first("LENGTH"), 0, 0.0)
    item.is_muted = bool(_integer(block.first("MUTE"), 0, 0))
    item.guid = (block.first("IGUID") or [""])[0] or classes.new_guid()
    volpan = block.first("VOLPAN")
    item.volume = _number(volpan, 0, 1.0)
    takes = [{"values": {}, "source": None, "selected": False, "is_null": False}]
    for entry in block.entries:
        if isinstance(entry, list) and entry and entry[0] == "TAKE":
            takes.append({"values": {}, "source": None, "selected": "SEL" in entry[1:], "is_null": "NULL" in entry[1:]})
        elif isinstance(entry, list) and entry:
            takes[-1]["values"].setdefault(entry[0], entry[1:])
        elif isinstance(entry, Block) and entry.tag == "SOURCE" and takes[-1]["source"] is None:
            takes[-1]["source"] = entry
    item.takes = []
    for n, take in enumerate(takes):
        if take["is_null"]:
            item.takes.append(None)
            continue
        values = take["values"]
        volume = _number(volpan, 2, 1.0) if n == 0 else _number(values.get("TAKEVOLPAN"), 1, 1.0)
        fake_take = classes.FakeTake((values.get("NAME") or [""])[0], volume, _number(values.get("SOFFS"), 0, 0.0),
                                     _number(values.get("PLAYRATE"), 0, 1.0), _source(take["source"], classes.FakeSource))
        item.takes.append(fake_take)
    item.active_take = next((n for n, take in enumerate(takes) if take["selected"]), 0)
    return item


def _source(block: Block | None, source_class) -> object | None:
    if block is None:
        return None
    kind = block.head[1] if len(block.head) > 1 else ""
    inner = block.blocks("SOURCE")
    if kind == "SECTION" and inner:
        section = source_class("SECTION", "", parent=_source(inner[0], source_class))
        section.section_offset_sec = _number(block.first("STARTPOS"), 0, 0.0)
        section.section_length_sec = _number(block.first("LENGTH"), 0, 0.0)
        return section
    return source_class(kind, (block.first("FILE") or [""])[0])

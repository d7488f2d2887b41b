"""Item state chunks in the fake REAPER: what ``GetItemStateChunk`` returns and what ``SetItemStateChunk`` changes.

Written from the format in ``tests/data/reaper_api/FACTS.md`` (".RPP format" and
the take envelopes), with the fake's own tokenizer (:mod:`tests.reaper.fake.rpp_loader`),
never the product's ``.RPP`` code:

- an item chunk is ``<ITEM`` with the item's own fields (``POSITION``, ``LENGTH``,
  ``MUTE``, ``IGUID``, ``VOLPAN item_vol pan take_vol``), then the first take's lines
  (``NAME``, ``SOFFS``, ``PLAYRATE``, ``GUID``, its ``<SOURCE``), then each further
  take from its ``TAKE`` line (``TAKE SEL``: the active take; ``TAKE NULL``: an empty
  take), with its volume in ``TAKEVOLPAN pan vol ...``;
- a take's envelopes are blocks inside the take, after its source: ``<PITCHENV``,
  ``<VOLENV`` ..., with ``EGUID``, ``ACT 1 -1`` (active) or ``ACT 0 ...`` (bypassed)
  and ``PT time value shape`` points.

``SetItemStateChunk`` replaces the item's takes, its active take and each take's
envelopes with what the chunk says (a take whose ``GUID`` the item already had
keeps its object, so its pointer stays valid, as a take REAPER keeps); lines the
fake does not model are kept and given back, in their place, by
``GetItemStateChunk``, so a chunk set is a chunk read back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.reaper.fake import rpp_loader

__all__ = ["FakeEnvelope", "envelopes_of", "item_chunk_text", "apply_item_chunk"]

#: the fields of an item the fake models (everything else is kept as a line)
_ITEM_FIELDS = {"POSITION", "LENGTH", "MUTE", "IGUID", "VOLPAN"}
#: the fields of a take the fake models
_TAKE_FIELDS = {"NAME", "TAKEVOLPAN", "SOFFS", "PLAYRATE", "GUID"}


@dataclass
class FakeEnvelope:
    """A take envelope block (``<PITCHENV`` ...): its tag and its own lines, as set."""

    tag: str
    lines: list[str] = field(default_factory=list)  # the lines between "<TAG" and ">", stripped

    def _values(self, key: str) -> list[str] | None:
        for text in self.lines:
            words = rpp_loader.tokenize(text)
            if words[:1] == [key]:
                return words[1:]
        return None

    @property
    def guid(self) -> str:
        return (self._values("EGUID") or [""])[0]

    @property
    def is_active(self) -> bool:
        """``ACT 1``: the envelope plays (FACTS: ``ACT 0`` is bypassed); no ACT line: active."""
        act = self._values("ACT")
        return not act or act[0] != "0"

    @property
    def points(self) -> list[tuple[float, float]]:
        """``(time_sec, value)`` of each ``PT`` line."""
        out = []
        for text in self.lines:
            words = rpp_loader.tokenize(text)
            if words[:1] == ["PT"] and len(words) >= 3:
                out.append((float(words[1]), float(words[2])))
        return out


def envelopes_of(take) -> list[FakeEnvelope]:
    """A take's envelopes (none until a chunk gave it some)."""
    return list(getattr(take, "envelopes", None) or [])


def _source_lines(source) -> list[str]:
    raw = getattr(source, "chunk_lines", None)
    if raw:  # a source set through a chunk (an inline MIDI source): its lines as set
        return list(raw)
    if source.kind == "SECTION" and source.parent is not None:
        inner = _source_lines(source.parent)
        return ["<SOURCE SECTION", f"LENGTH {rpp_loader.number(source.section_length_sec)}",
                f"STARTPOS {rpp_loader.number(source.section_offset_sec)}", *inner, ">"]
    return [f"<SOURCE {source.kind}", rpp_loader.line(["FILE", source.file]), ">"]


def _take_lines(take, n: int, is_active: bool) -> list[str]:
    out = []
    if n:
        out.append("TAKE" + (" NULL" if take is None else "") + (" SEL" if is_active else ""))
    if take is None:
        return out
    out.append(rpp_loader.line(["NAME", take.name]))
    if n:
        out.append(f"TAKEVOLPAN 0 {rpp_loader.number(take.volume)} -1")
    out.append(f"SOFFS {rpp_loader.number(take.start_offset_sec)}")
    out.append(f"PLAYRATE {rpp_loader.number(take.playrate)} 1 0 -1 0 0.0025")
    out += list(getattr(take, "chunk_extra_lines", None) or [])
    out.append(f"GUID {take.guid}")
    if take.source is not None:
        out += _source_lines(take.source)
    for envelope in envelopes_of(take):
        out += ["<" + envelope.tag, *envelope.lines, ">"]
    return out


def item_chunk_text(item) -> str:
    """The item as ``GetItemStateChunk`` gives it (takes, active take, take envelopes)."""
    first = item.takes[0] if item.takes else None
    lines = ["<ITEM", f"POSITION {rpp_loader.number(item.position_sec)}", f"LENGTH {rpp_loader.number(item.length_sec)}",
             f"MUTE {int(item.is_muted)} 0", f"IGUID {item.guid}",
             f"VOLPAN {rpp_loader.number(item.volume)} 0 {rpp_loader.number(first.volume if first else 1.0)} -1"]
    lines += list(getattr(item, "chunk_extra_lines", None) or [])
    for n, take in enumerate(item.takes):
        lines += _take_lines(take, n, n == item.active_take and n > 0)
    return "\n".join(lines + [">"]) + "\n"


def _number(values: list[str] | None, position: int, default: float) -> float:
    try:
        return float(values[position]) if values is not None and len(values) > position else default
    except ValueError:
        return default


def apply_item_chunk(item, chunk: str, *, take_class, source_class) -> None:
    """Make ``item`` what ``chunk`` says (``SetItemStateChunk``)."""
    block = rpp_loader.parse_blocks(chunk)
    if block.tag != "ITEM":
        raise ValueError(f"not an item chunk: <{block.tag}")
    known = {take.guid: take for take in item.takes if take is not None}
    item_extra: list[str] = []
    takes: list[dict] = [{"values": {}, "source": None, "envelopes": [], "extra": [], "selected": False, "is_null": False}]
    for entry in block.entries:
        if isinstance(entry, list) and entry and entry[0] == "TAKE":
            takes.append({"values": {}, "source": None, "envelopes": [], "extra": [], "selected": "SEL" in entry[1:],
                          "is_null": "NULL" in entry[1:]})
        elif isinstance(entry, list) and entry:
            if len(takes) == 1 and entry[0] in _ITEM_FIELDS:
                if entry[0] == "POSITION":
                    item.position_sec = _number(entry, 1, item.position_sec)
                elif entry[0] == "LENGTH":
                    item.length_sec = _number(entry, 1, item.length_sec)
                elif entry[0] == "MUTE":
                    item.is_muted = _number(entry, 1, 0.0) != 0
                elif entry[0] == "IGUID" and len(entry) > 1:
                    item.guid = entry[1]
                takes[0]["values"].setdefault(entry[0], entry[1:])
            elif entry[0] in _TAKE_FIELDS:
                takes[-1]["values"].setdefault(entry[0], entry[1:])
            elif len(takes) == 1 and not takes[0]["values"].keys() & {"NAME", "SOFFS", "GUID"}:
                item_extra.append(rpp_loader.line(entry))
            else:
                takes[-1]["extra"].append(rpp_loader.line(entry))
        elif isinstance(entry, rpp_loader.Block):
            if entry.tag == "SOURCE" and takes[-1]["source"] is None:
                takes[-1]["source"] = entry
            elif entry.tag.endswith("ENV"):
                takes[-1]["envelopes"].append(FakeEnvelope(entry.tag, entry.text[1:-1]))
            else:
                item_extra += entry.text
    volpan = takes[0]["values"].get("VOLPAN")
    item.volume = _number(volpan, 0, item.volume)
    item.chunk_extra_lines = item_extra
    new_takes = []
    for n, parsed in enumerate(takes):
        if parsed["is_null"]:
            new_takes.append(None)
            continue
        values = parsed["values"]
        if n == 0 and not values.keys() & {"NAME", "SOFFS", "GUID"} and parsed["source"] is None:
            continue  # an item without takes
        guid = (values.get("GUID") or [""])[0]
        take = known.get(guid) or take_class()
        if guid:
            take.guid = guid
        take.name = (values.get("NAME") or [""])[0]
        take.volume = _number(volpan, 2, 1.0) if n == 0 else _number(values.get("TAKEVOLPAN"), 1, 1.0)
        take.start_offset_sec = _number(values.get("SOFFS"), 0, 0.0)
        take.playrate = _number(values.get("PLAYRATE"), 0, 1.0)
        take.source = _source(parsed["source"], source_class)
        take.envelopes = parsed["envelopes"]
        take.chunk_extra_lines = parsed["extra"]
        new_takes.append(take)
    item.takes = new_takes
    item.active_take = next((n for n, parsed in enumerate(takes) if parsed["selected"]), 0)
    if item.active_take >= len(item.takes):
        item.active_take = 0


def _source(block, source_class):
    source = rpp_loader._source(block, source_class)
    if source is not None and source.kind != "SECTION" and not block.first("FILE"):
        source.chunk_lines = list(block.text)  # an inline source (MIDI): nothing but its lines describes it
    return source

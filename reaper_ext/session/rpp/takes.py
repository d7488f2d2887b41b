"""Take-level edits on an ``.RPP`` document: a bypassed take pitch envelope, an extra take.

Both are the switched-off forms of the tuning and clean-up suggestions:

* a **take pitch envelope** (``<PITCHENV`` inside the take, after its
  ``<SOURCE``) written with ``ACT 0``, so it plays no part until accepted
  (/work/shared/reaper_api/FACTS.md: take envelopes are ``<PITCHENV``/``<VOLENV``
  blocks in the take, ``ACT 1 -1`` active, ``ACT 0 ...`` bypassed; a take
  envelope cannot be created through the API until it exists in the item chunk).
  Its lines follow the envelope blocks REAPER writes (``EGUID``, ``ACT``, ``VIS``,
  ``LANEHEIGHT``, ``ARM``, ``DEFSHAPE``, then ``PT time value shape``); take
  envelope times are seconds from the item's start, pitch values semitones;
* an **extra take** appended to the item, pointing at a file the product
  rendered, *not* active: REAPER marks the active take of a multi-take item by
  ``TAKE SEL`` on its ``TAKE`` line, and the first take (whose lines come right
  after the item's own fields, without a ``TAKE`` line) is active when no take
  line says ``SEL`` (the corpus' ``noisefarm__201205_1424__test.RPP``).

Every edit inserts or deletes whole lines, so removing what was added gives
back the original bytes.

The same functions edit a **live item's state chunk** (``GetItemStateChunk``):
:func:`item_document` wraps the chunk in a project and a track so it reads as
an ``.RPP`` document, :func:`item_chunk_text` gives the edited chunk back for
``SetItemStateChunk`` (:mod:`reaper_ext.session.live_takes`).
"""

from __future__ import annotations

from dataclasses import dataclass

from reaper_ext.errors import ProjectError, SuggestionError
from reaper_ext.session.rpp.document import Chunk, RppDocument, line_ending, split_lines
from reaper_ext.session.rpp.edit import format_number, new_guid, track_chunks
from reaper_ext.session.rpp.tokens import join_tokens

__all__ = [
    "TakeRange",
    "find_item",
    "take_ranges",
    "active_take",
    "add_take_pitch_envelope",
    "take_envelope_active",
    "set_take_envelope_active",
    "remove_take_envelope",
    "add_take",
    "take_index",
    "set_active_take",
    "remove_take",
    "item_document",
    "item_chunk_text",
]

# Lines REAPER writes in an envelope block before its points (the corpus' <MASTERPLAYSPEEDENV, <TEMPOENVEX).
_ENVELOPE_HEADER = (["VIS", "1", "1", "1"], ["LANEHEIGHT", "0", "0"], ["ARM", "0"], ["DEFSHAPE", "0", "-1", "-1"])


@dataclass(frozen=True)
class TakeRange:
    """A take's lines in its item: ``[start, end)``; take 0 starts right after ``<ITEM``."""

    start: int
    end: int
    is_selected: bool
    has_take_line: bool


def find_item(doc: RppDocument, item_guid: str) -> Chunk:
    """The ``<ITEM`` chunk whose ``IGUID`` is ``item_guid``."""
    for track in track_chunks(doc):
        for item in track.find_all("ITEM"):
            if doc.field(item, "IGUID") == [item_guid]:
                return item
    raise ProjectError(f"{doc.path}: no item with GUID {item_guid}")


def take_ranges(doc: RppDocument, item: Chunk) -> list[TakeRange]:
    """Each take's line range, in order."""
    starts: list[tuple[int, bool, bool]] = [(item.start + 1, False, False)]
    for index in doc.own_lines(item):
        if doc.first_word(index) == "TAKE":
            starts.append((index, "SEL" in doc.tokens(index)[1:], True))
    ranges = []
    for n, (start, selected, has_line) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else item.end
        ranges.append(TakeRange(start, end, selected, has_line))
    return ranges


def active_take(doc: RppDocument, item: Chunk) -> int:
    """Index of the active take (the one marked ``SEL``, else the first)."""
    for n, take in enumerate(take_ranges(doc, item)):
        if take.is_selected:
            return n
    return 0


def _take_field(doc: RppDocument, item: Chunk, take: TakeRange, key: str) -> tuple[int, list[str]] | None:
    for index in doc.own_lines(item):
        if take.start <= index < take.end and doc.first_word(index) == key:
            return index, doc.tokens(index)[1:]
    return None


def _take_chunks(item: Chunk, take: TakeRange, tag: str) -> list[Chunk]:
    return [child for child in item.children if child.tag == tag and take.start <= child.start < take.end]


def _find_envelope(doc: RppDocument, item: Chunk, envelope_guid: str) -> Chunk | None:
    for child in item.children:
        if child.tag == "PITCHENV" and doc.field(child, "EGUID") == [envelope_guid]:
            return child
    return None


def add_take_pitch_envelope(
    doc: RppDocument,
    item_guid: str,
    points: list[tuple[float, float]],
    *,
    take: int | None = None,
    is_active: bool = False,
) -> str:
    """Add a pitch envelope to a take (the active one by default); returns its ``EGUID``.

    Parameters
    ----------
    points : list of (time_sec, semitones)
        Seconds from the item's start, linear shape.
    take : int, optional
        Take index (default: the active take).
    is_active : bool
        ``ACT 1`` instead of the suggestion's ``ACT 0`` (bypassed).

    Raises
    ------
    SuggestionError
        The take already has a pitch envelope (the user's is never replaced).
    """
    item = find_item(doc, item_guid)
    ranges = take_ranges(doc, item)
    index = active_take(doc, item) if take is None else take
    if not 0 <= index < len(ranges):
        raise SuggestionError(f"item {item_guid} has no take {index}")
    target = ranges[index]
    if _take_chunks(item, target, "PITCHENV"):
        raise SuggestionError("the take already has a pitch envelope; it was left as it is")
    guid = new_guid()
    indent = doc.child_indent(item)
    inner = indent + "  "
    nl = doc.newline
    lines = [indent + "<PITCHENV" + nl, inner + join_tokens(["EGUID", guid]) + nl,
             inner + join_tokens(["ACT", "1" if is_active else "0", "-1"]) + nl]
    lines += [inner + join_tokens(values) + nl for values in _ENVELOPE_HEADER]
    for time_sec, semitones in sorted(points):
        lines.append(inner + join_tokens(["PT", format_number(round(time_sec, 6)), format_number(round(semitones, 6)), "0"]) + nl)
    lines.append(indent + ">" + nl)
    # after the take's source and any envelope it has: the end of the take's lines
    doc.insert_lines(target.end, lines)
    return guid


def take_envelope_active(doc: RppDocument, item_guid: str, envelope_guid: str) -> bool | None:
    """Whether the envelope is active (``ACT 1``); None when it is gone."""
    try:
        item = find_item(doc, item_guid)
    except ProjectError:
        return None
    envelope = _find_envelope(doc, item, envelope_guid)
    if envelope is None:
        return None
    act = doc.field(envelope, "ACT") or ["1"]
    return act[0] != "0"


def set_take_envelope_active(doc: RppDocument, item_guid: str, envelope_guid: str, is_active: bool) -> bool:
    """Switch the envelope on or off (its ``ACT`` line); False when it is gone."""
    try:
        item = find_item(doc, item_guid)
    except ProjectError:
        return False
    envelope = _find_envelope(doc, item, envelope_guid)
    if envelope is None:
        return False
    line = doc.field_line(envelope, "ACT")
    values = doc.field(envelope, "ACT") or ["0", "-1"]
    new = ["1" if is_active else "0", *values[1:]]
    if line is None:
        doc.set_field(envelope, "ACT", new, after="EGUID")
    else:
        doc.lines[line] = doc.indent_of(line) + join_tokens(["ACT", *new]) + line_ending(doc.lines[line])
    return True


def remove_take_envelope(doc: RppDocument, item_guid: str, envelope_guid: str) -> bool:
    """Delete the envelope block; False when it is already gone."""
    try:
        item = find_item(doc, item_guid)
    except ProjectError:
        return False
    envelope = _find_envelope(doc, item, envelope_guid)
    if envelope is None:
        return False
    doc.delete_lines(envelope.start, envelope.end - envelope.start + 1)
    return True


def add_take(doc: RppDocument, item_guid: str, file_path: str, *, name: str, source_type: str = "WAVE") -> str:
    """Append a take (not active) playing ``file_path`` in step with the active take; returns its GUID.

    The new take copies the active take's start offset (``SOFFS``) and play
    rate, so a file rendered sample-aligned from the same source lines up.
    """
    item = find_item(doc, item_guid)
    ranges = take_ranges(doc, item)
    current = ranges[active_take(doc, item)]
    soffs = _take_field(doc, item, current, "SOFFS")
    playrate = _take_field(doc, item, current, "PLAYRATE")
    guid = new_guid()
    indent = doc.child_indent(item)
    nl = doc.newline
    values = [
        ["TAKE"],
        ["NAME", name],
        ["TAKEVOLPAN", "0", "1", "-1"],
        ["SOFFS", *(soffs[1] if soffs else ["0"])],
        ["PLAYRATE", *(playrate[1] if playrate else ["1", "1", "0", "-1", "0", "0.0025"])],
        ["CHANMODE", "0"],
        ["GUID", guid],
    ]
    lines = [indent + join_tokens(v) + nl for v in values]
    lines += [indent + "<SOURCE " + source_type + nl, indent + "  " + join_tokens(["FILE", file_path]) + nl, indent + ">" + nl]
    doc.insert_lines(item.end, lines)
    return guid


def take_index(doc: RppDocument, item_guid: str, take_guid: str) -> int | None:
    """Index of the take whose ``GUID`` is ``take_guid``, or None."""
    try:
        item = find_item(doc, item_guid)
    except ProjectError:
        return None
    for n, take in enumerate(take_ranges(doc, item)):
        found = _take_field(doc, item, take, "GUID")
        if found and found[1] == [take_guid]:
            return n
    return None


def set_active_take(doc: RppDocument, item_guid: str, take: int) -> None:
    """Make take ``take`` the active one (``SEL`` on its ``TAKE`` line only)."""
    item = find_item(doc, item_guid)
    for n, current in enumerate(take_ranges(doc, item)):
        if not current.has_take_line:
            continue
        words = doc.tokens(current.start)
        wanted = ["TAKE", *(["SEL"] if n == take else []), *[w for w in words[1:] if w != "SEL"]]
        if words != wanted:
            doc.lines[current.start] = doc.indent_of(current.start) + join_tokens(wanted) + line_ending(doc.lines[current.start])


def remove_take(doc: RppDocument, item_guid: str, take_guid: str) -> bool:
    """Delete a take that is not the first; False when it is gone.

    Raises
    ------
    SuggestionError
        The take is active (the user chose it: it is not removed behind their back).
    """
    index = take_index(doc, item_guid, take_guid)
    if index is None:
        return False
    item = find_item(doc, item_guid)
    take = take_ranges(doc, item)[index]
    if not take.has_take_line:
        raise SuggestionError("the take is now the item's first take; it was left in place")
    if take.is_selected:
        raise SuggestionError("the take is active; it was left in place")
    doc.delete_lines(take.start, take.end - take.start)
    return True


# The wrapping that makes an item chunk read as a project: a project and one track around it.
_CHUNK_HEAD = ["<REAPER_PROJECT 0.1\n", "<TRACK\n"]
_CHUNK_TAIL = [">\n", ">\n"]


def item_document(chunk: str) -> RppDocument:
    """An item's state chunk (``<ITEM`` ... ``>``, as ``GetItemStateChunk`` gives it) as a document.

    The functions of this module find the item by its ``IGUID`` and edit it in
    place; :func:`item_chunk_text` gives the chunk back.

    Raises
    ------
    ProjectError
        The text is not one ``<ITEM`` chunk.
    """
    lines = split_lines(chunk.replace("\r\n", "\n"))
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    if not lines or not lines[0].strip().startswith("<ITEM"):
        raise ProjectError(f"not an item chunk: {chunk[:40]!r}")
    doc = RppDocument(_CHUNK_HEAD + lines + _CHUNK_TAIL)  # RppParseError (a ProjectError) when unbalanced
    items = doc.root.children[0].find_all("ITEM") if doc.root.children else []
    if len(items) != 1 or items[0].start != len(_CHUNK_HEAD) or items[0].end != len(doc.lines) - len(_CHUNK_TAIL) - 1:
        raise ProjectError("the item chunk is not one balanced <ITEM block")
    return doc


def item_chunk_text(doc: RppDocument) -> str:
    """The item chunk of a document made by :func:`item_document`, as edited."""
    item = doc.root.children[0].find_all("ITEM")[0]
    return "".join(doc.lines[item.start:item.end + 1])

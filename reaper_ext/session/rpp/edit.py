"""Edits on an :class:`RppDocument` that touch only the lines they must.

Each function changes the document in place; the chunk tree stays valid.
Line formats follow what REAPER 6/7 write (see ../shared/corpus/rpp/).
"""

from __future__ import annotations

import uuid

from reaper_ext.errors import ProjectError
from reaper_ext.session.rpp.document import Chunk, RppDocument
from reaper_ext.session.rpp.tokens import join_tokens

__all__ = [
    "new_guid",
    "format_number",
    "track_chunks",
    "track_chunk",
    "set_track_name",
    "set_track_field",
    "add_marker",
    "add_fx_lines",
    "set_ext_state",
    "delete_ext_state",
]

FXCHAIN_HEADER = (["SHOW", "0"], ["LASTSEL", "0"], ["DOCKED", "0"])


def new_guid() -> str:
    """A GUID in REAPER's form: ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}``."""
    return "{" + str(uuid.uuid4()).upper() + "}"


def format_number(value: float) -> str:
    """A number as REAPER writes it: up to 14 significant digits, no trailing zeros."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.14g}"


def track_chunks(doc: RppDocument) -> list[Chunk]:
    """The project's ``<TRACK`` chunks, in order."""
    return doc.root.find_all("TRACK")


def track_chunk(doc: RppDocument, guid: str) -> Chunk:
    """The ``<TRACK`` chunk with ``guid`` (from its header or TRACKID line, or ``#index``)."""
    chunks = track_chunks(doc)
    if guid.startswith("#") and guid[1:].isdigit() and int(guid[1:]) < len(chunks):
        return chunks[int(guid[1:])]
    for chunk in chunks:
        head = doc.tokens(chunk.start)
        if len(head) > 1 and head[1] == guid:
            return chunk
        if doc.field(chunk, "TRACKID") == [guid]:
            return chunk
    raise ProjectError(f"{doc.path}: no track with GUID {guid}")


def set_track_name(doc: RppDocument, chunk: Chunk, name: str) -> None:
    """Set a track's ``NAME`` (added right after ``<TRACK`` when absent)."""
    doc.set_field(chunk, "NAME", [name])


def set_track_field(doc: RppDocument, chunk: Chunk, key: str, values: list[str], *, after: str | None = None) -> None:
    """Set any one-line field of a track (``PEAKCOL``, ``VOLPAN``, ``ISBUS``...)."""
    doc.set_field(chunk, key, values, after=after)


def add_marker(
    doc: RppDocument,
    *,
    index: int,
    position_sec: float,
    name: str,
    end_sec: float | None = None,
    color: int = 0,
    guid: str | None = None,
) -> str:
    """Add a marker (or a region when ``end_sec`` is given); returns its GUID.

    The lines go after the project's last ``MARKER`` line, else before
    ``<PROJBAY``/the first ``<TRACK`` (where REAPER writes them).
    """
    guid = guid or new_guid()
    root = doc.root
    flags = 1 if end_sec is not None else 0
    lines = [doc.make_line(root, ["MARKER", str(index), format_number(position_sec), name, str(flags), str(color), "1", "R", guid, "0"])]
    if end_sec is not None:
        lines.append(doc.make_line(root, ["MARKER", str(index), format_number(end_sec), "", "1"]))
    last_marker = None
    for line_index in doc.own_lines(root):
        if doc.content(line_index).startswith("MARKER "):
            last_marker = line_index
    if last_marker is not None:
        position = last_marker + 1
    else:
        anchor = root.find("PROJBAY") or root.find("TRACK") or root.find("EXTSTATE")
        position = anchor.start if anchor is not None else root.end
    doc.insert_lines(position, lines)
    return guid


def _master_chain_position(doc: RppDocument) -> int:
    """Where REAPER writes ``<MASTERFXLIST``: after the ``MASTER_*`` lines, before the envelopes and tracks."""
    root = doc.root
    last_master = None
    for index in doc.own_lines(root):
        if doc.first_word(index).startswith("MASTER"):
            last_master = index
    if last_master is not None:
        return last_master + 1
    anchor = root.find("MASTERPLAYSPEEDENV") or root.find("TEMPOENVEX") or root.find("TRACK") or root.find("EXTSTATE")
    return anchor.start if anchor is not None else root.end


def add_fx_lines(doc: RppDocument, chunk: Chunk, fx_lines: list[str], *, chain_tag: str = "FXCHAIN") -> None:
    """Append one plug-in's lines (``BYPASS``, ``<VST ...>``, ``FXID``...) to a track's FX chain.

    ``fx_lines`` are contents without indentation or line endings; they are
    indented to the chain's depth. A chain is created (before the track's
    first item, where REAPER writes it) when the track has none. With
    ``chain_tag="MASTERFXLIST"`` and the project's root as ``chunk``, the
    plug-in goes on the master track (a chain made after the ``MASTER_*`` lines,
    as in the corpus' projects).
    """
    chain = chunk.find(chain_tag)
    if chain is None:
        if chain_tag == "MASTERFXLIST":
            position = _master_chain_position(doc)
        else:
            first_item = chunk.find("ITEM")
            position = first_item.start if first_item is not None else chunk.end
        indent = doc.child_indent(chunk)
        header = [indent + "<" + chain_tag + doc.newline]
        header += [indent + "  " + join_tokens(values) + doc.newline for values in FXCHAIN_HEADER]
        doc.insert_lines(position, [*header, indent + ">" + doc.newline])
        chain = chunk.find(chain_tag)
        assert chain is not None
    indent = doc.child_indent(chain)
    depth = 0
    new_lines = []
    for text in fx_lines:
        stripped = text.strip()
        if stripped == ">":
            depth -= 1
        new_lines.append(indent + "  " * depth + stripped + doc.newline)
        if stripped.startswith("<"):
            depth += 1
    doc.insert_lines(chain.end, new_lines)


def _ext_section(doc: RppDocument, section: str, *, create: bool) -> Chunk | None:
    root = doc.root
    ext = root.find("EXTSTATE")
    if ext is None:
        if not create:
            return None
        indent = doc.child_indent(root)
        doc.insert_lines(root.end, [indent + "<EXTSTATE" + doc.newline, indent + ">" + doc.newline])
        ext = doc.root.find("EXTSTATE")
        assert ext is not None
    chunk = ext.find(section)
    if chunk is None and create:
        indent = doc.child_indent(ext)
        doc.insert_lines(ext.end, [indent + "<" + section + doc.newline, indent + ">" + doc.newline])
        chunk = doc.root.find("EXTSTATE").find(section)  # type: ignore[union-attr]
    return chunk


def set_ext_state(doc: RppDocument, section: str, key: str, value: str) -> None:
    """Set project ext state ``section``/``key`` (REAPER's ``SetProjExtState``)."""
    chunk = _ext_section(doc, section, create=True)
    assert chunk is not None
    if doc.field_line(chunk, key) is not None:
        doc.set_field(chunk, key, [value])
    else:  # new keys go at the end of the section, as REAPER appends them
        doc.insert_lines(chunk.end, [doc.make_line(chunk, [key, value])])


def delete_ext_state(doc: RppDocument, section: str, key: str | None = None, *, drop_container: bool = True) -> None:
    """Delete one key, or (``key=None``) the whole section.

    An emptied section goes too, and an emptied ``<EXTSTATE`` when ``drop_container``.
    """
    chunk = _ext_section(doc, section, create=False)
    if chunk is None:
        return
    if key is not None:
        index = doc.field_line(chunk, key)
        if index is not None:
            doc.delete_lines(index, 1)
        chunk = _ext_section(doc, section, create=False)
        assert chunk is not None
        if chunk.end - chunk.start > 1:
            return
    doc.delete_lines(chunk.start, chunk.end - chunk.start + 1)
    ext = doc.root.find("EXTSTATE")
    if drop_container and ext is not None and not ext.children and ext.end - ext.start == 1:
        doc.delete_lines(ext.start, 2)

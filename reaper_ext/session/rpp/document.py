"""A lossless ``.RPP`` document: the file's lines plus a tree of chunks over them.

The text is kept as a list of lines, each with its own line ending, so writing
a document nobody edited gives back the same bytes. The chunk tree only
records where each ``<TAG ... >`` block starts and ends; values are split on
demand. Edits replace, insert or delete whole lines and shift the tree, so an
edit touches only the lines it must.

Bytes that are not UTF-8 are carried through with ``surrogateescape``: REAPER
writes UTF-8, but a damaged or very old file must still round-trip.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reaper_ext.errors import RppParseError
from reaper_ext.session.rpp.tokens import join_tokens, split_line

__all__ = ["Chunk", "RppDocument", "parse_rpp", "line_ending", "split_lines"]

ROOT_TAG = "REAPER_PROJECT"


@dataclass(eq=False)
class Chunk:
    """One ``<TAG ...`` ... ``>`` block: line indices into its document."""

    tag: str
    start: int  # index of the "<TAG" line
    end: int  # index of the closing ">" line
    children: list[Chunk] = field(default_factory=list)
    parent: Chunk | None = field(default=None, repr=False)

    def find(self, tag: str) -> Chunk | None:
        """First direct child with ``tag``, or None."""
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def find_all(self, tag: str) -> list[Chunk]:
        """Every direct child with ``tag``, in file order."""
        return [child for child in self.children if child.tag == tag]

    def walk(self) -> Iterator[Chunk]:
        """Yield this chunk and every chunk below it, in file order."""
        yield self
        for child in self.children:
            yield from child.walk()


class RppDocument:
    """The lines of one ``.RPP`` file and the chunk tree over them.

    Parameters
    ----------
    lines : list of str
        The file's lines, each with its line ending (the last may have none).
    path : Path, optional
        Where the text came from (for error messages).
    """

    def __init__(self, lines: list[str], *, path: Path | None = None) -> None:
        self.lines = lines
        self.path = path
        self.root = _build_tree(lines, path)
        self._field_cache: dict[int, dict[str, int]] = {}

    # -- reading -----------------------------------------------------------
    @property
    def newline(self) -> str:
        """The line ending new lines get: the one the first line uses."""
        first = self.lines[0]
        return "\r\n" if first.endswith("\r\n") else "\n"

    def content(self, index: int) -> str:
        """Line ``index`` without its indentation and line ending."""
        return self.lines[index].rstrip("\r\n").strip()

    def tokens(self, index: int) -> list[str]:
        """Line ``index`` split into unquoted values."""
        return split_line(self.content(index))

    def own_lines(self, chunk: Chunk) -> Iterator[int]:
        """Indices of the lines directly inside ``chunk`` (not in its children)."""
        child_iter = iter(chunk.children)
        next_child = next(child_iter, None)
        index = chunk.start + 1
        while index < chunk.end:
            if next_child is not None and index == next_child.start:
                index = next_child.end + 1
                next_child = next(child_iter, None)
                continue
            yield index
            index += 1

    def first_word(self, index: int) -> str:
        """The first value of line ``index``, cheaply (keys are never quoted)."""
        text = self.content(index)
        space = text.find(" ")
        return text if space < 0 else text[:space]

    def field_index(self, chunk: Chunk) -> dict[str, int]:
        """Each key's first own line in ``chunk`` (built once per chunk, until an edit)."""
        cached = self._field_cache.get(id(chunk))
        if cached is None:
            cached = {}
            for index in self.own_lines(chunk):
                cached.setdefault(self.first_word(index), index)
            self._field_cache[id(chunk)] = cached
        return cached

    def field_line(self, chunk: Chunk, key: str) -> int | None:
        """Index of the first own line of ``chunk`` whose first value is ``key``."""
        return self.field_index(chunk).get(key)

    def field(self, chunk: Chunk, key: str) -> list[str] | None:
        """Values after ``key`` on its first line in ``chunk``, or None."""
        index = self.field_line(chunk, key)
        return None if index is None else self.tokens(index)[1:]

    def indent_of(self, index: int) -> str:
        """The leading whitespace of line ``index``."""
        line = self.lines[index]
        return line[: len(line) - len(line.lstrip(" \t"))]

    def child_indent(self, chunk: Chunk) -> str:
        """Indentation for a new line inside ``chunk`` (REAPER indents by 2)."""
        return self.indent_of(chunk.start) + "  "

    def to_text(self) -> str:
        """The whole document as text."""
        return "".join(self.lines)

    def to_bytes(self) -> bytes:
        """The whole document as bytes, exactly as read when nothing changed."""
        return self.to_text().encode("utf-8", errors="surrogateescape")

    # -- editing -----------------------------------------------------------
    def make_line(self, chunk: Chunk, values: list[str]) -> str:
        """A new line for inside ``chunk``: indented, quoted, with the file's line ending."""
        return self.child_indent(chunk) + join_tokens(values) + self.newline

    def splice(self, index: int, n_delete: int, new_lines: list[str]) -> None:
        """Replace ``n_delete`` lines at ``index`` by ``new_lines``; keep the tree in step.

        Deleted lines must hold whole chunks and inserted lines must be
        balanced; existing :class:`Chunk` objects stay valid (their indices
        shift), so callers can keep using the chunks they hold.
        """
        if index > 0 and index == len(self.lines) and not self.lines[index - 1].endswith("\n"):
            self.lines[index - 1] += self.newline  # appending after a last line without ending
        self._field_cache.clear()
        stop = index + n_delete
        if n_delete:
            self._drop_chunks(self.root, index, stop)
            for chunk in self.root.walk():
                if chunk.start >= stop:
                    chunk.start -= n_delete
                if chunk.end >= stop:
                    chunk.end -= n_delete
        self.lines[index:stop] = new_lines
        if not new_lines:
            return
        n_new = len(new_lines)
        parent = self._innermost_containing(index)
        for chunk in self.root.walk():
            if chunk.start >= index:
                chunk.start += n_new
            if chunk.end >= index:
                chunk.end += n_new
        new_chunks = _scan_chunks(new_lines, index, parent, self.path)
        if new_chunks:
            parent.children.extend(new_chunks)
            parent.children.sort(key=lambda chunk: chunk.start)

    def _drop_chunks(self, chunk: Chunk, start: int, stop: int) -> None:
        kept = []
        for child in chunk.children:
            inside_start = start <= child.start < stop
            inside_end = start <= child.end < stop
            if inside_start != inside_end:
                raise ValueError(f"deleting lines {start}-{stop} would split <{child.tag}")
            if not inside_start:
                self._drop_chunks(child, start, stop)
                kept.append(child)
        chunk.children = kept

    def _innermost_containing(self, index: int) -> Chunk:
        """The deepest chunk a line inserted before ``index`` would fall into."""
        chunk = self.root
        while True:
            for child in chunk.children:
                if child.start < index <= child.end:
                    chunk = child
                    break
            else:
                return chunk

    def set_field(self, chunk: Chunk, key: str, values: list[str], *, after: str | None = None) -> None:
        """Set ``key``'s values in ``chunk``: replace its line, or add one.

        A new line goes after the ``after`` field when there is one, else right
        after the chunk's opening line (where REAPER puts NAME, for example).
        """
        line = self.make_line(chunk, [key, *values])
        index = self.field_line(chunk, key)
        if index is not None:
            self.lines[index] = self.indent_of(index) + join_tokens([key, *values]) + line_ending(self.lines[index])
            return
        position = chunk.start + 1
        if after is not None:
            after_index = self.field_line(chunk, after)
            if after_index is not None:
                position = after_index + 1
        self.splice(position, 0, [line])

    def insert_lines(self, index: int, new_lines: list[str]) -> None:
        """Insert ``new_lines`` before line ``index``."""
        self.splice(index, 0, new_lines)

    def delete_lines(self, index: int, n_lines: int) -> None:
        """Delete ``n_lines`` lines starting at ``index``."""
        self.splice(index, n_lines, [])

    def chunk_lines(self, chunk: Chunk) -> list[str]:
        """The lines of ``chunk``, opening and closing lines included."""
        return self.lines[chunk.start : chunk.end + 1]


def line_ending(line: str) -> str:
    """The line ending ``line`` carries (``""`` for a last line without one)."""
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith("\n"):
        return "\n"
    return ""


def split_lines(text: str) -> list[str]:
    r"""Split on ``\n`` only, keeping each line's ending (``\r\n`` stays whole)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _scan_chunks(lines: list[str], offset: int, parent: Chunk, path: Path | None) -> list[Chunk]:
    """Chunks in a balanced run of new lines (indices offset by ``offset``)."""
    top: list[Chunk] = []
    stack: list[Chunk] = []
    for n, line in enumerate(lines):
        text = line.strip()
        if text.startswith("<"):
            tag_end = text.find(" ")
            chunk = Chunk(text[1:] if tag_end < 0 else text[1:tag_end], offset + n, -1)
            chunk.parent = stack[-1] if stack else parent
            (stack[-1].children if stack else top).append(chunk)
            stack.append(chunk)
        elif text == ">":
            if not stack:
                raise ValueError("inserted lines close a chunk they did not open")
            stack.pop().end = offset + n
    if stack:
        raise ValueError(f"inserted lines leave <{stack[-1].tag} open")
    return top


def _build_tree(lines: list[str], path: Path | None) -> Chunk:
    """Find every chunk; raise RppParseError on unbalanced or foreign text."""
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first == len(lines):
        raise RppParseError(path, 1, "the file is empty: no <REAPER_PROJECT block")
    head = lines[first].strip().lstrip("\ufeff")
    if not head.startswith("<" + ROOT_TAG):
        raise RppParseError(path, first + 1, f"not a REAPER project: expected <{ROOT_TAG}, found {head[:40]!r}")
    root = Chunk(ROOT_TAG, first, -1)
    stack = [root]
    for index in range(first + 1, len(lines)):
        text = lines[index].strip()
        if not text:
            continue
        if text[0] == "<":
            tag_end = text.find(" ")
            tag = text[1:] if tag_end < 0 else text[1:tag_end]
            if not stack:
                raise RppParseError(path, index + 1, f"<{tag} after the project's closing '>'")
            chunk = Chunk(tag, index, -1, parent=stack[-1])
            stack[-1].children.append(chunk)
            stack.append(chunk)
        elif text == ">":
            if not stack:
                raise RppParseError(path, index + 1, "'>' after the project's closing '>'")
            stack.pop().end = index
        elif not stack:
            raise RppParseError(path, index + 1, f"text after the project's closing '>': {text[:40]!r}")
    if stack:
        open_chunk = stack[-1]
        raise RppParseError(
            path,
            len(lines),
            f"the file ends inside <{open_chunk.tag} (opened on line {open_chunk.start + 1}): "
            "it is truncated or damaged",
        )
    return root


def parse_rpp(data: bytes | str, *, path: Path | None = None) -> RppDocument:
    """Parse ``.RPP`` bytes or text into an :class:`RppDocument`.

    Raises
    ------
    RppParseError
        The text is not a complete REAPER project (names the file and line).
    """
    text = data.decode("utf-8", errors="surrogateescape") if isinstance(data, bytes) else data
    if "\x00" in text:
        line_number = text.count("\n", 0, text.index("\x00")) + 1
        raise RppParseError(path, line_number, "NUL byte in the text: this is not a project file")
    return RppDocument(split_lines(text), path=path)

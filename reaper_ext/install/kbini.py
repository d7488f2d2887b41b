r"""Reading and editing REAPER's action/shortcut file ``reaper-kb.ini``.

Line formats (one record per line, fields separated by spaces, quoted like
``.RPP`` strings), as REAPER writes them:

``SCR <flags> <section> <command id> "<description>" <path>``
    A registered ReaScript. REAPER writes flags ``4`` and section ``0`` (Main)
    for a plain script, the description ``"Custom: <file name>"`` and the path
    relative to ``<resource>/Scripts`` with forward slashes, on every OS, e.g.
    ``SCR 4 0 RS1ee9bb229dabffe151848d7efa3c10f748e1a1cf "Custom: lyrics.lua"
    Cockos/lyrics.lua`` (seen identically in several users' published files,
    Windows portable and macOS).
``KEY <modifiers> <key> <command> <section>``
    A shortcut. ``modifiers`` is a bit set: 1 = the key is a virtual-key code,
    4 = Shift, 8 = Ctrl (Cmd on macOS), 16 = Alt (Opt), 32 = Win (Control on
    macOS); ``key`` a Windows virtual-key code (65 = ``A``); ``command`` a
    numeric action or ``_`` + a named command id (``_RS...`` for a script).
    REAPER appends a ``\t\t # Main : Ctrl+Shift+N : ...`` comment when it
    rewrites the file; lines are matched here by their fields, not their text.

Command ids: REAPER derives a script's id from its path, so every machine gets
the same id for the same relative path (ReaPack relies on this). Checked against
six ids in real files: ``"RS" + sha1(path.upper())`` with the path relative to
``Scripts/`` in forward slashes, e.g. ``sha1(b"COCKOS/LYRICS.LUA")`` =
``1ee9bb22...``. Using REAPER's own scheme means a script registered by this
installer and the same script registered from inside REAPER
(``AddRemoveReaScript``) get the same id, so shortcuts keep working either way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from .textfile import detect_newline, join_lines, split_lines

__all__ = [
    "MAIN_SECTION",
    "SCRIPT_FLAGS",
    "MOD_VIRTKEY",
    "MOD_SHIFT",
    "MOD_CTRL",
    "MOD_ALT",
    "MOD_WIN",
    "script_command_id",
    "quote_field",
    "split_fields",
    "scr_line",
    "key_line",
    "record_identity",
    "KeyBinding",
    "parse_key_bindings",
    "add_lines",
    "remove_records",
]

MAIN_SECTION = 0
"""Section id of the Main action list."""

SCRIPT_FLAGS = 4
"""Flags REAPER writes for a plain (non-toggle) script registered in Main."""

MOD_VIRTKEY = 1
MOD_SHIFT = 4
MOD_CTRL = 8
MOD_ALT = 16
MOD_WIN = 32


def script_command_id(relative_path: str) -> str:
    """REAPER's command id for a script, from its path under ``Scripts/``.

    Parameters
    ----------
    relative_path : str
        Path relative to ``<resource>/Scripts`` (either slash).

    Returns
    -------
    str
        ``"RS"`` + 40 hex digits. Only ASCII letters are upper-cased (bytes
        ``upper``); how REAPER upper-cases non-ASCII names is not verified.
    """
    normalised = relative_path.replace("\\", "/").encode("utf-8").upper()
    return "RS" + hashlib.sha1(normalised).hexdigest()


def quote_field(value: str) -> str:
    """Quote one field the way REAPER does in its ini/project files.

    Bare when it has no space or quote; otherwise in ``"``, or ``'`` when it
    contains ``"``, or a backtick when it contains both.
    """
    if value and not any(c in value for c in " \t\"'`"):
        return value
    for quote in ('"', "'", "`"):
        if quote not in value:
            return quote + value + quote
    raise ValueError(f"can't quote a field containing all of \" ' `: {value!r}")


def split_fields(line: str) -> list[str]:
    """Split a ``reaper-kb.ini`` line into fields, honouring REAPER's quotes."""
    fields: list[str] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in " \t\r\n":
            i += 1
            continue
        if c == "#":
            break  # REAPER's trailing "# Main : ..." comment
        if c in "\"'`":
            end = line.find(c, i + 1)
            end = n if end < 0 else end
            fields.append(line[i + 1:end])
            i = end + 1
        else:
            j = i
            while j < n and line[j] not in " \t\r\n":
                j += 1
            fields.append(line[i:j])
            i = j
    return fields


def scr_line(relative_path: str, *, description: str | None = None) -> str:
    """The ``SCR`` line REAPER writes for a script in the Main section.

    Parameters
    ----------
    relative_path : str
        Path relative to ``<resource>/Scripts``, forward slashes.
    description : str, optional
        Defaults to ``"Custom: <file name>"`` as REAPER writes it.
    """
    relative_path = relative_path.replace("\\", "/")
    if description is None:
        description = "Custom: " + relative_path.rsplit("/", 1)[-1]
    return " ".join([
        "SCR", str(SCRIPT_FLAGS), str(MAIN_SECTION),
        script_command_id(relative_path),
        quote_field(description), quote_field(relative_path),
    ])


def key_line(modifiers: int, key_code: int, command_id: str, *, section: int = MAIN_SECTION) -> str:
    """A ``KEY`` line binding a shortcut to a script (``_`` + command id)."""
    command = command_id if command_id.isdigit() or command_id.startswith("_") else "_" + command_id
    return f"KEY {modifiers} {key_code} {command} {section}"


def record_identity(line: str) -> tuple[str, ...] | None:
    """What a line *means*, ignoring quoting, spacing and comments.

    ``("SCR", section, command_id)`` or ``("KEY", mods, key, command, section)``;
    ``None`` for any other line.
    """
    fields = split_fields(line)
    if len(fields) >= 4 and fields[0] == "SCR":
        return ("SCR", fields[2], fields[3])
    if len(fields) >= 5 and fields[0] == "KEY":
        return ("KEY", fields[1], fields[2], fields[3], fields[4])
    return None


@dataclass(frozen=True)
class KeyBinding:
    """One ``KEY`` record: a key combination in a section and its command."""

    modifiers: int
    key_code: int
    command: str
    section: int

    @property
    def combo(self) -> tuple[int, int, int]:
        """``(modifiers, key_code, section)``: what two bindings clash on."""
        return (self.modifiers, self.key_code, self.section)


def parse_key_bindings(text: str) -> list[KeyBinding]:
    """Every well-formed ``KEY`` record in the file's text."""
    bindings = []
    for line in split_lines(text):
        fields = split_fields(line)
        if len(fields) >= 5 and fields[0] == "KEY":
            try:
                bindings.append(KeyBinding(int(fields[1]), int(fields[2]), fields[3], int(fields[4])))
            except ValueError:
                continue  # not ours to judge; leave it alone
    return bindings


def add_lines(text: str, new_lines: Iterable[str], *, default_newline: str | None = None) -> tuple[str, list[str]]:
    """Append the lines whose record is not in the file yet.

    Returns
    -------
    text : str
        The new text; unchanged (the same string) when nothing was missing.
    added : list of str
        The lines appended, without line endings.
    """
    present: set[tuple[str, ...]] = set()
    for line in split_lines(text):
        identity = record_identity(line)
        if identity is not None:
            present.add(identity)
    newline = detect_newline(text, default=default_newline)
    added = []
    for line in new_lines:
        identity = record_identity(line)
        if identity is None or identity in present:
            continue
        present.add(identity)
        added.append(line)
    if not added:
        return text, []
    prefix = text if (not text or text.endswith(("\n", "\r"))) else text + newline
    return prefix + "".join(line + newline for line in added), added


def remove_records(text: str, lines: Iterable[str]) -> tuple[str, int]:
    """Remove every line whose record matches one of ``lines``.

    Returns the new text and how many lines were removed; other lines keep
    their bytes.
    """
    targets = {record_identity(line) for line in lines} - {None}
    kept, n_removed = [], 0
    for line in split_lines(text):
        if record_identity(line) in targets:
            n_removed += 1
        else:
            kept.append(line)
    return join_lines(kept), n_removed

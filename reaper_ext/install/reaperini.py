"""Reading and editing keys of REAPER's preferences file ``reaper.ini``.

``reaper.ini`` is a Windows-style ini file (REAPER reads it with
``GetPrivateProfileString`` semantics on every OS: section and key names are
case-insensitive). It is edited here as text, a line at a time: a changed key
keeps its line's position and line ending, a new key goes after the section's
last line, and every other byte of the file stays as it was. ``configparser``
is not used because writing with it would reformat the whole file.
"""

from __future__ import annotations

from collections.abc import Mapping

from .textfile import detect_newline, join_lines, split_lines

__all__ = [
    "REAPER_SECTION",
    "get_value",
    "set_values_if_empty",
    "restore_values",
]

REAPER_SECTION = "REAPER"
"""The section that holds REAPER's own preferences (``reascript``, ``pythonlib*``)."""


def _section_name(line: str) -> str | None:
    stripped = line.strip()
    if stripped.startswith("[") and stripped.endswith("]"):
        return stripped[1:-1].strip()
    return None


def _key_of(line: str) -> str | None:
    stripped = line.strip()
    if not stripped or stripped[0] in ";#[" or "=" not in stripped:
        return None
    return stripped.split("=", 1)[0].strip()


def _value_of(line: str) -> str:
    return line.split("=", 1)[1].rstrip("\r\n").strip()


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")):]


def _find(lines: list[str], section: str, key: str) -> tuple[int | None, int | None]:
    """Index of the key's line (or None) and of the section's last line (or None)."""
    current = None
    key_index = None
    last_in_section = None
    for i, line in enumerate(lines):
        name = _section_name(line)
        if name is not None:
            current = name
            if current.lower() == section.lower():
                last_in_section = i
            continue
        if current is not None and current.lower() == section.lower():
            if line.strip():
                last_in_section = i
            found = _key_of(line)
            if key_index is None and found is not None and found.lower() == key.lower():
                key_index = i
    return key_index, last_in_section


def get_value(text: str, key: str, *, section: str = REAPER_SECTION) -> str | None:
    """A key's value (stripped), or ``None`` when the key is absent."""
    lines = split_lines(text)
    index, _ = _find(lines, section, key)
    return None if index is None else _value_of(lines[index])


def _set(lines: list[str], section: str, key: str, value: str | None, newline: str) -> None:
    index, last = _find(lines, section, key)
    if value is None:
        if index is not None:
            del lines[index]
        return
    if index is not None:
        line = lines[index]
        # keep the key's own spelling and the line's ending
        lines[index] = line.split("=", 1)[0] + "=" + value + _ending(line)
        return
    new_line = f"{key}={value}{newline}"
    if last is None:
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        lines.append(f"[{section}]{newline}")
        lines.append(new_line)
        return
    if not lines[last].endswith(("\n", "\r")):
        lines[last] += newline
    lines.insert(last + 1, new_line)


def set_values_if_empty(
    text: str,
    values: Mapping[str, str],
    *,
    section: str = REAPER_SECTION,
    default_newline: str | None = None,
) -> tuple[str, dict[str, str | None]]:
    """Set keys that are absent or empty; leave keys the user set alone.

    Returns
    -------
    text : str
        The edited text (the same string when nothing changed).
    previous : dict
        For each key that was set: its value before (``None`` = absent,
        ``""`` = present but empty), to undo the change later.
    """
    lines = split_lines(text)
    newline = detect_newline(text, default=default_newline)
    previous: dict[str, str | None] = {}
    for key, value in values.items():
        index, _ = _find(lines, section, key)
        before = None if index is None else _value_of(lines[index])
        if before:
            continue
        _set(lines, section, key, value, newline)
        previous[key] = before
    if not previous:
        return text, {}
    return join_lines(lines), previous


def restore_values(
    text: str,
    changes: Mapping[str, tuple[str | None, str]],
    *,
    section: str = REAPER_SECTION,
) -> tuple[str, list[str]]:
    """Undo :func:`set_values_if_empty` where the user has not changed a key since.

    Parameters
    ----------
    changes : mapping
        ``key -> (previous, value_we_set)``; ``previous`` ``None`` removes the
        key's line, ``""`` empties it again.

    Returns
    -------
    text : str
        The new text.
    kept : list of str
        Keys left alone because their value is no longer the one we set.
    """
    lines = split_lines(text)
    newline = detect_newline(text)
    kept = []
    for key, (before, ours) in changes.items():
        index, _ = _find(lines, section, key)
        if index is None:
            continue
        if _value_of(lines[index]) != ours:
            kept.append(key)
            continue
        _set(lines, section, key, before, newline)
    return join_lines(lines), kept

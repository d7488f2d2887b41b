"""Byte-preserving text editing for REAPER's ini files.

REAPER's ``reaper.ini`` and ``reaper-kb.ini`` are edited as text, line by line,
never re-serialised: every line the installer does not own keeps its exact bytes
(line endings, case, spacing, comments, non-UTF-8 bytes from an ANSI code page).
Decoding uses ``surrogateescape`` so any byte sequence round-trips.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = [
    "ENCODING",
    "decode",
    "encode",
    "detect_newline",
    "split_lines",
    "join_lines",
    "sha256_bytes",
    "sha256_file",
    "read_bytes_or_none",
]

ENCODING = "utf-8"
_ERRORS = "surrogateescape"


def decode(data: bytes) -> str:
    """Decode file bytes so that :func:`encode` gives the same bytes back."""
    return data.decode(ENCODING, _ERRORS)


def encode(text: str) -> bytes:
    """Encode text produced by :func:`decode` (lossless round trip)."""
    return text.encode(ENCODING, _ERRORS)


def detect_newline(text: str, *, default: str | None = None) -> str:
    r"""The line ending a file already uses (``"\r\n"`` or ``"\n"``).

    Parameters
    ----------
    text : str
        The file's decoded content.
    default : str, optional
        Used for an empty file; defaults to CRLF on Windows (what REAPER writes
        there) and LF elsewhere.
    """
    if "\r\n" in text:
        return "\r\n"
    if "\n" in text:
        return "\n"
    if default is not None:
        return default
    return "\r\n" if os.name == "nt" else "\n"


def split_lines(text: str) -> list[str]:
    """Split into lines that keep their own line endings (``keepends``)."""
    return text.splitlines(keepends=True)


def join_lines(lines: list[str]) -> str:
    """Inverse of :func:`split_lines`."""
    return "".join(lines)


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    """Hex SHA-256 of a file's bytes, or ``None`` when it does not exist."""
    data = read_bytes_or_none(path)
    return None if data is None else sha256_bytes(data)


def read_bytes_or_none(path: Path) -> bytes | None:
    """A file's bytes, or ``None`` when it does not exist."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return None

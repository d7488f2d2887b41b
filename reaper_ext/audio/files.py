"""How audio files are named to libsndfile: the one place that turns a path into what soundfile opens."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["sound_file_name"]


def sound_file_name(path: str | Path) -> str | bytes:
    """``path`` as soundfile should get it: bytes on POSIX, text on Windows.

    soundfile encodes a ``str`` as UTF-8, so a file name holding bytes that are
    not UTF-8 (decoded by Python with ``surrogateescape``, as old projects and
    other systems' disks have) fails to encode; the file system's own bytes
    (``os.fsencode``) open it. Windows names are UTF-16 and always text.
    """
    return str(path) if os.name == "nt" else os.fsencode(path)

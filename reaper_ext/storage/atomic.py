"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Pure stdlib (it also runs inside REAPER's own Python). The data goes to a
temporary file in the target's folder, which is then renamed over the target.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: Path, data: bytes, *, fsync: bool = False, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Parameters
    ----------
    path : Path
        The target; its folder must exist.
    data : bytes
        The whole new content.
    fsync : bool
        Flush to disk before the rename (for files users can't recreate).
    mode : int, optional
        Permission bits for the new file (``mkstemp`` makes it private, 0600).

    Raises
    ------
    OSError
        Writing failed; the target is untouched and no temporary file is left.
    """
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if fsync:
                stream.flush()
                os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        raise

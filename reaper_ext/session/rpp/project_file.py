"""Load and save ``.RPP`` files: whole-file reads, atomic writes, backups.

A save writes a temporary file in the same folder, flushes it to disk, then
renames it over the target, so a crash or a full disk never leaves a
half-written project. Overwriting an existing file first keeps a backup
(``NAME.RPP.reaper-ext-bak``) unless the caller says not to.
"""

from __future__ import annotations

import shutil

from pathlib import Path

from reaper_ext.errors import ProjectError, ProjectWriteError
from reaper_ext.storage.atomic import write_atomic
from reaper_ext.session.rpp.document import RppDocument, parse_rpp

__all__ = ["load_document", "save_document", "write_bytes_atomic", "backup_path_for", "MAX_PROJECT_BYTES"]

# REAPER projects are text; anything this large is not one (media in base64 aside).
MAX_PROJECT_BYTES = 512 * 1024 * 1024
BACKUP_SUFFIX = ".reaper-ext-bak"


def load_document(path: str | Path) -> RppDocument:
    """Read and parse a project file.

    Raises
    ------
    ProjectError
        The file can't be read (missing, a folder, unreadable, too large).
    RppParseError
        The text is not a complete REAPER project.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ProjectError(f"{path}: is a folder, not a .RPP project file")
        if size > MAX_PROJECT_BYTES:
            raise ProjectError(f"{path}: {size} bytes is too large for a project file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ProjectError(f"{path}: no such project file") from None
    except PermissionError:
        raise ProjectError(f"{path}: permission denied reading the project") from None
    except IsADirectoryError:
        raise ProjectError(f"{path}: is a folder, not a .RPP project file") from None
    except OSError as error:
        raise ProjectError(f"{path}: can't read the project ({error.strerror or error})") from None
    return parse_rpp(data, path=path)


def backup_path_for(path: Path) -> Path:
    """Where the backup of ``path`` goes."""
    return path.with_name(path.name + BACKUP_SUFFIX)


def write_bytes_atomic(path: Path, data: bytes, *, keep_backup: bool = True) -> Path | None:
    """Write ``data`` to ``path`` atomically; back up an existing file first.

    Returns the backup's path, or None when no backup was made.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    backup = None
    if keep_backup and path.exists():
        backup = backup_path_for(path)
        try:
            shutil.copy2(path, backup)
        except OSError as error:
            raise ProjectWriteError(f"{path}: can't make the backup {backup} ({error.strerror or error}); nothing written") from None
    try:
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
        write_atomic(path if str(path.parent) else folder / path.name, data, fsync=True, mode=mode)
    except OSError as error:
        raise ProjectWriteError(f"{path}: saving failed ({error.strerror or error}); the original is untouched") from None
    return backup


def save_document(doc: RppDocument, path: str | Path, *, keep_backup: bool = True) -> Path | None:
    """Save ``doc`` to ``path`` atomically (see :func:`write_bytes_atomic`)."""
    return write_bytes_atomic(Path(path), doc.to_bytes(), keep_backup=keep_backup)

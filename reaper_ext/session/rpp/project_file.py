"""Load and save ``.RPP`` files: whole-file reads, atomic writes, backups.

A save goes through :func:`reaper_ext.storage.atomic.replace_with_backup`:
a temporary file in the same folder, flushed, renamed over the target (so a
crash or a full disk never leaves a half-written project); a symbolic link is
written through to the real file; a read-only project is refused; the
replaced content is kept by the one backup policy (the first original as
``NAME.RPP.reaper-ext-bak`` forever, later ones numbered, see
``docs/trust.md``). Saving a document back to the file it was loaded from
first checks that the file still holds what was read, so a save by REAPER or
another command in the meantime is never overwritten.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path, PurePosixPath, PureWindowsPath

from reaper_ext.errors import ProjectError
from reaper_ext.session.rpp.document import RppDocument, parse_rpp
from reaper_ext.session.rpp.tokens import join_tokens
from reaper_ext.storage.atomic import (
    BACKUP_SUFFIX,
    FileStamp,
    first_backup_path,
    read_with_stamp,
    replace_with_backup,
    same_file,
)

__all__ = [
    "load_document",
    "save_document",
    "write_bytes_atomic",
    "backup_path_for",
    "loaded_stamp",
    "rebase_media_paths",
    "MAX_PROJECT_BYTES",
    "BACKUP_SUFFIX",
]

# REAPER projects are text; anything this large is not one (media in base64 aside).
MAX_PROJECT_BYTES = 512 * 1024 * 1024

# document -> (the file it was read from, what that file held): for the "changed since read" check
_LOADED: weakref.WeakKeyDictionary[RppDocument, tuple[Path, FileStamp]] = weakref.WeakKeyDictionary()


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
        data, stamp = read_with_stamp(path)
    except FileNotFoundError:
        raise ProjectError(f"{path}: no such project file") from None
    except PermissionError:
        raise ProjectError(f"{path}: permission denied reading the project") from None
    except IsADirectoryError:
        raise ProjectError(f"{path}: is a folder, not a .RPP project file") from None
    except OSError as error:
        raise ProjectError(f"{path}: can't read the project ({error.strerror or error})") from None
    doc = parse_rpp(data, path=path)
    _LOADED[doc] = (path, stamp)
    return doc


def loaded_stamp(doc: RppDocument) -> FileStamp | None:
    """Return what the file ``doc`` was loaded from held when it was read (None for a parsed text)."""
    found = _LOADED.get(doc)
    return found[1] if found else None


def backup_path_for(path: Path) -> Path:
    """Where the first original of ``path`` is kept (later backups are numbered beside it)."""
    return first_backup_path(Path(path))


def write_bytes_atomic(path: Path, data: bytes, *, keep_backup: bool = True, expected: FileStamp | None = None) -> Path | None:
    """Write ``data`` to ``path`` atomically; back up an existing file first.

    Returns the backup's path, or None when no backup was made.

    Raises
    ------
    ProjectWriteError
        Nothing was written (the message says why and names the file).
    """
    return replace_with_backup(Path(path), data, expected=expected, keep_backup=keep_backup, what="project")


def save_document(doc: RppDocument, path: str | Path, *, keep_backup: bool = True) -> Path | None:
    """Save ``doc`` to ``path`` atomically (see :func:`write_bytes_atomic`).

    Saving back to the file ``doc`` was loaded from refuses when that file
    changed since (see the module docstring).
    """
    path = Path(path)
    data = doc.to_bytes()
    expected = None
    loaded = _LOADED.get(doc)
    if loaded is not None and path.exists() and same_file(path, loaded[0]):
        expected = loaded[1]
    backup = write_bytes_atomic(path, data, keep_backup=keep_backup, expected=expected)
    if loaded is not None and expected is not None:
        try:
            _LOADED[doc] = (loaded[0], FileStamp.of_bytes(data, os.stat(path)))
        except OSError:
            pass
    return backup


# -- moving a project to another folder --------------------------------------------
def _is_absolute(file_text: str) -> bool:
    windows = PureWindowsPath(file_text)
    return file_text.startswith("/") or bool(windows.drive) or file_text.startswith("\\\\")


def rebase_media_paths(doc: RppDocument, from_folder: Path, to_folder: Path) -> int:
    """Make relative media paths right for a copy of the project saved in ``to_folder``.

    REAPER resolves a relative ``FILE`` against the folder of the project file,
    so a project written to another folder must name its media relative to
    that folder (or absolutely, when no relative path exists, e.g. another
    drive on Windows). Absolute paths are left alone. Returns how many lines
    changed.

    """
    source_folder = Path(os.path.realpath(from_folder))
    target_folder = Path(os.path.realpath(to_folder))
    if source_folder == target_folder:
        return 0
    changed = 0
    for chunk in doc.root.walk():
        if chunk.tag != "SOURCE":
            continue
        index = doc.field_line(chunk, "FILE")
        if index is None:
            continue
        values = doc.tokens(index)
        if len(values) < 2 or not values[1] or _is_absolute(values[1]):
            continue
        relative = PurePosixPath(values[1].replace("\\", "/"))
        media = Path(os.path.normpath(source_folder / relative))
        try:
            rebased = os.path.relpath(media, target_folder).replace(os.sep, "/")
        except ValueError:  # another drive on Windows: only an absolute path works
            rebased = str(media)
        values[1] = rebased
        line = doc.lines[index]
        doc.lines[index] = doc.indent_of(index) + join_tokens(values) + line[len(line.rstrip("\r\n")):]
        changed += 1
    return changed

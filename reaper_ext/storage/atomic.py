"""Atomic file writes and the one backup policy.

Pure stdlib (it also runs inside REAPER's own Python).

- :func:`write_atomic`: the data goes to a temporary file in the target's
  folder, which is then renamed over the target, so a reader (or a crash, or
  a full disk) sees the old file or the new one, never half of one.
- :func:`replace_with_backup`: how a user's file (a project) is replaced:
  through symbolic links to the real file, never when it is read-only, never
  when it changed since it was read (:class:`FileStamp`), and only after a
  backup was written. The backups follow one policy (see ``docs/trust.md``):

  * ``NAME.reaper-ext-bak`` is the *first original*: written the first time
    reaper-ext replaces ``NAME`` and never overwritten or deleted afterwards.
  * Each later replacement keeps the file it replaces as
    ``NAME.reaper-ext-bak-N`` (N counting up), like REAPER's own numbered
    ``.rpp-bak`` files; only the newest :data:`MAX_NUMBERED_BACKUPS` of these
    are kept. A file identical to the newest backup is not backed up again.
  * Every backup is itself written atomically (temporary file + rename), so a
    full disk can never truncate an existing good backup.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reaper_ext.errors import ProjectWriteError

__all__ = [
    "write_atomic",
    "file_sha256",
    "FileStamp",
    "read_with_stamp",
    "replace_with_backup",
    "check_writable",
    "first_backup_path",
    "numbered_backups",
    "same_file",
    "BACKUP_SUFFIX",
    "MAX_NUMBERED_BACKUPS",
]

BACKUP_SUFFIX = ".reaper-ext-bak"
MAX_NUMBERED_BACKUPS = 10  # REAPER's own default keeps a bounded number of timestamped backups too
_HASH_BLOCK = 1 << 20


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
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
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


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's content, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(_HASH_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class FileStamp:
    """What a file was when it was read: size, modification time and content digest.

    Two stamps describe the same content when their digests are equal; size
    and time only make the "it changed" answer quick.
    """

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of_bytes(cls, data: bytes, status: os.stat_result) -> FileStamp:
        return cls(len(data), status.st_mtime_ns, hashlib.sha256(data).hexdigest())

    def matches(self, path: Path) -> bool:
        """Whether ``path`` still holds the content this stamp was taken of."""
        try:
            status = os.stat(path)
        except OSError:
            return False
        if status.st_size != self.size:
            return False
        try:
            return file_sha256(path) == self.sha256
        except OSError:
            return False


def read_with_stamp(path: Path) -> tuple[bytes, FileStamp]:
    """Read a file's bytes and the stamp of exactly those bytes.

    Raises
    ------
    OSError
        The file can't be read.
    """
    path = Path(path)
    with open(path, "rb") as stream:
        status = os.fstat(stream.fileno())
        data = stream.read()
    return data, FileStamp.of_bytes(data, status)


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file (through links, ``..`` and case-folding file systems)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def first_backup_path(path: Path) -> Path:
    """Where the first original of ``path`` is kept."""
    return path.with_name(path.name + BACKUP_SUFFIX)


def numbered_backups(path: Path) -> list[tuple[int, Path]]:
    """List the numbered backups of ``path`` that exist, oldest first."""
    pattern = re.compile(re.escape(path.name + BACKUP_SUFFIX) + r"-(\d+)$")
    found = []
    try:
        names = os.listdir(path.parent if str(path.parent) else ".")
    except OSError:
        return []
    for name in names:
        match = pattern.match(name)
        if match:
            found.append((int(match.group(1)), path.with_name(name)))
    return sorted(found)


def _write_backup(target: Path, data: bytes, mode: int) -> Path | None:
    """Keep ``data`` (the content being replaced) by the backup policy; returns the backup written, if any."""
    first = first_backup_path(target)
    if not first.exists() and not first.is_symlink():
        write_atomic(first, data, fsync=True, mode=mode)
        return first
    existing = numbered_backups(target)
    newest = existing[-1][1] if existing else first
    try:
        if newest.is_file() and newest.stat().st_size == len(data) and newest.read_bytes() == data:
            return newest  # this exact content is already kept
    except OSError:
        pass
    number = existing[-1][0] + 1 if existing else 1
    backup = target.with_name(f"{target.name}{BACKUP_SUFFIX}-{number}")
    write_atomic(backup, data, fsync=True, mode=mode)
    for _, old in existing[: max(0, len(existing) + 1 - MAX_NUMBERED_BACKUPS)]:
        try:
            if old.is_file() and not old.is_symlink():
                old.unlink()
        except OSError:
            pass  # an old backup that can't go is harmless
    return backup


def check_writable(path: Path, *, what: str = "file") -> None:
    """Refuse early (before any work) a file that :func:`replace_with_backup` would refuse as read-only.

    Raises
    ------
    ProjectWriteError
        The file (or the real file behind a link) or its folder is read-only.
    """
    target = Path(os.path.realpath(path))
    if target.exists():
        status = target.stat()
        if not status.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):
            raise ProjectWriteError(f"{path}: the {what} is read-only; nothing written (make it writable, or write a copy)")
    folder = target.parent
    if not os.access(folder, os.W_OK):
        raise ProjectWriteError(f"{path}: the folder {folder} is read-only; nothing written")


def replace_with_backup(
    path: Path,
    data: bytes,
    *,
    expected: FileStamp | None = None,
    keep_backup: bool = True,
    what: str = "file",
) -> Path | None:
    """Replace (or create) a user's file atomically, keeping a backup by the policy above.

    Parameters
    ----------
    path : Path
        The file to write. A symbolic link is written through: the file it
        points at gets the new content (the link stays a link).
    data : bytes
        The whole new content.
    expected : FileStamp, optional
        What the file was when it was read; when it no longer holds that
        content (someone saved it meanwhile), nothing is written.
    keep_backup : bool
        Back up an existing file first (see the module docstring).
    what : str
        How messages call the file ("project").

    Returns
    -------
    Path or None
        The backup that now holds the replaced content, or None.

    Raises
    ------
    ProjectWriteError
        Nothing was written (read-only, changed since read, backup or save
        failed); the message says so and names the file.
    """
    path = Path(path)
    target = path
    if path.is_symlink():
        real = Path(os.path.realpath(path))
        if not real.exists():
            raise ProjectWriteError(f"{path}: is a link to {real}, which does not exist; nothing written")
        target = real
    exists = target.exists()
    mode = 0o644
    if exists:
        status = target.stat()
        if not stat.S_ISREG(status.st_mode):
            raise ProjectWriteError(f"{path}: is not a regular file; nothing written")
        mode = stat.S_IMODE(status.st_mode)
        if not status.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):
            raise ProjectWriteError(f"{path}: the {what} is read-only; nothing written (make it writable, or write a copy)")
    elif expected is not None:
        raise ProjectWriteError(f"{path}: the {what} was removed after it was read; nothing written")
    folder = target.parent if str(target.parent) else Path(".")
    if not os.access(folder, os.W_OK):
        raise ProjectWriteError(f"{path}: the folder {folder} is read-only; nothing written")
    if expected is not None and not expected.matches(target):
        raise ProjectWriteError(
            f"{path}: the {what} changed on disk after reaper-ext read it (saved by REAPER or another command?); "
            "nothing written, so the newer content is kept: run the command again"
        )
    backup = None
    if keep_backup and exists:
        try:
            current = target.read_bytes()
            backup = _write_backup(target, current, mode)
        except OSError as error:
            raise ProjectWriteError(
                f"{path}: can't write the backup beside it ({error.strerror or error}); nothing written"
            ) from None
    try:
        write_atomic(target, data, fsync=True, mode=mode)
    except OSError as error:
        kept = f"; backup at {backup}" if backup else ""
        raise ProjectWriteError(f"{path}: saving failed ({error.strerror or error}); the {what} is untouched{kept}") from None
    return backup

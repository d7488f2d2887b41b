"""The files reaper-ext creates for a suggestion, and the only way one is ever deleted.

A project file is untrusted input (a shared or downloaded project, or one
edited by hand): the ledger inside it may name any path. So the ledger never
decides alone what is deleted. Each file the product writes (today: stem
WAVs) is recorded with its size and SHA-256 digest when it is created
(:func:`record_file`), and rejecting its suggestion only *proposes* the file
for removal (a :class:`FileRemoval`). :func:`delete_created_files` deletes a
proposed file only when every one of these holds:

1. the record has a size and a digest (ledgers written before digests were
   recorded never delete anything);
2. the path, with ``..`` and every symbolic link in its folders resolved,
   lies inside one of the allowed roots (the project's folder tree, the
   product's own stems folder);
3. the path itself is not a symbolic link (a link is never followed to delete
   its target) and is a regular file;
4. its size and digest still match the record (the file is still exactly
   what the product wrote);
5. the saved project no longer refers to it;
6. the caller has saved the change that dropped it (the CLI calls this only
   after the project was saved in place: never for ``--write OUT``, never
   during the implicit reject of a re-analysis, never inside REAPER, where
   undo can bring the tracks back).

Pure Python (it runs inside REAPER too).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reaper_ext.storage.atomic import file_sha256

__all__ = ["FileRemoval", "record_file", "delete_created_files", "delete_after_save", "product_stems_folder", "is_inside"]



def record_file(path: str | Path) -> dict:
    """Record a file the product just wrote, for the ledger: absolute path, size, SHA-256."""
    absolute = os.path.abspath(os.fspath(path))
    return {"path": absolute, "size": os.stat(absolute).st_size, "sha256": file_sha256(absolute)}


@dataclass(frozen=True)
class FileRemoval:
    """A file a rejected suggestion had created: a candidate for deletion, nothing more."""

    suggestion_id: str
    record: object  # a record_file() dict, or whatever an (untrusted, maybe old) ledger holds


def is_inside(path: str, root: str) -> bool:
    """Whether the resolved ``path`` lies in the resolved folder ``root`` (or below it)."""
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # different drives
        return False


def _describe(record: object) -> str:
    if isinstance(record, dict):
        return str(record.get("path", "?"))
    return str(record)


def delete_created_files(
    removals: Iterable[FileRemoval],
    *,
    roots: Iterable[str | Path],
    referenced: Iterable[str | Path] = (),
) -> list[str]:
    """Delete the proposed files that pass every check in the module docstring.

    Parameters
    ----------
    removals : iterable of FileRemoval
        From :attr:`LedgerResult.removals` of a reject whose result was saved.
    roots : iterable of path
        Folders the product may delete in (the project's folder, the stems
        cache folder); resolved here.
    referenced : iterable of path
        Media files the saved project still uses; never deleted.

    Returns
    -------
    list of str
        One line per file that was kept, and why (deleted files are silent).
    """
    real_roots = [os.path.realpath(root) for root in roots]
    in_use = {os.path.realpath(path) for path in referenced}
    messages: list[str] = []
    for removal in removals:
        record = removal.record
        shown = _describe(record)
        prefix = f"{removal.suggestion_id}: kept {shown}"
        if isinstance(record, dict) and record.get("copied"):
            messages.append(f"{prefix}: this project is a copy written with --write; the file belongs to the "
                            "project it was made for, so it is not deleted from here")
            continue
        if not (isinstance(record, dict) and isinstance(record.get("path"), str) and isinstance(record.get("size"), int)
                and isinstance(record.get("sha256"), str)):
            messages.append(f"{prefix}: the ledger has no size and digest for it (written by an older reaper-ext "
                            "or edited by hand), so it is not deleted; delete it yourself if you don't need it")
            continue
        path = record["path"]
        if not os.path.isabs(path):
            messages.append(f"{prefix}: the ledger gives no absolute path for it; not deleted")
            continue
        if not os.path.lexists(path):
            continue  # already gone
        if os.path.islink(path):
            messages.append(f"{prefix}: it is a symbolic link now; a link is never followed to delete its target")
            continue
        real = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
        if not any(is_inside(real, root) for root in real_roots):
            messages.append(f"{prefix}: it is outside the project's folder and reaper-ext's stems folder; not deleted")
            continue
        try:
            status = os.lstat(real)
            if not stat.S_ISREG(status.st_mode):
                messages.append(f"{prefix}: it is not a regular file; not deleted")
                continue
            if status.st_size != record["size"] or file_sha256(real) != record["sha256"]:
                messages.append(f"{prefix}: it changed since reaper-ext wrote it; not deleted")
                continue
        except OSError as error:
            messages.append(f"{prefix}: can't check it ({error.strerror or error}); not deleted")
            continue
        if real in in_use or os.path.realpath(real) in in_use:
            messages.append(f"{prefix}: the project still uses it; not deleted")
            continue
        try:
            os.remove(real)
        except FileNotFoundError:
            continue
        except OSError as error:
            messages.append(f"{removal.suggestion_id}: could not delete {shown} ({error.strerror or error})")
    return messages


def product_stems_folder() -> Path:
    """Return the product's own stems folder (the separation cache), a root deletion may happen in."""
    from reaper_ext.storage.cache import default_cache_dir

    return default_cache_dir() / "separation"


def delete_after_save(removals: Iterable[FileRemoval], *, project_path: Path, saved_project) -> list[str]:
    """Delete what a saved, in-place reject dropped (see the module docstring); returns what was kept and why.

    Parameters
    ----------
    removals : iterable of FileRemoval
        From the reject whose result was just saved to ``project_path``.
    project_path : Path
        The project file that was saved (its folder tree is the allowed root).
    saved_project : Project
        The project as saved: media it still refers to is never deleted.
    """
    referenced: list[Path] = []
    for track in saved_project.tracks:
        for item in track.items:
            if item.media is not None:
                referenced += [Path(path) for path in item.media.tried_paths]
                if item.media.resolved_path is not None:
                    referenced.append(Path(item.media.resolved_path))
    folder = Path(os.path.abspath(project_path)).parent
    return delete_created_files(removals, roots=[folder, product_stems_folder()], referenced=referenced)

"""Resolve an item's FILE value to a file on disk, the way REAPER looks for it.

REAPER stores media paths relative to the project folder when they are below
it, absolute otherwise (with the separators of the machine that saved the
project). When a file isn't where the project says, REAPER also looks in the
project folder and its record path for the same file name. Projects move
between Windows and macOS, so backslashes are accepted everywhere.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from reaper_ext.session.model import MediaStatus

__all__ = ["resolve_media", "candidate_paths"]


def _is_windows_absolute(path_text: str) -> bool:
    return len(path_text) > 2 and path_text[1] == ":" and path_text[2] in "\\/" or path_text.startswith("\\\\")


def candidate_paths(file_text: str, project_folder: Path | None, record_folders: tuple[str, ...] = ()) -> list[Path]:
    """Every place REAPER would look for ``file_text``, in order, without duplicates."""
    candidates: list[Path] = []
    if _is_windows_absolute(file_text):
        windows = PureWindowsPath(file_text)
        name = windows.name
        candidates.append(Path(file_text))  # works on Windows itself
    elif file_text.startswith("/"):
        name = PurePosixPath(file_text).name
        candidates.append(Path(file_text))
    else:
        relative = file_text.replace("\\", "/")
        name = PurePosixPath(relative).name
        if project_folder is not None:
            candidates.append(project_folder / relative)
    if project_folder is not None and name:
        candidates.append(project_folder / name)
        for record_folder in record_folders:
            if record_folder:
                folder = Path(record_folder.replace("\\", "/"))
                if not folder.is_absolute():
                    folder = project_folder / folder
                candidates.append(folder / name)
    unique: list[Path] = []
    for candidate in candidates:
        if candidate not in unique:
            unique.append(candidate)
    return unique


def resolve_media(file_text: str, project_folder: Path | None, record_folders: tuple[str, ...] = ()) -> MediaStatus:
    """Find ``file_text`` on disk; a missing file is a normal answer, not an error."""
    tried = candidate_paths(file_text, project_folder, record_folders)
    for candidate in tried:
        try:
            if candidate.is_file():
                return MediaStatus(file_text, candidate, tuple(tried))
        except OSError:  # e.g. a name too long for this file system
            continue
    return MediaStatus(file_text, None, tuple(tried))

"""The exceptions reaper-ext raises.

Every error the package raises on purpose derives from :class:`ReaperExtError`,
so callers (the CLI, the REAPER action runner, ``install.py``) can catch one
class and show its message. Library code never exits the process.

Tree::

    ReaperExtError
    ├── ProjectError            a project file can't be read or written
    │   ├── RppParseError       malformed .RPP text (carries file and line)
    │   └── ProjectWriteError   an atomic save failed (original untouched)
    ├── MediaError              a media file is missing, corrupt or unsupported
    ├── AnalysisError           a measurement could not be made
    ├── SettingsError           the user's settings file is invalid
    ├── SuggestionError         a suggestion can't be applied, accepted or rejected
    │   └── LedgerError         the ledger stored in the project is damaged
    ├── SeparationError         stem separation failed
    │   └── ModelNotFoundError  a separation model's files can't be found
    ├── ReaperApiError          REAPER's API refused or lacks a function
    ├── WorkerError             the background worker failed or was cancelled
    └── InstallError            install.py could not complete
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ReaperExtError",
    "ProjectError",
    "RppParseError",
    "ProjectWriteError",
    "MediaError",
    "AnalysisError",
    "SettingsError",
    "SuggestionError",
    "LedgerError",
    "SeparationError",
    "ModelNotFoundError",
    "ReaperApiError",
    "WorkerError",
    "InstallError",
]


class ReaperExtError(Exception):
    """Root of every error reaper-ext raises on purpose."""


class ProjectError(ReaperExtError):
    """A project file can't be read or written."""


class RppParseError(ProjectError):
    """Malformed ``.RPP`` text.

    Parameters
    ----------
    path : str or Path or None
        The file being parsed (``None`` for text without a file).
    line_number : int
        1-based line where the problem was found.
    problem : str
        What is wrong, in words.
    """

    def __init__(self, path: str | Path | None, line_number: int, problem: str) -> None:
        self.path = None if path is None else Path(path)
        self.line_number = line_number
        self.problem = problem
        where = f"{self.path}" if self.path is not None else "<text>"
        super().__init__(f"{where}, line {line_number}: {problem}")


class ProjectWriteError(ProjectError):
    """Saving a project failed; the original file is untouched."""


class MediaError(ReaperExtError):
    """A media file is missing, corrupt or in a form that can't be analysed."""


class AnalysisError(ReaperExtError):
    """A measurement could not be made."""


class SettingsError(ReaperExtError):
    """The user's settings file is invalid."""


class SuggestionError(ReaperExtError):
    """A suggestion can't be applied, accepted or rejected."""


class LedgerError(SuggestionError):
    """The suggestion ledger stored inside a project is damaged."""


class SeparationError(ReaperExtError):
    """Stem separation failed."""


class ModelNotFoundError(SeparationError):
    """A separation model's files can't be found (hub and local folder both failed)."""


class ReaperApiError(ReaperExtError):
    """REAPER's API refused a call or lacks a function this version needs."""


class WorkerError(ReaperExtError):
    """The background worker failed or was cancelled."""


class InstallError(ReaperExtError):
    """install.py could not complete."""

"""reaper-ext: an assistant for REAPER sessions.

Reads a project's tracks, listens to them, and writes back suggestions (names,
colours, folders, gain, stock FX, markers), each switched off with a *why*.
Importing this package is cheap: numpy, librosa, torch and demucs are loaded
only by the functions that need them.
"""

__version__ = "0.1.0"

from reaper_ext.errors import (
    AnalysisError,
    InstallError,
    LedgerError,
    MediaError,
    ModelNotFoundError,
    ProjectError,
    ProjectWriteError,
    ReaperApiError,
    ReaperExtError,
    RppParseError,
    SeparationError,
    SettingsError,
    SuggestionError,
    WorkerError,
)
from reaper_ext.session.model import FxInfo, Item, Marker, MediaStatus, Project, Track
from reaper_ext.session.rpp import load_project

__all__ = [
    "__version__",
    "AnalysisError",
    "FxInfo",
    "InstallError",
    "Item",
    "LedgerError",
    "Marker",
    "MediaError",
    "MediaStatus",
    "ModelNotFoundError",
    "Project",
    "ProjectError",
    "ProjectWriteError",
    "ReaperApiError",
    "ReaperExtError",
    "RppParseError",
    "SeparationError",
    "SettingsError",
    "SuggestionError",
    "Track",
    "WorkerError",
    "load_project",
]

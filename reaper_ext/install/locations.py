r"""Where REAPER keeps its resource folder (settings, ``Scripts/``, ini files).

REAPER's documented defaults: Windows ``%APPDATA%\REAPER``, macOS
``~/Library/Application Support/REAPER``, Linux ``~/.config/REAPER``. A portable
install keeps everything beside the executable; REAPER recognises one by the
``reaper.ini`` in the program's own folder.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from ..errors import InstallError

__all__ = [
    "REAPER_INI",
    "REAPER_KB_INI",
    "SCRIPTS_SUBDIR",
    "PACKAGE_SUBDIR",
    "default_resource_dir",
    "resolve_resource_dir",
]

REAPER_INI = "reaper.ini"
REAPER_KB_INI = "reaper-kb.ini"
SCRIPTS_SUBDIR = "Scripts/reaper-ext"
"""Where the action scripts go, relative to the resource folder."""
PACKAGE_SUBDIR = "reaper-ext"
"""Where the installer keeps its venv and manifest, relative to the resource folder."""


def default_resource_dir(
    *,
    platform: str | None = None,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> Path:
    """REAPER's default (non-portable) resource folder on this OS.

    Parameters
    ----------
    platform : str, optional
        ``sys.platform`` value; the running one by default.
    environ : mapping, optional
        Environment (for ``APPDATA``); ``os.environ`` by default.
    home : Path, optional
        The user's home; ``Path.home()`` by default.
    """
    platform = sys.platform if platform is None else platform
    environ = os.environ if environ is None else environ
    home = Path.home() if home is None else Path(home)
    if platform.startswith("win"):
        appdata = environ.get("APPDATA")
        if not appdata:
            raise InstallError(
                "APPDATA is not set, so REAPER's resource folder can't be found: "
                "pass --resource-path (REAPER: Options > Show REAPER resource path)")
        return Path(appdata) / "REAPER"
    if platform == "darwin":
        return home / "Library" / "Application Support" / "REAPER"
    return home / ".config" / "REAPER"


def resolve_resource_dir(
    *,
    resource_path: Path | None = None,
    portable_dir: Path | None = None,
    must_exist: bool = True,
) -> Path:
    """The resource folder to install into, from the command-line choices.

    Parameters
    ----------
    resource_path : Path, optional
        An explicit folder (``--resource-path``): used as given.
    portable_dir : Path, optional
        A portable REAPER's program folder (``--portable``): must contain
        ``reaper.ini``.
    must_exist : bool
        Raise when the folder is missing (REAPER creates it on first start).

    Raises
    ------
    InstallError
        When the folder (or a portable install's ``reaper.ini``) is missing.
    """
    if resource_path is not None and portable_dir is not None:
        raise InstallError("--resource-path and --portable name two different folders: give one")
    if portable_dir is not None:
        portable_dir = Path(portable_dir).expanduser().resolve()
        if not (portable_dir / REAPER_INI).is_file():
            raise InstallError(
                f"{portable_dir} is not a portable REAPER install: it has no {REAPER_INI}. "
                "Point --portable at the folder that holds the REAPER executable and reaper.ini")
        return portable_dir
    if resource_path is not None:
        folder = Path(resource_path).expanduser().resolve()
        if must_exist and not folder.is_dir():
            raise InstallError(f"resource folder {folder} does not exist: check --resource-path")
        return folder
    folder = default_resource_dir()
    if must_exist and not folder.is_dir():
        raise InstallError(
            f"REAPER's resource folder {folder} does not exist: start REAPER once so it creates it, "
            "or pass --resource-path DIR (REAPER: Options > Show REAPER resource path) or --portable DIR")
    return folder

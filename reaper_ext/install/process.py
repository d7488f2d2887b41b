"""Whether REAPER is running (it rewrites ``reaper-kb.ini`` and ``reaper.ini`` on exit).

REAPER keeps its action list and preferences in memory and writes both files
back when it quits, so an edit made while it runs is silently lost. The check
is a best effort from the process list; ``--force`` overrides it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from ..errors import InstallError

__all__ = ["ReaperRunningError", "is_reaper_running", "reaper_process_names"]

# macOS: the process is "REAPER"; Linux: "reaper"; Windows: "reaper.exe".
_UNIX_NAMES = ("REAPER", "reaper")


class ReaperRunningError(InstallError):
    """REAPER is running, so its ini files must not be edited now."""


def reaper_process_names(*, platform: str | None = None) -> list[str]:
    """Names of running REAPER processes (empty list: none found).

    Returns an empty list too when the process list can't be read (no
    ``pgrep``/``tasklist``); :func:`is_reaper_running` tells the two apart.
    """
    platform = sys.platform if platform is None else platform
    found: list[str] = []
    if platform.startswith("win"):
        try:
            result = subprocess.run(
                ["tasklist", "/FO", "CSV", "/NH"], capture_output=True, text=True, timeout=20, check=False)
        except (OSError, subprocess.SubprocessError):
            return found
        for row in result.stdout.splitlines():
            name = row.split(",", 1)[0].strip().strip('"')
            if name.lower() == "reaper.exe":
                found.append(name)
        return found
    for name in _UNIX_NAMES:
        try:
            result = subprocess.run(["pgrep", "-x", name], capture_output=True, text=True, timeout=20, check=False)
        except (OSError, subprocess.SubprocessError):
            return found
        if result.returncode == 0 and result.stdout.strip():
            found.append(name)
    return found


def is_reaper_running() -> bool | None:
    """``True``/``False`` from the process list; ``None`` when it can't be read."""
    if sys.platform.startswith("win"):
        if shutil.which("tasklist") is None:
            return None
    elif shutil.which("pgrep") is None:
        return None
    return bool(reaper_process_names())

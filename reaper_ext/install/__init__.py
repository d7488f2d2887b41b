"""Installing reaper-ext into REAPER (the logic behind the top-level ``install.py``).

Pure standard library and Python 3.9+ compatible: it runs before the package's
virtual environment exists. Modules, one concern each:

- :mod:`.locations`  REAPER's resource folder (per OS, portable, explicit)
- :mod:`.kbini`      ``reaper-kb.ini`` records (``SCR``/``KEY``), REAPER's script ids
- :mod:`.reaperini`  byte-preserving edits of ``reaper.ini`` keys
- :mod:`.pythonlib`  the Python shared library ReaScript should load
- :mod:`.scripts`    ``actions/*.py`` and their ReaPack headers
- :mod:`.shortcuts`  default shortcuts
- :mod:`.pathsfile`  the generated ``reaper_ext_paths.py``
- :mod:`.venv`       the virtual environment (torch first)
- :mod:`.process`    is REAPER running?
- :mod:`.installer`  install / uninstall, backups, manifest, dry run
- :mod:`.cli`        ``get_parser()``, ``main(argv) -> int``
"""

from __future__ import annotations

from .cli import get_parser, main
from .installer import BACKUP_SUFFIX, MANIFEST_NAME, InstallOptions, install, manifest_path, uninstall
from .kbini import script_command_id
from .locations import default_resource_dir, resolve_resource_dir
from .process import ReaperRunningError, is_reaper_running
from .scripts import ActionScript, discover_action_scripts, parse_reapack_header

__all__ = [
    "get_parser",
    "main",
    "InstallOptions",
    "install",
    "uninstall",
    "manifest_path",
    "MANIFEST_NAME",
    "BACKUP_SUFFIX",
    "script_command_id",
    "default_resource_dir",
    "resolve_resource_dir",
    "ReaperRunningError",
    "is_reaper_running",
    "ActionScript",
    "discover_action_scripts",
    "parse_reapack_header",
]

"""Finding ReaImGui's Python binding inside REAPER (and saying how to get it when it is missing).

ReaImGui (cfillion/reaimgui) is a REAPER extension installed through ReaPack.
It registers its functions with REAPER (``APIExists("ImGui_GetBuiltinPath")``
tells whether it is there) and ships a generated Python module, ``imgui.py``,
in ``<resource path>/Scripts/ReaTeam Extensions/API`` (its
``GetBuiltinPath``); its own example imports it as ``import imgui as ImGui``
after appending that folder to ``sys.path`` (``examples/track_manager.py``).

The module has no version shim for Python (Lua has one): a script gets the
API of the installed version, so :func:`load_imgui` checks that every
function the caller needs exists and reports the version otherwise.
Pure Python: it runs inside REAPER.
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType

from reaper_ext.reaper import api

__all__ = ["INSTALL_HINT", "MODULE_NAME", "REGISTERED_PROBE", "builtin_path", "load_imgui", "version_of"]

MODULE_NAME = "imgui"
#: a function every ReaImGui since 0.9 registers with REAPER (ReaScript name "ImGui_GetBuiltinPath")
REGISTERED_PROBE = "ImGui_GetBuiltinPath"
INSTALL_HINT = ("the Suggestion inbox needs the ReaImGui extension: in REAPER choose Extensions > ReaPack > "
                "Browse packages, install \"ReaImGui: ReaScript binding for Dear ImGui\", restart REAPER and run the "
                "action again (the other reaper-ext actions work without it)")


def builtin_path() -> str:
    """Where ReaImGui puts ``imgui.py`` (its ``GetBuiltinPath``: resource path + Scripts/ReaTeam Extensions/API)."""
    return os.path.join(api.resource_path(), "Scripts", "ReaTeam Extensions", "API")


def _is_reaimgui(module: ModuleType | None) -> bool:
    # pyimgui (a different project) is also imported as "imgui": ReaImGui's has GetBuiltinPath
    return module is not None and hasattr(module, "GetBuiltinPath") and hasattr(module, "CreateContext")


def load_imgui(required: tuple[str, ...] = ()) -> tuple[ModuleType | None, str]:
    """ReaImGui's Python module, or ``None`` and one line saying why.

    Parameters
    ----------
    required : tuple of str
        Function names the caller uses; a module lacking one is too old.

    Returns
    -------
    module : module or None
    problem : str
        Empty when the module is usable.
    """
    module = sys.modules.get(MODULE_NAME)
    if not _is_reaimgui(module):
        if not api.api_exists(REGISTERED_PROBE):
            return None, INSTALL_HINT
        folder = builtin_path()
        if folder not in sys.path:
            sys.path.append(folder)
        try:
            module = importlib.import_module(MODULE_NAME)
        except ImportError as error:
            return None, f"ReaImGui is installed but its Python module did not load from {folder} ({error}); {INSTALL_HINT}"
        if not _is_reaimgui(module):
            return None, f"the module 'imgui' found first is not ReaImGui's ({getattr(module, '__file__', '?')}); {INSTALL_HINT}"
    if module is None:  # not reached: kept for type checkers
        return None, INSTALL_HINT
    missing = [name for name in required if not hasattr(module, name)]
    if missing:
        return None, (f"ReaImGui {version_of(module)} is too old for the Suggestion inbox (it lacks {', '.join(missing[:4])}): "
                      "update it in Extensions > ReaPack > Synchronize packages")
    return module, ""


def version_of(module: ModuleType) -> str:
    """ReaImGui's version string (``GetVersion``'s third value), or "?"."""
    try:
        return str(module.GetVersion()[2])
    except Exception:  # an old or odd module: the version only decorates a message
        return "?"

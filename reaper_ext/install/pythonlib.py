"""Find a Python 3 shared library for REAPER's ReaScript to load.

REAPER's Python ReaScript loads ``libpython`` into its own process. Its
preferences (Options > Preferences > Plug-ins > ReaScript) map to two
``reaper.ini`` keys: ``pythonlibpath64``, the *folder* ("Custom path to Python
dll directory"), and ``pythonlibdll64``, the *file name* ("Force ReaScript to
use specific Python .dll"). Windows: ``python3XY.dll`` beside the base
installation's ``python.exe``; macOS/Linux: ``libpython3.X.dylib``/``.so``
found from ``sysconfig`` (``LIBDIR``, Debian's multiarch folder, ``LIBPL``).
"""

from __future__ import annotations

import sys
import sysconfig
from collections.abc import Mapping
from pathlib import Path
from typing import Callable

__all__ = ["library_candidates", "find_python_shared_library"]


def library_candidates(
    config_vars: Mapping[str, object],
    *,
    platform: str,
    base_prefix: str,
    version_info: tuple[int, int],
) -> list[Path]:
    """Paths where the interpreter's shared library may be, most likely first."""
    major, minor = version_info
    version = f"{major}.{minor}"
    if platform.startswith("win"):
        base = Path(base_prefix)
        name = f"python{major}{minor}.dll"
        return [base / name, base / "DLLs" / name]
    if platform == "darwin":
        names = [str(config_vars.get("LDLIBRARY") or ""), f"libpython{version}.dylib"]
    else:
        names = [str(config_vars.get("INSTSONAME") or ""), str(config_vars.get("LDLIBRARY") or ""),
                 f"libpython{version}.so.1.0", f"libpython{version}.so"]
    # a static archive (.a) can't be loaded by REAPER
    names = [n for n in names if n and (".so" in n or n.endswith(".dylib"))]
    libdir = str(config_vars.get("LIBDIR") or "")
    multiarch = str(config_vars.get("MULTIARCH") or "")
    dirs = [d for d in (libdir, str(Path(libdir) / multiarch) if libdir and multiarch else "",
                        str(config_vars.get("LIBPL") or ""), str(Path(base_prefix) / "lib")) if d]
    seen, out = set(), []
    for d in dirs:
        for n in names:
            candidate = Path(d) / n
            if candidate not in seen:
                seen.add(candidate)
                out.append(candidate)
    return out


def find_python_shared_library(
    *,
    config_vars: Mapping[str, object] | None = None,
    platform: str | None = None,
    base_prefix: str | None = None,
    version_info: tuple[int, int] | None = None,
    is_file: Callable[[Path], bool] = Path.is_file,
) -> Path | None:
    """The running interpreter's shared library, or ``None`` if there is none.

    Every argument defaults to the running interpreter; they exist so tests can
    describe another machine.
    """
    candidates = library_candidates(
        sysconfig.get_config_vars() if config_vars is None else config_vars,
        platform=sys.platform if platform is None else platform,
        base_prefix=sys.base_prefix if base_prefix is None else base_prefix,
        version_info=(sys.version_info[0], sys.version_info[1]) if version_info is None else version_info,
    )
    for candidate in candidates:
        if is_file(candidate):
            return candidate
    return None

#!/usr/bin/env python3
"""Install reaper-ext into REAPER: ``python install.py --help``.

Runs with any Python 3.9+ and only the standard library, before the package's
virtual environment exists. The logic lives in ``reaper_ext/install/``; this
file only makes it importable without running ``reaper_ext/__init__.py``
(which may import numpy and friends that aren't installed yet) and calls it.
See docs/install.md.
"""

import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _load_installer():
    """Import reaper_ext.install without executing reaper_ext/__init__.py."""
    if "reaper_ext" not in sys.modules:
        package = types.ModuleType("reaper_ext")
        package.__path__ = [str(ROOT / "reaper_ext")]
        package.__file__ = str(ROOT / "reaper_ext" / "__init__.py")
        sys.modules["reaper_ext"] = package
    from reaper_ext.install.cli import main

    return main


if __name__ == "__main__":
    sys.exit(_load_installer()())

"""The public surface is locked, and importing the package stays light."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import types
from pathlib import Path

import pytest

import reaper_ext

EXPECTED = [
    "__version__", "AnalysisError", "FxInfo", "InstallError", "Item", "LedgerError", "Marker", "MediaError",
    "MediaStatus", "ModelNotFoundError", "Project", "ProjectError", "ProjectWriteError", "ReaperApiError",
    "ReaperExtError", "RppParseError", "SeparationError", "SettingsError", "SuggestionError", "Track",
    "WorkerError", "load_project",
]


def test_exported_members_are_locked():
    assert reaper_ext.__all__ == EXPECTED
    for name in EXPECTED:
        assert hasattr(reaper_ext, name), name


def test_every_error_derives_from_the_root():
    errors = [getattr(reaper_ext, name) for name in EXPECTED if name.endswith("Error")]
    assert all(issubclass(error, reaper_ext.ReaperExtError) for error in errors)


def _modules() -> list[str]:
    package = Path(reaper_ext.__file__).parent
    names = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "__main__.py":
            continue
        parts = path.relative_to(package.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_top_level_all_is_exactly_its_public_names():
    # httpx tests/test_exported_members.py: __all__ is what the package namespace really offers
    public = {
        name for name, value in vars(reaper_ext).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(reaper_ext.__all__) - {"__version__"} == public


@pytest.mark.parametrize("module_name", _modules())
def test_each_module_exports_what_it_defines(module_name):
    module = importlib.import_module(module_name)
    exported = getattr(module, "__all__", None)
    assert isinstance(exported, list), f"{module_name} has no __all__ list"
    missing = [name for name in exported if not hasattr(module, name)]
    assert not missing, f"{module_name}.__all__ names what it does not have: {missing}"
    # every public function and class written in this module is exported (re-exports need not be)
    defined = {
        name for name, value in vars(module).items()
        if not name.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value))
        and getattr(value, "__module__", None) == module_name
    }
    assert not defined - set(exported), f"{module_name} defines but does not export {sorted(defined - set(exported))}"


def test_import_and_info_do_not_load_heavy_libraries():
    code = (
        "import sys, reaper_ext, reaper_ext.cli.main, reaper_ext.session.info, reaper_ext.session.rpp;"
        "heavy = [m for m in ('numpy', 'scipy', 'librosa', 'torch', 'demucs', 'soundfile', 'reapy') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == ""

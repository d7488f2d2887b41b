"""The public surface is locked, and importing the package stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def test_every_module_declares_all():
    package = Path(reaper_ext.__file__).parent
    missing = [
        str(path.relative_to(package)) for path in package.rglob("*.py")
        if path.name not in ("__main__.py",) and "__all__" not in path.read_text(encoding="utf-8")
    ]
    assert not missing, f"modules without __all__: {missing}"


def test_import_and_info_do_not_load_heavy_libraries():
    code = (
        "import sys, reaper_ext, reaper_ext.cli.main, reaper_ext.session.info, reaper_ext.session.rpp;"
        "heavy = [m for m in ('numpy', 'scipy', 'librosa', 'torch', 'demucs', 'soundfile', 'reapy') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == ""

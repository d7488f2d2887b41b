"""Fixtures for the installer tests: fake actions, a fake libpython, a CLI runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from install_helpers import INSTALL_PY, write_fake_actions


@pytest.fixture
def actions_dir(tmp_path: Path) -> Path:
    return write_fake_actions(tmp_path / "actions")


@pytest.fixture
def python_lib(tmp_path: Path) -> Path:
    lib = tmp_path / "pylib" / "libpython3.11.so.1.0"
    lib.parent.mkdir()
    lib.write_bytes(b"\x7fELF fake")
    return lib


@pytest.fixture
def run_cli(actions_dir: Path, python_lib: Path):
    """Run install.py as a real subprocess against a resource folder."""

    def run(resource: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [sys.executable, str(INSTALL_PY), "--resource-path", str(resource), "--skip-venv",
                   "--actions-dir", str(actions_dir), "--python-lib", str(python_lib), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"install.py failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    return run

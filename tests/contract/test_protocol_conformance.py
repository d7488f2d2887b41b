"""The type checker proves both backends satisfy the session protocols, and notices when one drifts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# A backend whose remove_fx lost its token parameter: the protocol assignment must not type-check.
DRIFTED = '''
from reaper_ext.session.protocols import SessionReader, SessionWriter
from reaper_ext.session.live import LiveSession
from reaper_ext.session.rpp.writer import RppSessionWriter


class DriftedWriter(RppSessionWriter):
    def remove_fx(self, track_guid: str, fx_guid: str) -> bool:
        return True


class DriftedReader(LiveSession):
    def read_ext_state(self, section: int) -> dict[str, str]:
        return {}


def check(writer: DriftedWriter, reader: DriftedReader) -> None:
    as_writer: SessionWriter = writer
    as_reader: SessionReader = reader
'''


def _mypy(target: Path, cache: Path) -> subprocess.CompletedProcess:
    # --follow-imports=silent: only the named file's errors count here (the package's own
    # mypy run in CI checks everything else)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--follow-imports=silent", "--cache-dir", str(cache), "--no-error-summary", str(target)],
        cwd=REPO, capture_output=True, text=True, env={"MYPYPATH": str(REPO), "PATH": ""},
    )


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.mark.slow
def test_mypy_proves_both_backends_satisfy_the_protocols(mypy_cache):
    result = _mypy(REPO / "reaper_ext" / "session" / "_conformance.py", mypy_cache)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_fails_when_a_backend_drifts(tmp_path, mypy_cache):
    drifted = tmp_path / "drifted_backend.py"
    drifted.write_text(DRIFTED, encoding="utf-8")
    result = _mypy(drifted, mypy_cache)
    assert result.returncode == 1, result.stdout + result.stderr
    # (mypy also says each override breaks its base class; what matters is the protocol check)
    errors = [line for line in result.stdout.splitlines() if ": error: Incompatible types in assignment" in line]
    assert len(errors) == 2, result.stdout
    assert '"DriftedWriter", variable has type "SessionWriter"' in errors[0]
    assert '"DriftedReader", variable has type "SessionReader"' in errors[1]

"""Truncated and corrupted projects fail with the project's own error, and nothing is written."""

from __future__ import annotations

import subprocess
import sys
import zlib

import numpy as np
import pytest

from reaper_ext.errors import RppParseError
from reaper_ext.session.rpp import load_project
from tests.conftest import REPO_ROOT, corpus_files

N_CUTS_PER_FILE = 40
N_FLIPS_PER_FILE = 60


def _snapshot(folder):
    return sorted((path.name, path.stat().st_size, path.stat().st_mtime_ns) for path in folder.iterdir())


def _load_or_project_error(path):
    try:
        load_project(path)
    except RppParseError as error:
        assert str(path) in str(error) and "line" in str(error)
        return "error"
    return "ok"


@pytest.mark.parametrize("source", corpus_files(), ids=lambda path: path.name)
def test_truncated_and_flipped_inputs_raise_only_rpp_errors(source, tmp_path):
    rng = np.random.default_rng(zlib.crc32(source.name.encode()))  # hash() of a str changes per process
    original = source.read_bytes()
    target = tmp_path / "damaged.RPP"
    outcomes = []
    cut_points = np.linspace(1, len(original) - 2, N_CUTS_PER_FILE).astype(int)
    for cut in cut_points:
        target.write_bytes(original[:cut])
        before = _snapshot(tmp_path)
        outcomes.append(_load_or_project_error(target))
        assert _snapshot(tmp_path) == before, "loading must never write a file"
    for _ in range(N_FLIPS_PER_FILE):
        damaged = bytearray(original)
        for position in rng.integers(0, len(damaged), size=rng.integers(1, 6)):
            damaged[position] = int(rng.integers(0, 256))
        target.write_bytes(bytes(damaged))
        outcomes.append(_load_or_project_error(target))
    # a truncated project always lacks its closing '>': most cuts must be refused
    assert outcomes[: len(cut_points)].count("error") >= len(cut_points) - 2


def test_truncated_project_error_names_file_and_line(tmp_path):
    source = corpus_files()[0].parent / "Perlence__rpp__vst.RPP"
    target = tmp_path / "cut.RPP"
    target.write_bytes(source.read_bytes()[:3000])
    with pytest.raises(RppParseError, match=r"cut\.RPP, line \d+: the file ends inside <"):
        load_project(target)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"hello world\n", "not a REAPER project"),
        (b"<REAPER_PROJECT 0.1 \"7.0\"\n  TEMPO abc 4 4\n>\n", "expected a number"),
        (b"<REAPER_PROJECT 0.1 \"7.0\"\n>\n  NAME x\n", "after the project's closing"),
        (b"<REAPER_PROJECT 0.1 \"7.0\"\n  MARKER 1 nan x 0 0\n>\n", "expected a number|expected an integer"),
        (b"<REAPER_PROJECT 0.1 \"7.0\"\n  <TRACK\n    PEAKCOL inf\n  >\n>\n", "expected a number"),
    ],
)
def test_bad_projects_give_clear_errors(tmp_path, content, message):
    target = tmp_path / "bad.RPP"
    target.write_bytes(content)
    with pytest.raises(RppParseError, match=message):
        load_project(target)


def test_cli_reports_one_line_without_traceback(tmp_path):
    target = tmp_path / "broken.RPP"
    target.write_bytes(b"<REAPER_PROJECT 0.1 \"7.0\"\n  <TRACK\n")
    completed = subprocess.run(
        [sys.executable, "-m", "reaper_ext", "info", str(target)], capture_output=True, text=True, cwd=REPO_ROOT
    )
    assert completed.returncode == 1
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and "broken.RPP, line" in lines[0] and "Traceback" not in completed.stderr
    debug = subprocess.run(
        [sys.executable, "-m", "reaper_ext", "--debug", "info", str(target)], capture_output=True, text=True, cwd=REPO_ROOT
    )
    assert debug.returncode != 0 and "Traceback" in debug.stderr

"""`reaper-ext info` as a real subprocess, on real projects."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT, corpus_files


def _run(*args):
    return subprocess.run([sys.executable, "-m", "reaper_ext", *args], capture_output=True, text=True, cwd=REPO_ROOT)


def test_info_json_schema_on_every_corpus_file():
    for path in corpus_files():
        completed = _run("info", str(path), "--json")
        assert completed.returncode == 0, completed.stderr
        info = json.loads(completed.stdout)
        assert isinstance(info["tracks"], list) and isinstance(info["markers"], list)
        for track in info["tracks"]:
            assert {"name", "guid", "items", "fx"} <= set(track)
            assert isinstance(track["items"], list) and isinstance(track["fx"], list)


def test_info_reports_missing_media_and_fx():
    path = corpus_files()[0].parent / "navid-m__grim__sample_project.rpp"
    info = json.loads(_run("info", str(path), "--json").stdout)
    assert "120_loop_005.ogg" in info["missing_media"]
    bass = next(track for track in info["tracks"] if track["name"] == "bass")
    assert [fx["name"] for fx in bass["fx"]] == ["Guitar/amp-model"]
    assert all(item["media_found"] is False for item in bass["items"])
    table = _run("info", str(path)).stdout
    assert "MISSING" in table and "bass" in table


def test_entry_points_agree():
    path = corpus_files()[0]
    module = _run("info", str(path), "--json").stdout
    # the console script installed beside the Python running the tests (a clone tested with
    # another checkout's venv has no .venv of its own), else the repo's venv, else PATH
    candidates = [Path(sys.executable).with_name("reaper-ext"), REPO_ROOT / ".venv" / "bin" / "reaper-ext"]
    entry_point = next((str(candidate) for candidate in candidates if candidate.exists()), "reaper-ext")
    script = subprocess.run(
        [entry_point, "info", str(path), "--json"], capture_output=True, text=True, cwd=REPO_ROOT,
    ).stdout
    assert module == script and module

"""`reaper-ext analyze / suggestions / accept / reject` as real subprocesses on the example session."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from reaper_ext.session.rpp import load_project
from tests.conftest import EXAMPLE_PROJECT, REPO_ROOT


def _cli(*args, env_cache):
    import os

    env = dict(os.environ, REAPER_EXT_CACHE_DIR=str(env_cache))
    return subprocess.run([sys.executable, "-m", "reaper_ext", *args], capture_output=True, text=True, cwd=REPO_ROOT, env=env)


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    shutil.copytree(EXAMPLE_PROJECT.parent, folder / "session")
    return folder / "session" / EXAMPLE_PROJECT.name, folder / "cache"


@pytest.mark.slow
def test_analyze_write_json_report_then_accept_and_reject(session, tmp_path):
    project, cache = session
    original = project.read_bytes()
    out_json, out_rpp, out_html = tmp_path / "a.json", tmp_path / "s.RPP", tmp_path / "r.html"
    done = _cli("analyze", str(project), "--json", str(out_json), "--write", str(out_rpp), "--report", str(out_html), env_cache=cache)
    assert done.returncode == 0, done.stderr
    assert project.read_bytes() == original  # --write never touches the input
    data = json.loads(out_json.read_text())
    assert {"tracks", "tempo_bpm", "key", "sections", "suggestions"} <= set(data)
    for track in data["tracks"]:
        assert {"name", "label", "measurements", "problems"} <= set(track)
        assert {"class", "coarse_class", "confidence"} <= set(track["label"])
    for suggestion in data["suggestions"]:
        assert {"id", "kind", "track", "params", "why", "confidence"} <= set(suggestion) and suggestion["why"]
    assert "<svg" in out_html.read_text() and "http" not in out_html.read_text().split("<body", 1)[1].replace("http://www.w3.org", "")
    listed = _cli("suggestions", str(out_rpp), "--json", env_cache=cache)
    assert {s["id"] for s in json.loads(listed.stdout)["suggestions"]} == {s["id"] for s in data["suggestions"]}
    # accept the names, reject the rest: names stay, every tag and the ledger go
    assert _cli("accept", str(out_rpp), "--kind", "name", env_cache=cache).returncode == 0
    assert _cli("reject", str(out_rpp), "--all", env_cache=cache).returncode == 0
    _, final = load_project(out_rpp)
    renamed = {s["target"]: s["params"]["name"] for s in data["suggestions"] if s["kind"] == "name"}
    assert renamed  # the example's confident labels do rename
    _, before = load_project(project)
    # accepted names stay; a track whose label was in doubt (a label_doubt note, no rename) keeps its own name
    assert [track.name for track in final.tracks] == [renamed.get(track.guid, track.name) for track in before.tracks]
    assert "REAPER_EXT" not in final.ext_state and b"reaper-ext: " not in out_rpp.read_bytes()
    assert (tmp_path / "s.RPP.reaper-ext-bak").exists()


def test_in_place_keeps_a_backup_and_unknown_ids_fail(session, tmp_path):
    project, cache = session
    copy = tmp_path / "copy.RPP"
    shutil.copy(project, copy)
    shutil.copytree(project.parent / "media", tmp_path / "media")
    original = copy.read_bytes()
    assert _cli("analyze", str(copy), "--in-place", env_cache=cache).returncode == 0
    assert (tmp_path / "copy.RPP.reaper-ext-bak").read_bytes() == original
    assert copy.read_bytes() != original
    missing = _cli("accept", str(copy), "--id", "no-such-id", env_cache=cache)
    assert missing.returncode == 1 and "no suggestion with id no-such-id" in missing.stderr
    assert _cli("reject", str(copy), "--all", env_cache=cache).returncode == 0
    assert copy.read_bytes() == original

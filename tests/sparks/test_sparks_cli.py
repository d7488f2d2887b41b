"""`reaper-ext sparks` on a rendered multitrack song: muted MIDI tracks as ledger suggestions; accept and reject."""

from __future__ import annotations

import subprocess
import sys

import pytest
from reaper_ext_testkit.progressions import write_song_project

from reaper_ext.session.rpp import load_document, read_project
from reaper_ext.session.rpp.midi import read_midi_source
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "reaper_ext", *args], capture_output=True, text=True, cwd=REPO_ROOT)


@pytest.fixture()
def project(tmp_path, song_4_4):
    return write_song_project(song_4_4, tmp_path)


def _sparks_tracks(path):
    doc = load_document(path)
    return doc, [t for t in read_project(doc).tracks if t.name.startswith("Sparks: ")]


def test_sparks_in_place_then_reject_all_gives_back_the_bytes(project):
    original = project.read_bytes()
    result = _cli("sparks", str(project))
    assert result.returncode == 0, result.stderr
    assert "Spark:" in result.stdout
    doc, tracks = _sparks_tracks(project)
    names = {t.name for t in tracks}
    assert names == {"Sparks: diatonic chords", "Sparks: modal interchange", "Sparks: re-harmonisation",
                     "Sparks: bass line", "Sparks: drum groove"}
    assert all(t.is_muted for t in tracks)
    chunks = {(doc.field(c, "NAME") or [""])[0]: c for c in doc.root.find_all("TRACK")}
    item = chunks["Sparks: drum groove"].find("ITEM")
    ticks_per_qn, notes, end_tick = read_midi_source(doc, item.find("SOURCE"))
    assert ticks_per_qn == 960 and notes and all(n.channel == 9 for n in notes)
    assert end_tick == round(float(doc.field(item, "LENGTH")[0]) * 104 / 60 * 960)  # 104 BPM, no tempo change
    backup = project.with_name(project.name + ".reaper-ext-bak")
    assert backup.read_bytes() == original
    # the user's own tracks are untouched
    before = load_document(backup)
    for name in ("Keys", "Bass", "Lead", "Kick", "Snare", "Hats"):
        assert doc.chunk_lines(chunks[name]) == before.chunk_lines(
            next(c for c in before.root.find_all("TRACK") if (before.field(c, "NAME") or [""])[0] == name))

    result = _cli("reject", str(project), "--all")
    assert result.returncode == 0, result.stderr
    assert project.read_bytes() == original


def test_accept_unmutes_and_keeps_the_items(project, tmp_path):
    out = tmp_path / "ideas.RPP"
    original = project.read_bytes()
    result = _cli("sparks", str(project), "--write", str(out), "--section", "A", "--mid", str(tmp_path / "mid"),
                  "--json", str(tmp_path / "sparks.json"))
    assert result.returncode == 0, result.stderr
    assert project.read_bytes() == original  # --write leaves the project alone
    import json

    reading = json.loads((tmp_path / "sparks.json").read_text())
    # the lead's strong-beat notes come from the tuning's CREPE tracker (torch is installed here)
    assert reading["melody"]["tracker"] == "crepe" and reading["melody"]["n_strong_beat_notes"] > 0
    assert len(reading["chords"]) >= 8 and all(0.0 <= c["confidence"] <= 1.0 for c in reading["chords"])
    assert len(list((tmp_path / "mid").glob("*.mid"))) >= 5
    result = _cli("accept", str(out), "--kind", "sparks")
    assert result.returncode == 0, result.stderr
    _, tracks = _sparks_tracks(out)
    assert len(tracks) == 5
    assert not any(t.is_muted for t in tracks)
    assert all(t.items for t in tracks)


def test_an_unknown_section_is_one_line_error(project):
    result = _cli("sparks", str(project), "--section", "Q")
    assert result.returncode == 1
    assert "no section 'Q'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

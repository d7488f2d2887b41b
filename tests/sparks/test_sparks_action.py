"""The *Sparks for this section* action end to end on the fake REAPER, and the worker's job on its own."""

from __future__ import annotations

import pytest
from reaper_ext_testkit.progressions import write_song_project

from reaper_ext.session.rpp import load_document, read_project
from reaper_ext.session.serialize import project_to_dict
from reaper_ext.sparks.job import run_sparks_job
from tests.reaper.conftest import worker_env  # noqa: F401  (the fixture: private job folder, the worker's Python)

pytestmark = pytest.mark.slow


def test_job_makes_sparks_for_the_time_selection(tmp_path, song_4_4):
    project = read_project(load_document(write_song_project(song_4_4, tmp_path)))
    bar_sec = song_4_4.bar_sec
    job = {"kind": "sparks", "project": project_to_dict(project),
           "options": {"time_selection_sec": [2 * bar_sec + 0.01, 6 * bar_sec - 0.01], "cursor_sec": 0.0}}
    stages = []
    result = run_sparks_job(job, lambda fraction, stage: stages.append(stage))
    kinds = [s["params"]["idea"] for s in result["suggestions"]]
    assert sorted(kinds) == ["bass", "diatonic", "drums", "modal", "reharm"]
    for suggestion in result["suggestions"]:
        (item,) = suggestion["params"]["items"]  # one section: the selection, bars 3-6
        assert item["position_sec"] == pytest.approx(2 * bar_sec)
        assert item["length_sec"] == pytest.approx(4 * bar_sec)
    assert "selection (bars 3-6)" in result["messages"][0]
    assert stages


def test_action_writes_muted_midi_tracks_and_reject_all_removes_them(fake_module, worker_env, tmp_path, song_4_4):  # noqa: F811
    from tests.reaper.conftest import run_action_script, run_end_to_end

    path = write_song_project(song_4_4, tmp_path)
    bar_sec = song_4_4.bar_sec

    def select_bars_1_to_4(fake):
        fake.time_selection_sec = (0.0, 4 * bar_sec)

    run = run_end_to_end(path, tmp_path, "Sparks for this section", select=select_bars_1_to_4)
    console = "".join(run.console)
    assert run.fake.undo_points == ["reaper-ext: Sparks for this section"], console
    sparks = [t for t in run.fake.project.tracks if t.name.startswith("Sparks: ")]
    assert len(sparks) == 5, console
    for track in sparks:
        assert track.is_muted
        (item,) = track.items
        assert "HASDATA 1 960 QN" in item.state_chunk and "b0 7b 00" in item.state_chunk
        assert item.position_sec == pytest.approx(0.0) and item.length_sec == pytest.approx(4 * bar_sec)
    run_action_script("Reject all suggestions")
    assert [t.name for t in run.fake.project.tracks] == ["Keys", "Bass", "Lead", "Kick", "Snare", "Hats"]

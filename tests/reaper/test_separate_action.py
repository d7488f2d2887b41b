"""The Separate action end to end on the fake REAPER: stems arrive as a suggestion, reject removes tracks and files."""

from __future__ import annotations

import os

import numpy as np
import pytest
import soundfile

from tests.reaper.conftest import run_action_script, run_end_to_end
from tests.stems.test_separate_project import make_mix_session


@pytest.fixture
def small_session(tmp_path):
    make_mix_session(tmp_path)
    (tmp_path / "settings.toml").write_text('separation_model = "demucs_unittest"\n')
    return tmp_path


@pytest.mark.slow
def test_separate_selected_item_then_reject_all(fake_module, worker_env, small_session, monkeypatch):
    from reaper_ext.session.rpp import load_project

    monkeypatch.setenv("REAPER_EXT_CONFIG", str(small_session / "settings.toml"))

    def select_the_mix(fake):
        fake.project.tracks[0].items[0].is_selected = True

    run = run_end_to_end(small_session / "song.RPP", small_session, "Separate selected items into stems", select=select_the_mix)
    console = "".join(run.console)
    assert run.fake.undo_points == ["reaper-ext: Separate selected items into stems"], console
    _, saved = load_project(run.saved)
    names = [track.name for track in saved.tracks]
    assert names == ["Mix", "Mix - drums", "Mix - bass", "Mix - other", "Mix - vocals"], console
    assert saved.tracks[0].folder_depth == 1 and saved.tracks[-1].folder_depth == -1
    assert all(track.is_muted for track in saved.tracks[1:])
    stem_files = [track.items[0].media.resolved_path for track in saved.tracks[1:]]
    assert all(path is not None and path.parent == small_session / "media" for path in stem_files)
    assert [key for key in saved.ext_state["REAPER_EXT"] if key.startswith("s_stems")]
    run_action_script("Reject all suggestions")
    run.fake.save(small_session / "rejected.RPP")
    _, rejected = load_project(small_session / "rejected.RPP")
    assert [track.name for track in rejected.tracks] == ["Mix"] and rejected.tracks[0].folder_depth == 0
    # inside REAPER nothing is deleted (issue 10: only a saved reject may delete; undo can bring the
    # stem tracks back), and the console says where the files stay
    assert all(os.path.exists(path) for path in stem_files)
    assert "".join(run.fake.console).count("stays on disk") == len(stem_files)
    assert (small_session / "media" / "mix.wav").exists()
    assert np.isfinite(soundfile.read(small_session / "media" / "mix.wav")[0]).all()

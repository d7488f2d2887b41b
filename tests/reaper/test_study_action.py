"""The *Study a reference track* action on the fake REAPER: which file it studies, the worker, the project it opens."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile

from tests.reaper.conftest import run_action_script

TITLE = "Study a reference track"
SR = 44100


def _write_song(path, seconds: float = 8.0) -> None:
    """A quiet half and a loud half of a chord (two sections' worth of material)."""
    t = np.arange(int(seconds * SR)) / SR
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) / 3.0
    level = np.where(t < seconds / 2, 0.1, 0.4)
    soundfile.write(path, np.stack([level * chord, 0.9 * level * chord], axis=1).astype(np.float32), SR)


def _session(folder, *, item_file: str = "mix.wav") -> object:
    _write_song(folder / item_file, 4.0)
    path = folder / "session.RPP"
    guid = "{00000000-0000-0000-0000-000000000001}"
    path.write_text('<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1700000000\n  TEMPO 120 4 4\n'
                    f'  <TRACK {guid}\n    NAME "Mix"\n    VOLPAN 1 0 -1 -1 1\n    MUTESOLO 0 0 0\n    TRACKID {guid}\n'
                    '    <ITEM\n      POSITION 0\n      LENGTH 4\n      IGUID {10000000-0000-0000-0000-000000000001}\n'
                    f'      NAME {item_file}\n      <SOURCE WAVE\n        FILE "{item_file}"\n      >\n    >\n  >\n>\n')
    return path


@pytest.mark.slow  # the worker process: song analysis and a (weight-free) separation of 8 s
def test_study_of_a_chosen_file_opens_a_new_project_and_leaves_this_one_alone(fake_module, worker_env, tmp_path,
                                                                             monkeypatch):
    from reaper_ext.jobs import protocol as jobs
    from reaper_ext.reaper import runner
    from tests.reaper.conftest import run_end_to_end

    (tmp_path / "settings.toml").write_text('separation_model = "demucs_unittest"\n', encoding="utf-8")
    monkeypatch.setenv("REAPER_EXT_CONFIG", str(tmp_path / "settings.toml"))
    session = _session(tmp_path)
    before = session.read_bytes()
    reference = tmp_path / "refs" / "Pro Song.wav"
    reference.parent.mkdir()
    _write_song(reference)

    def answer_the_dialog(fake):
        fake.file_answers.append(str(reference))

    run = run_end_to_end(session, tmp_path, TITLE, select=answer_the_dialog)
    console = "".join(run.console)
    assert f"{TITLE}: done" in console and "this project was not changed" in console, console
    assert run.fake.file_answers == []  # the dialog was shown once and answered
    study = tmp_path / "reaper-ext study" / "Pro Song" / "study.RPP"
    assert run.fake.opened_projects == [str(study)], console
    assert str(study) in console
    # nothing written into the project that was open: no undo point, no change outside one, file untouched
    assert run.fake.undo_points == [] and run.fake.unblocked_changes == []
    assert session.read_bytes() == before
    # what REAPER opened (read by the fake's own loader): the reference, the stems muted, sections, key
    opened = run.fake.project
    names = [track.name for track in opened.tracks]
    assert names[0] == "Reference" and sorted(names[1:]) == ["Stem: bass", "Stem: drums", "Stem: other", "Stem: vocals"]
    assert not opened.tracks[0].is_muted and all(track.is_muted for track in opened.tracks[1:])
    for track in opened.tracks:
        path = study.parent / track.items[0].takes[0].source.file
        assert soundfile.info(str(path)).duration == pytest.approx(8.0, abs=0.01)
    assert any(marker.is_region for marker in opened.markers)
    assert any(marker.name.startswith("key: ") for marker in opened.markers if not marker.is_region)
    # the study sheet is the last report ("Open the analysis report" opens it)
    assert (jobs.private_dir() / runner.LAST_REPORT_FILE).read_text(encoding="utf-8") == str(study.parent / "study.html")
    job = json.loads((run.job_dir / jobs.JOB_FILE).read_text(encoding="utf-8"))
    assert job["kind"] == "study" and job["options"] == {"reference_path": str(reference)}


def test_the_selected_items_file_is_studied_without_a_dialog(fake_module, worker_env, tmp_path, monkeypatch):
    from reaper_ext.reaper import runner

    started = []
    monkeypatch.setattr(runner, "_start_worker", lambda python, job_dir: started.append(job_dir) or _Finished())
    fake = fake_module.open_project(_session(tmp_path))
    fake.project.tracks[0].items[0].is_selected = True
    fake.file_answers.append(str(tmp_path / "not this one.wav"))
    run_action_script(TITLE)
    assert fake.file_answers == [str(tmp_path / "not this one.wav")]  # no dialog
    job = json.loads((started[0] / "job.json").read_text(encoding="utf-8"))
    assert job["options"]["reference_path"] == str(tmp_path / "mix.wav")


def test_cancelling_the_dialog_starts_nothing(fake_module, worker_env, tmp_path):
    from reaper_ext.reaper import runner

    fake = fake_module.open_project(_session(tmp_path))
    run_action_script(TITLE)
    assert runner.current_job() is None and not fake.deferred
    assert "no file chosen; nothing was done" in "".join(fake.console)
    assert fake.undo_points == [] and fake.unblocked_changes == []


def test_without_main_open_project_the_path_is_given(fake_module, worker_env, tmp_path):
    from reaper_ext.reaper import runner

    fake = fake_module.open_project(_session(tmp_path))
    fake.missing = lambda: {"Main_openProject"}  # a REAPER without the function (APIExists says no)
    job = runner.RunningJob("study", tmp_path, _Finished(), {})
    runner._finish_file_job(job, {"messages": ["study sheet: x.html"], "report": None,
                                  "project_path": str(tmp_path / "study.RPP")})
    console = "".join(fake.console)
    assert fake.opened_projects == []
    assert f"open {tmp_path / 'study.RPP'} with File > Open project" in console


class _Finished:
    """A worker process stand-in that has already exited."""

    returncode = 0

    def poll(self):
        return 0

    def wait(self, timeout=None):
        return 0

"""The passes after the analysis: switched by settings, markers-only where takes cannot be written yet."""

from __future__ import annotations

from types import SimpleNamespace

import soundfile
from reaper_ext_testkit.intonation import SungNote, synth_voice
from reaper_ext_testkit.noisy import hiss

from reaper_ext.session.rpp import load_project
from reaper_ext.tuning.passes import run_passes
from tests.tuning.test_session_pass import PROJECT

SR = 44100


def _project(tmp_path):
    notes = [SungNote(0.6, 0.6, 60), SungNote(1.35, 0.8, 64, -40.0), SungNote(2.3, 0.6, 62)]
    voice = synth_voice(notes, sample_rate_hz=SR)[:, 0]
    soundfile.write(str(tmp_path / "vox.wav"), (voice + hiss(voice.size, -55.0, seed=3))[:, None], SR)
    (tmp_path / "song.RPP").write_text(PROJECT)
    return load_project(tmp_path / "song.RPP")


def test_nothing_runs_unless_switched_on(tmp_path):
    _, project = _project(tmp_path)
    settings = SimpleNamespace(tuning={"enabled": False}, denoise={})
    out = run_passes(project, None, settings)
    assert out.suggestions == [] and out.per_track == {}


def test_without_take_forms_markers_only_and_no_file_rendered(tmp_path):
    _, project = _project(tmp_path)
    settings = SimpleNamespace(tuning={"enabled": True, "off_cents": 25}, denoise={"enabled": True, "min_gap_sec": 0.3})
    guid = project.tracks[0].guid
    out = run_passes(project, None, settings, track_guids={guid}, take_forms=False)
    assert [s.kind for s in out.suggestions] == ["marker"]
    assert out.suggestions[0].params["name"].startswith("tuning: E4 at 0:02.")
    assert any("pitch envelope is not written" in m for m in out.messages)
    assert any("not rendered" in m for m in out.messages)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["song.RPP", "vox.wav"]  # nothing rendered
    data = out.add_to_json({"tracks": [{"guid": guid}]})
    track = data["tracks"][0]
    assert track["intonation"]["n_flagged"] == 1 and track["cleanup"][0]["denoise"] is True


def test_merged_replaces_same_ids_only():
    first = SimpleNamespace(id="notch-a")
    other = SimpleNamespace(id="eq-b")
    from reaper_ext.tuning.passes import ExtraPasses

    ours = SimpleNamespace(id="notch-a")
    merged = ExtraPasses(suggestions=[ours]).merged([first, other])
    assert merged == [other, ours]


def test_worker_jobs_give_the_envelope_markers_and_numbers(tmp_path, monkeypatch):
    from reaper_ext.tuning.passes import run_job

    _, project = _project(tmp_path)
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text("")
    seen = []
    job = {"kind": "tuning", "project": project.to_dict(), "selected_track_guids": [], "selected_item_guids": [],
           "settings_path": str(settings_file)}
    result = run_job(job, lambda fraction, stage: seen.append(stage))
    # inside REAPER too: the bypassed pitch envelope (the live take editor writes it) and the off note's marker
    assert [s["kind"] for s in result["suggestions"]] == ["tuning", "marker"]
    assert result["suggestions"][0]["params"]["item_guid"] == "{22222222-2222-2222-2222-222222222222}"
    assert result["messages"][0].startswith("track 'Vox': ") and "held notes within ±15 cents" in result["messages"][0]
    assert seen and seen[0].startswith("tuning")
    job.update(kind="denoise", selected_item_guids=["{22222222-2222-2222-2222-222222222222}"])
    result = run_job(job, lambda fraction, stage: None)
    assert result["suggestions"] == []
    assert any("noise floor" in message or "gaps" in message for message in result["messages"])

"""The two actions end to end on the fake REAPER: a bypassed pitch envelope and its marker; a cleaned take, not active."""

from __future__ import annotations

import pytest
import soundfile
from reaper_ext_testkit.intonation import SungNote, synth_voice
from reaper_ext_testkit.noisy import hiss

from tests.reaper.conftest import run_end_to_end
from tests.reaper.fake import item_chunks
from tests.tuning.test_session_pass import PROJECT

SR = 44100


@pytest.fixture
def vocal_session(tmp_path):
    notes = [SungNote(0.6, 0.6, 60), SungNote(1.35, 0.8, 64, -40.0), SungNote(2.3, 0.6, 62)]
    voice = synth_voice(notes, sample_rate_hz=SR)[:, 0]
    soundfile.write(str(tmp_path / "vox.wav"), (voice + hiss(voice.size, -55.0, seed=2))[:, None], SR)
    (tmp_path / "song.RPP").write_text(PROJECT)
    (tmp_path / "settings.toml").write_text("[denoise]\nmin_gap_sec = 0.3\n")
    return tmp_path


@pytest.mark.slow  # a worker process with torch
@pytest.mark.usefixtures("worker_env")
def test_check_tuning_marks_the_flat_note(fake_module, vocal_session, monkeypatch):
    from reaper_ext.session.rpp import load_project

    monkeypatch.setenv("REAPER_EXT_CONFIG", str(vocal_session / "settings.toml"))
    run = run_end_to_end(vocal_session / "song.RPP", vocal_session, "Check tuning of selected tracks")
    console = "".join(run.console)
    assert run.fake.undo_points == ["reaper-ext: Check tuning of selected tracks"], console
    _, saved = load_project(run.saved)
    names = [marker.name for marker in saved.markers]
    assert len(names) == 1 and names[0].startswith("reaper-ext: tuning: E4 at 0:02."), console
    assert "held notes within ±15 cents" in console
    item = run.fake.project.tracks[0].items[0]
    (envelope,) = item_chunks.envelopes_of(item.take())  # on the take that plays, through the item chunk
    assert envelope.tag == "PITCHENV" and not envelope.is_active  # FACTS: ACT 0, bypassed
    # the flat E4 (-40 cents, 1.35-2.15 s into the source, SOFFS 0.5: 0.85-1.65 s into the item, where
    # envelope times count from) is raised by about 0.4 semitone; nothing else moves
    inside = [value for time_sec, value in envelope.points if 1.0 <= time_sec <= 1.5]
    assert inside and all(0.25 <= value <= 0.55 for value in inside), envelope.points
    assert all(abs(value) < 0.05 for time_sec, value in envelope.points if time_sec < 0.75 or time_sec > 1.75)


@pytest.mark.slow
@pytest.mark.usefixtures("worker_env")
def test_clean_up_noise_adds_a_cleaned_take_not_active(fake_module, vocal_session, monkeypatch):
    monkeypatch.setenv("REAPER_EXT_CONFIG", str(vocal_session / "settings.toml"))

    def select_the_item(fake):
        fake.project.tracks[0].items[0].is_selected = True

    run = run_end_to_end(vocal_session / "song.RPP", vocal_session, "Clean up noise on selected items", select=select_the_item)
    console = "".join(run.console)
    assert "noise floor -55 dBFS" in console and "dB reduction" in console, console
    assert sorted(p.name for p in vocal_session.iterdir() if p.suffix == ".wav") == ["vox (reaper-ext cleaned).wav", "vox.wav"]
    item = run.fake.project.tracks[0].items[0]
    assert len(item.takes) == 2 and item.active_take == 0  # the original still plays: one click to A/B
    cleaned = item.takes[1]
    assert cleaned.source.file == str(vocal_session / "vox (reaper-ext cleaned).wav")
    assert cleaned.start_offset_sec == item.takes[0].start_offset_sec
    assert run.fake.undo_points == ["reaper-ext: Clean up noise on selected items"], console

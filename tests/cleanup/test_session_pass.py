"""The clean-up pass on a small project: a cleaned file beside the source, recorded, and a denoise take."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile
from reaper_ext_testkit.intonation import random_part, synth_voice
from reaper_ext_testkit.noisy import hiss

from reaper_ext.cleanup.session import clean_track
from reaper_ext.session.rpp import load_project
from reaper_ext.session.rpp.takes import find_item, take_ranges
from reaper_ext.session.rpp.writer import RppSessionWriter
from reaper_ext.suggest.ledger.core import Selection, apply_suggestions, reject
from reaper_ext.suggest.ledger.files import delete_after_save
from tests.tuning.test_session_pass import PROJECT

SR = 44100


def test_pass_renders_records_and_offers_a_take(tmp_path):
    notes, _ = random_part(2, n_notes=5, gap_sec=0.5)
    voice = synth_voice(notes, sample_rate_hz=SR)[:, 0]
    noisy = voice + hiss(voice.size, -55.0, seed=1)
    soundfile.write(str(tmp_path / "vox.wav"), noisy[:, None], SR, subtype="PCM_16")
    project_path = tmp_path / "song.RPP"
    project_path.write_text(PROJECT)
    doc, project = load_project(project_path)
    original = doc.to_bytes()
    suggestions, plans, messages = clean_track(project, project.tracks[0], part_name="singing")
    assert messages == [] and len(plans) == 1 and plans[0]["suggested"]
    (suggestion,) = suggestions
    cleaned = tmp_path / suggestion.params["file"]
    assert cleaned.exists() and cleaned.name == "vox (reaper-ext cleaned).wav"
    info = soundfile.info(str(cleaned))
    assert (info.frames, info.samplerate, info.subtype) == (noisy.size, SR, "PCM_16")  # the whole source, same format
    assert suggestion.params["created_files"][0]["path"] == str(cleaned)
    assert "dB reduction; on singing" in suggestion.why
    writer = RppSessionWriter(doc)
    apply_suggestions(writer, suggestions)
    assert len(take_ranges(doc, find_item(doc, "{22222222-2222-2222-2222-222222222222}"))) == 2
    result = reject(writer, Selection(is_all=True))
    assert doc.to_bytes() == original
    project_path.write_bytes(doc.to_bytes())
    delete_after_save(result.removals, project_path=project_path, saved_project=load_project(project_path)[1])
    assert not cleaned.exists()
    # a second run never overwrites an existing file
    suggestions_2, _, _ = clean_track(project, project.tracks[0])
    assert (tmp_path / suggestions_2[0].params["file"]).exists()
    assert np.allclose(soundfile.read(str(tmp_path / "vox.wav"))[0], noisy, atol=1e-4)  # the source is untouched


def test_hum_notch_on_the_measured_frequency_takes_the_rule_notch_place(tmp_path):
    from reaper_ext_testkit.noisy import add_hum

    from reaper_ext.suggest.model import make_suggestion_id

    notes, _ = random_part(4, n_notes=5, gap_sec=0.5)
    voice = synth_voice(notes, sample_rate_hz=SR)[:, 0]
    humming, _ = add_hum(voice, 59.8, -60.0, n_harmonics=3)
    soundfile.write(str(tmp_path / "vox.wav"), humming[:, None], SR, subtype="FLOAT")
    (tmp_path / "song.RPP").write_text(PROJECT)
    _, project = load_project(tmp_path / "song.RPP")
    track = project.tracks[0]
    suggestions, plans, _ = clean_track(project, track, hum_nominal_hz=60.0)
    notch = next(s for s in suggestions if s.kind == "notch")
    assert notch.id == make_suggestion_id("notch", track.guid, 60.0)  # the corrective rule's id: it replaces that one
    assert [round(f / 59.8) for f in notch.params["freq_hz"]] == [1, 2, 3]
    assert all(abs(f - round(f / 59.8) * 59.8) < 0.05 for f in notch.params["freq_hz"])
    assert "measured at 59.80 Hz" in notch.why
    assert plans[0]["hum"]["base_hz"] == pytest.approx(59.8, abs=0.02)

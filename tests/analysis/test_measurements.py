"""Units: loudness, peaks, levels, spectrum, stereo, activity, measure_track."""

from __future__ import annotations

import json

import numpy as np
import pytest

from reaper_ext.analysis.activity import active_regions
from reaper_ext.analysis.levels import crest_factor_db, dc_offset_dbfs, noise_floor_dbfs, rms_dbfs
from reaper_ext.analysis.loudness import integrated_loudness
from reaper_ext.analysis.measure import measure_track
from reaper_ext.analysis.peak import sample_peak_dbfs, true_peak_dbtp
from reaper_ext.analysis.spectrum import band_energy_fraction, long_term_average_spectrum
from reaper_ext.analysis.stereo import stereo_correlation, stereo_width
from reaper_ext.errors import AnalysisError

RATE = 48000


def sine(
    freq_hz: float, amplitude_dbfs: float, seconds: float, *, n_channels: int = 1, phase: float = 0.0, rate: int = RATE
) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    wave = (10 ** (amplitude_dbfs / 20) * np.sin(2 * np.pi * freq_hz * t + phase)).astype(np.float32)
    return np.repeat(wave[:, None], n_channels, axis=1)


# --- loudness (BS.1770-4; EBU Tech 3341 case 1 style) ---


def test_stereo_sine_at_minus_23_dbfs_reads_minus_23_lufs():
    assert integrated_loudness(sine(1000, -23, 20, n_channels=2), RATE) == pytest.approx(-23.0, abs=0.1)


def test_one_channel_reads_3_db_lower():
    # BS.1770 sums channel powers: one channel of two carries half the power, 10 log10(1/2) = -3.01 dB
    stereo = sine(1000, -23, 20, n_channels=2)
    stereo[:, 1] = 0
    assert integrated_loudness(stereo, RATE) == pytest.approx(-26.01, abs=0.1)


def test_absolute_gate_ignores_very_quiet_part():
    loud = sine(1000, -20, 10, n_channels=2)
    quiet = sine(1000, -80, 30, n_channels=2)  # blocks at -80 LUFS fall under the -70 LUFS gate
    # ungated, the quiet 30 s would pull the mean down by 6 dB; gated, only the
    # three 400 ms blocks straddling the change (partly loud) cost < 0.15 dB
    assert integrated_loudness(np.concatenate([loud, quiet]), RATE) == pytest.approx(
        integrated_loudness(loud, RATE), abs=0.15
    )


def test_relative_gate_ignores_part_more_than_10_lu_down():
    loud = sine(1000, -20, 10, n_channels=2)
    under_gate = sine(1000, -36, 10, n_channels=2)  # above -70 but >10 LU under the ungated mean
    within_gate = sine(1000, -26, 10, n_channels=2)
    reference = integrated_loudness(loud, RATE)
    assert integrated_loudness(np.concatenate([loud, under_gate]), RATE) == pytest.approx(reference, abs=0.15)
    assert integrated_loudness(np.concatenate([loud, within_gate]), RATE) < reference - 1.0


def test_matches_pyloudnorm_on_noise_with_pause():
    import pyloudnorm

    rng = np.random.default_rng(7)
    audio = (0.1 * rng.standard_normal((RATE * 12, 2))).astype(np.float32)
    audio[RATE * 4 : RATE * 7] *= 0.001
    expected = pyloudnorm.Meter(RATE).integrated_loudness(audio.astype(np.float64))
    assert integrated_loudness(audio, RATE) == pytest.approx(expected, abs=0.02)


def test_silence_is_minus_inf_and_short_signal_is_measured():
    assert integrated_loudness(np.zeros((RATE * 2, 2), np.float32), RATE) == float("-inf")
    short = integrated_loudness(sine(1000, -23, 0.25, n_channels=2), RATE)
    assert short == pytest.approx(-23.0, abs=0.5)


def test_integer_audio_is_refused_with_advice():
    with pytest.raises(AnalysisError, match="floating point"):
        integrated_loudness(np.zeros((1000, 2), dtype=np.int16), RATE)


# --- peaks ---


def test_true_peak_sees_inter_sample_peak_of_quarter_rate_sine():
    audio = sine(RATE / 4, -6.0, 1.0, phase=np.pi / 4)
    sample_peak = sample_peak_dbfs(audio)
    true_peak = true_peak_dbtp(audio, RATE)
    assert sample_peak == pytest.approx(-9.03, abs=0.05)
    assert true_peak - sample_peak == pytest.approx(3.01, abs=0.2)


def test_true_peak_equals_sample_peak_for_low_frequency_and_tracks_oversampling():
    from scipy.signal import resample_poly

    assert true_peak_dbtp(sine(100, -3, 1), RATE) == pytest.approx(-3.0, abs=0.02)
    rng = np.random.default_rng(3)
    noise = (0.2 * rng.standard_normal((RATE, 2))).astype(np.float32)
    reference = 20 * np.log10(np.abs(resample_poly(noise.astype(np.float64), 8, 1, axis=0)).max())
    assert true_peak_dbtp(noise, RATE) == pytest.approx(reference, abs=0.5)
    assert true_peak_dbtp(np.zeros((100, 1), np.float32), RATE) == float("-inf")


# --- levels ---


def test_rms_crest_and_dc():
    audio = sine(1000, 0.0, 1.0)
    assert rms_dbfs(audio) == pytest.approx(-3.01, abs=0.01)
    assert crest_factor_db(audio) == pytest.approx(3.01, abs=0.02)
    assert dc_offset_dbfs(audio + np.float32(0.05)) == pytest.approx(-26.02, abs=0.05)
    assert dc_offset_dbfs(np.zeros((10, 2), np.float32)) == float("-inf")


def test_noise_floor_reads_the_noise_between_bursts():
    rng = np.random.default_rng(5)
    audio = (10 ** (-60 / 20) * rng.standard_normal((RATE * 6, 1))).astype(np.float32)
    audio[RATE : 2 * RATE] += sine(440, -10, 1.0)
    audio[4 * RATE : 5 * RATE] += sine(440, -10, 1.0)
    assert noise_floor_dbfs(audio, RATE) == pytest.approx(-60.0, abs=1.0)


# --- spectrum ---


def test_ltas_puts_a_sine_in_its_band_at_its_rms_level():
    ltas = long_term_average_spectrum(sine(1000, -6.0, 2.0), RATE)
    band = int(np.flatnonzero(ltas.centres_hz == 1000)[0])
    assert ltas.level_db[band] == pytest.approx(-9.03, abs=0.3)
    others = np.delete(ltas.level_db, [band - 1, band, band + 1])
    assert np.all(others < ltas.level_db[band] - 40)
    assert ltas.centres_hz[0] == 20 and 20000 in ltas.centres_hz


def test_band_energy_fraction_of_white_noise_follows_bandwidth():
    rng = np.random.default_rng(2)
    ltas = long_term_average_spectrum((0.1 * rng.standard_normal((RATE * 4, 1))).astype(np.float32), RATE)
    # bands centred below 1 kHz end at 891 Hz; white noise spreads evenly to 22.4 kHz (top band's edge)
    assert band_energy_fraction(ltas, 0, 1000) == pytest.approx(891 / 22387, abs=0.01)
    assert band_energy_fraction(ltas, 0, 1e6) == pytest.approx(1.0)
    silent = long_term_average_spectrum(np.zeros((RATE, 1), np.float32), RATE)
    assert np.all(np.isneginf(silent.level_db)) and band_energy_fraction(silent, 0, 1e6) == 0.0


# --- stereo ---


def test_stereo_correlation_and_width():
    rng = np.random.default_rng(9)
    left = rng.standard_normal(RATE).astype(np.float32)
    right = rng.standard_normal(RATE).astype(np.float32)
    same = np.stack([left, left], axis=1)
    inverted = np.stack([left, -left], axis=1)
    unrelated = np.stack([left, right], axis=1)
    assert stereo_correlation(same) == pytest.approx(1.0) and stereo_width(same) == pytest.approx(0.0, abs=1e-6)
    assert stereo_correlation(inverted) == pytest.approx(-1.0) and stereo_width(inverted) == pytest.approx(1.0)
    assert abs(stereo_correlation(unrelated)) < 0.05 and stereo_width(unrelated) == pytest.approx(0.5, abs=0.03)
    assert stereo_correlation(left[:, None]) is None and stereo_width(left[:, None]) is None


# --- activity ---


def test_active_regions_find_bursts():
    audio = np.zeros((RATE * 6, 1), np.float32)
    audio[RATE : 2 * RATE] = sine(440, -12, 1.0)
    audio[int(3.5 * RATE) : 4 * RATE] = sine(440, -20, 0.5)
    regions = active_regions(audio, RATE)
    assert len(regions) == 2
    for (start, end), (true_start, true_end) in zip(regions, [(1.0, 2.0), (3.5, 4.0)]):
        assert start == pytest.approx(true_start, abs=0.03) and end == pytest.approx(true_end, abs=0.03)
    assert active_regions(np.zeros((RATE, 1), np.float32), RATE) == []


# --- measure_track ---


def test_measure_track_is_json_able_and_consistent(clean_tracks):
    measurements = measure_track(clean_tracks["piano"], 44100)
    assert measurements.sample_peak_dbfs == pytest.approx(-6.0, abs=0.01)
    assert measurements.true_peak_dbtp >= measurements.sample_peak_dbfs
    assert measurements.n_channels == 2 and measurements.stereo_correlation is not None
    as_dict = json.loads(json.dumps(measurements.to_dict()))
    assert as_dict["sample_peak_dbfs"] == pytest.approx(-6.0, abs=0.01)
    assert len(as_dict["ltas_level_db"]) == len(as_dict["ltas_centres_hz"]) == 31
    silent = measure_track(np.zeros((44100, 1), np.float32), 44100).to_dict()
    assert silent["loudness_lufs"] is None and silent["stereo_correlation"] is None
    assert silent["active_regions"] == []

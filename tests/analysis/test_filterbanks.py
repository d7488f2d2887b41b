"""The numpy filterbanks and spectrogram helpers equal librosa's own, on rendered audio."""

from __future__ import annotations

import librosa  # a test dependency (pyproject's test extra): the reference implementation
import numpy as np
import pytest

from reaper_ext.analysis import filterbanks


@pytest.mark.parametrize(("rate_hz", "n_fft", "n_mels", "min_hz"),
                         [(22050, 2048, 64, 0.0), (11025, 1024, 64, 0.0), (22050, 1024, 48, 30.0), (44100, 4096, 128, 0.0)])
def test_mel_filterbank_equals_librosa(rate_hz, n_fft, n_mels, min_hz):
    ours = filterbanks.mel_filterbank(rate_hz, n_fft, n_mels, min_hz=min_hz)
    theirs = librosa.filters.mel(sr=rate_hz, n_fft=n_fft, n_mels=n_mels, fmin=min_hz, fmax=rate_hz / 2)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize(("rate_hz", "n_fft"), [(22050, 4096), (11025, 2048), (44100, 8192)])
def test_chroma_filterbank_equals_librosa(rate_hz, n_fft):
    ours = filterbanks.chroma_filterbank(rate_hz, n_fft)
    theirs = librosa.filters.chroma(sr=rate_hz, n_fft=n_fft, octwidth=None, norm=None)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7)


def test_filterbanks_are_cached_and_read_only():
    bank = filterbanks.mel_filterbank(22050, 2048, 64)
    assert filterbanks.mel_filterbank(22050, 2048, 64) is bank
    with pytest.raises(ValueError):
        bank[0, 0] = 1.0


def test_mel_scale_round_trips_and_is_linear_below_1khz():
    freq_hz = np.array([0.0, 200.0, 999.0, 1000.0, 4000.0, 11025.0])
    np.testing.assert_allclose(filterbanks.mel_to_hz(filterbanks.hz_to_mel(freq_hz)), freq_hz, atol=1e-9)
    np.testing.assert_allclose(filterbanks.hz_to_mel(freq_hz), librosa.hz_to_mel(freq_hz), rtol=1e-12)


def _log_mel(audio: np.ndarray, rate_hz: int) -> np.ndarray:
    power = np.abs(librosa.stft(audio, n_fft=2048, hop_length=512)) ** 2
    return librosa.power_to_db(librosa.filters.mel(sr=rate_hz, n_fft=2048, n_mels=64) @ power, ref=1.0, top_db=None)


def test_power_onset_and_mfcc_equal_librosa(clean_tracks):
    rate_hz = 22050
    audio = librosa.resample(clean_tracks["drums"][:, 0], orig_sr=44100, target_sr=rate_hz)
    power = np.abs(librosa.stft(audio, n_fft=2048, hop_length=512)) ** 2
    np.testing.assert_allclose(filterbanks.power_to_db(power), librosa.power_to_db(power, ref=1.0, top_db=None),
                               rtol=1e-6, atol=1e-4)
    log_mel = _log_mel(audio, rate_hz)
    ours = filterbanks.onset_strength(log_mel, n_fft=2048, hop_length=512)
    theirs = librosa.onset.onset_strength(S=log_mel, sr=rate_hz, hop_length=512)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-4)
    assert np.max(ours) > 1.0  # the drum hits are there: the comparison is not of two flat lines
    np.testing.assert_allclose(filterbanks.mfcc(log_mel, 13), librosa.feature.mfcc(S=log_mel, n_mfcc=13),
                               rtol=1e-4, atol=1e-3)

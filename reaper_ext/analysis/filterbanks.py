"""Spectral filterbanks and the small spectrogram helpers the song analysis and the labeller share.

These are librosa's definitions (``librosa.filters.mel`` with Slaney's mel
scale and area normalisation, ``librosa.filters.chroma``, ``power_to_db``,
``onset_strength`` and ``mfcc`` over a log-mel spectrogram), written out in
numpy because importing librosa and loading its numba kernels costs about two
seconds, longer than the whole song analysis. ``tests/analysis/test_filterbanks.py``
holds each one to librosa's own output.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["hz_to_mel", "mel_to_hz", "mel_filterbank", "chroma_filterbank", "power_to_db", "onset_strength", "mfcc"]

# Slaney's mel scale (Auditory Toolbox): linear to 1 kHz, logarithmic above
_F_SP_HZ = 200.0 / 3
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP_HZ
_LOGSTEP = np.log(6.4) / 27.0


def hz_to_mel(freq_hz: np.ndarray | float) -> np.ndarray:
    """Slaney mel of ``freq_hz`` (librosa's default, ``htk=False``)."""
    freq_hz = np.asarray(freq_hz, dtype=np.float64)
    linear = freq_hz / _F_SP_HZ
    logarithmic = _MIN_LOG_MEL + np.log(np.maximum(freq_hz, _MIN_LOG_HZ) / _MIN_LOG_HZ) / _LOGSTEP
    return np.where(freq_hz >= _MIN_LOG_HZ, logarithmic, linear)


def mel_to_hz(mel: np.ndarray | float) -> np.ndarray:
    """Inverse of :func:`hz_to_mel`."""
    mel = np.asarray(mel, dtype=np.float64)
    linear = mel * _F_SP_HZ
    logarithmic = _MIN_LOG_HZ * np.exp(_LOGSTEP * (np.maximum(mel, _MIN_LOG_MEL) - _MIN_LOG_MEL))
    return np.where(mel >= _MIN_LOG_MEL, logarithmic, linear)


@lru_cache(maxsize=8)
def mel_filterbank(sample_rate_hz: float, n_fft: int, n_mels: int, *, min_hz: float = 0.0,
                   max_hz: float | None = None) -> np.ndarray:
    """Triangular mel filters, float32 ``(n_mels, n_fft // 2 + 1)``, area-normalised (Slaney).

    Equals ``librosa.filters.mel(sr=sample_rate_hz, n_fft=n_fft, n_mels=n_mels,
    fmin=min_hz, fmax=max_hz)``. The result is cached and read-only.
    """
    max_hz = sample_rate_hz / 2 if max_hz is None else max_hz
    bin_hz = np.fft.rfftfreq(n_fft, 1.0 / sample_rate_hz)
    edges_hz = mel_to_hz(np.linspace(hz_to_mel(min_hz), hz_to_mel(max_hz), n_mels + 2))
    widths_hz = np.diff(edges_hz)
    ramps = edges_hz[:, None] - bin_hz[None, :]
    rising = -ramps[:-2] / widths_hz[:-1, None]
    falling = ramps[2:] / widths_hz[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights *= (2.0 / (edges_hz[2:] - edges_hz[:-2]))[:, None]
    bank = weights.astype(np.float32)
    bank.flags.writeable = False
    return bank


@lru_cache(maxsize=8)
def chroma_filterbank(sample_rate_hz: float, n_fft: int) -> np.ndarray:
    """Pitch-class filters, float32 ``(12, n_fft // 2 + 1)``, C first, no octave weighting or normalisation.

    Equals ``librosa.filters.chroma(sr=sample_rate_hz, n_fft=n_fft, octwidth=None,
    norm=None)``: a Gaussian bump around each pitch class, as wide as the FFT
    bin spacing in semitones (Ellis's chromagram). Cached and read-only.
    """
    n_chroma = 12
    freq_hz = np.linspace(0, sample_rate_hz, n_fft, endpoint=False)[1:]
    # semitones above A0/16 (A440 / 16 = 27.5 Hz)
    bins = n_chroma * np.log2(freq_hz / (440.0 / 16))
    bins = np.concatenate(([bins[0] - 1.5 * n_chroma], bins))
    widths = np.concatenate((np.maximum(np.diff(bins), 1.0), [1.0]))
    distance = bins[None, :] - np.arange(n_chroma, dtype=np.float64)[:, None]
    half = np.round(n_chroma / 2)
    distance = np.remainder(distance + half + 10 * n_chroma, n_chroma) - half
    weights = np.exp(-0.5 * (2 * distance / widths[None, :]) ** 2)
    weights = np.roll(weights, -3, axis=0)  # rows were A-based; start at C
    bank = np.ascontiguousarray(weights[:, : n_fft // 2 + 1], dtype=np.float32)
    bank.flags.writeable = False
    return bank


def power_to_db(power: np.ndarray, *, floor: float = 1e-10) -> np.ndarray:
    """``10 log10(power)``, floored at ``floor`` (librosa's ``power_to_db(S, ref=1.0, top_db=None)``)."""
    from reaper_ext.analysis.validate import power_to_db as unfloored_power_to_db

    return unfloored_power_to_db(np.maximum(power, floor))


def onset_strength(log_mel: np.ndarray, *, n_fft: int, hop_length: int) -> np.ndarray:
    """Spectral flux onset envelope of a log-mel spectrogram ``(n_mels, n_frames)`` -> ``(n_frames,)``.

    Mean over bands of the positive frame-to-frame increase, delayed to line up
    with centred frames: librosa's ``onset_strength(S=log_mel, ...)`` with its
    defaults (lag 1, no max filter, ``center=True``) and ``n_fft`` its framing.
    """
    flux = np.maximum(0.0, log_mel[:, 1:] - log_mel[:, :-1]).mean(axis=0)
    delay = 1 + n_fft // (2 * hop_length)
    return np.pad(flux, (delay, 0))[: log_mel.shape[1]]


def mfcc(log_mel: np.ndarray, n_mfcc: int) -> np.ndarray:
    """MFCCs of a log-mel spectrogram ``(n_mels, n_frames)`` -> ``(n_mfcc, n_frames)`` (orthonormal DCT-II)."""
    from scipy.fft import dct

    return dct(log_mel, axis=0, type=2, norm="ortho")[:n_mfcc]

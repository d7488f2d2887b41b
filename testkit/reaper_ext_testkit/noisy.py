"""Noise added to clean parts with known amounts, for the clean-up's tests and benchmark.

Each function returns the noisy signal and what was added (so SI-SDR, hum
depth and click recall can be measured against the truth).
"""

from __future__ import annotations

import numpy as np

__all__ = ["hiss", "add_hum", "add_clicks", "add_breaths", "si_sdr_db"]


def hiss(n_samples: int, level_dbfs: float, *, sample_rate_hz: int = 44100, tilt_db_per_octave: float = 0.0, seed: int = 0) -> np.ndarray:
    """Stationary noise at an RMS of ``level_dbfs``, white or tilted (dB per octave, + = brighter)."""
    rng = np.random.default_rng(seed)
    white = rng.standard_normal(n_samples)
    if tilt_db_per_octave:
        spectrum = np.fft.rfft(white)
        freqs = np.fft.rfftfreq(n_samples, 1.0 / sample_rate_hz)
        shape = (np.maximum(freqs, 20.0) / 1000.0) ** (tilt_db_per_octave / 6.0206)
        white = np.fft.irfft(spectrum * shape, n_samples)
    white *= 10 ** (level_dbfs / 20) / np.sqrt(np.mean(white**2))
    return white


def add_hum(x: np.ndarray, base_hz: float, level_dbfs: float, *, n_harmonics: int = 5, sample_rate_hz: int = 44100) -> tuple[np.ndarray, np.ndarray]:
    """``x`` plus mains hum (harmonic k at ``level_dbfs - 3k`` dB); returns (noisy, hum)."""
    t = np.arange(x.shape[0]) / sample_rate_hz
    hum = np.zeros(x.shape[0])
    for k in range(1, n_harmonics + 1):
        hum += np.sqrt(2) * 10 ** ((level_dbfs - 3 * (k - 1)) / 20) * np.sin(2 * np.pi * k * base_hz * t + 0.7 * k)
    return x + hum, hum


def add_clicks(x: np.ndarray, n_clicks: int, *, seed: int = 0, amplitude: tuple[float, float] = (0.05, 0.4), max_width: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """``x`` plus clicks: a sharp edge decaying over 1-``max_width`` samples; returns (clicked, click starts)."""
    rng = np.random.default_rng(seed)
    y = np.array(x, dtype=np.float64, copy=True)
    margin = 2000
    positions = np.sort(rng.choice(np.arange(margin, y.shape[0] - margin), n_clicks, replace=False))
    # at least 20 ms apart, so each is one event
    positions = positions[np.concatenate([[True], np.diff(positions) > 882])]
    for position in positions:
        width = int(rng.integers(1, max_width))
        y[position : position + width] += rng.uniform(*amplitude) * rng.choice([-1, 1]) * np.exp(-np.arange(width) / max(1.0, width / 4))
    return y, positions


def add_breaths(
    x: np.ndarray, times_sec: list[float], level_dbfs: float, *, duration_sec: float = 0.35, sample_rate_hz: int = 44100, seed: int = 0
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """``x`` plus breaths: band-passed (500 Hz-6 kHz) noise with a smooth envelope; returns (signal, sample ranges)."""
    from scipy.signal import butter, sosfilt

    rng = np.random.default_rng(seed)
    y = np.array(x, dtype=np.float64, copy=True)
    sos = butter(2, [500, 6000], btype="bandpass", fs=sample_rate_hz, output="sos")
    spans = []
    n = int(duration_sec * sample_rate_hz)
    for time in times_sec:
        a = int(time * sample_rate_hz)
        noise = sosfilt(sos, rng.standard_normal(n)) * np.hanning(n)
        noise *= 10 ** (level_dbfs / 20) / np.sqrt(np.mean(noise**2))
        y[a : a + n] += noise
        spans.append((a, a + n))
    return y, spans


def si_sdr_db(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Scale-invariant signal-to-distortion ratio (Le Roux et al., "SDR - half-baked or well done?", ICASSP 2019)."""
    reference = np.asarray(reference, dtype=np.float64).ravel()
    estimate = np.asarray(estimate, dtype=np.float64).ravel()
    scale = np.dot(estimate, reference) / np.dot(reference, reference)
    target = scale * reference
    return float(10 * np.log10(np.sum(target**2) / max(np.sum((estimate - target) ** 2), 1e-30)))

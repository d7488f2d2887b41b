"""Put known problems into clean audio, for tests, benchmarks and evaluation.

Each function returns a new float32 array and never changes its input.
"""

from __future__ import annotations

import numpy as np

__all__ = ["inject_clipping", "add_hum", "add_dc_offset", "add_noise", "add_band_noise_bursts"]


def inject_clipping(
    audio: np.ndarray,
    sample_rate_hz: float,
    start_sec: float,
    end_sec: float,
    *,
    gain_db: float = 12.0,
    clip_level: float = 1.0,
    output_gain: float = 1.0,
) -> np.ndarray:
    """Boost ``[start_sec, end_sec)`` by ``gain_db``, clip at ``clip_level``, scale all by ``output_gain``."""
    out = audio.astype(np.float32, copy=True)
    first, last = int(start_sec * sample_rate_hz), int(end_sec * sample_rate_hz)
    out[first:last] = np.clip(out[first:last] * np.float32(10 ** (gain_db / 20)), -clip_level, clip_level)
    return (out * np.float32(output_gain)).astype(np.float32)


def add_hum(
    audio: np.ndarray,
    sample_rate_hz: float,
    *,
    base_hz: float = 60.0,
    level_dbfs: float = -50.0,
    harmonic_levels_db: tuple[float, ...] = (0.0, -6.0, -3.0, -10.0, -8.0),
) -> np.ndarray:
    """Add mains hum: harmonic ``k`` at ``level_dbfs + harmonic_levels_db[k-1]`` (peak amplitude, dBFS)."""
    time_sec = np.arange(audio.shape[0]) / sample_rate_hz
    hum = np.zeros(audio.shape[0])
    for k, relative_db in enumerate(harmonic_levels_db, start=1):
        hum += 10 ** ((level_dbfs + relative_db) / 20) * np.sin(2 * np.pi * k * base_hz * time_sec + 0.3 * k)
    return (audio + hum[:, None]).astype(np.float32)


def add_dc_offset(audio: np.ndarray, offset: float) -> np.ndarray:
    """Add a constant ``offset`` (fraction of full scale) to every channel."""
    return (audio + np.float32(offset)).astype(np.float32)


def add_noise(
    audio: np.ndarray, sample_rate_hz: float, spans_sec, *, level_dbfs: float = -50.0, seed: int = 0
) -> np.ndarray:
    """Add white noise of RMS ``level_dbfs`` inside each ``(start_sec, end_sec)`` span."""
    rng = np.random.default_rng(seed)
    out = audio.astype(np.float32, copy=True)
    for start_sec, end_sec in spans_sec:
        first, last = int(start_sec * sample_rate_hz), int(end_sec * sample_rate_hz)
        out[first:last] += (10 ** (level_dbfs / 20) * rng.standard_normal((last - first, out.shape[1]))).astype(
            np.float32
        )
    return out


def add_band_noise_bursts(
    audio: np.ndarray,
    sample_rate_hz: float,
    spans_sec,
    *,
    level_dbfs: float = -15.0,
    low_hz: float = 5000.0,
    high_hz: float = 10000.0,
    seed: int = 0,
) -> np.ndarray:
    """Add band-limited noise bursts (an exaggerated "s") of RMS ``level_dbfs`` in each span."""
    from scipy.signal import butter, sosfilt

    rng = np.random.default_rng(seed)
    sos = butter(6, [low_hz, high_hz], btype="bandpass", fs=sample_rate_hz, output="sos")
    out = audio.astype(np.float32, copy=True)
    for start_sec, end_sec in spans_sec:
        first, last = int(start_sec * sample_rate_hz), int(end_sec * sample_rate_hz)
        burst = sosfilt(sos, rng.standard_normal(last - first))
        burst *= 10 ** (level_dbfs / 20) / np.sqrt(np.mean(burst**2))
        burst *= np.hanning(last - first) ** 0.25  # soft edges, like a real fricative
        out[first:last] += burst[:, None].astype(np.float32)
    return out

"""RMS, crest factor, DC offset and noise floor.

Conventions: RMS is ``20 log10(rms)`` over all samples of all channels, so a
full-scale square wave reads 0 dBFS and a full-scale sine -3.01 dBFS. Crest
factor is sample peak minus RMS, in dB. DC offset is the per-channel mean as a
fraction of full scale; its dBFS value is that of the largest channel.

Noise floor: the 10th percentile of the 20 ms block levels that are not digital
silence (above -120 dBFS). In a track with pauses this is the level of the
pauses; in a track that never pauses it is the level of its quietest passages.
``-inf`` when every block is silent.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.frames import FrameFeatures, compute_frames
from reaper_ext.analysis.peak import sample_peak_dbfs
from reaper_ext.analysis.validate import SILENCE_DBFS, amplitude_to_db, power_to_db, valid_audio
from reaper_ext.errors import AnalysisError

__all__ = ["rms_dbfs", "crest_factor_db", "dc_offset", "dc_offset_dbfs", "noise_floor_dbfs"]


def rms_dbfs(samples: np.ndarray) -> float:
    """RMS over all samples and channels, dBFS (``-inf`` for silence)."""
    if samples.size == 0:
        return float("-inf")
    flat = samples.reshape(-1)
    return float(power_to_db(float(np.dot(flat, flat)) / flat.size))


def crest_factor_db(samples: np.ndarray) -> float:
    """Sample peak over RMS in dB; ``nan`` for silence."""
    rms = rms_dbfs(samples)
    if not np.isfinite(rms):
        return float("nan")
    return sample_peak_dbfs(samples) - rms


def dc_offset(samples: np.ndarray) -> np.ndarray:
    """Mean of each channel as a fraction of full scale, shape (n_channels,)."""
    samples = samples if samples.ndim == 2 else samples[:, None]
    if samples.shape[0] == 0:
        return np.zeros(samples.shape[1])
    # A BLAS matrix-vector product is ~10x faster than a float64 mean over a
    # strided column, and its float32 error is far below the -40 dBFS that matters.
    # It runs a block at a time against one small, kept vector of ones: filling a
    # track-length one every call cost more than the product.
    n_samples = samples.shape[0]
    ones = _ones(samples.dtype)
    totals = np.zeros(samples.shape[1], dtype=np.float64)
    for start in range(0, n_samples, ones.shape[0]):
        block = samples[start : start + ones.shape[0]]
        totals += ones[: block.shape[0]] @ block
    return totals / n_samples


_ONES: dict[np.dtype, np.ndarray] = {}


def _ones(dtype) -> np.ndarray:
    dtype = np.dtype(dtype)
    if dtype not in _ONES:
        _ONES[dtype] = np.ones(1 << 20, dtype=dtype)
        _ONES[dtype].flags.writeable = False
    return _ONES[dtype]


def dc_offset_dbfs(samples: np.ndarray) -> float:
    """Largest per-channel DC offset magnitude in dBFS (``-inf`` when none)."""
    offsets = dc_offset(samples)
    return float(amplitude_to_db(float(np.abs(offsets).max()) if offsets.size else 0.0))


def noise_floor_dbfs(
    samples: np.ndarray | None,
    sample_rate_hz: float,
    *,
    frames: FrameFeatures | None = None,
    percentile: float = 10.0,
) -> float:
    """Noise floor estimate in dBFS (see the module docstring).

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels), or None
        Audio (may be None when ``frames`` is given).
    sample_rate_hz : float
        Sample rate.
    frames : FrameFeatures, optional
        Precomputed features of the same audio.
    percentile : float
        Which low percentile of the block levels to report.
    """
    if frames is None:
        if samples is None:
            raise AnalysisError("give the audio or its precomputed frames")
        frames = compute_frames(valid_audio(samples, sample_rate_hz), sample_rate_hz)
    block_db = power_to_db(frames.block_power)
    audible = block_db[block_db > SILENCE_DBFS]
    if audible.size == 0:
        return float("-inf")
    return float(np.percentile(audible, percentile))

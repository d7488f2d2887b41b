"""Validation of audio arrays at the public boundary, and decibel conversions."""

from __future__ import annotations

import weakref
from typing import overload

import numpy as np

from reaper_ext.errors import AnalysisError

__all__ = ["valid_audio", "amplitude_to_db", "power_to_db", "SILENCE_DBFS"]

# Below this a level is treated as digital silence: 24-bit audio's smallest step
# is about -144 dBFS; -120 dBFS leaves room for float rounding yet sits well
# under any real noise floor (16-bit dither is about -100 dBFS RMS).
SILENCE_DBFS = -120.0


def valid_audio(samples: np.ndarray, sample_rate_hz: float) -> np.ndarray:
    """Check and return audio as a 2-D float array, shape ``(n_samples, n_channels)``.

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels) or (n_samples,)
        Floating-point audio, full scale = 1.0. A 1-D array is taken as mono.
    sample_rate_hz : float
        Sample rate; must be positive.

    Returns
    -------
    np.ndarray, shape (n_samples, n_channels)
        The same data (float32 and float64 kept as they are; a view when possible).

    Raises
    ------
    AnalysisError
        If the array is not floating point, has the wrong number of dimensions,
        holds NaN or infinity, or the sample rate is not positive.
    """
    if not isinstance(samples, np.ndarray):
        raise AnalysisError(f"audio must be a numpy array, got {type(samples).__name__}")
    if not np.issubdtype(samples.dtype, np.floating):
        raise AnalysisError(
            f"audio must be floating point (full scale 1.0), got dtype {samples.dtype}: "
            "convert integer PCM by dividing by 2**(bits-1)"
        )
    if samples.ndim == 1:
        samples = samples[:, np.newaxis]
    if samples.ndim != 2 or samples.shape[1] < 1:
        raise AnalysisError(f"audio must have shape (n_samples, n_channels), got {samples.shape}")
    if not np.isfinite(sample_rate_hz) or sample_rate_hz <= 0:
        raise AnalysisError(f"sample rate must be positive, got {sample_rate_hz!r}")
    # NaN and infinity propagate through a sum: one cheap pass instead of an
    # isfinite() mask of the whole track (a false alarm needs values ~1e30).
    # Every detector validates its input, and a track goes through a dozen of
    # them: the same array (same memory, shape and strides) is summed only once.
    # The owner of the memory is held by a weak reference, so a freed array's
    # address reused by a new one is never mistaken for the checked one.
    global _last_checked
    owner = samples
    while isinstance(owner.base, np.ndarray):
        owner = owner.base
    fingerprint = (samples.__array_interface__["data"][0], samples.shape, samples.strides, samples.dtype.str)
    is_known = _last_checked is not None and _last_checked[0]() is owner and _last_checked[1] == fingerprint
    if samples.size and not is_known:
        if not np.isfinite(np.sum(samples, dtype=np.float32)):
            raise AnalysisError("audio holds NaN or infinite samples: the source file is corrupt or was decoded wrongly")
        try:
            _last_checked = (weakref.ref(owner), fingerprint)
        except TypeError:  # an owner that can't be weakly referenced: just check every time
            _last_checked = None
    return samples


_last_checked: tuple | None = None


@overload
def amplitude_to_db(amplitude: float) -> float: ...
@overload
def amplitude_to_db(amplitude: np.ndarray) -> np.ndarray: ...
def amplitude_to_db(amplitude: float | np.ndarray) -> float | np.ndarray:
    """``20 log10(amplitude)``, with ``-inf`` for zero (no warning)."""
    with np.errstate(divide="ignore"):
        result = 20.0 * np.log10(np.abs(amplitude))
    return float(result) if np.ndim(result) == 0 else result


@overload
def power_to_db(power: float) -> float: ...
@overload
def power_to_db(power: np.ndarray) -> np.ndarray: ...
def power_to_db(power: float | np.ndarray) -> float | np.ndarray:
    """``10 log10(power)``, with ``-inf`` for zero (no warning)."""
    with np.errstate(divide="ignore"):
        result = 10.0 * np.log10(power)
    return float(result) if np.ndim(result) == 0 else result

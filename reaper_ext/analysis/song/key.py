"""Key: which scale the song is in, and how sure.

The summed harmonic chroma correlated with the 24 rotations of the
Krumhansl-Kessler key profiles (Krumhansl 1990, the Krumhansl-Schmuckler algorithm).
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.song.features import SongFeatures, compute_features
from reaper_ext.analysis.song.results import PITCH_CLASS_NAMES, KeyEstimate

__all__ = ["key_from_features", "estimate_key"]


_KEY_SOFTMAX_TEMPERATURE = 0.05

# Krumhansl & Kessler (1982) probe-tone ratings, tonic first (Krumhansl 1990, table 2.1).
_MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])

_MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])

def key_from_features(features: SongFeatures) -> KeyEstimate:
    profile = features.chroma.sum(axis=1).astype(np.float64)
    if not np.any(profile > 0) or np.ptp(profile) == 0:
        return KeyEstimate("C", "major", 0.0, 0.0)
    correlations = np.empty(24)
    for tonic in range(12):
        # rotate the mix so the candidate tonic is index 0, then Pearson against the profile
        rotated = np.roll(profile, -tonic)
        correlations[tonic] = np.corrcoef(rotated, _MAJOR_PROFILE)[0, 1]
        correlations[12 + tonic] = np.corrcoef(rotated, _MINOR_PROFILE)[0, 1]
    best = int(np.argmax(correlations))
    weights = np.exp((correlations - correlations[best]) / _KEY_SOFTMAX_TEMPERATURE)
    confidence = float(weights[best] / weights.sum())
    mode = "major" if best < 12 else "minor"
    return KeyEstimate(PITCH_CLASS_NAMES[best % 12], mode, confidence, float(correlations[best]))

def estimate_key(mix: np.ndarray, sample_rate_hz: float) -> KeyEstimate:
    """Estimate the global key of a mix (Krumhansl-Schmuckler on harmonic chroma).

    Parameters
    ----------
    mix : np.ndarray, shape (n_samples, n_channels) or (n_samples,)
        The whole mix, floating point, full scale 1.0.
    sample_rate_hz : float
        Sample rate of ``mix``.

    Returns
    -------
    KeyEstimate
        Tonic in sharps naming, mode, confidence. Assumes A = 440 Hz tuning
        (within about a quarter tone).

    Raises
    ------
    AnalysisError
        If the mix is invalid, empty or silent.
    """
    return key_from_features(compute_features(mix, sample_rate_hz))

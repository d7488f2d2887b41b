"""Stereo correlation and width.

* correlation: ``sum(L R) / sqrt(sum(L^2) sum(R^2))`` over the whole track, in
  -1..1 (1 = mono, 0 = unrelated channels, -1 = one side inverted); the value a
  goniometer's correlation meter shows averaged over the track.
* width: the side share of the energy, ``E_S / (E_M + E_S)`` with
  ``M = (L + R) / 2`` and ``S = (L - R) / 2``: 0 = mono, 0.5 = unrelated
  channels of equal level, 1 = fully out of phase. It is the side/mid energy
  ratio ``r`` mapped to ``r / (1 + r)`` so it stays finite.

Both are None for mono, for silence, and (correlation only) when one channel is
silent. Tracks with more than two channels use the first two (L, R).
"""

from __future__ import annotations

import numpy as np

__all__ = ["stereo_correlation", "stereo_width"]


def _channel_products(samples: np.ndarray) -> tuple[float, float, float] | None:
    """``(L.L, R.R, L.R)`` or None for mono / no samples (BLAS dots, no copies)."""
    if samples.ndim != 2 or samples.shape[1] < 2 or samples.shape[0] == 0:
        return None
    left, right = samples[:, 0], samples[:, 1]
    return float(np.dot(left, left)), float(np.dot(right, right)), float(np.dot(left, right))


def stereo_correlation(samples: np.ndarray) -> float | None:
    """Correlation of left and right, -1..1; None for mono or a silent channel."""
    products = _channel_products(samples)
    if products is None:
        return None
    left_energy, right_energy, cross = products
    if left_energy <= 0.0 or right_energy <= 0.0:
        return None
    return float(np.clip(cross / np.sqrt(left_energy * right_energy), -1.0, 1.0))


def stereo_width(samples: np.ndarray) -> float | None:
    """Side share of the energy, 0 (mono) .. 1 (out of phase); None for mono or silence."""
    products = _channel_products(samples)
    if products is None:
        return None
    left_energy, right_energy, cross = products
    # E_M = |L + R|^2 / 4 and E_S = |L - R|^2 / 4, expanded.
    mid_energy = max(left_energy + right_energy + 2 * cross, 0.0) / 4
    side_energy = max(left_energy + right_energy - 2 * cross, 0.0) / 4
    if mid_energy + side_energy <= 0.0:
        return None
    return side_energy / (mid_energy + side_energy)

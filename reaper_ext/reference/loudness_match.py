"""Loudness matching (ITU-R BS.1770-4 integrated loudness) before anything is compared.

BS.1770 loudness is a power mean of K-weighted blocks: a gain of ``g`` dB moves
it by ``g`` LU exactly, as long as the gates keep the same blocks (they do for
any gain that keeps the blocks above -70 LUFS), so one measurement and one gain
match two signals to well within 0.1 LU; :func:`loudness_match` measures again
to prove it.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.loudness import integrated_loudness
from reaper_ext.errors import AnalysisError

__all__ = ["MATCH_TOLERANCE_LU", "loudness_match"]

MATCH_TOLERANCE_LU = 0.1


def loudness_match(samples: np.ndarray, sample_rate_hz: float, target_lufs: float) -> tuple[np.ndarray, float]:
    """Scale ``samples`` to ``target_lufs``; return the scaled audio and the gain in dB.

    Raises
    ------
    AnalysisError
        Silent audio, or the match missed by more than :data:`MATCH_TOLERANCE_LU`.
    """
    loudness = integrated_loudness(samples, sample_rate_hz)
    if not np.isfinite(loudness):
        raise AnalysisError("silent audio cannot be loudness-matched")
    gain_db = float(target_lufs - loudness)
    matched = (np.asarray(samples, dtype=np.float32) * np.float32(10.0 ** (gain_db / 20.0)))
    check = integrated_loudness(matched, sample_rate_hz)
    if abs(check - target_lufs) > MATCH_TOLERANCE_LU:
        raise AnalysisError(f"loudness match missed: {check:.2f} LUFS for a {target_lufs:.2f} LUFS target")
    return matched, gain_db

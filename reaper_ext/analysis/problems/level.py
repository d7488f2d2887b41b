"""Levels outside a mixing working range: ``level_low`` and ``level_hot``.

Defaults: too low when the sample peak is under -30 dBFS or the loudness under
-40 LUFS; too hot when the true peak is over -1 dBTP or the loudness over
-10 LUFS. Silent tracks (peak under -90 dBFS) are left to the silence
detector. Severity: medium from 6 dB past the threshold, high from 12 dB.
Reported over the whole track.
"""

from __future__ import annotations

import math

from reaper_ext.analysis.problems.base import Problem, severity_from_excess
from reaper_ext.analysis.problems.silence import SILENT_PEAK_DBFS

__all__ = ["find_level_problems"]


def find_level_problems(
    measurements,
    *,
    low_peak_dbfs: float = -30.0,
    low_loudness_lufs: float = -40.0,
    hot_true_peak_dbtp: float = -1.0,
    hot_loudness_lufs: float = -10.0,
) -> list[Problem]:
    """Find a level far outside the working range.

    Parameters
    ----------
    measurements : TrackMeasurements
        The track's measurements (peaks, loudness, duration).
    low_peak_dbfs, low_loudness_lufs, hot_true_peak_dbtp, hot_loudness_lufs : float
        Thresholds (module docstring).

    Returns
    -------
    list of Problem
        At most one ``level_low`` or one ``level_hot``.
    """
    peak = measurements.sample_peak_dbfs
    if not math.isfinite(peak) or peak < SILENT_PEAK_DBFS:
        return []
    loudness = measurements.loudness_lufs
    true_peak = measurements.true_peak_dbtp
    measured = {"peak_dbfs": peak, "true_peak_dbtp": true_peak, "loudness_lufs": loudness}
    low_excess = max(low_peak_dbfs - peak, low_loudness_lufs - loudness if math.isfinite(loudness) else 0.0)
    if low_excess > 0:
        return [
            Problem(
                "level_low",
                0.0,
                measurements.duration_sec,
                severity_from_excess(low_excess, 6.0, 12.0),
                {**measured, "low_peak_dbfs": low_peak_dbfs, "low_loudness_lufs": low_loudness_lufs},
            )
        ]
    hot_excess = max(true_peak - hot_true_peak_dbtp, loudness - hot_loudness_lufs)
    if hot_excess > 0:
        return [
            Problem(
                "level_hot",
                0.0,
                measurements.duration_sec,
                severity_from_excess(hot_excess, 6.0, 12.0),
                {**measured, "hot_true_peak_dbtp": hot_true_peak_dbtp, "hot_loudness_lufs": hot_loudness_lufs},
            )
        ]
    return []

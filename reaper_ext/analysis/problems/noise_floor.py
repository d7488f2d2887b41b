"""High noise floor between phrases (a gate candidate).

Each inactive span (between, before or after the active regions, see
:mod:`reaper_ext.analysis.activity`) at least ``min_gap_sec`` (0.3 s) long is
trimmed by ``trim_sec`` (50 ms) at both ends, to skip note decays. Its 20 ms
block levels must be *steady noise*: median above ``threshold_dbfs`` (-60 dBFS),
interquartile range under 4 dB and a trend under 10 dB/s (a decaying reverb
tail falls faster, a noise floor stays put). One problem per noisy gap; the
floor is the median block level. Severity: medium from 6 dB past the
threshold, high from 12 dB.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.activity import inactive_regions
from reaper_ext.analysis.frames import FrameFeatures
from reaper_ext.analysis.problems.base import Problem, severity_from_excess
from reaper_ext.analysis.validate import power_to_db

__all__ = ["find_noisy_gaps"]


def find_noisy_gaps(
    frames: FrameFeatures,
    regions: list[tuple[float, float]],
    *,
    threshold_dbfs: float = -60.0,
    min_gap_sec: float = 0.3,
    trim_sec: float = 0.05,
    max_spread_db: float = 4.0,
    max_trend_db_per_sec: float = 10.0,
) -> list[Problem]:
    """Find gaps between phrases that carry steady noise.

    Parameters
    ----------
    frames : FrameFeatures
        Features of the track (block levels are used).
    regions : list of (start_sec, end_sec)
        The track's active regions.
    threshold_dbfs : float
        Noise level above which a gap is reported.
    min_gap_sec, trim_sec, max_spread_db, max_trend_db_per_sec : float
        See the module docstring.

    Returns
    -------
    list of Problem
        Kind ``noise_floor``, one per noisy gap.
    """
    if not regions:
        return []  # no phrases, so no gaps between them (a silent or all-noise track)
    block_db = power_to_db(frames.block_power)
    block_sec = frames.block_samples / frames.sample_rate_hz
    problems = []
    for start_sec, end_sec in inactive_regions(regions, frames.duration_sec):
        if end_sec - start_sec < min_gap_sec:
            continue
        first = int(np.ceil((start_sec + trim_sec) / block_sec))
        last = int(np.floor((end_sec - trim_sec) / block_sec))
        levels = block_db[first:last]
        if levels.size < 5 or not np.isfinite(levels).all():
            continue
        floor_dbfs = float(np.median(levels))
        if floor_dbfs <= threshold_dbfs:
            continue
        q25, q75 = np.percentile(levels, [25.0, 75.0])
        trend = float(np.polyfit(np.arange(levels.size) * block_sec, levels, 1)[0])
        if q75 - q25 > max_spread_db or abs(trend) > max_trend_db_per_sec:
            continue
        problems.append(
            Problem(
                kind="noise_floor",
                start_sec=start_sec,
                end_sec=end_sec,
                severity=severity_from_excess(floor_dbfs - threshold_dbfs, 6.0, 12.0),
                measured={
                    "floor_dbfs": floor_dbfs,
                    "threshold_dbfs": threshold_dbfs,
                    "gap_sec": end_sec - start_sec,
                    "spread_db": float(q75 - q25),
                },
            )
        )
    return problems

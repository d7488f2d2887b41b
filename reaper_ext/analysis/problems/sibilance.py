"""Sibilance on voices: short bursts where the 5-10 kHz band dominates and is loud.

A frame (~93 ms STFT window, 46 ms hop, see :mod:`reaper_ext.analysis.frames`)
is sibilant when it lies in an active region, the 5-10 kHz band holds at least
``min_band_share`` (0.5) of its power, and that band's level is at least
``margin_db`` (0 dB) above the track's average level over its active frames,
i.e. the "s" is as loud as the voice itself, which a de-esser would tame.
Consecutive sibilant frames form a burst (frame centre +- half a hop); bursts
longer than ``max_burst_sec`` (0.5 s) are not sibilants and are dropped.
Severity by the burst's excess over the margin: medium from 3 dB, high from 6 dB.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.activity import regions_to_mask
from reaper_ext.analysis.frames import FrameFeatures
from reaper_ext.analysis.problems.base import Problem, severity_from_excess
from reaper_ext.analysis.validate import power_to_db

__all__ = ["find_sibilance"]


def find_sibilance(
    frames: FrameFeatures,
    regions: list[tuple[float, float]],
    *,
    min_band_share: float = 0.5,
    margin_db: float = 0.0,
    max_burst_sec: float = 0.5,
) -> list[Problem]:
    """Find harsh sibilant bursts (call for voices only).

    Parameters
    ----------
    frames : FrameFeatures
        Features of the track.
    regions : list of (start_sec, end_sec)
        The track's active regions.
    min_band_share, margin_db, max_burst_sec : float
        See the module docstring.

    Returns
    -------
    list of Problem
        Kind ``sibilance``, one per burst.
    """
    times = frames.frame_times_sec
    active = regions_to_mask(regions, times)
    if not active.any():
        return []
    reference_db = float(power_to_db(frames.total_power[active].mean()))
    band_db = power_to_db(frames.sibilance_power)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(frames.total_power > 0, frames.sibilance_power / frames.total_power, 0.0)
    sibilant = active & (share >= min_band_share) & (band_db >= reference_db + margin_db)
    edges = np.diff(np.concatenate([[0], sibilant.astype(np.int8), [0]]))
    hop_sec = frames.hop_samples / frames.sample_rate_hz
    problems = []
    for first, last in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        start_sec = max(0.0, times[first] - hop_sec / 2)
        end_sec = min(frames.duration_sec, times[last - 1] + hop_sec / 2)
        if end_sec - start_sec > max_burst_sec:
            continue
        peak_band_db = float(band_db[first:last].max())
        excess = peak_band_db - (reference_db + margin_db)
        problems.append(
            Problem(
                kind="sibilance",
                start_sec=float(start_sec),
                end_sec=float(end_sec),
                severity=severity_from_excess(excess, 3.0, 6.0),
                measured={
                    "band_level_dbfs": peak_band_db,
                    "track_level_dbfs": reference_db,
                    "excess_db": excess,
                    "band_share": float(share[first:last].max()),
                    "low_hz": 5000.0,
                    "high_hz": 10000.0,
                },
            )
        )
    return problems

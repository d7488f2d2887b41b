"""Active (non-silent) regions of a track.

Method: 20 ms block levels (:mod:`reaper_ext.analysis.frames`), a threshold
relative to the track, hysteresis, then minimum durations.

* reference = 95th percentile of the non-silent block levels (the loud parts),
  floor = 10th percentile;
* threshold = ``max(reference - 45 dB, min(floor + 10 dB, reference - 20 dB))``:
  45 dB under the loud parts for clean material, but kept above a steady noise
  floor so that noise between phrases reads as *inactive*;
* a region opens when a block reaches the threshold and closes when it falls
  ``hysteresis_db`` under it; gaps shorter than ``min_gap_sec`` are bridged and
  regions shorter than ``min_active_sec`` dropped.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.frames import FrameFeatures, compute_frames
from reaper_ext.analysis.validate import SILENCE_DBFS, power_to_db
from reaper_ext.errors import AnalysisError

__all__ = ["active_regions", "activity_threshold_dbfs", "regions_to_mask", "inactive_regions"]


def activity_threshold_dbfs(block_db: np.ndarray) -> float:
    """Activity threshold for 20 ms block levels (dBFS); ``inf`` if all are silent."""
    audible = block_db[block_db > SILENCE_DBFS]
    if audible.size == 0:
        return float("inf")
    reference_db, floor_db = np.percentile(audible, [95.0, 10.0])
    return float(max(reference_db - 45.0, min(floor_db + 10.0, reference_db - 20.0)))


def active_regions(
    samples: np.ndarray | None,
    sample_rate_hz: float,
    *,
    frames: FrameFeatures | None = None,
    threshold_dbfs: float | None = None,
    hysteresis_db: float = 6.0,
    min_active_sec: float = 0.05,
    min_gap_sec: float = 0.25,
) -> list[tuple[float, float]]:
    """Time ranges where the track plays.

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels), or None
        Audio, full scale 1.0 (may be None when ``frames`` is given).
    sample_rate_hz : float
        Sample rate.
    frames : FrameFeatures, optional
        Precomputed features of the same audio.
    threshold_dbfs : float, optional
        Fixed opening threshold instead of the relative one (module docstring).
    hysteresis_db : float
        A region closes this far under the opening threshold.
    min_active_sec, min_gap_sec : float
        Shorter regions are dropped; shorter gaps are bridged.

    Returns
    -------
    list of (start_sec, end_sec)
        Sorted, non-overlapping.
    """
    if frames is None:
        if samples is None:
            raise AnalysisError("give the audio or its precomputed frames")
        frames = compute_frames(samples, sample_rate_hz)
    block_db = power_to_db(frames.block_power)
    if block_db.size == 0:
        return []
    on_db = activity_threshold_dbfs(block_db) if threshold_dbfs is None else threshold_dbfs
    if not np.isfinite(on_db):
        return []
    off_db = on_db - hysteresis_db
    # Hysteresis without a loop: 1 above "on", 0 below "off", else carry the last decision.
    state = np.full(block_db.shape[0], -1, dtype=np.int8)
    state[block_db >= on_db] = 1
    state[block_db < off_db] = 0
    decided = np.flatnonzero(state >= 0)
    if decided.size == 0:
        return []
    last_decided = np.maximum.accumulate(np.where(state >= 0, np.arange(state.size), -1))
    is_active = np.where(last_decided >= 0, state[np.maximum(last_decided, 0)], 0) == 1

    block_sec = frames.block_samples / frames.sample_rate_hz
    edges = np.diff(np.concatenate([[0], is_active.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1) * block_sec
    ends = np.minimum(np.flatnonzero(edges == -1) * block_sec, frames.duration_sec)
    regions: list[tuple[float, float]] = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if regions and start - regions[-1][1] < min_gap_sec:
            regions[-1] = (regions[-1][0], end)
        else:
            regions.append((start, end))
    return [(start, end) for start, end in regions if end - start >= min_active_sec]


def inactive_regions(regions: list[tuple[float, float]], duration_sec: float) -> list[tuple[float, float]]:
    """Complement of ``regions`` within ``[0, duration_sec]`` (leading and trailing parts included)."""
    gaps = []
    cursor = 0.0
    for start, end in regions:
        if start > cursor:
            gaps.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < duration_sec:
        gaps.append((cursor, duration_sec))
    return gaps


def regions_to_mask(regions: list[tuple[float, float]], times_sec: np.ndarray) -> np.ndarray:
    """Boolean mask over ``times_sec``: True where a time falls inside a region."""
    mask = np.zeros(times_sec.shape[0], dtype=bool)
    for start, end in regions:
        mask |= (times_sec >= start) & (times_sec < end)
    return mask

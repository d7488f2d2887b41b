"""Clipping: runs of samples stuck at full scale, or flat tops below it.

Two rules, per channel:

* full scale: at least ``min_run_full_scale`` (3) consecutive samples within
  ``tolerance_db`` (0.01 dB) of 0 dBFS;
* flat top: at least ``min_run_flat`` (4) consecutive *identical* samples within
  ``tolerance_db`` of the track's own peak (audio clipped, then turned down).

Runs from all channels closer than ``merge_gap_sec`` (0.5 s) are merged into one
passage, reported as one problem. Severity by the clipped samples in the
passage: medium from 20, high from 200. Only the samples near the peak are
visited, so the cost is one pass over the track.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.problems.base import Problem, severity_from_excess
from reaper_ext.analysis.validate import amplitude_to_db, valid_audio

__all__ = ["find_clipping"]


def _runs(indices: np.ndarray, joined: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Runs of consecutive True in ``joined`` (links between indices[i] and indices[i+1]).

    Returns the first sample index and the length in samples of each run.
    """
    edges = np.diff(np.concatenate([[0], joined.astype(np.int8), [0]]))
    first_link = np.flatnonzero(edges == 1)
    n_links = np.flatnonzero(edges == -1) - first_link
    return indices[first_link], n_links + 1


def find_clipping(
    samples: np.ndarray,
    sample_rate_hz: float,
    *,
    tolerance_db: float = 0.01,
    min_run_full_scale: int = 3,
    min_run_flat: int = 4,
    merge_gap_sec: float = 0.5,
) -> list[Problem]:
    """Find clipped passages.

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels)
        Audio, full scale 1.0.
    sample_rate_hz : float
        Sample rate.
    tolerance_db : float
        How close to full scale (or to the peak) a sample counts as clipped.
    min_run_full_scale, min_run_flat : int
        Shortest run, in samples, for each rule.
    merge_gap_sec : float
        Runs closer than this form one passage.

    Returns
    -------
    list of Problem
        Kind ``clipping``, one per passage.
    """
    samples = valid_audio(samples, sample_rate_hz)
    if samples.size == 0:
        return []
    tolerance = 10.0 ** (-tolerance_db / 20.0)
    track_peak = float(np.max(np.abs(samples)))
    if track_peak == 0.0:
        return []
    run_starts: list[np.ndarray] = []
    run_lengths: list[np.ndarray] = []
    for channel in range(samples.shape[1]):
        column = samples[:, channel]
        near_peak = np.flatnonzero(np.abs(column) >= min(tolerance, track_peak * tolerance))
        if near_peak.size < 2:
            continue
        values = column[near_peak]
        adjacent = np.diff(near_peak) == 1
        at_full_scale = np.abs(values) >= tolerance
        starts, lengths = _runs(near_peak, adjacent & at_full_scale[1:] & at_full_scale[:-1])
        keep = lengths >= min_run_full_scale
        run_starts.append(starts[keep])
        run_lengths.append(lengths[keep])
        at_peak = np.abs(values) >= track_peak * tolerance
        identical = adjacent & (values[1:] == values[:-1]) & at_peak[1:] & at_peak[:-1]
        starts, lengths = _runs(near_peak, identical)
        keep = lengths >= min_run_flat
        run_starts.append(starts[keep])
        run_lengths.append(lengths[keep])
    if not run_starts:
        return []
    starts = np.concatenate(run_starts)
    lengths = np.concatenate(run_lengths)
    if starts.size == 0:
        return []
    order = np.argsort(starts, kind="stable")
    starts, lengths = starts[order], lengths[order]
    ends = starts + lengths
    # New passage wherever a run starts further than merge_gap after everything before it.
    reach = np.maximum.accumulate(ends)
    is_new = np.concatenate([[True], starts[1:] - reach[:-1] > merge_gap_sec * sample_rate_hz])
    passage = np.cumsum(is_new) - 1
    n_passages = int(passage[-1]) + 1
    problems = []
    for index in range(n_passages):
        members = passage == index
        first = int(starts[members].min())
        last = int(ends[members].max())
        n_clipped = int(lengths[members].sum())
        segment = samples[first:last]
        clip_level = float(np.max(np.abs(segment)))
        problems.append(
            Problem(
                kind="clipping",
                start_sec=first / sample_rate_hz,
                end_sec=last / sample_rate_hz,
                severity=severity_from_excess(n_clipped, 20, 200),
                measured={
                    "n_clipped_samples": n_clipped,
                    "n_runs": int(members.sum()),
                    "longest_run_samples": int(lengths[members].max()),
                    "clip_level_dbfs": amplitude_to_db(clip_level),
                    "is_full_scale": bool(clip_level >= tolerance),
                },
            )
        )
    return problems

"""Silent tracks and silent items.

A span is silent when its sample peak is under ``threshold_dbfs`` (default
-90 dBFS: below that only dither or converter noise can live). Severity is
``high`` for exact digital zero (nothing was recorded or rendered), ``medium``
otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reaper_ext.analysis.problems.base import Problem
from reaper_ext.analysis.validate import amplitude_to_db, valid_audio

__all__ = ["find_silence", "find_silent_items", "SILENT_PEAK_DBFS"]

SILENT_PEAK_DBFS = -90.0


def _silence_problem(kind: str, peak: float, start_sec: float, end_sec: float, extra: dict) -> Problem:
    return Problem(
        kind=kind,
        start_sec=start_sec,
        end_sec=end_sec,
        severity="high" if peak == 0.0 else "medium",
        measured={"peak_dbfs": amplitude_to_db(peak), "duration_sec": end_sec - start_sec, **extra},
    )


def find_silence(
    samples: np.ndarray, sample_rate_hz: float, *, threshold_dbfs: float = SILENT_PEAK_DBFS
) -> list[Problem]:
    """One ``silence`` problem if the whole track is silent, else none."""
    samples = valid_audio(samples, sample_rate_hz)
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    if amplitude_to_db(peak) >= threshold_dbfs:
        return []
    return [_silence_problem("silence", peak, 0.0, samples.shape[0] / sample_rate_hz, {})]


def find_silent_items(
    samples: np.ndarray,
    sample_rate_hz: float,
    item_spans_sec: Sequence[tuple[float, float]],
    *,
    threshold_dbfs: float = SILENT_PEAK_DBFS,
) -> list[Problem]:
    """``silent_item`` problems for the items whose span is silent.

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels)
        The track's audio, time 0 = first sample.
    sample_rate_hz : float
        Sample rate.
    item_spans_sec : sequence of (start_sec, end_sec)
        Item positions on the same time axis; spans past the end are clipped,
        spans entirely outside the audio count as silent.
    threshold_dbfs : float
        Peak under which a span is silent.

    Returns
    -------
    list of Problem
        ``measured`` holds ``item_index`` (position in ``item_spans_sec``).
    """
    samples = valid_audio(samples, sample_rate_hz)
    problems = []
    for index, (start_sec, end_sec) in enumerate(item_spans_sec):
        first = max(0, int(round(start_sec * sample_rate_hz)))
        last = min(samples.shape[0], int(round(end_sec * sample_rate_hz)))
        segment = samples[first:last]
        peak = float(np.max(np.abs(segment))) if segment.size else 0.0
        if amplitude_to_db(peak) < threshold_dbfs:
            problems.append(
                _silence_problem("silent_item", peak, float(start_sec), float(end_sec), {"item_index": index})
            )
    return problems

"""The take pitch envelope that corrects flagged notes, and nothing else.

Each flagged note is shifted as a whole by minus its centre offset (plus a
share of its drift), so its vibrato and its scoop/fall keep their shape
relative to the corrected centre; notes that are not flagged get 0. The shift
ramps in and out over ``ramp_sec`` (or half the gap to a neighbour, whichever
is shorter) at the note's edges, so no step is audible. The shift begins a
little before the note's detected start and ends a little after its detected
end (up to 40 ms, never past half the gap to a neighbouring note): a tracker
finds an onset a frame or two late, and a scoop's first cents must move with
the rest of the note for its shape to be kept. REAPER take pitch
envelope values are semitones (positive = up); point times are seconds from
the item's start (take envelopes run in item time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Correction", "envelope_points", "correction_at"]


@dataclass(frozen=True)
class Correction:
    """A flagged note's shift: constant ``shift_cents`` plus ``drift_cents_per_sec`` about ``pivot_sec``."""

    start_sec: float
    end_sec: float
    shift_cents: float
    drift_cents_per_sec: float = 0.0
    pivot_sec: float = 0.0
    lead_sec: float = 0.0  # the shift starts this early (the tracker finds an onset late) ...
    lag_sec: float = 0.0  # ... and ends this late


def envelope_points(
    corrections: list[Correction], *, ramp_sec: float = 0.02, offset_sec: float = 0.0
) -> list[tuple[float, float]]:
    """Points ``(time_sec, semitones)`` of a linear pitch envelope; times are shifted by ``-offset_sec``.

    An empty list means no correction (REAPER treats a missing envelope as 0).
    """
    ordered = sorted(corrections, key=lambda c: c.start_sec)
    points: list[tuple[float, float]] = []
    for n, corr in enumerate(ordered):
        gap_before = (corr.start_sec - corr.lead_sec) - (ordered[n - 1].end_sec + ordered[n - 1].lag_sec) if n else np.inf
        gap_after = (ordered[n + 1].start_sec - ordered[n + 1].lead_sec) - (corr.end_sec + corr.lag_sec) if n + 1 < len(ordered) else np.inf
        ramp_in = max(0.0, min(ramp_sec, gap_before / 2))
        ramp_out = max(0.0, min(ramp_sec, gap_after / 2))

        def value(t: float, corr: Correction = corr) -> float:
            return (corr.shift_cents + corr.drift_cents_per_sec * (t - corr.pivot_sec)) / 100.0

        start, end = corr.start_sec - corr.lead_sec, corr.end_sec + corr.lag_sec
        touching = bool(points) and start - ramp_in < points[-1][0] - 1e-9
        if touching:
            # legato neighbours both corrected: the earlier shift holds until this one starts, then a step
            while points and points[-1][0] >= start - 1e-9:
                points.pop()
            previous = ordered[n - 1]
            points.append((start, (previous.shift_cents + previous.drift_cents_per_sec * (start - previous.pivot_sec)) / 100.0))
            new = [(start, value(start))]
        elif points and abs(start - ramp_in - points[-1][0]) <= 1e-9:
            new = [(start, value(start))]  # the ramps meet: the two share the zero point
        else:
            new = [(start - ramp_in, 0.0), (start, value(start))]
        if corr.drift_cents_per_sec == 0.0:
            new.append((end, value(end)))
        else:  # a line is exact with its two ends, but keep a point per 100 ms for readability in REAPER
            for t in np.linspace(start, end, max(2, int((end - start) / 0.1) + 1))[1:]:
                new.append((float(t), value(float(t))))
        new.append((end + ramp_out, 0.0))
        points += new
    return [(max(0.0, t - offset_sec), v) for t, v in points]


def correction_at(points: list[tuple[float, float]], times_sec: np.ndarray, *, offset_sec: float = 0.0) -> np.ndarray:
    """The envelope's value in cents at ``times_sec`` (linear between points, 0 outside)."""
    if not points:
        return np.zeros_like(np.asarray(times_sec, dtype=float))
    t = np.array([p[0] for p in points]) + offset_sec
    v = np.array([p[1] for p in points]) * 100.0
    return np.interp(times_sec, t, v, left=0.0, right=0.0)

"""Run every per-track detector."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reaper_ext.analysis.frames import FrameFeatures, compute_frames
from reaper_ext.analysis.problems.base import Problem
from reaper_ext.analysis.problems.clipping import find_clipping
from reaper_ext.analysis.problems.dc_offset import find_dc_offset
from reaper_ext.analysis.problems.hum import find_hum
from reaper_ext.analysis.problems.level import find_level_problems
from reaper_ext.analysis.problems.noise_floor import find_noisy_gaps
from reaper_ext.analysis.problems.sibilance import find_sibilance
from reaper_ext.analysis.problems.silence import find_silence, find_silent_items
from reaper_ext.analysis.validate import valid_audio

__all__ = ["find_problems"]


def find_problems(
    samples: np.ndarray,
    sample_rate_hz: float,
    measurements,
    *,
    is_voice: bool = False,
    is_noise_content: bool = False,
    is_close_drum: bool = False,
    item_spans_sec: Sequence[tuple[float, float]] = (),
    frames: FrameFeatures | None = None,
) -> list[Problem]:
    """Find the problems of one track (all kinds except cross-track polarity).

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels)
        Audio, full scale 1.0.
    sample_rate_hz : float
        Sample rate.
    measurements : TrackMeasurements
        From :func:`reaper_ext.analysis.measure.measure_track` on the same audio.
    is_voice : bool
        Run the sibilance detector.
    is_noise_content : bool
        Noise is what the track plays (risers, sweeps, noise effects): no ``noise_floor``.
    is_close_drum : bool
        A close drum mic (kick, snare, tom, hi-hat): between its hits is the rest of the kit
        (bleed, often a cymbal's steady wash), not noise, so no ``noise_floor``; a tom's bleed
        gets its own gate (:mod:`reaper_ext.suggest.rules.dynamics`).
    item_spans_sec : sequence of (start_sec, end_sec)
        Item positions, for ``silent_item``.
    frames : FrameFeatures, optional
        Shared features, to avoid computing them again.

    Returns
    -------
    list of Problem
        Sorted by start time. A silent track reports only ``silence`` (and its
        silent items).
    """
    samples = valid_audio(samples, sample_rate_hz)
    problems = find_silence(samples, sample_rate_hz)
    problems += find_silent_items(samples, sample_rate_hz, item_spans_sec)
    if any(problem.kind == "silence" for problem in problems):
        return sorted(problems, key=lambda problem: (problem.start_sec, problem.kind))
    if frames is None:
        frames = compute_frames(samples, sample_rate_hz)
    regions = list(measurements.active_regions)
    problems += find_clipping(samples, sample_rate_hz)
    problems += find_dc_offset(samples, sample_rate_hz)
    hum = find_hum(samples, sample_rate_hz)
    problems += hum
    if not (is_noise_content or is_close_drum):
        problems += _beyond_hum(find_noisy_gaps(frames, regions), hum)
    problems += find_level_problems(measurements)
    if is_voice:
        problems += find_sibilance(frames, regions)
    return sorted(problems, key=lambda problem: (problem.start_sec, problem.kind))


#: A gap whose steady floor is no more than this over the hum's own level is the hum, said once.
HUM_FLOOR_MARGIN_DB = 3.0


def _beyond_hum(gaps: list[Problem], hum: list[Problem]) -> list[Problem]:
    """The noisy gaps that are more than the track's hum (reported once, as ``hum``, with its notch)."""
    if not hum:
        return gaps
    hum_dbfs = float(hum[0].measured.get("total_level_dbfs", hum[0].measured["level_dbfs"]))
    return [gap for gap in gaps if float(gap.measured["floor_dbfs"]) > hum_dbfs + HUM_FLOOR_MARGIN_DB]

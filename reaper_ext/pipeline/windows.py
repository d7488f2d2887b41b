"""Tracks longer than :data:`LONG_TRACK_SEC` are analysed in windows: memory of one window, not the track."""

from __future__ import annotations

from dataclasses import replace
from math import inf, isfinite, log10

import numpy as np

from reaper_ext.analysis.measure import TrackMeasurements
from reaper_ext.analysis.problems.base import Problem
from reaper_ext.labels.model import Label
from reaper_ext.pipeline.track import analyse_audio
from reaper_ext.session.model import Track

__all__ = ["LONG_TRACK_SEC", "WINDOW_SEC", "analyse_long_track", "merge_window_measurements"]


LONG_TRACK_SEC = 20 * 60.0  # longer tracks are analysed in windows, memory bounded

WINDOW_SEC = 10 * 60.0

def merge_window_measurements(windows: list[TrackMeasurements]) -> TrackMeasurements:
    """Combine measurements of consecutive windows of one long track.

    Peaks take the maximum, powers (RMS, loudness, LTAS) the duration-weighted
    power mean (loudness gating is per window: a documented approximation),
    the noise floor the minimum, active regions are concatenated. A level that
    is not finite (``-inf``: silence) counts as absent, as in the JSON form.
    """
    durations = np.array([window.duration_sec for window in windows])
    weights = durations / durations.sum()

    def power_mean(values: list[float]) -> float:
        finite = [(w, v) for w, v in zip(weights, values, strict=True) if isfinite(v)]
        if not finite:
            return -inf
        total = sum(w for w, _ in finite)
        return round(10 * log10(sum(w / total * 10 ** (v / 10) for w, v in finite)), 2)

    def largest(values: list[float]) -> float:
        return max((value for value in values if isfinite(value)), default=-inf)

    loudness_lufs = power_mean([window.loudness_lufs for window in windows])
    rms_dbfs = power_mean([window.rms_dbfs for window in windows])
    sample_peak_dbfs = largest([window.sample_peak_dbfs for window in windows])
    floors = [window.noise_floor_dbfs for window in windows if isfinite(window.noise_floor_dbfs)]
    crest_factor_db = windows[0].crest_factor_db
    if isfinite(sample_peak_dbfs) and isfinite(rms_dbfs):
        crest_factor_db = round(sample_peak_dbfs - rms_dbfs, 2)
    levels = np.array([window.ltas_level_db for window in windows], dtype=float)
    levels[~np.isfinite(levels)] = np.nan
    ltas = 10 * np.log10(np.nansum(weights[:, None] * 10 ** (levels / 10), axis=0) + 1e-30)
    offset_sec = 0.0
    regions: list[tuple[float, float]] = []
    for window in windows:
        regions += [(start + offset_sec, end + offset_sec) for start, end in window.active_regions]
        offset_sec += window.duration_sec
    merged = replace(
        windows[0],
        loudness_lufs=loudness_lufs,
        rms_dbfs=rms_dbfs,
        sample_peak_dbfs=sample_peak_dbfs,
        true_peak_dbtp=largest([window.true_peak_dbtp for window in windows]),
        dc_offset_dbfs=largest([window.dc_offset_dbfs for window in windows]),
        noise_floor_dbfs=min(floors) if floors else -inf,
        crest_factor_db=crest_factor_db,
        ltas_level_db=tuple(round(float(v), 1) for v in ltas),
        active_regions=tuple(regions),
        duration_sec=round(float(durations.sum()), 3),
    )
    return merged.normalised()


def analyse_long_track(track: Track, duration_sec: float) -> tuple[Label | None, TrackMeasurements, list[Problem], list[str], float]:
    """Analyse a long track window by window: memory of one window, not the whole track.

    Returns the label (the class most windows agree on, its most confident window
    speaking for it; None if no window could be labelled), the merged measurements,
    the problems (times from the track's start), messages and the start (project seconds).
    """
    from reaper_ext.audio import read_track_audio

    windows = []
    problems: list[Problem] = []
    messages: list[str] = [f"track is {duration_sec / 60:.0f} min long: analysed in {WINDOW_SEC / 60:.0f}-minute windows"]
    window_labels: list[Label] = []
    start_sec = None
    offset_sec = 0.0
    while offset_sec < duration_sec:
        audio = read_track_audio(track, max_duration_sec=WINDOW_SEC, start_offset_sec=offset_sec)
        start_sec = audio.start_sec if start_sec is None else start_sec
        spans = [(max(0.0, a), b) for a, b in audio.item_spans_sec]
        window_label, measured, found = analyse_audio(audio.samples, audio.sample_rate_hz, track.name, spans)
        if window_label is not None:
            window_labels.append(window_label)
        windows.append(measured)
        problems += [problem.shifted(offset_sec) for problem in found]
        messages += [message for message in audio.messages if message not in messages]
        offset_sec += WINDOW_SEC
    return _vote(window_labels), merge_window_measurements(windows), problems, messages, start_sec or 0.0


def _vote(window_labels: list[Label]) -> Label | None:
    """Pick the class most windows agree on; its most confident window speaks for it."""
    if not window_labels:
        return None
    votes: dict[str, int] = {}
    for window_label in window_labels:
        votes[window_label.fine_class] = votes.get(window_label.fine_class, 0) + 1
    winner = max(votes, key=lambda name: (votes[name], max(w.confidence for w in window_labels if w.fine_class == name)))
    return max((w for w in window_labels if w.fine_class == winner), key=lambda w: w.confidence)

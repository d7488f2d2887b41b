"""Tracks longer than :data:`LONG_TRACK_SEC` are analysed in windows: memory of one window, not the track.
"""

from __future__ import annotations

from math import log10

import numpy as np

from reaper_ext.pipeline.track import analyse_audio, shift_problem
from reaper_ext.session.model import Track

__all__ = ["LONG_TRACK_SEC", "WINDOW_SEC", "analyse_long_track", "merge_window_measurements"]


LONG_TRACK_SEC = 20 * 60.0  # longer tracks are analysed in windows, memory bounded

WINDOW_SEC = 10 * 60.0

def merge_window_measurements(windows: list[dict]) -> dict:
    """Combine measurements of consecutive windows of one long track.

    Peaks take the maximum, powers (RMS, loudness, LTAS) the duration-weighted
    power mean (loudness gating is per window: a documented approximation),
    the noise floor the minimum, active regions are concatenated.
    """
    durations = np.array([window["duration_sec"] for window in windows])
    weights = durations / durations.sum()

    def power_mean(key):
        values = [window[key] for window in windows]
        if any(value is None for value in values):
            finite = [(w, v) for w, v in zip(weights, values) if v is not None]
            if not finite:
                return None
            total = sum(w for w, _ in finite)
            return round(10 * log10(sum(w / total * 10 ** (v / 10) for w, v in finite)), 2)
        return round(10 * log10(float(np.sum(weights * 10 ** (np.array(values) / 10)))), 2)

    merged = dict(windows[0])
    for key in ("loudness_lufs", "rms_dbfs"):
        merged[key] = power_mean(key)
    for key in ("sample_peak_dbfs", "true_peak_dbtp", "dc_offset_dbfs"):
        values = [window[key] for window in windows if window[key] is not None]
        merged[key] = max(values) if values else None
    floors = [window["noise_floor_dbfs"] for window in windows if window["noise_floor_dbfs"] is not None]
    merged["noise_floor_dbfs"] = min(floors) if floors else None
    if merged["sample_peak_dbfs"] is not None and merged["rms_dbfs"] is not None:
        merged["crest_factor_db"] = round(merged["sample_peak_dbfs"] - merged["rms_dbfs"], 2)
    levels = np.array([[np.nan if v is None else v for v in window["ltas_level_db"]] for window in windows], dtype=float)
    ltas = 10 * np.log10(np.nansum(weights[:, None] * 10 ** (levels / 10), axis=0) + 1e-30)
    merged["ltas_level_db"] = [round(float(v), 1) for v in ltas]
    offset = 0.0
    regions = []
    for window in windows:
        regions += [[start + offset, end + offset] for start, end in window["active_regions"]]
        offset += window["duration_sec"]
    merged["active_regions"] = regions
    merged["duration_sec"] = round(float(durations.sum()), 3)
    return merged

def analyse_long_track(track: Track, duration_sec: float) -> tuple[dict, dict, list[dict], list[str], float]:
    """Analyse a long track window by window: memory of one window, not the whole track."""
    from reaper_ext.audio import read_track_audio

    windows = []
    problems: list[dict] = []
    messages: list[str] = [f"track is {duration_sec / 60:.0f} min long: analysed in {WINDOW_SEC / 60:.0f}-minute windows"]
    window_labels: list[dict] = []
    start_sec = None
    offset_sec = 0.0
    while offset_sec < duration_sec:
        audio = read_track_audio(track, max_duration_sec=WINDOW_SEC, start_offset_sec=offset_sec)
        start_sec = audio.start_sec if start_sec is None else start_sec
        spans = [(max(0.0, a), b) for a, b in audio.item_spans_sec]
        window_label, measured, found = analyse_audio(audio.samples, audio.sample_rate_hz, track.name, spans)
        window_labels.append(window_label)
        windows.append(measured)
        problems += [shift_problem(problem, offset_sec) for problem in found]
        messages += [message for message in audio.messages if message not in messages]
        offset_sec += WINDOW_SEC
    # the class most windows agree on; its most confident window speaks for it
    votes: dict[str, int] = {}
    for window_label in window_labels:
        votes[window_label["class"]] = votes.get(window_label["class"], 0) + 1
    winner = max(votes, key=lambda name: (votes[name], max(w["confidence"] for w in window_labels if w["class"] == name)))
    label = max((w for w in window_labels if w["class"] == winner), key=lambda w: w["confidence"])
    return label, merge_window_measurements(windows), problems, messages, start_sec or 0.0

"""Markers on problems, regions on song sections, and the song's tempo and key.

* ``marker``: one per problem (not for ``silence`` of a whole track or problems
  spanning the whole track such as ``hum``, ``level_low``, which other rules treat
  and which a marker at 0 s would not locate), named
  ``reaper-ext: <kind> on <track> (<numbers>)``.
* ``section``: one region per detected section (A, B, C...).
* ``tempo``: only when the measured tempo differs from the project's by more
  than ``TEMPO_TOLERANCE_BPM`` (1 BPM).
* ``key``: the detected key, as a marker at 0 s.
"""

from __future__ import annotations

from reaper_ext.analysis.problems.base import (
    ClippingMeasured,
    DcOffsetMeasured,
    HumMeasured,
    LevelMeasured,
    NoiseFloorMeasured,
    PolarityMeasured,
    Problem,
    SibilanceMeasured,
    SilentItemMeasured,
)
from reaper_ext.pipeline.results import SessionAnalysis
from reaper_ext.session.model import Project
from reaper_ext.settings import Settings
from reaper_ext.suggest.model import TARGET_PROJECT, Suggestion, make_suggestion_id
from reaper_ext.suggest.rules.common import usable_tracks

__all__ = ["suggest_markers", "problem_summary"]

TEMPO_TOLERANCE_BPM = 1.0
MARKER_PREFIX = "reaper-ext: "
_WHOLE_TRACK_KINDS = frozenset({"silence", "hum", "level_low", "level_hot", "dc_offset", "polarity"})


def _level(value: float | None, digits: int = 0) -> str:
    """Write a level of a problem's ``measured`` (None there is ``-inf``: silence)."""
    return "-inf" if value is None else f"{value:.{digits}f}"


def problem_summary(problem: Problem) -> str:
    """Put the numbers of a problem in a few words, for marker names and the report.

    Reads the ``measured`` keys every problem of the kind holds
    (:data:`reaper_ext.analysis.problems.base.MEASURED_KEYS`).
    """
    kind = problem.kind
    if kind == "clipping":
        clipping = problem.measured_as(ClippingMeasured)
        return f"{clipping['n_clipped_samples']} samples at {_level(clipping['clip_level_dbfs'])} dBFS"
    if kind == "noise_floor":
        gap = problem.measured_as(NoiseFloorMeasured)
        return f"noise at {_level(gap['floor_dbfs'])} dBFS for {gap['gap_sec']:.1f} s"
    if kind == "sibilance":
        burst = problem.measured_as(SibilanceMeasured)
        return (f"{burst['low_hz'] / 1000:.0f}-{burst['high_hz'] / 1000:.0f} kHz "
                f"{_level(burst['excess_db'], 1)} dB over the voice")
    if kind == "silent_item":
        return f"silent item, {problem.measured_as(SilentItemMeasured)['duration_sec']:.1f} s"
    if kind == "hum":
        hum = problem.measured_as(HumMeasured)
        return f"{hum['freq_hz']:.0f} Hz at {_level(hum['level_dbfs'])} dBFS"
    if kind in ("level_low", "level_hot"):
        level = problem.measured_as(LevelMeasured)
        return f"peak {_level(level['peak_dbfs'])} dBFS, {_level(level['loudness_lufs'])} LUFS"
    if kind == "dc_offset":
        return f"DC at {_level(problem.measured_as(DcOffsetMeasured)['dc_offset_dbfs'])} dBFS"
    if kind == "polarity":
        return f"correlation {problem.measured_as(PolarityMeasured)['correlation']:.2f}"
    if kind == "silence":
        return "whole track silent"
    return problem.severity


def suggest_markers(project: Project, analysis: SessionAnalysis, settings: Settings) -> list[Suggestion]:
    """``marker``, ``section``, ``tempo`` and ``key`` suggestions."""
    suggestions = []
    for view in usable_tracks(project, analysis):
        label = view.name or f"track {view.track.index + 1}"
        is_silent = view.is_silent  # a silent track's items are covered by its mute, not marked one by one
        for problem in view.result.problems:
            if problem.kind in _WHOLE_TRACK_KINDS or (is_silent and problem.kind == "silent_item"):
                continue
            summary = problem_summary(problem)
            name = f"{MARKER_PREFIX}{problem.kind.replace('_', ' ')} on {label} ({summary})"
            start = float(problem.start_sec)
            suggestions.append(Suggestion(
                id=make_suggestion_id("marker", view.guid, [problem.kind, round(start, 2)]),
                kind="marker",
                target=view.guid,
                track_name=view.name,
                params={"position_sec": start, "end_sec": None, "name": name, "problem_kind": problem.kind},
                why=f"{problem.kind.replace('_', ' ').capitalize()} ({problem.severity}) at {start:.2f}-"
                    f"{problem.end_sec:.2f} s: {summary}.",
                confidence={"high": 0.95, "medium": 0.85}.get(problem.severity, 0.7),
            ))
    for index, section in enumerate(analysis.sections):
        suggestions.append(Suggestion(
            id=make_suggestion_id("section", TARGET_PROJECT, index),
            kind="section",
            target=TARGET_PROJECT,
            track_name="",
            params={"position_sec": float(section.start_sec), "end_sec": float(section.end_sec), "name": section.label},
            why=(f"The mix changes character at {section.start_sec:.2f} s and again at {section.end_sec:.2f} s: "
                 f"section {section.label} (same letter = similar music)."),
            confidence=0.6,
        ))
    song = analysis.song
    if song is not None and abs(song.tempo.bpm - project.tempo_bpm) > TEMPO_TOLERANCE_BPM:
        tempo_bpm = song.tempo.bpm
        suggestions.append(Suggestion(
            id=make_suggestion_id("tempo", TARGET_PROJECT),
            kind="tempo",
            target=TARGET_PROJECT,
            track_name="",
            params={"tempo_bpm": round(float(tempo_bpm), 2)},
            why=(f"The beat measures {tempo_bpm:.1f} BPM but the project is set to {project.tempo_bpm:.1f} BPM: "
                 f"set the tempo to {tempo_bpm:.1f} so the grid matches the music."),
            confidence=float(song.tempo.confidence or 0.6),
        ))
    if song is not None and song.key.name:
        key_confidence = float(song.key.confidence or 0.6)
        suggestions.append(Suggestion(
            id=make_suggestion_id("key", TARGET_PROJECT),
            kind="key",
            target=TARGET_PROJECT,
            track_name="",
            params={"key": song.key.name},
            why=(f"The pitch content of the whole mix best fits {song.key.name} (key match {key_confidence:.2f} "
                 f"on a 0-1 scale): note it at the start."),
            confidence=key_confidence,
        ))
    return suggestions

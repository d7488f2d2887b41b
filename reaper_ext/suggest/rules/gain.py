"""Gain staging: bring each track to the working level before mixing.

The reference is the track's sample peak (``gain_reference = "peak"``, default)
or its RMS level (``"rms"``), *after* the current track volume: a track already
turned up 6 dB needs 6 dB less. Within ``gain_tolerance_db`` (2 dB) nothing is
suggested. The change goes on the track volume (``D_VOL``).
"""

from __future__ import annotations

import math

from reaper_ext.fx.spec import gain_to_db
from reaper_ext.pipeline.results import SessionAnalysis
from reaper_ext.session.model import Project
from reaper_ext.settings import Settings
from reaper_ext.suggest.model import Suggestion, make_suggestion_id
from reaper_ext.suggest.rules.common import db, usable_tracks

__all__ = ["suggest_gain"]


def suggest_gain(project: Project, analysis: SessionAnalysis, settings: Settings) -> list[Suggestion]:
    """One ``gain`` suggestion per track off the working level by more than the tolerance."""
    suggestions = []
    is_peak = settings.gain_reference == "peak"
    word = "Peak" if is_peak else "RMS level"
    for view in usable_tracks(project, analysis):
        if view.is_silent:
            continue
        level = view.measurements.sample_peak_dbfs if is_peak else view.measurements.rms_dbfs
        if not math.isfinite(level):
            continue
        volume_db = gain_to_db(abs(view.track.volume_gain)) if view.track.volume_gain else -150.0
        effective_dbfs = level + volume_db
        gain_db = round(settings.working_level_dbfs - effective_dbfs, 1)
        if abs(gain_db) <= settings.gain_tolerance_db:
            continue
        fader = f" with the fader at {db(volume_db)} dB" if abs(volume_db) >= 0.05 else ""
        direction = "below" if gain_db > 0 else "above"
        verb = "raise" if gain_db > 0 else "lower"
        why = (f"{word} is {db(effective_dbfs)} dBFS{fader}, {db(abs(gain_db))} dB {direction} the "
               f"{db(settings.working_level_dbfs)} dBFS working level: {verb} the track {db(abs(gain_db))} dB.")
        # a clipped peak understates the true level, so the change is less certain
        confidence = 0.6 if view.problems("clipping") else 0.95
        suggestions.append(Suggestion(
            id=make_suggestion_id("gain", view.guid),
            kind="gain",
            target=view.guid,
            track_name=view.name,
            params={"gain_db": gain_db, "target_dbfs": settings.working_level_dbfs, "measured_dbfs": round(effective_dbfs, 2),
                    "reference": settings.gain_reference},
            why=why,
            confidence=confidence,
        ))
    return suggestions

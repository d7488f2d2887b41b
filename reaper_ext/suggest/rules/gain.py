"""Gain staging: bring each track to the working level before mixing.

Two references (``gain_reference``):

* ``"rms"`` (the default), as engineers stage (issue 11): the *average* level while the track plays
  (its RMS over its active regions, so a tom track's silence between fills does not
  count) goes to the working level, -18 dBFS RMS by default, the level analogue-modelled
  plug-ins read as 0 VU; peaks stay well above it, under a ceiling of
  :data:`PEAK_CEILING_DBFS` (-6 dBFS): a track that would peak higher is staged lower.
  The change is made *before* the FX (take volume), so what a suggested EQ,
  compressor or gate hears is the staged level; the track fader does not count. Nothing within ``max(gain_tolerance_db, 3)`` dB: on a
  well-recorded session most tracks need no change.
* ``"peak"`` (the older rule): the sample peak *after* the current track volume goes to
  the working level; nothing within ``gain_tolerance_db``.

Either way the change is made before the FX: accepting it multiplies the take volume
of every take of the track's audio items (``reaper_ext.suggest.ledger.core``), so
``params["stage"]`` is ``"pre_fx"``. The dynamics rule sets its thresholds for the
staged level (:func:`staged_gain_db`).
"""

from __future__ import annotations

import math

from reaper_ext.fx.spec import gain_to_db
from reaper_ext.pipeline.results import SessionAnalysis
from reaper_ext.session.model import Project
from reaper_ext.settings import Settings
from reaper_ext.suggest.model import Suggestion, make_suggestion_id
from reaper_ext.suggest.rules.common import db, usable_tracks

__all__ = ["suggest_gain", "staged_gain_db", "pre_fx_gain_db", "active_rms_dbfs", "PEAK_CEILING_DBFS", "RMS_TOLERANCE_DB"]

PEAK_CEILING_DBFS = -6.0  # no track staged to peak above this (headroom for the FX and the mix bus)
RMS_TOLERANCE_DB = 3.0  # the smallest change worth making when staging by the average level
_MIN_ACTIVE_SHARE = 0.05  # a track active under 5% of its length is measured as if it were 5%


def active_rms_dbfs(measurements) -> float:
    """RMS level over the track's active regions (dBFS): the whole-track RMS less the silent share.

    The energy outside the active regions is next to nothing, so the mean power while
    the track plays is the whole-track mean power over the active share.
    """
    duration_sec = float(measurements.duration_sec)
    active_sec = sum(end - start for start, end in measurements.active_regions)
    share = min(1.0, max(_MIN_ACTIVE_SHARE, active_sec / duration_sec if duration_sec > 0 else 1.0))
    return float(measurements.rms_dbfs) - 10.0 * math.log10(share)


def staged_gain_db(measurements, settings: Settings) -> float | None:
    """The pre-FX gain change the ``"rms"`` rule stages a track with, or None when none is needed.

    Average level to ``settings.working_level_dbfs``, peak no higher than
    :data:`PEAK_CEILING_DBFS`, nothing within ``max(gain_tolerance_db, 3)`` dB.
    """
    level = active_rms_dbfs(measurements)
    peak = float(measurements.sample_peak_dbfs)
    if not (math.isfinite(level) and math.isfinite(peak)):
        return None
    gain_db = min(settings.working_level_dbfs - level, PEAK_CEILING_DBFS - peak)
    if abs(gain_db) <= max(settings.gain_tolerance_db, RMS_TOLERANCE_DB):
        return None
    return round(gain_db, 1)


def _peak_gain_db(view, settings: Settings) -> float | None:
    """The ``"peak"`` rule's change: sample peak after the track volume to the working level (None within tolerance)."""
    level = view.measurements.sample_peak_dbfs
    if not math.isfinite(level):
        return None
    volume_db = gain_to_db(abs(view.track.volume_gain)) if view.track.volume_gain else -150.0
    gain_db = round(settings.working_level_dbfs - (level + volume_db), 1)
    return None if abs(gain_db) <= settings.gain_tolerance_db else gain_db


def pre_fx_gain_db(view, settings: Settings) -> float:
    """The gain (dB) the gain rule puts before this track's FX; 0 when it suggests none (or is switched off).

    What a plug-in at the head of the chain will hear once the suggestions are
    accepted is the measured level plus this: the dynamics rule sets its
    thresholds for it.
    """
    if not settings.is_enabled("gain") or view.is_silent:
        return 0.0
    if settings.gain_reference == "peak":
        gain_db = _peak_gain_db(view, settings)
    else:
        gain_db = staged_gain_db(view.measurements, settings)
    return 0.0 if gain_db is None else float(gain_db)


def _staged_suggestion(view, settings: Settings) -> Suggestion | None:
    gain_db = staged_gain_db(view.measurements, settings)
    if gain_db is None:
        return None
    level = active_rms_dbfs(view.measurements)
    peak = float(view.measurements.sample_peak_dbfs)
    offset_db = settings.working_level_dbfs - level
    by_ceiling = gain_db < round(offset_db, 1) - 0.05
    verb = "raise" if gain_db > 0 else "lower"
    working = f"the {db(settings.working_level_dbfs)} dBFS RMS working level"
    if not by_ceiling:
        reason = f"{db(abs(offset_db))} dB {'below' if offset_db > 0 else 'above'} {working}"
    elif gain_db > 0:
        reason = (f"{db(offset_db)} dB below {working}, but its peak may rise only to the {db(PEAK_CEILING_DBFS)} dBFS "
                  "ceiling")
    else:
        reason = f"its peak is over the {db(PEAK_CEILING_DBFS)} dBFS ceiling"
    why = (f"Average level while playing is {db(level)} dBFS RMS (peak {db(peak)} dBFS), {reason}: "
           f"{verb} it {db(abs(gain_db))} dB before its FX (take volume), so its EQ, compressor and gate hear the "
           f"staged level. Engineers stage the average near {db(settings.working_level_dbfs)} dBFS RMS (0 VU on "
           f"analogue-modelled plug-ins), peaks above it but under {db(PEAK_CEILING_DBFS)} dBFS.")
    confidence = 0.6 if view.problems("clipping") else 0.9
    return Suggestion(
        id=make_suggestion_id("gain", view.guid),
        kind="gain",
        target=view.guid,
        track_name=view.name,
        params={"gain_db": gain_db, "target_dbfs": settings.working_level_dbfs, "measured_dbfs": round(level, 2),
                "peak_dbfs": round(peak, 2), "reference": "rms", "stage": "pre_fx"},
        why=why,
        confidence=confidence,
    )


def suggest_gain(project: Project, analysis: SessionAnalysis, settings: Settings) -> list[Suggestion]:
    """One ``gain`` suggestion per track off the working level by more than the tolerance."""
    suggestions = []
    is_peak = settings.gain_reference == "peak"
    word = "Peak" if is_peak else "RMS level"
    for view in usable_tracks(project, analysis):
        if view.is_silent:
            continue
        if not is_peak:
            staged = _staged_suggestion(view, settings)
            if staged is not None:
                suggestions.append(staged)
            continue
        gain_db = _peak_gain_db(view, settings)
        if gain_db is None:
            continue
        volume_db = gain_to_db(abs(view.track.volume_gain)) if view.track.volume_gain else -150.0
        effective_dbfs = view.measurements.sample_peak_dbfs + volume_db
        fader = f" with the fader at {db(volume_db)} dB" if abs(volume_db) >= 0.05 else ""
        direction = "below" if gain_db > 0 else "above"
        verb = "raise" if gain_db > 0 else "lower"
        why = (f"{word} is {db(effective_dbfs)} dBFS{fader}, {db(abs(gain_db))} dB {direction} the "
               f"{db(settings.working_level_dbfs)} dBFS working level: {verb} it {db(abs(gain_db))} dB before its FX "
               "(take volume).")
        # a clipped peak understates the true level, so the change is less certain
        confidence = 0.6 if view.problems("clipping") else 0.95
        suggestions.append(Suggestion(
            id=make_suggestion_id("gain", view.guid),
            kind="gain",
            target=view.guid,
            track_name=view.name,
            params={"gain_db": gain_db, "target_dbfs": settings.working_level_dbfs, "measured_dbfs": round(effective_dbfs, 2),
                    "reference": settings.gain_reference, "stage": "pre_fx"},
            why=why,
            confidence=confidence,
        ))
    return suggestions

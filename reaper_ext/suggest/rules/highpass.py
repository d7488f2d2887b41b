"""High-pass filters: cut what lies under a track's musical content.

Per track, from its third-octave LTAS (hum lines excluded when a ``hum`` problem
was found):

1. *Content*: third-octave bands at or above the class's lowest plausible
   fundamental (:data:`MIN_CONTENT_HZ`, e.g. 70 Hz for a voice) whose level is
   within ``CONTENT_RANGE_DB`` (18 dB) of the track's loudest band. The lowest
   such band is where the music starts.
2. *Corner*: the class corner (``settings.highpass_hz``), lowered to 0.7 x the
   lowest content band (half an octave under it, where a 12 dB/oct Butterworth
   is ~6 dB down an octave below the corner and ~1 dB at the content) when the
   track's own content goes lower. Rounded to a typable number.
3. *Decision*: classes with a corner suggest it when at least ``MIN_SHARE_PCT``
   (1 %) of the energy lies below it and the corner stays >= 30 Hz (else the
   content truly goes low: no filter). Classes without one (kick, bass, toms)
   get a filter only for rumble: at least ``RUMBLE_SHARE_PCT`` (5 %) of the energy
   below their content.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.problems.base import HumMeasured
from reaper_ext.fx import EqBand
from reaper_ext.pipeline.results import SessionAnalysis
from reaper_ext.session.model import Project
from reaper_ext.settings import Settings
from reaper_ext.suggest.model import Suggestion, make_suggestion_id
from reaper_ext.suggest.rules.common import TrackView, clamp, eq_fx, nice_freq_hz, usable_tracks

__all__ = ["suggest_highpass", "highpass_corner_hz", "MIN_CONTENT_HZ"]

#: Lowest fundamental each fine class plausibly plays (Hz).
MIN_CONTENT_HZ: dict[str, float] = {
    "kick": 30.0, "snare": 80.0, "hihat": 200.0, "toms": 40.0, "overheads": 40.0, "percussion": 60.0,
    "bass": 30.0, "guitar": 70.0, "keys": 27.0, "strings": 30.0, "brass": 30.0, "woodwind": 50.0,
    "synth_lead": 50.0, "synth_pad": 30.0, "vocals": 75.0, "fx": 20.0, "other": 20.0,
}
CONTENT_RANGE_DB = 18.0
MIN_SHARE_PCT = 1.0
RUMBLE_SHARE_PCT = 5.0
MIN_CORNER_HZ = 30.0
RUMBLE_CORNER_HZ = 25.0


def _hum_mask(view: TrackView, centres: np.ndarray) -> np.ndarray:
    """Bands holding a hum harmonic (a notch treats those, not the high-pass)."""
    mask = np.zeros(centres.shape, dtype=bool)
    for problem in view.problems("hum"):
        for freq in problem.measured_as(HumMeasured)["harmonics_hz"] or []:
            mask |= np.abs(np.log2(centres / freq)) < 1 / 6
    return mask


def highpass_corner_hz(view: TrackView, settings: Settings) -> dict | None:
    """Find the corner for ``view`` with the numbers behind it, or None for no filter."""
    centres, levels = view.ltas()
    if centres.size == 0 or not np.isfinite(levels).any():
        return None
    usable = np.isfinite(levels) & ~_hum_mask(view, centres)
    if not usable.any():
        return None
    peak_db = float(levels[usable].max())
    min_content = MIN_CONTENT_HZ.get(view.fine_class, 20.0)
    content = usable & (centres >= min_content) & (levels >= peak_db - CONTENT_RANGE_DB)
    if not content.any():
        return None
    lowest_hz = float(centres[content].min())
    class_corner = float(settings.highpass_hz.get(view.fine_class, 0.0))
    candidate = 0.7 * lowest_hz
    corner = min(class_corner, candidate) if class_corner > 0 else candidate
    power = np.where(usable, 10.0 ** (levels / 10.0), 0.0)
    total = float(power.sum())
    below = centres < corner
    share_pct = 100.0 * float(power[below].sum()) / total if total > 0 else 0.0
    below_levels = np.where(below & usable, levels, -np.inf)
    rumble_hz = float(centres[int(np.argmax(below_levels))]) if below.any() and np.isfinite(below_levels).any() else None
    if class_corner > 0:
        if share_pct < MIN_SHARE_PCT or corner < MIN_CORNER_HZ:
            return None
    elif share_pct < RUMBLE_SHARE_PCT or corner < RUMBLE_CORNER_HZ:
        return None
    corner = nice_freq_hz(corner)
    if rumble_hz is not None:
        corner = max(corner, nice_freq_hz(rumble_hz * 1.26))  # stay above the rumble itself
        corner = min(corner, lowest_hz * 0.8)
    return {"freq_hz": round(corner, 1), "share_pct": share_pct, "lowest_content_hz": lowest_hz,
            "rumble_hz": rumble_hz, "class_corner_hz": class_corner}


def suggest_highpass(project: Project, analysis: SessionAnalysis, settings: Settings) -> list[Suggestion]:
    """One ``highpass`` suggestion per track with energy under its music."""
    suggestions = []
    for view in usable_tracks(project, analysis):
        if view.is_silent:
            continue
        found = highpass_corner_hz(view, settings)
        if found is None:
            continue
        freq_hz = found["freq_hz"]
        what = view.noun
        rumble = f" (strongest at {found['rumble_hz']:.0f} Hz)" if found["rumble_hz"] else ""
        why = (f"{found['share_pct']:.1f}% of this {what}'s energy is below {freq_hz:.0f} Hz{rumble} and its music "
               f"starts at {found['lowest_content_hz']:.0f} Hz: high-pass at {freq_hz:.0f} Hz.")
        # more energy down there = surer it needs to go; the label decides the class corner
        confidence = clamp(0.5 + found["share_pct"] / 20.0, 0.5, 0.95) * (0.5 + 0.5 * view.label_confidence)
        suggestions.append(Suggestion(
            id=make_suggestion_id("highpass", view.guid),
            kind="highpass",
            target=view.guid,
            track_name=view.name,
            params={"fx": eq_fx(f"HPF {freq_hz:.0f} Hz", [EqBand("highpass", freq_hz, q=0.707)]), "freq_hz": freq_hz,
                    "share_below_pct": round(found["share_pct"], 1), "lowest_content_hz": found["lowest_content_hz"]},
            why=why,
            confidence=confidence,
        ))
    return suggestions

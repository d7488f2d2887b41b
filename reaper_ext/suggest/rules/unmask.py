"""Cross-track unmasking: complementary cuts where two tracks crowd the same bands.

Pairs considered (the first leads in the named region):

* kick and bass, 40-250 Hz: the bass is cut ``KICK_BASS_CUT_DB`` (3 dB) at the
  kick's punch (its loudest band, 50-100 Hz) and the kick ``BASS_KICK_CUT_DB``
  (2 dB) at the bass's loudest band at least 2/3 octave away from that punch,
  so each keeps a region of its own;
* vocals over guitars, keys, synth pads and strings, 1-4 kHz: the other track is
  cut ``VOCAL_CUT_DB`` (2.5 dB) at the vocal's presence peak.

A pair collides in a band when both tracks are within ``COLLIDE_RANGE_DB``
(10 dB) of their own loudest band there, i.e. both are strong in it.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.fx import EqBand
from reaper_ext.pipeline.results import SessionAnalysis
from reaper_ext.session.model import Project
from reaper_ext.settings import Settings
from reaper_ext.suggest.model import Suggestion, make_suggestion_id
from reaper_ext.suggest.rules.common import TrackView, eq_fx, nice_freq_hz, usable_tracks

__all__ = ["suggest_unmask", "masking_pairs"]

COLLIDE_RANGE_DB = 10.0
KICK_BASS_CUT_DB = -3.0
BASS_KICK_CUT_DB = -2.0
VOCAL_CUT_DB = -2.5
VOCAL_MASKERS = ("guitar", "keys", "synth_pad", "strings")


def _strength(view: TrackView) -> tuple[np.ndarray, np.ndarray]:
    """Band levels relative to the track's loudest band (0 dB at the top)."""
    centres, levels = view.ltas()
    finite = np.isfinite(levels)
    if not finite.any():
        return centres, np.full(levels.shape, -np.inf)
    return centres, levels - float(levels[finite].max())


def _band(centres: np.ndarray, low_hz: float, high_hz: float) -> np.ndarray:
    return (centres >= low_hz) & (centres <= high_hz)


def _loudest(centres: np.ndarray, relative: np.ndarray, mask: np.ndarray) -> int | None:
    values = np.where(mask & np.isfinite(relative), relative, -np.inf)
    index = int(np.argmax(values))
    return index if np.isfinite(values[index]) else None


def masking_pairs(project: Project, analysis: SessionAnalysis) -> list[dict]:
    """Every colliding pair: leader, follower, region and the cut(s) each gets (for rules and the report)."""
    views = [view for view in usable_tracks(project, analysis) if view.result.label and not view.is_silent]
    kicks = [view for view in views if view.fine_class == "kick"]
    basses = [view for view in views if view.coarse_class == "bass"]
    vocals = [view for view in views if view.coarse_class == "vocals"]
    others = [view for view in views if view.fine_class in VOCAL_MASKERS or view.coarse_class == "guitar"]
    pairs = []
    for kick in kicks:
        for bass in basses:
            centres, kick_rel = _strength(kick)
            _, bass_rel = _strength(bass)
            if kick_rel.shape != bass_rel.shape or centres.size == 0:
                continue
            region = _band(centres, 40, 250)
            collide = region & (kick_rel >= -COLLIDE_RANGE_DB) & (bass_rel >= -COLLIDE_RANGE_DB)
            if not collide.any():
                continue
            punch = _loudest(centres, kick_rel, _band(centres, 50, 100))
            if punch is None:
                continue
            away = region & (np.abs(np.log2(centres / centres[punch])) >= 2 / 3 - 1e-6)
            bass_peak = _loudest(centres, bass_rel, away)
            if bass_peak is None:
                continue
            pairs.append({
                "kind": "kick_bass", "leader": kick, "follower": bass,
                "collide_hz": [float(f) for f in centres[collide]],
                "cuts": [
                    (bass, kick, float(centres[punch]), KICK_BASS_CUT_DB, float(kick_rel[punch]), float(bass_rel[punch]), "punch"),
                    (kick, bass, float(centres[bass_peak]), BASS_KICK_CUT_DB, float(bass_rel[bass_peak]), float(kick_rel[bass_peak]), "body"),
                ],
            })
    for vocal in vocals:
        centres, vocal_rel = _strength(vocal)
        presence = _loudest(centres, vocal_rel, _band(centres, 1000, 4000))
        if presence is None or vocal_rel[presence] < -COLLIDE_RANGE_DB - 6:
            continue
        for other in others:
            _, other_rel = _strength(other)
            if other_rel.shape != vocal_rel.shape or other_rel[presence] < -COLLIDE_RANGE_DB:
                continue
            pairs.append({
                "kind": "vocal", "leader": vocal, "follower": other, "collide_hz": [float(centres[presence])],
                "cuts": [(other, vocal, float(centres[presence]), VOCAL_CUT_DB, float(vocal_rel[presence]), float(other_rel[presence]), "presence")],
            })
    return pairs


def suggest_unmask(project: Project, analysis: SessionAnalysis, settings: Settings) -> list[Suggestion]:
    """``unmask`` cuts for each colliding pair (see the module docstring)."""
    suggestions = []
    for pair in masking_pairs(project, analysis):
        for target, other, freq, gain_db, other_rel, target_rel, role in pair["cuts"]:
            freq_hz = nice_freq_hz(freq)
            other_what = other.noun
            what = target.noun
            why = (f"The {other_what} \"{other.name}\" peaks at {freq_hz:.0f} Hz ({role}, {other_rel:.0f} dB from its top) "
                   f"where this {what} is also strong ({target_rel:.0f} dB from its top): cut {abs(gain_db):.1f} dB at "
                   f"{freq_hz:.0f} Hz so the {other_what} comes through.")
            band = EqBand("band", freq_hz, gain_db, q=1.4)
            suggestions.append(Suggestion(
                id=make_suggestion_id("unmask", target.guid, [other.guid, role]),
                kind="unmask",
                target=target.guid,
                track_name=target.name,
                params={"fx": eq_fx(f"unmask {other.name or other_what} {gain_db:+.1f} dB {freq_hz:.0f} Hz", [band]),
                        "other_track_guid": other.guid, "freq_hz": freq_hz, "gain_db": gain_db},
                why=why,
                confidence=0.6 * min(target.label_confidence, other.label_confidence) + 0.2,
            ))
    return suggestions

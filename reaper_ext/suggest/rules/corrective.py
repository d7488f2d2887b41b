"""Fixes for recording faults: hum, polarity, silent tracks and items, DC offset.

* ``hum`` -> ReaEQ notches (Q 30, ~0.05 octave) at the mains base (50 or 60 Hz)
  and at each harmonic the detector found, at their nominal k x base.
* ``polarity`` -> flip the track's phase button (not an FX).
* ``silence`` over the whole track -> mute the track (its items are then not
  muted one by one: the track's mute covers them).
* ``silent_item`` -> mute that item (the item under the problem's time range).
* ``dc_offset`` -> a 20 Hz high-pass, unless the high-pass rule already puts a
  higher one on the track (which removes DC too).
"""

from __future__ import annotations

from reaper_ext.analysis.problems.base import (
    DcOffsetMeasured,
    HumMeasured,
    PolarityMeasured,
    Problem,
    SilenceMeasured,
    SilentItemMeasured,
)
from reaper_ext.fx import EqBand
from reaper_ext.pipeline.results import SessionAnalysis
from reaper_ext.session.model import Item, Project, Track
from reaper_ext.settings import Settings
from reaper_ext.suggest.model import Suggestion, make_suggestion_id
from reaper_ext.suggest.rules.common import TrackView, eq_fx, usable_tracks
from reaper_ext.suggest.rules.highpass import highpass_corner_hz

__all__ = ["suggest_corrective", "item_at"]

NOTCH_Q = 30.0
DC_HIGHPASS_HZ = 20.0


def item_at(track: Track, start_sec: float, end_sec: float) -> Item | None:
    """Find the track's unmuted item overlapping ``[start_sec, end_sec]`` the most (project seconds)."""
    best, best_overlap = None, 0.0
    for item in track.items:
        if item.is_muted:
            continue
        overlap = min(item.end_sec, end_sec) - max(item.position_sec, start_sec)
        if overlap > best_overlap + 1e-9:
            best, best_overlap = item, overlap
    return best


def _notch(view: TrackView, problem: Problem) -> Suggestion:
    measured = problem.measured_as(HumMeasured)
    base_hz = float(measured["freq_hz"])
    numbers = sorted({1, *(int(k) for k in measured["harmonic_numbers"] or [])})
    freqs = [round(k * base_hz, 1) for k in numbers]
    bands = [EqBand("notch", freq, 0.0, q=NOTCH_Q) for freq in freqs]
    listed = ", ".join(f"{freq:.0f}" for freq in freqs)
    found = ", ".join(f"{freq:.0f}" for freq in measured["harmonics_hz"] or [])
    return Suggestion(
        id=make_suggestion_id("notch", view.guid, base_hz),
        kind="notch",
        target=view.guid,
        track_name=view.name,
        params={"fx": eq_fx(f"hum notch {base_hz:.0f} Hz", bands), "freq_hz": freqs, "base_hz": base_hz},
        why=(f"Mains hum at {base_hz:.0f} Hz: peaks at {found} Hz stand {measured['prominence_db']:.0f} dB above "
             f"their surroundings, up to {measured['level_dbfs']:.0f} dBFS: notch {listed} Hz."),
        confidence={"high": 0.95, "medium": 0.85}.get(problem.severity, 0.7),
    )


def _polarity(view: TrackView, problem: Problem, project: Project) -> Suggestion:
    measured = problem.measured_as(PolarityMeasured)
    partner = measured["partner_track"] or ""
    # the session analysis names the partner by GUID; show its name
    partner_track = project.track_by_guid(partner)
    partner_name = f'"{partner_track.name}"' if partner_track is not None else "another track"
    return Suggestion(
        id=make_suggestion_id("polarity", view.guid),
        kind="polarity",
        target=view.guid,
        track_name=view.name,
        params={"is_inverted": not view.track.is_phase_inverted, "partner": partner},
        why=(f"This track's low end correlates at {measured['correlation']:.2f} with {partner_name} "
             f"({measured['lag_ms']:.1f} ms apart): one of them is upside down, flip its polarity."),
        confidence={"high": 0.9, "medium": 0.8}.get(problem.severity, 0.65),
    )


def suggest_corrective(project: Project, analysis: SessionAnalysis, settings: Settings) -> list[Suggestion]:
    """Notch, polarity, mute_track, mute_item and DC high-pass suggestions."""
    suggestions = []
    for view in usable_tracks(project, analysis):
        for problem in view.problems("hum"):
            suggestions.append(_notch(view, problem))
        polarity = view.problems("polarity")
        if polarity:
            suggestions.append(_polarity(view, polarity[0], project))
        silence = view.problems("silence")
        if silence and not view.track.is_muted:
            peak = silence[0].measured_as(SilenceMeasured)["peak_dbfs"]
            level = "digital zero" if peak is None else f"a peak of {peak:.0f} dBFS"
            suggestions.append(Suggestion(
                id=make_suggestion_id("mute_track", view.guid), kind="mute_track", target=view.guid,
                track_name=view.name, params={"is_muted": True},
                why=f"The whole track is silent ({level} over {silence[0].end_sec - silence[0].start_sec:.1f} s): mute it.",
                confidence=0.95,
            ))
        for problem in [] if silence else view.problems("silent_item"):
            item = item_at(view.track, problem.start_sec, problem.end_sec)
            if item is None:
                continue
            peak = problem.measured_as(SilentItemMeasured)["peak_dbfs"]
            level = "digital zero" if peak is None else f"a peak of {peak:.0f} dBFS"
            suggestions.append(Suggestion(
                id=make_suggestion_id("mute_item", view.guid, item.guid or item.position_sec), kind="mute_item",
                target=view.guid, track_name=view.name, params={"item_guid": item.guid, "is_muted": True},
                why=(f"The item at {item.position_sec:.2f} s ({item.take_name or 'no name'}) is silent, {level} over "
                     f"{item.length_sec:.1f} s: mute it."),
                confidence=0.9,
            ))
        dc = view.problems("dc_offset")
        if dc and highpass_corner_hz(view, settings) is None:
            offset = dc[0].measured_as(DcOffsetMeasured)["dc_offset_dbfs"]
            suggestions.append(Suggestion(
                id=make_suggestion_id("highpass", view.guid, "dc"), kind="highpass", target=view.guid,
                track_name=view.name,
                params={"fx": eq_fx(f"DC HPF {DC_HIGHPASS_HZ:.0f} Hz", [EqBand("highpass", DC_HIGHPASS_HZ, q=0.707)]),
                        "freq_hz": DC_HIGHPASS_HZ, "dc_offset_dbfs": offset},
                why=(f"The track sits {offset:.0f} dBFS off centre (DC offset): a {DC_HIGHPASS_HZ:.0f} Hz high-pass "
                     f"removes it and frees headroom."),
                confidence=0.85,
            ))
    return suggestions

"""Corrective EQ against a per-class target spectrum.

Each coarse class has a broad target shape (:data:`TARGET_SHAPES`: dB per
frequency, third-octave band power, interpolated on a log-frequency axis),
drawn from the usual long-term spectra of the instrument: a voice flat from
200 Hz to 1 kHz and falling ~6 dB/oct above 3 kHz, a bass flat to 120 Hz and
falling fast above 250 Hz, and so on. Drums and "other" have no target (a
kit's pieces differ too much); they get no corrective EQ.

The track's LTAS is compared with its target over the bands where both matter
(target within 24 dB of its top, track within 30 dB of its loudest band, no hum
line), after removing the median offset, and smoothed over one octave (three
bands) so single notes don't count. A track whose smoothed deviation stays
within ``settings.eq_tolerance_db`` is *close* and gets nothing. Otherwise up to
four bands (``MAX_BANDS``) are picked, largest deviation first, at least 2/3
octave apart: gain = half the excess deviation, cuts up to ``eq_max_cut_db``,
boosts up to ``eq_max_boost_db`` and only where the track is within 15 dB of
its loudest band (a boost where it holds mostly noise would raise the noise).
Tracks whose label is less than ``MIN_LABEL_CONFIDENCE`` (0.5) sure get no EQ: the
target of a wrong class would be a wrong correction.
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

__all__ = ["suggest_eq", "TARGET_SHAPES", "target_curve_db", "eq_deviation"]

#: Target shape per coarse class: (freq_hz, dB) anchors, 0 dB at the top.
TARGET_SHAPES: dict[str, tuple[tuple[float, float], ...]] = {
    "vocals": ((80, -24), (150, -6), (200, 0), (1000, 0), (3000, -6), (6000, -12), (10000, -20), (16000, -32)),
    "guitar": ((60, -18), (100, -4), (200, 0), (1000, -3), (3000, -8), (6000, -16), (10000, -26)),
    "keys": ((40, -14), (100, -4), (250, 0), (1000, -4), (3000, -10), (6000, -18), (10000, -28)),
    "strings": ((50, -14), (150, -2), (300, 0), (1000, -4), (3000, -12), (6000, -22), (10000, -32)),
    "brass": ((60, -18), (200, -3), (500, 0), (1500, -2), (4000, -10), (8000, -20), (12000, -30)),
    "woodwind": ((120, -16), (300, -2), (800, 0), (2000, -4), (5000, -14), (10000, -26)),
    "synth": ((40, -12), (150, 0), (1000, -3), (4000, -10), (10000, -22), (16000, -32)),
    "bass": ((30, -8), (50, 0), (120, 0), (250, -6), (500, -14), (1000, -22), (3000, -34)),
}
TARGET_RANGE_DB = 24.0
TRACK_RANGE_DB = 30.0
BOOST_RANGE_DB = 15.0
MAX_BANDS = 4
MIN_LABEL_CONFIDENCE = 0.5
MIN_GAIN_DB = 1.5
BAND_Q = 1.0


def target_curve_db(coarse_class: str, centres_hz: np.ndarray) -> np.ndarray | None:
    """Return the class target at ``centres_hz`` (dB, top at 0), None for classes without one."""
    shape = TARGET_SHAPES.get(coarse_class)
    if shape is None:
        return None
    freqs, levels = np.array(shape, dtype=float).T
    values = np.interp(np.log2(centres_hz), np.log2(freqs), levels)
    # beyond the anchors, keep falling 12 dB/oct (nothing is expected there)
    values = np.where(centres_hz < freqs[0], levels[0] - 12.0 * np.log2(freqs[0] / centres_hz), values)
    return np.where(centres_hz > freqs[-1], levels[-1] - 12.0 * np.log2(centres_hz / freqs[-1]), values)


def eq_deviation(view: TrackView) -> dict | None:
    """Measure the track's octave-smoothed deviation from its class target, or None without a target."""
    centres, levels = view.ltas()
    target = target_curve_db(view.coarse_class, centres) if centres.size else None
    if target is None or not np.isfinite(levels).any():
        return None
    hum = np.zeros(centres.shape, dtype=bool)
    for problem in view.problems("hum"):
        for freq in problem.measured_as(HumMeasured)["harmonics_hz"] or []:
            hum |= np.abs(np.log2(centres / freq)) < 1 / 6
    peak_db = float(np.max(levels[np.isfinite(levels)]))
    considered = np.isfinite(levels) & (target >= -TARGET_RANGE_DB) & (levels >= peak_db - TRACK_RANGE_DB) & ~hum
    if considered.sum() < 6:
        return None
    raw = np.where(considered, levels - target, np.nan)
    raw -= np.nanmedian(raw)
    smoothed = np.full(raw.shape, np.nan)
    for index in np.flatnonzero(considered):
        window = raw[max(0, index - 1): index + 2]
        smoothed[index] = float(np.nanmean(window))
    return {"centres_hz": centres, "levels_db": levels, "target_db": target, "deviation_db": smoothed,
            "considered": considered, "peak_db": peak_db}


def _pick_bands(found: dict, settings: Settings) -> list[tuple[float, float, float]]:
    """(freq_hz, gain_db, deviation_db) of up to MAX_BANDS corrections."""
    centres, deviation = found["centres_hz"], found["deviation_db"].copy()
    levels, peak_db = found["levels_db"], found["peak_db"]
    tolerance = settings.eq_tolerance_db
    picked: list[tuple[float, float, float]] = []
    while len(picked) < MAX_BANDS:
        magnitude = np.where(np.isfinite(deviation), np.abs(deviation), -1.0)
        index = int(np.argmax(magnitude))
        if magnitude[index] <= tolerance:
            break
        value = float(deviation[index])
        gain_db = -0.5 * (abs(value) - tolerance / 2) * np.sign(value)
        if gain_db > 0 and levels[index] < peak_db - BOOST_RANGE_DB:
            gain_db = 0.0  # mostly noise there: never boost it
        gain_db = round(clamp(gain_db, -settings.eq_max_cut_db, settings.eq_max_boost_db) * 2) / 2
        deviation[np.abs(np.log2(centres / centres[index])) < 2 / 3] = np.nan
        if abs(gain_db) >= MIN_GAIN_DB:
            picked.append((nice_freq_hz(float(centres[index])), float(gain_db), value))
    return sorted(picked)


def suggest_eq(project: Project, analysis: SessionAnalysis, settings: Settings) -> list[Suggestion]:
    """One ``eq`` suggestion per track far enough from its class target."""
    suggestions = []
    for view in usable_tracks(project, analysis):
        if view.is_silent or view.label_confidence < MIN_LABEL_CONFIDENCE:
            continue
        found = eq_deviation(view)
        if found is None:
            continue
        bands = _pick_bands(found, settings)
        if not bands:
            continue
        parts = [f"{'+' if dev > 0 else ''}{dev:.0f} dB at {freq:.0f} Hz" for freq, _, dev in bands]
        moves = [f"{'cut' if gain < 0 else 'boost'} {abs(gain):.1f} dB at {freq:.0f} Hz" for freq, gain, _ in bands]
        why = (f"Against a typical {view.coarse_class} spectrum this track is {', '.join(parts)} "
               f"(octave-smoothed, tolerance {settings.eq_tolerance_db:.0f} dB): {', '.join(moves)}.")
        worst = max(abs(dev) for *_, dev in bands)
        confidence = clamp(0.4 + (worst - settings.eq_tolerance_db) / 20.0, 0.4, 0.8) * (0.5 + 0.5 * view.label_confidence)
        eq_bands = [EqBand("band", freq, gain, q=BAND_Q) for freq, gain, _ in bands]
        suggestions.append(Suggestion(
            id=make_suggestion_id("eq", view.guid),
            kind="eq",
            target=view.guid,
            track_name=view.name,
            params={"fx": eq_fx("EQ " + " / ".join(f"{gain:+.1f} dB {freq:.0f} Hz" for freq, gain, _ in bands), eq_bands),
                    "freq_hz": [freq for freq, *_ in bands], "gain_db": [gain for _, gain, _ in bands]},
            why=why,
            confidence=confidence,
        ))
    return suggestions

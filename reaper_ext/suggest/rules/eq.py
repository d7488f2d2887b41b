"""Corrective EQ: narrow resonances against the track's own spectrum, and only very large tonal imbalances.

A clean, well-recorded track gets nothing (issue 11, item 6). Engineers do not EQ a
track toward a generic template: corrective EQ targets *problems*, with narrow cuts
for resonances and only broad, gentle moves for balance ("cut narrow, boost wide":
B. Owsinski, *The Mixing Engineer's Handbook*, the EQ chapter). Both checks read
the track's LTAS (third-octave bands, IEC 61260-1, averaged over every frame where
the part plays, so what one note adds is spread over the whole part):

* **Resonance** (:func:`find_resonances`): one band, or two adjacent bands (up to
  2/3 octave), between 100 Hz and 10 kHz that stand at least
  :data:`RESONANCE_DB` (10 dB) above the median of the track's *own* spectrum
  in the octave on each side (both sides, separately: the edge of a plateau is not
  a peak), above both adjacent bands by at least :data:`RESONANCE_ADJACENT_DB` (4 dB)
  and a third of that prominence (narrow: a broad hump is tonal balance), and within
  20 dB of the track's loudest band. This is a peak's *prominence* as
  in ``scipy.signal.peak_prominences``, its bases taken as each side's median.
  Bands more than 30 dB under the loudest count as 30 dB under it, so a part
  playing one octave over silence is not a "peak". Cut: half the prominence, at
  most ``eq_max_cut_db``, Q 4 for one band (a third of an octave), Q 2 for two.
* **Tonal balance** (:func:`eq_deviation`): the LTAS against the class's broad
  target (:data:`TARGET_SHAPES`: dB per frequency, interpolated on a
  log-frequency axis, drawn from the usual long-term spectra of the instrument: a
  voice flat from 200 Hz to 1 kHz and falling ~6 dB/oct above 3 kHz, a bass flat to
  120 Hz and falling fast above 250 Hz, and so on), over the bands where both
  matter (target within 24 dB of its top, track within 30 dB of its loudest band,
  no hum line), median offset removed, smoothed over **two octaves** (seven bands).
  Clean renders of real instruments differ from these templates by up to ~14 dB
  over two octaves (and ~22 dB over one: ``benchmarks/bench_restraint.py``,
  development seeds), so only a deviation past ``settings.eq_tolerance_db``
  (18 dB) counts: a plainly harsh or dull track, not one with its own character
  (a broad hump that dominates the track moves the 30 dB window and the median
  offset with it: it reads as the track's body and is left to the ear). Gain = half the excess (``-(|deviation| - tolerance / 2) / 2``),
  cuts up to ``eq_max_cut_db``, boosts up to ``eq_max_boost_db`` and only where the
  track is within 15 dB of its loudest band (a boost where it holds mostly noise
  would raise the noise), Q 1.

Up to four bands (:data:`MAX_BANDS`), resonances first, at least 2/3 octave apart.
Drums and "other" have no target and get no corrective EQ (a kit piece's tuned
ring is its sound; a kit's pieces differ too much), nor does a track whose label is
less than :data:`MIN_LABEL_CONFIDENCE` (0.5) sure.

Limitation: in third-octave bands a narrow, high-Q ring is diluted (a +12 dB,
Q 4 peak reads about +8 dB in its band), and the average over the part cannot tell a
ring that lasts through every note from a note played often. Finding those needs a
fine-resolution spectrum per frame (a median over time of each bin against its
smoothed neighbourhood), which the measurements do not keep.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reaper_ext.analysis.problems.base import HumMeasured
from reaper_ext.fx import EqBand
from reaper_ext.pipeline.results import SessionAnalysis
from reaper_ext.session.model import Project
from reaper_ext.settings import Settings
from reaper_ext.suggest.model import Suggestion, make_suggestion_id
from reaper_ext.suggest.rules.common import TrackView, clamp, eq_fx, nice_freq_hz, usable_tracks

__all__ = ["suggest_eq", "TARGET_SHAPES", "target_curve_db", "eq_deviation", "Resonance", "find_resonances"]

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
#: Third-octave bands each side of a band in the tonal-balance smoothing: two octaves in all.
BROAD_HALF_BANDS = 3
#: Where resonances are looked for: below 100 Hz the bands hold a few FFT bins and a part's
#: lowest notes (and rumble, the high-pass rule's business); above 10 kHz, air and noise.
RESONANCE_RANGE_HZ = (100.0, 10000.0)
#: A resonance stands this far over the median of the track's own spectrum in the octave on each side.
RESONANCE_DB = 10.0
#: ... and this far, and a third of that prominence, over both adjacent bands: narrow (a broad hump
#: is the tonal balance's business), a peak and not the edge of a plateau.
RESONANCE_ADJACENT_DB = 4.0
#: ... within this of the track's loudest band (a resonance is heard).
RESONANCE_TOP_DB = 20.0
RESONANCE_SIDE_BANDS = 3  # one octave of third-octave bands each side
RESONANCE_Q = {1: 4.0, 2: 2.0}  # one band: a third of an octave; two: two thirds


@dataclass(frozen=True)
class Resonance:
    """A narrow peak of a track's LTAS over its own neighbourhood (module docstring)."""

    freq_hz: float  # geometric centre of its bands
    low_hz: float  # lowest band centre
    high_hz: float  # highest band centre
    n_bands: int  # 1 or 2 third-octave bands
    prominence_db: float  # over the higher of the two sides' medians


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


def _hum_mask(view: TrackView, centres: np.ndarray) -> np.ndarray:
    """Bands within 1/6 octave of a measured hum line (the notch rule's business)."""
    hum = np.zeros(centres.shape, dtype=bool)
    for problem in view.problems("hum"):
        for freq in problem.measured_as(HumMeasured)["harmonics_hz"] or []:
            hum |= np.abs(np.log2(centres / freq)) < 1 / 6
    return hum


def find_resonances(centres_hz: np.ndarray, levels_db: np.ndarray, *,
                    excluded: np.ndarray | None = None) -> list[Resonance]:
    """Narrow peaks of an LTAS over its own neighbourhood, most prominent first, 2/3 octave apart.

    Parameters
    ----------
    centres_hz, levels_db : np.ndarray, shape (n_bands,)
        Third-octave centres and levels (``-inf`` for a silent band).
    excluded : np.ndarray of bool, shape (n_bands,), optional
        Bands that may not be part of a resonance (hum lines).
    """
    centres_hz = np.asarray(centres_hz, dtype=float)
    levels_db = np.asarray(levels_db, dtype=float)
    finite = np.isfinite(levels_db)
    if not finite.any():
        return []
    top_db = float(np.max(levels_db[finite]))
    # far under the loudest band = "nothing there": a part over silence is not a peak of silence
    floored = np.maximum(np.where(finite, levels_db, -np.inf), top_db - TRACK_RANGE_DB)
    allowed = (finite & (centres_hz >= RESONANCE_RANGE_HZ[0]) & (centres_hz <= RESONANCE_RANGE_HZ[1])
               & (levels_db >= top_db - RESONANCE_TOP_DB))
    if excluded is not None:
        allowed &= ~excluded
    side = RESONANCE_SIDE_BANDS
    found = []
    for n_bands in (1, 2):
        for start in range(1, centres_hz.size - n_bands):
            stop = start + n_bands
            if not allowed[start:stop].all():
                continue
            left, right = floored[max(0, start - side): start], floored[stop: stop + side]
            if left.size < 2 or right.size < 2:
                continue
            peak_db = float(np.min(floored[start:stop]))
            prominence = peak_db - max(float(np.median(left)), float(np.median(right)))
            above_adjacent = peak_db - max(float(floored[start - 1]), float(floored[stop]))
            if prominence >= RESONANCE_DB and above_adjacent >= max(RESONANCE_ADJACENT_DB, prominence / 3):
                bands = centres_hz[start:stop]
                found.append(Resonance(float(np.exp(np.mean(np.log(bands)))), float(bands[0]), float(bands[-1]),
                                       n_bands, round(prominence, 1)))
    picked: list[Resonance] = []
    for resonance in sorted(found, key=lambda r: -r.prominence_db):
        if all(abs(np.log2(resonance.freq_hz / other.freq_hz)) >= 2 / 3 for other in picked):
            picked.append(resonance)
    return picked


def eq_deviation(view: TrackView) -> dict | None:
    """Measure the track's two-octave-smoothed deviation from its class target, or None without a target."""
    centres, levels = view.ltas()
    target = target_curve_db(view.coarse_class, centres) if centres.size else None
    if target is None or not np.isfinite(levels).any():
        return None
    peak_db = float(np.max(levels[np.isfinite(levels)]))
    considered = (np.isfinite(levels) & (target >= -TARGET_RANGE_DB) & (levels >= peak_db - TRACK_RANGE_DB)
                  & ~_hum_mask(view, centres))
    if considered.sum() < 2 * BROAD_HALF_BANDS + 1:
        return None
    raw = np.where(considered, levels - target, np.nan)
    raw -= np.nanmedian(raw)
    smoothed = np.full(raw.shape, np.nan)
    for index in np.flatnonzero(considered):
        window = raw[max(0, index - BROAD_HALF_BANDS): index + BROAD_HALF_BANDS + 1]
        smoothed[index] = float(np.nanmean(window))
    return {"centres_hz": centres, "levels_db": levels, "target_db": target, "deviation_db": smoothed,
            "considered": considered, "peak_db": peak_db}


def _balance_bands(found: dict, settings: Settings, taken_hz: list[float], n_free: int) -> list[tuple[float, float, float]]:
    """(freq_hz, gain_db, deviation_db) of up to ``n_free`` broad corrections, 2/3 octave from ``taken_hz``."""
    centres, deviation = found["centres_hz"], found["deviation_db"].copy()
    levels, peak_db = found["levels_db"], found["peak_db"]
    tolerance = settings.eq_tolerance_db
    for freq in taken_hz:
        deviation[np.abs(np.log2(centres / freq)) < 2 / 3] = np.nan
    picked: list[tuple[float, float, float]] = []
    while len(picked) < n_free:
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
    return picked


def _span(resonance: Resonance) -> str:
    if resonance.n_bands == 1:
        return f"{resonance.low_hz:.0f} Hz"
    return f"{resonance.low_hz:.0f}-{resonance.high_hz:.0f} Hz"


def suggest_eq(project: Project, analysis: SessionAnalysis, settings: Settings) -> list[Suggestion]:
    """One ``eq`` suggestion per track with a resonance or a very large tonal imbalance (module docstring)."""
    suggestions = []
    for view in usable_tracks(project, analysis):
        if view.is_silent or view.label_confidence < MIN_LABEL_CONFIDENCE or view.coarse_class not in TARGET_SHAPES:
            continue
        centres, levels = view.ltas()
        if not centres.size:
            continue
        resonances = find_resonances(centres, levels, excluded=_hum_mask(view, centres))[:MAX_BANDS]
        cuts = []  # (freq_hz, gain_db, q, resonance)
        for resonance in resonances:
            gain_db = round(clamp(-0.5 * resonance.prominence_db, -settings.eq_max_cut_db, 0.0) * 2) / 2
            if abs(gain_db) >= MIN_GAIN_DB:
                cuts.append((nice_freq_hz(resonance.freq_hz), gain_db, RESONANCE_Q[resonance.n_bands], resonance))
        found = eq_deviation(view)
        balance = [] if found is None else _balance_bands(found, settings, [r.freq_hz for *_, r in cuts],
                                                          MAX_BANDS - len(cuts))
        if not cuts and not balance:
            continue
        sentences = []
        if cuts:
            parts = [f"{_span(r)} stands {r.prominence_db:.0f} dB above the octave on either side" for *_, r in cuts]
            moves = [f"cut {abs(gain):.1f} dB at {freq:.0f} Hz (Q {q:.0f})" for freq, gain, q, _ in cuts]
            sentences.append(f"{'A resonance' if len(cuts) == 1 else 'Resonances'}: {'; '.join(parts)} in this "
                             f"track's own spectrum (at least {RESONANCE_DB:.0f} dB counts): {', '.join(moves)}.")
        if balance:
            parts = [f"{'+' if dev > 0 else ''}{dev:.0f} dB around {freq:.0f} Hz" for freq, _, dev in balance]
            moves = [f"{'cut' if gain < 0 else 'boost'} {abs(gain):.1f} dB at {freq:.0f} Hz" for freq, gain, _ in balance]
            sentences.append(f"Against a typical {view.coarse_class} spectrum this track is {', '.join(parts)} "
                             f"(two-octave-smoothed, tolerance {settings.eq_tolerance_db:.0f} dB): {', '.join(moves)}.")
        excess = [r.prominence_db - RESONANCE_DB for *_, r in cuts] + [abs(dev) - settings.eq_tolerance_db for *_, dev in balance]
        confidence = clamp(0.4 + max(excess) / 20.0, 0.4, 0.8) * (0.5 + 0.5 * view.label_confidence)
        bands = sorted([(freq, gain, q) for freq, gain, q, _ in cuts] + [(freq, gain, BAND_Q) for freq, gain, _ in balance])
        eq_bands = [EqBand("band", freq, gain, q=q) for freq, gain, q in bands]
        suggestions.append(Suggestion(
            id=make_suggestion_id("eq", view.guid),
            kind="eq",
            target=view.guid,
            track_name=view.name,
            params={"fx": eq_fx("EQ " + " / ".join(f"{gain:+.1f} dB {freq:.0f} Hz" for freq, gain, _ in bands), eq_bands),
                    "freq_hz": [freq for freq, *_ in bands], "gain_db": [gain for _, gain, _ in bands]},
            why=" ".join(sentences),
            confidence=confidence,
        ))
    return suggestions

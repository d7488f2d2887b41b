"""Dynamics: a gate for noise between phrases, a de-esser for harsh "s", compression for wide dynamics.

* **Gate**, from ``noise_floor`` problems (steady noise in the gaps): threshold
  ``settings.gate_margin_db`` (6 dB) above the loudest noisy gap's floor, 1 ms
  attack, 100 ms release: ReaGate inside REAPER; in a saved ``.RPP`` the stock
  downward expander, honestly named (``reaper_ext.fx.gate``: ReaGate's saved state
  has no known layout, and the expander cannot gate).
* **Gate for bleed** (issue 11), on a tom close mic (:data:`BLEED_GATE_CLASSES`, a label
  confident enough to rename the track by) whose energy between hits is the rest of the kit: it sounds most of the time
  (active regions over :data:`MIN_BLEED_ACTIVE_SHARE` of it, where a clean tom is
  active only on its fills), with hits well over that (crest factor at least
  :data:`MIN_BLEED_CREST_DB`, peak :data:`MIN_HITS_OVER_BLEED_DB` over the quietest
  tenth of the track, the *bleed floor*, quoted in the why). Threshold halfway, in dB,
  between the bleed floor and the hits' peak; 0.5 ms attack, 50 ms hold, 150 ms
  release for the tom's ring. Arrives bypassed like every FX.
* **De-esser**, from ``sibilance`` problems (at least ``MIN_SIBILANTS`` bursts, or
  one of high severity): ReaComp with its detector band-passed on the measured
  sibilance band (5-10 kHz), threshold 3 dB under the quietest harsh burst's band
  level, 6:1, 1 ms attack, 60 ms release (the ``docs/fx.md`` de-esser recipe).
* **Compressor**, from the crest factor while the part plays (peak minus the RMS of
  its active regions, so pauses between phrases do not count): a class is compressed
  when it exceeds :data:`CREST_LIMIT_DB` (vocals and bass 18 dB, keys 22 dB, others 20 dB;
  drums are left to their transients) by more than :data:`CREST_MARGIN_DB` (3 dB). Threshold 6 dB above the
  integrated loudness (so the loud phrases, not the average, are reduced), the
  class ratio, and the class attack/release (voice 10/100 ms, bass 20/150 ms).

Every threshold is set for the **staged** level: the measured level plus the gain the
gain rule puts before the FX (:func:`reaper_ext.suggest.rules.gain.pre_fx_gain_db`,
take volume), since that is what a plug-in on the track will hear once both are
accepted; the why says so, and ``params["staged_gain_db"]`` holds the gain.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.problems.base import NoiseFloorMeasured, SibilanceMeasured
from reaper_ext.fx import FxSpec
from reaper_ext.fx.gate import GATE_RATIO, gate_spec
from reaper_ext.labels.doubt import is_confident
from reaper_ext.pipeline.results import SessionAnalysis
from reaper_ext.session.model import Project
from reaper_ext.settings import Settings
from reaper_ext.suggest.model import Suggestion, make_suggestion_id
from reaper_ext.suggest.rules.common import FX_PREFIX, TrackView, clamp, level_or_none, usable_tracks
from reaper_ext.suggest.rules.gain import active_rms_dbfs, pre_fx_gain_db

__all__ = ["suggest_dynamics", "staged_note", "CREST_LIMIT_DB", "BLEED_GATE_CLASSES"]

MIN_SIBILANTS = 3
#: Crest factor (dB) above which a coarse class gets a compressor; absent = never. Unprocessed
#: music typically reads 18-20 dB peak to RMS (Frontline's AES Audio Expert System reference,
#: "Crest Factor"); a clean DI bass is no exception: its pluck is a sharp transient over a
#: sustained note (clean renders read up to ~20 dB), so bass sits with vocals at 18 dB.
CREST_LIMIT_DB: dict[str, float] = {
    "vocals": 18.0, "bass": 18.0, "guitar": 20.0, "keys": 22.0, "strings": 20.0, "brass": 20.0,
    "woodwind": 20.0, "synth": 20.0,
}
_RATIO = {"vocals": 3.0, "bass": 4.0}
_TIMES_MS = {"vocals": (10.0, 100.0), "bass": (20.0, 150.0)}
THRESHOLD_ABOVE_LOUDNESS_DB = 6.0
#: How far past its class's usual crest factor a part must be: a clean, dynamic take a few dB
#: over the norm is a performance, not a problem (issue 11 restraint; bench_restraint.py).
CREST_MARGIN_DB = 3.0
#: Close mics a gate is suggested for when the energy between their hits is bleed (issue 11).
BLEED_GATE_CLASSES = ("toms",)
MIN_BLEED_ACTIVE_SHARE = 0.8  # sounding most of the time (a tom hears the whole kit): the hits alone are a few % of it
MIN_BLEED_CREST_DB = 12.0  # hits standing well out of the track
MIN_HITS_OVER_BLEED_DB = 24.0  # peak over the quietest tenth of the track
BLEED_RELEASE_MS = 150.0


def staged_note(gain_db: float) -> str:
    """The sentence a why ends with when its threshold is for the staged level ("" when no gain is staged)."""
    if not gain_db:
        return ""
    return (f" The threshold is for the staged level: the gain suggestion puts {gain_db:+.1f} dB of take volume "
            "before the FX.")


def _gate(view: TrackView, settings: Settings, gain_db: float) -> Suggestion | None:
    gaps = view.problems("noise_floor")
    if not gaps:
        return None
    floors = [floor for gap in gaps if (floor := gap.measured_as(NoiseFloorMeasured)["floor_dbfs"]) is not None]
    if not floors:
        return None
    floor_dbfs = float(max(floors))
    staged_floor_dbfs = floor_dbfs + gain_db
    threshold_db = round(staged_floor_dbfs + settings.gate_margin_db, 1)
    loudness = level_or_none(view.measurements.loudness_lufs)
    if loudness is not None and threshold_db >= loudness + gain_db:
        return None  # the gate would eat the music itself: noise is too close to it
    params = {"threshold_db": threshold_db, "attack_ms": 1.0, "release_ms": 100.0, "ratio": GATE_RATIO}
    total_sec = sum(gap.end_sec - gap.start_sec for gap in gaps)
    fx = gate_spec(threshold_db, attack_ms=1.0, release_ms=100.0, custom_name=f"{FX_PREFIX}gate {threshold_db:.0f} dB").to_dict()
    return Suggestion(
        id=make_suggestion_id("gate", view.guid),
        kind="gate",
        target=view.guid,
        track_name=view.name,
        params={"fx": fx, **params, "floor_dbfs": round(floor_dbfs, 1), "staged_gain_db": gain_db},
        why=(f"{len(gaps)} gaps between phrases ({total_sec:.1f} s) carry steady noise at up to {floor_dbfs:.0f} dBFS"
             + (f", {staged_floor_dbfs:.0f} dBFS once staged" if gain_db else "")
             + f": gate at {threshold_db:.0f} dB, {settings.gate_margin_db:.0f} dB above it "
             "(ReaGate inside REAPER; a saved .RPP gets a downward expander, ~1:2 below the threshold: it lowers the "
             "noise, it does not silence it)." + staged_note(gain_db)),
        confidence=clamp(0.5 + 0.1 * len(gaps), 0.5, 0.85),
    )


def _bleed_gate(view: TrackView, gain_db: float) -> Suggestion | None:
    """A gate for a tom close mic whose energy between hits is the rest of the kit (module docstring)."""
    # the class decides, so it must be one the labeller would rename the track by (labels.doubt)
    if view.fine_class not in BLEED_GATE_CLASSES or view.label is None or not is_confident(view.label_confidence):
        return None
    m = view.measurements
    floor = level_or_none(m.noise_floor_dbfs)
    peak = level_or_none(m.sample_peak_dbfs)
    crest = level_or_none(m.crest_factor_db)
    if floor is None or peak is None or crest is None or m.duration_sec <= 0:
        return None
    active_share = sum(end - start for start, end in m.active_regions) / m.duration_sec
    # a clean tom is silent between its hits (active only on them): nothing for a gate to remove
    if active_share < MIN_BLEED_ACTIVE_SHARE or crest < MIN_BLEED_CREST_DB or peak - floor < MIN_HITS_OVER_BLEED_DB:
        return None
    staged_floor, staged_peak = floor + gain_db, peak + gain_db
    threshold_db = round((staged_floor + staged_peak) / 2.0, 1)  # halfway, in dB, from the bleed floor to the hits
    fx = gate_spec(threshold_db, attack_ms=0.5, release_ms=BLEED_RELEASE_MS, hold_ms=50.0,
                   custom_name=f"{FX_PREFIX}tom gate {threshold_db:.0f} dB").to_dict()
    params = {"threshold_db": threshold_db, "attack_ms": 0.5, "release_ms": BLEED_RELEASE_MS, "ratio": GATE_RATIO}
    return Suggestion(
        id=make_suggestion_id("gate", view.guid),
        kind="gate",
        target=view.guid,
        track_name=view.name,
        params={"fx": fx, **params, "floor_dbfs": round(floor, 1), "bleed_floor_dbfs": round(floor, 1),
                "active_share": round(active_share, 2), "reason": "bleed", "staged_gain_db": gain_db},
        why=(f"Between its hits this {view.noun} track is not silent: it sounds {active_share:.0%} of the time, its quietest "
             f"tenth at {floor:.0f} dBFS against hits peaking at {peak:.1f} dBFS ({crest:.0f} dB crest factor): that is "
             f"the rest of the kit leaking in (bleed). Gate at {threshold_db:.0f} dB, halfway between the bleed floor and "
             f"the hits, {BLEED_RELEASE_MS:.0f} ms release for the tom's ring; listen to the fills "
             "with it on (ReaGate inside REAPER; a saved .RPP gets a downward expander, which lowers the bleed, it does "
             "not silence it)." + staged_note(gain_db)),
        confidence=clamp(0.4 + 0.4 * view.label_confidence, 0.4, 0.75),
    )


def _deesser(view: TrackView, gain_db: float) -> Suggestion | None:
    bursts = view.problems("sibilance")
    if len(bursts) < MIN_SIBILANTS and not any(burst.severity == "high" for burst in bursts):
        return None
    measured = [burst.measured_as(SibilanceMeasured) for burst in bursts]
    levels = [level for m in measured if (level := m["band_level_dbfs"]) is not None]
    if not levels:
        return None
    low_hz = float(measured[0]["low_hz"])
    high_hz = float(measured[0]["high_hz"])
    threshold_db = round(min(levels) + gain_db - 3.0, 1)
    excess = max(m["excess_db"] or 0.0 for m in measured)
    params = {"threshold_db": threshold_db, "ratio": 6.0, "attack_ms": 1.0, "release_ms": 60.0,
              "detector_hipass_hz": low_hz, "detector_lowpass_hz": high_hz}
    fx = FxSpec("ReaComp", params=dict(params), custom_name=f"{FX_PREFIX}de-esser {low_hz / 1000:.0f}-{high_hz / 1000:.0f} kHz").to_dict()
    return Suggestion(
        id=make_suggestion_id("deesser", view.guid),
        kind="deesser",
        target=view.guid,
        track_name=view.name,
        params={"fx": fx, "freq_hz": round(float(np.sqrt(low_hz * high_hz))), "threshold_db": threshold_db,
                "n_bursts": len(bursts), "staged_gain_db": gain_db},
        why=(f"{len(bursts)} sibilant bursts where {low_hz / 1000:.0f}-{high_hz / 1000:.0f} kHz is up to {excess:.1f} dB "
             f"louder than the voice itself: de-ess that band at {threshold_db:.0f} dB, 6:1." + staged_note(gain_db)),
        confidence=clamp(0.5 + 0.05 * len(bursts), 0.5, 0.85) * (0.5 + 0.5 * view.label_confidence),
    )


def _compressor(view: TrackView, gain_db: float) -> Suggestion | None:
    limit = CREST_LIMIT_DB.get(view.coarse_class)
    loudness = level_or_none(view.measurements.loudness_lufs)
    peak = level_or_none(view.measurements.sample_peak_dbfs)
    # the crest factor *while the part plays*: pauses between phrases are not dynamics to control
    crest = None if peak is None else peak - active_rms_dbfs(view.measurements)
    if limit is None or peak is None or crest is None or not np.isfinite(crest) or loudness is None \
            or crest <= limit + CREST_MARGIN_DB:
        return None
    ratio = _RATIO.get(view.coarse_class, 2.0)
    attack_ms, release_ms = _TIMES_MS.get(view.coarse_class, (15.0, 150.0))
    loudness += gain_db  # what the compressor will hear once the gain is staged
    threshold_db = round(loudness + THRESHOLD_ABOVE_LOUDNESS_DB, 1)
    peak += gain_db
    if threshold_db >= peak:
        return None
    params = {"threshold_db": threshold_db, "ratio": ratio, "attack_ms": attack_ms, "release_ms": release_ms}
    fx = FxSpec("ReaComp", params=dict(params), custom_name=f"{FX_PREFIX}comp {ratio:.0f}:1 at {threshold_db:.0f} dB").to_dict()
    what = view.noun
    return Suggestion(
        id=make_suggestion_id("compressor", view.guid),
        kind="compressor",
        target=view.guid,
        track_name=view.name,
        params={"fx": fx, **params, "crest_factor_db": crest, "staged_gain_db": gain_db},
        why=(f"Crest factor while it plays is {crest:.0f} dB (peak {peak:.0f} dBFS, loudness {loudness:.0f} LUFS"
             + (" once staged" if gain_db else "") + f"), over {limit + CREST_MARGIN_DB:.0f} dB ({limit:.0f} dB is usual for a {what}): compress "
             f"{ratio:.0f}:1 from {threshold_db:.0f} dB to steady it." + staged_note(gain_db)),
        confidence=clamp(0.5 + (crest - limit) / 20.0, 0.5, 0.85) * (0.5 + 0.5 * view.label_confidence),
    )


def suggest_dynamics(project: Project, analysis: SessionAnalysis, settings: Settings) -> list[Suggestion]:
    """Gate, de-esser and compressor suggestions (module docstring)."""
    suggestions = []
    for view in usable_tracks(project, analysis):
        if view.is_silent:
            continue
        gain_db = pre_fx_gain_db(view, settings)
        gate = _gate(view, settings, gain_db) or _bleed_gate(view, gain_db)
        for made in (gate, _deesser(view, gain_db) if view.coarse_class == "vocals" else None, _compressor(view, gain_db)):
            if made is not None:
                suggestions.append(made)
    return suggestions

"""A gate: ReaGate inside REAPER, an honestly named downward expander in an ``.RPP``.

:func:`gate_spec` builds ``FxSpec("ReaGate", ...)`` with settings in real units
(``threshold_db``, ``attack_ms``, ``release_ms``, ``hold_ms``). The two backends
write it differently, because what is known about ReaGate differs:

- **Live** (:mod:`reaper_ext.fx.live_params`): ReaGate itself. Its threshold is
  a linear amplitude (a published ReaTeam script; FACTS.md "ReaGate"); attack,
  release and hold are found by their *names* (``TrackFX_GetParamName``) and
  set to the normalised value whose display text reads the wanted time
  (``TrackFX_FormatParamValueNormalized``), since their scalings are not
  published. The self-check action reads every one back.
- **.RPP** (:func:`rpp_fallback`): no real ReaGate state has been found, so no
  ReaGate is written. Instead REAPER's stock JSFX ``sstillwell/expander``
  ("Downward Expander [Stillwell]"), set as close to a gate as it goes and
  **named for what it does**: below the threshold its gain reduction is
  ``shortfall * (ratio - 1) / ratio`` (its DSP, FACTS.md), i.e. at most the
  shortfall: a signal 10 dB under the threshold comes out about 19.5 dB under
  it (about 1:2 downward expansion), never silenced. It cannot gate, and
  its name says so: ``downward expander (gate-like, ~1:2 below -45 dB)``.

Expander sliders (REAPER 6/7 stock copy, FACTS.md): 1 threshold dB
(-120..0), 2 ratio (1..20), 3 gain dB (-20..20), 4 detector input (0 = the
track), 5 detection (2 = peak), 6 attack ms (0..200), 7 release ms (0..100).
"""

from __future__ import annotations

from reaper_ext.errors import SuggestionError
from reaper_ext.fx.spec import FxSpec

__all__ = [
    "REAGATE",
    "REAGATE_PARAM_WORDS",
    "EXPANDER_JSFX",
    "GATE_RATIO",
    "EXPANSION_RATIO",
    "gate_spec",
    "expander_name",
    "rpp_fallback",
]

REAGATE = "ReaGate"
#: Each ReaGate setting and the word its parameter name starts with (matched per word,
#: case-insensitive: "hold" must not match "Threshold").
REAGATE_PARAM_WORDS = {"threshold_db": "thresh", "attack_ms": "attack", "release_ms": "release", "hold_ms": "hold"}

EXPANDER_JSFX = "JS:sstillwell/expander"
#: The expander's ratio slider at its maximum: the deepest expansion it has.
GATE_RATIO = 20.0
#: What that does below the threshold: output shortfall = input shortfall * (2r - 1) / r
#: (the shortfall plus the gain reduction ``shortfall (r - 1) / r``): 1:1.95 at r = 20.
EXPANSION_RATIO = (2.0 * GATE_RATIO - 1.0) / GATE_RATIO
_DETECT_PEAK = 2.0
# The ledger's tag (reaper_ext.suggest.ledger.core.TAG), kept in front of a renamed fallback.
_TAG = "reaper-ext: "


def gate_spec(threshold_db: float, *, attack_ms: float = 1.0, release_ms: float = 100.0, hold_ms: float = 50.0,
              custom_name: str | None = None) -> FxSpec:
    """A bypassed ReaGate at ``threshold_db`` (dBFS) with its times in milliseconds.

    Raises
    ------
    SuggestionError
        For a threshold above 0 dBFS or a negative time.
    """
    if not threshold_db <= 0.0:
        raise SuggestionError(f"gate threshold {threshold_db} dB is above 0 dBFS")
    for key, value in (("attack_ms", attack_ms), ("release_ms", release_ms), ("hold_ms", hold_ms)):
        if value < 0.0:
            raise SuggestionError(f"gate {key} {value} is negative")
    return FxSpec(
        REAGATE,
        params={"threshold_db": float(threshold_db), "attack_ms": float(attack_ms), "release_ms": float(release_ms),
                "hold_ms": float(hold_ms)},
        custom_name=custom_name,
    )


def expander_name(threshold_db: float) -> str:
    """What the ``.RPP`` stand-in is called: what it really does, not "gate"."""
    return f"downward expander (gate-like, ~1:{EXPANSION_RATIO:.0f} below {threshold_db:.0f} dB)"


def rpp_fallback(spec: FxSpec) -> FxSpec:
    """The stock expander that stands in for ``spec`` (a ReaGate) in an ``.RPP``.

    The threshold and attack/release carry over (clamped to the sliders'
    ranges; the expander has no hold), the ratio is its maximum, and the name
    is :func:`expander_name` (with the ``reaper-ext: `` tag kept when ``spec``'s
    name had it, so accept/reject still find it).
    """
    if spec.plugin != REAGATE:
        raise SuggestionError(f"rpp_fallback is for ReaGate, not {spec.plugin!r}")
    threshold_db = spec.params.get("threshold_db")
    if threshold_db is None:
        raise SuggestionError("ReaGate spec has no threshold_db")
    threshold_db = max(-120.0, min(0.0, float(threshold_db)))
    tag = _TAG if (spec.custom_name or "").startswith(_TAG) else ""
    return FxSpec(
        EXPANDER_JSFX,
        params={
            "slider1": threshold_db,
            "slider2": GATE_RATIO,
            "slider3": 0.0,
            "slider4": 0.0,
            "slider5": _DETECT_PEAK,
            "slider6": max(0.0, min(200.0, float(spec.params.get("attack_ms", 1.0)))),
            "slider7": max(0.0, min(100.0, float(spec.params.get("release_ms", 100.0)))),
        },
        custom_name=tag + expander_name(threshold_db),
        bypassed=spec.bypassed,
    )

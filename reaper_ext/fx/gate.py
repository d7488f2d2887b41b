"""A gate REAPER ships: the stock JSFX downward expander, set steep enough to gate.

ReaGate's saved state has no reliable public layout (see docs/fx.md), so the
gate is REAPER's stock ``JS: sstillwell/expander`` (Expander, by Stillwell),
whose state in an ``.RPP`` is plain slider values. Its sliders, in order (as
a public REAPER preset converter maps them; check in REAPER when in doubt):

1. threshold, dB (-120..0)
2. ratio (1..20): below the threshold, 1 dB under becomes ``ratio`` dB under
3. gain, dB (-20..20)
4. detector input (0 = the track itself)
5. detection (2 = peak, 3 = RMS)
6. attack, ms (0..200)
7. release, ms (0..100)

At ratio 20 a signal 3 dB under the threshold drops 60 dB: a gate.
"""

from __future__ import annotations

from reaper_ext.fx.spec import FxSpec

__all__ = ["EXPANDER_JSFX", "GATE_RATIO", "gate_spec"]

EXPANDER_JSFX = "JS:sstillwell/expander"
GATE_RATIO = 20.0  # the expander's steepest setting
_DETECT_PEAK = 2.0


def gate_spec(threshold_db: float, *, attack_ms: float = 1.0, release_ms: float = 100.0, custom_name: str | None = None) -> FxSpec:
    """A bypassed gate (steep downward expander) at ``threshold_db``; values kept in the sliders' ranges."""
    return FxSpec(
        EXPANDER_JSFX,
        params={
            "slider1": max(-120.0, min(0.0, threshold_db)),
            "slider2": GATE_RATIO,
            "slider3": 0.0,
            "slider4": 0.0,
            "slider5": _DETECT_PEAK,
            "slider6": max(0.0, min(200.0, attack_ms)),
            "slider7": max(0.0, min(100.0, release_ms)),
        },
        custom_name=custom_name,
    )

"""ReaComp's saved state: named settings in real units, and back.

ReaComp saves a parameter list (magic ``0xFEED5EEF``): after ``0xDEADBEEF
0xDEADF00D``, one ``f32`` per VST parameter, the same values
``TrackFX_GetParam``/``TrackFX_SetParam`` use. REAPER 5.50 saved 19 of them,
REAPER 7.27 saves 21; the header declares 4 input pins (main + sidechain).

Parameter order and names (``Thresh, Ratio, Attack, Release, Pre-comp, resvd,
Lowpass, Hipass, SignIn, AudIn, Dry, Wet, PreviewF, RMS size, Knee, AutoMkUp,
AutoRel, ...``) come from a public Equalizer APO config that lists ReaComp's
parameters in order; the unit scalings below are corroborated, not published:

- they give REAPER's documented defaults from the default chunk (threshold
  0 dB = 1.0, ratio 4:1 = 3/99, attack 3 ms = 0.006, release 100 ms = 0.02,
  RMS 5 ms = 0.05, Dry -inf = 3.16e-8 = -150 dB);
- the Ultraschall "US 5 - DeEsser" preset (corpus, REAPER 7.27) decodes to a
  sensible de-esser: -30 dB, ratio exactly 15:1 (14/99), 3 ms / 100 ms,
  detector band-passed 6.5 to 8 kHz;
- a third-party converter that measured them from REAPER states the same
  factors (ratio ``1 + 99 v``, attack ``500 v`` ms, release ``5000 v`` ms,
  pre-comp ``250 v`` ms, RMS ``100 v`` ms, knee ``24 v`` dB, filters ``20000 v`` Hz).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from reaper_ext.errors import SuggestionError
from reaper_ext.fx.spec import FxSpec, db_to_gain, gain_to_db
from reaper_ext.fx.vst_state import MAGIC_PARAMS, PARAM_LIST_MARKER, VstState

__all__ = [
    "REACOMP_PLUGIN_ID",
    "REACOMP_PARAMS",
    "DEFAULT_RAW",
    "ParamMapping",
    "params_to_raw",
    "raw_to_params",
    "spec_to_reacomp_vst",
    "reacomp_vst_to_spec",
]

#: ``'recm'``: ReaComp's VST unique id (1919247213).
REACOMP_PLUGIN_ID = 0x7265636D

_RATIO_MAX = 100.0  # v = 1 is ReaComp's "inf" ratio


@dataclass(frozen=True)
class ParamMapping:
    """One named setting: its VST parameter index and unit conversions."""

    key: str
    index: int
    reaper_name: str
    to_raw: Callable[[float], float]
    from_raw: Callable[[float], float]
    low: float
    high: float


def _scale(factor: float) -> tuple[Callable[[float], float], Callable[[float], float]]:
    return (lambda x: x / factor), (lambda v: v * factor)


def _m(key: str, index: int, name: str, conv: tuple, low: float, high: float) -> ParamMapping:
    return ParamMapping(key, index, name, conv[0], conv[1], low, high)


_DB = (db_to_gain, gain_to_db)
_RATIO = ((lambda r: (r - 1.0) / (_RATIO_MAX - 1.0)), (lambda v: 1.0 + (_RATIO_MAX - 1.0) * v))
_SWITCH = ((lambda x: 1.0 if x >= 0.5 else 0.0), (lambda v: 1.0 if v >= 0.5 else 0.0))

#: The settings this module writes, keyed by the name used in ``FxSpec.params``.
REACOMP_PARAMS = {
    m.key: m
    for m in (
        _m("threshold_db", 0, "Thresh", _DB, -150.0, 0.0),
        _m("ratio", 1, "Ratio", _RATIO, 1.0, _RATIO_MAX),
        _m("attack_ms", 2, "Attack", _scale(500.0), 0.0, 500.0),
        _m("release_ms", 3, "Release", _scale(5000.0), 0.0, 5000.0),
        _m("precomp_ms", 4, "Pre-comp", _scale(250.0), 0.0, 250.0),
        _m("detector_lowpass_hz", 6, "Lowpass", _scale(20000.0), 0.0, 20000.0),
        _m("detector_hipass_hz", 7, "Hipass", _scale(20000.0), 0.0, 20000.0),
        _m("dry_db", 10, "Dry", _DB, -150.0, 0.0),
        _m("wet_db", 11, "Wet", _DB, -150.0, 0.0),
        _m("rms_ms", 13, "RMS size", _scale(100.0), 0.0, 100.0),
        _m("knee_db", 14, "Knee", _scale(24.0), 0.0, 24.0),
        _m("auto_makeup", 15, "AutoMkUp", _SWITCH, 0.0, 1.0),
        _m("auto_release", 16, "AutoRel", _SWITCH, 0.0, 1.0),
    )
}

#: A fresh ReaComp's 21 raw values: the defaults above, and for the parameters
#: this module does not name, the values of the REAPER 7.27 chunk in the corpus.
DEFAULT_RAW: tuple[float, ...] = (
    1.0, 3.0 / 99.0, 0.006, 0.02, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0,
    10.0 ** (-150.0 / 20.0), 1.0, 0.0, 0.05, 0.0, 0.0, 0.0, 0.25, 0.0, 0.0, 0.0,
)  # fmt: skip


def params_to_raw(params: dict[str, float], *, base: tuple[float, ...] = DEFAULT_RAW) -> list[float]:
    """ReaComp's raw parameter values for named settings, starting from ``base``."""
    raw = list(base)
    for key, value in params.items():
        mapping = REACOMP_PARAMS.get(key)
        if mapping is None:
            raise SuggestionError(f"ReaComp has no setting {key!r}; known: {sorted(REACOMP_PARAMS)}")
        if not mapping.low <= value <= mapping.high:
            raise SuggestionError(f"ReaComp {key}={value} is outside {mapping.low}..{mapping.high}")
        raw[mapping.index] = mapping.to_raw(float(value))
    return raw


def raw_to_params(raw: list[float]) -> dict[str, float]:
    """Named settings in real units from ReaComp's raw parameter values."""
    return {key: m.from_raw(raw[m.index]) for key, m in REACOMP_PARAMS.items() if m.index < len(raw)}


def spec_to_reacomp_vst(spec: FxSpec) -> VstState:
    """Build the saved state of a ReaComp set as ``spec.params``."""
    if spec.bands:
        raise SuggestionError("ReaComp takes no EQ bands; put them in a ReaEQ spec")
    raw = params_to_raw(spec.params)
    return VstState(
        plugin_id=REACOMP_PLUGIN_ID,
        magic=MAGIC_PARAMS,
        input_pins=[1, 2, 4, 8],
        output_pins=[1, 2],
        state=PARAM_LIST_MARKER + struct.pack(f"<{len(raw)}f", *raw),
    )


def reacomp_vst_to_spec(vst: VstState, *, custom_name: str | None, bypassed: bool) -> FxSpec:
    """Read a saved ReaComp state into an :class:`FxSpec`."""
    body = vst.state
    if not body.startswith(PARAM_LIST_MARKER) or (len(body) - 8) % 4:
        raise SuggestionError(f"ReaComp state is not a parameter list ({len(body)} bytes, starts {body[:8].hex()})")
    raw = list(struct.unpack(f"<{(len(body) - 8) // 4}f", body[8:]))
    return FxSpec(plugin="ReaComp", params=raw_to_params(raw), custom_name=custom_name, bypassed=bypassed)

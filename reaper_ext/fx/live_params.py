"""The ReaScript calls that give a live REAPER track the plug-in an FxSpec describes.

Pure data: a list of :class:`ApiCall` with placeholders the live backend fills
in with :func:`resolve_args`: :data:`TRACK` and :data:`FX` stand for the track
handle and the new plug-in's index (the result of the first call,
``TrackFX_AddByName``); :class:`ParamNamed` for a parameter index found by
name (``TrackFX_GetParamName``), :class:`DisplayValue` for the normalised
value whose display text reads a wanted value in a unit
(``TrackFX_FormatParamValueNormalized``: what FACTS.md advises where the
scaling is not published). The live backend makes the calls in order, inside
its undo block. Function names and argument counts are checked against
REAPER's Python API list (``tests/fx/test_live_params.py``).

Units (FACTS.md, "TrackFX_SetEQParam units"): ``TrackFX_SetEQParam`` with
``isnorm=False`` takes frequency in Hz, **gain as a linear amplitude** (1.0 =
0 dB, not dB) and bandwidth in octaves; the master gain (bandtype -1) is
written linear too (the self-check action verifies it in REAPER).

Order matters: the plug-in is switched off (``TrackFX_SetEnabled``) right after
it is added, before any setting, so a suggestion never sounds until accepted.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from reaper_ext.errors import SuggestionError
from reaper_ext.fx.gate import REAGATE, REAGATE_PARAM_WORDS
from reaper_ext.fx.reacomp import REACOMP_PARAMS, params_to_raw
from reaper_ext.fx.reaeq import BANDTYPE_CODES
from reaper_ext.fx.rpp_block import COCKOS_VSTS, jsfx_path
from reaper_ext.fx.spec import FxSpec, db_to_gain, is_jsfx

__all__ = [
    "Ref",
    "TRACK",
    "FX",
    "ParamNamed",
    "DisplayValue",
    "ApiCall",
    "EQ_PARAM_BANDTYPES",
    "EQ_MASTER_BANDTYPE",
    "EQ_PARAM_FREQ",
    "EQ_PARAM_GAIN",
    "EQ_PARAM_WIDTH",
    "REAGATE_ADD_NAME",
    "REACOMP_DISPLAY_CALIBRATED",
    "live_calls",
    "polarity_calls",
    "resolve_args",
]


class Ref(enum.Enum):
    """Placeholders the live backend fills in."""

    TRACK = "track"
    FX = "fx"


TRACK = Ref.TRACK
FX = Ref.FX


@dataclass(frozen=True)
class ParamNamed:
    """The index of the plug-in's first parameter with a name word starting with ``word`` (case-insensitive)."""

    word: str


@dataclass(frozen=True)
class DisplayValue:
    """The normalised value (0..1) of parameter ``param`` (by name, or a known index) whose display reads ``value`` ``unit``."""

    param: ParamNamed | int
    value: float
    unit: str


@dataclass(frozen=True)
class ApiCall:
    """One ReaScript call: the function (without ``RPR_``) and all its arguments."""

    function: str
    args: tuple


#: ``TrackFX_SetEQParam``'s own band-type numbers (not the ``BANDTYPEn`` codes).
EQ_PARAM_BANDTYPES = {
    "highpass": 0,
    "low_shelf": 1,
    "band": 2,
    "notch": 3,
    "high_shelf": 4,
    "lowpass": 5,
    "bandpass": 6,
}
#: SetEQParam's paramtype: 0 frequency (Hz), 1 gain (linear amplitude), 2 bandwidth (octaves).
EQ_PARAM_FREQ, EQ_PARAM_GAIN, EQ_PARAM_WIDTH = 0, 1, 2
#: SetEQParam's bandtype for ReaEQ's output (master) gain.
EQ_MASTER_BANDTYPE = -1
#: ReaGate's name for TrackFX_AddByName (REAPER matches the VST's display name).
REAGATE_ADD_NAME = "VST: ReaGate (Cockos)"


def _add_name(spec: FxSpec) -> str:
    # TrackFX_AddByName accepts a type prefix ("JS:", "VST:") before the name.
    if is_jsfx(spec.plugin):
        return f"JS:{jsfx_path(spec.plugin)}"
    if spec.plugin in COCKOS_VSTS:
        return COCKOS_VSTS[spec.plugin].display_name
    if spec.plugin == REAGATE:
        return REAGATE_ADD_NAME
    raise SuggestionError(f"no live mapping for plug-in {spec.plugin!r} (see docs/fx.md)")


def _reaeq_calls(spec: FxSpec) -> list[ApiCall]:
    calls: list[ApiCall] = []
    seen_of_kind: dict[str, int] = {}
    for index, band in enumerate(spec.bands):
        if band.kind not in EQ_PARAM_BANDTYPES:
            raise SuggestionError(f"EQ band {index}: kind {band.kind!r} has no TrackFX_SetEQParam type")
        calls.append(
            ApiCall("TrackFX_SetNamedConfigParm", (TRACK, FX, f"BANDTYPE{index}", str(BANDTYPE_CODES[band.kind])))
        )
        calls.append(
            ApiCall("TrackFX_SetNamedConfigParm", (TRACK, FX, f"BANDENABLED{index}", "1" if band.enabled else "0"))
        )
        # bandidx counts bands of the same type (REAPER's API help): the n-th band of this kind.
        nth = seen_of_kind.get(band.kind, 0)
        seen_of_kind[band.kind] = nth + 1
        kind_code = EQ_PARAM_BANDTYPES[band.kind]
        # isnorm=False: Hz, linear amplitude (not dB: a dB value would turn a cut into -inf), octaves.
        for paramtype, value in (
            (EQ_PARAM_FREQ, float(band.freq_hz)),
            (EQ_PARAM_GAIN, db_to_gain(float(band.gain_db))),
            (EQ_PARAM_WIDTH, float(band.bandwidth_oct())),
        ):
            calls.append(ApiCall("TrackFX_SetEQParam", (TRACK, FX, kind_code, nth, paramtype, value, False)))
    gain_db = spec.params.get("gain_db", 0.0)
    if gain_db != 0.0:
        # The output gain: bandtype -1, paramtype "gain", linear like the bands' gains.
        calls.append(
            ApiCall("TrackFX_SetEQParam", (TRACK, FX, EQ_MASTER_BANDTYPE, 0, EQ_PARAM_GAIN, db_to_gain(float(gain_db)), False))
        )
    return calls


#: ReaComp settings whose scaling FACTS.md marks uncertain (attack ms/500, release ms/5000):
#: live, they are set to the value REAPER *displays* as the wanted time, by their verified index.
REACOMP_DISPLAY_CALIBRATED = {"attack_ms": "ms", "release_ms": "ms"}


def _reacomp_calls(spec: FxSpec) -> list[ApiCall]:
    raw = params_to_raw(spec.params)  # also checks names and ranges
    calls = []
    for key, value in spec.params.items():
        index = REACOMP_PARAMS[key].index
        unit = REACOMP_DISPLAY_CALIBRATED.get(key)
        target: Any = DisplayValue(index, float(value), unit) if unit else raw[index]
        calls.append(ApiCall("TrackFX_SetParam", (TRACK, FX, index, target)))
    return calls


def _reagate_calls(spec: FxSpec) -> list[ApiCall]:
    unknown = set(spec.params) - set(REAGATE_PARAM_WORDS)
    if unknown:
        raise SuggestionError(f"ReaGate takes {sorted(REAGATE_PARAM_WORDS)}, not {sorted(unknown)}")
    calls = []
    for key, value in spec.params.items():
        param = ParamNamed(REAGATE_PARAM_WORDS[key])
        if key == "threshold_db":
            # ReaGate's threshold is a linear amplitude (FACTS.md, "ReaGate").
            target: Any = db_to_gain(float(value))
        else:
            # Time scalings unpublished: ask REAPER which normalised value shows this many ms.
            target = DisplayValue(param, float(value), "ms")
        calls.append(ApiCall("TrackFX_SetParam", (TRACK, FX, param, target)))
    return calls


def _jsfx_calls(spec: FxSpec) -> list[ApiCall]:
    calls = []
    for key, value in sorted(spec.params.items(), key=lambda item: int(item[0][len("slider") :])):
        # A JSFX's parameters are its sliders in order; stock effects number them
        # from slider1 without gaps, so slider n is parameter n-1 (with gaps it is not).
        calls.append(ApiCall("TrackFX_SetParam", (TRACK, FX, int(key[len("slider") :]) - 1, float(value))))
    return calls


def live_calls(spec: FxSpec) -> list[ApiCall]:
    """List the calls that add ``spec``'s plug-in to :data:`TRACK` with its settings.

    The first call's result is :data:`FX`. Custom names use the
    ``renamed_name`` key, which REAPER has from about 6.78 (FACTS.md,
    "Versions"): the live backend replaces that call with an edit of the
    track chunk on older REAPERs (:func:`reaper_ext.reaper.api.fx_rename`).
    """
    if spec.plugin == "ReaLimit":  # its own plan: parameters found by name, set by their display (fx.realimit)
        from reaper_ext.fx.realimit import realimit_live_calls

        return realimit_live_calls(spec)
    if spec.plugin == "ReaEQ":
        body = _reaeq_calls(spec)
    elif spec.plugin == "ReaComp":
        body = _reacomp_calls(spec)
    elif spec.plugin == REAGATE:
        body = _reagate_calls(spec)
    elif is_jsfx(spec.plugin):
        body = _jsfx_calls(spec)
    else:
        raise SuggestionError(f"no live mapping for plug-in {spec.plugin!r}: ReaEQ, ReaComp, ReaGate, ReaLimit or 'JS:path'")
    # instantiate -1: always add a new instance at the end of the chain.
    calls = [
        ApiCall("TrackFX_AddByName", (TRACK, _add_name(spec), False, -1)),
        ApiCall("TrackFX_SetEnabled", (TRACK, FX, not spec.bypassed)),
    ]
    if spec.custom_name:
        calls.append(ApiCall("TrackFX_SetNamedConfigParm", (TRACK, FX, "renamed_name", spec.custom_name)))
    return calls + body


def polarity_calls(*, is_inverted: bool) -> list[ApiCall]:
    """Flip a track's polarity: REAPER's track phase button, not a plug-in.

    In an ``.RPP`` the same switch is the track's ``IPHASE`` line (``IPHASE 1``).
    """
    return [ApiCall("SetMediaTrackInfo_Value", (TRACK, "B_PHASE", 1.0 if is_inverted else 0.0))]


def resolve_args(args: tuple, *, track: Any, fx: int, api: Any) -> tuple:
    """Fill in a call's placeholders for one track and plug-in.

    Parameters
    ----------
    args : tuple
        An :class:`ApiCall`'s arguments.
    track, fx
        The track handle and the plug-in's index.
    api
        What finds parameters: ``fx_param_index(track, fx, word)`` and
        ``fx_normalized_for_display(track, fx, param, value, unit)``
        (:mod:`reaper_ext.reaper.api`).
    """
    out = []
    for arg in args:
        if arg is TRACK:
            out.append(track)
        elif arg is FX:
            out.append(fx)
        elif isinstance(arg, ParamNamed):
            out.append(api.fx_param_index(track, fx, arg.word))
        elif isinstance(arg, DisplayValue):
            param = arg.param if isinstance(arg.param, int) else api.fx_param_index(track, fx, arg.param.word)
            out.append(api.fx_normalized_for_display(track, fx, param, arg.value, arg.unit))
        else:
            out.append(arg)
    return tuple(out)

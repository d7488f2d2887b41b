"""The ReaScript calls that give a live REAPER track the plug-in an FxSpec describes.

Pure data: a list of :class:`ApiCall` with :data:`TRACK` and :data:`FX` standing
for the track handle and the new plug-in's index (the result of the first call,
``TrackFX_AddByName``). The live backend replaces them and makes the calls in
order, inside its undo block. Function names and argument counts are checked
against REAPER's Python API list (``tests/fx/test_live_params.py``).

Order matters: the plug-in is switched off (``TrackFX_SetEnabled``) right after
it is added, before any setting, so a suggestion never sounds until accepted.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from reaper_ext.errors import SuggestionError
from reaper_ext.fx.reacomp import REACOMP_PARAMS, params_to_raw
from reaper_ext.fx.reaeq import BANDTYPE_CODES
from reaper_ext.fx.rpp_block import COCKOS_VSTS, jsfx_path
from reaper_ext.fx.spec import FxSpec, is_jsfx

__all__ = ["Ref", "TRACK", "FX", "ApiCall", "EQ_PARAM_BANDTYPES", "live_calls", "polarity_calls"]


class Ref(enum.Enum):
    """Placeholders the live backend fills in."""

    TRACK = "track"
    FX = "fx"


TRACK = Ref.TRACK
FX = Ref.FX


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
_EQ_FREQ, _EQ_GAIN, _EQ_WIDTH = 0, 1, 2
_EQ_MASTER = -1


def _add_name(spec: FxSpec) -> str:
    # TrackFX_AddByName accepts a type prefix ("JS:", "VST:") before the name.
    if is_jsfx(spec.plugin):
        return f"JS:{jsfx_path(spec.plugin)}"
    if spec.plugin in COCKOS_VSTS:
        return COCKOS_VSTS[spec.plugin].display_name
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
        for paramtype, value in (
            (_EQ_FREQ, float(band.freq_hz)),
            (_EQ_GAIN, float(band.gain_db)),
            (_EQ_WIDTH, float(band.bandwidth_oct())),
        ):
            calls.append(ApiCall("TrackFX_SetEQParam", (TRACK, FX, kind_code, nth, paramtype, value, False)))
    gain_db = spec.params.get("gain_db", 0.0)
    if gain_db != 0.0:
        calls.append(ApiCall("TrackFX_SetEQParam", (TRACK, FX, _EQ_MASTER, 0, 0, float(gain_db), False)))
    return calls


def _reacomp_calls(spec: FxSpec) -> list[ApiCall]:
    raw = params_to_raw(spec.params)
    return [
        ApiCall("TrackFX_SetParam", (TRACK, FX, REACOMP_PARAMS[key].index, raw[REACOMP_PARAMS[key].index]))
        for key in spec.params
    ]


def _jsfx_calls(spec: FxSpec) -> list[ApiCall]:
    calls = []
    for key, value in sorted(spec.params.items(), key=lambda item: int(item[0][len("slider") :])):
        # A JSFX's parameters are its sliders in order; stock effects number them
        # from slider1 without gaps, so slider n is parameter n-1 (with gaps it is not).
        calls.append(ApiCall("TrackFX_SetParam", (TRACK, FX, int(key[len("slider") :]) - 1, float(value))))
    return calls


def live_calls(spec: FxSpec) -> list[ApiCall]:
    """List the calls that add ``spec``'s plug-in to :data:`TRACK` with its settings.

    The first call's result is :data:`FX`. Custom names use the REAPER 7
    ``renamed_name`` key; older REAPERs ignore it (the call returns false).
    """
    if spec.plugin == "ReaEQ":
        body = _reaeq_calls(spec)
    elif spec.plugin == "ReaComp":
        body = _reacomp_calls(spec)
    elif is_jsfx(spec.plugin):
        body = _jsfx_calls(spec)
    else:
        raise SuggestionError(f"no live mapping for plug-in {spec.plugin!r}: ReaEQ, ReaComp or 'JS:path'")
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

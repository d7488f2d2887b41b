from __future__ import annotations

import json

import pytest
from conftest import API_JSON

from reaper_ext.errors import SuggestionError
from reaper_ext.fx import FX, TRACK, EqBand, FxSpec, live_calls, polarity_calls
from reaper_ext.fx.reacomp import REACOMP_PARAMS, params_to_raw

# ctypes argument type -> the Python values our calls may put there.
_ACCEPTS = {
    "c_uint64": lambda v: v is TRACK,
    "c_int": lambda v: v is FX or (isinstance(v, int) and not isinstance(v, bool)),
    "c_double": lambda v: isinstance(v, float),
    "c_byte": lambda v: isinstance(v, bool),
    "c_char_p": lambda v: isinstance(v, str),
}

SPECS = [
    FxSpec(
        "ReaEQ",
        {"gain_db": -1.5},
        custom_name="Suggested EQ",
        bands=[
            EqBand("highpass", 80.0, q=0.7),
            EqBand("band", 250.0, -3.0, q=1.4),
            EqBand("band", 3000.0, 2.0, bw_oct=1.0),
        ],
    ),
    FxSpec("ReaComp", {"threshold_db": -20.0, "ratio": 4.0, "attack_ms": 10.0}, custom_name="Bus comp"),
    FxSpec("JS:utility/volume", {"slider1": -6.0}),
]


@pytest.fixture(scope="module")
def api() -> dict[str, dict]:
    return {entry["c_name"]: entry for entry in json.loads(API_JSON.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("spec", [*SPECS, None], ids=lambda s: s.plugin if s else "polarity")
def test_calls_exist_with_right_arity_and_types(spec: FxSpec | None, api: dict[str, dict]) -> None:
    calls = live_calls(spec) if spec else polarity_calls(is_inverted=True)
    for call in calls:
        assert call.function in api, f"{call.function} is not in REAPER's Python API"
        params = api[call.function]["params"]
        assert len(call.args) == len(params), call
        for value, param in zip(call.args, params, strict=True):
            assert _ACCEPTS[param["type"]](value), (call.function, param, value)


def test_added_then_switched_off_first() -> None:
    for spec in SPECS:
        calls = live_calls(spec)
        assert calls[0].function == "TrackFX_AddByName" and calls[0].args[3] == -1
        assert calls[1].function == "TrackFX_SetEnabled" and calls[1].args[2] is False


def test_eq_bands_use_both_enumerations() -> None:
    calls = live_calls(SPECS[0])
    named = {c.args[2]: c.args[3] for c in calls if c.function == "TrackFX_SetNamedConfigParm"}
    assert named["BANDTYPE0"] == "4" and named["BANDTYPE1"] == "8" and named["renamed_name"] == "Suggested EQ"
    eq = [c.args[2:] for c in calls if c.function == "TrackFX_SetEQParam"]
    # highpass is SetEQParam type 0; the second "band" is the 2nd of its type (bandidx 1).
    assert (0, 0, 0, 80.0, False) in eq
    assert (2, 1, 0, 3000.0, False) in eq and (2, 1, 2, 1.0, False) in eq
    assert (-1, 0, 0, -1.5, False) in eq


def test_reacomp_values_match_the_saved_state() -> None:
    raw = params_to_raw(SPECS[1].params)
    sets = {c.args[2]: c.args[3] for c in live_calls(SPECS[1]) if c.function == "TrackFX_SetParam"}
    assert sets == {REACOMP_PARAMS[k].index: raw[REACOMP_PARAMS[k].index] for k in SPECS[1].params}


def test_unsupported_plugins_are_refused() -> None:
    with pytest.raises(SuggestionError, match="no live mapping"):
        live_calls(FxSpec("ReaGate", {"threshold_db": -40.0}))
    with pytest.raises(SuggestionError, match="allpass"):
        live_calls(FxSpec("ReaEQ", bands=[EqBand("allpass", 500.0, q=1.0)]))

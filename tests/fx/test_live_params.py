from __future__ import annotations

import json

import pytest
from fx_corpus import API_JSON

from reaper_ext.errors import SuggestionError
from reaper_ext.fx import FX, TRACK, EqBand, FxSpec, live_calls, polarity_calls
from reaper_ext.fx.gate import gate_spec
from reaper_ext.fx.live_params import DisplayValue, ParamNamed, resolve_args
from reaper_ext.fx.reacomp import REACOMP_PARAMS, params_to_raw

# FACTS.md "TrackFX_SetEQParam units": with isnorm=false, paramtype 1 is a linear amplitude
# (1.0 = 0 dB, 2.0 = +6.02 dB); these are 10^(dB/20) written out, not the product's db_to_gain.
LINEAR_MINUS_3_DB = 0.7079457843841379
LINEAR_MINUS_1_5_DB = 0.8413951416451951
LINEAR_PLUS_2_DB = 1.2589254117941673

# ctypes argument type -> the Python values our calls may put there.
_ACCEPTS = {
    "c_uint64": lambda v: v is TRACK,
    "c_int": lambda v: v is FX or isinstance(v, ParamNamed) or (isinstance(v, int) and not isinstance(v, bool)),
    "c_double": lambda v: isinstance(v, (float, DisplayValue)),
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
    gate_spec(-45.0, attack_ms=1.0, release_ms=100.0, hold_ms=50.0, custom_name="Gate"),
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


def test_eq_gains_are_linear_amplitudes_not_db() -> None:
    """Issue 10 item 14: a -3 dB cut must be written as 0.7079..., not -3 (REAPER would read -inf)."""
    calls = live_calls(SPECS[0])
    gains = {(c.args[2], c.args[3]): c.args[5] for c in calls if c.function == "TrackFX_SetEQParam" and c.args[4] == 1}
    assert gains[(2, 0)] == pytest.approx(LINEAR_MINUS_3_DB, rel=1e-12)  # the -3 dB band
    assert gains[(2, 1)] == pytest.approx(LINEAR_PLUS_2_DB, rel=1e-12)  # the +2 dB band
    assert gains[(0, 0)] == pytest.approx(1.0)  # the high-pass's 0 dB is unity, not 0 (= -inf)
    assert gains[(-1, 0)] == pytest.approx(LINEAR_MINUS_1_5_DB, rel=1e-12)  # master gain, linear too
    assert all(value > 0 for value in gains.values())


def test_plus_six_db_is_two() -> None:
    # FACTS.md: "2.0 = +6.02 dB"
    spec = FxSpec("ReaEQ", bands=[EqBand("band", 1000.0, 6.0206, bw_oct=1.0)])
    gain = next(c.args[5] for c in live_calls(spec) if c.function == "TrackFX_SetEQParam" and c.args[4] == 1)
    assert gain == pytest.approx(2.0, rel=1e-4)


def test_reacomp_values_match_the_saved_state() -> None:
    raw = params_to_raw(SPECS[1].params)
    sets = {c.args[2]: c.args[3] for c in live_calls(SPECS[1]) if c.function == "TrackFX_SetParam"}
    # FACTS.md "ReaComp": threshold (0, linear) and ratio (1, (r-1)/99) are verified: the saved values
    assert sets[0] == raw[0] == pytest.approx(0.1) and sets[1] == raw[1] == pytest.approx(3.0 / 99.0)
    # attack's scaling is uncertain: live, it is the value REAPER displays as 10 ms, at index 2
    assert sets[2] == DisplayValue(2, 10.0, "ms")
    assert set(sets) == {REACOMP_PARAMS[k].index for k in SPECS[1].params}


def test_reagate_threshold_is_linear_and_times_are_found_by_name() -> None:
    calls = live_calls(SPECS[3])
    assert calls[0].args[1] == "VST: ReaGate (Cockos)"
    sets = [c.args for c in calls if c.function == "TrackFX_SetParam"]
    by_word = {args[2].word: args[3] for args in sets}
    # FACTS.md "ReaGate": threshold is a linear amplitude: -45 dB = 10^(-45/20)
    assert by_word["thresh"] == pytest.approx(0.005623413251903491, rel=1e-12)
    # attack/release/hold scalings are unpublished: the value is the one REAPER displays as N ms
    assert by_word["attack"] == DisplayValue(ParamNamed("attack"), 1.0, "ms")
    assert by_word["release"] == DisplayValue(ParamNamed("release"), 100.0, "ms")
    assert by_word["hold"] == DisplayValue(ParamNamed("hold"), 50.0, "ms")


def test_resolve_args_asks_the_api_for_names_and_display_values() -> None:
    asked = []

    class Api:
        def fx_param_index(self, track, fx, word):
            asked.append(("index", track, fx, word))
            return {"attack": 1, "thresh": 0}[word]

        def fx_normalized_for_display(self, track, fx, param, value, unit):
            asked.append(("display", param, value, unit))
            return 0.25

    args = (TRACK, FX, ParamNamed("attack"), DisplayValue(ParamNamed("attack"), 3.0, "ms"))
    assert resolve_args(args, track="(MediaTrack*)0x1", fx=2, api=Api()) == ("(MediaTrack*)0x1", 2, 1, 0.25)
    assert ("display", 1, 3.0, "ms") in asked


def test_unsupported_plugins_are_refused() -> None:
    with pytest.raises(SuggestionError, match="no live mapping"):
        live_calls(FxSpec("ReaXcomp", {"threshold_db": -40.0}))
    with pytest.raises(SuggestionError, match="ReaGate takes"):
        live_calls(FxSpec("ReaGate", {"ratio": 4.0}))
    with pytest.raises(SuggestionError, match="allpass"):
        live_calls(FxSpec("ReaEQ", bands=[EqBand("allpass", 500.0, q=1.0)]))

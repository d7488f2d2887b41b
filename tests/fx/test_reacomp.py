from __future__ import annotations

import math
import struct

import numpy as np
import pytest
from fx_corpus import CORPUS, fx_blocks

from reaper_ext.errors import SuggestionError
from reaper_ext.fx import FxSpec
from reaper_ext.fx.reacomp import (
    DEFAULT_RAW,
    REACOMP_PARAMS,
    params_to_raw,
    raw_to_params,
    reacomp_vst_to_spec,
    spec_to_reacomp_vst,
)
from reaper_ext.fx.vst_state import PARAM_LIST_MARKER, decode_state_lines

COMP_BLOCKS = {
    path.name: body
    for path in sorted(CORPUS.glob("*.[rR][pP][pP]"))
    for _lines, body in fx_blocks(path, '<VST "VST: ReaComp (Cockos)"')
}


def _raw(body: list[str]) -> list[float]:
    state = decode_state_lines(body).state
    assert state.startswith(PARAM_LIST_MARKER)
    return list(struct.unpack(f"<{(len(state) - 8) // 4}f", state[8:]))


def test_corpus_has_reacomp_from_reaper_5_and_7() -> None:
    lengths = sorted(len(_raw(body)) for body in COMP_BLOCKS.values())
    assert lengths == [19, 21]


def test_deesser_preset_decodes_to_sensible_units() -> None:
    # Ultraschall's "US 5 - DeEsser" preset: the check on the unit scalings.
    spec = reacomp_vst_to_spec(
        decode_state_lines(COMP_BLOCKS["Ultraschall__ultraschall-portable__test.rpp"]), custom_name=None, bypassed=True
    )
    assert math.isclose(spec.params["ratio"], 15.0, rel_tol=1e-5)
    assert math.isclose(spec.params["threshold_db"], -30.0, abs_tol=0.05)
    assert math.isclose(spec.params["attack_ms"], 3.0, rel_tol=1e-3)
    assert 6000.0 < spec.params["detector_hipass_hz"] < spec.params["detector_lowpass_hz"] < 9000.0
    assert spec.params["dry_db"] <= -149.9 and math.isclose(spec.params["wet_db"], 0.0, abs_tol=1e-6)


@pytest.mark.parametrize("name", sorted(COMP_BLOCKS))
def test_corpus_raw_values_survive_units_and_back(name: str) -> None:
    raw = _raw(COMP_BLOCKS[name])
    again = params_to_raw(raw_to_params(raw), base=tuple(raw))
    np.testing.assert_allclose(np.float32(again), np.float32(raw), rtol=1e-6, atol=1e-9)


def test_default_raw_is_reaper_defaults() -> None:
    params = raw_to_params(list(DEFAULT_RAW))
    assert math.isclose(params["ratio"], 4.0) and math.isclose(params["attack_ms"], 3.0)
    assert math.isclose(params["release_ms"], 100.0) and math.isclose(params["rms_ms"], 5.0)
    assert math.isclose(params["threshold_db"], 0.0, abs_tol=1e-12)


def test_random_settings_round_trip_within_one_percent() -> None:
    rng = np.random.default_rng(11)
    for _ in range(100):
        params = {
            "threshold_db": float(rng.uniform(-60, 0)),
            "ratio": float(rng.uniform(1.0, 100.0)),
            "attack_ms": float(rng.uniform(0.1, 500)),
            "release_ms": float(rng.uniform(1, 5000)),
            "knee_db": float(rng.uniform(0.5, 24)),
            "detector_hipass_hz": float(rng.uniform(20, 20000)),
            "wet_db": float(rng.uniform(-40, 0)),
        }
        back = reacomp_vst_to_spec(spec_to_reacomp_vst(FxSpec("ReaComp", params)), custom_name=None, bypassed=True)
        for key, value in params.items():
            assert math.isclose(back.params[key], value, rel_tol=0.01, abs_tol=1e-4), key


def test_unknown_and_out_of_range_settings_are_refused() -> None:
    with pytest.raises(SuggestionError, match="no setting 'makeup'"):
        params_to_raw({"makeup": 3.0})
    with pytest.raises(SuggestionError, match="attack_ms"):
        params_to_raw({"attack_ms": 900.0})


def test_every_mapping_inverts() -> None:
    for mapping in REACOMP_PARAMS.values():
        for value in np.linspace(mapping.low, mapping.high, 7):
            if mapping.key.startswith("auto_"):
                value = round(value)
            back = mapping.from_raw(mapping.to_raw(float(value)))
            assert math.isclose(back, value, rel_tol=1e-9, abs_tol=1e-9), mapping.key

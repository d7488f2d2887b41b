from __future__ import annotations

import math

import numpy as np
import pytest
from fx_corpus import CORPUS, fx_blocks

from reaper_ext.errors import SuggestionError
from reaper_ext.fx import EqBand, FxSpec, bw_oct_to_q, q_to_bw_oct
from reaper_ext.fx.reaeq import (
    KIND_BY_CODE,
    REAEQ_PLUGIN_ID,
    decode_reaeq_state,
    encode_reaeq_state,
    reaeq_vst_to_spec,
    spec_to_reaeq_vst,
)
from reaper_ext.fx.vst_state import MAGIC_OPAQUE, decode_state_lines

REAEQ_BODIES = [
    body
    for path in sorted(CORPUS.glob("*.[rR][pP][pP]"))
    for _lines, body in fx_blocks(path, '<VST "VST: ReaEQ (Cockos)"')
]


def test_corpus_has_reaeq_chunks_from_two_versions() -> None:
    sizes = {len(decode_state_lines(body).state) for body in REAEQ_BODIES}
    assert len(sizes) == 2  # REAPER 6.02 and 7.27 tails differ


@pytest.mark.parametrize("body", REAEQ_BODIES)
def test_corpus_reaeq_state_reencodes_byte_for_byte(body: list[str]) -> None:
    vst = decode_state_lines(body)
    assert vst.plugin_id == REAEQ_PLUGIN_ID and vst.magic == MAGIC_OPAQUE
    eq = decode_reaeq_state(vst.state)
    assert len(eq.bands) == 5
    assert all(band.type_code in KIND_BY_CODE for band in eq.bands)
    assert all(20.0 <= band.freq_hz <= 24000.0 and 0.01 <= band.bw_oct <= 4.0 + 1e-9 for band in eq.bands)
    assert encode_reaeq_state(eq) == vst.state


@pytest.mark.parametrize("body", REAEQ_BODIES)
def test_corpus_reaeq_spec_round_trip_is_exact_enough(body: list[str]) -> None:
    vst = decode_state_lines(body)
    spec = reaeq_vst_to_spec(vst, custom_name=None, bypassed=True)
    again = decode_reaeq_state(spec_to_reaeq_vst(spec).state)
    original = decode_reaeq_state(vst.state)
    for old, new in zip(original.bands, again.bands, strict=True):
        assert new.type_code == old.type_code and new.enabled == old.enabled
        assert new.freq_hz == old.freq_hz and new.bw_oct == old.bw_oct
        assert math.isclose(new.gain, old.gain, rel_tol=1e-12)


def test_random_bands_round_trip_within_one_percent() -> None:
    rng = np.random.default_rng(7)
    kinds = ["highpass", "lowpass", "low_shelf", "high_shelf", "band", "notch"]
    for _ in range(50):
        bands = [
            EqBand(
                kind=str(rng.choice(kinds)),
                freq_hz=float(np.exp(rng.uniform(np.log(20.0), np.log(20000.0)))),
                gain_db=float(rng.uniform(-24.0, 24.0)),
                q=float(rng.uniform(0.3, 20.0)),
                enabled=bool(rng.integers(0, 2)),
            )
            for _ in range(int(rng.integers(1, 8)))
        ]
        spec = FxSpec("ReaEQ", params={"gain_db": float(rng.uniform(-12, 12))}, bands=bands)
        back = reaeq_vst_to_spec(spec_to_reaeq_vst(spec), custom_name=None, bypassed=True)
        assert math.isclose(back.params["gain_db"], spec.params["gain_db"], rel_tol=0.01, abs_tol=1e-9)
        for old, new in zip(bands, back.bands, strict=True):
            assert (new.kind, new.enabled) == (old.kind, old.enabled)
            assert math.isclose(new.freq_hz, old.freq_hz, rel_tol=0.01)
            assert math.isclose(new.gain_db, old.gain_db, rel_tol=0.01, abs_tol=1e-9)
            assert math.isclose(new.quality(), old.q, rel_tol=0.01)


def test_q_bandwidth_textbook_values() -> None:
    # RBJ cookbook: one octave is Q = sqrt(2); two octaves Q = 2/3.
    assert math.isclose(bw_oct_to_q(1.0), math.sqrt(2.0), rel_tol=1e-12)
    assert math.isclose(bw_oct_to_q(2.0), 2.0 / 3.0, rel_tol=1e-12)
    for q in (0.1, 0.707, 1.0, 4.3, 30.0):
        assert math.isclose(bw_oct_to_q(q_to_bw_oct(q)), q, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("band", "match"),
    [
        (EqBand("shelf", 100.0, q=1.0), "kind"),
        (EqBand("band", 30000.0, q=1.0), "freq_hz"),
        (EqBand("band", 1000.0, 30.0, q=1.0), "gain_db"),
        (EqBand("band", 1000.0, q=1000.0), "bandwidth"),
        (EqBand("band", 1000.0), "neither q nor bw_oct"),
    ],
)
def test_bad_bands_are_refused(band: EqBand, match: str) -> None:
    with pytest.raises(SuggestionError, match=match):
        spec_to_reaeq_vst(FxSpec("ReaEQ", bands=[band]))

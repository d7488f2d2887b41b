"""The gate: ReaGate live, an honestly named downward expander in an .RPP (issue 10 item 15)."""

from __future__ import annotations

import pytest

from reaper_ext.errors import SuggestionError
from reaper_ext.fx import fx_to_rpp_lines, rpp_lines_to_fx
from reaper_ext.fx.gate import expander_name, gate_spec, rpp_fallback

GUID = "{7467B940-741E-DD49-B2D4-16E38B7EF01D}"


def expander_output_shortfall_db(input_shortfall_db: float, ratio: float) -> float:
    """FACTS.md, stock JSFX sstillwell/expander DSP: gr = overdb*(ratio-1)/ratio (overdb <= 0, dB).

    Written from the facts, not from reaper_ext.fx.gate: how far under the
    threshold the output is when the input is ``input_shortfall_db`` under it.
    """
    overdb = -input_shortfall_db
    return -(overdb + overdb * (ratio - 1.0) / ratio)


def test_the_expander_cannot_gate_and_the_name_says_so() -> None:
    rpp = rpp_fallback(gate_spec(-45.0, custom_name="reaper-ext: gate -45 dB"))
    ratio = rpp.params["slider2"]
    # A gate would drop a signal 3 dB under the threshold by ~60 dB or more; this expander
    # (FACTS: "at ratio 20 a signal 3 dB under the threshold loses about 2.85 dB more").
    extra_db = expander_output_shortfall_db(3.0, ratio) - 3.0
    assert extra_db == pytest.approx(2.85, abs=0.01)
    assert "gate" not in rpp.custom_name.replace("gate-like", "")  # never called a gate outright
    assert "downward expander" in rpp.custom_name and "~1:2" in rpp.custom_name and "-45 dB" in rpp.custom_name
    # the name's "1:2" is what the DSP does: 10 dB under in -> about 19.5 dB under out
    assert expander_output_shortfall_db(10.0, ratio) / 10.0 == pytest.approx(2.0, abs=0.06)


def test_rpp_writes_the_expander_with_the_tag_kept() -> None:
    spec = gate_spec(-45.0, attack_ms=1.0, release_ms=100.0, custom_name="reaper-ext: gate -45 dB")
    back = rpp_lines_to_fx(fx_to_rpp_lines(spec, indent="      ", fxid_guid=GUID))
    assert back.plugin == "JS:sstillwell/expander" and back.bypassed
    assert back.custom_name == "reaper-ext: " + expander_name(-45.0)
    # FACTS.md slider order: 1 threshold dB, 2 ratio (1..20), 5 detection (2 = peak), 6 attack ms, 7 release ms
    assert back.params["slider1"] == -45.0 and back.params["slider2"] == 20.0
    assert back.params["slider5"] == 2.0 and back.params["slider6"] == 1.0 and back.params["slider7"] == 100.0


def test_expander_values_stay_in_the_sliders_ranges() -> None:
    rpp = rpp_fallback(gate_spec(-130.0, attack_ms=500.0, release_ms=900.0))
    # FACTS.md ranges: threshold -120..0, attack 0..200 ms, release 0..100 ms
    assert rpp.params["slider1"] == -120.0 and rpp.params["slider6"] == 200.0 and rpp.params["slider7"] == 100.0
    assert rpp.custom_name == expander_name(-120.0)  # no tag given, none added


def test_gate_spec_refuses_nonsense() -> None:
    with pytest.raises(SuggestionError, match="above 0 dBFS"):
        gate_spec(3.0)
    with pytest.raises(SuggestionError, match="negative"):
        gate_spec(-40.0, hold_ms=-1.0)
    with pytest.raises(SuggestionError, match="for ReaGate"):
        rpp_fallback(gate_spec(-40.0).__class__("ReaComp"))

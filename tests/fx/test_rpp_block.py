from __future__ import annotations

import math

import pytest
import rpp
from fx_corpus import CORPUS, fx_blocks

from reaper_ext.errors import SuggestionError
from reaper_ext.fx import EqBand, FxSpec, fx_to_rpp_lines, rpp_lines_to_fx

GUID = "{7467B940-741E-DD49-B2D4-16E38B7EF01D}"

SPECS = [
    FxSpec(
        "ReaEQ",
        bands=[EqBand("highpass", 80.0, q=0.707), EqBand("notch", 60.0, q=30.0), EqBand("band", 3000.0, -3.0, q=1.4)],
        custom_name="Suggested EQ",
    ),
    FxSpec(
        "ReaComp",
        {"threshold_db": -30.0, "ratio": 15.0, "detector_hipass_hz": 6500.0, "detector_lowpass_hz": 8000.0},
        custom_name="DeEsser",
    ),
    FxSpec("JS:utility/volume", {"slider1": -3.5, "slider2": 0.0}, bypassed=False),
]


def _in_project(lines: list[str]) -> str:
    body = "\n".join(lines)
    return f'<REAPER_PROJECT 0.1 "7.27/win64" 0\n  <TRACK\n    <FXCHAIN\n{body}\n    >\n  >\n>\n'


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.plugin)
def test_spec_lines_spec_within_one_percent(spec: FxSpec) -> None:
    back = rpp_lines_to_fx(fx_to_rpp_lines(spec, indent="      ", fxid_guid=GUID))
    assert (back.plugin, back.custom_name, back.bypassed) == (spec.plugin, spec.custom_name, spec.bypassed)
    for key, value in spec.params.items():
        assert math.isclose(back.params[key], value, rel_tol=0.01, abs_tol=1e-6), key
    for old, new in zip(spec.bands, back.bands, strict=True):
        assert math.isclose(new.freq_hz, old.freq_hz, rel_tol=0.01)
        assert math.isclose(new.quality(), old.quality(), rel_tol=0.01)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.plugin)
def test_generated_block_parses_with_rpp_package(spec: FxSpec) -> None:
    lines = fx_to_rpp_lines(spec, indent="      ", fxid_guid=GUID)
    project = rpp.loads(_in_project(lines))
    chain = project.find("TRACK").find("FXCHAIN")
    plugin = chain.find("VST") if not spec.plugin.startswith("JS:") else chain.find("JS")
    assert plugin is not None
    assert chain.find("FXID")[1] == GUID
    assert chain.find("BYPASS")[1] == ("1" if spec.bypassed else "0")


def test_layout_matches_reaper_7_block() -> None:
    lines = fx_to_rpp_lines(SPECS[1], indent="      ", fxid_guid=GUID)
    corpus = (CORPUS / "Ultraschall__ultraschall-portable__test.rpp").read_text(encoding="utf-8").splitlines()
    real = next(
        block for block, _ in fx_blocks(CORPUS / "Ultraschall__ultraschall-portable__test.rpp", '<VST "VST: ReaComp')
    )
    assert lines[0] == real[0]  # BYPASS 1 0 0
    assert lines[1] == real[1]  # same <VST line, custom name unquoted
    assert lines[2] == real[2]  # same header (4 in pins, 21 params)
    tail = [line.strip() for line in lines[-3:]]
    assert tail[0] == "FLOATPOS 0 0 0 0" and tail[2] == "WAK 0 0"
    assert any(line.strip().startswith("FLOATPOS 0 0 0 0") for line in corpus)


def test_corpus_blocks_decode() -> None:
    path = CORPUS / "Ultraschall__ultraschall-portable__test.rpp"
    comp = rpp_lines_to_fx(fx_blocks(path, '<VST "VST: ReaComp')[0][0])
    assert comp.plugin == "ReaComp" and comp.custom_name == "DeEsser" and comp.bypassed
    eq = rpp_lines_to_fx(fx_blocks(path, '<VST "VST: ReaEQ')[0][0])
    assert eq.plugin == "ReaEQ" and eq.custom_name is None and len(eq.bands) == 5
    # REAPER 5.50: id without <...> and no last field.
    old = rpp_lines_to_fx(fx_blocks(CORPUS / "Perlence__rpp__vst.RPP", '<VST "VST: ReaComp')[0][0])
    assert old.plugin == "ReaComp" and not old.bypassed
    js = rpp_lines_to_fx(fx_blocks(CORPUS / "Perlence__rpp__vst.RPP", "<JS ")[0][0])
    assert js.plugin == "JS:loser/3BandEQ" and js.params["slider2"] == 200.0 and "slider7" not in js.params


def test_string_slider_is_refused() -> None:
    block = fx_blocks(CORPUS / "noisefarm__201205_1424__test.RPP", "<JS ")[0][0]
    with pytest.raises(SuggestionError, match="not a number"):
        rpp_lines_to_fx(block)


@pytest.mark.parametrize(
    ("spec", "guid", "match"),
    [
        (FxSpec("ReaGate", {"attack_ms": 1.0}), GUID, "no threshold_db"),
        (FxSpec("ReaXcomp"), GUID, "ReaXcomp can't be written"),
        (FxSpec("Pro-Q 3"), GUID, "unknown plug-in"),
        (SPECS[0], "7467B940-741E-DD49-B2D4-16E38B7EF01D", "GUID"),
        (FxSpec("JS:utility/volume", {"knob": 1.0}), GUID, "slider1..slider64"),
        (FxSpec("ReaComp", custom_name="a\nb"), GUID, "line break"),
    ],
)
def test_bad_specs_are_refused(spec: FxSpec, guid: str, match: str) -> None:
    with pytest.raises(SuggestionError, match=match):
        fx_to_rpp_lines(spec, indent="  ", fxid_guid=guid)

"""A noisy gap gets a gate: the stock JSFX expander, written into the .RPP with its threshold."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile
from reaper_ext_testkit.datagen import speak

from reaper_ext.fx.gate import EXPANDER_JSFX, GATE_RATIO
from reaper_ext.fx.rpp_block import rpp_lines_to_fx
from reaper_ext.pipeline.session import analyze_project
from reaper_ext.session.rpp import load_document, parse_rpp, read_project
from reaper_ext.session.rpp.reader import FX_TAGS
from reaper_ext.session.rpp.writer import RppSessionWriter
from reaper_ext.settings import Settings
from reaper_ext.suggest.engine import suggest
from reaper_ext.suggest.ledger.core import apply_suggestions

RATE_HZ = 44100


@pytest.fixture(scope="module")
def noisy_voice_project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gate")
    rng = np.random.default_rng(5)
    phrase = speak("the quick brown fox jumps over the lazy dog", sample_rate_hz=RATE_HZ)[:, 0]
    phrase *= 0.4 / np.abs(phrase).max()
    gap = np.zeros(int(1.5 * RATE_HZ), np.float32)
    voice = np.concatenate([gap, phrase, gap, phrase, gap, phrase, gap])
    noise = (rng.standard_normal(voice.shape[0]) * 10 ** (-50 / 20)).astype(np.float32)  # hiss at about -50 dBFS RMS
    soundfile.write(folder / "vox.wav", voice + noise, RATE_HZ)
    guid = "{00000000-0000-0000-0000-000000000001}"
    (folder / "p.RPP").write_text(
        '<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1700000000\n  TEMPO 120 4 4\n'
        f"  <TRACK {guid}\n    NAME \"Audio 01\"\n    PEAKCOL 16576\n    VOLPAN 1 0 -1 -1 1\n    MUTESOLO 0 0 0\n"
        f"    ISBUS 0 0\n    TRACKID {guid}\n    <ITEM\n      POSITION 0\n      LENGTH {voice.shape[0] / RATE_HZ}\n"
        "      IGUID {10000000-0000-0000-0000-000000000001}\n      NAME vox.wav\n      VOLPAN 1 0 1 -1\n      SOFFS 0\n"
        '      <SOURCE WAVE\n        FILE "vox.wav"\n      >\n    >\n  >\n>\n'
    )
    return folder / "p.RPP"


def test_noisy_gaps_get_a_gate_written_with_its_threshold(noisy_voice_project):
    doc = load_document(noisy_voice_project)
    project = read_project(doc)
    analysis = analyze_project(project, cache=None)
    assert any(problem.kind == "noise_floor" for problem in analysis.tracks[0].problems)
    gates = [s for s in suggest(project, analysis, Settings()) if s.kind == "gate"]
    assert len(gates) == 1
    gate = gates[0]
    floor = gate.params["floor_dbfs"]
    assert -60 < floor < -40  # the measured hiss
    assert gate.params["threshold_db"] == pytest.approx(floor + Settings().gate_margin_db, abs=0.2)
    assert f"{floor:.0f} dBFS" in gate.why
    result = apply_suggestions(RppSessionWriter(doc), [gate])
    assert result.done == [gate.id], result.messages
    reread = parse_rpp(doc.to_bytes())
    chain = reread.root.find_all("TRACK")[0].find("FXCHAIN")
    plugin = [child for child in chain.children if child.tag in FX_TAGS][-1]
    spec = rpp_lines_to_fx([line.rstrip("\r\n") for line in reread.lines[plugin.start - 1 : plugin.end + 3]])
    assert "JS:" + spec.plugin.removeprefix("JS:") == EXPANDER_JSFX and spec.bypassed
    assert spec.params["slider1"] == pytest.approx(gate.params["threshold_db"], rel=0.01)
    assert spec.params["slider2"] == GATE_RATIO

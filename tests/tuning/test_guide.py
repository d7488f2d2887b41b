"""The MIDI guide read from inline MIDI items of a real project."""

from __future__ import annotations

import pytest

from reaper_ext.errors import AnalysisError
from reaper_ext.session.rpp import parse_rpp, read_project
from reaper_ext.tuning.guide import guide_from_rpp
from tests.conftest import CORPUS_DIR


def test_guide_from_the_corpus_midi_item():
    path = CORPUS_DIR / "Perlence__rpp__vst.RPP"
    doc = parse_rpp(path.read_bytes())
    project = read_project(doc)
    track = next(t for t in project.tracks if any(i.source_type == "MIDI" for i in t.items))
    item = next(i for i in track.items if i.source_type == "MIDI")
    notes = guide_from_rpp(doc, track.name, project.tempo_bpm)
    # the item holds C4, D4, E4, F4, one quarter note (960 ticks) each (lines 147-154 of the file)
    assert [n.pitch for n in notes][:4] == [0x3C, 0x3E, 0x40, 0x41]
    quarter = 60.0 / project.tempo_bpm
    first = notes[0]
    assert first.start_sec == pytest.approx(item.position_sec - item.start_offset_sec)
    assert first.end_sec - first.start_sec == pytest.approx(min(quarter, item.length_sec))


def test_guide_errors():
    doc = parse_rpp((CORPUS_DIR / "Perlence__rpp__vst.RPP").read_bytes())
    with pytest.raises(AnalysisError):
        guide_from_rpp(doc, "no such track name", 120.0)

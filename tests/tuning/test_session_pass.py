"""The tuning pass on a small project: items read from their source, suggestions written into the .RPP."""

from __future__ import annotations

import numpy as np
import soundfile
from reaper_ext_testkit.intonation import SungNote, synth_voice

from reaper_ext.session.rpp import load_project
from reaper_ext.session.rpp.takes import find_item
from reaper_ext.session.rpp.writer import RppSessionWriter
from reaper_ext.suggest.ledger.core import Selection, apply_suggestions, reject
from reaper_ext.tuning.envelope import correction_at
from reaper_ext.tuning.session import check_track, tuning_suggestions

SR = 44100
PROJECT = """<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1700000000
  TEMPO 120 4 4
  <TRACK {11111111-1111-1111-1111-111111111111}
    NAME Vox
    <ITEM
      POSITION 2
      LENGTH 2.6
      IGUID {22222222-2222-2222-2222-222222222222}
      NAME vox.wav
      SOFFS 0.5
      PLAYRATE 1 1 0 -1 0 0.0025
      CHANMODE 0
      GUID {33333333-3333-3333-3333-333333333333}
      <SOURCE WAVE
        FILE "vox.wav"
      >
    >
  >
>
"""


def test_pass_finds_the_flat_note_and_writes_envelope_and_marker(tmp_path):
    # the source: 0.5 s of silence (the item's SOFFS), then three notes, the second 40 cents flat
    notes = [SungNote(0.6, 0.6, 60), SungNote(1.35, 0.8, 64, -40.0), SungNote(2.3, 0.6, 62)]
    soundfile.write(str(tmp_path / "vox.wav"), synth_voice(notes, sample_rate_hz=SR), SR)
    (tmp_path / "song.RPP").write_text(PROJECT)
    doc, project = load_project(tmp_path / "song.RPP")
    original = doc.to_bytes()
    checked = check_track(project.tracks[0])
    assert checked.messages == []
    data = checked.to_dict()
    assert data["n_flagged"] == 1
    flagged = next(n for n in data["notes"] if n["flagged"])
    # project time = item position + (source time - SOFFS) = 2 + 1.35 - 0.5
    assert abs(flagged["start_sec"] - 2.85) < 0.05 and flagged["target"] == "E4"
    suggestions = tuning_suggestions(checked)
    kinds = sorted(s.kind for s in suggestions)
    assert kinds == ["marker", "tuning"]
    tuning = next(s for s in suggestions if s.kind == "tuning")
    marker = next(s for s in suggestions if s.kind == "marker")
    assert marker.params["position_sec"] == flagged["start_sec"] and marker.params["name"].startswith("tuning: E4 at 0:02.")
    # envelope points are item time: the flat note sits at 0.85-1.65 s of the item, shifted +40 cents
    points = [tuple(p) for p in tuning.params["points"]]
    assert abs(correction_at(points, np.array([1.25]))[0] - 40.0) < 5.0
    assert correction_at(points, np.array([0.3, 2.2])).tolist() == [0.0, 0.0]
    writer = RppSessionWriter(doc)
    result = apply_suggestions(writer, suggestions)
    assert sorted(result.done) == sorted(s.id for s in suggestions), result.messages
    item = find_item(doc, "{22222222-2222-2222-2222-222222222222}")
    assert any(c.tag == "PITCHENV" for c in item.children)
    reject(writer, Selection(is_all=True))
    assert doc.to_bytes() == original

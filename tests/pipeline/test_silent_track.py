"""A track that is all digital silence (issue 10 item 20): a ``silence`` problem and a mute, not an error."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile
from reaper_ext_testkit.datagen import Note, render_notes

from reaper_ext.pipeline.results import SCHEMA_VERSION, SessionAnalysis
from reaper_ext.pipeline.session import analyze_project
from reaper_ext.session.rpp import load_project
from reaper_ext.settings import Settings
from reaper_ext.suggest.engine import suggest

RATE_HZ = 44100
LENGTH_SEC = 4.0


def _track(n: int, file_name: str, *, n_items: int = 1) -> str:
    guid = f"{{00000000-0000-0000-0000-{n:012d}}}"
    items = "".join(
        f"    <ITEM\n      POSITION {k * LENGTH_SEC / n_items}\n      LENGTH {LENGTH_SEC / n_items}\n"
        f"      IGUID {{1000000{k}-0000-0000-0000-{n:012d}}}\n      NAME {file_name}\n      VOLPAN 1 0 1 -1\n"
        f"      SOFFS {k * LENGTH_SEC / n_items}\n      <SOURCE WAVE\n        FILE \"{file_name}\"\n      >\n    >\n"
        for k in range(n_items)
    )
    return (
        f"  <TRACK {guid}\n    NAME \"Audio {n:02d}\"\n    PEAKCOL 16576\n    VOLPAN 1 0 -1 -1 1\n    MUTESOLO 0 0 0\n"
        f"    ISBUS 0 0\n    TRACKID {guid}\n{items}  >\n"
    )


@pytest.fixture(scope="module")
def silent_session(tmp_path_factory):
    folder = tmp_path_factory.mktemp("silent")
    piano = render_notes([Note(0.25 * n, 0.3, 60 + (n * 7) % 12) for n in range(14)], program=0, tail_sec=0.5)
    soundfile.write(folder / "piano.wav", piano[: int(LENGTH_SEC * RATE_HZ)], RATE_HZ)
    # what a DAW leaves behind: an armed track that recorded nothing, two takes of exact zeros
    soundfile.write(folder / "zeros.wav", np.zeros((int(LENGTH_SEC * RATE_HZ), 2), dtype=np.float32), RATE_HZ)
    path = folder / "session.RPP"
    path.write_text('<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1700000000\n  TEMPO 120 4 4\n'
                    + _track(1, "piano.wav") + _track(2, "zeros.wav", n_items=2) + ">\n")
    _, project = load_project(path)
    return project, analyze_project(project, cache=None)


def test_a_track_of_zeros_is_measured_with_a_silence_problem_not_an_error(silent_session):
    _, analysis = silent_session
    piano, zeros = analysis.tracks
    assert piano.error is None and piano.label is not None
    assert zeros.error is None, zeros.error
    assert zeros.label is None  # nothing to label in silence
    assert zeros.measurements is not None and zeros.measurements.sample_peak_dbfs == -np.inf
    assert zeros.measurements.duration_sec == pytest.approx(LENGTH_SEC, abs=0.01)
    (silence,) = zeros.problems_of("silence")
    assert silence.severity == "high"  # exact digital zero (the detector's scale)
    assert silence.end_sec - silence.start_sec == pytest.approx(LENGTH_SEC, abs=0.01)
    assert any("not labelled" in message for message in zeros.messages)


def test_a_silent_track_gets_one_mute_and_nothing_else(silent_session):
    project, analysis = silent_session
    zeros_guid = analysis.tracks[1].guid
    mine = [s for s in suggest(project, analysis, Settings()) if s.target == zeros_guid]
    # the track's mute covers both silent items: no mute_item or marker per item, no gain, name or FX
    assert [s.kind for s in mine] == ["mute_track"], [(s.kind, s.why) for s in mine]
    assert mine[0].params == {"is_muted": True}
    assert "digital zero" in mine[0].why and "4.0 s" in mine[0].why


def test_the_analysis_json_round_trips_with_a_silent_track(silent_session):
    _, analysis = silent_session
    data = json.loads(json.dumps(analysis.to_dict()))  # what --json writes: no -inf or NaN in it
    assert data["schema_version"] == SCHEMA_VERSION
    zeros = data["tracks"][1]
    assert zeros["measurements"]["sample_peak_dbfs"] is None and zeros["measurements"]["crest_factor_db"] is None
    again = SessionAnalysis.from_dict(data)
    assert again.to_dict() == data
    assert again.tracks[1].measurements.sample_peak_dbfs == -np.inf
    assert [p.kind for p in again.tracks[1].problems] == [p.kind for p in analysis.tracks[1].problems]

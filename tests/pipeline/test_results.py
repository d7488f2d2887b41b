"""The typed results and their JSON edge: to_dict/from_dict, the cache form, and what a renamed field does."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from reaper_ext.analysis.measure import TrackMeasurements, measure_track
from reaper_ext.analysis.problems.base import MEASURED_KEYS, Problem
from reaper_ext.analysis.song.results import KeyEstimate, Section, SongAnalysis, TempoEstimate
from reaper_ext.errors import AnalysisError
from reaper_ext.labels.model import Label
from reaper_ext.pipeline.results import SCHEMA_VERSION, SessionAnalysis, TrackAnalysis

RATE_HZ = 48000


def _sine_measurements() -> TrackMeasurements:
    t = np.arange(RATE_HZ) / RATE_HZ
    left = 0.5 * np.sin(2 * np.pi * 440 * t)
    return measure_track(np.stack([left, np.zeros_like(left)], axis=1), RATE_HZ)


def test_measurements_round_trip_at_their_json_precision():
    measured = _sine_measurements()
    data = measured.to_dict()
    json.dumps(data, allow_nan=False)  # no -inf or NaN reaches the JSON
    again = TrackMeasurements.from_dict(data)
    assert again == measured.normalised()
    assert again.to_dict() == data
    assert again.sample_peak_dbfs == pytest.approx(20 * math.log10(0.5), abs=0.01)
    # a silent right channel: its stereo correlation is None in JSON and in the dataclass
    assert data["stereo_correlation"] is None and again.stereo_correlation is None


def test_silent_measurements_read_back_as_minus_infinity_not_zero():
    silent = measure_track(np.zeros((RATE_HZ, 1)), RATE_HZ).to_dict()
    assert silent["loudness_lufs"] is None and silent["sample_peak_dbfs"] is None
    again = TrackMeasurements.from_dict(silent)
    # "0 dBFS" for silence would be the worst misreading: a rule would turn the track down
    assert again.sample_peak_dbfs == -math.inf and again.loudness_lufs == -math.inf
    assert math.isnan(again.crest_factor_db)


def test_a_renamed_measurement_field_fails_when_read_not_later():
    data = _sine_measurements().to_dict()
    data["peak_dbfs"] = data.pop("sample_peak_dbfs")
    with pytest.raises(KeyError, match="sample_peak_dbfs"):
        TrackMeasurements.from_dict(data)


def test_a_problem_must_hold_the_measured_keys_of_its_kind():
    hum = {"freq_hz": 50.0, "harmonics_hz": [50.0, 100.0], "harmonic_numbers": [1, 2], "level_dbfs": -50.0,
           "prominence_db": 20.0}
    problem = Problem("hum", 0.0, 10.0, "medium", hum)
    assert Problem.from_dict(problem.to_dict()) == problem
    renamed = {("base_hz" if key == "freq_hz" else key): value for key, value in hum.items()}
    with pytest.raises(AnalysisError, match="lacks measured freq_hz"):
        Problem("hum", 0.0, 10.0, "medium", renamed)
    with pytest.raises(AnalysisError, match="unknown problem kind"):
        Problem("crackle", 0.0, 1.0, "low", {})
    with pytest.raises(AnalysisError, match="severity"):
        Problem("hum", 0.0, 10.0, "severe", hum)
    assert set(MEASURED_KEYS) == {"clipping", "silence", "silent_item", "dc_offset", "hum", "noise_floor",
                                  "polarity", "level_low", "level_hot", "sibilance"}


def test_a_shifted_problem_moves_in_project_time_to_the_millisecond():
    problem = Problem("clipping", 1.0, 1.25, "high", {"n_clipped_samples": 9, "clip_level_dbfs": 0.0})
    moved = problem.shifted(3.0004)
    assert (moved.start_sec, moved.end_sec) == (4.0, 4.25)
    assert moved.measured == problem.measured and moved.kind == "clipping"


def test_label_and_song_round_trip():
    label = Label("snare", "drums", 0.86432, "audio+name")
    assert Label.from_dict(label.to_dict()) == Label("snare", "drums", 0.8643, "audio+name")
    song = SongAnalysis(TempoEstimate(127.996, 0.51234), KeyEstimate("F#", "minor", 0.7, 0.9),
                        [Section("A", 0.0, 8.0, 1.0), Section("B", 8.0, 16.0, 0.4)])
    again = SongAnalysis.from_dict(song.to_dict())
    assert again.tempo == TempoEstimate(128.0, 0.512)
    assert again.key.name == "F# minor" and again.key.confidence == 0.7
    assert [(s.label, s.start_sec, s.end_sec) for s in again.sections] == [("A", 0.0, 8.0), ("B", 8.0, 16.0)]
    assert again.to_dict() == song.to_dict()


def test_session_tempo_key_and_sections_come_from_the_song():
    song = SongAnalysis(TempoEstimate(97.5, 0.6), KeyEstimate("C", "major", 0.8), [Section("A", 0.0, 4.0, 1.0)])
    analysis = SessionAnalysis("p.RPP", [TrackAnalysis(0, "{g}", "Audio 01")], song=song)
    assert (analysis.tempo_bpm, analysis.key, analysis.sections) == (97.5, "C major", [Section("A", 0.0, 4.0, 1.0)])
    data = analysis.to_dict()
    assert data["tempo_bpm"] == 97.5 and data["key"] == "C major" and data["sections"][0]["label"] == "A"
    assert data["schema_version"] == SCHEMA_VERSION
    assert SessionAnalysis.from_dict(data).to_dict() == data
    empty = SessionAnalysis(None, [])
    assert (empty.tempo_bpm, empty.key, empty.sections, empty.to_dict()["song"]) == (None, None, [], {})
    with pytest.raises(AnalysisError, match="schema version"):
        SessionAnalysis.from_dict({**data, "schema_version": SCHEMA_VERSION + 1})


def test_a_damaged_cache_entry_is_analysed_again(tmp_path):
    from reaper_ext.pipeline.keys import track_key
    from reaper_ext.pipeline.session import analyze_project
    from reaper_ext.session.rpp import load_project
    from reaper_ext.storage.cache import ContentCache
    from tests.conftest import EXAMPLE_PROJECT

    _, project = load_project(EXAMPLE_PROJECT)
    project = replace(project, tracks=project.tracks[:2])
    cache = ContentCache(tmp_path / "cache")
    first = analyze_project(project, cache=cache)
    for track in project.tracks:  # an entry from a build whose detector renamed a field
        key = track_key(track, cache, "")
        entry = cache.get("track", key)
        entry["measurements"]["peak_dbfs"] = entry["measurements"].pop("sample_peak_dbfs")
        cache.put("track", key, entry)
    again = analyze_project(project, cache=ContentCache(tmp_path / "cache"))
    assert again.n_tracks_from_cache == 0
    assert [t.to_dict() for t in again.tracks] == [t.to_dict() for t in first.tracks]


def test_measured_is_read_as_its_kinds_type_only():
    from reaper_ext.analysis.problems.base import ClippingMeasured, HumMeasured

    clipping = Problem("clipping", 1.0, 1.25, "high", {"n_clipped_samples": 9, "clip_level_dbfs": 0.0, "n_runs": 2})
    assert clipping.measured_as(ClippingMeasured)["n_clipped_samples"] == 9
    with pytest.raises(AnalysisError, match="ClippingMeasured, not a HumMeasured"):
        clipping.measured_as(HumMeasured)

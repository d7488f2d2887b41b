"""Tempo, key and sections of songs rendered with real sampled instruments."""

from __future__ import annotations

import pytest

from reaper_ext.analysis.song import estimate_key, estimate_tempo, find_sections

pytestmark = pytest.mark.slow


def _first_appearance_letters(structure: str) -> list[str]:
    letters: dict[str, str] = {}
    return [letters.setdefault(part, chr(ord("A") + len(letters))) for part in structure]


@pytest.mark.parametrize("index", [0, 1], ids=["96bpm-A-minor", "128bpm-Eb-major"])
def test_tempo_within_two_percent_in_the_right_octave(analysed_songs, index):
    song, analysis = analysed_songs[index]
    assert analysis.tempo.bpm == pytest.approx(song.tempo_bpm, rel=0.02)
    assert analysis.tempo.confidence > 0.3


@pytest.mark.parametrize("index", [0, 1], ids=["96bpm-A-minor", "128bpm-Eb-major"])
def test_key_is_found(analysed_songs, index):
    song, analysis = analysed_songs[index]
    assert analysis.key.name == song.key_name
    assert analysis.key.confidence > 0.3


@pytest.mark.parametrize("index", [0, 1], ids=["96bpm-A-minor", "128bpm-Eb-major"])
def test_sections_boundaries_and_repeat_letters(analysed_songs, index):
    song, analysis = analysed_songs[index]
    sections = analysis.sections
    assert [section.label for section in sections] == _first_appearance_letters(song.structure)
    true_starts = song.boundaries_sec[:-1]
    for section, true_start in zip(sections, true_starts, strict=True):
        assert section.start_sec == pytest.approx(true_start, abs=1.0)
    # contiguous, covering the whole mix
    assert sections[0].start_sec == 0.0
    assert sections[-1].end_sec == pytest.approx(song.mix.shape[0] / song.sample_rate_hz)
    for before, after in zip(sections, sections[1:], strict=False):
        assert before.end_sec == after.start_sec


def test_to_dict_reports_the_measurements(analysed_songs):
    song, analysis = analysed_songs[0]
    summary = analysis.to_dict()
    assert set(summary) == {"tempo_bpm", "tempo_confidence", "key", "key_confidence", "sections", "chords"}
    assert summary["key"] == "A minor"
    assert summary["tempo_bpm"] == pytest.approx(96, rel=0.02)
    assert [s["label"] for s in summary["sections"]] == ["A", "B", "A", "B"]
    assert set(summary["sections"][0]) == {"label", "start_sec", "end_sec"}


def test_single_functions_agree_with_analyze_song_and_accept_a_known_tempo(song_128_e_flat_major, analysed_songs):
    song = song_128_e_flat_major
    _, analysis = analysed_songs[1]
    assert estimate_tempo(song.mix, song.sample_rate_hz) == analysis.tempo
    assert estimate_key(song.mix, song.sample_rate_hz) == analysis.key
    sections = find_sections(song.mix, song.sample_rate_hz, tempo_bpm=128.0)
    assert [s.label for s in sections] == ["A", "B", "A", "B"]
    for section, true_start in zip(sections, song.boundaries_sec[:-1], strict=True):
        assert section.start_sec == pytest.approx(true_start, abs=60.0 / 128.0)

"""The chord of every bar, on rendered songs whose progression we wrote (issue 16, item 1)."""

from __future__ import annotations

import pytest
from reaper_ext_testkit.progressions import compose_progression_song

from reaper_ext.analysis.song import ChordEstimate, SongAnalysis, analyze_song

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=[
    dict(tempo_bpm=96, tonic="D", mode="major", seed=3, soundfont="fluidr3"),
    dict(tempo_bpm=120, tonic="A", mode="minor", seed=4, soundfont="timgm6mb"),
], ids=["96bpm-D-major-fluidr3", "120bpm-A-minor-timgm6mb"])
def analysed_progression(request):
    song = compose_progression_song(n_bars=8, **request.param)
    return song, analyze_song(song.mix, song.sample_rate_hz)


def test_most_bars_have_the_written_chord(analysed_progression):
    song, analysis = analysed_progression
    compared = right = 0
    for chord in analysis.chords:
        written_bar = int(0.5 * (chord.start_sec + chord.end_sec) // song.bar_sec)
        if written_bar < song.n_bars:
            compared += 1
            right += chord.name == song.chords[written_bar].name  # root and quality
    assert compared >= song.n_bars - 1
    assert right >= 0.75 * compared, [(c.name, round(c.start_sec, 2)) for c in analysis.chords]


def test_chords_are_whole_bars_at_the_song_tempo_with_a_confidence(analysed_progression):
    song, analysis = analysed_progression
    assert [chord.bar for chord in analysis.chords] == list(range(len(analysis.chords)))
    for before, after in zip(analysis.chords, analysis.chords[1:], strict=False):
        assert after.start_sec == pytest.approx(before.end_sec, abs=1e-6)
    for chord in analysis.chords:
        assert chord.end_sec - chord.start_sec == pytest.approx(song.bar_sec, rel=0.02)
        assert 0.0 <= chord.confidence <= 1.0
        assert chord.quality in ("maj", "min", "dim", "7")
        assert chord.name.startswith(chord.root)


def test_chords_go_through_json_and_back(analysed_progression):
    _, analysis = analysed_progression
    summary = analysis.to_dict()
    assert [c["chord"] for c in summary["chords"]] == [c.name for c in analysis.chords]
    assert set(summary["chords"][0]) == {"bar", "start_sec", "end_sec", "chord", "root", "quality", "confidence"}
    read = SongAnalysis.from_dict(summary)
    assert [(c.bar, c.name, c.root, c.quality) for c in read.chords] == [(c.bar, c.name, c.root, c.quality) for c in analysis.chords]
    assert all(isinstance(c, ChordEstimate) for c in read.chords)


def test_an_analysis_saved_before_chords_reads_back_with_none(analysed_progression):
    _, analysis = analysed_progression
    old = {key: value for key, value in analysis.to_dict().items() if key != "chords"}
    assert SongAnalysis.from_dict(old).chords == []

"""Rendered songs shared by the song-analysis tests (rendered once per session)."""

from __future__ import annotations

import pytest
from reaper_ext_testkit.songbook import ComposedSong, compose_song


@pytest.fixture(scope="session")
def song_96_a_minor() -> ComposedSong:
    """96 BPM, A minor, verse/chorus A-B-A-B (10 s sections), FluidR3."""
    return compose_song(tempo_bpm=96, tonic="A", mode="minor", structure="ABAB", soundfont="fluidr3", seed=1)


@pytest.fixture(scope="session")
def song_128_e_flat_major() -> ComposedSong:
    """128 BPM, E-flat (D#) major, A-B-A-B (7.5 s sections), TimGM6mb."""
    return compose_song(tempo_bpm=128, tonic="D#", mode="major", structure="ABAB", soundfont="timgm6mb", seed=2)


@pytest.fixture(scope="session")
def analysed_songs(song_96_a_minor, song_128_e_flat_major):
    """Each song with its analysis, computed once."""
    from reaper_ext.analysis.song import analyze_song

    return [(song, analyze_song(song.mix, song.sample_rate_hz)) for song in (song_96_a_minor, song_128_e_flat_major)]

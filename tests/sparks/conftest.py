"""Small rendered songs with known chords, melody and drum feel (rendered once per session)."""

from __future__ import annotations

import pytest
from reaper_ext_testkit.progressions import ProgressionSong, compose_progression_song


@pytest.fixture(scope="session")
def song_4_4() -> ProgressionSong:
    """104 BPM 4/4, G major, 8 bars, 60 % swing, a ±5 ms feel, FluidR3."""
    return compose_progression_song(tempo_bpm=104, tonic="G", mode="major", beats_per_bar=4, n_bars=8, swing=0.6,
                                    feel_ms=5.0, jitter_ms=1.0, soundfont="fluidr3", seed=11)


@pytest.fixture(scope="session")
def song_3_4() -> ProgressionSong:
    """92 BPM 3/4, C minor, 8 bars, straight, TimGM6mb."""
    return compose_progression_song(tempo_bpm=92, tonic="C", mode="minor", beats_per_bar=3, n_bars=8, swing=0.5,
                                    feel_ms=3.0, jitter_ms=1.0, soundfont="timgm6mb", seed=12)

"""Fixtures for the separation tests: small rendered mixes and a private cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from reaper_ext_testkit.datagen.render import Note, render_notes
from reaper_ext.separation import StemCache

RATE_HZ = 44100


@pytest.fixture(scope="session")
def rendered_mix() -> dict[str, np.ndarray]:
    """Drums and bass rendered with FluidR3 (2.5 s, stereo, 44.1 kHz) and their sum."""
    beat = 0.25
    drums = [Note(i * beat, 0.1, 36 if i % 2 == 0 else 38, 110) for i in range(10)]
    bass = [Note(i * 2 * beat, 2 * beat, p, 100) for i, p in enumerate([40, 43, 45, 40, 38])]
    d = render_notes(drums, is_drum=True, sample_rate_hz=RATE_HZ)
    b = render_notes(bass, program=33, sample_rate_hz=RATE_HZ)
    n = int(2.5 * RATE_HZ)

    def fit(x: np.ndarray) -> np.ndarray:
        out = np.zeros((n, 2), np.float32)
        out[: min(n, len(x))] = x[:n]
        return out

    d, b = fit(d), fit(b)
    return {"drums": d, "bass": b, "mix": 0.7 * (d + b)}


@pytest.fixture
def mix_file(tmp_path: Path, rendered_mix: dict[str, np.ndarray]) -> Path:
    path = tmp_path / "song.wav"
    sf.write(path, rendered_mix["mix"], RATE_HZ, subtype="FLOAT")
    return path


@pytest.fixture
def cache(tmp_path: Path) -> StemCache:
    return StemCache(tmp_path / "cache")


@pytest.fixture(scope="session")
def unittest_model():
    from reaper_ext.separation import load_separation_model

    return load_separation_model("demucs_unittest")

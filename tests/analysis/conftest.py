"""Rendered instruments shared by the analysis tests (rendered once per session)."""

from __future__ import annotations

import numpy as np
import pytest

from reaper_ext_testkit.datagen.render import Note, render_notes, speak

SAMPLE_RATE_HZ = 44100


def normalise(audio: np.ndarray, peak_dbfs: float) -> np.ndarray:
    return (audio * (10 ** (peak_dbfs / 20) / np.max(np.abs(audio)))).astype(np.float32)


def _melody(seed: int, low: int, high: int, n_notes: int = 16, step_sec: float = 0.25) -> list[Note]:
    rng = np.random.default_rng(seed)
    return [
        Note(step_sec * i, step_sec * 0.95, int(rng.integers(low, high)), int(rng.integers(70, 110)))
        for i in range(n_notes)
    ]


@pytest.fixture(scope="session")
def clean_tracks() -> dict[str, np.ndarray]:
    """Clean renders at sensible levels (peaks -6..-12 dBFS), about 4-6 s each."""
    return {
        "piano": normalise(render_notes(_melody(1, 48, 76), program=0), -6.0),
        "bass": normalise(render_notes(_melody(2, 28, 45), program=33), -9.0),
        "strings": normalise(render_notes(_melody(3, 55, 79, n_notes=8, step_sec=0.5), program=48), -12.0),
        "drums": normalise(
            render_notes([Note(0.125 * i, 0.1, (36, 42, 38, 42)[i % 4], 100) for i in range(32)], is_drum=True), -6.0
        ),
        "voice": normalise(speak("She sells sea shells by the sea shore. The quick brown fox jumps."), -8.0),
    }


@pytest.fixture(scope="session")
def phrased_piano() -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Three piano phrases cut off sharply, separated by digital silence; returns audio and the gaps."""
    phrase = render_notes(_melody(4, 50, 70, n_notes=8), program=0, tail_sec=0.05)
    fade = int(0.01 * SAMPLE_RATE_HZ)
    phrase[-fade:] *= np.linspace(1, 0, fade, dtype=np.float32)[:, None]
    gap = np.zeros((int(1.5 * SAMPLE_RATE_HZ), 2), dtype=np.float32)
    audio = normalise(np.concatenate([phrase, gap, phrase, gap, phrase]), -6.0)
    length_sec = phrase.shape[0] / SAMPLE_RATE_HZ
    gaps = [(length_sec, length_sec + 1.5), (2 * length_sec + 1.5, 2 * length_sec + 3.0)]
    return audio, gaps

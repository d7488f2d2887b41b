"""Fixtures for the labeller tests: a few fresh renders, made once per session."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

TEST_SEED = 424_242  # not the training seed (1234) nor the benchmark's
SAMPLE_RATE_HZ = 44100


@pytest.fixture(scope="session")
def fresh_clips() -> dict[str, np.ndarray]:
    """One 8-second part per class checked, rendered with a seed training never saw."""
    if shutil.which("fluidsynth") is None or shutil.which("espeak-ng") is None:
        pytest.fail("fluidsynth and espeak-ng are needed to render test instruments (python3 dev.py installs them)")
    from reaper_ext_testkit.datagen.parts import render_class_clips

    clips = {}
    for k, name in enumerate(("kick", "snare", "bass", "keys", "strings", "vocals")):
        clip = render_class_clips(name, 2, seed=TEST_SEED + k, duration_sec=8.0, sample_rate_hz=SAMPLE_RATE_HZ)
        clips[name] = clip[k % 2]  # alternate the two sound fonts
    return clips

"""A bounced full mix is labelled `mix` (a track to separate), single instruments are not."""

from __future__ import annotations

import pytest

from reaper_ext_testkit.datagen.parts import render_mix_clips
from reaper_ext.labels import classify_track
from reaper_ext.labels.model import MIX_CLASS

RATE_HZ = 44100
SEED = 97_531  # neither the detector's training seed nor the labeller's


@pytest.fixture(scope="module")
def mixes_and_parts():
    return render_mix_clips(8, seed=SEED, n_pool_per_class=3, duration_sec=8.0, sample_rate_hz=RATE_HZ)


def test_full_mixes_are_labelled_mix(mixes_and_parts):
    mixes, _ = mixes_and_parts
    labels = [classify_track(mix, RATE_HZ) for mix in mixes]
    n_mix = sum(label.fine_class == MIX_CLASS for label in labels)
    assert n_mix >= 6, [label.fine_class for label in labels]  # 75%: the detector errs towards "not a mix"
    assert all(label.coarse_class == MIX_CLASS for label in labels if label.fine_class == MIX_CLASS)


def test_single_instruments_are_not_called_a_mix(mixes_and_parts):
    _, pool = mixes_and_parts
    called_mix = [name for name, clips in pool.items() for clip in clips if classify_track(clip, RATE_HZ).fine_class == MIX_CLASS]
    assert called_mix == []

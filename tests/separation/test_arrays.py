"""separate_array (arrays in, arrays out) gives the file engine's stems for the same audio and model."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from reaper_ext.errors import SeparationError
from reaper_ext.separation import separate_file
from reaper_ext.separation.arrays import separate_array

RATE_HZ = 44100


@pytest.mark.parametrize("n_channels", [2, 1])
def test_array_entry_matches_the_streaming_file_engine(tmp_path, rendered_mix, n_channels):
    mix = rendered_mix["mix"][:, :n_channels]
    path = tmp_path / "mix.wav"
    sf.write(path, mix, RATE_HZ, subtype="FLOAT")
    from_file = separate_file(path, tmp_path / "out", model="demucs_unittest", device="cpu", use_cache=False)
    from_array = separate_array(mix, RATE_HZ, model="demucs_unittest", device="cpu")
    assert list(from_array) == list(from_file.stem_paths)
    for stem, array in from_array.items():
        written = sf.read(from_file.stem_paths[stem], dtype="float32", always_2d=True)[0]
        assert array.shape == written.shape == mix.shape
        # the streaming engine re-implements apply_model's overlap-add block by block; the
        # two must agree to float32 rounding, on every stem (not only on their sum)
        np.testing.assert_allclose(array, written, atol=2e-4, err_msg=stem)
    assert max(float(np.abs(a).max()) for s, a in from_array.items() if s != "other") > 1e-3


def test_array_entry_resamples_in_and_out(rendered_mix):
    from scipy.signal import resample_poly

    mix_48k = resample_poly(rendered_mix["mix"], 160, 147, axis=0).astype(np.float32)
    stems = separate_array(mix_48k, 48000, model="demucs_unittest", device="cpu")
    assert all(stem.shape == mix_48k.shape for stem in stems.values())


def test_array_entry_refuses_surround_and_empty_input():
    with pytest.raises(SeparationError, match="channels"):
        separate_array(np.zeros((100, 6), np.float32), RATE_HZ, model="demucs_unittest")
    with pytest.raises(SeparationError, match="channels"):
        separate_array(np.zeros((0, 2), np.float32), RATE_HZ, model="demucs_unittest")

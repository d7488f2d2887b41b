"""Behaviour of the file-level separation API with demucs's weight-free model."""

from __future__ import annotations

import errno
import random
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from reaper_ext.errors import MediaError, ModelNotFoundError, SeparationError
from reaper_ext.separation import SeparationCancelled, engine, separate_file
from reaper_ext.separation.models import load_separation_model
from reaper_ext.audio.resample import StreamingResampler

RATE_HZ = 44100
SEG_SEC = 0.8  # the equivalence test: a 2.5 s file spans four such segments
SOURCES = ("drums", "bass", "other", "vocals")


def _read_stems(result) -> np.ndarray:
    return np.stack([sf.read(result.stem_paths[s], dtype="float32", always_2d=True)[0] for s in SOURCES])


def _run(path: Path, out: Path, cache, **kw):
    return separate_file(path, out, model="demucs_unittest", device="cpu", cache=cache, **kw)


def _no_partials(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


def test_stems_sum_to_input_and_keep_format(mix_file, tmp_path, cache, rendered_mix):
    fractions = []
    result = _run(mix_file, tmp_path / "out", cache, progress=lambda f, stage, eta: fractions.append(f))
    assert set(result.stem_paths) == set(SOURCES)
    assert result.stem_paths["drums"].name == "song - drums.wav"
    assert (result.sample_rate_hz, result.n_channels, result.from_cache) == (RATE_HZ, 2, False)
    assert result.duration_sec == pytest.approx(2.5, abs=1e-4)
    stems = _read_stems(result)
    assert stems.shape == (4, *rendered_mix["mix"].shape)
    np.testing.assert_allclose(stems.sum(axis=0), rendered_mix["mix"], atol=1e-5)
    for path in result.stem_paths.values():
        info = sf.info(path)
        assert (info.samplerate, info.channels, info.subtype) == (RATE_HZ, 2, "FLOAT")
    assert fractions[-1] == 1.0 and fractions == sorted(fractions)


def test_chunked_equals_apply_model(tmp_path, unittest_model, rendered_mix):
    """The streamed overlap-add reproduces demucs's apply_model on the whole tensor."""
    import torch
    from demucs.apply import apply_model

    path = tmp_path / "mix.wav"
    sf.write(path, rendered_mix["mix"], RATE_HZ, subtype="FLOAT")
    random.seed(7)
    result = engine.separate_to_files(path, tmp_path / "out", unittest_model, segment_sec=SEG_SEC, shifts=1)
    mix = torch.from_numpy(rendered_mix["mix"].T.copy())
    ref = mix.mean(0)
    mean, std = ref.mean(), ref.std() + 1e-8
    random.seed(7)
    expected = apply_model(unittest_model, ((mix - mean) / std)[None], shifts=1, segment=SEG_SEC, overlap=0.25)
    expected = (expected[0] * std + mean).numpy()
    got = np.stack([sf.read(result.stem_paths[s], dtype="float32")[0].T for s in unittest_model.sources])
    for k, stem in enumerate(unittest_model.sources):
        if stem != "other":  # "other" also carries the residual by design
            np.testing.assert_allclose(got[k], expected[k], atol=1e-6, err_msg=stem)
    assert np.abs(expected[0]).max() > 1e-3  # the model did produce a drum estimate


def test_mono_input_gives_mono_stems(tmp_path, cache, rendered_mix):
    path = tmp_path / "mono.wav"
    mono = rendered_mix["mix"][:RATE_HZ, :1]
    sf.write(path, mono, RATE_HZ, subtype="FLOAT")
    result = _run(path, tmp_path / "out", cache)
    stems = _read_stems(result)
    assert result.n_channels == 1 and stems.shape == (4, len(mono), 1)
    np.testing.assert_allclose(stems.sum(0), mono, atol=1e-5)


def test_48k_input_resampled_in_and_out(tmp_path, cache, rendered_mix):
    from scipy.signal import resample_poly

    x48 = resample_poly(rendered_mix["mix"][:RATE_HZ], 160, 147, axis=0).astype(np.float32)
    path = tmp_path / "mix48.wav"
    sf.write(path, x48, 48000, subtype="FLOAT")
    result = _run(path, tmp_path / "out", cache)
    stems = _read_stems(result)
    assert result.sample_rate_hz == 48000 and sf.info(result.stem_paths["bass"]).samplerate == 48000
    assert stems.shape == (4, *x48.shape)
    np.testing.assert_allclose(stems.sum(0), x48, atol=1e-5)
    assert not list((tmp_path / "out").glob(".*"))  # the model-rate temp copy is gone


def test_silence_gives_silent_stems(tmp_path, cache):
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros((RATE_HZ, 2), np.float32), RATE_HZ, subtype="FLOAT")
    stems = _read_stems(_run(path, tmp_path / "out", cache))
    assert np.isfinite(stems).all() and np.abs(stems).max() == 0.0


def test_tenth_of_a_second(tmp_path, cache, rendered_mix):
    path = tmp_path / "short.wav"
    x = rendered_mix["mix"][: RATE_HZ // 10]
    sf.write(path, x, RATE_HZ, subtype="FLOAT")
    stems = _read_stems(_run(path, tmp_path / "out", cache))
    assert stems.shape == (4, RATE_HZ // 10, 2)
    np.testing.assert_allclose(stems.sum(0), x, atol=1e-5)


def test_surround_is_refused_with_channel_count(tmp_path, cache):
    path = tmp_path / "surround.wav"
    sf.write(path, np.zeros((1000, 6), np.float32), RATE_HZ)
    with pytest.raises(SeparationError, match=r"surround\.wav.*6 channels"):
        _run(path, tmp_path / "out", cache)
    assert not (tmp_path / "out").exists()


def test_missing_input_is_media_error(tmp_path, cache):
    with pytest.raises(MediaError, match="nope.wav"):
        _run(tmp_path / "nope.wav", tmp_path / "out", cache)


@pytest.mark.parametrize("use_event", [True, False])
def test_cancel_leaves_no_files(mix_file, tmp_path, cache, use_event):
    out = tmp_path / "out"
    event = threading.Event()

    def progress(fraction, stage, eta):
        if stage == "separating":
            event.set()

    cancel = event if use_event else event.is_set
    with pytest.raises(SeparationCancelled, match="cancelled"):
        _run(mix_file, out, cache, progress=progress, cancel=cancel)
    assert _no_partials(out) == []
    assert cache.entries() == []


def test_full_disk_leaves_no_files(mix_file, tmp_path, cache, monkeypatch):
    out = tmp_path / "out"
    calls = {"n": 0}
    real = engine._write_block

    def failing(handle, block):
        calls["n"] += 1
        if calls["n"] > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(handle, block)

    monkeypatch.setattr(engine, "_write_block", failing)
    with pytest.raises(SeparationError, match="disk .* is full; partial stems were deleted"):
        _run(mix_file, out, cache)
    assert calls["n"] > 2
    assert _no_partials(out) == []


def test_cache_hit_second_time(mix_file, tmp_path, cache, monkeypatch):
    first = _run(mix_file, tmp_path / "a", cache)
    monkeypatch.setattr(engine, "separate_to_files", None)  # would fail if called
    import reaper_ext.separation as sep

    monkeypatch.setattr(sep, "separate_to_files", None)
    second = _run(mix_file, tmp_path / "b", cache)
    assert second.from_cache and not first.from_cache
    for s in SOURCES:
        assert second.stem_paths[s] == tmp_path / "b" / f"song - {s}.wav"
        assert second.stem_paths[s].read_bytes() == first.stem_paths[s].read_bytes()
    # A different setting is a different key.
    key_args = {
        "content_hash": "h",
        "model": "demucs_unittest",
        "model_signature": "s",
        "segment_sec": None,
        "shifts": 0,
        "residual_stem": "other",
    }
    from reaper_ext.separation.cache import cache_key

    assert cache_key(overlap=0.25, **key_args) != cache_key(overlap=0.5, **key_args)


def test_cache_evicts_least_recently_used(tmp_path):
    from reaper_ext.separation import StemCache

    stem = tmp_path / "s.wav"
    stem.write_bytes(b"x" * 1000)
    cache = StemCache(tmp_path / "c", max_bytes=2500)
    cache.store("k1", {"drums": stem})
    cache.store("k2", {"drums": stem})
    assert cache.lookup("k1") is not None  # k1 now most recently used
    import os
    import time

    os.utime(cache.root / "k2" / "entry.json", (time.time() - 100, time.time() - 100))
    cache.store("k3", {"drums": stem})
    assert cache.lookup("k2") is None and cache.lookup("k1") is not None and cache.lookup("k3") is not None


def test_missing_model_lists_missing_files(tmp_path):
    with pytest.raises(ModelNotFoundError) as info:
        load_separation_model("htdemucs", model_repo=tmp_path, use_hub=False)
    message = str(info.value)
    assert "955717e8-8726e21a.th" in message and str(tmp_path) in message
    assert "local folder" in message and "hub" in message


def test_missing_model_for_a_bag_lists_every_file(tmp_path):
    (tmp_path / "f7e0c4bc-ba3fe64a.th").write_bytes(b"")
    with pytest.raises(ModelNotFoundError) as info:
        load_separation_model("htdemucs_ft", model_repo=tmp_path, use_hub=False)
    missing_line = str(info.value).splitlines()[1]
    for name in ("d12395a8-e57c48e6.th", "92cfc3b6-ef3bcb9c.th", "04573f0d-f3cf25b2.th"):
        assert name in missing_line
    assert "f7e0c4bc" not in missing_line


def test_streaming_resampler_matches_scipy():
    from scipy.signal import resample_poly

    x = np.random.default_rng(1).standard_normal((2, 20011)).astype(np.float32)
    r = StreamingResampler(48000, 44100, n_channels=2)
    y = np.concatenate([r.push(x[:, i : i + 3001]) for i in range(0, x.shape[1], 3001)] + [r.flush()], axis=1)
    np.testing.assert_allclose(y, resample_poly(x, 147, 160, axis=1), atol=1e-6)

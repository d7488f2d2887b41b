"""The whole-session pipeline on real audio: parallel = serial, the cache, and bad media."""

from __future__ import annotations

import shutil
import tempfile

import numpy as np
import pytest
import soundfile
from reaper_ext_testkit.datagen import Note, render_notes

from reaper_ext.pipeline.session import analyze_project
from reaper_ext.session.rpp import load_project
from reaper_ext.storage.cache import ContentCache
from tests.conftest import EXAMPLE_PROJECT

RATE_HZ = 44100


def _track(n: int, file_name: str, *, position_sec: float = 0.0, length_sec: float = 4.0, offset_sec: float = 0.0) -> str:
    guid = f"{{00000000-0000-0000-0000-{n:012d}}}"
    return (
        f"  <TRACK {guid}\n    NAME \"Audio {n:02d}\"\n    PEAKCOL 16576\n    VOLPAN 1 0 -1 -1 1\n    MUTESOLO 0 0 0\n"
        f"    ISBUS 0 0\n    TRACKID {guid}\n    <ITEM\n      POSITION {position_sec}\n      LENGTH {length_sec}\n"
        f"      IGUID {{10000000-0000-0000-0000-{n:012d}}}\n      NAME {file_name}\n      VOLPAN 1 0 1 -1\n"
        f"      SOFFS {offset_sec}\n      <SOURCE WAVE\n        FILE \"{file_name}\"\n      >\n    >\n  >\n"
    )


def _project(folder, tracks: list[str]):
    path = folder / "session.RPP"
    path.write_text('<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1700000000\n  TEMPO 120 4 4\n' + "".join(tracks) + ">\n")
    return path


@pytest.fixture(scope="module")
def piano() -> np.ndarray:
    return render_notes([Note(0.25 * n, 0.3, 60 + (n * 7) % 12) for n in range(14)], program=0, tail_sec=0.5)


def _comparable(analysis) -> list:
    return [(t.name, t.label, t.measurements, t.problems, t.error) for t in analysis.tracks] + [analysis.song]


@pytest.mark.slow
def test_parallel_workers_give_the_serial_result_and_the_cache_replays_it(monkeypatch, tmp_path):
    monkeypatch.setenv("REAPER_EXT_WORKERS", "1")
    _, project = load_project(EXAMPLE_PROJECT)
    serial = analyze_project(project, cache=None)
    monkeypatch.setenv("REAPER_EXT_WORKERS", "2")
    spill_root = tmp_path / "tmp"
    spill_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill_root))  # where workers leave their mono copies
    cache = ContentCache(tmp_path / "cache")
    parallel = analyze_project(project, cache=cache)
    assert _comparable(parallel) == _comparable(serial)
    assert list(spill_root.iterdir()) == []  # every spilled copy was read back and removed
    warm = analyze_project(project, cache=ContentCache(tmp_path / "cache"))
    assert warm.n_tracks_from_cache == len(project.tracks)
    assert _comparable(warm) == _comparable(serial)


def test_cache_is_keyed_by_content_not_path_or_mtime(tmp_path, piano):
    soundfile.write(tmp_path / "a.wav", piano, RATE_HZ)
    soundfile.write(tmp_path / "b.wav", 0.5 * piano, RATE_HZ)
    path = _project(tmp_path, [_track(1, "a.wav"), _track(2, "b.wav")])
    cache_dir = tmp_path / "cache"
    first = analyze_project(load_project(path)[1], cache=ContentCache(cache_dir))
    assert first.n_tracks_from_cache == 0
    # same bytes under a new mtime: still a hit; new content in b.wav: only that track is redone
    shutil.copy(tmp_path / "a.wav", tmp_path / "a2.wav")
    (tmp_path / "a2.wav").replace(tmp_path / "a.wav")
    soundfile.write(tmp_path / "b.wav", 0.25 * piano, RATE_HZ)
    second = analyze_project(load_project(path)[1], cache=ContentCache(cache_dir))
    assert second.n_tracks_from_cache == 1
    assert second.tracks[0].measurements == first.tracks[0].measurements
    peak_change = second.tracks[1].measurements.sample_peak_dbfs - first.tracks[1].measurements.sample_peak_dbfs
    assert peak_change == pytest.approx(-6.02, abs=0.05)


def test_cache_stays_within_its_size_bound(tmp_path, piano):
    soundfile.write(tmp_path / "a.wav", piano, RATE_HZ)
    path = _project(tmp_path, [_track(1, "a.wav")])
    cache = ContentCache(tmp_path / "cache", max_bytes=20_000)
    for gain in (0.9, 0.8, 0.7, 0.6):
        soundfile.write(tmp_path / "a.wav", gain * piano, RATE_HZ)
        analyze_project(load_project(path)[1], cache=cache)
    assert cache.size_bytes() <= 20_000


def test_bad_media_is_reported_per_track_and_the_rest_is_analysed(tmp_path, piano):
    soundfile.write(tmp_path / "good.wav", piano, RATE_HZ)
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "garbage.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt garbage" * 10)
    bad = piano.copy()
    bad[1000, 0] = np.nan
    soundfile.write(tmp_path / "nan.wav", bad, RATE_HZ, subtype="FLOAT")
    from scipy.signal import resample_poly

    soundfile.write(tmp_path / "low.wav", resample_poly(piano, 80, 441, axis=0), 8000)
    soundfile.write(tmp_path / "hi.wav", resample_poly(piano, 640, 147, axis=0), 192000)
    soundfile.write(tmp_path / "eight.wav", np.tile(piano[:, :1], (1, 8)), RATE_HZ)
    path = _project(tmp_path, [
        _track(1, "good.wav"), _track(2, "empty.wav"), _track(3, "garbage.wav"), _track(4, "missing.wav"),
        _track(5, "nan.wav"), _track(6, "low.wav", length_sec=1.0), _track(7, "hi.wav", length_sec=1.0),
        _track(8, "eight.wav"), _track(9, "good.wav", length_sec=20.0, offset_sec=2.0),
    ])
    analysis = analyze_project(load_project(path)[1], cache=None)
    by_name = {track.name: track for track in analysis.tracks}
    assert by_name["Audio 01"].error is None and by_name["Audio 01"].label is not None
    for name, words in (("Audio 02", "empty.wav"), ("Audio 03", "garbage.wav"), ("Audio 04", "missing"), ("Audio 05", "NaN")):
        assert by_name[name].error and words in by_name[name].error, (name, by_name[name].error)
    for name in ("Audio 06", "Audio 07", "Audio 08"):  # 8 kHz, 192 kHz, 8 channels: analysed
        assert by_name[name].error is None and by_name[name].measurements is not None, by_name[name].error
    past_end = by_name["Audio 09"]
    assert past_end.error is None and any("past the end" in message for message in past_end.messages)


def test_project_with_no_tracks(tmp_path):
    analysis = analyze_project(load_project(_project(tmp_path, []))[1], cache=None)
    assert analysis.tracks == [] and analysis.tempo_bpm is None


def test_long_tracks_are_analysed_in_windows(monkeypatch, tmp_path):
    # a 3-hour file takes the same path as this one, with 20-min/10-min limits instead of 6 s/2.5 s
    import reaper_ext.pipeline.windows as pipeline

    # a kick pattern: an unambiguous class, so the label check is about windowing, not accuracy
    kick = render_notes([Note(0.5 * n, 0.2, 36) for n in range(8)], is_drum=True, tail_sec=0.0)
    long_audio = np.tile(kick, (3, 1))
    soundfile.write(tmp_path / "long.wav", long_audio, RATE_HZ)
    length_sec = long_audio.shape[0] / RATE_HZ
    path = _project(tmp_path, [_track(1, "long.wav", length_sec=length_sec)])
    whole = analyze_project(load_project(path)[1], cache=None).tracks[0]
    monkeypatch.setattr(pipeline, "LONG_TRACK_SEC", 6.0)
    monkeypatch.setattr(pipeline, "WINDOW_SEC", 2.5)
    windowed = analyze_project(load_project(path)[1], cache=None).tracks[0]
    assert windowed.error is None and any("windows" in message for message in windowed.messages)
    assert windowed.measurements.duration_sec == pytest.approx(length_sec, abs=0.01)
    assert windowed.measurements.sample_peak_dbfs == pytest.approx(whole.measurements.sample_peak_dbfs, abs=0.01)
    assert windowed.measurements.loudness_lufs == pytest.approx(whole.measurements.loudness_lufs, abs=1.0)
    assert windowed.label.coarse_class == whole.label.coarse_class


def test_digests_warmed_in_threads_equal_one_by_one_and_skip_missing_files(tmp_path, piano):
    paths = []
    for n in range(4):
        paths.append(tmp_path / f"take{n}.wav")
        soundfile.write(paths[-1], piano * (n + 1) / 8, RATE_HZ)
    cold = ContentCache(tmp_path / "one-by-one")
    expected = [cold.file_digest(path) for path in paths]
    assert len(set(expected)) == 4
    warmed = ContentCache(tmp_path / "warmed")
    warmed.warm_digests([*paths, tmp_path / "missing.wav"])  # the missing file is left for the caller to report
    assert len(list((tmp_path / "warmed" / "digests").iterdir())) == 4  # each digest is memoised on disk
    assert [warmed.file_digest(path) for path in paths] == expected

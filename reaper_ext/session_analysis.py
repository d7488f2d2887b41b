"""Analyse a whole session: every track's audio, labels, measurements, problems, and the song.

This is the orchestration layer between a :class:`Project` snapshot (from
either backend) and the pure analysis functions: it reads each track's audio
(``reaper_ext.audio``), labels it (``reaper_ext.labels``), measures it and
finds its problems (``reaper_ext.analysis``), then looks across tracks
(polarity) and at the mix (tempo, key, sections).

Results are cached by content (``reaper_ext.cache``): a track whose items and
media bytes are unchanged is not read again, and an unchanged session is not
analysed at all. A track that can't be read is reported with the reason and
the others are analysed.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from math import log10

import numpy as np

from reaper_ext.cache import ContentCache, digest_bytes
from reaper_ext.errors import AnalysisError, MediaError
from reaper_ext.session.model import Project, Track

__all__ = ["ANALYSIS_VERSION", "TrackAnalysis", "SessionAnalysis", "analyze_project", "ProgressCallback"]

# Bump when any analysis code changes its results: old cache entries then miss.
ANALYSIS_VERSION = "1"
MIX_RATE_HZ = 22050  # song analysis (tempo/key/sections) runs at this rate, mono
# Polarity compares 1 ms block means (the detector's own resolution): workers send
# these tiny copies, and the parent never filters a track itself.
POLARITY_RATE_HZ = 1000
LONG_TRACK_SEC = 20 * 60.0  # longer tracks are analysed in windows, memory bounded
WINDOW_SEC = 10 * 60.0

ProgressCallback = Callable[[float, str], None]


@dataclass
class TrackAnalysis:
    """What the analysis found on one track (times are project seconds)."""

    index: int
    guid: str
    name: str
    label: dict | None = None
    measurements: dict | None = None
    problems: list[dict] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    error: str | None = None
    start_sec: float = 0.0
    is_cached: bool = False

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "guid": self.guid,
            "name": self.name,
            "label": self.label,
            "measurements": self.measurements,
            "problems": self.problems,
            "messages": self.messages,
            "error": self.error,
            "start_sec": round(self.start_sec, 6),
        }


@dataclass
class SessionAnalysis:
    """The analysis of a whole project."""

    project_path: str | None
    tracks: list[TrackAnalysis]
    tempo_bpm: float | None = None
    key: str | None = None
    sections: list[dict] = field(default_factory=list)
    song: dict = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    elapsed_sec: float = 0.0
    n_tracks_from_cache: int = 0

    def track(self, guid: str) -> TrackAnalysis | None:
        return next((track for track in self.tracks if track.guid == guid), None)

    def to_dict(self) -> dict:
        return {
            "schema_version": 1,
            "analysis_version": ANALYSIS_VERSION,
            "project": self.project_path,
            "tempo_bpm": self.tempo_bpm,
            "key": self.key,
            "sections": self.sections,
            "song": self.song,
            "tracks": [track.to_dict() for track in self.tracks],
            "messages": self.messages,
        }


def _models_digest() -> str:
    """Digest of the labeller's weight files: retraining must invalidate cached labels."""
    global _MODELS_DIGEST
    if _MODELS_DIGEST is None:
        from reaper_ext.labels.model import MIX_WEIGHTS_PATH, WEIGHTS_PATH

        blobs = b"".join(path.read_bytes() for path in (WEIGHTS_PATH, MIX_WEIGHTS_PATH) if path.is_file())
        _MODELS_DIGEST = digest_bytes(blobs)
    return _MODELS_DIGEST


_MODELS_DIGEST: str | None = None


def _track_key(track: Track, cache: ContentCache, settings_key: str) -> str | None:
    """Cache key of a track: its items' parameters and media content, the settings and models; None if unreadable."""
    parts: list = [ANALYSIS_VERSION, settings_key, _models_digest(), track.name]
    for item in track.items:
        if item.is_muted:
            continue
        digest = None
        if item.media is not None and item.media.resolved_path is not None:
            try:
                digest = cache.file_digest(item.media.resolved_path)
            except OSError:
                return None
        parts.append([
            digest, item.source_type, item.position_sec, item.length_sec, item.start_offset_sec,
            item.section_start_sec, item.playrate, item.item_gain, item.take_gain,
            None if item.media is None else item.media.file_as_written,
        ])
    return digest_bytes(json.dumps(parts).encode())


def _label_track(samples: np.ndarray, sample_rate_hz: int, name: str) -> dict:
    from reaper_ext.labels import classify_track

    return classify_track(samples, sample_rate_hz, track_name=name).to_dict()


def _shift_problem(problem: dict, offset_sec: float) -> dict:
    shifted = dict(problem)
    shifted["start_sec"] = round(problem["start_sec"] + offset_sec, 3)
    shifted["end_sec"] = round(problem["end_sec"] + offset_sec, 3)
    return shifted


def _analyse_audio(samples: np.ndarray, sample_rate_hz: int, name: str, item_spans_sec) -> tuple[dict, dict, list[dict]]:
    from reaper_ext.analysis.measure import analyse_track

    label = _label_track(samples, sample_rate_hz, name)
    is_voice = label.get("coarse_class") == "vocals"
    measurements, problems = analyse_track(samples, sample_rate_hz, is_voice=is_voice, item_spans_sec=item_spans_sec)
    return label, measurements.to_dict(), [problem.to_dict() for problem in problems]


def _merge_window_measurements(windows: list[dict]) -> dict:
    """Combine measurements of consecutive windows of one long track.

    Peaks take the maximum, powers (RMS, loudness, LTAS) the duration-weighted
    power mean (loudness gating is per window: a documented approximation),
    the noise floor the minimum, active regions are concatenated.
    """
    durations = np.array([window["duration_sec"] for window in windows])
    weights = durations / durations.sum()

    def power_mean(key):
        values = [window[key] for window in windows]
        if any(value is None for value in values):
            finite = [(w, v) for w, v in zip(weights, values) if v is not None]
            if not finite:
                return None
            total = sum(w for w, _ in finite)
            return round(10 * log10(sum(w / total * 10 ** (v / 10) for w, v in finite)), 2)
        return round(10 * log10(float(np.sum(weights * 10 ** (np.array(values) / 10)))), 2)

    merged = dict(windows[0])
    for key in ("loudness_lufs", "rms_dbfs"):
        merged[key] = power_mean(key)
    for key in ("sample_peak_dbfs", "true_peak_dbtp", "dc_offset_dbfs"):
        values = [window[key] for window in windows if window[key] is not None]
        merged[key] = max(values) if values else None
    floors = [window["noise_floor_dbfs"] for window in windows if window["noise_floor_dbfs"] is not None]
    merged["noise_floor_dbfs"] = min(floors) if floors else None
    if merged["sample_peak_dbfs"] is not None and merged["rms_dbfs"] is not None:
        merged["crest_factor_db"] = round(merged["sample_peak_dbfs"] - merged["rms_dbfs"], 2)
    levels = np.array([[np.nan if v is None else v for v in window["ltas_level_db"]] for window in windows], dtype=float)
    ltas = 10 * np.log10(np.nansum(weights[:, None] * 10 ** (levels / 10), axis=0) + 1e-30)
    merged["ltas_level_db"] = [round(float(v), 1) for v in ltas]
    offset = 0.0
    regions = []
    for window in windows:
        regions += [[start + offset, end + offset] for start, end in window["active_regions"]]
        offset += window["duration_sec"]
    merged["active_regions"] = regions
    merged["duration_sec"] = round(float(durations.sum()), 3)
    return merged


def _analyse_long_track(track: Track, duration_sec: float) -> tuple[dict, dict, list[dict], list[str], float]:
    """Analyse a long track window by window: memory of one window, not the whole track."""
    from reaper_ext.audio import read_track_audio

    windows = []
    problems: list[dict] = []
    messages: list[str] = [f"track is {duration_sec / 60:.0f} min long: analysed in {WINDOW_SEC / 60:.0f}-minute windows"]
    window_labels: list[dict] = []
    start_sec = None
    offset_sec = 0.0
    while offset_sec < duration_sec:
        audio = read_track_audio(track, max_duration_sec=WINDOW_SEC, start_offset_sec=offset_sec)
        start_sec = audio.start_sec if start_sec is None else start_sec
        spans = [(max(0.0, a), b) for a, b in audio.item_spans_sec]
        window_label, measured, found = _analyse_audio(audio.samples, audio.sample_rate_hz, track.name, spans)
        window_labels.append(window_label)
        windows.append(measured)
        problems += [_shift_problem(problem, offset_sec) for problem in found]
        messages += [message for message in audio.messages if message not in messages]
        offset_sec += WINDOW_SEC
    # the class most windows agree on; its most confident window speaks for it
    votes: dict[str, int] = {}
    for window_label in window_labels:
        votes[window_label["class"]] = votes.get(window_label["class"], 0) + 1
    winner = max(votes, key=lambda name: (votes[name], max(w["confidence"] for w in window_labels if w["class"] == name)))
    label = max((w for w in window_labels if w["class"] == winner), key=lambda w: w["confidence"])
    return label, _merge_window_measurements(windows), problems, messages, start_sec or 0.0


def _mono(samples: np.ndarray) -> np.ndarray:
    """Mono downmix; summing columns is much faster than a strided mean."""
    if samples.shape[1] == 1:
        return samples[:, 0]
    mono = samples[:, 0].copy()
    for channel in range(1, samples.shape[1]):
        mono += samples[:, channel]
    mono *= np.float32(1.0 / samples.shape[1])
    return mono


_HALF_BAND_TAPS = 41  # the length resample_poly uses for a 2:1 step (Kaiser window, beta 5)


def _halve_rate(signal: np.ndarray) -> np.ndarray:
    """2:1 decimation with resample_poly's own low-pass, without its padding and copies."""
    from scipy.signal import firwin, upfirdn

    global _half_band
    if _half_band is None:
        _half_band = firwin(_HALF_BAND_TAPS, 0.5, window=("kaiser", 5.0)).astype(np.float32)
    delay = (_HALF_BAND_TAPS - 1) // 2  # the filter's group delay, in input samples
    filtered = upfirdn(_half_band, signal, 1, 2)
    return np.ascontiguousarray(filtered[delay // 2 : delay // 2 + (signal.shape[0] + 1) // 2], dtype=np.float32)


_half_band: np.ndarray | None = None


def _to_mix_rate(mono: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    """A float32 mono signal at the song-analysis rate."""
    if sample_rate_hz == 2 * MIX_RATE_HZ:  # 44.1 kHz, the common case: the cheap path
        return _halve_rate(mono)
    from reaper_ext.audio.track_audio import resample

    return resample(mono, sample_rate_hz, MIX_RATE_HZ)


def _block_means(mono: np.ndarray, sample_rate_hz: int, rate_hz: int = POLARITY_RATE_HZ) -> np.ndarray:
    """Means over consecutive blocks of ``sample_rate_hz / rate_hz`` samples: a copy at exactly ``rate_hz``."""
    n_out = int(mono.shape[0] * rate_hz // sample_rate_hz)
    if n_out == 0:
        return np.zeros(0, dtype=np.float32)
    edges = np.round(np.arange(n_out + 1) * (sample_rate_hz / rate_hz)).astype(np.int64)
    sums = np.add.reduceat(mono[: edges[-1]], edges[:-1])
    return (sums / np.diff(edges)).astype(np.float32)


def _add_at(buffer: np.ndarray, signal: np.ndarray, start_sec: float, rate_hz: int) -> np.ndarray:
    start = int(round(start_sec * rate_hz))
    stop = start + signal.shape[0]
    if stop > buffer.shape[0]:
        buffer = np.pad(buffer, (0, stop - buffer.shape[0]))
    buffer[start:stop] += signal
    return buffer


class _MixBus:
    """The session's mono mix, summed at each track's own rate and brought to MIX_RATE_HZ once.

    Filtering every track down to the song rate cost more than the song analysis;
    one filter pass over the sum does the same job. float64: tracks finish in any
    order with parallel workers, and the sum must not depend on it.
    """

    def __init__(self) -> None:
        self._by_rate: dict[int, np.ndarray] = {}

    def add(self, mono: np.ndarray, sample_rate_hz: int, start_sec: float, gain: float) -> None:
        buffer = self._by_rate.get(sample_rate_hz, np.zeros(0, dtype=np.float64))
        self._by_rate[sample_rate_hz] = _add_at(buffer, mono * np.float32(gain), start_sec, sample_rate_hz)

    def at_mix_rate(self) -> np.ndarray:
        """The mix at MIX_RATE_HZ, float32 (empty if nothing was added)."""
        mix = np.zeros(0, dtype=np.float32)
        for rate_hz, buffer in sorted(self._by_rate.items()):
            converted = _to_mix_rate(buffer.astype(np.float32), rate_hz)  # the one float32 copy
            if converted.shape[0] > mix.shape[0]:
                mix = np.pad(mix, (0, converted.shape[0] - mix.shape[0]))
            mix[: converted.shape[0]] += converted
        return mix


def _analyse_one(track: Track, spill_dir: str | None = None) -> dict:
    """Everything one track needs: run in a worker process when there are several.

    Returns a plain dict (it crosses process boundaries): ``label``,
    ``measurements``, ``problems`` (project time), ``messages``, ``start_sec``,
    ``mono`` (the track mono at its own rate, for the song's mix), ``rate_hz``,
    ``polarity`` (its 1 ms block means), both None for long tracks; or ``error``.
    With ``spill_dir``, ``mono`` is the path of a ``.npy`` file there instead:
    a worker's pipe moves tens of megabytes far slower than a file write does.
    """
    from reaper_ext.audio import read_track_audio, track_duration_sec

    try:
        duration_sec = track_duration_sec(track)
        if duration_sec > LONG_TRACK_SEC:
            label, measurements, problems, messages, start_sec = _analyse_long_track(track, duration_sec)
            return {"label": label, "measurements": measurements, "messages": messages, "start_sec": start_sec,
                    "problems": [_shift_problem(problem, start_sec) for problem in problems], "mono": None,
                    "rate_hz": None, "polarity": None}
        audio = read_track_audio(track)
        label, measurements, problems = _analyse_audio(audio.samples, audio.sample_rate_hz, track.name, audio.item_spans_sec)
        copies = _session_copies(audio.samples, audio.sample_rate_hz)
        if spill_dir is not None:
            import os
            import uuid

            path = os.path.join(spill_dir, f"{uuid.uuid4().hex}.npy")
            np.save(path, copies["mono"])
            copies["mono"] = path
        return {
            "label": label, "measurements": measurements, "messages": list(audio.messages),
            "problems": [_shift_problem(problem, audio.start_sec) for problem in problems],
            "start_sec": audio.start_sec, **copies,
        }
    except (MediaError, AnalysisError) as error:
        return {"error": str(error)}


def _n_workers(n_jobs: int) -> int:
    """Processes for track analysis: the cores, at most 4 (memory), never more than the jobs."""
    import os

    wanted = os.environ.get("REAPER_EXT_WORKERS")
    n_cores = int(wanted) if wanted and wanted.isdigit() else min(4, os.cpu_count() or 1)
    return max(1, min(n_cores, n_jobs))


def _run_track_jobs(tracks: list[Track], on_done) -> None:
    """Analyse ``tracks``, in parallel processes when it helps; ``on_done(track, result)`` in the parent."""
    n_workers = _n_workers(len(tracks))
    if n_workers == 1:
        for track in tracks:
            on_done(track, _analyse_one(track))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # fork (Linux) starts workers without re-importing numpy/scipy; elsewhere spawn is the safe default
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() and not _is_macos() else "spawn"
    if method == "fork":
        _import_worker_modules()
    # longest first: the last jobs to start are short, so no worker idles long at the end
    ordered = sorted(tracks, key=_track_cost, reverse=True)
    context = multiprocessing.get_context(method)
    with tempfile.TemporaryDirectory(prefix="reaper-ext-mix-") as spill_dir, \
            ProcessPoolExecutor(max_workers=n_workers, mp_context=context, initializer=_one_blas_thread) as pool:
        futures = {pool.submit(_analyse_one, track, spill_dir): track for track in ordered}
        for future in as_completed(futures):
            # pop: a finished future keeps its result while referenced
            on_done(futures.pop(future), _unspill(future.result()))


def _unspill(outcome: dict) -> dict:
    """Load (and delete) a mono copy a worker left in a file."""
    import os

    if isinstance(outcome.get("mono"), str):
        path = outcome["mono"]
        outcome["mono"] = np.load(path)
        os.remove(path)
    return outcome


def _one_blas_thread() -> None:
    """Worker initializer: one BLAS thread per worker, as the pool already fills the cores.

    OpenBLAS otherwise starts a thread per core in every worker, and on a loaded
    machine they spin against each other: one thread each cut a 16-track session's
    CPU time by a sixth (benchmarks/bench_analysis.py).
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def _import_worker_modules() -> None:
    """Import what the workers run, and load the label weights, before forking.

    Forked workers share these pages instead of each importing scipy.signal
    (about a second) and the rest again; the parent needs them for the song
    and polarity anyway.
    """
    import scipy.fft  # noqa: F401
    import scipy.ndimage  # noqa: F401
    import scipy.signal  # noqa: F401
    import soundfile  # noqa: F401
    import threadpoolctl  # noqa: F401

    import reaper_ext.analysis.loudness
    import reaper_ext.analysis.measure  # noqa: F401
    import reaper_ext.analysis.problems  # noqa: F401
    import reaper_ext.audio  # noqa: F401
    from reaper_ext.labels.model import preload

    reaper_ext.analysis.loudness.k_weighting_sos(44100)  # imports pyloudnorm's filter design
    preload()


def _track_cost(track: Track) -> float:
    """Seconds x channels of a track's audible items: a cheap stand-in for its analysis cost."""
    import soundfile

    cost = 0.0
    for item in track.items:
        if item.is_muted:
            continue
        n_channels = 1
        if item.media is not None and item.media.resolved_path is not None:
            try:
                n_channels = min(2, soundfile.info(str(item.media.resolved_path)).channels)
            except (RuntimeError, OSError, TypeError):  # unreadable: the worker reports it; here it only sorts
                pass
        cost += item.length_sec * n_channels
    return cost


def _is_macos() -> bool:
    import sys

    return sys.platform == "darwin"


def analyze_project(
    project: Project,
    *,
    cache: ContentCache | None = None,
    progress: ProgressCallback | None = None,
    settings_key: str = "",
    tracks: list[Track] | None = None,
) -> SessionAnalysis:
    """Analyse every track of ``project`` (or just ``tracks``), then the song.

    Parameters
    ----------
    project : Project
        The snapshot to analyse (media paths already resolved).
    cache : ContentCache, optional
        Where results are kept between runs; None disables caching.
    progress : callable, optional
        ``progress(fraction, stage)``, called as work completes.
    settings_key : str
        Anything in the settings that changes results (part of every cache key).
    tracks : list of Track, optional
        Analyse only these (e.g. the selected tracks); default all.
    """
    started = time.perf_counter()
    report = progress or (lambda fraction, stage: None)
    chosen = list(project.tracks if tracks is None else tracks)
    results: list[TrackAnalysis] = []
    track_keys: list[str] = []
    lowrate: dict[str, tuple[float, np.ndarray]] = {}  # guid -> (start_sec, polarity-rate mono)
    mix_bus = _MixBus()
    n_cached = 0
    pending: list[Track] = []
    keys: dict[str, str | None] = {}
    by_guid: dict[str, TrackAnalysis] = {}
    if cache is not None:
        cache.warm_digests(item.media.resolved_path for track in chosen for item in track.items
                           if not item.is_muted and item.media is not None and item.media.resolved_path is not None)
    for track in chosen:
        result = TrackAnalysis(track.index, track.guid, track.name)
        results.append(result)
        by_guid[track.guid] = result
        audible = [item for item in track.items if not item.is_muted]
        if not audible:
            result.messages.append("no audible items: nothing to analyse" if track.items else "no items")
            continue
        key = _track_key(track, cache, settings_key) if cache is not None else None
        keys[track.guid] = key
        cached = cache.get("track", key) if key is not None else None
        if cached is not None:
            result.label, result.measurements = cached["label"], cached["measurements"]
            result.problems, result.messages = cached["problems"], cached["messages"]
            result.start_sec, result.is_cached = cached["start_sec"], True
            track_keys.append(key)
            n_cached += 1
            continue
        pending.append(track)
    n_done = [n_cached]

    def on_done(track: Track, outcome: dict) -> None:
        result = by_guid[track.guid]
        n_done[0] += 1
        report(n_done[0] / (len(chosen) + 1), f"track {n_done[0]}/{len(chosen)}: {track.name or '(unnamed)'}")
        if "error" in outcome:
            result.error = outcome["error"]
            return
        result.label, result.measurements = outcome["label"], outcome["measurements"]
        result.problems, result.messages, result.start_sec = outcome["problems"], outcome["messages"], outcome["start_sec"]
        if outcome["mono"] is not None:
            lowrate[track.guid] = (result.start_sec, outcome["polarity"])
            if not track.is_muted:
                mix_bus.add(outcome["mono"], outcome["rate_hz"], result.start_sec, track.volume_gain)
        key = keys.get(track.guid)
        if key is not None:
            cache.put("track", key, {
                "label": result.label, "measurements": result.measurements, "problems": result.problems,
                "messages": result.messages, "start_sec": result.start_sec,
            })
            track_keys.append(key)

    report(n_cached / (len(chosen) + 1), f"{len(pending)} tracks to analyse ({n_cached} from cache)")
    _run_track_jobs(pending, on_done)
    track_keys.sort()  # completion order varies with parallel workers; the session key must not
    analysis = SessionAnalysis(None if project.path is None else str(project.path), results, n_tracks_from_cache=n_cached)
    report(len(chosen) / (len(chosen) + 1), "song: tempo, key, sections; polarity across tracks")
    session_key = digest_bytes(json.dumps([ANALYSIS_VERSION, settings_key, track_keys]).encode()) if cache is not None and len(track_keys) == len([r for r in results if r.error is None and r.measurements is not None]) else None
    cached_session = cache.get("session", session_key) if session_key is not None else None
    if cached_session is not None:
        song, polarity = cached_session["song"], cached_session["polarity"]
    else:
        if n_cached:  # cached tracks must be heard again for the cross-track parts
            _reread_for_session(chosen, results, mix_bus, lowrate)
        song = _song(mix_bus.at_mix_rate(), analysis)
        polarity = _polarity(lowrate)
        if session_key is not None:
            cache.put("session", session_key, {"song": song, "polarity": polarity})
    for result in results:
        result.problems = [p for p in result.problems if p["kind"] != "polarity"] + polarity.get(result.guid, [])
    analysis.song = song
    analysis.tempo_bpm = song.get("tempo_bpm")
    analysis.key = song.get("key")
    analysis.sections = song.get("sections", [])
    if cache is not None:
        cache.evict()
    analysis.elapsed_sec = time.perf_counter() - started
    report(1.0, "done")
    return analysis


def _session_copies(samples: np.ndarray, sample_rate_hz: int) -> dict:
    """What the cross-track analyses need of a track: its mono (for the mix) and its polarity copy."""
    mono = _mono(samples)
    return {"mono": mono, "rate_hz": int(sample_rate_hz), "polarity": _block_means(mono, int(sample_rate_hz))}


def _reread_for_session(chosen, results, mix_bus: _MixBus, lowrate) -> None:
    """Hear cached tracks again (their audio is not cached) for the mix and the polarity copies."""
    from reaper_ext.audio import read_track_audio

    for track, result in zip(chosen, results):
        if not result.is_cached or result.measurements is None or track.guid in lowrate:
            continue
        if result.measurements.get("duration_sec", 0) > LONG_TRACK_SEC:
            continue
        try:
            audio = read_track_audio(track)
        except MediaError:
            continue
        copies = _session_copies(audio.samples, audio.sample_rate_hz)
        lowrate[track.guid] = (audio.start_sec, copies["polarity"])
        if not track.is_muted:
            mix_bus.add(copies["mono"], copies["rate_hz"], audio.start_sec, track.volume_gain)


def _song(mix: np.ndarray, analysis: SessionAnalysis) -> dict:
    if mix.size < MIX_RATE_HZ * 2 or not np.any(mix):
        analysis.messages.append("song analysis skipped: less than 2 s of audible audio")
        return {}
    from reaper_ext.analysis.song import analyze_song

    try:
        return analyze_song(mix[:, None], MIX_RATE_HZ).to_dict()
    except AnalysisError as error:
        analysis.messages.append(f"song analysis failed: {error}")
        return {}


def _polarity(lowrate: dict[str, tuple[float, np.ndarray]]) -> dict[str, list[dict]]:
    """Polarity problems across tracks, aligned on a common project timeline."""
    if len(lowrate) < 2:
        return {}
    from reaper_ext.analysis.problems.polarity import find_polarity_problems

    origin = min(start for start, _ in lowrate.values())
    length = max(int(round((start - origin) * POLARITY_RATE_HZ)) + signal.shape[0] for start, signal in lowrate.values())
    aligned = {}
    for guid, (start, signal) in lowrate.items():
        buffer = np.zeros(length, dtype=np.float32)
        offset = int(round((start - origin) * POLARITY_RATE_HZ))
        buffer[offset : offset + signal.shape[0]] = signal
        aligned[guid] = buffer[:, None]
    found = find_polarity_problems(aligned, POLARITY_RATE_HZ)
    return {guid: [_shift_problem(problem.to_dict(), origin) for problem in problems] for guid, problems in found.items() if problems}

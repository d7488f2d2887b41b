"""Analyse a whole session: every track's audio, labels, measurements, problems, and the song.

This is the orchestration layer between a :class:`Project` snapshot (from
either backend) and the pure analysis functions: it reads each track's audio
(``reaper_ext.audio``), labels it (``reaper_ext.labels``), measures it and
finds its problems (``reaper_ext.analysis``), then looks across tracks
(polarity) and at the mix (tempo, key, sections).

Results are cached by content (``reaper_ext.storage.cache``): a track whose items and
media bytes are unchanged is not read again, and an unchanged session is not
analysed at all. A track that can't be read is reported with the reason and
the others are analysed.
"""

from __future__ import annotations

import json
import time

import numpy as np

from reaper_ext.analysis.problems.base import Problem
from reaper_ext.analysis.song.results import SongAnalysis
from reaper_ext.audio.mixdown import MIX_RATE_HZ, POLARITY_RATE_HZ, MixBus
from reaper_ext.errors import AnalysisError, MediaError
from reaper_ext.pipeline import windows
from reaper_ext.pipeline.keys import track_key
from reaper_ext.pipeline.parallel import run_track_jobs
from reaper_ext.pipeline.progress import ProgressCallback
from reaper_ext.pipeline.results import ANALYSIS_VERSION, SessionAnalysis, TrackAnalysis
from reaper_ext.pipeline.track import TrackOutcome, session_copies
from reaper_ext.session.model import Project, Track
from reaper_ext.storage.cache import ContentCache, digest_bytes

__all__ = ["analyze_project"]


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
    mix_bus = MixBus()
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
        key = track_key(track, cache, settings_key) if cache is not None else None
        keys[track.guid] = key
        cached = cache.get("track", key) if cache is not None and key is not None else None
        if cached is not None and key is not None:
            try:
                result.load_cache_dict(cached)
            except AnalysisError:  # a damaged or foreign entry: analyse the track again
                pass
            else:
                track_keys.append(key)
                n_cached += 1
                continue
        pending.append(track)
    n_done = [n_cached]

    def on_done(track: Track, outcome: TrackOutcome) -> None:
        result = by_guid[track.guid]
        n_done[0] += 1
        report(n_done[0] / (len(chosen) + 1), f"track {n_done[0]}/{len(chosen)}: {track.name or '(unnamed)'}")
        if outcome.error is not None:
            result.error = outcome.error
            return
        result.label, result.measurements = outcome.label, outcome.measurements
        result.problems, result.messages, result.start_sec = outcome.problems, outcome.messages, outcome.start_sec
        copies = outcome.copies
        if copies is not None:
            assert not isinstance(copies.mono, str), "spilled copies are loaded back by run_track_jobs"
            lowrate[track.guid] = (result.start_sec, copies.polarity)
            if not track.is_muted:
                mix_bus.add(copies.mono, copies.rate_hz, result.start_sec, track.volume_gain)
        key = keys.get(track.guid)
        if key is not None and cache is not None:
            cache.put("track", key, result.cache_dict())
            track_keys.append(key)

    report(n_cached / (len(chosen) + 1), f"{len(pending)} tracks to analyse ({n_cached} from cache)")
    run_track_jobs(pending, on_done)
    _labels_in_context(results)
    track_keys.sort()  # completion order varies with parallel workers; the session key must not
    analysis = SessionAnalysis(None if project.path is None else str(project.path), results, n_tracks_from_cache=n_cached)
    report(len(chosen) / (len(chosen) + 1), "song: tempo, key, sections; polarity across tracks")
    session_key = digest_bytes(json.dumps([ANALYSIS_VERSION, settings_key, track_keys]).encode()) if cache is not None and len(track_keys) == len([r for r in results if r.error is None and r.measurements is not None]) else None
    cached_session = _read_session_entry(cache.get("session", session_key)) if cache is not None and session_key is not None else None
    if cached_session is not None:
        song, polarity = cached_session
    else:
        if n_cached:  # cached tracks must be heard again for the cross-track parts
            _reread_for_session(chosen, results, mix_bus, lowrate)
        song = _song(mix_bus.at_mix_rate(), analysis)
        polarity = _polarity(lowrate)
        if cache is not None and session_key is not None:
            cache.put("session", session_key, {
                "song": {} if song is None else song.to_dict(),
                "polarity": {guid: [problem.to_dict() for problem in found] for guid, found in polarity.items()},
            })
    for result in results:
        result.problems = [p for p in result.problems if p.kind != "polarity"] + polarity.get(result.guid, [])
    analysis.song = song
    if cache is not None:
        cache.evict()
    analysis.elapsed_sec = time.perf_counter() - started
    report(1.0, "done")
    return analysis

def _labels_in_context(results: list[TrackAnalysis]) -> None:
    """Make the session's labels consistent with one miked drum kit (:mod:`reaper_ext.labels.context`).

    Run on every analysis, cached tracks included (the per-track cache holds each
    track's own label; the session decides the rest, cheaply, every time).
    """
    from reaper_ext.labels.context import labels_in_session

    for result, label in zip(results, labels_in_session([r.label for r in results]), strict=True):
        result.label = label


def _read_session_entry(entry: dict | None) -> tuple[SongAnalysis | None, dict[str, list[Problem]]] | None:
    """Read the song and the polarity problems of a cached session entry; None if absent or unreadable."""
    if entry is None:
        return None
    try:
        song = SongAnalysis.from_dict(entry["song"]) if entry["song"] else None
        polarity = {guid: [Problem.from_dict(problem) for problem in found] for guid, found in entry["polarity"].items()}
    except (KeyError, TypeError, ValueError, AttributeError, AnalysisError):
        return None  # damaged or foreign: analyse again
    return song, polarity


def _reread_for_session(
    chosen: list[Track], results: list[TrackAnalysis], mix_bus: MixBus, lowrate: dict[str, tuple[float, np.ndarray]]
) -> None:
    """Hear cached tracks again (their audio is not cached) for the mix and the polarity copies."""
    from reaper_ext.audio import read_track_audio

    for track, result in zip(chosen, results, strict=True):
        if not result.is_cached or result.measurements is None or track.guid in lowrate:
            continue
        if result.measurements.duration_sec > windows.LONG_TRACK_SEC:
            continue
        try:
            audio = read_track_audio(track)
        except MediaError:
            continue
        copies = session_copies(audio.samples, audio.sample_rate_hz)
        assert not isinstance(copies.mono, str)
        lowrate[track.guid] = (audio.start_sec, copies.polarity)
        if not track.is_muted:
            mix_bus.add(copies.mono, copies.rate_hz, audio.start_sec, track.volume_gain)


def _song(mix: np.ndarray, analysis: SessionAnalysis) -> SongAnalysis | None:
    """Tempo, key and sections of the mix, normalised to their JSON precision; None (with a message) if not possible."""
    if mix.size < MIX_RATE_HZ * 2 or not np.any(mix):
        analysis.messages.append("song analysis skipped: less than 2 s of audible audio")
        return None
    from reaper_ext.analysis.song import analyze_song

    try:
        return SongAnalysis.from_dict(analyze_song(mix[:, None], MIX_RATE_HZ).to_dict())
    except AnalysisError as error:
        analysis.messages.append(f"song analysis failed: {error}")
        return None


def _polarity(lowrate: dict[str, tuple[float, np.ndarray]]) -> dict[str, list[Problem]]:
    """Polarity problems across tracks, aligned on a common project timeline."""
    if len(lowrate) < 2:
        return {}
    from reaper_ext.analysis.problems.polarity import find_polarity_problems

    origin = min(start for start, _ in lowrate.values())
    length = max(int(round((start - origin) * POLARITY_RATE_HZ)) + signal.shape[0] for start, signal in lowrate.values())
    aligned: dict[str, np.ndarray] = {}
    for guid, (start, signal) in lowrate.items():
        buffer = np.zeros(length, dtype=np.float32)
        offset = int(round((start - origin) * POLARITY_RATE_HZ))
        buffer[offset : offset + signal.shape[0]] = signal
        aligned[guid] = buffer[:, None]
    found = find_polarity_problems(aligned, POLARITY_RATE_HZ)
    return {guid: [problem.normalised().shifted(origin) for problem in problems] for guid, problems in found.items() if problems}

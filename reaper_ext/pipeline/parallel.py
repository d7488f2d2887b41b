"""Track jobs in parallel worker processes: how many, in what order, and how their results come back."""

from __future__ import annotations

import tempfile
from collections.abc import Callable

import numpy as np

from reaper_ext.audio.files import sound_file_name
from reaper_ext.pipeline.track import TrackOutcome, analyse_one
from reaper_ext.session.model import Track

__all__ = ["count_workers", "run_track_jobs"]


def count_workers(n_jobs: int) -> int:
    """Count the processes for track analysis: the cores, at most 4 (memory), never more than the jobs."""
    import os

    wanted = os.environ.get("REAPER_EXT_WORKERS")
    n_cores = int(wanted) if wanted and wanted.isdigit() else min(4, os.cpu_count() or 1)
    return max(1, min(n_cores, n_jobs))

def run_track_jobs(tracks: list[Track], on_done: Callable[[Track, TrackOutcome], None]) -> None:
    """Analyse ``tracks``, in parallel processes when it helps; ``on_done(track, result)`` in the parent."""
    n_workers = count_workers(len(tracks))
    if n_workers == 1:
        for track in tracks:
            on_done(track, analyse_one(track))
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
        futures = {pool.submit(analyse_one, track, spill_dir): track for track in ordered}
        for future in as_completed(futures):
            # pop: a finished future keeps its result while referenced
            on_done(futures.pop(future), _unspill(future.result()))

def _unspill(outcome: TrackOutcome) -> TrackOutcome:
    """Load (and delete) a mono copy a worker left in a file."""
    import os

    if outcome.copies is not None and isinstance(outcome.copies.mono, str):
        path = outcome.copies.mono
        outcome.copies.mono = np.load(path)
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
                n_channels = min(2, soundfile.info(sound_file_name(item.media.resolved_path)).channels)
            except (RuntimeError, OSError, TypeError):  # unreadable: the worker reports it; here it only sorts
                pass
        cost += item.length_sec * n_channels
    return cost

def _is_macos() -> bool:
    import sys

    return sys.platform == "darwin"

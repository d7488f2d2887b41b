"""Sections: where the song's parts begin and which ones repeat.

Beat-synchronous MFCCs and (10 %) chroma, their self-similarity,
Foote's checkerboard novelty (Foote 2000) for the boundaries, snapped to bar lines,
short sections merged, segments clustered (average linkage, cosine distance) so
repeats share a letter.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.song.features import SongFeatures, compute_features
from reaper_ext.analysis.song.results import Section
from reaper_ext.analysis.song.tempo import tempo_from_features
from reaper_ext.errors import AnalysisError

__all__ = ["MIN_SECTION_SEC", "sections_from_features", "find_sections"]


MIN_SECTION_SEC = 4.0

_LABEL_DISTANCE = 0.5  # cosine distance under which two segments count as a repeat

_NOVELTY_THRESHOLD_STD = 1.0  # boundary peaks stand this many std above the mean novelty

_KERNEL_HALF_SEC = 8.0  # Foote kernel half-width: longer than a chord, about half a section

_CHROMA_WEIGHT = 0.1  # share of the chroma self-similarity in the boundary novelty

_PEAK_HALF_SEC = 2.0  # a boundary is the highest novelty within +-2 s

def _beat_grid(features: SongFeatures, tempo_bpm: float) -> np.ndarray:
    """Frame positions (float) of a constant-tempo beat grid, phase fitted to the onsets."""
    fps = features.frames_per_sec
    period = 60.0 * fps / tempo_bpm
    onset = features.onset_strength
    n = len(onset)
    phases = np.arange(0.0, period, 0.25)
    counts = np.arange(int(np.ceil(n / period)) + 1)
    scores = []
    for phase in phases:
        positions = np.round(phase + counts * period).astype(int)
        scores.append(onset[positions[positions < n]].sum())
    phase = phases[int(np.argmax(scores))]
    grid = phase + counts * period
    grid = grid[grid < n]
    # sections start at 0: a unit from frame 0 to the first beat, or the first beat moved to 0
    if grid[0] > 0.5 * period:
        return np.concatenate(([0.0], grid))
    grid[0] = 0.0
    return grid

def _foote_novelty(similarity: np.ndarray, half_width: int) -> np.ndarray:
    """Novelty along the diagonal of a self-similarity matrix, Gaussian checkerboard kernel (Foote 2000)."""
    n = similarity.shape[0]
    offsets = np.arange(-half_width, half_width) + 0.5
    taper = np.exp(-0.5 * (offsets / (0.5 * half_width)) ** 2)
    sign = np.sign(offsets)
    kernel = np.outer(sign * taper, sign * taper)
    padded = np.pad(similarity, half_width, mode="constant")
    novelty = np.zeros(n)
    for i in range(n):
        # boundary between unit i-1 and unit i
        block = padded[i: i + 2 * half_width, i: i + 2 * half_width]
        novelty[i] = float(np.sum(block * kernel))
    novelty[0] = 0.0
    return np.maximum(novelty, 0.0)

def _zscore(matrix: np.ndarray) -> np.ndarray:
    centred = matrix - matrix.mean(axis=1, keepdims=True)
    spread = centred.std(axis=1, keepdims=True)
    return centred / np.where(spread > 1e-9, spread, 1.0)

def _cosine_similarity(vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity between the columns of ``vectors``."""
    norms = np.linalg.norm(vectors, axis=0)
    unit = vectors / np.where(norms > 1e-12, norms, 1.0)
    return unit.T @ unit

def sections_from_features(features: SongFeatures, tempo_bpm: float | None) -> list[Section]:
    fps = features.frames_per_sec
    duration_sec = features.duration_sec
    n_frames = features.chroma.shape[1]
    if tempo_bpm is None:
        tempo_bpm = tempo_from_features(features).bpm
    has_beats = bool(tempo_bpm) and 30.0 <= tempo_bpm <= 300.0
    if has_beats:
        unit_starts = _beat_grid(features, tempo_bpm)
    else:
        # no tempo: half-second units
        unit_starts = np.arange(0.0, n_frames, 0.5 * fps)
    edges = np.round(np.append(unit_starts, n_frames)).astype(int)
    edges = np.unique(np.clip(edges, 0, n_frames))
    n_units = len(edges) - 1
    whole = [Section("A", 0.0, duration_sec, 1.0)]
    if n_units < 4 or duration_sec < 2 * MIN_SECTION_SEC:
        return whole

    # beat-synchronous features: mean over each unit
    chroma = np.add.reduceat(features.chroma, edges[:-1], axis=1)
    chroma /= np.maximum(chroma.max(axis=0, keepdims=True), 1e-9)
    mfcc = np.add.reduceat(features.mfcc, edges[:-1], axis=1) / np.diff(edges)
    # Boundaries mostly from timbre: on rendered songs (benchmarks/bench_song.py) an equal share
    # of chroma self-similarity made chord changes inside a section (I-IV | V-I) peak as high as
    # section changes; a 10 % share helps place them. Chroma counts fully for the labels (below).
    timbre = _zscore(mfcc)
    similarity = _cosine_similarity(timbre)
    if _CHROMA_WEIGHT > 0:
        similarity = (1 - _CHROMA_WEIGHT) * similarity + _CHROMA_WEIGHT * _cosine_similarity(_zscore(chroma))

    unit_sec = (edges[-1] - edges[0]) / n_units / fps
    half_width = int(np.clip(round(_KERNEL_HALF_SEC / unit_sec), 2, 32))
    novelty = _foote_novelty(similarity, half_width)
    if novelty.max() <= 0:
        return whole
    novelty /= novelty.max()
    peak_width = max(1, int(round(_PEAK_HALF_SEC / unit_sec)))
    # peaks: local maxima within +-_PEAK_HALF_SEC, a standard deviation above the mean novelty
    threshold = novelty.mean() + _NOVELTY_THRESHOLD_STD * novelty.std()
    candidates = [
        i for i in range(1, n_units)
        if novelty[i] >= threshold and novelty[i] == novelty[max(0, i - peak_width): i + peak_width + 1].max()
    ]

    if has_beats and candidates:
        candidates = _snap_to_bars(candidates, chroma)

    boundaries = _merge_short(candidates, novelty, edges, fps, duration_sec)
    starts_unit = [0, *boundaries]
    ends_unit = [*boundaries, n_units]
    starts_sec = [edges[u] / fps if u > 0 else 0.0 for u in starts_unit]
    ends_sec = [*starts_sec[1:], duration_sec]

    # one descriptor per segment: its mean standardised features; repeats point the same way
    descriptor_rows = np.concatenate([_zscore(chroma), timbre], axis=0)
    descriptors = np.stack([descriptor_rows[:, a:b].mean(axis=1) for a, b in zip(starts_unit, ends_unit, strict=True)])
    labels = _cluster_labels(descriptors)
    return [
        Section(label, float(start), float(end), 1.0 if unit == 0 else float(novelty[unit]))
        for label, start, end, unit in zip(labels, starts_sec, ends_sec, starts_unit, strict=True)
    ]

def _snap_to_bars(candidates: list[int], beat_chroma: np.ndarray) -> list[int]:
    """Move boundaries onto the nearest bar line (4/4) when it is within one beat.

    The bar phase is the beat phase (mod 4) where the chroma changes most:
    chords change on downbeats.
    """
    unit = beat_chroma / np.maximum(np.linalg.norm(beat_chroma, axis=0, keepdims=True), 1e-12)
    change = np.r_[0.0, 1.0 - np.sum(unit[:, 1:] * unit[:, :-1], axis=0)]
    phase_scores = [change[phase::4].mean() for phase in range(4)]
    phase = int(np.argmax(phase_scores))
    snapped = []
    for beat in candidates:
        bar_line = phase + 4 * round((beat - phase) / 4)
        snapped.append(bar_line if abs(bar_line - beat) <= 1 and bar_line > 0 else beat)
    return sorted(set(snapped))

def _merge_short(boundaries: list[int], novelty: np.ndarray, edges: np.ndarray, fps: float, duration_sec: float) -> list[int]:
    """Drop the weaker boundary of any section shorter than MIN_SECTION_SEC."""
    kept = sorted(b for b in boundaries if 0 < b < len(edges) - 1)
    while True:
        times = [0.0, *(edges[b] / fps for b in kept), duration_sec]
        lengths = np.diff(times)
        if not kept or lengths.min() >= MIN_SECTION_SEC:
            return kept
        shortest = int(np.argmin(lengths))
        # section `shortest` lies between boundary shortest-1 and boundary shortest (in kept indices)
        options = [k for k in (shortest - 1, shortest) if 0 <= k < len(kept)]
        weakest = min(options, key=lambda k: novelty[kept[k]])
        del kept[weakest]

def _cluster_labels(descriptors: np.ndarray) -> list[str]:
    """Letters per segment: average-linkage clusters on cosine distance, lettered by first appearance."""
    from scipy.cluster.hierarchy import fcluster, linkage

    n = len(descriptors)
    if n == 1:
        return ["A"]
    norms = np.linalg.norm(descriptors, axis=1, keepdims=True)
    unit = descriptors / np.where(norms > 1e-12, norms, 1.0)
    distance = np.clip(1.0 - unit @ unit.T, 0.0, 2.0)
    condensed = distance[np.triu_indices(n, k=1)]
    clusters = fcluster(linkage(condensed, method="average"), t=_LABEL_DISTANCE, criterion="distance")
    letters: dict[int, str] = {}
    labels = []
    for cluster in clusters:
        if cluster not in letters:
            letters[cluster] = _letter(len(letters))
        labels.append(letters[cluster])
    return labels

def _letter(index: int) -> str:
    """Return the letter for the index-th kind of section: A... Z, then A2, B2..."""
    return chr(ord("A") + index % 26) + ("" if index < 26 else str(index // 26 + 1))

def find_sections(mix: np.ndarray, sample_rate_hz: float, *, tempo_bpm: float | None = None) -> list[Section]:
    """Split a mix into sections; repeats share a letter.

    Parameters
    ----------
    mix : np.ndarray, shape (n_samples, n_channels) or (n_samples,)
        The whole mix, floating point, full scale 1.0.
    sample_rate_hz : float
        Sample rate of ``mix``.
    tempo_bpm : float, optional
        The song's tempo if known (e.g. the project tempo); estimated otherwise.
        Boundaries fall on beats and, within a beat, on bar lines (4/4 assumed).

    Returns
    -------
    list of Section
        Contiguous, from 0 to the end of the mix, each at least
        :data:`MIN_SECTION_SEC` long (unless the mix is shorter), lettered
        ``"A"``, ``"B"``... in order of first appearance.

    Raises
    ------
    AnalysisError
        If the mix is invalid, empty or silent, or ``tempo_bpm`` is not positive.
    """
    if tempo_bpm is not None and not (np.isfinite(tempo_bpm) and tempo_bpm > 0):
        raise AnalysisError(f"tempo_bpm must be a positive number of beats per minute, got {tempo_bpm!r}")
    return sections_from_features(compute_features(mix, sample_rate_hz), tempo_bpm)

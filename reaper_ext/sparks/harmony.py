"""Chords bar by bar: chroma templates and a key-aware hidden Markov model.

Each bar's chroma (the harmonic half of the song analysis's chroma, averaged
over the bar on the project's tempo map, its floor taken off) is compared with chord templates
(major, minor, diminished, dominant seventh on all 12 roots: Fujishima 1999's
pitch-class-profile templates, the root weighted up because the bass plays it,
each note's third partial on its fifth's pitch class as in Gomez 2006's
harmonic templates, the root's most).
The cosine similarities are the HMM's emissions; the transitions favour chords
of the song's key and root motion by fourths/fifths, the usual smoothing of
chord recognisers (Sheh & Ellis 2003; Bello & Pickens 2005 use a key-informed
transition matrix). Viterbi gives the sequence; the forward-backward posterior
of each bar's chord is its confidence. The recognised sequence then confirms
the key (:func:`key_from_chord_sequence`: the key whose own chords explain the
most bars).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reaper_ext.analysis.song.results import PITCH_CLASS_NAMES, KeyEstimate
from reaper_ext.errors import AnalysisError

__all__ = ["QUALITIES", "CHORD_LABELS", "BarChord", "chord_name", "chord_pitch_classes", "diatonic_chords",
           "key_scale", "bar_chroma", "bar_chord_chroma", "bass_chroma", "recognise_chords", "key_from_chords",
           "key_from_chord_sequence"]

#: Qualities and their intervals above the root, in semitones.
QUALITIES: dict[str, tuple[int, ...]] = {"maj": (0, 4, 7), "min": (0, 3, 7), "dim": (0, 3, 6), "7": (0, 4, 7, 10)}
_SUFFIX = {"maj": "", "min": "m", "dim": "dim", "7": "7"}
#: Every chord the recogniser knows, as (root pitch class, quality).
CHORD_LABELS: tuple[tuple[int, str], ...] = tuple((root, quality) for quality in QUALITIES for root in range(12))

_TEMPLATE_WEIGHTS = {0: 1.3, 3: 1.0, 4: 1.0, 6: 0.9, 7: 0.9, 10: 0.7}  # root first: the bass doubles it
_EMISSION_TEMPERATURE = 0.04  # cosine similarity units; smaller trusts the chroma more
_IN_KEY_LOG_PRIOR = 1.2  # how much more a chord of the key is expected (log units)
_FIFTH_MOTION_LOG_BONUS = 0.3  # root down a fifth / up a fourth: the commonest motion (V-I, ii-V)
_STAY_LOG_BONUS = 0.4  # the same chord again next bar
_BASS_ROOT_WEIGHT = 4.0  # log units per unit of the bass's pitch-class share on the chord's root
_SEVENTH_LOG_PENALTY = 0.5  # a seventh needs its seventh clearly there, not a passing melody note
_FLOOR_QUANTILE = 0.25  # each bar's floor: this quantile of its 12 pitch classes (see bar_chroma)
_COMPRESSION = 0.7  # power on the bar's chroma above its floor
_ROOT_PARTIAL = 0.5  # the root's third partial (its fifth's pitch class) in the templates, relative to the root
_NOTE_PARTIAL = 0.2  # the other notes' third partials


@dataclass(frozen=True)
class BarChord:
    """The chord of one bar.

    Attributes
    ----------
    bar : int
        Bar number (0-based) on the project's tempo map.
    start_sec, end_sec : float
        The bar's span.
    root_pc : int
        Root pitch class (0 = C).
    quality : str
        One of :data:`QUALITIES`.
    confidence : float
        0-1: posterior probability of this chord in this bar (forward-backward).
    """

    bar: int
    start_sec: float
    end_sec: float
    root_pc: int
    quality: str
    confidence: float

    @property
    def name(self) -> str:
        return chord_name(self.root_pc, self.quality)

    def to_dict(self) -> dict:
        return {"bar": self.bar, "start_sec": round(self.start_sec, 3), "end_sec": round(self.end_sec, 3),
                "chord": self.name, "root": PITCH_CLASS_NAMES[self.root_pc], "quality": self.quality,
                "confidence": round(self.confidence, 3)}


def chord_name(root_pc: int, quality: str) -> str:
    """``"F#m"``, ``"G7"``, ``"Bdim"``..."""
    return PITCH_CLASS_NAMES[root_pc % 12] + _SUFFIX[quality]


def chord_pitch_classes(root_pc: int, quality: str) -> tuple[int, ...]:
    """The chord's pitch classes, root first."""
    return tuple((root_pc + interval) % 12 for interval in QUALITIES[quality])


def key_scale(tonic_pc: int, mode: str) -> set[int]:
    """The key's pitch classes: major, or natural minor plus the leading tone (harmonic minor's V)."""
    steps = (0, 2, 4, 5, 7, 9, 11) if mode == "major" else (0, 2, 3, 5, 7, 8, 10, 11)
    return {(tonic_pc + step) % 12 for step in steps}


def diatonic_chords(tonic_pc: int, mode: str) -> list[tuple[int, str]]:
    """The key's diatonic chords (triads; V and V7 with the leading tone in minor)."""
    degrees: tuple[tuple[int, str], ...]
    if mode == "major":
        degrees = ((0, "maj"), (2, "min"), (4, "min"), (5, "maj"), (7, "maj"), (9, "min"), (11, "dim"), (7, "7"))
    else:
        degrees = ((0, "min"), (2, "dim"), (3, "maj"), (5, "min"), (7, "maj"), (7, "7"), (8, "maj"), (10, "maj"),
                   (7, "min"))
    return [((tonic_pc + step) % 12, quality) for step, quality in degrees]


def _templates() -> np.ndarray:
    rows = []
    for root, quality in CHORD_LABELS:
        row = np.zeros(12)
        for interval in QUALITIES[quality]:
            row[(root + interval) % 12] += _TEMPLATE_WEIGHTS[interval]
            # each note's third partial sounds its fifth's pitch class (harmonic templates, Gomez 2006); the
            # root's the most, as the bass plays it: without it a diminished chord over its bass reads as minor
            partial = _ROOT_PARTIAL if interval == 0 else _NOTE_PARTIAL
            row[(root + interval + 7) % 12] += partial * _TEMPLATE_WEIGHTS[interval]
        rows.append(row / np.linalg.norm(row))
    return np.array(rows)


def _bar_means(chroma: np.ndarray, frames_per_sec: float, bars_sec: list[tuple[float, float]]) -> np.ndarray:
    n_frames = chroma.shape[1]
    rows = np.zeros((len(bars_sec), 12))
    for n, (start_sec, end_sec) in enumerate(bars_sec):
        first = int(np.clip(round(start_sec * frames_per_sec), 0, n_frames))
        last = int(np.clip(round(end_sec * frames_per_sec), first, n_frames))
        if last > first:
            rows[n] = chroma[:, first:last].mean(axis=1)
    return np.maximum(rows, 0.0)


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 1e-12)


def bar_chroma(chroma: np.ndarray, frames_per_sec: float, bars_sec: list[tuple[float, float]]) -> np.ndarray:
    """Mean chroma per bar, ``(n_bars, 12)``, square-root compressed, each row L2-normalised (zeros where silent).

    The song analysis's key reads this; the chord recogniser reads :func:`bar_chord_chroma`.
    """
    # square-root compression: loud sustained notes should not drown the rest of the chord
    return _unit_rows(np.sqrt(_bar_means(chroma, frames_per_sec, bars_sec)))


def bar_chord_chroma(chroma: np.ndarray, frames_per_sec: float, bars_sec: list[tuple[float, float]]) -> np.ndarray:
    """Mean chroma per bar above its floor, ``(n_bars, 12)``, each row L2-normalised (zeros where silent).

    Each bar's mean is scaled to its loudest pitch class, its floor (the 25th
    percentile of its pitch classes: spectral leakage, drums' residue, partials)
    taken off, and the rest compressed by a power of 0.7. Without the floor a
    seventh's pitch class stands barely above the others (a V7 read as V and
    back); :func:`bar_chroma`'s square root flattens it further.
    """
    rows = _bar_means(chroma, frames_per_sec, bars_sec)
    peaks = rows.max(axis=1, keepdims=True)
    rows = np.divide(rows, peaks, out=np.zeros_like(rows), where=peaks > 1e-12)
    rows = np.maximum(rows - np.quantile(rows, _FLOOR_QUANTILE, axis=1, keepdims=True), 0.0) ** _COMPRESSION
    return _unit_rows(rows)


def bass_chroma(mono: np.ndarray, sample_rate_hz: int, spans_sec: list[tuple[float, float]]) -> np.ndarray:
    """Pitch classes of the lowest octaves (40-260 Hz) per span, ``(n_spans, 12)``, each row summing to 1.

    Give it each bar's first beat: on the downbeat the bass plays the chord's
    root (later beats walk to the fifth and on), and the chord's upper notes
    and the melody say little about the root. A 0.37 s window (2.7 Hz bins at
    5.5 kHz: a semitone at 45 Hz) hopping by 93 ms; a shorter span is zero-padded.
    """
    from scipy.fft import rfft

    from reaper_ext.analysis.filterbanks import chroma_filterbank
    from reaper_ext.audio.resample import resample

    rate_hz = 5512
    low = resample(np.asarray(mono, dtype=np.float32), int(sample_rate_hz), rate_hz)
    n_fft, hop = 2048, 512
    frequencies = np.fft.rfftfreq(n_fft, 1.0 / rate_hz)
    band = (frequencies >= 40.0) & (frequencies <= 260.0)
    basis = chroma_filterbank(rate_hz, n_fft)[:, band]
    window = np.hanning(n_fft + 1)[:-1].astype(np.float32)
    rows = np.zeros((len(spans_sec), 12))
    for n, (start_sec, end_sec) in enumerate(spans_sec):
        first, last = int(start_sec * rate_hz), min(len(low), int(end_sec * rate_hz))
        if last <= first:
            continue
        segment = low[first:last] if last - first >= n_fft else np.pad(low[first:last], (0, n_fft - (last - first)))
        frames = np.lib.stride_tricks.sliding_window_view(segment, n_fft)[::hop]
        magnitude = np.abs(rfft(frames * window, axis=1, workers=1))[:, band]
        rows[n] = (basis @ magnitude.T).sum(axis=1)
    totals = rows.sum(axis=1, keepdims=True)
    return np.divide(rows, totals, out=np.full_like(rows, 1.0 / 12), where=totals > 1e-12)


def _log_emission(chroma, frames_per_sec, bars_sec, bass) -> np.ndarray:
    features = bar_chord_chroma(chroma, frames_per_sec, bars_sec)
    log_emission = (features @ _templates().T) / _EMISSION_TEMPERATURE  # (n_bars, n_chords)
    if bass is not None:
        roots = np.array([root for root, _ in CHORD_LABELS])
        log_emission += _BASS_ROOT_WEIGHT * (bass[:, roots] - 1.0 / 12)
    return log_emission


def _log_transitions(key: KeyEstimate | None) -> tuple[np.ndarray, np.ndarray]:
    """Log prior per chord and log transition matrix, shaped by the key."""
    n = len(CHORD_LABELS)
    prior = np.zeros(n)
    if key is not None:
        tonic = PITCH_CLASS_NAMES.index(key.tonic)
        in_key = set(diatonic_chords(tonic, key.mode))
        for index, label in enumerate(CHORD_LABELS):
            if label in in_key:
                prior[index] += _IN_KEY_LOG_PRIOR
    for index, (_, quality) in enumerate(CHORD_LABELS):
        if quality == "7":
            prior[index] -= _SEVENTH_LOG_PENALTY
    roots = np.array([root for root, _ in CHORD_LABELS])
    motion = (roots[None, :] - roots[:, None]) % 12
    transitions = np.tile(prior, (n, 1))
    transitions += np.where(motion == 5, _FIFTH_MOTION_LOG_BONUS, 0.0)
    transitions[np.arange(n), np.arange(n)] += _STAY_LOG_BONUS
    transitions -= np.logaddexp.reduce(transitions, axis=1, keepdims=True)
    return prior - np.logaddexp.reduce(prior), transitions


def recognise_chords(
    chroma: np.ndarray,
    frames_per_sec: float,
    bars_sec: list[tuple[float, float]],
    *,
    key: KeyEstimate | None = None,
    first_bar: int = 0,
    bass: np.ndarray | None = None,
) -> list[BarChord]:
    """One chord per bar from harmonic chroma (templates + key-aware HMM, Viterbi).

    Parameters
    ----------
    chroma : np.ndarray, shape (12, n_frames)
        Harmonic chroma, C first (``SongFeatures.chroma``).
    frames_per_sec : float
        Chroma frame rate.
    bars_sec : list of (start_sec, end_sec)
        The bars, in order, on the project's tempo map.
    key : KeyEstimate, optional
        The song's key; without it every chord is equally expected.
    first_bar : int
        The number of the first bar in ``bars_sec``.
    bass : np.ndarray, shape (n_bars, 12), optional
        :func:`bass_chroma` of the bars: evidence for each chord's root.

    Returns
    -------
    list of BarChord

    Raises
    ------
    AnalysisError
        ``chroma`` is not ``(12, n)`` or there are no bars.
    """
    chroma = np.asarray(chroma, dtype=np.float64)
    if chroma.ndim != 2 or chroma.shape[0] != 12:
        raise AnalysisError(f"chroma must have shape (12, n_frames), got {chroma.shape}")
    if not bars_sec:
        raise AnalysisError("no bars to recognise chords in (is the song shorter than a bar?)")
    log_emission = _log_emission(chroma, frames_per_sec, bars_sec, bass)
    log_prior, log_transition = _log_transitions(key)
    return _decode(log_emission, log_prior, log_transition, bars_sec, first_bar)


def _forward(log_emission: np.ndarray, log_prior: np.ndarray, log_transition: np.ndarray) -> np.ndarray:
    forward = np.empty_like(log_emission)
    forward[0] = log_prior + log_emission[0]
    for t in range(1, len(log_emission)):
        forward[t] = np.logaddexp.reduce(forward[t - 1][:, None] + log_transition, axis=0) + log_emission[t]
    return forward


def key_from_chords(
    chroma: np.ndarray,
    frames_per_sec: float,
    bars_sec: list[tuple[float, float]],
    candidates: list[KeyEstimate],
    *,
    bass: np.ndarray | None = None,
) -> tuple[KeyEstimate, list[float]]:
    """The candidate key under which the bar chroma is most likely (the HMM's total likelihood).

    The profile key (Krumhansl-Schmuckler) often hesitates between a key and its
    neighbour a fifth away (a ii-V-I in B-flat sounds much like F); the chords
    decide: under the right key more of the bars are its own chords.

    Returns
    -------
    (KeyEstimate, list of float)
        The best candidate and each candidate's log-likelihood.
    """
    log_emission = _log_emission(chroma, frames_per_sec, bars_sec, bass)
    scores = []
    for key in candidates:
        log_prior, log_transition = _log_transitions(key)
        scores.append(float(np.logaddexp.reduce(_forward(log_emission, log_prior, log_transition)[-1])))
    return candidates[int(np.argmax(scores))], scores


def key_from_chord_sequence(chords: list[BarChord], *, prefer: KeyEstimate | None = None) -> KeyEstimate:
    """The key whose own chords explain the most bars of a recognised sequence.

    Each of the 24 keys scores the bars whose chord (root and quality) is one of
    its :func:`diatonic_chords`. Ties go to ``prefer`` (the key the chroma suggested), then to the key
    whose tonic chord opens or closes the sequence most often. This is the
    check the chroma's key needs: a song whose chords are all diatonic in one key
    gets that key, so ideas built "in the key" use only the song's own scale.

    Parameters
    ----------
    chords : list of BarChord
        The recognised sequence (:func:`recognise_chords`).
    prefer : KeyEstimate, optional
        The key to keep when another explains no more bars.

    Returns
    -------
    KeyEstimate
        ``confidence``: the fraction of bars the key explains.

    Raises
    ------
    AnalysisError
        ``chords`` is empty.
    """
    if not chords:
        raise AnalysisError("no chords to find the key of")
    sequence = [(chord.root_pc, chord.quality) for chord in chords]
    best: tuple | None = None
    for mode in ("major", "minor"):
        for tonic in range(12):
            palette = set(diatonic_chords(tonic, mode))
            n_explained = sum(chord in palette for chord in sequence)
            tonic_chord = (tonic, "maj" if mode == "major" else "min")
            n_tonic_edges = (sequence[0] == tonic_chord) + (sequence[-1] == tonic_chord)
            n_tonic = sum(chord == tonic_chord for chord in sequence)
            is_preferred = prefer is not None and prefer.tonic == PITCH_CLASS_NAMES[tonic] and prefer.mode == mode
            score = (n_explained, is_preferred, n_tonic_edges, n_tonic)
            if best is None or score > best[0]:
                best = (score, tonic, mode)
    assert best is not None
    (n_explained, *_), tonic, mode = best
    correlation = prefer.correlation if prefer is not None else 0.0
    return KeyEstimate(PITCH_CLASS_NAMES[tonic], mode, n_explained / len(sequence), correlation)


def _decode(log_emission, log_prior, log_transition, bars_sec, first_bar) -> list[BarChord]:
    n_bars, n_states = log_emission.shape
    # Viterbi
    score = log_prior + log_emission[0]
    back = np.zeros((n_bars, n_states), dtype=np.int64)
    for t in range(1, n_bars):
        candidates = score[:, None] + log_transition
        back[t] = np.argmax(candidates, axis=0)
        score = candidates[back[t], np.arange(n_states)] + log_emission[t]
    path = np.empty(n_bars, dtype=np.int64)
    path[-1] = int(np.argmax(score))
    for t in range(n_bars - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    # forward-backward posteriors for the confidence
    forward = _forward(log_emission, log_prior, log_transition)
    backward = np.zeros((n_bars, n_states))
    for t in range(n_bars - 2, -1, -1):
        backward[t] = np.logaddexp.reduce(log_transition + (log_emission[t + 1] + backward[t + 1])[None, :], axis=1)
    posterior = forward + backward
    posterior = np.exp(posterior - np.logaddexp.reduce(posterior, axis=1, keepdims=True))
    chords = []
    for t, state in enumerate(path):
        root, quality = CHORD_LABELS[state]
        start_sec, end_sec = bars_sec[t]
        chords.append(BarChord(first_bar + t, float(start_sec), float(end_sec), root, quality, float(posterior[t, state])))
    return chords

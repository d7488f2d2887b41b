"""Mains hum's *measured* frequency, and the notches that take it out.

The hum detector (:mod:`reaper_ext.analysis.problems.hum`) says whether a
track hums at 50 or 60 Hz; this module measures where exactly (mains runs
+-0.2 Hz off nominal, and a recorder's clock moves it more), because a notch
narrow enough to leave the music alone must sit on the hum to take it down by
30 dB: a Q 30 notch at 60 Hz is only 2 Hz wide.

Method: the power spectra of the gaps (or of the whole track when there are
none), each Hann-windowed and zero-padded to a 0.05 Hz grid, are averaged;
each harmonic's peak within +-1.5% of ``k x nominal`` is refined by parabolic
interpolation of the log spectrum (Smith & Serra, "PARSHL", ICMC 1987), and
the base frequency is the level-weighted mean of ``f_k / k`` over the
harmonics that agree with their median within 0.05% (a music partial inside a
harmonic's window does not).

The notch is the RBJ cookbook notch biquad (Bristow-Johnson, "Cookbook
formulae for audio EQ biquad filter coefficients"), the shape of ReaEQ's
notch band; it is run forward and backward (zero phase) when rendered here,
so the output stays sample-aligned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reaper_ext.analysis.biquad import rbj_biquad

__all__ = ["HumMeasure", "measure_hum", "notch_filter", "remove_hum", "NOTCH_Q"]

NOTCH_Q = 30.0  # as the corrective rule's ReaEQ notches


@dataclass
class HumMeasure:
    """Measured hum: base frequency and the harmonics that stand out."""

    base_hz: float
    harmonics_hz: list[float]
    levels_dbfs: list[float]

    def to_dict(self) -> dict:
        return {"base_hz": round(self.base_hz, 3), "harmonics_hz": [round(f, 2) for f in self.harmonics_hz],
                "levels_dbfs": [round(v, 1) for v in self.levels_dbfs]}


def measure_hum(
    mono: np.ndarray, sample_rate_hz: float, nominal_hz: float, *, gaps: list[tuple[float, float]] | None = None,
    n_harmonics: int = 8, min_prominence_db: float = 12.0,
) -> HumMeasure | None:
    """Measure hum near ``nominal_hz`` (50 or 60); None when no harmonic stands out."""
    x = np.asarray(mono, dtype=np.float64)
    pieces = []
    for start, end in gaps or []:
        a, b = int(start * sample_rate_hz), int(end * sample_rate_hz)
        if b - a >= int(0.2 * sample_rate_hz):
            pieces.append(x[a:b])
    if not pieces:
        pieces = [x]
    # 30 s are plenty; each gap is windowed on its own and the power spectra averaged (Welch):
    # gluing gaps together would break the hum's phase and bias the peaks
    kept, total = [], 0
    for piece in sorted(pieces, key=len, reverse=True):
        if total >= int(30 * sample_rate_hz):
            break
        piece = piece[: int(30 * sample_rate_hz) - total]
        kept.append(piece)
        total += piece.size
    if total < int(0.5 * sample_rate_hz):
        return None
    longest = max(piece.size for piece in kept)
    n_fft = int(2 ** np.ceil(np.log2(max(longest, sample_rate_hz / 0.05))))
    spectrum = np.zeros(n_fft // 2 + 1)
    norm = 0.0
    for piece in kept:
        window = np.hanning(piece.size)
        spectrum += np.abs(np.fft.rfft(piece * window, n_fft)) ** 2
        norm += (np.sum(window) ** 2) / 4.0  # a full-scale sine's peak power in this piece
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sample_rate_hz)
    log_spec = 10 * np.log10(spectrum + 1e-30)
    estimates, harmonics, levels, weights = [], [], [], []
    for k in range(1, n_harmonics + 1):
        target = k * nominal_hz
        if target * 1.015 + 25 >= sample_rate_hz / 2:
            break
        near = np.flatnonzero(np.abs(freqs - target) <= 0.015 * target)
        around = np.flatnonzero((np.abs(freqs - target) >= 0.015 * target + 3) & (np.abs(freqs - target) <= 0.015 * target + 20))
        peak = near[np.argmax(spectrum[near])]
        if log_spec[peak] - np.median(log_spec[around]) < min_prominence_db:
            continue
        # parabolic interpolation on the log magnitude
        a, b, c = log_spec[peak - 1], log_spec[peak], log_spec[peak + 1]
        offset = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) != 0 else 0.0
        freq = freqs[peak] + offset * (freqs[1] - freqs[0])
        level = 10 * np.log10(spectrum[peak] / norm + 1e-30)
        estimates.append(freq / k)
        harmonics.append(float(freq))
        levels.append(float(level))
        weights.append(10 ** (level / 10))
    if not estimates:
        return None
    # a music partial that happens to sit inside a harmonic's window disagrees with the others: drop it
    estimates_arr, weights_arr = np.array(estimates), np.array(weights)
    centre = float(np.median(estimates_arr))
    agree = np.abs(estimates_arr - centre) <= max(0.0005 * centre, 0.02)
    keep = [n for n in range(len(estimates)) if agree[n]]
    harmonics = [harmonics[n] for n in keep]
    levels = [levels[n] for n in keep]
    base = float(np.average(estimates_arr[agree], weights=weights_arr[agree]))
    return HumMeasure(base, harmonics, levels)


def notch_filter(freq_hz: float, sample_rate_hz: float, q: float = NOTCH_Q) -> tuple[np.ndarray, np.ndarray]:
    """RBJ cookbook notch biquad ``(b, a)``."""
    return rbj_biquad("notch", freq_hz, sample_rate_hz, q=q)


def remove_hum(mono: np.ndarray, sample_rate_hz: float, freqs_hz: list[float], *, q: float = NOTCH_Q) -> np.ndarray:
    """``mono`` through a notch at each frequency, zero phase (forward-backward)."""
    from scipy.signal import filtfilt

    # forward-backward squares the magnitude: half the Q's bandwidth each way would double the depth;
    # keep the suggested Q so what is rendered is what ReaEQ would do, twice as deep at the centre
    y = np.asarray(mono, dtype=np.float64)
    for freq in freqs_hz:
        b, a = notch_filter(freq, sample_rate_hz, q)
        y = filtfilt(b, a, y, padlen=min(y.size - 1, int(sample_rate_hz)))
    return y

"""Tonal balance and per-band stereo from one STFT: 1/3-octave levels and four broad bands.

One pass of a Hann-windowed STFT (8192 points, hop 4096: 5.4 Hz bins at
44.1 kHz, so the 25 Hz third octave still holds bins) gives, per frame:

* the power of the mid signal ``(L + R) / 2`` in ISO 266 third-octave bands
  (25 Hz - 20 kHz, band edges at the centre times 2^(+-1/6));
* per broad band (:data:`BROAD_BANDS`), the powers of L and R and their cross
  term, from which width and correlation follow (the definitions of
  :mod:`reaper_ext.analysis.stereo`, per band).

Powers are scaled so that a band's power is the mean square of the signal in
that band (Parseval with the window's energy), so a level is dBFS in the RMS
convention. Any span of frames (a section) is summarised by averaging them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reaper_ext.analysis.frames import octave_band_centres
from reaper_ext.analysis.validate import valid_audio

__all__ = ["BROAD_BANDS", "THIRD_OCTAVE_CENTRES_HZ", "SpectralProfile", "BandSummary", "spectral_profile"]

#: The four broad bands (name, low edge Hz, high edge Hz).
BROAD_BANDS: tuple[tuple[str, float, float], ...] = (
    ("lows", 20.0, 200.0),
    ("low mids", 200.0, 2000.0),
    ("high mids", 2000.0, 6000.0),
    ("highs", 6000.0, 20000.0),
)
#: ISO 266 nominal third-octave centres, 25 Hz to 20 kHz, and their IEC 61260-1 band edges:
#: the same bands the track measurements use (analysis.frames.octave_band_centres).
THIRD_OCTAVE_CENTRES_HZ, _THIRD_OCTAVE_EDGES_HZ = octave_band_centres(3, low_hz=25.0, high_hz=20000.0)
_N_FFT = 8192
_HOP = 4096


@dataclass(frozen=True)
class BandSummary:
    """A span's tonal and stereo figures.

    Attributes
    ----------
    third_octave_db : np.ndarray, shape (30,)
        Mid-signal level per third octave, dBFS (``-inf`` for an empty band).
    broad_db : np.ndarray, shape (4,)
        Mid-signal level per broad band, dBFS.
    width : np.ndarray, shape (4,)
        Side share of the energy per broad band, 0 (mono) .. 1; NaN for silence.
    correlation : np.ndarray, shape (4,)
        L/R correlation per broad band, -1..1; NaN for silence or a silent side.
    """

    third_octave_db: np.ndarray
    broad_db: np.ndarray
    width: np.ndarray
    correlation: np.ndarray


@dataclass(frozen=True)
class SpectralProfile:
    """Per-frame band powers of a stereo signal (see the module docstring).

    Attributes
    ----------
    frame_times_sec : np.ndarray, shape (n_frames,)
        Centre of each frame.
    third_octave_power : np.ndarray, shape (n_frames, 30)
    left_power, right_power, cross_power : np.ndarray, shape (n_frames, 4)
        Broad-band powers of L, R and the cross term ``Re(L conj(R))``.
    """

    frame_times_sec: np.ndarray
    third_octave_power: np.ndarray
    left_power: np.ndarray
    right_power: np.ndarray
    cross_power: np.ndarray

    def mask(self, start_sec: float, end_sec: float) -> np.ndarray:
        """Frames whose centre lies in ``[start_sec, end_sec)`` (at least the nearest one)."""
        inside = (self.frame_times_sec >= start_sec) & (self.frame_times_sec < end_sec)
        if not inside.any() and self.frame_times_sec.size:
            inside[int(np.argmin(np.abs(self.frame_times_sec - 0.5 * (start_sec + end_sec))))] = True
        return inside

    def summary(self, start_sec: float = 0.0, end_sec: float = float("inf")) -> BandSummary:
        """Average the frames of a span into levels, widths and correlations."""
        inside = self.mask(start_sec, end_sec)
        third = self.third_octave_power[inside].mean(axis=0)
        left = self.left_power[inside].mean(axis=0)
        right = self.right_power[inside].mean(axis=0)
        cross = self.cross_power[inside].mean(axis=0)
        mid = np.maximum(left + right + 2 * cross, 0.0) / 4
        side = np.maximum(left + right - 2 * cross, 0.0) / 4
        with np.errstate(divide="ignore", invalid="ignore"):
            third_db = 10 * np.log10(third)
            broad_db = 10 * np.log10(mid)
            width = np.where(mid + side > 0, side / (mid + side), np.nan)
            correlation = np.where((left > 0) & (right > 0), cross / np.sqrt(left * right), np.nan)
        return BandSummary(third_db, broad_db, width, np.clip(correlation, -1.0, 1.0))


def _band_matrix(freqs_hz: np.ndarray, edges: list[tuple[float, float]]) -> np.ndarray:
    matrix = np.zeros((freqs_hz.size, len(edges)), dtype=np.float32)
    for column, (low, high) in enumerate(edges):
        matrix[(freqs_hz >= low) & (freqs_hz < high), column] = 1.0
    return matrix


def spectral_profile(samples: np.ndarray, sample_rate_hz: float) -> SpectralProfile:
    """Compute the per-frame band powers of ``samples`` (mono is treated as L = R).

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels)
        Audio, full scale 1.0.
    sample_rate_hz : float
        Sample rate.
    """
    samples = valid_audio(samples, sample_rate_hz)
    left = np.asarray(samples[:, 0], dtype=np.float32)
    right = np.asarray(samples[:, 1] if samples.shape[1] > 1 else samples[:, 0], dtype=np.float32)
    n = left.size
    if n < _N_FFT:
        pad = _N_FFT - n
        left, right = np.pad(left, (0, pad)), np.pad(right, (0, pad))
    n_frames = 1 + (left.size - _N_FFT) // _HOP
    window = np.hanning(_N_FFT).astype(np.float32)
    freqs = np.fft.rfftfreq(_N_FFT, 1.0 / sample_rate_hz)
    # one-sided power, scaled so the bins of a frame add up to its windowed mean square
    scale = np.full(freqs.size, 2.0, dtype=np.float32)
    scale[0] = 1.0
    if _N_FFT % 2 == 0:
        scale[-1] = 1.0
    scale /= float(_N_FFT * np.sum(window.astype(np.float64) ** 2))
    third_edges = [(low, min(high, sample_rate_hz / 2)) for low, high in _THIRD_OCTAVE_EDGES_HZ]
    third_matrix = _band_matrix(freqs, third_edges) * scale[:, None]
    broad_matrix = _band_matrix(freqs, [(low, high) for _, low, high in BROAD_BANDS]) * scale[:, None]
    outputs = {key: np.zeros((n_frames, m.shape[1])) for key, m in
               (("third", third_matrix), ("left", broad_matrix), ("right", broad_matrix), ("cross", broad_matrix))}
    from numpy.lib.stride_tricks import sliding_window_view

    chunk = 256  # frames per FFT call: bounded memory on long songs
    left_frames = sliding_window_view(left, _N_FFT)[::_HOP]
    right_frames = sliding_window_view(right, _N_FFT)[::_HOP]
    for first in range(0, n_frames, chunk):
        last = min(n_frames, first + chunk)
        spectrum_left = np.fft.rfft(left_frames[first:last] * window, axis=1)
        spectrum_right = np.fft.rfft(right_frames[first:last] * window, axis=1)
        power_left = np.abs(spectrum_left) ** 2
        power_right = np.abs(spectrum_right) ** 2
        cross = (spectrum_left * np.conj(spectrum_right)).real
        mid = (power_left + power_right + 2 * cross) / 4
        outputs["third"][first:last] = mid @ third_matrix
        outputs["left"][first:last] = power_left @ broad_matrix
        outputs["right"][first:last] = power_right @ broad_matrix
        outputs["cross"][first:last] = cross @ broad_matrix
    times = (np.arange(n_frames) * _HOP + _N_FFT / 2) / sample_rate_hz
    return SpectralProfile(times, outputs["third"], outputs["left"], outputs["right"], outputs["cross"])

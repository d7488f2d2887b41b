"""What the noise of a track is, measured in its gaps.

The gaps are the complement of the activity detector's regions
(:mod:`reaper_ext.analysis.activity`); on a noisy track, where that detector
sees no gaps, the runs of frames at a steady floor. Within them, STFT frames are sorted by
level: the quietest half gives the **noise floor spectrum** (so breaths and
room tails that reach into the gaps do not count as noise); **breaths** are
reported, never removed. Hiss is described by the band where the floor lies
within 6 dB of its own 1-16 kHz maximum; SNR is the active part's level over
the floor's. Breaths are the runs of 120-900 ms that stand 8 dB or more over
the floor and 12 dB or more under the part's loud frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reaper_ext.analysis.activity import active_regions, inactive_regions
from reaper_ext.cleanup.stft import frame_times, stft

__all__ = ["NoiseProfile", "measure_noise", "frame_power", "N_FFT", "HOP"]

N_FFT = 2048  # 46 ms at 44.1 kHz: 21.5 Hz bins, fine enough for hiss shape
HOP = 512
_EPS = 1e-20


@dataclass
class NoiseProfile:
    """The noise of one track."""

    sample_rate_hz: float
    noise_psd: np.ndarray  # mean |X|^2 per bin over the quiet gap frames
    floor_dbfs: float  # RMS level of the quiet gap frames
    active_dbfs: float  # RMS level of the active frames
    gap_sec: float  # seconds of gap frames the noise was learned from
    hiss_band_hz: tuple[float, float] | None
    breaths: list[tuple[float, float]] = field(default_factory=list)
    active_mask: np.ndarray | None = None  # per STFT frame
    gap_mask: np.ndarray | None = None

    @property
    def snr_db(self) -> float:
        return self.active_dbfs - self.floor_dbfs

    def to_dict(self) -> dict[str, Any]:
        return {
            "floor_dbfs": round(self.floor_dbfs, 1),
            "active_dbfs": round(self.active_dbfs, 1),
            "snr_db": round(self.snr_db, 1),
            "gap_sec": round(self.gap_sec, 2),
            "hiss_band_hz": None if self.hiss_band_hz is None else [round(self.hiss_band_hz[0]), round(self.hiss_band_hz[1])],
            "n_breaths": len(self.breaths),
        }


def _level_dbfs(power: np.ndarray) -> float:
    return float(10.0 * np.log10(max(float(np.mean(power)), _EPS)))


def frame_power(spectrum: np.ndarray) -> np.ndarray:
    """Mean-square sample level of each frame (Parseval, Hann window's power removed)."""
    window_power = np.sum(np.hanning(N_FFT + 1)[:-1] ** 2)
    power = np.abs(spectrum) ** 2
    # one-sided spectrum: double every bin but DC and Nyquist
    total = 2.0 * power.sum(axis=1) - power[:, 0] - power[:, -1]
    return total / (N_FFT * window_power)


def _steady_floor_frames(power: np.ndarray, sample_rate_hz: float) -> np.ndarray:
    """Frames at a steady floor when the activity detector left under a second of gaps.

    At 10-20 dB SNR the activity threshold sits under the noise, and breaths
    or tails between phrases read as active too, so the gaps vanish. The floor
    is then the runs (100 ms or more) of frames within 4 dB of the 2nd-
    percentile frame level, when the part rises 6 dB or more over it (the
    90th percentile: not one held sound).
    """
    level = 10 * np.log10(power + _EPS)
    floor_db, loud_db = np.percentile(level, [2, 90])
    floor = np.zeros(level.size, dtype=bool)
    if loud_db - floor_db < 6.0:
        return floor
    quiet = level <= floor_db + 4.0
    min_run = int(np.ceil(0.1 * sample_rate_hz / HOP))
    edges = np.diff(np.concatenate([[0], quiet.astype(np.int8), [0]]))
    for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=False):
        if b - a >= min_run:
            floor[a + 1 : b - 1] = True  # not the frames at the run's edges
    return floor


def measure_noise(
    mono: np.ndarray,
    sample_rate_hz: float,
    *,
    spectrum: np.ndarray | None = None,
    regions: list[tuple[float, float]] | None = None,
) -> NoiseProfile:
    """Measure a track's noise in its gaps (see the module docstring).

    Parameters
    ----------
    mono : np.ndarray, shape (n_samples,)
        The track, mono, full scale 1.0.
    sample_rate_hz : float
        Its rate.
    spectrum : np.ndarray, optional
        Its :func:`reaper_ext.cleanup.stft.stft` (N_FFT, HOP), when already computed.
    regions : list of (start_sec, end_sec), optional
        Active regions (default: :func:`reaper_ext.analysis.activity.active_regions`).
    """
    mono = np.asarray(mono, dtype=np.float64)
    duration = mono.shape[0] / sample_rate_hz
    if spectrum is None:
        spectrum = stft(mono, N_FFT, HOP)
    if regions is None:
        regions = active_regions(mono[:, None].astype(np.float32), sample_rate_hz)
    times = frame_times(spectrum.shape[0], HOP, sample_rate_hz)
    half_frame = N_FFT / 2 / sample_rate_hz
    active = np.zeros(times.size, dtype=bool)
    for start, end in regions:
        active |= (times >= start) & (times < end)
    # a gap frame must lie wholly inside a gap (its window does not reach into the part)
    gap = np.zeros(times.size, dtype=bool)
    gaps = inactive_regions(regions, duration)
    for start, end in gaps:
        gap |= (times - half_frame >= start) & (times + half_frame <= end)
    power = frame_power(spectrum)
    bins_power = np.abs(spectrum) ** 2
    if gap.sum() * HOP / sample_rate_hz < 1.0:
        gap |= _steady_floor_frames(power, sample_rate_hz)
    freqs = np.fft.rfftfreq(N_FFT, 1.0 / sample_rate_hz)
    gap_index = np.flatnonzero(gap & (power > 0))
    if gap_index.size >= 4:
        order = gap_index[np.argsort(power[gap_index])]
        quiet = order[: max(2, order.size // 2)]
        noise_psd = bins_power[quiet].mean(axis=0)
        floor_dbfs = _level_dbfs(power[quiet])
    else:
        # no usable gaps: fall back to the quietest tenth of all frames (an upper bound on the noise)
        order = np.argsort(power)
        quiet = order[: max(1, order.size // 10)]
        noise_psd = bins_power[quiet].mean(axis=0)
        floor_dbfs = _level_dbfs(power[quiet])
    active_dbfs = _level_dbfs(power[active]) if active.any() else _level_dbfs(power)

    hiss_band = None
    band = (freqs >= 1000.0) & (freqs <= 16000.0)
    if band.any() and noise_psd[band].max() > 0:
        smooth = np.convolve(noise_psd, np.ones(9) / 9, mode="same")
        band_db = 10 * np.log10(smooth[band] + _EPS)
        near_top = freqs[band][band_db >= band_db.max() - 6.0]
        hiss_band = (float(near_top.min()), float(near_top.max()))

    breaths = []
    level_db = 10 * np.log10(power + _EPS)
    loud_db = float(np.percentile(level_db, 90))
    # breaths: runs of 120-900 ms that stand 8 dB over the floor but 12 dB or more under the part
    between = (level_db >= floor_dbfs + 8.0) & (level_db <= loud_db - 12.0)
    edges = np.diff(np.concatenate([[0], between.astype(np.int8), [0]]))
    for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=False):
        length = (b - a) * HOP / sample_rate_hz
        if 0.12 <= length <= 0.9:
            breaths.append((float(times[a]), float(times[b - 1])))
    return NoiseProfile(
        sample_rate_hz=sample_rate_hz,
        noise_psd=noise_psd,
        floor_dbfs=floor_dbfs,
        active_dbfs=active_dbfs,
        gap_sec=float(gap.sum() * HOP / sample_rate_hz),
        hiss_band_hz=hiss_band,
        breaths=breaths,
        active_mask=active,
        gap_mask=gap,
    )

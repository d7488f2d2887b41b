"""Long-term average spectrum (LTAS) in fractional-octave bands.

The track's STFT (see :mod:`reaper_ext.analysis.frames`) is reduced per frame to
fractional-octave band powers, and the LTAS is their mean over the frames whose
centre lies in an active region (:mod:`reaper_ext.analysis.activity`), so pauses
don't pull it down. Levels are dBFS in the RMS convention: a sine of amplitude
``A`` reads ``20 log10(A / sqrt(2))`` in its band, and the band powers add up to
the mean square of the active part. Bands whose centre lies above Nyquist are
left out; the top band's upper edge is cut at Nyquist. With ~10.8 Hz FFT bins
at 44.1 kHz, bands under ~60 Hz share energy between neighbours (documented
limitation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reaper_ext.analysis.activity import active_regions, regions_to_mask
from reaper_ext.analysis.frames import FrameFeatures, compute_frames
from reaper_ext.analysis.validate import power_to_db
from reaper_ext.errors import AnalysisError

__all__ = ["Ltas", "long_term_average_spectrum", "band_energy_fraction"]


@dataclass(frozen=True)
class Ltas:
    """A long-term average spectrum.

    Attributes
    ----------
    centres_hz : np.ndarray, shape (n_bands,)
        Nominal band centres (ISO 266 for octaves and third octaves).
    level_db : np.ndarray, shape (n_bands,)
        Band level in dBFS; ``-inf`` for a band without energy.
    """

    centres_hz: np.ndarray
    level_db: np.ndarray


def long_term_average_spectrum(
    samples: np.ndarray | None,
    sample_rate_hz: float,
    *,
    fraction: int = 3,
    frames: FrameFeatures | None = None,
    regions: list[tuple[float, float]] | None = None,
) -> Ltas:
    """LTAS of the active part of a track in 1/``fraction``-octave bands (20 Hz - 20 kHz).

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels), or None
        Audio (may be None when ``frames`` is given).
    sample_rate_hz : float
        Sample rate.
    fraction : int
        1 for octaves, 3 for third octaves (default); ignored when ``frames`` is given.
    frames : FrameFeatures, optional
        Precomputed features of the same audio.
    regions : list of (start_sec, end_sec), optional
        Active regions; computed when not given.

    Returns
    -------
    Ltas
        All levels ``-inf`` when nothing is active.
    """
    if frames is None:
        if samples is None:
            raise AnalysisError("give the audio or its precomputed frames")
        frames = compute_frames(samples, sample_rate_hz, fraction=fraction)
    if regions is None:
        regions = active_regions(None, sample_rate_hz, frames=frames)
    mask = regions_to_mask(regions, frames.frame_times_sec)
    if not mask.any():
        return Ltas(frames.band_centres_hz.copy(), np.full(frames.band_centres_hz.shape, -np.inf))
    return Ltas(frames.band_centres_hz.copy(), power_to_db(frames.band_power[mask].mean(axis=0)))


def band_energy_fraction(ltas: Ltas, low_hz: float, high_hz: float) -> float:
    """Share (0..1) of the LTAS energy in bands whose centre lies in ``[low_hz, high_hz)``.

    Returns 0.0 for an LTAS without energy.
    """
    power = np.where(np.isfinite(ltas.level_db), 10.0 ** (np.asarray(ltas.level_db) / 10.0), 0.0)
    total = float(power.sum())
    if total <= 0.0:
        return 0.0
    inside = (ltas.centres_hz >= low_hz) & (ltas.centres_hz < high_hz)
    return float(power[inside].sum() / total)

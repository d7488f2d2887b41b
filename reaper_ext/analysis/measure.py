"""All per-track measurements in one record, computed with one pass of shared features."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from reaper_ext.analysis.activity import active_regions
from reaper_ext.analysis.frames import FrameFeatures, compute_frames
from reaper_ext.analysis.levels import crest_factor_db, dc_offset_dbfs, noise_floor_dbfs, rms_dbfs
from reaper_ext.analysis.loudness import integrated_loudness
from reaper_ext.analysis.peak import sample_peak_dbfs, true_peak_dbtp
from reaper_ext.analysis.spectrum import long_term_average_spectrum
from reaper_ext.analysis.stereo import stereo_correlation, stereo_width
from reaper_ext.analysis.validate import valid_audio

__all__ = ["TrackMeasurements", "measure_track", "analyse_track"]


def _rounded(value: float | None, digits: int = 2) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


@dataclass(frozen=True)
class TrackMeasurements:
    """What one listen to a track measures.

    Levels are dB relative to full scale (RMS convention: a full-scale sine is
    -3.01 dBFS RMS); ``-inf`` means silence, ``nan`` (crest factor) undefined.
    Stereo values are None for mono. See ``docs/analysis.md`` for each method.
    """

    loudness_lufs: float
    sample_peak_dbfs: float
    true_peak_dbtp: float
    rms_dbfs: float
    crest_factor_db: float
    noise_floor_dbfs: float
    dc_offset_dbfs: float
    ltas_centres_hz: tuple[float, ...]
    ltas_level_db: tuple[float, ...]
    stereo_correlation: float | None
    stereo_width: float | None
    active_regions: tuple[tuple[float, float], ...]
    duration_sec: float
    n_channels: int
    sample_rate_hz: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: levels to 0.01 dB, ratios to 0.001, times to ms; ``-inf`` and ``nan`` to None."""
        return {
            "loudness_lufs": _rounded(self.loudness_lufs),
            "sample_peak_dbfs": _rounded(self.sample_peak_dbfs),
            "true_peak_dbtp": _rounded(self.true_peak_dbtp),
            "rms_dbfs": _rounded(self.rms_dbfs),
            "crest_factor_db": _rounded(self.crest_factor_db),
            "noise_floor_dbfs": _rounded(self.noise_floor_dbfs),
            "dc_offset_dbfs": _rounded(self.dc_offset_dbfs),
            "ltas_centres_hz": [float(centre) for centre in self.ltas_centres_hz],
            "ltas_level_db": [_rounded(level, 1) for level in self.ltas_level_db],
            "stereo_correlation": _rounded(self.stereo_correlation, 3),
            "stereo_width": _rounded(self.stereo_width, 3),
            "active_regions": [[round(start, 3), round(end, 3)] for start, end in self.active_regions],
            "duration_sec": round(self.duration_sec, 3),
            "n_channels": self.n_channels,
            "sample_rate_hz": self.sample_rate_hz,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrackMeasurements:
        """Read :meth:`to_dict`'s form back: a None level is ``-inf`` again, a None crest factor ``nan``.

        Raises
        ------
        KeyError, TypeError, ValueError
            ``data`` is not a measurements dict (a missing or renamed field).
        """

        def level(value: Any) -> float:
            return -math.inf if value is None else float(value)

        def optional(value: Any) -> float | None:
            return None if value is None else float(value)

        return cls(
            loudness_lufs=level(data["loudness_lufs"]),
            sample_peak_dbfs=level(data["sample_peak_dbfs"]),
            true_peak_dbtp=level(data["true_peak_dbtp"]),
            rms_dbfs=level(data["rms_dbfs"]),
            crest_factor_db=math.nan if data["crest_factor_db"] is None else float(data["crest_factor_db"]),
            noise_floor_dbfs=level(data["noise_floor_dbfs"]),
            dc_offset_dbfs=level(data["dc_offset_dbfs"]),
            ltas_centres_hz=tuple(float(centre) for centre in data["ltas_centres_hz"]),
            ltas_level_db=tuple(level(value) for value in data["ltas_level_db"]),
            stereo_correlation=optional(data["stereo_correlation"]),
            stereo_width=optional(data["stereo_width"]),
            active_regions=tuple((float(start), float(end)) for start, end in data["active_regions"]),
            duration_sec=float(data["duration_sec"]),
            n_channels=int(data["n_channels"]),
            sample_rate_hz=float(data["sample_rate_hz"]),
        )

    def normalised(self) -> TrackMeasurements:
        """The measurements at the precision of their JSON form: what a cache or job file gives back.

        The pipeline hands these on, so a result read from the cache equals a fresh one.
        """
        return TrackMeasurements.from_dict(self.to_dict())


def measure_track(
    samples: np.ndarray, sample_rate_hz: float, *, frames: FrameFeatures | None = None
) -> TrackMeasurements:
    """Measure one track.

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels)
        Audio, full scale 1.0 (float32 or float64; mono may be 1-D).
    sample_rate_hz : float
        Sample rate.
    frames : FrameFeatures, optional
        Precomputed shared features of the same audio (see :func:`analyse_track`).

    Returns
    -------
    TrackMeasurements

    Raises
    ------
    AnalysisError
        For audio that is not a finite floating-point array, or a bad sample rate.
    """
    samples = valid_audio(samples, sample_rate_hz)
    if frames is None:
        frames = compute_frames(samples, sample_rate_hz)
    regions = active_regions(None, sample_rate_hz, frames=frames)
    ltas = long_term_average_spectrum(None, sample_rate_hz, frames=frames, regions=regions)
    return TrackMeasurements(
        loudness_lufs=integrated_loudness(samples, sample_rate_hz),
        sample_peak_dbfs=sample_peak_dbfs(samples),
        true_peak_dbtp=true_peak_dbtp(samples, sample_rate_hz),
        rms_dbfs=rms_dbfs(samples),
        crest_factor_db=crest_factor_db(samples),
        noise_floor_dbfs=noise_floor_dbfs(None, sample_rate_hz, frames=frames),
        dc_offset_dbfs=dc_offset_dbfs(samples),
        ltas_centres_hz=tuple(float(centre) for centre in ltas.centres_hz),
        ltas_level_db=tuple(float(level) for level in ltas.level_db),
        stereo_correlation=stereo_correlation(samples),
        stereo_width=stereo_width(samples),
        active_regions=tuple(regions),
        duration_sec=samples.shape[0] / sample_rate_hz,
        n_channels=samples.shape[1],
        sample_rate_hz=float(sample_rate_hz),
    )


def analyse_track(
    samples: np.ndarray,
    sample_rate_hz: float,
    *,
    is_voice: bool = False,
    is_noise_content: bool = False,
    is_close_drum: bool = False,
    item_spans_sec=(),
):
    """Measure a track and find its problems, computing the shared features once.

    Returns
    -------
    tuple of (TrackMeasurements, list of Problem)
    """
    from reaper_ext.analysis.problems import find_problems

    samples = valid_audio(samples, sample_rate_hz)
    frames = compute_frames(samples, sample_rate_hz)
    measurements = measure_track(samples, sample_rate_hz, frames=frames)
    problems = find_problems(
        samples, sample_rate_hz, measurements, is_voice=is_voice, is_noise_content=is_noise_content,
        is_close_drum=is_close_drum, item_spans_sec=item_spans_sec, frames=frames,
    )
    return measurements, problems

"""Loudness over time and the dynamics figures a mastering engineer reads.

All levels come from one K-weighted pass (the BS.1770-4 filters of
:func:`reaper_ext.analysis.loudness.k_weighting_sos`), summed per 100 ms step and
channel-weighted (BS.1770-4 table 3), so:

* momentary loudness is the mean of 4 steps (400 ms, EBU Tech 3341 "M");
* short-term loudness is the mean of 30 steps (3 s, EBU Tech 3341 "S"), 10 per second;
* loudness range (LRA) is EBU Tech 3342: the short-term values above the -70 LUFS
  absolute gate, then above a relative gate 20 LU under their power mean; LRA is
  the 95th minus the 10th percentile of what is left;
* PLR (peak to loudness ratio) is true peak minus integrated loudness
  (EBU R 128 s1 / AES TD1004);
* PSR (peak to short-term loudness ratio) is, per 3 s window, the window's sample
  peak minus its short-term loudness; reported as the median over the windows
  that pass the LRA gates (the value a PSR meter shows most of the time);
* crest factor is sample peak over RMS of the gated (active) part, in dB.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reaper_ext.analysis.loudness import gated_loudness, integrated_loudness, k_weighting_sos, power_to_lufs
from reaper_ext.analysis.peak import sample_peak_dbfs, true_peak_dbtp
from reaper_ext.analysis.validate import valid_audio
from reaper_ext.errors import AnalysisError

__all__ = [
    "STEP_SEC",
    "LoudnessSeries",
    "Dynamics",
    "loudness_series",
    "loudness_range_lu",
    "measure_dynamics",
]

STEP_SEC = 0.100  # EBU Tech 3341: M and S updated at least 10 times per second
_MOMENTARY_STEPS = 4  # 400 ms
_SHORT_TERM_STEPS = 30  # 3 s
_CHANNEL_WEIGHTS = (1.0, 1.0, 1.0, 1.41, 1.41)  # BS.1770-4 table 3
_LRA_ABSOLUTE_GATE_LUFS = -70.0  # EBU Tech 3342
_LRA_RELATIVE_GATE_LU = -20.0  # EBU Tech 3342
_LRA_LOW_PERCENTILE = 10.0
_LRA_HIGH_PERCENTILE = 95.0


@dataclass(frozen=True)
class LoudnessSeries:
    """Loudness per 100 ms step.

    Attributes
    ----------
    step_power : np.ndarray, shape (n_steps,)
        Channel-weighted mean square of the K-weighted signal per 100 ms step.
    step_peak : np.ndarray, shape (n_steps,)
        Largest absolute sample per step (all channels).
    """

    step_power: np.ndarray
    step_peak: np.ndarray

    def _window_power(self, n_steps: int) -> np.ndarray:
        if self.step_power.size < n_steps:
            return np.array([self.step_power.mean()]) if self.step_power.size else np.zeros(0)
        cumulative = np.concatenate([[0.0], np.cumsum(self.step_power)])
        return (cumulative[n_steps:] - cumulative[:-n_steps]) / n_steps

    def momentary_lufs(self) -> np.ndarray:
        """Momentary loudness (400 ms windows) every 100 ms, LUFS."""
        return np.asarray(power_to_lufs(self._window_power(_MOMENTARY_STEPS)))

    def short_term_lufs(self) -> np.ndarray:
        """Short-term loudness (3 s windows) every 100 ms, LUFS (window ``i`` ends at step ``i + 29``)."""
        return np.asarray(power_to_lufs(self._window_power(_SHORT_TERM_STEPS)))

    def span_psr_db(self, start_sec: float, end_sec: float) -> float | None:
        """Median PSR of the 3 s windows that lie inside ``[start_sec, end_sec)`` (None when none fits).

        Windows whose short-term loudness is under -70 LUFS are left out, as in the whole-song PSR.
        """
        short_term = self.short_term_lufs()
        peaks = self.short_term_peak_dbfs()
        first = int(np.ceil(start_sec / STEP_SEC))
        last = int(end_sec / STEP_SEC) - _SHORT_TERM_STEPS  # window i covers steps i .. i + 29
        if last < first or short_term.size == 0:
            return None
        window = slice(first, min(last + 1, short_term.size))
        values = (peaks[window] - short_term[window])[short_term[window] > _LRA_ABSOLUTE_GATE_LUFS]
        return float(np.median(values)) if values.size else None

    def integrated_lufs(self) -> float:
        """Gated integrated loudness from the steps (BS.1770-4: 400 ms blocks = 4 steps, 75 % overlap).

        The same gating as :func:`reaper_ext.analysis.loudness.integrated_loudness`,
        without filtering the audio a second time.
        """
        return gated_loudness(self._window_power(_MOMENTARY_STEPS))

    def short_term_peak_dbfs(self) -> np.ndarray:
        """Sample peak of each 3 s window, dBFS."""
        from numpy.lib.stride_tricks import sliding_window_view

        if self.step_peak.size < _SHORT_TERM_STEPS:
            peaks = np.array([self.step_peak.max()]) if self.step_peak.size else np.zeros(0)
        else:
            peaks = sliding_window_view(self.step_peak, _SHORT_TERM_STEPS).max(axis=1)
        with np.errstate(divide="ignore"):
            return 20.0 * np.log10(peaks)


def loudness_series(samples: np.ndarray, sample_rate_hz: float) -> LoudnessSeries:
    """K-weighted power and sample peak per 100 ms step (the basis of M, S and LRA).

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels)
        Audio, full scale 1.0.
    sample_rate_hz : float
        Sample rate.
    """
    from scipy.signal import sosfilt

    samples = valid_audio(samples, sample_rate_hz)
    n_samples, n_channels = samples.shape
    step = int(round(STEP_SEC * sample_rate_hz))
    n_steps = n_samples // step
    sos = k_weighting_sos(sample_rate_hz).astype(np.float32)
    power = np.zeros(n_steps)
    peak = np.zeros(n_steps)
    for channel in range(n_channels):
        weight = _CHANNEL_WEIGHTS[channel] if channel < len(_CHANNEL_WEIGHTS) else 1.0
        column = np.ascontiguousarray(samples[: n_steps * step, channel], dtype=np.float32)
        peak = np.maximum(peak, np.abs(column).reshape(n_steps, step).max(axis=1) if n_steps else peak)
        filtered = sosfilt(sos, column)
        power += weight * np.square(filtered, dtype=np.float64).reshape(n_steps, step).mean(axis=1)
    return LoudnessSeries(power, peak)


def loudness_range_lu(short_term_lufs: np.ndarray) -> float:
    """Loudness range in LU from short-term loudness values (EBU Tech 3342).

    Returns 0.0 when no window passes the gates.
    """
    values = np.asarray(short_term_lufs, dtype=float)
    values = values[np.isfinite(values) & (values > _LRA_ABSOLUTE_GATE_LUFS)]
    if values.size == 0:
        return 0.0
    # relative gate: 20 LU under the power mean of the absolute-gated windows (Tech 3342 s3)
    mean_lufs = 10.0 * np.log10(np.mean(10.0 ** (values / 10.0)))
    values = values[values > mean_lufs + _LRA_RELATIVE_GATE_LU]
    if values.size == 0:
        return 0.0
    return float(np.percentile(values, _LRA_HIGH_PERCENTILE) - np.percentile(values, _LRA_LOW_PERCENTILE))


@dataclass(frozen=True)
class Dynamics:
    """Dynamics of a piece of audio (see the module docstring for each definition).

    Attributes
    ----------
    integrated_lufs, short_term_max_lufs, momentary_max_lufs : float
        Loudness, LUFS.
    lra_lu : float
        Loudness range, LU.
    true_peak_dbtp, sample_peak_dbfs : float
        Peaks.
    plr_db, psr_db, crest_db : float
        Ratios, dB.
    """

    integrated_lufs: float
    short_term_max_lufs: float
    momentary_max_lufs: float
    lra_lu: float
    true_peak_dbtp: float
    sample_peak_dbfs: float
    plr_db: float
    psr_db: float
    crest_db: float

    def to_dict(self) -> dict[str, float]:
        """Rounded JSON-ready form."""
        return {name: round(float(value), 2) for name, value in self.__dict__.items()}


def measure_dynamics(samples: np.ndarray, sample_rate_hz: float, *, series: LoudnessSeries | None = None) -> Dynamics:
    """Integrated, short-term max, LRA, true peak, PLR, PSR and crest of ``samples``.

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels)
        Audio, full scale 1.0.
    sample_rate_hz : float
        Sample rate.
    series : LoudnessSeries, optional
        Precomputed :func:`loudness_series` of the same audio.

    Raises
    ------
    AnalysisError
        The audio is silent (no loudness to relate the peaks to).
    """
    samples = valid_audio(samples, sample_rate_hz)
    series = series if series is not None else loudness_series(samples, sample_rate_hz)
    # one K-weighting pass for everything; a signal shorter than one block is measured as loudness.py does
    integrated = (series.integrated_lufs() if series.step_power.size >= _MOMENTARY_STEPS
                  else integrated_loudness(samples, sample_rate_hz))
    if not np.isfinite(integrated):
        raise AnalysisError("the audio is silent: no loudness to measure dynamics against")
    short_term = series.short_term_lufs()
    momentary = series.momentary_lufs()
    true_peak = true_peak_dbtp(samples, sample_rate_hz)
    peak = sample_peak_dbfs(samples)
    gated = np.isfinite(short_term) & (short_term > _LRA_ABSOLUTE_GATE_LUFS)
    if gated.any():
        mean_lufs = 10.0 * np.log10(np.mean(10.0 ** (short_term[gated] / 10.0)))
        gated &= short_term > mean_lufs + _LRA_RELATIVE_GATE_LU
    psr = series.short_term_peak_dbfs() - short_term
    psr_db = float(np.median(psr[gated])) if gated.any() else float(peak - integrated)
    # crest over the steps above the absolute gate: pauses would inflate it
    step_lufs = power_to_lufs(series.step_power)
    active = series.step_power[np.isfinite(step_lufs) & (step_lufs > _LRA_ABSOLUTE_GATE_LUFS)]
    if active.size:
        n_channels = samples.shape[1]
        # RMS of the raw signal over the active steps, recomputed without K-weighting
        step = int(round(STEP_SEC * sample_rate_hz))
        n_steps = series.step_power.size
        raw = np.square(samples[: n_steps * step], dtype=np.float32).reshape(n_steps, step, n_channels).mean(
            axis=(1, 2), dtype=np.float64)
        keep = np.isfinite(step_lufs) & (step_lufs > _LRA_ABSOLUTE_GATE_LUFS)
        rms_db = 10.0 * np.log10(max(float(raw[keep].mean()), 1e-20))
    else:
        rms_db = 10.0 * np.log10(max(float(np.mean(np.square(samples, dtype=np.float64))), 1e-20))
    return Dynamics(
        integrated_lufs=float(integrated),
        short_term_max_lufs=float(np.max(short_term)) if short_term.size else float(integrated),
        momentary_max_lufs=float(np.max(momentary)) if momentary.size else float(integrated),
        lra_lu=loudness_range_lu(short_term),
        true_peak_dbtp=float(true_peak),
        sample_peak_dbfs=float(peak),
        plr_db=float(true_peak - integrated),
        psr_db=psr_db,
        crest_db=float(peak - rms_db),
    )

"""Sample peak (dBFS) and true peak (dBTP, ITU-R BS.1770-4 Annex 2).

True peak is the largest magnitude of the signal upsampled 4x with the Annex 2
polyphase FIR (48 taps, 4 phases of 12, coefficients as printed in the
Recommendation). Only the neighbourhoods that can reach the maximum are
interpolated: an output of phase ``p`` is bounded by ``sum|h_p|`` times the
largest input magnitude under the filter, so samples below
``sample_peak / max_p sum|h_p|`` (about 6 dB under the peak) cannot produce the
true peak and are skipped. The result is never below the sample peak (as in
libebur128), since the interpolator's phase 0 is not exactly the identity.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.validate import amplitude_to_db, valid_audio

__all__ = ["sample_peak_dbfs", "true_peak_dbtp", "true_peak", "TRUE_PEAK_FIR"]

_PHASE_0 = (
    0.0017089843750,
    0.0109863281250,
    -0.0196533203125,
    0.0332031250000,
    -0.0594482421875,
    0.1373291015625,
    0.9721679687500,
    -0.1022949218750,
    0.0476074218750,
    -0.0266113281250,
    0.0148925781250,
    -0.0083007812500,
)
_PHASE_1 = (
    -0.0291748046875,
    0.0292968750000,
    -0.0517578125000,
    0.0891113281250,
    -0.1665039062500,
    0.4650878906250,
    0.7797851562500,
    -0.2003173828125,
    0.1015625000000,
    -0.0582275390625,
    0.0330810546875,
    -0.0189208984375,
)
# BS.1770-4 Annex 2, table: the prototype is symmetric, so phase 2 is phase 1
# reversed and phase 3 is phase 0 reversed. Shape (4 phases, 12 taps).
TRUE_PEAK_FIR = np.array([_PHASE_0, _PHASE_1, _PHASE_1[::-1], _PHASE_0[::-1]])
_N_TAPS = TRUE_PEAK_FIR.shape[1]
_GAIN_BOUND = float(np.abs(TRUE_PEAK_FIR).sum(axis=1).max())


def sample_peak_dbfs(samples: np.ndarray) -> float:
    """Largest absolute sample value in dBFS (``-inf`` for silence or no samples).

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels)
        Audio, full scale 1.0.
    """
    if samples.size == 0:
        return float("-inf")
    # max and -min: two reads of the array, no full-size temporary of |samples|
    return float(amplitude_to_db(max(float(np.max(samples)), -float(np.min(samples)))))


def _interpolated_peak(column: np.ndarray, candidates: np.ndarray) -> float:
    """Largest 4x-interpolated magnitude around ``candidates`` (indices into ``column``).

    The inputs within 11 samples of a candidate are gathered into runs separated
    by 11 zeros and filtered with each phase. Every output whose window reaches
    past a run sees only non-candidate samples (all under the bound) and zeros,
    so it cannot exceed the true peak; every output that can is computed exactly.
    """
    n_samples = column.shape[0]
    reach = _N_TAPS - 1
    if candidates.size == 0:
        return 0.0
    # Runs of candidates closer than 2 * 11 samples share one dilated run.
    is_new_run = np.diff(candidates, prepend=-(4 * _N_TAPS)) > 2 * reach
    run_first = candidates[is_new_run]
    run_last = candidates[np.append(np.flatnonzero(is_new_run)[1:] - 1, candidates.size - 1)]
    starts = np.maximum(run_first - reach, 0)
    lengths = np.minimum(run_last + reach + 1, n_samples) - starts
    # Concatenated aranges: input index of every gathered sample, and where it goes.
    run_of_sample = np.repeat(np.arange(starts.size), lengths)
    offset_in_run = np.arange(run_of_sample.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    indices = starts[run_of_sample] + offset_in_run
    compact = np.zeros(indices.size + reach * (starts.size + 1), dtype=np.float32)
    compact[np.arange(indices.size) + reach * run_of_sample] = column[indices]
    best = 0.0
    for phase in TRUE_PEAK_FIR.astype(np.float32):
        best = max(best, float(np.abs(np.convolve(compact, phase)).max()))
    return best


def true_peak(samples: np.ndarray, sample_rate_hz: float) -> np.ndarray:
    """Linear true peak per channel, shape (n_channels,).

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels)
        Audio, full scale 1.0.
    sample_rate_hz : float
        Sample rate (the Annex 2 filter is used as is at every rate, which
        gives at least 4x oversampling).
    """
    samples = valid_audio(samples, sample_rate_hz)
    n_samples, n_channels = samples.shape
    peaks = np.zeros(n_channels)
    for channel in range(n_channels):
        column = np.ascontiguousarray(samples[:, channel], dtype=np.float32)
        magnitude = np.abs(column)
        sample_peak = float(magnitude.max()) if n_samples else 0.0
        peaks[channel] = sample_peak
        if sample_peak == 0.0:
            continue
        candidates = np.flatnonzero(magnitude >= sample_peak / _GAIN_BOUND)
        peaks[channel] = max(sample_peak, _interpolated_peak(column, candidates))
    return peaks


def true_peak_dbtp(samples: np.ndarray, sample_rate_hz: float) -> float:
    """True peak over all channels in dBTP (BS.1770-4 Annex 2); ``-inf`` for silence.

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels)
        Audio, full scale 1.0.
    sample_rate_hz : float
        Sample rate.
    """
    peaks = true_peak(samples, sample_rate_hz)
    return float(amplitude_to_db(float(peaks.max()) if peaks.size else 0.0))

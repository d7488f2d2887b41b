"""Polarity: a track that is the inverted twin of another (two mics on one source).

Method: each track is mixed to mono and averaged over blocks of 1 ms (a boxcar
low-pass to ~1 kHz rate, which weights the low frequencies, where an inverted
pair cancels most). The normalised cross-correlation of every pair is computed
at lags within ``max_lag_ms`` (10 ms, ~3.4 m of path difference). When the
correlation of largest magnitude is negative and at most
``-min_correlation`` (-0.5), the *later* track of the pair (in the dict's
order, usually the one added second) gets a ``polarity`` problem naming its
partner. Severity: medium from -0.65, high from -0.8.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.problems.base import Problem, severity_from_excess
from reaper_ext.analysis.validate import valid_audio

__all__ = ["find_polarity_problems"]

_ANALYSIS_RATE_HZ = 1000.0


def find_polarity_problems(
    tracks: dict[str, np.ndarray],
    sample_rate_hz: float,
    *,
    max_lag_ms: float = 10.0,
    min_correlation: float = 0.5,
) -> dict[str, list[Problem]]:
    """Find tracks strongly negatively correlated with another track.

    Parameters
    ----------
    tracks : dict of str to np.ndarray
        Track name to audio, shape (n_samples, n_channels), all at ``sample_rate_hz``
        and on the same time axis (time 0 = first sample); lengths may differ.
    sample_rate_hz : float
        Common sample rate.
    max_lag_ms : float
        Largest time offset between the two tracks considered.
    min_correlation : float
        Magnitude of negative correlation that counts as inverted.

    Returns
    -------
    dict of str to list of Problem
        Every track name, with its ``polarity`` problems (usually none).
    """
    names = list(tracks)
    result: dict[str, list[Problem]] = {name: [] for name in names}
    if len(names) < 2:
        return result
    factor = max(1, int(round(sample_rate_hz / _ANALYSIS_RATE_HZ)))
    rate_hz = sample_rate_hz / factor
    lengths = [valid_audio(tracks[name], sample_rate_hz).shape[0] for name in names]
    n_low = max(lengths) // factor
    if n_low < 4:
        return result
    matrix = np.zeros((len(names), n_low), dtype=np.float64)
    for row, name in enumerate(names):
        audio = valid_audio(tracks[name], sample_rate_hz)
        mono = audio.mean(axis=1, dtype=np.float32) if audio.shape[1] > 1 else audio[:, 0]
        n_use = min(mono.shape[0] // factor, n_low)
        matrix[row, :n_use] = mono[: n_use * factor].reshape(n_use, factor).mean(axis=1)
    matrix -= matrix.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(matrix, axis=1)
    audible = norms > 0
    matrix[audible] /= norms[audible][:, None]

    max_lag = max(0, int(round(max_lag_ms / 1000.0 * rate_hz)))
    lags = np.arange(-max_lag, max_lag + 1)
    correlation = np.zeros((lags.size, len(names), len(names)))
    for index, lag in enumerate(lags):
        # correlation[lag][i, j] = sum_n x_i[n] x_j[n + lag]
        if lag >= 0:
            correlation[index] = matrix[:, : n_low - lag] @ matrix[:, lag:].T
        else:
            correlation[index] = matrix[:, -lag:] @ matrix[:, : n_low + lag].T

    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if not (audible[i] and audible[j]):
                continue
            values = correlation[:, i, j]
            best = int(np.argmax(np.abs(values)))
            value = float(values[best])
            if value > -min_correlation:
                continue
            partner, name = names[i], names[j]
            result[name].append(
                Problem(
                    kind="polarity",
                    start_sec=0.0,
                    end_sec=lengths[j] / sample_rate_hz,
                    severity=severity_from_excess(-value - min_correlation, 0.15, 0.3),
                    measured={
                        "correlation": value,
                        "lag_ms": float(lags[best] / rate_hz * 1000.0),
                        "partner_track": partner,
                    },
                )
            )
    return result

"""Clicks and pops: found as outliers of a linear-prediction residual, repaired by AR interpolation.

Detection (Vaseghi & Rayner, "Detection and suppression of impulsive noise in
speech communication systems", IEE Proc. I 137(1), 1990; Godsill & Rayner,
*Digital Audio Restoration*, Springer 1998, ch. 5): in 4096-sample blocks an
order-24 autoregressive model is fitted (autocorrelation method), and the
prediction error is compared with its local robust spread (1.4826 x the
median absolute error of each 512-sample piece, the largest of it and its two
neighbours), but never under 3% of the block's
RMS level over ``threshold``/10 nor under -80 dBFS: a nearly perfectly
predicted block, clean synthesis or digital silence, would otherwise make every
onset a click. Samples beyond ``threshold`` spreads
are click samples; those closer than 2 ms are one click; a "click" wider than
``max_click_ms`` is a musical transient and is left alone, and so are an
event at a note's edge (the level rises 2.5 dB or more after it, an attack,
or falls 10 dB or more, an abrupt end, unless the event is a spike 3 times
the level before it) and a train
of events at a steady spacing (a voice's pitch pulses).

Repair (Janssen, Veldhuis & Vries, "Adaptive interpolation of discrete-time
signals that can be modeled as autoregressive processes", IEEE TASSP 34(2),
1986): the click's samples are replaced by the values that minimise the AR
model's prediction error over the click and its surroundings (least squares).
Only the click's samples change, so the render stays sample-aligned.
"""

from __future__ import annotations

import numpy as np

__all__ = ["find_clicks", "repair_clicks"]

_BLOCK = 4096
_ORDER = 24
_PIECE = 512  # samples per local spread estimate (11.6 ms at 44.1 kHz)


def _autocorrelation(x: np.ndarray, order: int) -> np.ndarray:
    """``r[0..order]`` of ``x``: only the lags the model needs (a full correlation is O(n^2))."""
    n = x.size
    return np.array([np.dot(x[: n - k], x[k:]) for k in range(order + 1)])


def _ar_coefficients(block: np.ndarray, order: int) -> np.ndarray:
    """``[1, a1..ap]`` of the prediction-error filter (autocorrelation method, slightly regularised)."""
    from scipy.linalg import solve_toeplitz

    x = block * np.hanning(block.size)
    r = _autocorrelation(x, order)
    if r[0] <= 0:
        return np.concatenate([[1.0], np.zeros(order)])
    r[0] *= 1.0 + 1e-6  # white-noise correction: keeps the system well conditioned
    a = solve_toeplitz(r[:order], -r[1 : order + 1])
    return np.concatenate([[1.0], a])


def find_clicks(
    mono: np.ndarray, sample_rate_hz: float, *, threshold: float = 9.0, max_click_ms: float = 3.0, merge_ms: float = 2.0
) -> list[tuple[int, int]]:
    """Clicks as sample ranges ``[start, stop)`` (see the module docstring)."""
    from scipy.signal import lfilter

    x = np.asarray(mono, dtype=np.float64)
    merge = int(merge_ms * 1e-3 * sample_rate_hz)
    max_len = int(max_click_ms * 1e-3 * sample_rate_hz)
    hits: list[int] = []
    for start in range(0, x.size, _BLOCK):
        lo = max(0, start - _ORDER)
        block = x[lo : start + _BLOCK]
        if block.size <= 4 * _ORDER or not np.any(block):
            continue
        coeffs = _ar_coefficients(block, _ORDER)
        residual = lfilter(coeffs, [1.0], block)[start - lo :]
        # Spread per 512-sample piece (the largest of it and its neighbours): a block that is half
        # silence must not make the other half's ordinary prediction error look like clicks.
        piece_spread = 1.4826 * _piece_medians(np.abs(residual), _PIECE)
        piece_spread = np.maximum.reduce([piece_spread, np.roll(piece_spread, 1), np.roll(piece_spread, -1)])
        spread = np.repeat(piece_spread, _PIECE)[: residual.size]
        # Floors on the spread: a clean synthetic or digitally silent block predicts almost perfectly,
        # and then every onset would stand out; a click 30 dB under the block's level is masked anyway.
        level = float(np.sqrt(np.mean(np.square(block))))
        spread = np.maximum(spread, max(0.03 * level / threshold * 10, 10 ** (-80 / 20)))
        hits += (np.flatnonzero(np.abs(residual) > threshold * spread) + start).tolist()
    clicks: list[tuple[int, int]] = []
    for index in hits:
        if clicks and index - clicks[-1][1] <= merge:
            clicks[-1] = (clicks[-1][0], index + 1)
        else:
            clicks.append((index, index + 1))
    clicks = [(a, b) for a, b in clicks if b - a <= max_len]
    clicks = _drop_onsets(x, clicks, sample_rate_hz)
    return _drop_periodic(clicks, sample_rate_hz)


def _piece_medians(values: np.ndarray, piece: int) -> np.ndarray:
    """The median of each ``piece`` samples of ``values`` (the last piece may be shorter)."""
    n_full = values.size // piece
    medians = np.median(values[: n_full * piece].reshape(n_full, piece), axis=1) if n_full else np.zeros(0)
    if values.size > n_full * piece:
        medians = np.append(medians, np.median(values[n_full * piece :]))
    return medians


def _drop_onsets(
    x: np.ndarray, clicks: list[tuple[int, int]], sample_rate_hz: float, *, rise_db: float = 2.5, fall_db: float = 10.0
) -> list[tuple[int, int]]:
    """Drop events at a note's edges, which are not clicks.

    At an edge the level rises 2.5 dB or more after the event (a plucked or
    slapped attack, even over the previous note's tail), or falls 10 dB or more
    (a note's abrupt end) without the event standing 3 times over the level
    before it (a spike on a fading note is a click).

    The RMS of the 20 ms starting 3 ms after the event (past any click's own
    decay) is compared with the 20 ms ending 8 ms before it (so the first
    milliseconds of an attack the event sits in do not count as "before"); a
    click leaves the level where it was.
    """
    window = int(0.02 * sample_rate_hz)
    skip = int(0.003 * sample_rate_hz)
    lead = int(0.008 * sample_rate_hz)  # an attack's first milliseconds are not "before" it
    kept = []
    for start, stop in clicks:
        before = x[max(0, start - lead - window) : max(0, start - lead)]
        after = x[stop + skip : stop + skip + window]
        if before.size and after.size:
            change = 10 * np.log10((np.mean(after**2) + 1e-12) / (np.mean(before**2) + 1e-12))
            if change > rise_db:
                continue
            # a note that ends abruptly is no click, but a spike on a fading note is
            spike = float(np.max(np.abs(x[start:stop]))) > 3.0 * float(np.sqrt(np.mean(before**2)))
            if change < -fall_db and not spike:
                continue
        kept.append((start, stop))
    return kept


def _drop_periodic(clicks: list[tuple[int, int]], sample_rate_hz: float) -> list[tuple[int, int]]:
    """Drop trains of 3+ events at a steady spacing under 25 ms: pitch pulses, not clicks.

    A voice's prediction error peaks once per pitch period (glottal closure),
    a sawtooth's at each reset; clicks on a record or a bad edit do not keep
    time like that.
    """
    if len(clicks) < 3:
        return clicks
    starts = np.array([a for a, _ in clicks], dtype=float)
    spacing = np.diff(starts)
    steady = np.zeros(len(clicks), dtype=bool)
    for n in range(len(spacing) - 1):
        a, b = spacing[n], spacing[n + 1]
        if a < 0.025 * sample_rate_hz and b < 0.025 * sample_rate_hz and abs(a - b) <= 0.15 * max(a, b):
            steady[n : n + 3] = True
    return [click for click, drop in zip(clicks, steady, strict=False) if not drop]


def repair_clicks(mono: np.ndarray, clicks: list[tuple[int, int]], *, margin: int = 4) -> np.ndarray:
    """A copy of ``mono`` with each click's samples interpolated (least-squares AR)."""
    x = np.array(mono, dtype=np.float64, copy=True)
    context = 4 * _ORDER
    for start, stop in clicks:
        a_start, a_stop = max(0, start - margin), min(x.size, stop + 2 * margin)
        lo, hi = max(0, a_start - context), min(x.size, a_stop + context)
        segment = x[lo:hi]
        if segment.size <= 2 * _ORDER + (a_stop - a_start):
            continue
        # the AR model from the surroundings, the click samples zeroed so they do not bias it
        fit = segment.copy()
        fit[a_start - lo : a_stop - lo] = 0.0
        coeffs = _ar_coefficients(fit, _ORDER)
        n = segment.size
        rows = n - _ORDER
        matrix = np.zeros((rows, n))
        for i, c in enumerate(coeffs):  # e[t] = sum_i c_i x[t + p - i]
            matrix[np.arange(rows), np.arange(rows) + _ORDER - i] = c
        unknown = np.zeros(n, dtype=bool)
        unknown[a_start - lo : a_stop - lo] = True
        solution, *_ = np.linalg.lstsq(matrix[:, unknown], -matrix[:, ~unknown] @ segment[~unknown], rcond=None)
        x[a_start:a_stop] = solution
    return x

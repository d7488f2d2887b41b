"""Second-order filter sections from the RBJ Audio EQ Cookbook: the one biquad designer.

Used to draw suggested ReaEQ bands in the report, to simulate a master chain's
shelves and to render hum notches (R. Bristow-Johnson, "Cookbook formulae for
audio EQ biquad filter coefficients"). ReaEQ's band shapes are these filters.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["BIQUAD_KINDS", "rbj_biquad"]

#: The band shapes this module designs (ReaEQ's names for them).
BIQUAD_KINDS = frozenset({"highpass", "lowpass", "notch", "low_shelf", "high_shelf", "band"})


def rbj_biquad(kind: str, freq_hz: float, sample_rate_hz: float, *, gain_db: float = 0.0,
               q: float = 1 / math.sqrt(2)) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients ``(b, a)`` of one band, normalised so ``a[0] == 1``.

    Parameters
    ----------
    kind : str
        One of :data:`BIQUAD_KINDS`.
    freq_hz : float
        Corner, centre or (shelves) mid-gain frequency; below Nyquist.
    sample_rate_hz : float
        Sample rate.
    gain_db : float
        Gain of a shelf or peaking band (ignored by the others).
    q : float
        Quality factor (shelves: ``1/sqrt(2)`` is the cookbook's slope S = 1).

    Raises
    ------
    ValueError
        An unknown ``kind``.
    """
    w0 = 2 * math.pi * freq_hz / sample_rate_hz
    cos_w0, alpha = math.cos(w0), math.sin(w0) / (2 * q)
    amp = 10 ** (gain_db / 40)
    if kind == "highpass":
        b = [(1 + cos_w0) / 2, -(1 + cos_w0), (1 + cos_w0) / 2]
        a = [1 + alpha, -2 * cos_w0, 1 - alpha]
    elif kind == "lowpass":
        b = [(1 - cos_w0) / 2, 1 - cos_w0, (1 - cos_w0) / 2]
        a = [1 + alpha, -2 * cos_w0, 1 - alpha]
    elif kind == "notch":
        b = [1, -2 * cos_w0, 1]
        a = [1 + alpha, -2 * cos_w0, 1 - alpha]
    elif kind in ("low_shelf", "high_shelf"):
        sign = 1 if kind == "low_shelf" else -1
        root = 2 * math.sqrt(amp) * alpha
        b = [amp * ((amp + 1) - sign * (amp - 1) * cos_w0 + root), sign * 2 * amp * ((amp - 1) - sign * (amp + 1) * cos_w0),
             amp * ((amp + 1) - sign * (amp - 1) * cos_w0 - root)]
        a = [(amp + 1) + sign * (amp - 1) * cos_w0 + root, -sign * 2 * ((amp - 1) + sign * (amp + 1) * cos_w0),
             (amp + 1) + sign * (amp - 1) * cos_w0 - root]
    elif kind == "band":
        b = [1 + alpha * amp, -2 * cos_w0, 1 - alpha * amp]
        a = [1 + alpha / amp, -2 * cos_w0, 1 - alpha / amp]
    else:
        raise ValueError(f"unknown biquad kind {kind!r} (one of {sorted(BIQUAD_KINDS)})")
    b_array, a_array = np.array(b, dtype=float), np.array(a, dtype=float)
    return b_array / a_array[0], a_array / a_array[0]

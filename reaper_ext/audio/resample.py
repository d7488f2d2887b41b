"""The one resampler: whole arrays (:func:`resample`) and streams (:class:`StreamingResampler`).

Both are :func:`scipy.signal.resample_poly`; the streaming one matches it block by block.

The separation engine resamples hour-long files in and out of the model's rate
without holding them in memory. :class:`StreamingResampler` is fed blocks and
emits blocks whose concatenation equals ``resample_poly`` on the whole signal
(zero padding at both ends, scipy's default ``padtype="constant"``), because
every output sample is computed from an input segment that contains the whole
support of the anti-aliasing filter around it.
"""

from __future__ import annotations

import math
from math import gcd

import numpy as np

__all__ = ["StreamingResampler", "resample"]

# scipy.signal.resample_poly designs its FIR with half length 10 * max(up, down)
# taps at the upsampled rate (scipy/signal/_signaltools.py); in input samples
# that is 10 * max(up, down) / up. We keep a wider margin on both sides.
_SCIPY_HALF_LEN_FACTOR = 10


class StreamingResampler:
    """Resample a stream of ``(n_channels, n_samples)`` blocks by ``up / down``.

    Parameters
    ----------
    from_rate_hz : int
        Sample rate of the blocks pushed in.
    to_rate_hz : int
        Sample rate of the blocks coming out.
    n_channels : int
        Number of rows in every block.
    """

    def __init__(self, from_rate_hz: int, to_rate_hz: int, *, n_channels: int) -> None:
        g = math.gcd(int(from_rate_hz), int(to_rate_hz))
        self.up = int(to_rate_hz) // g
        self.down = int(from_rate_hz) // g
        self.n_channels = n_channels
        half_len_in = _SCIPY_HALF_LEN_FACTOR * max(self.up, self.down) / self.up
        self.context = int(math.ceil(half_len_in)) + 2 * self.down + 16
        self._buf = np.zeros((n_channels, 0), dtype=np.float32)
        self._buf_start = 0  # input index of self._buf[:, 0]
        self._n_in = 0  # input samples pushed so far
        self._n_out = 0  # output samples emitted so far
        self._is_flushed = False

    def n_out_for(self, n_in: int) -> int:
        """Total output length for ``n_in`` input samples (as ``resample_poly``)."""
        return -(-n_in * self.up // self.down)

    def push(self, block: np.ndarray) -> np.ndarray:
        """Feed ``block`` (shape ``(n_channels, n)``); return the outputs now final."""
        block = np.asarray(block, dtype=np.float32)
        self._buf = np.concatenate([self._buf, block], axis=1)
        self._n_in += block.shape[1]
        # Output n depends on inputs up to n * down / up + half filter length.
        n_ready = ((self._n_in - self.context) * self.up) // self.down
        return self._emit(max(n_ready, self._n_out))

    def flush(self) -> np.ndarray:
        """Return the remaining outputs once the input has ended."""
        if self._is_flushed:
            return np.zeros((self.n_channels, 0), dtype=np.float32)
        self._is_flushed = True
        return self._emit(self.n_out_for(self._n_in))

    def _emit(self, n_stop: int) -> np.ndarray:
        from scipy.signal import resample_poly

        if n_stop <= self._n_out:
            return np.zeros((self.n_channels, 0), dtype=np.float32)
        # Segment start: a multiple of `down`, so that its outputs lie on the
        # global output grid (index start * up / down is an integer).
        t_first = self._n_out * self.down // self.up
        seg_start = ((t_first - self.context) // self.down) * self.down
        t_last = -(-(n_stop - 1) * self.down // self.up)
        seg_stop = t_last + self.context
        seg = self._window(seg_start, seg_stop)
        out = resample_poly(seg, self.up, self.down, axis=1)
        first = self._n_out - seg_start * self.up // self.down
        result = out[:, first : first + (n_stop - self._n_out)].astype(np.float32)
        assert result.shape[1] == n_stop - self._n_out
        self._n_out = n_stop
        # Drop input no later output can need.
        keep_from = ((self._n_out * self.down // self.up - self.context) // self.down) * self.down
        drop = keep_from - self._buf_start
        if drop > 0:
            self._buf = self._buf[:, drop:]
            self._buf_start = keep_from
        return result

    def _window(self, start: int, stop: int) -> np.ndarray:
        """Input samples ``[start, stop)``, zero outside what was pushed."""
        seg = np.zeros((self.n_channels, stop - start), dtype=np.float32)
        lo = max(start, self._buf_start)
        hi = min(stop, self._n_in)
        if hi > lo:
            seg[:, lo - start : hi - start] = self._buf[:, lo - self._buf_start : hi - self._buf_start]
        return seg


def resample(samples: np.ndarray, from_hz: int, to_hz: int) -> np.ndarray:
    """Polyphase resampling along axis 0 (float32 out); the same array when the rates match."""
    if int(from_hz) == int(to_hz):
        return samples
    from scipy.signal import resample_poly

    divisor = gcd(int(from_hz), int(to_hz))
    return resample_poly(samples, int(to_hz) // divisor, int(from_hz) // divisor, axis=0).astype(np.float32)

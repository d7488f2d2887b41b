"""One short-time Fourier transform pair for the clean-up, with exact reconstruction.

Hann analysis window, 75% overlap, the same window for synthesis, normalised
by the summed squared windows (weighted overlap-add; Griffin & Lim, "Signal
estimation from modified short-time Fourier transform", IEEE TASSP 32(2),
1984): an unmodified spectrum gives back the input sample for sample, so a
render is sample-aligned and exactly as long as its source.
"""

from __future__ import annotations

import numpy as np

__all__ = ["stft", "istft", "frame_times"]


def _window(n_fft: int) -> np.ndarray:
    return np.hanning(n_fft + 1)[:-1]  # periodic Hann


def stft(x: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """Spectrum of a mono signal, shape (n_frames, n_fft // 2 + 1); frame t is centred on sample t * hop."""
    padded = np.pad(np.asarray(x, dtype=np.float64), (n_fft // 2, n_fft // 2 + hop))
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop]
    n_frames = 1 + len(x) // hop
    return np.fft.rfft(frames[:n_frames] * _window(n_fft), axis=1)


def istft(spectrum: np.ndarray, n_fft: int, hop: int, length: int) -> np.ndarray:
    """Weighted overlap-add inverse of :func:`stft`, trimmed to ``length`` samples."""
    window = _window(n_fft)
    frames = np.fft.irfft(spectrum, n_fft, axis=1) * window
    n_frames = frames.shape[0]
    ratio = n_fft // hop
    if ratio * hop != n_fft:
        raise ValueError("hop must divide n_fft")
    # overlap-add as ``ratio`` shifted block sums: block j of every frame lands j hops later
    blocks = np.zeros((n_frames + ratio - 1, hop))
    norm_blocks = np.zeros((n_frames + ratio - 1, hop))
    squared = (window**2).reshape(ratio, hop)
    for j in range(ratio):
        blocks[j : j + n_frames] += frames[:, j * hop : (j + 1) * hop]
        norm_blocks[j : j + n_frames] += squared[j]
    out, norm = blocks.ravel(), norm_blocks.ravel()
    out = out[n_fft // 2 : n_fft // 2 + length]
    norm = norm[n_fft // 2 : n_fft // 2 + length]
    return out / np.maximum(norm, 1e-12)


def frame_times(n_frames: int, hop: int, sample_rate_hz: float) -> np.ndarray:
    """Centre time (s) of each frame."""
    return np.arange(n_frames) * hop / sample_rate_hz

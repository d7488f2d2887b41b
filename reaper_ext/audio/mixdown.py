"""Mono downmixes and the session's mix bus: what the song and polarity analyses hear.

The mix is summed at each track's own rate and brought to :data:`MIX_RATE_HZ`
once; polarity compares 1/8 ms block means (:data:`POLARITY_RATE_HZ`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["MIX_RATE_HZ", "POLARITY_RATE_HZ", "MixBus", "add_at", "block_means", "halve_rate", "to_mix_rate", "to_mono"]


MIX_RATE_HZ = 22050  # song analysis (tempo/key/sections) runs at this rate, mono

# Polarity compares block means at 8 kHz (1/8 ms): workers send these copies, and the
# parent never filters a track itself. 8 kHz, not 1: a hi-hat or snare mic is told from
# the kick leaking into it by its own sound above 500 Hz (analysis/problems/polarity.py, issue 11).
POLARITY_RATE_HZ = 8000

def to_mono(samples: np.ndarray) -> np.ndarray:
    """Mono downmix; summing columns is much faster than a strided mean."""
    if samples.shape[1] == 1:
        return samples[:, 0]
    mono = samples[:, 0].copy()
    for channel in range(1, samples.shape[1]):
        mono += samples[:, channel]
    mono *= np.float32(1.0 / samples.shape[1])
    return mono

_HALF_BAND_TAPS = 41  # the length resample_poly uses for a 2:1 step (Kaiser window, beta 5)

def halve_rate(signal: np.ndarray) -> np.ndarray:
    """2:1 decimation with resample_poly's own low-pass, without its padding and copies."""
    from scipy.signal import firwin, upfirdn

    global _half_band  # built once per process
    if _half_band is None:
        _half_band = firwin(_HALF_BAND_TAPS, 0.5, window=("kaiser", 5.0)).astype(np.float32)
    delay = (_HALF_BAND_TAPS - 1) // 2  # the filter's group delay, in input samples
    filtered = upfirdn(_half_band, signal, 1, 2)
    return np.ascontiguousarray(filtered[delay // 2 : delay // 2 + (signal.shape[0] + 1) // 2], dtype=np.float32)

_half_band: np.ndarray | None = None

def to_mix_rate(mono: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    """A float32 mono signal at the song-analysis rate."""
    if sample_rate_hz == 2 * MIX_RATE_HZ:  # 44.1 kHz, the common case: the cheap path
        return halve_rate(mono)
    from reaper_ext.audio.resample import resample

    return resample(mono, sample_rate_hz, MIX_RATE_HZ)

def block_means(mono: np.ndarray, sample_rate_hz: int, rate_hz: int = POLARITY_RATE_HZ) -> np.ndarray:
    """Means over consecutive blocks of ``sample_rate_hz / rate_hz`` samples: a copy at exactly ``rate_hz``."""
    n_out = int(mono.shape[0] * rate_hz // sample_rate_hz)
    if n_out == 0:
        return np.zeros(0, dtype=np.float32)
    edges = np.round(np.arange(n_out + 1) * (sample_rate_hz / rate_hz)).astype(np.int64)
    sums = np.add.reduceat(mono[: edges[-1]], edges[:-1])
    return (sums / np.diff(edges)).astype(np.float32)

def add_at(buffer: np.ndarray, signal: np.ndarray, start_sec: float, rate_hz: int) -> np.ndarray:
    start = int(round(start_sec * rate_hz))
    stop = start + signal.shape[0]
    if stop > buffer.shape[0]:
        buffer = np.pad(buffer, (0, stop - buffer.shape[0]))
    buffer[start:stop] += signal
    return buffer

class MixBus:
    """The session's mono mix, summed at each track's own rate and brought to MIX_RATE_HZ once.

    Filtering every track down to the song rate cost more than the song analysis;
    one filter pass over the sum does the same job. float64: tracks finish in any
    order with parallel workers, and the sum must not depend on it.
    """

    def __init__(self) -> None:
        self._by_rate: dict[int, np.ndarray] = {}

    def add(self, mono: np.ndarray, sample_rate_hz: int, start_sec: float, gain: float) -> None:
        buffer = self._by_rate.get(sample_rate_hz, np.zeros(0, dtype=np.float64))
        self._by_rate[sample_rate_hz] = add_at(buffer, mono * np.float32(gain), start_sec, sample_rate_hz)

    def at_mix_rate(self) -> np.ndarray:
        """The mix at MIX_RATE_HZ, float32 (empty if nothing was added)."""
        mix = np.zeros(0, dtype=np.float32)
        for rate_hz, buffer in sorted(self._by_rate.items()):
            converted = to_mix_rate(buffer.astype(np.float32), rate_hz)  # the one float32 copy
            if converted.shape[0] > mix.shape[0]:
                mix = np.pad(mix, (0, converted.shape[0] - mix.shape[0]))
            mix[: converted.shape[0]] += converted
        return mix

"""Short-time features computed once per track and shared by the detectors.

Two grids:

* **blocks**: consecutive, non-overlapping 20 ms blocks of the signal; their
  mean-square power (averaged over channels) drives activity, noise floor and
  silence decisions.
* **frames**: a Hann-windowed STFT (window about 93 ms, 50 % overlap, frames
  centred on ``i * hop``), reduced on the fly to the power in fractional-octave
  bands plus two extra sums (the 5-10 kHz sibilance band and the whole band).
  The STFT is computed in chunks of frames and never held whole, so memory stays
  bounded by one padded channel plus a chunk.

Band powers are normalised so that, per frame, they add up to the frame's mean
square (Parseval with the window's energy), i.e. a sine of amplitude ``A``
reads ``A**2 / 2`` in its band, consistent with RMS dBFS elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reaper_ext.analysis.validate import valid_audio

__all__ = [
    "FrameFeatures",
    "compute_frames",
    "octave_band_centres",
    "BLOCK_SEC",
    "SIBILANCE_BAND_HZ",
]

BLOCK_SEC = 0.020
SIBILANCE_BAND_HZ = (5000.0, 10000.0)
_WINDOW_SEC = 0.093  # 4096 samples at 44.1 kHz: ~10.8 Hz bins for the low bands
_CHUNK_FRAMES = 256

# Nominal centre frequencies (IEC 61260-1 / ISO 266), used as labels; the band
# edges come from the exact base-10 centres 1000 * 10**(3k / (10 b)).
_NOMINAL_THIRD_OCTAVE_HZ = (
    20,
    25,
    31.5,
    40,
    50,
    63,
    80,
    100,
    125,
    160,
    200,
    250,
    315,
    400,
    500,
    630,
    800,
    1000,
    1250,
    1600,
    2000,
    2500,
    3150,
    4000,
    5000,
    6300,
    8000,
    10000,
    12500,
    16000,
    20000,
)
_NOMINAL_OCTAVE_HZ = (31.5, 63, 125, 250, 500, 1000, 2000, 4000, 8000, 16000)


def octave_band_centres(
    fraction: int = 3, *, low_hz: float = 20.0, high_hz: float = 20000.0
) -> tuple[np.ndarray, np.ndarray]:
    """Fractional-octave band centres and edges between ``low_hz`` and ``high_hz``.

    Parameters
    ----------
    fraction : int
        ``b`` in 1/b octave (1 = octaves, 3 = third octaves).
    low_hz, high_hz : float
        Range of the centre frequencies, inclusive (with 1 % slack).

    Returns
    -------
    centres_hz : np.ndarray, shape (n_bands,)
        Nominal (ISO) centres for octaves and third octaves, exact ones otherwise.
    edges_hz : np.ndarray, shape (n_bands, 2)
        Lower and upper band edges, ``exact_centre * 10**(+-3 / (20 b))``.
    """
    if fraction < 1:
        raise ValueError(f"fraction must be >= 1, got {fraction}")
    # IEC 61260-1 base-10 system: octave ratio G = 10**(3/10).
    k = np.arange(-10 * fraction, 10 * fraction + 1)
    exact = 1000.0 * 10.0 ** (3.0 * k / (10.0 * fraction))
    keep = (exact >= low_hz * 0.99) & (exact <= high_hz * 1.01)
    exact = exact[keep]
    nominal_table = {3: _NOMINAL_THIRD_OCTAVE_HZ, 1: _NOMINAL_OCTAVE_HZ}.get(fraction)
    if nominal_table is not None:
        table = np.asarray(nominal_table, dtype=float)
        centres = np.array([table[np.argmin(np.abs(np.log(table / f)))] for f in exact])
    else:
        centres = exact.copy()
    half = 10.0 ** (3.0 / (20.0 * fraction))
    edges = np.stack([exact / half, exact * half], axis=1)
    return centres, edges


def _edge_positions(edges_hz: np.ndarray, bin_width_hz: float, n_bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer part and fraction of each band edge on the bin axis.

    Bin ``k`` is taken to cover ``[(k - 1/2) df, (k + 1/2) df]`` with constant
    power density, so bands narrower than one bin (the 20-50 Hz third octaves)
    still get a fair share of energy.
    """
    position = np.clip(edges_hz / bin_width_hz + 0.5, 0.0, float(n_bins))
    whole = np.minimum(np.floor(position).astype(np.int64), n_bins - 1)
    return whole, (position - whole).astype(np.float32)


@dataclass(frozen=True)
class FrameFeatures:
    """Short-time features of one track (see the module docstring for the grids).

    Attributes
    ----------
    sample_rate_hz : float
    n_samples : int
    n_channels : int
    block_samples : int
        Length of one power block.
    block_power : np.ndarray, shape (n_blocks,)
        Mean square per block, averaged over channels (last block may be partial).
    hop_samples, n_fft : int
        STFT hop and window length; frame ``i`` is centred on sample ``i * hop``.
    band_centres_hz : np.ndarray, shape (n_bands,)
    band_edges_hz : np.ndarray, shape (n_bands, 2)
    band_power : np.ndarray, shape (n_frames, n_bands)
        Power per frame and fractional-octave band (mean over channels).
    sibilance_power : np.ndarray, shape (n_frames,)
        Power in :data:`SIBILANCE_BAND_HZ` per frame.
    total_power : np.ndarray, shape (n_frames,)
        Whole-band power per frame.
    """

    sample_rate_hz: float
    n_samples: int
    n_channels: int
    block_samples: int
    block_power: np.ndarray
    hop_samples: int
    n_fft: int
    band_centres_hz: np.ndarray
    band_edges_hz: np.ndarray
    band_power: np.ndarray
    sibilance_power: np.ndarray
    total_power: np.ndarray

    @property
    def block_starts_sec(self) -> np.ndarray:
        """Start time of each block, shape (n_blocks,)."""
        return np.arange(self.block_power.shape[0]) * (self.block_samples / self.sample_rate_hz)

    @property
    def frame_times_sec(self) -> np.ndarray:
        """Centre time of each STFT frame, shape (n_frames,)."""
        return np.arange(self.total_power.shape[0]) * (self.hop_samples / self.sample_rate_hz)

    @property
    def duration_sec(self) -> float:
        """Length of the track in seconds."""
        return self.n_samples / self.sample_rate_hz


def _block_energy(channel: np.ndarray, block_samples: int) -> np.ndarray:
    """Sum of squares per block of one contiguous channel; a partial last block is scaled up."""
    n_samples = channel.shape[0]
    n_full = n_samples // block_samples
    squared = np.square(channel)
    # float32 pairwise sums over ~900 samples are exact enough; widen afterwards.
    energy = squared[: n_full * block_samples].reshape(n_full, block_samples).sum(axis=1).astype(np.float64)
    if n_full * block_samples < n_samples:
        tail = squared[n_full * block_samples :]
        energy = np.append(energy, tail.sum(dtype=np.float64) * block_samples / tail.shape[0])
    return energy


def compute_frames(samples: np.ndarray, sample_rate_hz: float, *, fraction: int = 3) -> FrameFeatures:
    """Compute the shared short-time features of a track.

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels)
        Audio, full scale 1.0.
    sample_rate_hz : float
        Sample rate.
    fraction : int
        Fractional-octave resolution of the band powers (3 = third octaves).

    Returns
    -------
    FrameFeatures
    """
    import scipy.fft

    samples = valid_audio(samples, sample_rate_hz)
    n_samples, n_channels = samples.shape
    block_samples = max(1, int(round(BLOCK_SEC * sample_rate_hz)))

    n_fft = int(2 ** round(np.log2(_WINDOW_SEC * sample_rate_hz)))
    hop = n_fft // 2
    nyquist_hz = sample_rate_hz / 2
    centres_hz, edges_hz = octave_band_centres(fraction, high_hz=min(20000.0, nyquist_hz))
    edges_hz = edges_hz.copy()
    edges_hz[:, 1] = np.minimum(edges_hz[:, 1], nyquist_hz)
    sib_edges = np.array([[SIBILANCE_BAND_HZ[0], min(SIBILANCE_BAND_HZ[1], nyquist_hz)]])
    all_edges = np.vstack([edges_hz, sib_edges, [[0.0, nyquist_hz + sample_rate_hz]]])
    n_bins = n_fft // 2 + 1
    whole, fraction_of_bin = _edge_positions(all_edges.ravel(), sample_rate_hz / n_fft, n_bins)
    segment_starts, segment_of_edge = np.unique(np.append(whole, 0), return_inverse=True)
    segment_of_edge = segment_of_edge[:-1]
    window = np.hanning(n_fft + 1)[:-1].astype(np.float32)  # periodic Hann: COLA at 50 %
    # Parseval: sum_k c_k |X_k|^2 / (N sum w^2) = mean square of the windowed frame,
    # with c_k = 2 except at DC and Nyquist (c = 1).
    scale = 2.0 / (n_fft * float(np.sum(window.astype(np.float64) ** 2)))

    n_frames = 1 + n_samples // hop
    n_columns = all_edges.shape[0]
    reduced = np.zeros((n_frames, n_columns), dtype=np.float64)
    energy = np.zeros(-(-n_samples // block_samples), dtype=np.float64)
    half = n_fft // 2
    for channel in range(n_channels):
        padded = np.zeros(n_samples + 2 * half + hop, dtype=np.float32)
        padded[half : half + n_samples] = samples[:, channel]
        energy += _block_energy(padded[half : half + n_samples], block_samples)
        view = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop][:n_frames]
        for start in range(0, n_frames, _CHUNK_FRAMES):
            spectrum = scipy.fft.rfft(view[start : start + _CHUNK_FRAMES] * window, axis=1)
            power = spectrum.real**2 + spectrum.imag**2
            power[:, 0] *= 0.5
            power[:, -1] *= 0.5
            # Sum whole segments between edges (float32, local), then accumulate the
            # few segment sums in float64 so quiet high bands survive next to loud lows.
            segments = np.add.reduceat(power, segment_starts, axis=1)
            below = np.zeros((segments.shape[0], segments.shape[1] + 1), dtype=np.float64)
            np.cumsum(segments, axis=1, dtype=np.float64, out=below[:, 1:])
            at_edges = below[:, segment_of_edge] + fraction_of_bin * power[:, whole]
            at_edges = at_edges.reshape(-1, n_columns, 2)
            reduced[start : start + _CHUNK_FRAMES] += at_edges[:, :, 1] - at_edges[:, :, 0]
        del padded, view
    reduced *= scale / n_channels
    block_power = energy / (block_samples * n_channels)
    n_bands = centres_hz.shape[0]
    return FrameFeatures(
        sample_rate_hz=float(sample_rate_hz),
        n_samples=n_samples,
        n_channels=n_channels,
        block_samples=block_samples,
        block_power=block_power,
        hop_samples=hop,
        n_fft=n_fft,
        band_centres_hz=centres_hz,
        band_edges_hz=edges_hz,
        band_power=reduced[:, :n_bands],
        sibilance_power=reduced[:, n_bands],
        total_power=reduced[:, n_bands + 1],
    )

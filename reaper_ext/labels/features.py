"""Timbre and rhythm features of a track, summarised over its active parts.

Pure numpy/scipy (no librosa at inference), deterministic. A track is analysed on
a bounded set of excerpts (at most :data:`MAX_ANALYSIS_SEC` of its loudest active
stretches), so a 4-minute track costs about as much as a 30-second one.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from reaper_ext.errors import AnalysisError

__all__ = ["FEATURE_VERSION", "ANALYSIS_RATE_HZ", "MAX_ANALYSIS_SEC", "n_features", "select_excerpts", "track_features"]

FEATURE_VERSION = 1
ANALYSIS_RATE_HZ = 22050
MAX_ANALYSIS_SEC = 30.0
EXCERPT_SEC = 5.0
N_FFT = 1024
HOP = 512
N_MELS = 48
SILENCE_DB = 50.0  # frames more than this under the loudest are left out
_EPS = 1e-10


def _hz_to_mel(freq_hz: np.ndarray) -> np.ndarray:
    # O'Shaughnessy's mel scale (HTK form), 2595 log10(1 + f/700)
    return 2595.0 * np.log10(1.0 + freq_hz / 700.0)


@lru_cache(maxsize=4)
def _mel_filterbank(sample_rate_hz: int = ANALYSIS_RATE_HZ) -> np.ndarray:
    """Triangular mel filters, shape ``(N_MELS, N_FFT // 2 + 1)``, 30 Hz to Nyquist."""
    bin_hz = np.fft.rfftfreq(N_FFT, 1.0 / sample_rate_hz)
    edges_mel = np.linspace(_hz_to_mel(np.array(30.0)), _hz_to_mel(np.array(sample_rate_hz / 2)), N_MELS + 2)
    edges_hz = 700.0 * (10 ** (edges_mel / 2595.0) - 1.0)
    bank = np.zeros((N_MELS, bin_hz.size))
    for band in range(N_MELS):
        low, centre, high = edges_hz[band : band + 3]
        rising = (bin_hz - low) / max(centre - low, _EPS)
        falling = (high - bin_hz) / max(high - centre, _EPS)
        bank[band] = np.clip(np.minimum(rising, falling), 0.0, None)
    return bank / np.maximum(bank.sum(axis=1, keepdims=True), _EPS)


def _to_mono_analysis_rate(samples: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    from math import gcd

    from scipy.signal import resample_poly

    samples = samples if samples.ndim == 2 else samples[:, None]
    # excerpts first, at the source rate: mixing and resampling a whole 4-minute track
    # would dominate the cost
    pieces = [samples[start:end].mean(axis=1, dtype=np.float64)
              for start, end in select_excerpts(samples, sample_rate_hz=int(sample_rate_hz))]
    mono = np.concatenate(pieces)
    if sample_rate_hz == ANALYSIS_RATE_HZ:
        return mono
    divisor = gcd(int(sample_rate_hz), ANALYSIS_RATE_HZ)
    return resample_poly(mono, ANALYSIS_RATE_HZ // divisor, int(sample_rate_hz) // divisor)


def select_excerpts(
    samples: np.ndarray, *, sample_rate_hz: int, max_sec: float = MAX_ANALYSIS_SEC
) -> list[tuple[int, int]]:
    """Sample ranges ``(start, end)`` of up to ``max_sec`` of active audio, spread over the track.

    Half-second blocks within 40 dB of the loudest are "active" (measured on every
    8th sample of the first channel: enough for a level, 8 times cheaper);
    excerpts of ``EXCERPT_SEC`` start at active blocks evenly spaced through the track.
    """
    n_samples = samples.shape[0]
    block = int(0.5 * sample_rate_hz)
    n_blocks = n_samples // block
    if n_samples <= max_sec * sample_rate_hz or n_blocks < 2:
        return [(0, n_samples)]
    decimated = np.asarray(samples[: n_blocks * block : 8, 0], dtype=np.float64)
    per_block = decimated.size // n_blocks
    energy = np.mean(decimated[: n_blocks * per_block].reshape(n_blocks, per_block) ** 2, axis=1)
    rms_db = 10 * np.log10(energy + _EPS)
    active = np.flatnonzero(rms_db > rms_db.max() - 40.0)
    n_excerpts = int(max_sec // EXCERPT_SEC)
    starts = active[np.linspace(0, active.size - 1, min(n_excerpts, active.size)).round().astype(int)]
    length = int(EXCERPT_SEC * sample_rate_hz)
    return [(int(s) * block, min(n_samples, int(s) * block + length)) for s in np.unique(starts)]


def n_features() -> int:
    """Length of the vector :func:`track_features` returns."""
    return 2 * N_MELS + 8 + 8 + 2 + 3 + 5 + 4 + 1 + 5


def track_features(samples: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    """Feature vector of one track, float64 ``(n_features(),)``; level-independent.

    Parameters
    ----------
    samples : np.ndarray
        Audio, shape ``(n_samples, n_channels)`` or ``(n_samples,)``, float.
    sample_rate_hz : int
        Its sample rate.

    Raises
    ------
    AnalysisError
        If the audio is empty, not finite, or silent.
    """
    samples = np.asarray(samples)
    if samples.size == 0 or samples.shape[0] < N_FFT:
        raise AnalysisError(f"track is too short to label ({samples.shape[0]} samples): need at least {N_FFT}")
    if not np.isfinite(np.sum(samples, dtype=np.float64)):  # NaN/inf survive a sum: one cheap pass
        raise AnalysisError("track holds NaN or infinite samples: repair or re-export the media file")
    mono = _to_mono_analysis_rate(samples, sample_rate_hz)
    peak = float(np.max(np.abs(mono)))
    if peak < 1e-6:
        raise AnalysisError("track is silent (peak under -120 dBFS): nothing to label")
    mono = mono / peak

    n_frames = 1 + (mono.size - N_FFT) // HOP
    index = np.arange(N_FFT)[None, :] + HOP * np.arange(n_frames)[:, None]
    frames = mono[index]
    power = np.abs(np.fft.rfft(frames * np.hanning(N_FFT), axis=1)) ** 2
    frame_db = 10 * np.log10(power.sum(axis=1) + _EPS)
    active = frame_db > frame_db.max() - SILENCE_DB
    power, frames, frame_db = power[active], frames[active], frame_db[active]
    if power.shape[0] < 4:
        power, frames, frame_db = power[:4], frames[:4], frame_db[:4]

    mel_db = 10 * np.log10(power @ _mel_filterbank().T + _EPS)
    mel_db -= np.percentile(mel_db.max(axis=1), 95)  # relative to the loud frames: level-free
    feats: list[np.ndarray] = [mel_db.mean(axis=0) / 20, mel_db.std(axis=0) / 10]

    # frame-to-frame change per band group (sustained vs. percussive, vibrato)
    delta = np.abs(np.diff(mel_db, axis=0)) if mel_db.shape[0] > 1 else np.zeros_like(mel_db)
    feats.append(np.array([g.mean() for g in np.array_split(delta, 8, axis=1)]) / 5)

    bin_hz = np.fft.rfftfreq(N_FFT, 1.0 / ANALYSIS_RATE_HZ)
    total = power.sum(axis=1) + _EPS
    centroid_hz = (power @ bin_hz) / total
    bandwidth_hz = np.sqrt((power @ bin_hz**2) / total - centroid_hz**2 + _EPS)
    rolloff_hz = bin_hz[np.argmax(np.cumsum(power, axis=1) >= 0.85 * total[:, None], axis=1)]
    flatness = np.exp(np.mean(np.log(power + _EPS), axis=1)) / (np.mean(power, axis=1) + _EPS)
    spectral = [np.log2(centroid_hz + 20), np.log2(bandwidth_hz + 20), np.log2(rolloff_hz + 20),
                np.log10(flatness + _EPS)]
    feats.append(np.array([f(x) for x in spectral for f in (np.mean, np.std)]) / np.array([12, 2] * 3 + [5, 2]))

    zero_crossings = np.mean(np.abs(np.diff(np.signbit(frames), axis=1)), axis=1)
    feats.append(np.array([zero_crossings.mean() * 10, zero_crossings.std() * 10]))

    # onsets: positive spectral flux peaks (Bello et al. 2005), per second of active audio
    flux = np.maximum(np.diff(mel_db, axis=0), 0.0).sum(axis=1) if mel_db.shape[0] > 1 else np.zeros(1)
    threshold = np.median(flux) + 2.0 * flux.std()
    is_peak = (flux[1:-1] > flux[:-2]) & (flux[1:-1] >= flux[2:]) & (flux[1:-1] > threshold)
    seconds = max(mel_db.shape[0] * HOP / ANALYSIS_RATE_HZ, 1e-3)
    feats.append(np.array([is_peak.sum() / seconds / 5, np.log1p(flux.mean()) / 5, np.log1p(flux.std()) / 5]))

    # level envelope: dynamics and how much of the excerpt is sounding
    relative_db = frame_db - frame_db.max()
    feats.append(np.array([relative_db.std() / 10, *(np.percentile(relative_db, [10, 50, 90]) / 20),
                           active.mean()]))

    # harmonicity: normalised autocorrelation peak for 50-1000 Hz periods (pitched vs. noisy)
    autocorr = np.fft.irfft(power, axis=1)[:, : N_FFT // 2]
    autocorr /= autocorr[:, :1] + _EPS
    low_lag, high_lag = ANALYSIS_RATE_HZ // 1000, ANALYSIS_RATE_HZ // 50
    lag_peak = autocorr[:, low_lag:high_lag].max(axis=1)
    best_lag = low_lag + autocorr[:, low_lag:high_lag].argmax(axis=1)
    feats.append(np.array([lag_peak.mean(), lag_peak.std(), np.percentile(lag_peak, 90),
                           np.log2(ANALYSIS_RATE_HZ / np.median(best_lag)) / 10]))
    feats.append(np.array([np.mean(np.log10(power.max(axis=1) / (power.mean(axis=1) + _EPS) + _EPS)) / 3]))

    band_edges_hz = (0, 150, 500, 2000, 6000, ANALYSIS_RATE_HZ / 2 + 1)
    band_power = np.array([power[:, (bin_hz >= lo) & (bin_hz < hi)].sum() for lo, hi in
                           zip(band_edges_hz[:-1], band_edges_hz[1:], strict=True)])
    feats.append(np.log10(band_power / band_power.sum() + 1e-6) / 3)
    vector = np.concatenate(feats)
    return np.nan_to_num(vector, nan=0.0, posinf=0.0, neginf=0.0)

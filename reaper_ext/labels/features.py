"""Timbre and rhythm features of a track, per segment of its active parts.

Pure numpy/scipy (no librosa), deterministic. A track is cut into segments of
:data:`SEGMENT_SEC` (the length of the training clips, so a segment looks to
the model like what it learned from); a long track contributes at most
:data:`MAX_ANALYSIS_SEC` of its active stretches, spread over its length, so a
4-minute track costs about as much as a 30-second one. The labeller averages
its verdicts over the segments.

Version 2 added, to the spectral summary of version 1: the level envelope after
onsets (attack and decay: plucked, struck, bowed or blown), the brightness
change after onsets, the modulation spectrum of the level (tremolo, rhythm),
spectral contrast per octave, the number of spectral peaks (polyphony), and
pitch range and stability.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.errors import AnalysisError

__all__ = ["FEATURE_VERSION", "ANALYSIS_RATE_HZ", "MAX_ANALYSIS_SEC", "SEGMENT_SEC", "n_features",
           "select_excerpts", "segment_features", "track_features"]

FEATURE_VERSION = 2
ANALYSIS_RATE_HZ = 22050
SEGMENT_SEC = 6.0
MAX_ANALYSIS_SEC = 30.0
N_FFT = 1024
HOP = 512
N_MELS = 48
MEL_MIN_HZ = 30.0
SILENCE_DB = 50.0  # frames more than this under the loudest are left out of the spectral summary
ONSET_LAGS_FRAMES = (1, 2, 3, 4, 6, 8, 12, 16, 24)  # 23 ms to 0.56 s after an onset
MODULATION_BANDS_HZ = ((0.3, 1.5), (1.5, 3.0), (3.0, 6.0), (6.0, 10.0), (10.0, 21.5))
CONTRAST_EDGES_HZ = (0, 200, 400, 800, 1600, 3200, 6400, 11026)
_EPS = 1e-10


def _mel_bank() -> np.ndarray:
    from reaper_ext.analysis.filterbanks import mel_filterbank

    return mel_filterbank(ANALYSIS_RATE_HZ, N_FFT, N_MELS, min_hz=MEL_MIN_HZ)


def _mono_at_analysis_rate(samples: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    from reaper_ext.audio.resample import resample

    mono = samples.mean(axis=1, dtype=np.float64) if samples.ndim == 2 else samples.astype(np.float64)
    return np.asarray(resample(mono, int(sample_rate_hz), ANALYSIS_RATE_HZ), dtype=np.float64)


def select_excerpts(
    samples: np.ndarray, *, sample_rate_hz: int, max_sec: float = MAX_ANALYSIS_SEC, excerpt_sec: float = SEGMENT_SEC
) -> list[tuple[int, int]]:
    """Sample ranges ``(start, end)`` of up to ``max_sec`` of active audio, spread over the track.

    Half-second blocks within 40 dB of the loudest are "active" (measured on every
    8th sample of the first channel: enough for a level, 8 times cheaper);
    excerpts of ``excerpt_sec`` start at active blocks evenly spaced through the track.
    A track no longer than ``max_sec`` is one range, the whole of it.
    """
    n_samples = samples.shape[0]
    block = int(0.5 * sample_rate_hz)
    n_blocks = n_samples // block
    if n_samples <= max_sec * sample_rate_hz or n_blocks < 2:
        return [(0, n_samples)]
    first_channel = samples[:, 0] if samples.ndim == 2 else samples
    decimated = np.asarray(first_channel[: n_blocks * block : 8], dtype=np.float64)
    per_block = decimated.size // n_blocks
    energy = np.mean(decimated[: n_blocks * per_block].reshape(n_blocks, per_block) ** 2, axis=1)
    rms_db = 10 * np.log10(energy + _EPS)
    active = np.flatnonzero(rms_db > rms_db.max() - 40.0)
    n_excerpts = int(max_sec // excerpt_sec)
    starts = active[np.linspace(0, active.size - 1, min(n_excerpts, active.size)).round().astype(int)]
    length = int(excerpt_sec * sample_rate_hz)
    # an excerpt near the end starts early enough to be whole: a 0.2 s scrap would vote like a full segment
    return sorted({(min(int(s) * block, n_samples - length), min(int(s) * block, n_samples - length) + length)
                   for s in starts})


def _segments(mono: np.ndarray) -> list[np.ndarray]:
    """Cut one stretch (analysis rate) into SEGMENT_SEC pieces; a short tail joins the piece before it."""
    length = int(SEGMENT_SEC * ANALYSIS_RATE_HZ)
    if mono.size < 2 * length:
        return [mono] if mono.size < 1.5 * length else [mono[:length], mono[length:]]
    pieces = [mono[start : start + length] for start in range(0, mono.size - length + 1, length)]
    tail = mono[len(pieces) * length :]
    if tail.size >= length // 2:
        pieces.append(tail)
    elif tail.size:
        pieces[-1] = np.concatenate([pieces[-1], tail])
    return pieces


def _checked(samples: np.ndarray) -> np.ndarray:
    """The audio as an array, if it can be labelled at all (else AnalysisError)."""
    samples = np.asarray(samples)
    if samples.size == 0 or samples.shape[0] < N_FFT:
        raise AnalysisError(f"track is too short to label ({samples.shape[0]} samples): need at least {N_FFT}")
    if not np.isfinite(np.sum(samples, dtype=np.float64)):  # NaN/inf survive a sum: one cheap pass
        raise AnalysisError("track holds NaN or infinite samples: repair or re-export the media file")
    return samples


def segment_features(samples: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    """Feature rows of a track's segments, float64 ``(n_segments, n_features())``; level-independent.

    Raises
    ------
    AnalysisError
        If the audio is empty, too short, not finite, or silent.
    """
    samples = _checked(samples)
    rows = []
    for start, end in select_excerpts(samples, sample_rate_hz=int(sample_rate_hz)):
        mono = _mono_at_analysis_rate(samples[start:end], sample_rate_hz)
        for piece in _segments(mono):
            if piece.size >= N_FFT and np.max(np.abs(piece)) >= 1e-6:
                rows.append(_vector(piece))
    if not rows:
        raise AnalysisError("track is silent (peak under -120 dBFS): nothing to label")
    return np.array(rows)


def track_features(samples: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    """One feature vector for a whole clip (a training example), float64 ``(n_features(),)``.

    A clip of :data:`SEGMENT_SEC` gives the row :func:`segment_features` gives
    for a segment like it. Longer inputs are summarised over their excerpts.
    Raises what :func:`segment_features` raises.
    """
    samples = _checked(samples)
    mono = np.concatenate([_mono_at_analysis_rate(samples[start:end], sample_rate_hz)
                           for start, end in select_excerpts(samples, sample_rate_hz=int(sample_rate_hz))])
    if np.max(np.abs(mono)) < 1e-6:
        raise AnalysisError("track is silent (peak under -120 dBFS): nothing to label")
    return _vector(mono)


def n_features() -> int:
    """Length of a feature row."""
    v1 = 2 * N_MELS + 8 + 8 + 2 + 3 + 5 + 4 + 1 + 5
    return v1 + len(ONSET_LAGS_FRAMES) + 1 + 8 + 1 + len(MODULATION_BANDS_HZ) + len(CONTRAST_EDGES_HZ) - 1 + 2 + 5


def _vector(mono: np.ndarray) -> np.ndarray:
    """Features of one stretch of mono audio at ANALYSIS_RATE_HZ (at least N_FFT samples, not silent)."""
    mono = mono / float(np.max(np.abs(mono)))
    n_frames = 1 + (mono.size - N_FFT) // HOP
    frames = np.lib.stride_tricks.sliding_window_view(mono, N_FFT)[::HOP][:n_frames]
    all_power = np.abs(np.fft.rfft(frames * np.hanning(N_FFT), axis=1)) ** 2
    all_frame_db = 10 * np.log10(all_power.sum(axis=1) + _EPS)
    all_mel_db = 10 * np.log10(all_power @ _mel_bank().T + _EPS)
    active = all_frame_db > all_frame_db.max() - SILENCE_DB
    if active.sum() < 4:
        active[:4] = True
    power, frames, frame_db, mel_db = all_power[active], frames[active], all_frame_db[active], all_mel_db[active]
    feats = _spectral_summary(power, frames, frame_db, mel_db, active)
    feats += _onset_envelope(all_frame_db, all_mel_db)
    feats += _texture(power, frame_db, all_frame_db)
    vector = np.concatenate([np.ravel(np.asarray(f, dtype=np.float64)) for f in feats])
    return np.nan_to_num(vector, nan=0.0, posinf=0.0, neginf=0.0)


def _spectral_summary(power, frames, frame_db, mel_db, active) -> list:
    """Version 1's features, over the active frames: band levels and their spread, spectral shape, rhythm, pitchedness."""
    mel_db = mel_db - np.percentile(mel_db.max(axis=1), 95)  # relative to the loud frames: level-free
    feats: list = [mel_db.mean(axis=0) / 20, mel_db.std(axis=0) / 10]

    # frame-to-frame change per band group (sustained vs. percussive, vibrato)
    delta = np.abs(np.diff(mel_db, axis=0)) if mel_db.shape[0] > 1 else np.zeros_like(mel_db)
    feats.append(np.array([g.mean() for g in np.array_split(delta, 8, axis=1)]) / 5)

    bin_hz = np.fft.rfftfreq(N_FFT, 1.0 / ANALYSIS_RATE_HZ)
    total = power.sum(axis=1) + _EPS
    centroid_hz = (power @ bin_hz) / total
    bandwidth_hz = np.sqrt(np.maximum((power @ bin_hz**2) / total - centroid_hz**2, 0.0) + _EPS)
    rolloff_hz = bin_hz[np.argmax(np.cumsum(power, axis=1) >= 0.85 * total[:, None], axis=1)]
    flatness = np.exp(np.mean(np.log(power + _EPS), axis=1)) / (np.mean(power, axis=1) + _EPS)
    spectral = [np.log2(centroid_hz + 20), np.log2(bandwidth_hz + 20), np.log2(rolloff_hz + 20),
                np.log10(flatness + _EPS)]
    feats.append(np.array([f(x) for x in spectral for f in (np.mean, np.std)]) / np.array([12, 2] * 3 + [5, 2]))

    zero_crossings = np.mean(np.abs(np.diff(np.signbit(frames), axis=1)), axis=1)
    feats.append([zero_crossings.mean() * 10, zero_crossings.std() * 10])

    # onsets: positive spectral flux peaks (Bello et al. 2005), per second of active audio
    flux = np.maximum(np.diff(mel_db, axis=0), 0.0).sum(axis=1) if mel_db.shape[0] > 1 else np.zeros(1)
    threshold = np.median(flux) + 2.0 * flux.std()
    is_peak = (flux[1:-1] > flux[:-2]) & (flux[1:-1] >= flux[2:]) & (flux[1:-1] > threshold)
    seconds = max(mel_db.shape[0] * HOP / ANALYSIS_RATE_HZ, 1e-3)
    feats.append([is_peak.sum() / seconds / 5, np.log1p(flux.mean()) / 5, np.log1p(flux.std()) / 5])

    # level envelope: dynamics and how much of the stretch is sounding
    relative_db = frame_db - frame_db.max()
    feats.append([relative_db.std() / 10, *(np.percentile(relative_db, [10, 50, 90]) / 20), active.mean()])

    # harmonicity: normalised autocorrelation peak for 50-1000 Hz periods (pitched vs. noisy)
    lag_peak, best_lag = _autocorrelation_pitch(power)
    feats.append([lag_peak.mean(), lag_peak.std(), np.percentile(lag_peak, 90),
                  np.log2(ANALYSIS_RATE_HZ / np.median(best_lag)) / 10])
    feats.append([np.mean(np.log10(power.max(axis=1) / (power.mean(axis=1) + _EPS) + _EPS)) / 3])

    band_edges_hz = (0, 150, 500, 2000, 6000, ANALYSIS_RATE_HZ / 2 + 1)
    band_power = np.array([power[:, (bin_hz >= lo) & (bin_hz < hi)].sum() for lo, hi in
                           zip(band_edges_hz[:-1], band_edges_hz[1:], strict=True)])
    feats.append(np.log10(band_power / band_power.sum() + 1e-6) / 3)
    return feats


def _autocorrelation_pitch(power: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per frame: the normalised autocorrelation peak for 50-1000 Hz periods, and its lag (samples)."""
    autocorr = np.fft.irfft(power, axis=1)[:, : N_FFT // 2]
    autocorr /= autocorr[:, :1] + _EPS
    low_lag, high_lag = ANALYSIS_RATE_HZ // 1000, ANALYSIS_RATE_HZ // 50
    return autocorr[:, low_lag:high_lag].max(axis=1), low_lag + autocorr[:, low_lag:high_lag].argmax(axis=1)


def _onset_envelope(frame_db: np.ndarray, mel_db: np.ndarray) -> list:
    """How notes start and die away, in time order over all frames: attack, decay, brightness change."""
    n_frames = frame_db.shape[0]
    frame_db = np.maximum(frame_db, frame_db.max() - 60.0)
    flux = np.maximum(np.diff(mel_db, axis=0), 0.0).sum(axis=1) if n_frames > 1 else np.zeros(1)
    threshold = np.median(flux) + 1.5 * flux.std()
    peaks = 1 + np.flatnonzero((flux[1:-1] > flux[:-2]) & (flux[1:-1] >= flux[2:]) & (flux[1:-1] > threshold))
    onsets = peaks + 1  # the frame after the rise
    onsets = onsets[onsets < n_frames - max(ONSET_LAGS_FRAMES)]
    n_groups = 8
    if onsets.size == 0:
        return [np.zeros(len(ONSET_LAGS_FRAMES)), [0.0], np.zeros(n_groups), [0.0]]
    at_onset = frame_db[onsets]
    decay = [np.median(frame_db[onsets + lag] - at_onset) / 20 for lag in ONSET_LAGS_FRAMES]
    attack = np.median(at_onset - frame_db[np.maximum(onsets - 2, 0)]) / 20
    groups = np.array_split(np.arange(mel_db.shape[1]), n_groups)
    later = 8  # frames, ~0.19 s
    change = np.array([mel_db[onsets + later][:, g].mean() - mel_db[onsets][:, g].mean() for g in groups])
    return [decay, [attack], (change - change.mean()) / 10, [np.log1p(onsets.size) / 3]]


def _texture(power: np.ndarray, frame_db: np.ndarray, all_frame_db: np.ndarray) -> list:
    """Level modulation (all frames, in time order), and spectral contrast, polyphony and pitch range/stability of the loud frames."""
    all_frame_db = np.maximum(all_frame_db, all_frame_db.max() - 60.0)
    sequence = all_frame_db - all_frame_db.mean()
    spectrum = np.abs(np.fft.rfft(sequence * np.hanning(sequence.size))) ** 2
    modulation_hz = np.fft.rfftfreq(sequence.size, HOP / ANALYSIS_RATE_HZ)
    total = spectrum[modulation_hz > MODULATION_BANDS_HZ[0][0]].sum() + _EPS
    modulation = [np.log10(spectrum[(modulation_hz >= lo) & (modulation_hz < hi)].sum() / total + 1e-4) / 2
                  for lo, hi in MODULATION_BANDS_HZ]

    loud = frame_db > frame_db.max() - 30.0
    loud_power = power[loud] if loud.sum() >= 4 else power
    bin_hz = np.fft.rfftfreq(N_FFT, 1.0 / ANALYSIS_RATE_HZ)
    contrast = []
    for lo, hi in zip(CONTRAST_EDGES_HZ[:-1], CONTRAST_EDGES_HZ[1:], strict=True):
        band = np.sort(loud_power[:, (bin_hz >= lo) & (bin_hz < hi)], axis=1)
        k = max(1, band.shape[1] // 5)  # top and bottom fifth of the bins: peaks against valleys
        contrast.append(np.mean(10 * np.log10((band[:, -k:].mean(axis=1) + _EPS) / (band[:, :k].mean(axis=1) + _EPS))) / 30)

    level_db = 10 * np.log10(loud_power + _EPS)
    is_peak = ((level_db[:, 1:-1] > level_db[:, :-2]) & (level_db[:, 1:-1] >= level_db[:, 2:])
               & (level_db[:, 1:-1] > level_db.max(axis=1, keepdims=True) - 30.0))
    n_peaks = is_peak.sum(axis=1)
    polyphony = [np.log1p(np.median(n_peaks)) / 3, np.log1p(n_peaks.std()) / 3]

    strength, lag = _autocorrelation_pitch(loud_power)
    voiced = strength > 0.5
    pitch = [0.0, 0.0, 0.0, 0.0, float(voiced.mean())]
    if voiced.sum() >= 3:
        semitones = 12 * np.log2(ANALYSIS_RATE_HZ / lag[voiced])
        jumps = np.abs(np.diff(semitones))
        pitch = [float(np.percentile(semitones, 10)) / 100, float(np.percentile(semitones, 90)) / 100,
                 float(np.mean(jumps < 0.5)), float(np.mean((jumps >= 0.5) & (jumps < 2.0))), float(voiced.mean())]
    return [modulation, contrast, polyphony, pitch]

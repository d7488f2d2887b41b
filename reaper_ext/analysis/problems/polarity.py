"""Polarity: a track that is the inverted twin of another (two mics, or a DI and a mic, on one source).

Bleed makes every mic of a drum kit hear every drum, so a correlation of two tracks
is not enough: the snare mic's low end is mostly the kick's leakage, and that
leakage may arrive with either sign (a hypercardioid's rear lobe is inverted). Summing
the two barely changes the kick, because the leakage is 10-30 dB down: it is not a
polarity problem. Only tracks whose *main* content is the same source (kick in and
kick out, snare top and bottom, a bass DI and its amp) cancel when one is upside down.

Method, on up to :data:`MAX_ANALYSIS_SEC` of the session (the stretch where the
tracks together are loudest):

1. each track's mono short-time spectrum (Hann, about 64 ms, half overlap), bins
   under 30 Hz left out (rumble says nothing about the source);
2. *same source*: only pairs that are loud at the same moments are compared. A frame
   is loud when its sample peak is within 8 dB of the track's peaks (99.5th
   percentile of the frames' peaks: a close mic's own drum, not its bleed); the pair must
   share at least 30% of the frames loud in either (a tom mic is loud on its tom's
   hits, not on the snare it leaks; a hi-hat mic on the hats), and over those frames
   one track's level follows the other's (a straight line, within 10 dB, 10th-90th
   percentile of the residual: a compressor on one of them bends, not breaks, it); and
   at most 10% of one track's loud frames are loud in it alone (one source through two
   paths: every loud moment of the less compressed is one of the other; a hi-hat mic,
   loud on hats that the kick mic only leaks, is another source however much kick it
   leaks);
3. the lag, within ``max_lag_ms`` (10 ms, about 3.4 m of path difference), where the
   smoothed-coherence transform peaks (SCOT, Knapp & Carter 1976: every frequency
   votes by its coherence, so a low note's side lobe half a period away cannot win);
   there, the *energy-weighted broadband correlation*: the inverse transform of the
   summed cross-spectrum over the zero-lag autocorrelations. Its square is the share
   of both tracks' energy they have in common, so bleed 10-30 dB down cannot reach it;
4. at the best lag, the same correlation per band (under 300 Hz, 300-2000 Hz, above
   2 kHz, each where both tracks have at least 10% of their energy): an inverted twin
   is inverted in every band it has; a correlation made by one band's leakage is not.

A pair is inverted when the broadband correlation at the best lag is at most
``-min_correlation`` (-0.35: a snare bottom shares only part of the top's sound) and
every shared band is at most -0.2. The *later* track
of the pair (in the dict's order) gets a ``polarity`` problem naming its partner; a
track inverted against several gets one, against the partner loud with it the most
(its twin: a snare bottom against the snare top, not against the kick it leaks).
Severity: medium from -0.5, high from -0.65.

The detector works at any rate; it sees "broadband" up to half the rate it is given,
so tracks should come at 8 kHz or more (a hi-hat mic's own sound is above 2 kHz).
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.problems.base import Problem, severity_from_excess
from reaper_ext.analysis.validate import valid_audio

__all__ = ["find_polarity_problems", "pair_correlation", "MAX_ANALYSIS_SEC"]

MAX_ANALYSIS_SEC = 60.0
_FRAME_SEC = 0.064
_MIN_FREQ_HZ = 30.0
_BANDS_HZ = ((0.0, 300.0), (300.0, 2000.0), (2000.0, np.inf))
_MIN_BAND_SHARE = 0.1
_MIN_BAND_CORRELATION = 0.2  # an inverted twin is inverted in every band both tracks have
_LOUD_DB = 8.0  # a frame whose sample peak is within this of the track's peaks (99.5th percentile) is "loud"
_MIN_CO_ACTIVITY = 0.3  # loud at the same moments: shared loud frames over frames loud in either
_MAX_LOUD_ALONE = 0.1  # one source: at most this share of one track's loud frames are loud in it alone
_MAX_LEVEL_SPREAD_DB = 10.0  # the level relation over those frames holds within this (10th-90th percentile of the residual)


def _loudest_window(monos: list[np.ndarray], rate_hz: float, max_sec: float) -> slice:
    """The stretch of ``max_sec`` where the tracks' summed energy is largest (1 s steps).

    Measured per track, so the tracks are never held together at full length.
    """
    n = max(mono.shape[0] for mono in monos)
    length = int(max_sec * rate_hz)
    if n <= length:
        return slice(0, n)
    step = max(1, int(rate_hz))
    n_steps = -(-n // step)
    energy = np.zeros(n_steps)
    for mono in monos:
        per_step = np.add.reduceat(mono.astype(np.float64) ** 2, np.arange(0, mono.shape[0], step))
        energy[: per_step.size] += per_step
    per_window = np.convolve(energy, np.ones(int(max_sec)), mode="valid")
    start = int(np.argmax(per_window)) * step
    return slice(start, min(n, start + length))


def _spectra(matrix: np.ndarray, rate_hz: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Short-time spectra ``(n_tracks, n_frames, n_bins)``, bin frequencies, frame length."""
    n_fft = 1 << max(4, int(np.round(np.log2(_FRAME_SEC * rate_hz))))
    hop = n_fft // 2
    n = matrix.shape[1]
    if n < n_fft:
        matrix = np.pad(matrix, ((0, 0), (0, n_fft - n)))
        n = n_fft
    n_frames = 1 + (n - n_fft) // hop
    window = np.hanning(n_fft).astype(np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(matrix, n_fft, axis=1)[:, ::hop][:, :n_frames]
    spectra = np.fft.rfft(frames * window, axis=2)
    freqs_hz = np.fft.rfftfreq(n_fft, 1.0 / rate_hz)
    spectra[:, :, freqs_hz < _MIN_FREQ_HZ] = 0.0
    return spectra, freqs_hz, n_fft


def pair_correlation(cross: np.ndarray, power_a: np.ndarray, power_b: np.ndarray, freqs_hz: np.ndarray,
                     n_fft: int, max_lag: int) -> tuple[float, int, list[float]]:
    """Broadband correlation at the best lag, that lag (samples, b after a), and per-band correlations there.

    ``cross`` is the summed cross-spectrum ``sum_t conj(A) B``; ``power_a``/``power_b``
    the summed power spectra. Bands where either track has under 10% of its energy
    are left out of the list.
    """
    # r(lag) = sum_n a[n] b[n + lag] / sqrt(sum a^2 sum b^2): the inverse transform of the
    # cross-spectrum, over the zero-lag autocorrelations (the same transform of the power spectra)
    auto_a = float(np.fft.irfft(power_a, n_fft)[0])
    auto_b = float(np.fft.irfft(power_b, n_fft)[0])
    if auto_a <= 0 or auto_b <= 0:
        return 0.0, 0, []
    lags = np.arange(-max_lag, max_lag + 1)
    values = np.fft.irfft(cross, n_fft)[lags % n_fft] / np.sqrt(auto_a * auto_b)
    # the lag from the smoothed-coherence transform (SCOT, Knapp & Carter 1976): every band votes
    # by its coherence, not its energy, so a bass note's side lobe half a period away cannot win
    scot = np.fft.irfft(cross / np.sqrt(power_a * power_b + 1e-30), n_fft)[lags % n_fft]
    best = int(np.argmax(np.abs(scot)))
    lag = int(lags[best])
    phase = np.exp(2j * np.pi * np.arange(cross.size) * lag / n_fft)
    bands = []
    for low_hz, high_hz in _BANDS_HZ:
        inside = (freqs_hz >= low_hz) & (freqs_hz < high_hz)
        share_a = power_a[inside].sum() / max(power_a.sum(), 1e-30)
        share_b = power_b[inside].sum() / max(power_b.sum(), 1e-30)
        if not inside.any() or share_a < _MIN_BAND_SHARE or share_b < _MIN_BAND_SHARE:
            continue
        bands.append(float(np.real(np.sum(cross[inside] * phase[inside]))
                           / np.sqrt(power_a[inside].sum() * power_b[inside].sum())))
    return float(values[best]), lag, bands


def find_polarity_problems(
    tracks: dict[str, np.ndarray],
    sample_rate_hz: float,
    *,
    max_lag_ms: float = 10.0,
    min_correlation: float = 0.35,
) -> dict[str, list[Problem]]:
    """Find tracks that are an inverted copy of another track's main source.

    Parameters
    ----------
    tracks : dict of str to np.ndarray
        Track name to audio, shape (n_samples, n_channels), all at ``sample_rate_hz``
        and on the same time axis (time 0 = first sample); lengths may differ.
    sample_rate_hz : float
        Common sample rate (8 kHz or more sees the drums' brightness; any rate works).
    max_lag_ms : float
        Largest time offset between the two tracks considered.
    min_correlation : float
        Magnitude of negative broadband correlation that counts as inverted.

    Returns
    -------
    dict of str to list of Problem
        Every track name, with its ``polarity`` problems (usually none).
    """
    names = list(tracks)
    result: dict[str, list[Problem]] = {name: [] for name in names}
    if len(names) < 2:
        return result
    monos = []
    for name in names:
        samples = valid_audio(tracks[name], sample_rate_hz)
        monos.append(samples.mean(axis=1, dtype=np.float32) if samples.shape[1] > 1 else samples[:, 0])
    lengths = [mono.shape[0] for mono in monos]
    if max(lengths) < 4:
        return result
    window = _loudest_window(monos, sample_rate_hz, MAX_ANALYSIS_SEC)
    matrix = np.zeros((len(names), window.stop - window.start), dtype=np.float32)
    for row, mono in enumerate(monos):
        piece = mono[window]
        matrix[row, : piece.shape[0]] = piece
    matrix -= matrix.mean(axis=1, keepdims=True)
    spectra, freqs_hz, n_fft = _spectra(matrix, sample_rate_hz)
    power = np.sum(np.abs(spectra) ** 2, axis=1)  # (n_tracks, n_bins)
    audible = power.sum(axis=1) > 0
    # per frame: sample peak (what is loudest at each moment: a close mic's own drum, not its bleed) and level
    hop = n_fft // 2
    frames = np.lib.stride_tricks.sliding_window_view(matrix, n_fft, axis=1)[:, ::hop][:, : spectra.shape[1]]
    peak_db = 20 * np.log10(np.abs(frames).max(axis=2) + 1e-12)
    frame_db = 10 * np.log10(np.sum(np.abs(spectra) ** 2, axis=2) + 1e-30)
    loud = peak_db > (np.percentile(peak_db, 99.5, axis=1) - _LOUD_DB)[:, None]
    max_lag = min(n_fft // 2 - 1, max(0, int(round(max_lag_ms / 1000.0 * sample_rate_hz))))

    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if not (audible[i] and audible[j]):
                continue
            # the same source: the two tracks are loud at the same moments (a tom mic's loud
            # moments are its tom's hits, not the snare it leaks; a hi-hat mic's are the hats)
            either = np.sum(loud[i] | loud[j])
            co_activity = float(np.sum(loud[i] & loud[j]) / either) if either else 0.0
            if co_activity < _MIN_CO_ACTIVITY:
                continue
            # one source through two paths: every loud moment of one (the less compressed) is a loud
            # moment of the other; a hi-hat mic loud on hats the kick mic only leaks is another source
            alone_i = np.sum(loud[i] & ~loud[j]) / max(1, np.sum(loud[i]))
            alone_j = np.sum(loud[j] & ~loud[i]) / max(1, np.sum(loud[j]))
            if min(alone_i, alone_j) > _MAX_LOUD_ALONE:
                continue
            # ...and one's level follows the other's (one source through two paths; a compressor on
            # one of them bends the relation, so a straight line is fitted, not a fixed difference)
            union = loud[i] | loud[j]
            a_db, b_db = frame_db[i][union], frame_db[j][union]
            if a_db.size >= 3 and np.ptp(b_db) > 0:
                slope, offset = np.polyfit(b_db, a_db, 1)
                residual = a_db - (slope * b_db + offset)
            else:
                residual = a_db - b_db
            if np.percentile(residual, 90) - np.percentile(residual, 10) > _MAX_LEVEL_SPREAD_DB:
                continue
            cross = np.sum(np.conj(spectra[i]) * spectra[j], axis=0)
            value, lag, bands = pair_correlation(cross, power[i], power[j], freqs_hz, n_fft, max_lag)
            if value > -min_correlation or any(band > -_MIN_BAND_CORRELATION for band in bands):
                continue
            partner, name = names[i], names[j]
            if result[name] and result[name][0].measured["co_activity"] >= co_activity:
                continue  # one source per track: judged against the partner loud with it the most
            result[name] = [
                Problem(
                    kind="polarity",
                    start_sec=0.0,
                    end_sec=lengths[j] / sample_rate_hz,
                    severity=severity_from_excess(-value - min_correlation, 0.15, 0.3),
                    measured={
                        "correlation": value,
                        "lag_ms": float(lag / sample_rate_hz * 1000.0),
                        "partner_track": partner,
                        "band_correlations": bands,
                        "co_activity": co_activity,
                    },
                )
            ]
    return result

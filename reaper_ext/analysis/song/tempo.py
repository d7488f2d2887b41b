"""Tempo: the beats per minute of the mix, and how sure.

Autocorrelation of the onset strength (Ellis 2007; the ``tempogram``
averaged over time), octave errors folded into 70-180 BPM, the period refined on
its multiples (bar, two bars...) to a fraction of a frame.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.song.features import SongFeatures, compute_features
from reaper_ext.analysis.song.results import TempoEstimate

__all__ = ["PREFERRED_TEMPO_RANGE_BPM", "tempo_from_features", "estimate_tempo"]


PREFERRED_TEMPO_RANGE_BPM = (70.0, 180.0)

_TEMPO_SEARCH_RANGE_BPM = (30.0, 300.0)

_TEMPO_PRIOR_CENTRE_BPM = 120.0  # log-normal prior, as in librosa's tempo estimator

_TEMPO_PRIOR_OCTAVES = 1.0

# Logistic weights of the evidence for the double tempo (_resolve_octave): sixteenth hats,
# off-beat kick/snare, log2(slow reading / 120 BPM) (the tempo prior), chords changing on the
# half bar (_half_bar_harmony, centred on 0.5), bias. Fitted (L2, C = 1) on the realistic
# sessions of benchmarks/bench_realistic_detectors.py, seeds 1000-1199 (tuning seeds; seed
# 9000 is held out): 100 songs whose tempo and its double both fit 70-180 BPM, 92 right by
# leave-one-out (86 with the drums and the prior alone: a slow groove with sixteenth hats and
# a half-time groove at the double play the same hats and snare); fitted on either half of
# the seeds, the other half scored 40/48 and 49/52.
_DOUBLE_TEMPO_WEIGHTS = (1.16, 1.74, -1.22, 3.72, -2.06)

# below this mean change of the beat chroma (1 - cosine) on the bar line there are no chord
# changes to read: drums alone 0.001-0.006, the realistic sessions' 0.01-0.2 (median 0.07)
_MIN_HARMONY_CHANGE = 0.01

# above this correlation of the hi-hat band's onsets with the kick/snare bands', the bands
# carry one sound (clicks: 0.99; the realistic sessions: 0.88 at most, 0.57 on average)
_SAME_VOICE_CORRELATION = 0.95

def _parabolic_peak(values: np.ndarray, index: int) -> tuple[float, float]:
    """Sub-sample position and height of a peak by a parabola through three points."""
    if index <= 0 or index >= len(values) - 1:
        return float(index), float(values[index])
    left, centre, right = values[index - 1], values[index], values[index + 1]
    denominator = left - 2 * centre + right
    if denominator >= 0:
        return float(index), float(centre)
    offset = 0.5 * (left - right) / denominator
    return index + offset, float(centre - 0.25 * (left - right) * offset)

def _family_strength(autocorrelation: np.ndarray, lag: float, max_lag: int) -> float:
    """Mean autocorrelation (negatives as 0) at ``lag``'s octave relatives (1/4 ... 4 times) within the search range."""
    values = []
    for factor in (0.25, 0.5, 1.0, 2.0, 4.0):
        index = int(round(lag * factor))
        if 2 <= index <= max_lag:
            values.append(max(float(autocorrelation[index - 1: index + 2].max()), 0.0))
    return float(np.mean(values)) if values else 0.0


def _pulse_peak(autocorrelation: np.ndarray, peak_lags: np.ndarray, peak_strength: np.ndarray, max_lag: int) -> int:
    """Index (into ``peak_lags``) of the pulse: the shortest strong peak of the strongest octave family.

    A groove's beat, half bar and bar (periods 1, 2, 4) all peak; so can a dotted
    figure's 1.5 beats (a kick on 1 and the "and" of 2), and the shortest peak within
    80 % of the strongest may be that one, whose octaves never hold the beat (125 BPM
    read as 167: a 3:4 error). Each family of periods 2^k apart is scored by the mean
    of its peaks (the metrical levels of Lerdahl & Jackendoff 1983 are octaves of the
    beat in 4/4; cf. Percival & Tzanetakis 2014, who score tempo candidates by pulse
    trains at their multiples); the shortest strong peak of the best family is the pulse.
    """
    strong = np.flatnonzero(peak_strength >= 0.8 * peak_strength.max())
    candidates = np.flatnonzero(peak_strength >= 0.5 * peak_strength.max())
    scores = [_family_strength(autocorrelation, float(peak_lags[index]), max_lag) for index in candidates]
    winner = float(peak_lags[candidates[int(np.argmax(scores))]])
    # a peak is in the winner's family when its period is a power of two times the winner's (within 4 %)
    octaves = np.log2(peak_lags / winner)
    in_family = np.abs(octaves - np.round(octaves)) < np.log2(1.04)
    family = np.flatnonzero(in_family & (peak_strength >= 0.5 * peak_strength.max()))
    family_strong = [index for index in family if peak_strength[index] >= 0.8 * peak_strength[family].max()]
    if int(strong[0]) in family:
        return int(strong[0])
    return int(family_strong[0])


def tempo_from_features(features: SongFeatures) -> TempoEstimate:
    """The tempo from the song's features (module docstring): the beat period, its octave, a confidence."""
    onset = features.onset_strength - features.onset_strength.mean()
    fps = features.frames_per_sec
    n = len(onset)
    if n < 4 or not np.any(onset):
        return TempoEstimate(0.0, 0.0)
    # autocorrelation by FFT (Wiener-Khinchin), zero-padded so it is linear, unbiased by overlap length
    n_fft = 1 << int(np.ceil(np.log2(2 * n)))
    spectrum = np.fft.rfft(onset, n_fft)
    autocorrelation = np.fft.irfft(np.abs(spectrum) ** 2, n_fft)[:n]
    autocorrelation /= (n - np.arange(n))
    autocorrelation /= autocorrelation[0]

    min_lag = int(np.floor(60.0 * fps / _TEMPO_SEARCH_RANGE_BPM[1]))
    max_lag = min(n - 1, int(np.ceil(60.0 * fps / _TEMPO_SEARCH_RANGE_BPM[0])))
    if max_lag <= min_lag + 2:
        return TempoEstimate(0.0, 0.0)
    lags = np.arange(max(min_lag, 1), max_lag + 1)
    strength = autocorrelation[lags]
    is_peak = np.r_[False, (strength[1:-1] > strength[:-2]) & (strength[1:-1] >= strength[2:]), False]
    if not is_peak.any():
        return TempoEstimate(0.0, 0.0)
    peak_lags = lags[is_peak]
    peak_strength = strength[is_peak]
    if peak_strength.max() <= 0.0:  # every periodicity peak is anti-correlated: no pulse to find
        return TempoEstimate(0.0, 0.0)
    peak_bpm = 60.0 * fps / peak_lags
    def prior(bpm: float | np.ndarray) -> float | np.ndarray:
        return np.exp(-0.5 * (np.log2(bpm / _TEMPO_PRIOR_CENTRE_BPM) / _TEMPO_PRIOR_OCTAVES) ** 2)

    # the pulse: the shortest period whose peak is within 80 % of the strongest (a periodic onset
    # train peaks about equally at every multiple of its period), in the octave family (periods
    # 2^k apart) whose peaks are strongest; then its octave relatives, choosing among those in
    # the preferred range under a log-normal prior
    best = _pulse_peak(autocorrelation, peak_lags, peak_strength, max_lag)
    family = []
    for factor in (0.25, 0.5, 1.0, 2.0, 4.0):
        candidate_bpm = peak_bpm[best] * factor
        lag = 60.0 * fps / candidate_bpm
        if not (1 <= lag < n - 1):
            continue
        index = int(round(lag))
        window = autocorrelation[max(1, index - 1): index + 2]
        index = max(1, index - 1) + int(np.argmax(window))
        family.append((candidate_bpm, index, float(autocorrelation[index])))
    low_bpm, high_bpm = PREFERRED_TEMPO_RANGE_BPM
    in_range = [item for item in family if low_bpm <= item[0] <= high_bpm] or family

    _, lag_index, _ = max(in_range, key=lambda item: max(item[2], 0.0) * prior(item[0]))
    period_frames, peak_value = _parabolic_peak(autocorrelation, lag_index)
    # refine on multiples of the period (a bar, two bars...): same absolute error, k times smaller per beat
    for multiple in (2, 4, 8, 16):
        centre = int(round(multiple * period_frames))
        if centre + 3 >= n // 2:
            break
        index = centre - 2 + int(np.argmax(autocorrelation[centre - 2: centre + 3]))
        position, value = _parabolic_peak(autocorrelation, index)
        if value < 0.5 * peak_value:
            break
        period_frames = position / multiple
    bpm = _resolve_octave(features, 60.0 * fps / period_frames)
    baseline = float(np.median(strength))
    confidence = float(np.clip((peak_value - baseline) / max(1e-9, 1.0 - baseline), 0.0, 1.0))
    return TempoEstimate(float(bpm), confidence)

def _grid_strength(envelope: np.ndarray, period_frames: float, n_steps: int) -> np.ndarray:
    """Mean of ``envelope`` at each of ``n_steps`` equal steps of a beat, the beat phase fitted to it.

    The phase is the one whose beats collect the most of the envelope (each position
    the maximum within a frame either side, as onsets smear over a frame or two).
    """
    n = len(envelope)
    n_beats = int(n / period_frames)
    if n_beats < 2:
        return np.zeros(n_steps)
    peaks = np.maximum.reduce([np.roll(envelope, shift) for shift in (-1, 0, 1)])
    beats = np.arange(n_beats) * period_frames
    phases = np.arange(0.0, period_frames, 0.5)
    totals = [peaks[np.clip(np.round(phase + beats).astype(int), 0, n - 1)].sum() for phase in phases]
    phase = phases[int(np.argmax(totals))]
    return np.array([peaks[np.clip(np.round(phase + step * period_frames / n_steps + beats).astype(int), 0, n - 1)].mean()
                     for step in range(n_steps)])


def _resolve_octave(features: SongFeatures, bpm: float) -> float:
    """Choose between a tempo and its double (or half) when both are plausible, from the drums' pattern.

    Read at the slower of the two, the beat is split in four sixteenths. At the
    true slow tempo the kick and snare land on the beats (backbeat) and the
    hi-hat plays eighths: little on the off-beat eighth of the kick/snare bands
    and little hi-hat on the sixteenths. When the true tempo is the double, the
    snare (its backbeat) falls on the slow reading's off-beat eighths and the
    hi-hat's eighths on its sixteenths. The two signs and a tempo prior (a
    double above 170 BPM is rarer than its half near 85) are weighed together
    (:data:`_DOUBLE_TEMPO_WEIGHTS`, a logistic regression).
    """
    low, high = PREFERRED_TEMPO_RANGE_BPM
    slow = bpm if bpm < 2 * low else bpm / 2
    if not (low <= slow and 2 * slow <= high):
        return bpm
    bands = features.band_onsets
    if np.corrcoef(bands[0] + bands[1], bands[2])[0, 1] > _SAME_VOICE_CORRELATION:
        return bpm  # one broadband pulse (a click), no kit voices to read: the prior's choice stands
    cues = _octave_cues(features, slow)
    if cues is None:
        return bpm
    return 2 * slow if float(np.dot(_DOUBLE_TEMPO_WEIGHTS[:-1], cues)) + _DOUBLE_TEMPO_WEIGHTS[-1] > 0 else slow


def _octave_cues(features: SongFeatures, slow_bpm: float) -> np.ndarray | None:
    """The evidence for the double of ``slow_bpm`` (:data:`_DOUBLE_TEMPO_WEIGHTS`' order, less the bias); None without a kit."""
    bands = features.band_onsets
    period = 60.0 * features.frames_per_sec / slow_bpm
    kick_snare = _grid_strength(bands[0] + bands[1], period, 4)
    hats = _grid_strength(bands[2], period, 4)
    if kick_snare[0] <= 0 or hats[2] <= 0:
        return None
    offbeat_backbeat = kick_snare[2] / kick_snare[0]
    sixteenth_hats = 0.5 * (hats[1] + hats[3]) / hats[2]
    return np.array([sixteenth_hats, offbeat_backbeat, np.log2(slow_bpm / _TEMPO_PRIOR_CENTRE_BPM),
                     _half_bar_harmony(features, slow_bpm) - 0.5])


def _half_bar_harmony(features: SongFeatures, slow_bpm: float) -> float:
    """How much the harmony changes on the slow reading's half bar, against its bar line (0 to 1; 0.5 unknown).

    Read at half the true tempo, a 4/4 bar holds two of the song's bars, and chords
    change as much on its third beat as on its first; read at the true tempo, they
    change on the bar line and seldom half-way (a strong beat where the harmony
    changes: Lerdahl & Jackendoff 1983, metrical preference rule 5f; Goto & Muraoka
    1999 read the bar level from chord changes). The mean change of the beat chroma
    (:func:`~reaper_ext.analysis.song.chords.harmony_change`) on each of the four
    beat positions: the half bar's over the strongest position's. A mix without chord
    changes (drums alone) gives 0.5, no evidence either way.
    """
    from reaper_ext.analysis.song.chords import BEATS_PER_BAR, beat_frames, harmony_change

    beats = beat_frames(features, slow_bpm)
    if len(beats) < 3 * BEATS_PER_BAR:
        return 0.5
    # the first beat has no change before it, the last spans a partial beat
    change = harmony_change(features, beats)[1:-1]
    by_position = np.array([change[(position - 1) % BEATS_PER_BAR::BEATS_PER_BAR].mean()
                            for position in range(BEATS_PER_BAR)])
    strongest = int(np.argmax(by_position))
    if by_position[strongest] < _MIN_HARMONY_CHANGE:
        return 0.5
    return float(by_position[(strongest + 2) % BEATS_PER_BAR] / by_position[strongest])


def estimate_tempo(mix: np.ndarray, sample_rate_hz: float) -> TempoEstimate:
    """Estimate the global tempo of a mix.

    Parameters
    ----------
    mix : np.ndarray, shape (n_samples, n_channels) or (n_samples,)
        The whole mix, floating point, full scale 1.0.
    sample_rate_hz : float
        Sample rate of ``mix`` (a whole number of hertz).

    Returns
    -------
    TempoEstimate
        ``bpm`` is 0 with confidence 0 when no periodicity is found (too short).

    Raises
    ------
    AnalysisError
        If the mix is invalid (wrong shape, NaN, bad rate), empty or silent.
    """
    return tempo_from_features(compute_features(mix, sample_rate_hz))

"""Mains hum: narrow spectral peaks at k * 50 Hz or k * 60 Hz.

Method: the mono mix is cut into ~1.5 s segments (65536 samples at 44.1 kHz,
0.67 Hz resolution, half-overlapping); the quieter half of the non-silent segments
(at most 24, at least 1) is kept, because hum stands out most where the music is
quiet, and their Hann-windowed power spectra are combined by the per-bin *25th
percentile* (not Welch's mean): hum is steady, in every segment at the same
frequency, while the music moves, so a bass note that happens to sit within 0.7 Hz
of 50 Hz in one chord, or a voice's low partials, do not survive it. For each candidate base frequency
and harmonics k = 1..8, the peak within +-max(0.7 Hz, 0.5 %) of ``k * f0`` (and
the highest bin within 3 Hz more, so a neighbour's skirt doesn't count) is
compared with the median of the bins 3-20 Hz further out on both sides: a
harmonic is *found* when it stands ``min_prominence_db`` (15 dB) above them and
above -100 dBFS. Hum is reported when at least 3 harmonics are found, or 2: the
fundamental with the 2nd or 3rd; or, under music that never stops, a series of at
least 3 standing 5 dB less (10 dB), two of them among the first three; between 50 and 60 Hz the base with more found
harmonics (then the louder) wins. Equal-tempered notes miss these frequencies by
more than the tolerance, so sustained music does not trigger it.

Reported over the whole track (hum is steady); severity by the strongest
harmonic's level: medium from -65 dBFS, high from -50 dBFS.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.problems.base import Problem, severity_from_excess
from reaper_ext.analysis.validate import SILENCE_DBFS, power_to_db, valid_audio

__all__ = ["find_hum", "MAINS_FREQUENCIES_HZ"]

MAINS_FREQUENCIES_HZ = (50.0, 60.0)
_SEGMENT_SEC = 1.5
_MAX_SEGMENTS = 24
_QUIET_SHARE = 0.5  # the quieter half of the audible segments
_PERCENTILE = 25.0  # per bin, over the quieter segments: what holds in three quarters of them
_SERIES_EASING_DB = 5.0  # a series of harmonics may each stand this much less (see find_hum)


def _quiet_spectrum(samples: np.ndarray, sample_rate_hz: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Per-bin 25th-percentile power spectrum (RMS-scaled) of the quieter segments' mono mix, and its frequencies."""
    segment = int(2 ** round(np.log2(_SEGMENT_SEC * sample_rate_hz)))
    n_samples, n_channels = samples.shape
    if n_samples < segment:
        pieces = np.zeros((1, segment, n_channels), dtype=np.float32)
        pieces[0, :n_samples] = samples
    else:  # half-overlapping segments (a view): more of them for the per-bin percentile below
        pieces = np.lib.stride_tricks.sliding_window_view(samples, segment, axis=0)[:: segment // 2]
        pieces = np.swapaxes(pieces, 1, 2)
    level_db = power_to_db(np.einsum("ijk,ijk->i", pieces, pieces) / (segment * n_channels))
    audible = np.flatnonzero(level_db > SILENCE_DBFS)
    if audible.size == 0:
        return None
    n_keep = int(np.clip(np.ceil(_QUIET_SHARE * audible.size), 1, _MAX_SEGMENTS))
    chosen = np.sort(audible[np.argsort(level_db[audible])[:n_keep]])
    mono = pieces[chosen].mean(axis=2, dtype=np.float32)
    window = np.hanning(segment + 1)[:-1].astype(np.float32)
    spectrum = np.fft.rfft(mono * window, axis=1)
    # a low percentile, bin by bin: hum is in every segment at one frequency, music moves (a bass
    # note near 50 Hz, a voice's low partials), so only what holds in most segments stays
    power = np.percentile(spectrum.real**2 + spectrum.imag**2, _PERCENTILE, axis=0)
    power *= 2.0 / (segment * float(np.sum(window.astype(np.float64) ** 2)))
    return np.fft.rfftfreq(segment, 1.0 / sample_rate_hz), power


def _harmonics(freqs_hz: np.ndarray, power: np.ndarray, base_hz: float, n_harmonics: int, min_prominence_db: float):
    found = []
    for k in range(1, n_harmonics + 1):
        target_hz = k * base_hz
        # mains frequency holds within about +-0.2 Hz; leave room for a slow recorder
        tolerance_hz = max(0.7, 0.005 * target_hz)
        if target_hz + tolerance_hz + 20.0 >= freqs_hz[-1]:
            break
        distance = np.abs(freqs_hz - target_hz)
        near = np.flatnonzero(distance <= tolerance_hz)
        around = (distance >= tolerance_hz + 3.0) & (distance <= tolerance_hz + 20.0)
        # the local maximum must lie inside the tolerance: a skirt of a stronger
        # peak next door (a bass note 1-3 Hz away) is not hum
        wider = np.flatnonzero(distance <= tolerance_hz + 3.0)
        if wider[np.argmax(power[wider])] not in near:
            continue
        peak_bin = near[np.argmax(power[near])]
        # a Hann window spreads a sine over ~3 bins: sum them for the sine's power
        peak_power = float(power[max(peak_bin - 1, 0) : peak_bin + 2].sum())
        reference = float(np.median(power[around])) * 3.0
        if reference <= 0.0:
            prominence_db = np.inf if peak_power > 0 else -np.inf
        else:
            prominence_db = float(power_to_db(peak_power / reference))
        level_dbfs = float(power_to_db(peak_power))
        if prominence_db >= min_prominence_db and level_dbfs > -100.0:
            found.append((k, float(freqs_hz[peak_bin]), level_dbfs, prominence_db))
    return found


def find_hum(
    samples: np.ndarray,
    sample_rate_hz: float,
    *,
    base_frequencies_hz: tuple[float, ...] = MAINS_FREQUENCIES_HZ,
    n_harmonics: int = 8,
    min_prominence_db: float = 15.0,
) -> list[Problem]:
    """Find mains hum (see the module docstring).

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels)
        Audio, full scale 1.0.
    sample_rate_hz : float
        Sample rate.
    base_frequencies_hz : tuple of float
        Candidate mains frequencies.
    n_harmonics : int
        Harmonics examined per base (including the fundamental).
    min_prominence_db : float
        How far a harmonic must stand above its neighbourhood.

    Returns
    -------
    list of Problem
        At most one ``hum`` problem, over the whole track.
    """
    samples = valid_audio(samples, sample_rate_hz)
    if samples.shape[0] == 0:
        return []
    quiet = _quiet_spectrum(samples, sample_rate_hz)
    if quiet is None:
        return []
    freqs_hz, power = quiet
    best = None
    for base_hz in base_frequencies_hz:
        # one scan at the eased threshold; the harmonics found at the full one are among them
        series = _harmonics(freqs_hz, power, base_hz, n_harmonics, min_prominence_db - _SERIES_EASING_DB)
        found = [harmonic for harmonic in series if harmonic[3] >= min_prominence_db]
        numbers = {k for k, *_ in found}
        # under music that never stops, hum stands only ~10 dB over its neighbours: a series of
        # three such harmonics, two of them among the first three (where hum is strongest), is hum
        if len(series) >= 3 and len({k for k, *_ in series} & {1, 2, 3}) >= 2:
            found = series
        # two harmonics only as hum makes them: the fundamental (magnetic coupling) with the 2nd
        # (full-wave rectification's buzz) or 3rd (transformer saturation); a 50 Hz bass note and
        # a chord tone near 350 Hz are not hum
        if len(found) >= 3 or (len(found) == 2 and 1 in numbers and numbers & {2, 3}):
            key = (len(found), max(level for *_, level, _ in found))
            if best is None or key > best[0]:
                best = (key, base_hz, found)
    if best is None:
        return []
    _, base_hz, found = best
    strongest = max(found, key=lambda harmonic: harmonic[2])
    level_dbfs = strongest[2]
    return [
        Problem(
            kind="hum",
            start_sec=0.0,
            end_sec=samples.shape[0] / sample_rate_hz,
            severity=severity_from_excess(level_dbfs + 80.0, 15.0, 30.0),
            measured={
                "freq_hz": base_hz,
                "measured_freq_hz": strongest[1] / strongest[0],
                "harmonics_hz": [freq for _, freq, _, _ in found],
                "harmonic_numbers": [k for k, *_ in found],
                "level_dbfs": level_dbfs,
                # every found harmonic's power together: what the hum adds to a gap's noise floor
                "total_level_dbfs": float(power_to_db(sum(10 ** (level / 10) for _, _, level, _ in found))),
                "prominence_db": max(prominence for *_, prominence in found),
            },
        )
    ]

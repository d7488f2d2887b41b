"""Loudness and true peak against the EBU Tech 3341 minimum-requirement signals, generated here.

These hold the meters to the standard's own test vectors (EBU Tech 3341 v3, table 1,
signals 1-5; true-peak signals 15-19 built from their description: sines at fs/4,
fs/6 and fs/8 whose samples miss the waveform's peak), not to pyloudnorm, whose
K-weighting filter design the loudness module itself uses.

Tolerances are the standard's: +-0.1 LU for integrated loudness, +0.2/-0.4 dB for
true peak (Tech 3341 section 2.2; BS.1770-4 Annex 2 allows a 4x meter to under-read).
"""

from __future__ import annotations

import numpy as np
import pytest

from reaper_ext.analysis.loudness import integrated_loudness
from reaper_ext.analysis.peak import sample_peak_dbfs, true_peak_dbtp

RATE_HZ = 48000


def _stereo_sine(parts: list[tuple[float, float]], *, freq_hz: float = 1000.0) -> np.ndarray:
    """Consecutive 1 kHz stereo sine segments of ``(level_dbfs, seconds)``; level = sine peak, as in Tech 3341."""
    segments = []
    offset = 0
    for level_dbfs, seconds in parts:
        n = int(round(seconds * RATE_HZ))
        t = (offset + np.arange(n)) / RATE_HZ
        segments.append(10 ** (level_dbfs / 20) * np.sin(2 * np.pi * freq_hz * t))
        offset += n
    mono = np.concatenate(segments).astype(np.float32)
    return np.stack([mono, mono], axis=1)


@pytest.mark.parametrize(
    ("signal", "parts"),
    [
        (1, [(-23.0, 20.0)]),
        (2, [(-33.0, 20.0)]),
        (3, [(-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0)]),  # the -36 parts fall under the relative gate
        (4, [(-72.0, 10.0), (-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0), (-72.0, 10.0)]),  # -72: under the absolute gate
        (5, [(-26.0, 20.0), (-20.0, 20.1), (-26.0, 20.0)]),  # all within 10 LU: nothing gated
    ],
)
def test_tech_3341_integrated_loudness(signal, parts):
    expected_lufs = {1: -23.0, 2: -33.0, 3: -23.0, 4: -23.0, 5: -23.0}[signal]
    assert integrated_loudness(_stereo_sine(parts), RATE_HZ) == pytest.approx(expected_lufs, abs=0.1)


def _sine_at(fraction_of_rate: float, phase_deg: float, peak_dbfs: float, seconds: float = 1.0) -> np.ndarray:
    n = int(seconds * RATE_HZ)
    phase = np.deg2rad(phase_deg)
    wave = 10 ** (peak_dbfs / 20) * np.sin(2 * np.pi * fraction_of_rate * np.arange(n) + phase)
    # 10 ms raised-cosine fades: a sine switched on at a non-zero sample really overshoots when
    # reconstructed (and a meter rightly reports it), which is not what these signals test
    n_fade = RATE_HZ // 100
    fade = 0.5 - 0.5 * np.cos(np.pi * np.arange(n_fade) / n_fade)
    wave[:n_fade] *= fade
    wave[-n_fade:] *= fade[::-1]
    return wave.astype(np.float64)[:, None]


@pytest.mark.parametrize(
    ("fraction_of_rate", "phase_deg", "peak_dbfs"),
    [
        (1 / 4, 0.0, -6.0),  # samples land on 0 and on the peaks
        (1 / 4, 45.0, -6.0),  # samples at 0.707 of the peak: sample peak 3 dB low
        (1 / 6, 60.0, -6.0),
        (1 / 8, 67.5, -6.0),
        (1 / 4, 45.0, 0.0),  # a full-scale waveform whose samples never exceed -3 dBFS
    ],
)
def test_tech_3341_true_peak(fraction_of_rate, phase_deg, peak_dbfs):
    signal = _sine_at(fraction_of_rate, phase_deg, peak_dbfs)
    measured = true_peak_dbtp(signal, RATE_HZ)
    assert peak_dbfs - 0.4 <= measured <= peak_dbfs + 0.2
    # the signals are built so that the sample peak alone would miss it where the phase hides the peak
    if phase_deg == 45.0:
        assert sample_peak_dbfs(signal) == pytest.approx(peak_dbfs - 3.01, abs=0.01)

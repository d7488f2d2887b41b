"""A capped spectral denoiser learned from a track's gaps, and the guardrail that checks it.

Gain: the Wiener gain ``xi / (1 + xi)`` with the a-priori SNR ``xi`` from the
decision-directed estimate (Ephraim & Malah, "Speech enhancement using a
minimum mean-square error short-time spectral amplitude estimator", IEEE TASSP
32(6), 1984; the Wiener form as in Scalart & Vieira Filho, "Speech
enhancement based on a priori signal to noise estimation", ICASSP 1996), with
the noise spectrum measured in the gaps only (:mod:`reaper_ext.cleanup.profile`).
The gain never goes under ``-max_reduction_db`` (6-12 dB): a hard cap, so the
worst case is a quieter noise floor, never a hollow or "underwater" sound; it
is smoothed over 3 bins and follows the previous frame (the decision-directed
recursion), which keeps "musical noise" down.

Guardrail: on the active frames, each band's level after the clean-up is
compared with the band's *signal* level before it (its power less the
measured noise power in the band). If presence (2-5 kHz) loses more than
1 dB or air (10-20 kHz) more than 1.5 dB, the cap is lowered by 3 dB and the
check repeated; below 3 dB nothing is suggested.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reaper_ext.cleanup.profile import HOP, N_FFT, NoiseProfile
from reaper_ext.cleanup.stft import istft, stft

__all__ = ["wiener_gains", "denoise_spectrum", "band_change_db", "GuardrailResult", "denoise_with_guardrail", "BANDS_HZ", "analyse", "render"]

BANDS_HZ = {"presence": (2000.0, 5000.0), "air": (10000.0, 20000.0)}
LIMITS_DB = {"presence": 1.0, "air": 1.5}
_DD_ALPHA = 0.98  # Ephraim & Malah's smoothing constant


def wiener_gains(power: np.ndarray, noise_psd: np.ndarray, max_reduction_db: float, *, oversubtract: float = 1.0) -> np.ndarray:
    """Per-frame, per-bin gains (decision-directed Wiener, floored at ``-max_reduction_db``)."""
    floor = 10.0 ** (-max_reduction_db / 20.0)
    noise = np.maximum(noise_psd * oversubtract, 1e-20)
    gamma = power / noise[None, :]
    gains = np.empty_like(power)
    previous = np.ones(power.shape[1])
    previous_gamma = np.ones(power.shape[1])
    kernel = np.array([0.25, 0.5, 0.25])
    for t in range(power.shape[0]):
        xi = _DD_ALPHA * previous**2 * previous_gamma + (1.0 - _DD_ALPHA) * np.maximum(gamma[t] - 1.0, 0.0)
        gain = xi / (1.0 + xi)
        gain = np.convolve(gain, kernel, mode="same")
        gain[0], gain[-1] = gain[1], gain[-2]
        gain = np.maximum(gain, floor)
        gains[t] = gain
        previous, previous_gamma = gain, gamma[t]
    return gains


def denoise_spectrum(spectrum: np.ndarray, profile: NoiseProfile, max_reduction_db: float) -> np.ndarray:
    """The spectrum with the capped gains applied."""
    return spectrum * wiener_gains(np.abs(spectrum) ** 2, profile.noise_psd, max_reduction_db)


def band_change_db(before: np.ndarray, after: np.ndarray, noise_psd: np.ndarray, frames: np.ndarray, sample_rate_hz: float) -> dict[str, float]:
    """Level change of the signal in each guarded band over ``frames`` (dB; negative = lost)."""
    freqs = np.fft.rfftfreq(N_FFT, 1.0 / sample_rate_hz)
    out = {}
    for name, (low, high) in BANDS_HZ.items():
        band = (freqs >= low) & (freqs < min(high, sample_rate_hz / 2))
        if not band.any() or not frames.any():
            out[name] = 0.0
            continue
        p_before = float(np.mean(np.abs(before[np.ix_(frames, band)]) ** 2))
        p_after = float(np.mean(np.abs(after[np.ix_(frames, band)]) ** 2))
        signal = max(p_before - float(np.mean(noise_psd[band])), 0.1 * p_before, 1e-20)
        out[name] = float(10 * np.log10(max(p_after, 1e-20) / signal))
    return out


@dataclass
class GuardrailResult:
    """What the guardrail settled on."""

    max_reduction_db: float | None  # None: nothing passes
    changes_db: dict[str, float]
    tried: list[tuple[float, dict[str, float]]]
    spectrum: np.ndarray | None  # the cleaned spectrum at the chosen cap


def denoise_with_guardrail(
    spectrum: np.ndarray, profile: NoiseProfile, *, max_reduction_db: float = 12.0, min_reduction_db: float = 3.0, step_db: float = 3.0
) -> GuardrailResult:
    """Denoise at the highest cap (from ``max_reduction_db`` down) that keeps presence and air."""
    frames = profile.active_mask if profile.active_mask is not None and profile.active_mask.any() else np.ones(spectrum.shape[0], bool)
    tried = []
    cap = max_reduction_db
    while cap >= min_reduction_db - 1e-9:
        cleaned = denoise_spectrum(spectrum, profile, cap)
        changes = band_change_db(spectrum, cleaned, profile.noise_psd, frames, profile.sample_rate_hz)
        tried.append((cap, changes))
        if all(changes[name] >= -LIMITS_DB[name] for name in LIMITS_DB):
            return GuardrailResult(cap, changes, tried, cleaned)
        cap -= step_db
    return GuardrailResult(None, tried[-1][1] if tried else {}, tried, None)


def render(spectrum: np.ndarray, length: int) -> np.ndarray:
    """Samples of a (cleaned) spectrum, ``length`` long, aligned with the source."""
    return istft(spectrum, N_FFT, HOP, length)


def analyse(mono: np.ndarray) -> np.ndarray:
    """The clean-up's STFT of a mono signal."""
    return stft(mono, N_FFT, HOP)

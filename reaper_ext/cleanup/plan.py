"""Decide whether a track needs a clean-up, say why in numbers, and render it.

:func:`plan_cleanup` measures (noise profile, clicks, hum), runs the capped
denoiser under the guardrail and decides; :func:`render_cleanup` applies the
plan to every channel (clicks repaired, then the capped gains), and
:func:`write_cleaned` writes it beside its source, same rate, same sample
format, same length, so a take pointing at it lines up sample for sample.
Hum is never rendered: it stays a ReaEQ notch suggestion at the measured
frequency (:mod:`reaper_ext.cleanup.hum`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from reaper_ext.analysis.activity import active_regions, inactive_regions
from reaper_ext.cleanup.clicks import find_clicks, repair_clicks
from reaper_ext.cleanup.config import CleanupSettings
from reaper_ext.cleanup.denoise import GuardrailResult, analyse, denoise_spectrum, denoise_with_guardrail, render
from reaper_ext.cleanup.hum import HumMeasure, measure_hum
from reaper_ext.cleanup.profile import NoiseProfile, measure_noise
from reaper_ext.errors import MediaError

__all__ = ["CleanupSettings", "CleanupPlan", "plan_cleanup", "render_cleanup", "write_cleaned"]


@dataclass
class CleanupPlan:
    """What the clean-up found and what it suggests."""

    profile: NoiseProfile
    clicks: list[tuple[int, int]] = field(default_factory=list)
    hum: HumMeasure | None = None
    guardrail: GuardrailResult | None = None
    denoise: bool = False  # hiss reduction is part of the suggestion
    repair: bool = False  # click repair is part of the suggestion
    why: str = ""

    @property
    def is_suggested(self) -> bool:
        return self.denoise or self.repair

    @property
    def max_reduction_db(self) -> float | None:
        return self.guardrail.max_reduction_db if (self.denoise and self.guardrail) else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "noise": self.profile.to_dict(),
            "n_clicks": len(self.clicks),
            "hum": None if self.hum is None else self.hum.to_dict(),
            "denoise": self.denoise,
            "max_reduction_db": self.max_reduction_db,
            "band_change_db": None if self.guardrail is None else {k: round(v, 2) for k, v in self.guardrail.changes_db.items()},
            "repair_clicks": self.repair,
            "suggested": self.is_suggested,
            "why": self.why,
        }


def _band_text(band: tuple[float, float] | None) -> str:
    if band is None:
        return "broadband"
    return f"hiss {band[0] / 1000:.0f}-{band[1] / 1000:.0f} kHz"


def plan_cleanup(
    mono: np.ndarray, sample_rate_hz: float, settings: CleanupSettings | None = None, *, hum_nominal_hz: float | None = None,
    part_name: str = "the part",
) -> CleanupPlan:
    """Measure a track and decide its clean-up (see the module docstring)."""
    settings = settings or CleanupSettings()
    mono = np.asarray(mono, dtype=np.float64)
    regions = active_regions(mono[:, None].astype(np.float32), sample_rate_hz)
    spectrum = analyse(mono)
    profile = measure_noise(mono, sample_rate_hz, spectrum=spectrum, regions=regions)
    plan = CleanupPlan(profile)
    gaps = inactive_regions(regions, mono.size / sample_rate_hz)
    if hum_nominal_hz:
        plan.hum = measure_hum(mono, sample_rate_hz, hum_nominal_hz, gaps=gaps)
    plan.clicks = find_clicks(mono, sample_rate_hz, threshold=settings.click_threshold)
    plan.repair = len(plan.clicks) >= settings.min_clicks
    floor_text = (f"noise floor {profile.floor_dbfs:.0f} dBFS over {profile.gap_sec:.1f} s of gaps, "
                  f"{_band_text(profile.hiss_band_hz)}, SNR {profile.snr_db:.0f} dB")
    reasons = []
    if profile.floor_dbfs < settings.min_floor_dbfs:
        reasons.append(f"noise floor {profile.floor_dbfs:.0f} dBFS is under {settings.min_floor_dbfs:.0f} dBFS: no hiss to reduce")
    elif profile.snr_db > settings.max_snr_db:
        reasons.append(f"{floor_text}: {profile.snr_db:.0f} dB over the noise needs no denoising")
    elif profile.gap_sec < settings.min_gap_sec:
        reasons.append(f"only {profile.gap_sec:.1f} s of gaps: too little to learn the noise from")
    else:
        plan.guardrail = denoise_with_guardrail(spectrum, profile, max_reduction_db=settings.max_reduction_db,
                                                min_reduction_db=settings.min_reduction_db)
        changes = plan.guardrail.changes_db
        if plan.guardrail.max_reduction_db is None:
            reasons.append(f"{floor_text}; even {settings.min_reduction_db:.0f} dB of reduction would cost "
                           f"{part_name} presence {changes.get('presence', 0):+.1f} dB, air {changes.get('air', 0):+.1f} dB: no denoising")
        else:
            plan.denoise = True
            reasons.append(f"{floor_text}: up to {plan.guardrail.max_reduction_db:.0f} dB reduction; on {part_name}, "
                           f"presence {changes['presence']:+.1f} dB, air {changes['air']:+.1f} dB; "
                           f"{len(profile.breaths)} breaths kept")
    if plan.clicks:
        reasons.append(f"{len(plan.clicks)} clicks" + (" repaired (AR interpolation, only their samples change)" if plan.repair else " (too few to act on)"))
    if plan.hum is not None:
        reasons.append(f"hum at {plan.hum.base_hz:.2f} Hz measured: left to the notch suggestion")
    plan.why = "; ".join(reasons)
    return plan


def render_cleanup(samples: np.ndarray, sample_rate_hz: float, plan: CleanupPlan) -> np.ndarray:
    """The cleaned audio: same shape and dtype family (float64), every channel treated alike.

    Each channel gets its own noise spectrum from the same gap frames, and the
    cap the guardrail settled on for the mono mix.
    """
    x = np.asarray(samples, dtype=np.float64)
    squeeze = x.ndim == 1
    if squeeze:
        x = x[:, None]
    out = np.empty_like(x)
    for channel in range(x.shape[1]):
        y = x[:, channel]
        if plan.repair and plan.clicks:
            y = repair_clicks(y, plan.clicks)
        if plan.denoise and plan.max_reduction_db is not None:
            spectrum = analyse(y)
            profile = plan.profile
            gap = profile.gap_mask if profile.gap_mask is not None and profile.gap_mask.any() else None
            if gap is not None and x.shape[1] > 1:
                power = np.abs(spectrum) ** 2
                frame_level = power.sum(axis=1)
                index = np.flatnonzero(gap)
                quiet = index[np.argsort(frame_level[index])][: max(2, index.size // 2)]
                profile = NoiseProfile(**{**profile.__dict__, "noise_psd": power[quiet].mean(axis=0)})
            y = render(denoise_spectrum(spectrum, profile, plan.max_reduction_db), y.size)
        out[:, channel] = y
    return out[:, 0] if squeeze else out


def write_cleaned(source_path: Path, target_path: Path, plan: CleanupPlan) -> Path:
    """Render ``source_path`` cleaned into ``target_path`` (same rate, subtype and length); returns the target."""
    import soundfile

    try:
        info = soundfile.info(str(source_path))
        audio, rate = soundfile.read(str(source_path), dtype="float64", always_2d=True)
    except (RuntimeError, OSError) as error:
        raise MediaError(f"{source_path}: cannot read ({error})") from None
    cleaned = render_cleanup(audio, rate, plan)
    if info.subtype and info.subtype.startswith("PCM"):
        cleaned = np.clip(cleaned, -1.0, 1.0)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(target_path), cleaned, rate, subtype=info.subtype, format=info.format)
    return target_path

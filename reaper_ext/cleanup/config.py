"""Thresholds of the noise clean-up (all settings, table ``[denoise]``).

Pure Python: the settings loader validates them without importing numpy.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from reaper_ext.errors import SettingsError

__all__ = ["CleanupSettings"]


@dataclass
class CleanupSettings:
    """Thresholds of the clean-up (all settings).

    Attributes
    ----------
    max_reduction_db : float
        The denoiser's hard cap to start from (6-12 dB).
    min_reduction_db : float
        The guardrail lowers the cap in 3 dB steps down to this; under it, nothing is suggested.
    min_floor_dbfs : float
        A gap noise floor under this is inaudible in a mix: no hiss suggestion.
    max_snr_db : float
        A part this far over its floor needs no denoising.
    min_gap_sec : float
        Less gap than this is too little to learn the noise from.
    min_clicks : int
        At least this many clicks make a click repair worth suggesting on its own.
    click_threshold : float
        Prediction-error outliers beyond this many robust spreads are clicks.
    """

    max_reduction_db: float = 12.0
    min_reduction_db: float = 6.0
    min_floor_dbfs: float = -72.0
    max_snr_db: float = 50.0
    min_gap_sec: float = 1.0
    min_clicks: int = 3
    click_threshold: float = 9.0

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> CleanupSettings:
        settings = cls()
        known = {item.name for item in fields(cls)}
        for key, value in (data or {}).items():
            if key not in known:
                raise SettingsError(f"denoise: unknown setting {key!r}; known: {', '.join(sorted(known))}")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SettingsError(f"denoise.{key} must be a number, not {value!r}")
            setattr(settings, key, type(getattr(settings, key))(value))
        if not 6.0 <= settings.max_reduction_db <= 12.0:
            raise SettingsError("denoise.max_reduction_db must be 6-12 dB: a hard cap, not a full gate")
        return settings

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

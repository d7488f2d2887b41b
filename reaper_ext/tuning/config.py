"""Judgement thresholds for the intonation check (all settings).

Defaults follow the issue's definition of *error* against *expression*: a note
is off when its centre is more than 25 cents from its target for more than
150 ms; vibrato (4-8 Hz), scoops and falls (< 150 ms) and passing tones
(< 120 ms) are expression, never flagged nor flattened. 25 cents sits above the
~10-20 cent just-noticeable difference for sung tones held in context
(Vurma & Ross, "Production and perception of musical intervals", Music
Perception 23(4), 2006) while leaving room for ensemble and stylistic looseness.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from reaper_ext.errors import SettingsError

__all__ = ["TuningSettings"]


@dataclass
class TuningSettings:
    """Every threshold of the intonation check.

    Attributes
    ----------
    model : str
        torchcrepe capacity, ``"tiny"`` (default, fast) or ``"full"``.
    off_cents : float
        A note's centre further than this from its target is *off*...
    off_min_sec : float
        ... when the note's body (scoop and fall excluded) lasts longer than this.
    passing_tone_sec : float
        Notes shorter than this are passing tones: never flagged.
    scoop_max_sec : float
        A glide into (scoop) or out of (fall) a note shorter than this is expression.
    vibrato_min_hz, vibrato_max_hz : float
        Periodic pitch movement in this range is vibrato (kept).
    drift_correction : float
        Fraction of a flagged note's linear drift the envelope takes out (0 = none).
    in_tune_cents : float
        The summary's "within +-N cents" figure.
    periodicity_threshold : float
        CREPE confidence a voiced frame needs.
    max_notes_flagged : int
        At most this many markers per track (the worst first).
    guide_track : str
        Name of a track whose MIDI items are the guide ("" = none: the song key, else the nearest semitone).
    """

    model: str = "tiny"
    off_cents: float = 25.0
    off_min_sec: float = 0.15
    passing_tone_sec: float = 0.12
    scoop_max_sec: float = 0.15
    vibrato_min_hz: float = 4.0
    vibrato_max_hz: float = 8.0
    drift_correction: float = 0.5
    in_tune_cents: float = 15.0
    periodicity_threshold: float = 0.5
    max_notes_flagged: int = 50
    guide_track: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> TuningSettings:
        """Settings from a (TOML) table; unknown keys and bad values raise SettingsError."""
        settings = cls()
        known = {item.name: item for item in fields(cls)}
        for key, value in (data or {}).items():
            if key not in known:
                raise SettingsError(f"tuning: unknown setting {key!r}; known: {', '.join(sorted(known))}")
            default = getattr(settings, key)
            if key == "model":
                if value not in ("tiny", "full"):
                    raise SettingsError(f"tuning.model must be \"tiny\" or \"full\", not {value!r}")
            elif isinstance(default, str):
                if not isinstance(value, str):
                    raise SettingsError(f"tuning.{key} must be a string, not {value!r}")
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise SettingsError(f"tuning.{key} must be a non-negative number, not {value!r}")
            setattr(settings, key, type(default)(value))
        return settings

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

"""The :class:`Problem` record every detector returns, and the severity scale."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Problem", "severity_from_excess", "SEVERITIES"]

SEVERITIES = ("low", "medium", "high")


@dataclass(frozen=True)
class Problem:
    """A problem found in a track, over a time range.

    Attributes
    ----------
    kind : str
        ``clipping``, ``silence``, ``silent_item``, ``dc_offset``, ``hum``,
        ``noise_floor``, ``polarity``, ``level_low``, ``level_hot`` or ``sibilance``.
    start_sec, end_sec : float
        Where, relative to the start of the analysed audio.
    severity : str
        ``"low"``, ``"medium"`` or ``"high"``: how far past the threshold.
    measured : dict
        The numbers behind the decision, units in the keys (``peak_dbfs``,
        ``freq_hz``, ``n_clipped_samples``), for the "why" sentence.
    """

    kind: str
    start_sec: float
    end_sec: float
    severity: str
    measured: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: times rounded to ms, floats to 0.01, ``-inf``/``nan`` to None."""
        return {
            "kind": self.kind,
            "start_sec": round(self.start_sec, 3),
            "end_sec": round(self.end_sec, 3),
            "severity": self.severity,
            "measured": {key: _jsonable(value) for key, value in self.measured.items()},
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    number = float(value)
    if not math.isfinite(number):
        return None
    return round(number, 3) if abs(number) < 10 else round(number, 2)


def severity_from_excess(excess: float, medium_at: float, high_at: float) -> str:
    """Map how far a measurement is past its threshold to a severity.

    Parameters
    ----------
    excess : float
        Distance past the threshold (>= 0), in the measurement's unit.
    medium_at, high_at : float
        Excess from which the severity is ``"medium"`` and ``"high"``.
    """
    if excess >= high_at:
        return "high"
    if excess >= medium_at:
        return "medium"
    return "low"

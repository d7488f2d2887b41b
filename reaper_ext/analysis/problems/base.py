"""The :class:`Problem` record every detector returns, and the severity scale."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from reaper_ext.errors import AnalysisError

__all__ = ["Problem", "severity_from_excess", "SEVERITIES", "MEASURED_KEYS"]

SEVERITIES = ("low", "medium", "high")

#: Every problem kind, and the ``measured`` keys its detector must fill: the ones the rules,
#: marker names and the report read. A detector that renames one fails when it makes
#: its Problem (not later, as a marker that says "0 Hz at 0 dBFS").
MEASURED_KEYS: dict[str, frozenset[str]] = {
    "clipping": frozenset({"n_clipped_samples", "clip_level_dbfs"}),
    "silence": frozenset({"peak_dbfs", "duration_sec"}),
    "silent_item": frozenset({"peak_dbfs", "duration_sec", "item_index"}),
    "dc_offset": frozenset({"dc_offset_dbfs"}),
    "hum": frozenset({"freq_hz", "harmonics_hz", "harmonic_numbers", "level_dbfs", "prominence_db"}),
    "noise_floor": frozenset({"floor_dbfs", "gap_sec"}),
    "polarity": frozenset({"correlation", "lag_ms", "partner_track"}),
    "level_low": frozenset({"peak_dbfs", "loudness_lufs"}),
    "level_hot": frozenset({"peak_dbfs", "loudness_lufs"}),
    "sibilance": frozenset({"band_level_dbfs", "excess_db", "low_hz", "high_hz"}),
}


@dataclass(frozen=True)
class Problem:
    """A problem found in a track, over a time range.

    Attributes
    ----------
    kind : str
        ``clipping``, ``silence``, ``silent_item``, ``dc_offset``, ``hum``,
        ``noise_floor``, ``polarity``, ``level_low``, ``level_hot`` or ``sibilance``
        (the keys of :data:`MEASURED_KEYS`).
    start_sec, end_sec : float
        Where, relative to the start of the analysed audio.
    severity : str
        ``"low"``, ``"medium"`` or ``"high"``: how far past the threshold.
    measured : dict
        The numbers behind the decision, units in the keys (``peak_dbfs``,
        ``freq_hz``, ``n_clipped_samples``), for the "why" sentence; at least the
        keys :data:`MEASURED_KEYS` lists for the kind.
    """

    kind: str
    start_sec: float
    end_sec: float
    severity: str
    measured: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        required = MEASURED_KEYS.get(self.kind)
        if required is None:
            raise AnalysisError(f"unknown problem kind {self.kind!r}: one of {', '.join(MEASURED_KEYS)}")
        if self.severity not in SEVERITIES:
            raise AnalysisError(f"{self.kind} problem: severity {self.severity!r} is not one of {', '.join(SEVERITIES)}")
        missing = required - set(self.measured)
        if missing:
            raise AnalysisError(f"{self.kind} problem lacks measured {', '.join(sorted(missing))}: "
                                "a detector and MEASURED_KEYS disagree (a bug, please report it)")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: times rounded to ms, floats to 0.01, ``-inf``/``nan`` to None."""
        return {
            "kind": self.kind,
            "start_sec": round(self.start_sec, 3),
            "end_sec": round(self.end_sec, 3),
            "severity": self.severity,
            "measured": {key: _jsonable(value) for key, value in self.measured.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        """Read :meth:`to_dict`'s form back (levels that were ``-inf`` stay None in ``measured``).

        Raises
        ------
        AnalysisError
            An unknown kind or severity, or a ``measured`` without the keys of its kind.
        KeyError, TypeError, ValueError
            ``data`` is not a problem's dict.
        """
        return cls(
            kind=str(data["kind"]),
            start_sec=float(data["start_sec"]),
            end_sec=float(data["end_sec"]),
            severity=str(data["severity"]),
            measured=dict(data.get("measured") or {}),
        )

    def shifted(self, offset_sec: float) -> Problem:
        """Return the same problem ``offset_sec`` later (times rounded to ms, as in :meth:`to_dict`)."""
        return replace(self, start_sec=round(self.start_sec + offset_sec, 3), end_sec=round(self.end_sec + offset_sec, 3))

    def normalised(self) -> Problem:
        """Return the problem as its JSON form holds it: what a cache or job file gives back."""
        return Problem.from_dict(self.to_dict())


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

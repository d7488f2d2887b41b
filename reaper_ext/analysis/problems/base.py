"""The :class:`Problem` record every detector returns, and the severity scale."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict, TypeVar, cast

from reaper_ext.errors import AnalysisError

__all__ = [
    "Problem", "severity_from_excess", "SEVERITIES", "MEASURED_KEYS", "MEASURED_TYPES",
    "ClippingMeasured", "SilenceMeasured", "SilentItemMeasured", "DcOffsetMeasured", "HumMeasured",
    "NoiseFloorMeasured", "PolarityMeasured", "LevelMeasured", "SibilanceMeasured",
]

SEVERITIES = ("low", "medium", "high")

# What each kind's ``measured`` holds: at least these keys (a detector may add more), units
# in the names; None where the JSON form holds None (``-inf``: silence). The rules, marker
# names and the report read them through :meth:`Problem.measured_as`, so a misspelt key is a
# type error (mypy); a detector that renames one fails when it makes its Problem.
class ClippingMeasured(TypedDict):
    """``clipping``: how many samples sit at the clip level, and that level."""

    n_clipped_samples: int
    clip_level_dbfs: float | None


class SilenceMeasured(TypedDict):
    """``silence``: the whole track's sample peak (None: digital zero) and its length."""

    peak_dbfs: float | None
    duration_sec: float


class SilentItemMeasured(SilenceMeasured):
    """``silent_item``: as ``silence``, for the item at ``item_index`` in the track's spans."""

    item_index: int


class DcOffsetMeasured(TypedDict):
    """``dc_offset``: the worst channel's offset."""

    dc_offset_dbfs: float | None


class HumMeasured(TypedDict):
    """``hum``: the mains base, the harmonics found (Hz and their numbers), level and prominence."""

    freq_hz: float
    harmonics_hz: list[float]
    harmonic_numbers: list[int]
    level_dbfs: float | None
    prominence_db: float


class NoiseFloorMeasured(TypedDict):
    """``noise_floor``: the noise level in a gap between phrases, and the gap's length."""

    floor_dbfs: float | None
    gap_sec: float


class PolarityMeasured(TypedDict):
    """``polarity``: correlation with the partner track (its GUID) at a lag."""

    correlation: float
    lag_ms: float
    partner_track: str
    band_correlations: list[float]
    co_activity: float  # shared loud frames over frames loud in either (the partner chosen has the most)


class LevelMeasured(TypedDict):
    """``level_low`` and ``level_hot``: the track's peak and loudness."""

    peak_dbfs: float | None
    loudness_lufs: float | None


class SibilanceMeasured(TypedDict):
    """``sibilance``: the sibilance band, its level and how far it stands over the voice."""

    band_level_dbfs: float | None
    excess_db: float | None
    low_hz: float
    high_hz: float


#: Every problem kind and the type of its ``measured``.
MEASURED_TYPES: dict[str, type] = {
    "clipping": ClippingMeasured,
    "silence": SilenceMeasured,
    "silent_item": SilentItemMeasured,
    "dc_offset": DcOffsetMeasured,
    "hum": HumMeasured,
    "noise_floor": NoiseFloorMeasured,
    "polarity": PolarityMeasured,
    "level_low": LevelMeasured,
    "level_hot": LevelMeasured,
    "sibilance": SibilanceMeasured,
}
#: Every problem kind, and the ``measured`` keys its detector must fill (from :data:`MEASURED_TYPES`).
MEASURED_KEYS: dict[str, frozenset[str]] = {
    kind: frozenset(typed.__required_keys__) for kind, typed in MEASURED_TYPES.items()  # type: ignore[attr-defined]
}
_T = TypeVar("_T")


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

    def measured_as(self, typed: type[_T]) -> _T:
        """Return ``measured`` as the type of this kind's numbers (e.g. ``problem.measured_as(HumMeasured)``).

        Raises
        ------
        AnalysisError
            ``typed`` is not the type of this problem's kind (a rule read the wrong kind).
        """
        if MEASURED_TYPES[self.kind] is not typed:
            raise AnalysisError(f"a {self.kind} problem's measured is a {MEASURED_TYPES[self.kind].__name__}, "
                                f"not a {getattr(typed, '__name__', typed)}")
        return cast(_T, self.measured)

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

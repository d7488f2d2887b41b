"""Plain data describing one stock REAPER plug-in with its settings.

An :class:`FxSpec` is what the suggestion engine produces and what both session
backends consume: the ``.RPP`` writer turns it into the lines REAPER saves
(:mod:`reaper_ext.fx.rpp_block`), the live backend into ReaScript calls
(:mod:`reaper_ext.fx.live_params`). Nothing here knows about REAPER handles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from reaper_ext.errors import SuggestionError

__all__ = [
    "EQ_KINDS",
    "EqBand",
    "FxSpec",
    "bw_oct_to_q",
    "q_to_bw_oct",
    "db_to_gain",
    "gain_to_db",
    "is_jsfx",
]

#: Band kinds an :class:`EqBand` can have (ReaEQ names them in its type menu).
EQ_KINDS = ("highpass", "lowpass", "low_shelf", "high_shelf", "band", "notch", "allpass", "bandpass")

# The quietest level REAPER stores for "off" (-150 dB, e.g. ReaComp's Dry).
_MIN_GAIN = 10.0 ** (-150.0 / 20.0)


def db_to_gain(gain_db: float) -> float:
    """Convert decibels to a linear amplitude factor (``10^(dB/20)``)."""
    return 10.0 ** (gain_db / 20.0)


def gain_to_db(gain: float) -> float:
    """Convert a linear amplitude factor to decibels; zero and below read as -150 dB."""
    return 20.0 * math.log10(max(gain, _MIN_GAIN))


def q_to_bw_oct(q: float) -> float:
    """Bandwidth in octaves of a peaking filter with quality factor ``q``.

    Uses the analogue-prototype relation of the RBJ Audio EQ Cookbook,
    ``1/Q = 2 sinh(ln(2)/2 * BW)``. ReaEQ's exact definition is not published:
    treat this as the convention, not as a measurement of ReaEQ.
    """
    if q <= 0:
        raise SuggestionError(f"EQ band Q must be > 0, got {q!r}")
    return 2.0 / math.log(2.0) * math.asinh(1.0 / (2.0 * q))


def bw_oct_to_q(bw_oct: float) -> float:
    """Quality factor of a peaking filter ``bw_oct`` octaves wide (inverse of :func:`q_to_bw_oct`)."""
    if bw_oct <= 0:
        raise SuggestionError(f"EQ bandwidth must be > 0 octaves, got {bw_oct!r}")
    return 1.0 / (2.0 * math.sinh(math.log(2.0) / 2.0 * bw_oct))


def is_jsfx(plugin: str) -> bool:
    """Whether ``plugin`` names a JSFX (``"JS:path"`` or a bare ``"folder/name"`` path)."""
    return plugin.startswith("JS:") or "/" in plugin


@dataclass
class EqBand:
    """One band of an equaliser.

    Parameters
    ----------
    kind : str
        One of :data:`EQ_KINDS`.
    freq_hz : float
        Centre or corner frequency.
    gain_db : float
        Boost (+) or cut (-); ignored by REAPER for pass and notch filters but stored.
    q : float or None
        Quality factor; give either ``q`` or ``bw_oct``.
    bw_oct : float or None
        Bandwidth in octaves (what ReaEQ stores).
    enabled : bool
        Whether the band is switched on inside the EQ.
    """

    kind: str
    freq_hz: float
    gain_db: float = 0.0
    q: float | None = None
    bw_oct: float | None = None
    enabled: bool = True

    def bandwidth_oct(self) -> float:
        """Return the band's width in octaves, from ``bw_oct`` or converted from ``q``."""
        if self.bw_oct is not None:
            return self.bw_oct
        if self.q is not None:
            return q_to_bw_oct(self.q)
        raise SuggestionError(f"EQ band at {self.freq_hz} Hz has neither q nor bw_oct: give one")

    def quality(self) -> float:
        """Return the band's Q, from ``q`` or converted from ``bw_oct``."""
        if self.q is not None:
            return self.q
        return bw_oct_to_q(self.bandwidth_oct())


@dataclass
class FxSpec:
    """One plug-in to insert, with its settings.

    Parameters
    ----------
    plugin : str
        ``"ReaEQ"``, ``"ReaComp"``, or a JSFX as ``"JS:folder/name"``. (``"ReaGate"``
        and ``"ReaXcomp"`` are recognised names whose saved state is not yet
        written: see ``docs/fx.md``.)
    params : dict of str to float
        Settings with their unit in the key (``threshold_db``, ``ratio``,
        ``attack_ms``...). For a JSFX: ``slider1`` .. ``slider64``.
    custom_name : str or None
        The name shown in the FX chain instead of the plug-in's own.
    bypassed : bool
        Suggestions arrive switched off, so this defaults to True.
    bands : list of EqBand
        ReaEQ only: the bands, in order.
    """

    plugin: str
    params: dict[str, float] = field(default_factory=dict)
    custom_name: str | None = None
    bypassed: bool = True
    bands: list[EqBand] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-able form (what a Suggestion's ``params["fx"]`` holds)."""
        return {
            "plugin": self.plugin,
            "params": dict(self.params),
            "custom_name": self.custom_name,
            "bypassed": self.bypassed,
            "bands": [
                {"kind": band.kind, "freq_hz": band.freq_hz, "gain_db": band.gain_db, "q": band.quality(), "enabled": band.enabled}
                for band in self.bands
            ],
        }

    @classmethod
    def from_dict(cls, data: dict) -> FxSpec:
        """Inverse of :meth:`to_dict`."""
        return cls(
            plugin=data["plugin"],
            params=dict(data.get("params", {})),
            custom_name=data.get("custom_name"),
            bypassed=bool(data.get("bypassed", True)),
            bands=[
                EqBand(band["kind"], float(band["freq_hz"]), float(band.get("gain_db", 0.0)), q=band.get("q"),
                       bw_oct=band.get("bw_oct"), enabled=bool(band.get("enabled", True)))
                for band in data.get("bands", [])
            ],
        )

"""Helpers shared by the rules: a track's label and spectrum, FX names, numbers in words."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from reaper_ext.analysis.measure import TrackMeasurements
from reaper_ext.analysis.problems.base import Problem
from reaper_ext.fx import EqBand, FxSpec
from reaper_ext.labels.model import Label
from reaper_ext.pipeline.results import SessionAnalysis, TrackAnalysis
from reaper_ext.session.model import Project, Track

__all__ = [
    "FX_PREFIX",
    "level_or_none",
    "TrackView",
    "usable_tracks",
    "eq_fx",
    "db",
    "nice_freq_hz",
    "clamp",
]

#: Every FX a rule suggests is named with this prefix, so the user sees it is a suggestion.
FX_PREFIX = "reaper-ext: "


_NOUNS = {"vocals": "vocal", "hihat": "hi-hat", "toms": "tom", "overheads": "overhead", "synth_lead": "synth lead",
          "synth_pad": "synth pad", "fx": "effects track", "other": "track"}


@dataclass(frozen=True)
class TrackView:
    """A track with its analysis, as the rules need it (only tracks with measurements: :func:`usable_tracks`)."""

    track: Track
    result: TrackAnalysis
    measurements: TrackMeasurements

    @property
    def guid(self) -> str:
        return self.track.guid

    @property
    def name(self) -> str:
        return self.track.name

    @property
    def label(self) -> Label | None:
        """The track's label; None when it could not be labelled (e.g. all silence)."""
        return self.result.label

    @property
    def fine_class(self) -> str:
        return "other" if self.result.label is None else self.result.label.fine_class

    @property
    def noun(self) -> str:
        """The class as a noun in a sentence ("vocal", "synth lead")."""
        return _NOUNS.get(self.fine_class, self.fine_class.replace("_", " "))

    @property
    def coarse_class(self) -> str:
        return "other" if self.result.label is None else self.result.label.coarse_class

    @property
    def label_confidence(self) -> float:
        return 0.5 if self.result.label is None else float(self.result.label.confidence)

    def ltas(self) -> tuple[np.ndarray, np.ndarray]:
        """Third-octave centres (Hz) and levels (dB; ``-inf`` where a band is silent)."""
        centres = np.asarray(self.measurements.ltas_centres_hz, dtype=float)
        levels = np.asarray(self.measurements.ltas_level_db, dtype=float)
        return centres, levels

    def problems(self, kind: str) -> list[Problem]:
        """Return the track's problems of one kind (``"hum"``, ``"silence"``...)."""
        return self.result.problems_of(kind)

    @property
    def is_silent(self) -> bool:
        return bool(self.problems("silence"))


def usable_tracks(project: Project, analysis: SessionAnalysis) -> list[TrackView]:
    """Tracks that were analysed without error and have measurements, in project order."""
    views = []
    for track in project.tracks:
        result = analysis.track(track.guid)
        if result is None or result.error is not None or result.measurements is None:
            continue
        views.append(TrackView(track, result, result.measurements))
    return views


def eq_fx(name: str, bands: list[EqBand]) -> dict[str, Any]:
    """Make a bypassed ReaEQ with ``bands``, named ``reaper-ext: <name>``, as a dict."""
    return FxSpec("ReaEQ", custom_name=FX_PREFIX + name, bypassed=True, bands=bands).to_dict()


def level_or_none(value: float | None) -> float | None:
    """Return a level as the JSON form has it: None for ``-inf``/``nan`` (silence, undefined)."""
    return value if value is not None and math.isfinite(value) else None


def db(value: float) -> str:
    """Write a level in words: ``-41 dB``, ``+3.5 dB`` (one decimal below 10)."""
    if not math.isfinite(value):
        return "-inf"
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.1f}"


def nice_freq_hz(freq_hz: float) -> float:
    """Round a frequency to what one would type: 5 Hz steps below 200 Hz, 10 below 1 kHz, 50 above."""
    step = 5.0 if freq_hz < 200 else 10.0 if freq_hz < 1000 else 50.0
    return float(max(step, round(freq_hz / step) * step))


def clamp(value: float, low: float, high: float) -> float:
    """``value`` limited to ``[low, high]``."""
    return float(min(high, max(low, value)))

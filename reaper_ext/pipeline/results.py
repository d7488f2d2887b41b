"""What a session analysis returns: one :class:`TrackAnalysis` per track and the :class:`SessionAnalysis`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ANALYSIS_VERSION", "SessionAnalysis", "TrackAnalysis"]


# Bump when any analysis code changes its results: old cache entries then miss.
ANALYSIS_VERSION = "1"

@dataclass
class TrackAnalysis:
    """What the analysis found on one track (times are project seconds)."""

    index: int
    guid: str
    name: str
    label: dict | None = None
    measurements: dict | None = None
    problems: list[dict] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    error: str | None = None
    start_sec: float = 0.0
    is_cached: bool = False

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "guid": self.guid,
            "name": self.name,
            "label": self.label,
            "measurements": self.measurements,
            "problems": self.problems,
            "messages": self.messages,
            "error": self.error,
            "start_sec": round(self.start_sec, 6),
        }

@dataclass
class SessionAnalysis:
    """The analysis of a whole project."""

    project_path: str | None
    tracks: list[TrackAnalysis]
    tempo_bpm: float | None = None
    key: str | None = None
    sections: list[dict] = field(default_factory=list)
    song: dict = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    elapsed_sec: float = 0.0
    n_tracks_from_cache: int = 0

    def track(self, guid: str) -> TrackAnalysis | None:
        return next((track for track in self.tracks if track.guid == guid), None)

    def to_dict(self) -> dict:
        return {
            "schema_version": 1,
            "analysis_version": ANALYSIS_VERSION,
            "project": self.project_path,
            "tempo_bpm": self.tempo_bpm,
            "key": self.key,
            "sections": self.sections,
            "song": self.song,
            "tracks": [track.to_dict() for track in self.tracks],
            "messages": self.messages,
        }

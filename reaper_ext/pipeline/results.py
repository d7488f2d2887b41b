"""What a session analysis returns: one :class:`TrackAnalysis` per track and the :class:`SessionAnalysis`.

The results stay typed (the detectors' dataclasses) from the analysis through the
rules and the report; JSON only at the edges: ``to_dict``/``from_dict`` here are
the ``analyze --json`` form (:data:`SCHEMA_VERSION`), and the cache keeps a track's
result in the same form (:meth:`TrackAnalysis.cache_dict`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reaper_ext.analysis.measure import TrackMeasurements
from reaper_ext.analysis.problems.base import Problem
from reaper_ext.analysis.song.results import ChordEstimate, Section, SongAnalysis
from reaper_ext.errors import AnalysisError
from reaper_ext.labels.model import Label

__all__ = ["ANALYSIS_VERSION", "SCHEMA_VERSION", "SessionAnalysis", "TrackAnalysis"]


# Bump when any analysis code changes its results: old cache entries then miss.
ANALYSIS_VERSION = "3"  # 2: calibrated labels with their runners-up, 8 kHz polarity copies; 3: the song's chords, tempo octave from the drums, key from bars and bass

#: Version of the JSON form of a session analysis (``analyze --json``, README): bump when its shape changes.
SCHEMA_VERSION = 1


@dataclass
class TrackAnalysis:
    """What the analysis found on one track (times are project seconds).

    ``label`` is None for a track that was not labelled (no audible items, an
    error, or all digital silence); ``measurements`` None when nothing was measured.
    """

    index: int
    guid: str
    name: str
    label: Label | None = None
    measurements: TrackMeasurements | None = None
    problems: list[Problem] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    error: str | None = None
    start_sec: float = 0.0
    is_cached: bool = False

    def problems_of(self, kind: str) -> list[Problem]:
        """Return the problems of one kind (``"hum"``, ``"silence"``...), in time order."""
        return [problem for problem in self.problems if problem.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        """Return the track in the ``analyze --json`` form."""
        return {
            "index": self.index,
            "guid": self.guid,
            "name": self.name,
            "label": None if self.label is None else self.label.to_dict(),
            "measurements": None if self.measurements is None else self.measurements.to_dict(),
            "problems": [problem.to_dict() for problem in self.problems],
            "messages": self.messages,
            "error": self.error,
            "start_sec": round(self.start_sec, 6),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrackAnalysis:
        """Read :meth:`to_dict`'s form back (KeyError, TypeError, ValueError or AnalysisError if it is not one)."""
        return cls(
            index=int(data["index"]), guid=str(data["guid"]), name=str(data["name"]),
            label=None if data.get("label") is None else Label.from_dict(data["label"]),
            measurements=None if data.get("measurements") is None else TrackMeasurements.from_dict(data["measurements"]),
            problems=[Problem.from_dict(problem) for problem in data.get("problems") or []],
            messages=[str(message) for message in data.get("messages") or []],
            error=data.get("error"), start_sec=float(data.get("start_sec", 0.0)),
        )

    def cache_dict(self) -> dict[str, Any]:
        """Return what the cache keeps of an analysed track (its JSON form, without index, GUID and name)."""
        data = self.to_dict()
        return {key: data[key] for key in ("label", "measurements", "problems", "messages", "start_sec")}

    def load_cache_dict(self, data: dict[str, Any]) -> None:
        """Fill this result from :meth:`cache_dict`'s form, marked as cached.

        Raises
        ------
        AnalysisError
            The entry is not a track result of this version (a damaged cache file).
        """
        try:
            read = TrackAnalysis.from_dict({"index": self.index, "guid": self.guid, "name": self.name, **data})
        except (KeyError, TypeError, ValueError, AnalysisError) as error:
            raise AnalysisError(f"cached result of track {self.name!r} is unreadable ({type(error).__name__}: {error})") from None
        self.label, self.measurements, self.problems = read.label, read.measurements, read.problems
        self.messages, self.start_sec, self.is_cached = read.messages, read.start_sec, True


@dataclass
class SessionAnalysis:
    """The analysis of a whole project; tempo, key, sections and chords come from ``song``."""

    project_path: str | None
    tracks: list[TrackAnalysis]
    song: SongAnalysis | None = None
    messages: list[str] = field(default_factory=list)
    elapsed_sec: float = 0.0
    n_tracks_from_cache: int = 0

    @property
    def tempo_bpm(self) -> float | None:
        """The mix's tempo, None when the song was not analysed."""
        return None if self.song is None else self.song.tempo.bpm

    @property
    def key(self) -> str | None:
        """The mix's key in words (``"F# minor"``), None when the song was not analysed."""
        return None if self.song is None else self.song.key.name

    @property
    def sections(self) -> list[Section]:
        """The song's sections, none when the song was not analysed."""
        return [] if self.song is None else list(self.song.sections)

    @property
    def chords(self) -> list[ChordEstimate]:
        """The chord of every bar of the song, none when the song was not analysed."""
        return [] if self.song is None else list(self.song.chords)

    def track(self, guid: str) -> TrackAnalysis | None:
        """Return the result of the track with ``guid``, None if it was not analysed."""
        return next((track for track in self.tracks if track.guid == guid), None)

    def to_dict(self) -> dict[str, Any]:
        """Return the ``analyze --json`` form (README, schema version :data:`SCHEMA_VERSION`), without the suggestions."""
        song = {} if self.song is None else self.song.to_dict()
        return {
            "schema_version": SCHEMA_VERSION,
            "analysis_version": ANALYSIS_VERSION,
            "project": self.project_path,
            "tempo_bpm": song.get("tempo_bpm"),
            "key": song.get("key"),
            "sections": song.get("sections", []),
            "chords": song.get("chords", []),
            "song": song,
            "tracks": [track.to_dict() for track in self.tracks],
            "messages": self.messages,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionAnalysis:
        """Read :meth:`to_dict`'s form back.

        Raises
        ------
        AnalysisError
            Another schema version, or not a session analysis.
        """
        if data.get("schema_version") != SCHEMA_VERSION:
            raise AnalysisError(f"analysis JSON has schema version {data.get('schema_version')!r}; "
                                f"this reaper-ext reads version {SCHEMA_VERSION}: analyse the project again")
        try:
            return cls(
                project_path=data.get("project"),
                tracks=[TrackAnalysis.from_dict(track) for track in data["tracks"]],
                song=SongAnalysis.from_dict(data["song"]) if data.get("song") else None,
                messages=[str(message) for message in data.get("messages") or []],
            )
        except (KeyError, TypeError, ValueError) as error:
            raise AnalysisError(f"not a reaper-ext analysis ({type(error).__name__}: {error})") from None

"""One track's analysis job: read, label, measure, find problems, and keep the copies the session needs.

Runs in a worker process when there are several tracks: its :class:`TrackOutcome`
crosses the process boundary by pickle, results typed, audio as arrays (or files).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from reaper_ext.analysis.measure import TrackMeasurements
from reaper_ext.analysis.problems.base import Problem
from reaper_ext.audio.mixdown import block_means, to_mono
from reaper_ext.errors import AnalysisError, MediaError
from reaper_ext.labels.classes import CLOSE_DRUM_CLASSES
from reaper_ext.labels.model import Label
from reaper_ext.session.model import Track

__all__ = ["SessionCopies", "TrackOutcome", "analyse_audio", "analyse_one", "session_copies"]



@dataclass
class SessionCopies:
    """What the cross-track analyses need of a track: its mono at its own rate (for the mix) and its polarity copy.

    ``mono`` is the path of a ``.npy`` file instead of the array when a worker spilled it
    (a worker's pipe moves tens of megabytes far slower than a file write does).
    """

    mono: np.ndarray | str
    rate_hz: int
    polarity: np.ndarray


@dataclass
class TrackOutcome:
    """Everything one track's job found (problems in project time), or the ``error`` that stopped it."""

    label: Label | None = None
    measurements: TrackMeasurements | None = None
    problems: list[Problem] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    start_sec: float = 0.0
    copies: SessionCopies | None = None  # None for long (windowed) tracks and errors
    error: str | None = None


def _is_silent(samples: np.ndarray) -> bool:
    """Whether the whole track is under the silence detector's threshold (it then reports ``silence``)."""
    from reaper_ext.analysis.problems.silence import SILENT_PEAK_DBFS
    from reaper_ext.analysis.validate import amplitude_to_db

    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    return bool(amplitude_to_db(peak) < SILENT_PEAK_DBFS)


def analyse_audio(
    samples: np.ndarray, sample_rate_hz: int, name: str, item_spans_sec: Sequence[tuple[float, float]]
) -> tuple[Label | None, TrackMeasurements, list[Problem]]:
    """Label, measure and find the problems of one stretch of a track (times from its first sample).

    The results are normalised to the precision of their JSON form (``normalised()``),
    so a fresh result equals one read back from the cache. A track of digital
    silence (or under the silence threshold) that the labeller refuses gets no
    label and is still measured: its ``silence`` problem is the finding.

    Raises
    ------
    AnalysisError
        The audio can't be labelled (too short, not finite) and is not silent.
    """
    from reaper_ext.analysis.measure import analyse_track
    from reaper_ext.labels import classify_track
    from reaper_ext.labels.doubt import is_confident

    label: Label | None
    try:
        label = classify_track(samples, sample_rate_hz, track_name=name).normalised()
    except AnalysisError:
        if not _is_silent(samples):
            raise
        label = None
    is_voice = label is not None and label.coarse_class == "vocals"
    confident_class = label.fine_class if label is not None and is_confident(label.confidence) else None
    # a confident "fx" label: risers and noise sweeps play noise, a noise floor in their quiet parts is content
    is_noise_content = confident_class == "fx"
    # a confident close drum mic: between its hits is the kit's bleed, not a noise floor
    is_close_drum = confident_class in CLOSE_DRUM_CLASSES
    measurements, problems = analyse_track(samples, sample_rate_hz, is_voice=is_voice, is_noise_content=is_noise_content,
                                           is_close_drum=is_close_drum,
                                           item_spans_sec=item_spans_sec)
    return label, measurements.normalised(), [problem.normalised() for problem in problems]


def analyse_one(track: Track, spill_dir: str | None = None) -> TrackOutcome:
    """Everything one track needs: run in a worker process when there are several.

    Long tracks (:data:`~reaper_ext.pipeline.windows.LONG_TRACK_SEC`) are analysed in
    windows and have no session copies. With ``spill_dir``, the mono copy is saved
    to a ``.npy`` file there and its path handed back instead.
    """
    from reaper_ext.audio import read_track_audio, track_duration_sec
    from reaper_ext.pipeline.windows import LONG_TRACK_SEC, analyse_long_track

    try:
        duration_sec = track_duration_sec(track)
        if duration_sec > LONG_TRACK_SEC:
            label, measurements, problems, messages, start_sec = analyse_long_track(track, duration_sec)
            return TrackOutcome(label, measurements, [problem.shifted(start_sec) for problem in problems],
                                messages, start_sec)
        audio = read_track_audio(track)
        label, measurements, problems = analyse_audio(audio.samples, audio.sample_rate_hz, track.name, audio.item_spans_sec)
        messages = list(audio.messages)
        if label is None:
            messages.append("silent (peak under the silence threshold): measured, not labelled")
        copies = session_copies(audio.samples, audio.sample_rate_hz)
        if spill_dir is not None:
            import os
            import uuid

            path = os.path.join(spill_dir, f"{uuid.uuid4().hex}.npy")
            np.save(path, copies.mono)
            copies.mono = path
        return TrackOutcome(label, measurements, [problem.shifted(audio.start_sec) for problem in problems],
                            messages, audio.start_sec, copies)
    except (MediaError, AnalysisError) as error:
        return TrackOutcome(error=str(error))


def session_copies(samples: np.ndarray, sample_rate_hz: int) -> SessionCopies:
    """Make what the cross-track analyses need of a track: its mono (for the mix) and its polarity copy."""
    mono = to_mono(samples)
    return SessionCopies(mono=mono, rate_hz=int(sample_rate_hz), polarity=block_means(mono, int(sample_rate_hz)))

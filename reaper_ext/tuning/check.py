"""Check the intonation of one monophonic part: notes, targets, judgement, correction.

:func:`check_intonation` is the whole pass (pitch tracking included);
:func:`judge_notes` is the part after the pitch track, usable on any track.
The result's :meth:`IntonationResult.to_dict` is the per-track ``intonation``
object of the analysis JSON (docs/tuning.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reaper_ext.tuning.config import TuningSettings
from reaper_ext.tuning.envelope import Correction, envelope_points
from reaper_ext.tuning.notes import NoteShape, describe_note, segment_notes
from reaper_ext.tuning.pitch import PitchTrack, midi_to_hz, track_pitch
from reaper_ext.tuning.targets import (
    ChordSpan,
    GuideNote,
    Target,
    choose_target,
    chord_at,
    note_name,
    scale_pitch_classes,
)

EDGE_SEC = 0.04  # how far a correction reaches past a note's detected edges (envelope.py)
MIN_LEAD_SEC = 0.025

__all__ = ["JudgedNote", "IntonationResult", "judge_notes", "check_intonation", "format_time"]


def format_time(seconds: float) -> str:
    """``m:ss.s`` as the issue's why strings show project times."""
    minutes, rest = divmod(max(0.0, seconds), 60.0)
    return f"{int(minutes)}:{rest:04.1f}"


@dataclass
class JudgedNote:
    """A note, its target, and whether it is off."""

    shape: NoteShape
    target: Target
    centre_cents: float  # centre minus target
    is_flagged: bool
    why: str

    def to_dict(self, *, time_offset_sec: float = 0.0) -> dict[str, Any]:
        s = self.shape
        return {
            "start_sec": round(s.start_sec + time_offset_sec, 3),
            "end_sec": round(s.end_sec + time_offset_sec, 3),
            "target": note_name(self.target.midi),
            "target_midi": self.target.midi,
            "target_source": self.target.source,
            "target_confidence": self.target.confidence,
            "centre_cents": round(self.centre_cents, 1),
            "drift_cents_per_sec": round(s.drift_cents_per_sec, 1),
            "vibrato_rate_hz": None if s.vibrato_rate_hz is None else round(s.vibrato_rate_hz, 2),
            "vibrato_extent_cents": None if s.vibrato_extent_cents is None else round(s.vibrato_extent_cents, 1),
            "scoop_ms": round(s.scoop_sec * 1000.0),
            "scoop_cents": round(s.scoop_cents, 1),
            "fall_ms": round(s.fall_sec * 1000.0),
            "fall_cents": round(s.fall_cents, 1),
            "flagged": self.is_flagged,
            "why": self.why,
        }


@dataclass
class IntonationResult:
    """The intonation of one part."""

    notes: list[JudgedNote] = field(default_factory=list)
    settings: TuningSettings = field(default_factory=TuningSettings)
    target_source: str = "nearest"
    voiced_sec: float = 0.0
    track: PitchTrack | None = field(default=None, repr=False)  # the pitch track the notes came from

    @property
    def flagged(self) -> list[JudgedNote]:
        return [note for note in self.notes if note.is_flagged]

    def held_notes(self) -> list[JudgedNote]:
        """Notes whose body is long enough to be judged."""
        return [note for note in self.notes if note.shape.body_sec >= self.settings.off_min_sec]

    def share_in_tune(self) -> float | None:
        held = self.held_notes()
        if not held:
            return None
        return sum(abs(note.centre_cents) <= self.settings.in_tune_cents for note in held) / len(held)

    def summary(self) -> str:
        held = self.held_notes()
        share = self.share_in_tune()
        if share is None:
            return "no held notes to judge"
        text = (f"{share:.0%} of held notes within ±{self.settings.in_tune_cents:g} cents "
                f"({len(held)} held notes, {len(self.flagged)} off by more than {self.settings.off_cents:g} cents; "
                f"targets from {self.target_source})")
        return text

    def corrections(self) -> list[Correction]:
        """One shift per flagged note (its centre back to target, part of its drift out)."""
        share = self.settings.drift_correction
        out = []
        for n, note in enumerate(self.notes):
            if not note.is_flagged:
                continue
            s = note.shape
            pivot = (s.body_start_sec + s.body_end_sec) / 2
            # room before and after: half the gap to the neighbouring notes, at most EDGE_SEC
            before = s.start_sec - self.notes[n - 1].shape.end_sec if n else EDGE_SEC * 2
            after = self.notes[n + 1].shape.start_sec - s.end_sec if n + 1 < len(self.notes) else EDGE_SEC * 2
            # at least MIN_LEAD_SEC even into a legato neighbour's last frames: the onset is found a frame
            # or two late, and a scoop keeps its shape only if its first cents move with the note
            lead = float(np.clip(before / 2, MIN_LEAD_SEC, EDGE_SEC))
            lag = float(np.clip(after / 2, 0.0, EDGE_SEC))
            out.append(Correction(s.start_sec, s.end_sec, -note.centre_cents, -share * s.drift_cents_per_sec, pivot, lead, lag))
        return out

    def envelope(self, *, offset_sec: float = 0.0) -> list[tuple[float, float]]:
        """Pitch envelope points (seconds from ``offset_sec``, semitones)."""
        return envelope_points(self.corrections(), offset_sec=offset_sec)

    def to_dict(self, *, time_offset_sec: float = 0.0) -> dict[str, Any]:
        share = self.share_in_tune()
        return {
            "model": self.settings.model,
            "target_source": self.target_source,
            "voiced_sec": round(self.voiced_sec, 2),
            "n_notes": len(self.notes),
            "n_held": len(self.held_notes()),
            "n_flagged": len(self.flagged),
            "share_in_tune": None if share is None else round(share, 3),
            "summary": self.summary(),
            "notes": [note.to_dict(time_offset_sec=time_offset_sec) for note in self.notes],
        }


def _why(note: NoteShape, target: Target, centre_cents: float, settings: TuningSettings, time_offset_sec: float) -> str:
    centre_hz = float(midi_to_hz(note.centre_midi))
    target_hz = float(midi_to_hz(target.midi))
    parts = [
        f"{note_name(target.midi)} at {format_time(note.start_sec + time_offset_sec)}, held {note.duration_sec:.1f} s: "
        f"centre {centre_cents:+.0f} cents ({centre_hz:.1f} Hz against {target_hz:.1f} Hz)"
    ]
    if note.vibrato_extent_cents is not None and note.vibrato_rate_hz is not None:
        parts.append(f"vibrato {note.vibrato_rate_hz:.1f} Hz ±{note.vibrato_extent_cents:.0f} cents kept")
    if note.scoop_sec > 0:
        parts.append(f"scoop {note.scoop_sec * 1000:.0f} ms kept")
    if note.fall_sec > 0:
        parts.append(f"fall {note.fall_sec * 1000:.0f} ms kept")
    if target.source.startswith("chord"):
        parts.append(f"target a tone of the bar's {target.source}")
    elif target.source != "guide":
        parts.append(f"target from the {'song key' if target.source == 'key' else 'nearest semitone'}")
    return "; ".join(parts)


def judge_notes(
    track: PitchTrack,
    settings: TuningSettings | None = None,
    *,
    guide: list[GuideNote] | None = None,
    key: str | None = None,
    chords: list[ChordSpan] | None = None,
    time_offset_sec: float = 0.0,
) -> IntonationResult:
    """Segment, decompose and judge the notes of a pitch track.

    Parameters
    ----------
    track : PitchTrack
        The part's pitch.
    settings : TuningSettings, optional
        Thresholds (defaults when None).
    guide : list of GuideNote, optional
        MIDI guide notes in the track's time base (seconds from its start).
    key : str, optional
        The song's key, e.g. ``"A minor"`` (used when there is no guide).
    chords : list of ChordSpan, optional
        The song's chords in the track's time base (used when there is no guide).
    time_offset_sec : float
        Added to times in the why strings (the audio's project position).
    """
    settings = settings or TuningSettings()
    scale = scale_pitch_classes(key) if key and not guide else None
    source = "guide" if guide else ("chords and key" if chords and scale else "chords" if chords else "key" if scale else "nearest")
    result = IntonationResult(settings=settings, target_source=source)
    result.voiced_sec = float(track.voiced.sum() * track.hop_sec)
    result.track = track
    for first, stop in segment_notes(track):
        shape = describe_note(track, first, stop, vibrato_min_hz=settings.vibrato_min_hz, vibrato_max_hz=settings.vibrato_max_hz)
        chord = None if guide else chord_at(chords, shape.start_sec, shape.end_sec)
        target = choose_target(shape.centre_midi, shape.start_sec, shape.end_sec, guide=guide, scale=scale, chord=chord)
        centre_cents = (shape.centre_midi - target.midi) * 100.0
        # glides longer than scoop_max_sec are part of the note's body when judging
        body_sec = shape.body_sec + (shape.scoop_sec if shape.scoop_sec > settings.scoop_max_sec else 0.0) \
            + (shape.fall_sec if shape.fall_sec > settings.scoop_max_sec else 0.0)
        is_flagged = (
            shape.duration_sec >= settings.passing_tone_sec
            and body_sec > settings.off_min_sec
            and abs(centre_cents) > settings.off_cents
        )
        why = _why(shape, target, centre_cents, settings, time_offset_sec)
        result.notes.append(JudgedNote(shape, target, centre_cents, is_flagged, why))
    flagged = sorted(result.flagged, key=lambda note: -abs(note.centre_cents))
    for note in flagged[settings.max_notes_flagged :]:
        note.is_flagged = False
    return result


def check_intonation(
    samples: np.ndarray,
    sample_rate_hz: int,
    settings: TuningSettings | None = None,
    *,
    guide: list[GuideNote] | None = None,
    key: str | None = None,
    chords: list[ChordSpan] | None = None,
    time_offset_sec: float = 0.0,
    n_threads: int | None = None,
) -> IntonationResult:
    """Track the pitch of a monophonic part and judge its notes (see :func:`judge_notes`)."""
    settings = settings or TuningSettings()
    track = track_pitch(samples, sample_rate_hz, model=settings.model,
                        periodicity_threshold=settings.periodicity_threshold, n_threads=n_threads)
    return judge_notes(track, settings, guide=guide, key=key, chords=chords, time_offset_sec=time_offset_sec)

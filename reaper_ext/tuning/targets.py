"""The note each sung note is aiming at.

In order of trust: a MIDI guide (the notes of a MIDI item the user names),
the chord of the bar (a note sung within half a semitone of one of its chord
tones aims at it, even outside the scale: the G# of an E chord in A minor),
the song's key and scale (the nearest scale tone), else the nearest equal-
tempered semitone (low confidence: a note sung 60 cents sharp reads as 40 flat
of the next semitone). Equal temperament at A4 = 440 Hz.
"""

from __future__ import annotations

from dataclasses import dataclass

from reaper_ext.errors import AnalysisError

__all__ = ["Target", "GuideNote", "ChordSpan", "scale_pitch_classes", "chord_pitch_classes", "chord_at", "choose_target",
           "note_name"]

_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_FLAT = {"Db": "C#", "Eb": "D#", "Gb": "F#", "Ab": "G#", "Bb": "A#", "Cb": "B", "Fb": "E", "E#": "F", "B#": "C"}
# Intervals of the scales the key detector names (semitones above the tonic).
SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}
# Chord tones of the qualities the chord recogniser names (reaper_ext.analysis.song.results.ChordEstimate).
CHORD_INTERVALS = {"maj": (0, 4, 7), "min": (0, 3, 7), "dim": (0, 3, 6), "7": (0, 4, 7, 10)}
#: Chords the recogniser is less sure of than this are not used as targets.
MIN_CHORD_CONFIDENCE = 0.5


@dataclass(frozen=True)
class GuideNote:
    """One note of a MIDI guide, in the same time base as the audio."""

    start_sec: float
    end_sec: float
    pitch: int


@dataclass(frozen=True)
class Target:
    """A note's target and how it was found."""

    midi: int
    source: str  # "guide", "chord <name>", "key" or "nearest"
    confidence: float


@dataclass(frozen=True)
class ChordSpan:
    """The chord sounding over a stretch of time (a bar), as pitch classes, in the part's time base."""

    start_sec: float
    end_sec: float
    name: str
    pitch_classes: frozenset[int]


def note_name(midi: int) -> str:
    """Scientific pitch name: 60 -> C4, 64 -> E4."""
    return f"{_NAMES[midi % 12]}{midi // 12 - 1}"


def scale_pitch_classes(key: str) -> frozenset[int]:
    """Pitch classes of a key named like ``"A minor"`` or ``"Eb major"``."""
    parts = key.split()
    if len(parts) != 2 or parts[1].lower() not in SCALES:
        raise AnalysisError(f"key {key!r} is not '<tonic> major|minor'")
    tonic_name = _FLAT.get(parts[0], parts[0])
    if tonic_name not in _NAMES:
        raise AnalysisError(f"key {key!r}: unknown tonic {parts[0]!r}")
    tonic = _NAMES.index(tonic_name)
    return frozenset((tonic + step) % 12 for step in SCALES[parts[1].lower()])


def chord_pitch_classes(root: str, quality: str) -> frozenset[int]:
    """Pitch classes of a chord named by root and quality (``"E"``, ``"maj"`` -> E G# B)."""
    root_name = _FLAT.get(root, root)
    if root_name not in _NAMES or quality not in CHORD_INTERVALS:
        raise AnalysisError(f"chord {root!r} {quality!r}: unknown root or quality")
    return frozenset((_NAMES.index(root_name) + step) % 12 for step in CHORD_INTERVALS[quality])


def chord_at(chords: list[ChordSpan] | None, start_sec: float, end_sec: float) -> ChordSpan | None:
    """The chord that overlaps ``[start_sec, end_sec)`` the most (None without chords)."""
    best, best_overlap = None, 0.0
    for chord in chords or ():
        overlap = min(end_sec, chord.end_sec) - max(start_sec, chord.start_sec)
        if overlap > best_overlap:
            best, best_overlap = chord, overlap
    return best


def choose_target(
    centre_midi: float,
    start_sec: float,
    end_sec: float,
    *,
    guide: list[GuideNote] | None = None,
    scale: frozenset[int] | None = None,
    chord: ChordSpan | None = None,
) -> Target:
    """The target of a note whose centre is ``centre_midi`` and that spans ``[start_sec, end_sec)``.

    ``chord`` is the chord sounding under the note (its source then reads ``"chord <name>"``).
    """
    if guide:
        best, best_overlap = None, 0.0
        for note in guide:
            overlap = min(end_sec, note.end_sec) - max(start_sec, note.start_sec)
            if overlap > best_overlap:
                best, best_overlap = note, overlap
        if best is not None and best_overlap >= 0.3 * (end_sec - start_sec):
            # a guide note an octave off (a guide written for another register) still names the pitch class
            octave_shift = round((centre_midi - best.pitch) / 12.0) * 12
            return Target(best.pitch + octave_shift, "guide", 0.95)
    nearest = int(round(centre_midi))
    if chord is not None and nearest % 12 in chord.pitch_classes:  # aimed at a tone of the chord under it (in the scale or not)
        return Target(nearest, f"chord {chord.name}", 0.75)
    if scale:
        candidates = [m for m in range(nearest - 2, nearest + 3) if m % 12 in scale]
        in_scale = min(candidates, key=lambda m: abs(m - centre_midi))
        # a chromatic note sung close to its semitone is meant (a blue note, a passing chromatic): keep it
        if abs(nearest - centre_midi) < 0.35 and nearest != in_scale:
            return Target(nearest, "nearest", 0.4)
        return Target(in_scale, "key", 0.7)
    return Target(nearest, "nearest", 0.4)

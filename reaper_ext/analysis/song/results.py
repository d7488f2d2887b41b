"""What the song analysis returns: tempo, key, chords, sections (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PITCH_CLASS_NAMES", "TempoEstimate", "KeyEstimate", "ChordEstimate", "Section", "SongAnalysis"]


PITCH_CLASS_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")

@dataclass(frozen=True)
class TempoEstimate:
    """Global tempo of a mix.

    Attributes
    ----------
    bpm : float
        Quarter-note beats per minute, folded into 70-180 BPM where the onset
        periodicity allows.
    confidence : float
        0-1: prominence of the autocorrelation peak at the beat period over the
        median autocorrelation (0: no periodicity, 1: a perfect click track).
    """

    bpm: float
    confidence: float

@dataclass(frozen=True)
class KeyEstimate:
    """Global key of a mix.

    Attributes
    ----------
    tonic : str
        Pitch class, sharps naming (``"C"``, ``"C#"``, ... ``"B"``).
    mode : str
        ``"major"`` or ``"minor"``.
    confidence : float
        0-1: softmax weight of the winning key among the 24 profile correlations
        (temperature 0.05); near 0.5 means the runner-up (often the relative or
        parallel key) fits almost as well.
    correlation : float
        Pearson correlation of the mix's chroma with the winning profile.
    """

    tonic: str
    mode: str
    confidence: float
    correlation: float = 0.0

    @property
    def name(self) -> str:
        """The key in words, e.g. ``"F# minor"``."""
        return f"{self.tonic} {self.mode}"

@dataclass(frozen=True)
class Section:
    """One section of a song.

    Attributes
    ----------
    label : str
        ``"A"``, ``"B"``, ...: sections with the same letter are repeats.
    start_sec, end_sec : float
        Span in the mix; consecutive sections touch and cover the whole mix.
    confidence : float
        0-1: strength of the boundary that starts the section (Foote novelty
        relative to the strongest boundary); 1 for the first section.
    """

    label: str
    start_sec: float
    end_sec: float
    confidence: float

@dataclass(frozen=True)
class ChordEstimate:
    """The chord of one bar.

    Attributes
    ----------
    bar : int
        Bar number, 0-based, on the song's own bar grid (its measured tempo, 4/4,
        the first bar line where the chords change).
    start_sec, end_sec : float
        The bar's span in the mix.
    name : str
        ``"F#m"``, ``"G7"``, ``"Bdim"``, ``"C"``.
    root : str
        Root pitch class, sharps naming.
    quality : str
        ``"maj"``, ``"min"``, ``"dim"`` or ``"7"``.
    confidence : float
        0-1: the chord recogniser's posterior probability of this chord in this bar.
    """

    bar: int
    start_sec: float
    end_sec: float
    name: str
    root: str
    quality: str
    confidence: float

    def to_dict(self) -> dict:
        """Plain JSON-ready form (times to milliseconds)."""
        return {"bar": self.bar, "start_sec": round(self.start_sec, 3), "end_sec": round(self.end_sec, 3),
                "chord": self.name, "root": self.root, "quality": self.quality, "confidence": round(self.confidence, 3)}

    @classmethod
    def from_dict(cls, data: dict) -> ChordEstimate:
        """Read :meth:`to_dict`'s form back (KeyError, TypeError, ValueError if it is not one)."""
        return cls(bar=int(data["bar"]), start_sec=float(data["start_sec"]), end_sec=float(data["end_sec"]),
                   name=str(data["chord"]), root=str(data["root"]), quality=str(data["quality"]),
                   confidence=float(data["confidence"]))


@dataclass(frozen=True)
class SongAnalysis:
    """Tempo, key, sections and the chord of every bar of a mix."""

    tempo: TempoEstimate
    key: KeyEstimate
    sections: list[Section]
    chords: list[ChordEstimate] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain JSON-ready summary (times rounded to milliseconds)."""
        return {
            "tempo_bpm": round(self.tempo.bpm, 2),
            "tempo_confidence": round(self.tempo.confidence, 3),
            "key": self.key.name,
            "key_confidence": round(self.key.confidence, 3),
            "sections": [
                {"label": section.label, "start_sec": round(section.start_sec, 3), "end_sec": round(section.end_sec, 3)}
                for section in self.sections
            ],
            "chords": [chord.to_dict() for chord in self.chords],
        }

    @classmethod
    def from_dict(cls, data: dict) -> SongAnalysis:
        """Read :meth:`to_dict`'s form back.

        That form does not hold the key's profile correlation nor the sections'
        boundary confidences: read back they are ``key_correlation`` and a
        section's ``confidence`` when present, else 0. A form without ``chords``
        (written before they were measured) reads back with none.

        Raises
        ------
        KeyError, TypeError, ValueError
            ``data`` is not a song analysis dict.
        """
        tonic, mode = str(data["key"]).split(" ", 1)
        return cls(
            tempo=TempoEstimate(bpm=float(data["tempo_bpm"]), confidence=float(data["tempo_confidence"])),
            key=KeyEstimate(tonic=tonic, mode=mode, confidence=float(data["key_confidence"]),
                            correlation=float(data.get("key_correlation", 0.0))),
            sections=[Section(label=str(section["label"]), start_sec=float(section["start_sec"]),
                              end_sec=float(section["end_sec"]), confidence=float(section.get("confidence", 0.0)))
                      for section in data["sections"]],
            chords=[ChordEstimate.from_dict(chord) for chord in data.get("chords") or []],
        )

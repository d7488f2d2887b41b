"""What the song analysis returns: tempo, key, sections (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PITCH_CLASS_NAMES", "TempoEstimate", "KeyEstimate", "Section", "SongAnalysis"]


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
class SongAnalysis:
    """Tempo, key and sections of a mix."""

    tempo: TempoEstimate
    key: KeyEstimate
    sections: list[Section]

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
        }

    @classmethod
    def from_dict(cls, data: dict) -> SongAnalysis:
        """Read :meth:`to_dict`'s form back.

        That form does not hold the key's profile correlation nor the sections'
        boundary confidences: read back they are ``key_correlation`` and a
        section's ``confidence`` when present, else 0.

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
        )

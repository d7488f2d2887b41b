"""Align a mix's sections with a reference's by structure, not by time.

Two songs at different tempi, with different arrangements, do not line up in
time; their structures do. Each section letter (from
:func:`reaper_ext.analysis.song.analyze_song`) gets a role:

* **chorus**: the loudest letter (power mean of its sections' momentary loudness,
  relative to the song's integrated loudness) among the letters that repeat
  (the loudest letter if none repeats);
* **verse**: the first letter, in song order, that is not the chorus and repeats
  (an intro plays once), else the first letter that is not the chorus;
* **other** for the rest (bridges, intros, outros).

Sections are then paired role by role, in order: the k-th chorus of the mix with
the k-th chorus of the reference (the last one when the reference has fewer),
and so on. A section whose role the reference lacks is paired with the
reference section nearest in relative position (start / song length).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from reaper_ext.analysis.song.results import Section
from reaper_ext.reference.dynamics import STEP_SEC, LoudnessSeries

__all__ = ["RoledSection", "SectionPair", "section_roles", "align_sections"]

CHORUS, VERSE, OTHER = "chorus", "verse", "other"


@dataclass(frozen=True)
class RoledSection:
    """A section with its role, its number within the role, and its loudness relative to the song (LU)."""

    section: Section
    role: str
    number: int
    relative_lu: float

    @property
    def name(self) -> str:
        """E.g. ``"chorus 2"`` (``"other 1 (C)"`` keeps the letter for the unnamed roles)."""
        base = f"{self.role} {self.number}"
        return base if self.role != OTHER else f"{base} ({self.section.label})"


@dataclass(frozen=True)
class SectionPair:
    """A mix section and the reference section it is compared with."""

    mix: RoledSection
    reference: RoledSection


def _span_lufs(series: LoudnessSeries, start_sec: float, end_sec: float) -> float:
    first = int(start_sec / STEP_SEC)
    last = max(first + 1, int(end_sec / STEP_SEC))
    power = series.step_power[first:last]
    if power.size == 0 or power.mean() <= 0:
        return float("-inf")
    return float(-0.691 + 10 * np.log10(power.mean()))


def section_roles(sections: Sequence[Section], series: LoudnessSeries) -> list[RoledSection]:
    """Give each section a role (see the module docstring)."""
    if not sections:
        return []
    song_power = series.step_power.mean() if series.step_power.size else 0.0
    song_lufs = -0.691 + 10 * np.log10(song_power) if song_power > 0 else 0.0
    loudness = [_span_lufs(series, s.start_sec, s.end_sec) - song_lufs for s in sections]
    letters = [s.label for s in sections]
    by_letter: dict[str, list[float]] = {}
    for letter, value in zip(letters, loudness, strict=True):
        by_letter.setdefault(letter, []).append(value)
    repeated = [letter for letter, values in by_letter.items() if len(values) > 1] or list(by_letter)

    def letter_lu(letter: str) -> float:
        values = np.array(by_letter[letter])
        finite = values[np.isfinite(values)]
        return float(10 * np.log10(np.mean(10 ** (finite / 10)))) if finite.size else float("-inf")

    chorus = max(repeated, key=letter_lu)
    others = [letter for letter in letters if letter != chorus]
    verse = next((letter for letter in others if len(by_letter[letter]) > 1), others[0] if others else None)
    counts: dict[str, int] = {}
    roled = []
    for section, value in zip(sections, loudness, strict=True):
        role = CHORUS if section.label == chorus else VERSE if section.label == verse else OTHER
        counts[role] = counts.get(role, 0) + 1
        roled.append(RoledSection(section, role, counts[role], float(value)))
    return roled


def align_sections(mix: Sequence[RoledSection], reference: Sequence[RoledSection]) -> list[SectionPair]:
    """Pair each mix section with a reference section by role and order (see the module docstring)."""
    if not mix or not reference:
        return []
    mix_end = max(r.section.end_sec for r in mix) or 1.0
    ref_end = max(r.section.end_sec for r in reference) or 1.0
    pairs = []
    for item in mix:
        same_role = [r for r in reference if r.role == item.role]
        if same_role:
            match = same_role[min(item.number, len(same_role)) - 1]
        else:
            position = item.section.start_sec / mix_end
            candidates = [r for r in reference if r.role != CHORUS] or list(reference)
            match = min(candidates, key=lambda r: abs(r.section.start_sec / ref_end - position))
        pairs.append(SectionPair(item, match))
    return pairs

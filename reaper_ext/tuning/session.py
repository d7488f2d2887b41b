"""The intonation check of a project's tracks: per item, a ``tuning`` suggestion and a marker per off note.

The suggestion (kind ``tuning``) is a bypassed take pitch envelope on the
item's active take that moves only the flagged notes' centres
(:mod:`reaper_ext.session.rpp.takes`); each flagged note also gets a
``marker`` suggestion at its start whose name is the note's why. The per-track
``intonation`` result (notes, summary) goes into the analysis JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from reaper_ext.errors import ReaperExtError
from reaper_ext.tuning.check import IntonationResult, check_intonation
from reaper_ext.tuning.config import TuningSettings
from reaper_ext.tuning.item_audio import item_skip_reason, read_item_audio
from reaper_ext.tuning.targets import ChordSpan, GuideNote

__all__ = ["TrackIntonation", "check_track", "tuning_suggestions"]
_MARKER_NAME_CHARS = 200


@dataclass
class TrackIntonation:
    """One track's check: a result per checked item, and what was skipped."""

    track_guid: str
    track_name: str
    items: list[tuple[Any, IntonationResult]] = field(default_factory=list)  # (session.model.Item, result)
    messages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        notes, held, in_tune, flagged = [], 0, 0, 0
        for item, result in self.items:
            data = result.to_dict(time_offset_sec=item.position_sec)
            notes += [{**note, "item_guid": item.guid} for note in data["notes"]]
            held += data["n_held"]
            flagged += data["n_flagged"]
            share = result.share_in_tune()
            in_tune += round((share or 0.0) * data["n_held"])
        settings = self.items[0][1].settings if self.items else TuningSettings()
        summary = (f"{in_tune / held:.0%} of held notes within ±{settings.in_tune_cents:g} cents "
                   f"({held} held notes, {flagged} flagged)") if held else "no held notes to judge"
        return {"summary": summary, "n_notes": len(notes), "n_held": held, "n_flagged": flagged,
                "model": settings.model, "notes": notes, "messages": self.messages}


def check_track(
    track, settings: TuningSettings | None = None, *, guide: list[GuideNote] | None = None, key: str | None = None,
    chords: list[ChordSpan] | None = None, item_guids: set[str] | None = None, n_threads: int | None = None,
) -> TrackIntonation:
    """Check every audible item of ``track`` (or those in ``item_guids``).

    ``guide`` notes and ``chords`` are in project seconds; each item gets the part
    under it, moved to the item's own time base.
    """
    settings = settings or TuningSettings()
    out = TrackIntonation(track.guid, track.name)
    for item in track.items:
        if item_guids is not None and item.guid not in item_guids:
            continue
        reason = item_skip_reason(item)
        if reason:
            out.messages.append(f"item at {item.position_sec:.2f} s not checked: {reason}")
            continue
        try:
            samples, rate = read_item_audio(item)
        except ReaperExtError as error:
            out.messages.append(f"item at {item.position_sec:.2f} s not checked: {error}")
            continue
        item_guide = None
        if guide:
            item_guide = [GuideNote(n.start_sec - item.position_sec, n.end_sec - item.position_sec, n.pitch)
                          for n in guide if n.end_sec > item.position_sec and n.start_sec < item.end_sec]
        item_chords = [replace(c, start_sec=c.start_sec - item.position_sec, end_sec=c.end_sec - item.position_sec)
                       for c in chords or () if c.end_sec > item.position_sec and c.start_sec < item.end_sec]
        result = check_intonation(samples, rate, settings, guide=item_guide or None, key=key, chords=item_chords or None,
                                  time_offset_sec=item.position_sec, n_threads=n_threads)
        out.items.append((item, result))
    return out


def tuning_suggestions(checked: TrackIntonation, *, envelopes: bool = True) -> list:
    """One ``tuning`` suggestion per item with flagged notes, and one ``marker`` per flagged note.

    ``envelopes=False`` gives the markers only (for a backend that cannot
    write take envelopes; the ``.RPP`` and the live backends both can).
    """
    from reaper_ext.suggest.model import Suggestion, make_suggestion_id

    suggestions = []
    for item, result in checked.items:
        flagged = result.flagged
        if not flagged:
            continue
        points = result.envelope()
        whys = [note.why for note in flagged]
        if envelopes:
            suggestions.append(Suggestion(
                id=make_suggestion_id("tuning", checked.track_guid, item.guid),
                kind="tuning", target=checked.track_guid, track_name=checked.track_name,
                params={"item_guid": item.guid, "points": [[round(t, 4), round(v, 4)] for t, v in points],
                        "n_flagged": len(flagged), "summary": result.summary()},
                why=(f"{result.summary()}: a bypassed pitch envelope moves the centres of the {len(flagged)} off notes, "
                     f"nothing else. " + "; ".join(whys[:3]) + (f"; ... ({len(whys) - 3} more)" if len(whys) > 3 else "")),
                confidence=0.8 if result.target_source == "guide" else (0.5 if result.target_source == "nearest" else 0.65),
            ))
        for note in flagged:
            position = note.shape.start_sec + item.position_sec
            suggestions.append(Suggestion(
                id=make_suggestion_id("marker", checked.track_guid, ["tuning", item.guid, round(position, 3)]),
                kind="marker", target=checked.track_guid, track_name=checked.track_name,
                params={"position_sec": round(position, 3), "end_sec": None,
                        "name": ("tuning: " + note.why)[:_MARKER_NAME_CHARS], "problem_kind": "tuning"},
                why=note.why, confidence=note.target.confidence,
            ))
    return suggestions

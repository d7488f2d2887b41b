"""A MIDI guide for the intonation check: the notes of a track's inline MIDI items.

Inline MIDI in a ``.RPP`` (/work/shared/reaper_api/FACTS.md): ``<SOURCE MIDI``
with ``HASDATA 1 <ticks per quarter note> QN`` and events
``E <delta ticks> <status hex> <data1 hex> <data2 hex>`` (``e`` when selected).
Note-on is status 9n with velocity > 0; note-off 8n, or 9n with velocity 0.
Ticks become seconds at the project tempo (a guide under tempo changes would
need the tempo map: not handled); times are project seconds: the item's
position, less its start offset.
"""

from __future__ import annotations

from reaper_ext.errors import AnalysisError
from reaper_ext.session.rpp.document import RppDocument
from reaper_ext.session.rpp.edit import track_chunks
from reaper_ext.tuning.targets import GuideNote

__all__ = ["guide_from_rpp"]


def _number(values: list[str] | None, default: float) -> float:
    try:
        return float(values[0]) if values else default
    except ValueError:
        return default


def guide_from_rpp(doc: RppDocument, track_name: str, tempo_bpm: float) -> list[GuideNote]:
    """Notes of the MIDI items on the track named ``track_name`` (first match), in project seconds.

    Raises
    ------
    AnalysisError
        No track has that name, or it has no MIDI notes.
    """
    track = next((chunk for chunk in track_chunks(doc) if (doc.field(chunk, "NAME") or [""])[0] == track_name), None)
    if track is None:
        raise AnalysisError(f"guide track {track_name!r} not found")
    seconds_per_quarter = 60.0 / tempo_bpm
    notes: list[GuideNote] = []
    for item in track.find_all("ITEM"):
        position = _number(doc.field(item, "POSITION"), 0.0)
        offset = _number(doc.field(item, "SOFFS"), 0.0)
        length = _number(doc.field(item, "LENGTH"), 0.0)
        for source in item.walk():
            if source.tag != "SOURCE" or doc.tokens(source.start)[1:2] != ["MIDI"]:
                continue
            hasdata = doc.field(source, "HASDATA") or []
            ticks_per_quarter = int(hasdata[1]) if len(hasdata) > 1 and hasdata[1].isdigit() else 960
            tick = 0
            open_notes: dict[int, float] = {}
            for index in doc.own_lines(source):
                words = doc.tokens(index)
                if not words or words[0] not in ("E", "e") or len(words) < 5:
                    continue
                try:
                    tick += int(words[1])
                    status, pitch, velocity = int(words[2], 16), int(words[3], 16), int(words[4], 16)
                except ValueError:
                    continue
                time = position - offset + tick / ticks_per_quarter * seconds_per_quarter
                kind = status & 0xF0
                if kind == 0x90 and velocity > 0:
                    open_notes[pitch] = time
                elif kind in (0x80, 0x90) and pitch in open_notes:
                    start = open_notes.pop(pitch)
                    start, end = max(start, position), min(time, position + length)
                    if end > start:
                        notes.append(GuideNote(start, end, pitch))
    if not notes:
        raise AnalysisError(f"guide track {track_name!r} has no MIDI notes")
    return sorted(notes, key=lambda note: note.start_sec)

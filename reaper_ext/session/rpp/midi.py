"""Inline MIDI items for ``.RPP`` files, the project's tempo map, and ``.mid`` export.

REAPER stores a MIDI item's events inside the project (FACTS.md, "Inline MIDI
items")::

    <SOURCE MIDI
      HASDATA 1 960 QN
      E 0 90 3c 60          <- delta ticks, status, data 1, data 2 (hex)
      E 480 80 3c 00
      E 1440 b0 7b 00       <- the last event, at the item's end
    >

``HASDATA 1 960 QN`` says the ticks are 960 per quarter note and are counted
in quarter notes (``QN``): an event's time is the item start plus its tick
count in quarter notes *on the project's tempo map*, so the same ticks follow
tempo changes. Writing therefore needs the tempo map (``TEMPO`` plus the
``<TEMPOENVEX`` points ``PT time_sec bpm shape [timesig]``, shape 1 square,
shape 0 linear, time signature encoded ``65536 * denominator + numerator``).

Everything here is pure Python (no numpy): the ledger calls it when it writes a
sparks suggestion into a project, and the ledger also runs inside REAPER.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from reaper_ext.errors import ProjectError
from reaper_ext.session.rpp.document import Chunk, RppDocument
from reaper_ext.session.rpp.edit import format_number, new_guid
from reaper_ext.session.rpp.tokens import join_tokens

__all__ = [
    "TICKS_PER_QN",
    "ALL_NOTES_OFF",
    "MidiNote",
    "TempoPoint",
    "TempoMap",
    "tempo_map_from_document",
    "notes_to_events",
    "events_to_notes",
    "midi_source_lines",
    "midi_item_lines",
    "read_midi_source",
    "midi_item_spec",
    "write_mid_file",
]

TICKS_PER_QN = 960  # REAPER's default MIDI resolution (HASDATA 1 960 QN)
ALL_NOTES_OFF = (0xB0, 0x7B, 0x00)  # CC 123 "all notes off": REAPER's closing event at the item end
NOTE_ON = 0x90
NOTE_OFF = 0x80
_SQUARE = 1  # tempo envelope point shape: the tempo jumps at the point
_LINEAR = 0  # the tempo ramps to the next point (taken as linear in time here)


@dataclass(frozen=True, order=True)
class MidiNote:
    """One note of a MIDI item, in ticks from the item start (960 per quarter note).

    Attributes
    ----------
    start_tick : int
        Note-on, ticks after the item start.
    length_ticks : int
        Note-on to note-off, at least 1.
    pitch : int
        MIDI note number 0-127.
    velocity : int
        1-127.
    channel : int
        0-15 (9 is the General MIDI drum channel).
    """

    start_tick: int
    length_ticks: int
    pitch: int
    velocity: int = 96
    channel: int = 0


@dataclass(frozen=True)
class TempoPoint:
    """One tempo-map point: from ``position_sec`` the tempo is ``bpm`` (and ramps when ``shape`` is linear)."""

    position_sec: float
    bpm: float
    shape: int = _SQUARE
    time_signature: tuple[int, int] | None = None  # set where the point changes the meter


@dataclass
class TempoMap:
    """Seconds <-> quarter notes <-> bars on a project's tempo map.

    Parameters
    ----------
    points : list of TempoPoint
        Sorted by time; the first is at 0 s (``TEMPO`` when the project has no
        tempo envelope). A square point holds its tempo to the next point; a
        linear one ramps to the next point's tempo, linearly in time.
    """

    points: list[TempoPoint]
    _qn: list[float] = field(init=False, repr=False)
    _times: list[float] = field(init=False, repr=False)
    _meters: list[tuple[float, float, int, int]] = field(init=False, repr=False)  # (qn, bar, num, den)

    def __post_init__(self) -> None:
        if not self.points:
            raise ProjectError("a tempo map needs at least one point")
        points = sorted(self.points, key=lambda point: point.position_sec)
        if points[0].position_sec > 0:
            points.insert(0, TempoPoint(0.0, points[0].bpm, _SQUARE, points[0].time_signature))
        for point in points:
            if not (point.bpm > 0 and math.isfinite(point.bpm)):
                raise ProjectError(f"tempo point at {point.position_sec}s has tempo {point.bpm!r}: must be a positive BPM")
        self.points = points
        self._times = [point.position_sec for point in points]
        self._qn = [0.0]
        for n in range(1, len(points)):
            self._qn.append(self._qn[-1] + self._segment_qn(n - 1, points[n].position_sec - points[n - 1].position_sec))
        meter = points[0].time_signature or (4, 4)
        self._meters = [(0.0, 0.0, meter[0], meter[1])]
        for n, point in enumerate(points[1:], start=1):
            if point.time_signature is None or point.time_signature == self._meters[-1][2:]:
                continue
            qn = self._qn[n]
            start_qn, start_bar, num, den = self._meters[-1]
            bar = start_bar + (qn - start_qn) / (num * 4.0 / den)
            self._meters.append((qn, bar, *point.time_signature))

    @classmethod
    def constant(cls, bpm: float, time_signature: tuple[int, int] = (4, 4)) -> TempoMap:
        """A map with one tempo and one meter."""
        return cls([TempoPoint(0.0, float(bpm), _SQUARE, time_signature)])

    # -- tempo ----------------------------------------------------------------
    def _segment_end_bpm(self, n: int) -> float:
        point = self.points[n]
        if point.shape == _LINEAR and n + 1 < len(self.points):
            return self.points[n + 1].bpm
        return point.bpm

    def _segment_qn(self, n: int, dt_sec: float) -> float:
        """Quarter notes in the first ``dt_sec`` of segment ``n`` (the integral of bpm/60)."""
        point = self.points[n]
        if point.shape != _LINEAR or n + 1 >= len(self.points):
            return dt_sec * point.bpm / 60.0
        length_sec = self.points[n + 1].position_sec - point.position_sec
        slope = (self.points[n + 1].bpm - point.bpm) / length_sec if length_sec > 0 else 0.0
        return (point.bpm * dt_sec + 0.5 * slope * dt_sec * dt_sec) / 60.0

    def bpm_at(self, position_sec: float) -> float:
        """The tempo at ``position_sec``."""
        n = max(0, bisect_right(self._times, position_sec) - 1)
        point = self.points[n]
        if point.shape == _LINEAR and n + 1 < len(self.points):
            length_sec = self.points[n + 1].position_sec - point.position_sec
            fraction = (position_sec - point.position_sec) / length_sec if length_sec > 0 else 0.0
            return point.bpm + (self.points[n + 1].bpm - point.bpm) * fraction
        return point.bpm

    def sec_to_qn(self, position_sec: float) -> float:
        """Quarter notes from the project start to ``position_sec``."""
        n = max(0, bisect_right(self._times, position_sec) - 1)
        return self._qn[n] + self._segment_qn(n, position_sec - self._times[n])

    def qn_to_sec(self, qn: float) -> float:
        """Inverse of :meth:`sec_to_qn`."""
        n = max(0, bisect_right(self._qn, qn) - 1)
        point = self.points[n]
        remaining_qn = qn - self._qn[n]
        start_bpm, end_bpm = point.bpm, self._segment_end_bpm(n)
        if start_bpm == end_bpm:
            return point.position_sec + remaining_qn * 60.0 / start_bpm
        # linear ramp: qn = (b0 t + s t^2 / 2) / 60; the root with t >= 0
        length_sec = self.points[n + 1].position_sec - point.position_sec
        slope = (end_bpm - start_bpm) / length_sec
        a, b, c = 0.5 * slope, start_bpm, -60.0 * remaining_qn
        disc = max(0.0, b * b - 4 * a * c)
        root = (-b + math.sqrt(disc)) / (2 * a) if abs(a) > 1e-12 else -c / b
        return point.position_sec + root

    # -- bars -------------------------------------------------------------------
    def time_signature_at_qn(self, qn: float) -> tuple[int, int]:
        """``(numerator, denominator)`` in force at ``qn``."""
        index = max(0, bisect_right([meter[0] for meter in self._meters], qn) - 1)
        return self._meters[index][2], self._meters[index][3]

    def qn_to_bar(self, qn: float) -> float:
        """Bars (0-based, fractional) from the project start to ``qn``."""
        index = max(0, bisect_right([meter[0] for meter in self._meters], qn) - 1)
        start_qn, start_bar, num, den = self._meters[index]
        return start_bar + (qn - start_qn) / (num * 4.0 / den)

    def bar_to_qn(self, bar: float) -> float:
        """Quarter notes from the project start to bar ``bar`` (0-based, fractional)."""
        index = max(0, bisect_right([meter[1] for meter in self._meters], bar) - 1)
        start_qn, start_bar, num, den = self._meters[index]
        return start_qn + (bar - start_bar) * num * 4.0 / den

    def sec_to_ticks(self, start_sec: float, position_sec: float) -> float:
        """Ticks (960 per quarter note, unrounded) from ``start_sec`` to ``position_sec``."""
        return (self.sec_to_qn(position_sec) - self.sec_to_qn(start_sec)) * TICKS_PER_QN

    def ticks_to_sec(self, start_sec: float, ticks: float) -> float:
        """The time ``ticks`` after ``start_sec`` on this map."""
        return self.qn_to_sec(self.sec_to_qn(start_sec) + ticks / TICKS_PER_QN)


def _decode_time_signature(value: str) -> tuple[int, int] | None:
    try:
        code = int(float(value))
    except ValueError:
        return None
    if code <= 0:
        return None
    numerator, denominator = code & 0xFFFF, code >> 16
    return (numerator, denominator) if numerator and denominator else None


def tempo_map_from_document(doc: RppDocument) -> TempoMap:
    """The tempo map of a project: ``TEMPO bpm num den`` and the ``<TEMPOENVEX`` points.

    Raises
    ------
    ProjectError
        A tempo value is not a positive number.
    """
    root = doc.root
    values = doc.field(root, "TEMPO") or ["120", "4", "4"]
    try:
        bpm = float(values[0])
        signature = (int(values[1]), int(values[2])) if len(values) >= 3 else (4, 4)
    except ValueError:
        raise ProjectError(f"{doc.path}: the TEMPO line {' '.join(values)!r} is not numbers") from None
    points = [TempoPoint(0.0, bpm, _SQUARE, signature)]
    envelope = root.find("TEMPOENVEX")
    if envelope is not None:
        found = []
        for index in doc.own_lines(envelope):
            tokens = doc.tokens(index)
            if not tokens or tokens[0] != "PT" or len(tokens) < 3:
                continue
            try:
                shape = int(tokens[3]) if len(tokens) > 3 else _SQUARE
                found.append(TempoPoint(float(tokens[1]), float(tokens[2]), shape,
                                        _decode_time_signature(tokens[4]) if len(tokens) > 4 else None))
            except ValueError:
                raise ProjectError(f"{doc.path}: line {index + 1}: tempo point {' '.join(tokens)!r} is not numbers") from None
        if found:
            if found[0].position_sec > 0:
                found.insert(0, points[0])
            elif found[0].time_signature is None:
                found[0] = TempoPoint(found[0].position_sec, found[0].bpm, found[0].shape, signature)
            points = found
    return TempoMap(points)


# -- events ---------------------------------------------------------------------------
def notes_to_events(notes: list[MidiNote], length_ticks: int) -> list[tuple[int, int, int, int]]:
    """Notes as REAPER's event list ``(delta_ticks, status, data1, data2)``, closed at ``length_ticks``.

    At one tick, note-offs come before note-ons (a repeated note retriggers). A
    note that would end after the item is cut at its end. The last event is
    ``b0 7b 00`` (all notes off) at exactly ``length_ticks`` from the item start,
    which is how REAPER marks the end of the source.

    Raises
    ------
    ValueError
        A note starts before 0 or at/after the end, or a value is out of range.
    """
    if length_ticks <= 0:
        raise ValueError(f"a MIDI item needs a positive length, got {length_ticks} ticks")
    timed: list[tuple[int, int, int, int, int]] = []
    for note in notes:
        if not (0 <= note.start_tick < length_ticks):
            raise ValueError(f"note {note} starts outside the item (0..{length_ticks} ticks)")
        if not (0 <= note.pitch <= 127 and 1 <= note.velocity <= 127 and 0 <= note.channel <= 15):
            raise ValueError(f"note {note} has a pitch, velocity or channel out of MIDI range")
        end = min(length_ticks, note.start_tick + max(1, note.length_ticks))
        timed.append((note.start_tick, 1, NOTE_ON | note.channel, note.pitch, note.velocity))
        timed.append((end, 0, NOTE_OFF | note.channel, note.pitch, 0))
    timed.sort()
    events = []
    last = 0
    for tick, _, status, data1, data2 in timed:
        events.append((tick - last, status, data1, data2))
        last = tick
    events.append((length_ticks - last, *ALL_NOTES_OFF))
    return events


def events_to_notes(events: list[tuple[int, int, int, int]]) -> tuple[list[MidiNote], int]:
    """Pair note-ons with note-offs; returns the notes (sorted) and the last event's tick (the item end)."""
    tick = 0
    open_notes: dict[tuple[int, int], list[tuple[int, int]]] = {}
    notes = []
    for delta, status, data1, data2 in events:
        tick += delta
        kind, channel = status & 0xF0, status & 0x0F
        if kind == NOTE_ON and data2 > 0:
            open_notes.setdefault((channel, data1), []).append((tick, data2))
        elif kind == NOTE_OFF or (kind == NOTE_ON and data2 == 0):
            started = open_notes.get((channel, data1))
            if started:
                start, velocity = started.pop(0)
                notes.append(MidiNote(start, tick - start, data1, velocity, channel))
    return sorted(notes), tick


def midi_source_lines(notes: list[MidiNote], length_ticks: int) -> list[str]:
    """The ``<SOURCE MIDI`` block (unindented, no line endings; children indented by 2)."""
    lines = ["<SOURCE MIDI", "  HASDATA 1 960 QN"]
    for delta, status, data1, data2 in notes_to_events(notes, length_ticks):
        lines.append(f"  E {delta} {status:02x} {data1:02x} {data2:02x}")
    lines.append(">")
    return lines


def midi_item_spec(
    notes: list[MidiNote],
    *,
    tempo_map: TempoMap,
    position_sec: float,
    length_ticks: int,
    name: str,
    notes_text: str = "",
    color: int = 0,
) -> dict:
    """A JSON-ready item description for ``SessionWriter.add_track(items=[...])``.

    ``length_sec`` is where ``length_ticks`` ends on the tempo map, so the item
    and its last event end together.
    """
    end_sec = tempo_map.ticks_to_sec(position_sec, length_ticks)
    return {
        "position_sec": position_sec,
        "length_sec": end_sec - position_sec,
        "name": name,
        "notes_text": notes_text,
        "color": color,
        "midi": {"length_ticks": int(length_ticks),
                 "notes": [[n.start_tick, n.length_ticks, n.pitch, n.velocity, n.channel] for n in notes]},
    }


def midi_item_lines(item: dict, *, indent: str = "", newline: str = "\n") -> list[str]:
    """The lines of an ``<ITEM`` with an inline MIDI source, from :func:`midi_item_spec`'s dict.

    ``COLOR value R``: the ``R`` flag says the value is ``0x1BBGGRR`` (FACTS.md,
    Colours), the project model's colour form (``reaper_keys.rgb_to_native_color``).
    The item notes go in a ``<NOTES`` block of ``|`` lines (raw text).
    """
    midi = item["midi"]
    notes = [MidiNote(*map(int, values)) for values in midi["notes"]]
    body = [
        "<ITEM",
        f"  POSITION {format_number(float(item['position_sec']))}",
        f"  LENGTH {format_number(float(item['length_sec']))}",
        "  MUTE 0 0",
        f"  IGUID {new_guid()}",
        "  " + join_tokens(["NAME", item.get("name", "")]),
    ]
    if item.get("color"):
        body.append(f"  COLOR {int(item['color'])} R")
    text = item.get("notes_text", "")
    if text:
        body.append("  <NOTES")
        body += ["    |" + line for line in text.split("\n")]
        body.append("  >")
    body += ["  VOLPAN 1 0 1 -1", "  SOFFS 0", f"  GUID {new_guid()}"]
    body += ["  " + line for line in midi_source_lines(notes, int(midi["length_ticks"]))]
    body.append(">")
    return [indent + line + newline for line in body]


def _parse_event(tokens: list[str]) -> tuple[int, int, int, int] | None:
    if len(tokens) < 5 or tokens[0] not in ("E", "e"):
        return None
    return int(tokens[1]), int(tokens[2], 16), int(tokens[3], 16), int(tokens[4], 16)


def read_midi_source(doc: RppDocument, source: Chunk) -> tuple[int, list[MidiNote], int]:
    """Read an inline ``<SOURCE MIDI``: ``(ticks_per_qn, notes, end_tick)``.

    Raises
    ------
    ProjectError
        Not a MIDI source, or ``HASDATA`` is missing or not in quarter notes.
    """
    head = doc.tokens(source.start)
    if head[:2] != ["<SOURCE", "MIDI"]:
        raise ProjectError(f"{doc.path}: line {source.start + 1} is not a <SOURCE MIDI block")
    hasdata = doc.field(source, "HASDATA")
    if not hasdata or len(hasdata) < 3 or hasdata[2] != "QN":
        raise ProjectError(f"{doc.path}: line {source.start + 1}: MIDI source without 'HASDATA 1 <ticks> QN'")
    events = []
    for index in doc.own_lines(source):
        event = _parse_event(doc.tokens(index))
        if event is not None:
            events.append(event)
    notes, end_tick = events_to_notes(events)
    return int(hasdata[1]), notes, end_tick


# -- .mid export --------------------------------------------------------------------------
def write_mid_file(
    path: Path,
    tracks: list[tuple[str, list[MidiNote], int | None]],
    *,
    tempo_map: TempoMap,
    start_sec: float,
) -> None:
    """Write a Standard MIDI File (type 1, 960 ticks per quarter note).

    Parameters
    ----------
    path : Path
        Where to write.
    tracks : list of (name, notes, program)
        Notes in ticks from ``start_sec``; ``program`` a GM program, or None
        (drums on channel 10 need none).
    tempo_map : TempoMap
        The project's map: its tempo changes after ``start_sec`` become tempo
        events (a linear ramp as one step per quarter note).
    start_sec : float
        Project time of tick 0.
    """
    import mido

    midi_file = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_QN)
    conductor = mido.MidiTrack()
    start_qn = tempo_map.sec_to_qn(start_sec)
    end_tick = max((n.start_tick + n.length_ticks for _, notes, _ in tracks for n in notes), default=0)
    changes = [(0, tempo_map.bpm_at(start_sec))]
    for point_index, point in enumerate(tempo_map.points):
        tick = round((tempo_map.sec_to_qn(point.position_sec) - start_qn) * TICKS_PER_QN)
        if 0 < tick <= end_tick:
            changes.append((tick, point.bpm))
        if point.shape == _LINEAR and point_index + 1 < len(tempo_map.points):
            first_qn = tempo_map.sec_to_qn(point.position_sec)
            last_qn = tempo_map.sec_to_qn(tempo_map.points[point_index + 1].position_sec)
            qn = math.floor(first_qn) + 1
            while qn < last_qn:
                tick = round((qn - start_qn) * TICKS_PER_QN)
                if 0 < tick <= end_tick:
                    changes.append((tick, tempo_map.bpm_at(tempo_map.qn_to_sec(qn))))
                qn += 1
    numerator, denominator = tempo_map.time_signature_at_qn(start_qn)
    conductor.append(mido.MetaMessage("time_signature", numerator=numerator, denominator=denominator, time=0))
    last = 0
    for tick, bpm in sorted(set(changes)):
        conductor.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=tick - last))
        last = tick
    midi_file.tracks.append(conductor)
    for name, notes, program in tracks:
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("track_name", name=name, time=0))
        channel = notes[0].channel if notes else 0
        if program is not None:
            track.append(mido.Message("program_change", program=int(program), channel=channel, time=0))
        timed = []
        for note in notes:
            timed.append((note.start_tick, 1, mido.Message("note_on", note=note.pitch, velocity=note.velocity, channel=note.channel)))
            timed.append((note.start_tick + note.length_ticks, 0, mido.Message("note_off", note=note.pitch, velocity=0, channel=note.channel)))
        last = 0
        for tick, _, message in sorted(timed, key=lambda event: (event[0], event[1])):
            track.append(message.copy(time=tick - last))
            last = tick
        midi_file.tracks.append(track)
    midi_file.save(str(path))

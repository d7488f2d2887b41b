"""Inline MIDI items: written, read back by our reader and by the `rpp` package, ticks exact on the tempo map.

The expected numbers are worked out by hand from the format in FACTS.md ("Inline MIDI
items": ``HASDATA 1 960 QN``, ``E <delta> <status> <d1> <d2>``, the last event
``E n b0 7b 00`` at the item end) and from the tempo map's definition (quarter notes
= the integral of bpm / 60 over seconds), never from the module's own constants.
"""

from __future__ import annotations

import mido
import pytest
import rpp

from reaper_ext.errors import ProjectError
from reaper_ext.session.rpp import parse_rpp, read_project
from reaper_ext.session.rpp.midi import (
    MidiNote,
    TempoMap,
    TempoPoint,
    midi_item_spec,
    midi_source_lines,
    read_midi_source,
    tempo_map_from_document,
    write_mid_file,
)
from reaper_ext.session.rpp.writer import RppSessionWriter

# 120 BPM 4/4 until 4 s, then 90 BPM 3/4 (a square tempo point with a meter change: 65536 * 4 + 3)
PROJECT = """<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1700000000
  TEMPO 120 4 4
  <TEMPOENVEX
    ACT 1 -1
    PT 0 120 1
    PT 4 90 1 262147 0
  >
  <TRACK {11111111-2222-3333-4444-555555555555}
    NAME Keys
    TRACKID {11111111-2222-3333-4444-555555555555}
  >
>
"""

NOTES = [
    MidiNote(0, 480, 60, 100),
    MidiNote(0, 960, 64, 90),
    MidiNote(480, 480, 60, 80),  # the same pitch again right at the first one's note-off
    MidiNote(2880, 5000, 67, 70),
    MidiNote(7000, 240, 38, 110, 9),
]


def test_source_lines_follow_reapers_format():
    lines = midi_source_lines([MidiNote(0, 480, 60, 100)], 1920)
    assert lines[:2] == ["<SOURCE MIDI", "  HASDATA 1 960 QN"]
    # note-on C4 at 0, its note-off 480 ticks later, then all-notes-off closing the item at 1920
    assert lines[2:] == ["  E 0 90 3c 64", "  E 480 80 3c 00", "  E 1440 b0 7b 00", ">"]


def test_tempo_map_with_a_tempo_change_is_exact():
    tempo_map = tempo_map_from_document(parse_rpp(PROJECT))
    # 4 s at 120 BPM = 8 quarter notes; then 90 BPM = 1.5 quarter notes per second
    assert tempo_map.sec_to_qn(4.0) == pytest.approx(8.0, abs=1e-12)
    assert tempo_map.sec_to_qn(10.0) == pytest.approx(17.0, abs=1e-12)
    assert tempo_map.qn_to_sec(17.0) == pytest.approx(10.0, abs=1e-12)
    # bars: two 4/4 bars fill the first 8 quarter notes, then 3/4 bars of 3 quarter notes
    assert tempo_map.qn_to_bar(8.0) == pytest.approx(2.0)
    assert tempo_map.bar_to_qn(4.0) == pytest.approx(14.0)
    assert tempo_map.time_signature_at_qn(9.0) == (3, 4)


def test_item_ticks_sum_to_its_length_across_a_tempo_change():
    doc = parse_rpp(PROJECT)
    tempo_map = tempo_map_from_document(doc)
    # an item from 2 s (QN 4) to 10 s (QN 17): 13 quarter notes = 12480 ticks
    # FACTS.md (Colours): an item colour flagged R is 0x1BBGGRR; here r=240, g=192, b=64
    color = 0x1000000 | (64 << 16) | (192 << 8) | 240
    item = midi_item_spec(NOTES, tempo_map=tempo_map, position_sec=2.0, length_ticks=12480, name="Spark: test",
                          color=color)
    assert item["length_sec"] == pytest.approx(8.0, abs=1e-9)
    writer = RppSessionWriter(doc)
    guid = writer.add_track(index=1, name="Sparks", items=[item])
    doc = parse_rpp(doc.to_bytes())
    track = next(chunk for chunk in doc.root.find_all("TRACK") if guid in doc.lines[chunk.start])
    source = track.find("ITEM").find("SOURCE")
    assert doc.field(track.find("ITEM"), "COLOR") == [str(color), "R"]
    ticks_per_qn, notes, end_tick = read_midi_source(doc, source)
    assert ticks_per_qn == 960
    assert end_tick == 12480
    assert notes == sorted(NOTES)
    events = [doc.tokens(i) for i in doc.own_lines(source) if doc.tokens(i)[0] == "E"]
    assert sum(int(event[1]) for event in events) == 12480
    assert events[-1][2:] == ["b0", "7b", "00"]
    # the project still reads, and the item sits where it was put
    project = read_project(doc)
    sparks = next(t for t in project.tracks if t.name == "Sparks")
    assert sparks.items[0].position_sec == pytest.approx(2.0)
    assert sparks.items[0].length_sec == pytest.approx(8.0)


def test_the_rpp_package_reads_the_same_notes():
    doc = parse_rpp(PROJECT)
    tempo_map = tempo_map_from_document(doc)
    item = midi_item_spec(NOTES, tempo_map=tempo_map, position_sec=0.5, length_ticks=9600, name="Spark",
                          notes_text="why: I-vi-IV-V\nswing 62%")
    RppSessionWriter(doc).add_track(index=1, name="Sparks", items=[item])
    parsed = rpp.loads(doc.to_text())
    track = [t for t in parsed.findall("TRACK") if t.find("NAME")[1] == "Sparks"][0]
    source = track.find("ITEM").find("SOURCE")
    assert source.attrib[0] == "MIDI"
    assert list(source.find("HASDATA")) == ["HASDATA", "1", "960", "QN"]
    tick = 0
    open_notes, notes = {}, []
    for element in source:
        if isinstance(element, list) and element[0] == "E":
            tick += int(element[1])
            status, pitch, velocity = int(element[2], 16), int(element[3], 16), int(element[4], 16)
            if status & 0xF0 == 0x90:
                open_notes.setdefault((status & 15, pitch), []).append((tick, velocity))
            elif status & 0xF0 == 0x80:
                start, vel = open_notes[(status & 15, pitch)].pop(0)
                notes.append(MidiNote(start, tick - start, pitch, vel, status & 15))
    assert sorted(notes) == sorted(NOTES)
    assert tick == 9600
    notes_block = track.find("ITEM").find("NOTES")
    assert notes_block is not None


def test_reject_of_the_track_gives_back_the_bytes():
    doc = parse_rpp(PROJECT)
    before = doc.to_bytes()
    item = midi_item_spec(NOTES, tempo_map=TempoMap.constant(120), position_sec=0.0, length_ticks=9600, name="x")
    writer = RppSessionWriter(doc)
    guid = writer.add_track(index=1, name="Sparks", items=[item])
    assert doc.to_bytes() != before
    writer.remove_track(guid)
    assert doc.to_bytes() == before


def test_notes_outside_the_item_are_refused():
    with pytest.raises(ValueError, match="outside the item"):
        midi_source_lines([MidiNote(2000, 10, 60)], 1920)


def test_bad_tempo_is_a_project_error():
    with pytest.raises(ProjectError, match="positive BPM"):
        TempoMap([TempoPoint(0.0, 0.0)])


def test_linear_ramp_integrates_the_tempo():
    # 60 -> 120 BPM over 4 s, linear in time: mean 90 BPM = 6 quarter notes
    tempo_map = TempoMap([TempoPoint(0.0, 60.0, 0), TempoPoint(4.0, 120.0, 1)])
    assert tempo_map.sec_to_qn(4.0) == pytest.approx(6.0)
    assert tempo_map.qn_to_sec(tempo_map.sec_to_qn(2.5)) == pytest.approx(2.5)


def test_mid_export_has_the_notes_and_the_tempo_change(tmp_path):
    tempo_map = tempo_map_from_document(parse_rpp(PROJECT))
    path = tmp_path / "sparks.mid"
    write_mid_file(path, [("Spark", NOTES, 0)], tempo_map=tempo_map, start_sec=2.0)
    midi_file = mido.MidiFile(str(path))
    assert midi_file.ticks_per_beat == 960
    tempos, tick = [], 0
    for message in midi_file.tracks[0]:
        tick += message.time
        if message.type == "set_tempo":
            tempos.append((tick, round(mido.tempo2bpm(message.tempo), 3)))
    # 2 s -> 4 s at 120 BPM is 4 quarter notes = 3840 ticks before 90 BPM
    assert tempos == [(0, 120.0), (3840, 90.0)]
    tick, starts = 0, []
    for message in midi_file.tracks[1]:
        tick += message.time
        if message.type == "note_on" and message.velocity > 0:
            starts.append((tick, message.note))
    assert sorted(starts) == sorted((n.start_tick, n.pitch) for n in NOTES)

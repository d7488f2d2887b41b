"""Notes, their decomposition and judgement on pitch tracks built from a known contour (no network)."""

from __future__ import annotations

import numpy as np
import pytest
from reaper_ext_testkit.intonation import SungNote, f0_contour, random_part

from reaper_ext.errors import AnalysisError, SettingsError
from reaper_ext.tuning.check import judge_notes
from reaper_ext.tuning.config import TuningSettings
from reaper_ext.tuning.envelope import correction_at, envelope_points
from reaper_ext.tuning.pitch import PitchTrack
from reaper_ext.tuning.targets import GuideNote, choose_target, note_name, scale_pitch_classes

HOP_SEC = 0.01


def track_from(notes: list[SungNote], *, jitter_cents: float = 3.0, seed: int = 0) -> PitchTrack:
    """A pitch track as the tracker would give it: the true contour plus frame noise."""
    rng = np.random.default_rng(seed)
    end = max(n.end_sec for n in notes) + 0.3
    times = np.arange(0.0, end, HOP_SEC)
    midi = f0_contour(notes, times)
    voiced = ~np.isnan(midi)
    midi = midi + rng.normal(0.0, jitter_cents / 100.0, midi.shape)
    level = np.where(voiced, -20.0, -90.0)
    return PitchTrack(times, midi, voiced.astype(np.float32), level, voiced, HOP_SEC)


def test_off_notes_are_found_and_expression_is_not_flagged():
    found = total_off = false_flags = total_in = 0
    for seed in range(12):
        notes, is_off = random_part(seed, n_notes=8)
        result = judge_notes(track_from(notes, seed=seed))
        assert len(result.notes) == len(notes), f"seed {seed}: segmentation gave {len(result.notes)} notes"
        for judged, off in zip(result.notes, is_off, strict=False):
            if off:
                total_off += 1
                found += judged.is_flagged
            else:
                total_in += 1
                false_flags += judged.is_flagged
    assert found / total_off >= 0.9
    assert false_flags / total_in <= 0.1


def test_vibrato_and_scoop_are_measured():
    notes = [
        SungNote(0.2, 1.2, 64, 0.0, vibrato_hz=5.5, vibrato_cents=45.0),
        SungNote(1.6, 0.8, 67, 0.0, scoop_sec=0.12, scoop_cents=-120.0),
    ]
    result = judge_notes(track_from(notes, jitter_cents=1.0))
    vib, scoop = result.notes
    assert vib.shape.vibrato_rate_hz == pytest.approx(5.5, abs=0.4)
    assert vib.shape.vibrato_extent_cents == pytest.approx(45.0, rel=0.15)
    assert abs(vib.centre_cents) < 5
    assert scoop.shape.scoop_sec == pytest.approx(0.12, abs=0.05)
    assert scoop.shape.scoop_cents < -60
    assert abs(scoop.centre_cents) < 5
    assert not vib.is_flagged and not scoop.is_flagged


def test_passing_tone_and_short_off_note_are_not_flagged():
    notes = [SungNote(0.2, 0.6, 60), SungNote(0.85, 0.1, 62, 40.0), SungNote(1.1, 0.6, 64)]
    result = judge_notes(track_from(notes, jitter_cents=1.0))
    assert not any(note.is_flagged for note in result.notes)


def test_why_quotes_the_numbers():
    notes = [SungNote(41.2, 0.8, 64, -38.0, vibrato_hz=5.6, vibrato_cents=34.0)]
    track = track_from(notes, jitter_cents=1.0)
    result = judge_notes(track)
    (note,) = result.notes
    assert note.is_flagged
    assert note.why.startswith("E4 at 0:41.2, held 0.8 s: centre -3")
    assert "Hz against 329.6 Hz" in note.why
    assert "vibrato 5." in note.why and "kept" in note.why
    data = result.to_dict()
    assert data["n_flagged"] == 1 and data["notes"][0]["flagged"] is True
    assert data["notes"][0]["target"] == "E4"


def test_envelope_corrects_centres_and_keeps_expression():
    notes = [
        SungNote(0.2, 1.0, 64, 40.0, vibrato_hz=5.5, vibrato_cents=50.0),
        SungNote(1.3, 0.8, 65, -35.0, scoop_sec=0.12, scoop_cents=-100.0),
        SungNote(2.2, 0.8, 67, 3.0),
    ]
    result = judge_notes(track_from(notes, jitter_cents=1.0))
    assert [n.is_flagged for n in result.notes] == [True, True, False]
    points = result.envelope()
    times = np.arange(0.0, 3.2, 0.001)
    true_cents = f0_contour(notes, times) * 100.0
    corrected = true_cents + correction_at(points, times)
    for note in notes:
        inside = (times >= note.start_sec + note.scoop_sec) & (times < note.end_sec)
        residual = corrected[inside] - note.pitch * 100.0
        assert abs(np.mean(residual)) <= 5.0  # the centre is on target
        if note.vibrato_cents:
            extent = np.sqrt(2) * np.std(residual)
            assert extent >= 0.9 * note.vibrato_cents
    scoop_note = notes[1]
    at_start = np.searchsorted(times, scoop_note.start_sec + 0.001)
    at_body = np.searchsorted(times, scoop_note.start_sec + scoop_note.scoop_sec + 0.05)
    scoop_depth = corrected[at_body] - corrected[at_start]
    assert scoop_depth >= 0.9 * (-scoop_note.scoop_cents) * (1 - 0.001 / scoop_note.scoop_sec)
    # the in-tune note is untouched
    third = (times >= notes[2].start_sec) & (times < notes[2].end_sec)
    assert np.allclose(corrected[third], true_cents[third])


def test_envelope_points_ramp_to_zero_between_notes():
    from reaper_ext.tuning.envelope import Correction

    points = envelope_points([Correction(1.0, 2.0, 30.0), Correction(2.01, 3.0, -20.0)], ramp_sec=0.02)
    values = dict(points)
    assert values[1.0] == pytest.approx(0.3) and values[0.98] == 0.0
    assert values[2.005] == 0.0  # the ramps meet halfway in the 10 ms gap
    assert points[-1] == (pytest.approx(3.02), 0.0)
    # legato neighbours reaching into each other: one step between the two shifts, times never go back
    legato = envelope_points([Correction(1.0, 2.0, 30.0, lag_sec=0.04), Correction(2.0, 3.0, -20.0, lead_sec=0.04)])
    times = [t for t, _ in legato]
    assert times == sorted(times)
    assert (1.96, -0.2) in [(round(t, 6), round(v, 6)) for t, v in legato]
    assert 0.0 not in [v for t, v in legato if 1.0 <= t <= 3.0]
    shifted = envelope_points([Correction(1.0, 2.0, 30.0)], offset_sec=0.5)
    assert shifted[0][0] == pytest.approx(0.48)


def test_targets_from_key_and_guide():
    a_minor = scale_pitch_classes("A minor")
    assert a_minor == frozenset({9, 11, 0, 2, 4, 5, 7})
    assert scale_pitch_classes("Eb major") == frozenset({3, 5, 7, 8, 10, 0, 2})
    with pytest.raises(AnalysisError):
        scale_pitch_classes("H dorian")
    # 61.45 is nearest C#4 (61) but C# is not in A minor, and it is far from its semitone: D4 (62)
    assert choose_target(61.45, 0, 1, scale=a_minor).midi == 62
    assert choose_target(61.1, 0, 1, scale=a_minor).midi == 61  # close to a chromatic tone: meant
    guide = [GuideNote(0.0, 1.0, 72)]
    target = choose_target(60.4, 0.1, 0.9, guide=guide)
    assert (target.midi, target.source) == (60, "guide")  # the guide's pitch class, the singer's octave
    assert note_name(64) == "E4" and note_name(61) == "C#4"


def test_guide_target_flags_a_note_that_is_in_tune_with_the_wrong_pitch():
    notes = [SungNote(0.2, 0.8, 64, 45.0)]  # 45 cents over E4: nearest semitone says F4 -55 ... guide says E4
    result = judge_notes(track_from(notes, jitter_cents=1.0), guide=[GuideNote(0.0, 1.2, 64)])
    assert result.notes[0].target.midi == 64
    assert result.notes[0].centre_cents == pytest.approx(45.0, abs=3.0)


def test_settings_validate():
    settings = TuningSettings.from_dict({"off_cents": 30, "model": "full"})
    assert settings.off_cents == 30.0 and settings.model == "full"
    with pytest.raises(SettingsError):
        TuningSettings.from_dict({"off_cent": 30})
    with pytest.raises(SettingsError):
        TuningSettings.from_dict({"model": "huge"})
    with pytest.raises(SettingsError):
        TuningSettings.from_dict({"off_cents": -1})
    stricter = judge_notes(track_from([SungNote(0.2, 0.8, 64, 20.0)], jitter_cents=1.0), TuningSettings(off_cents=15.0))
    assert stricter.notes[0].is_flagged
    default = judge_notes(track_from([SungNote(0.2, 0.8, 64, 20.0)], jitter_cents=1.0))
    assert not default.notes[0].is_flagged


def test_the_bars_chord_names_a_target_outside_the_scale():
    """The G# of an E chord in A minor, sung 40 cents flat, aims at G#, not at the scale's G (60 cents sharp)."""
    from reaper_ext.tuning.targets import ChordSpan, chord_pitch_classes

    e_major = chord_pitch_classes("E", "maj")
    assert e_major == frozenset({4, 8, 11}) and chord_pitch_classes("Bb", "7") == frozenset({10, 2, 5, 8})
    with pytest.raises(AnalysisError):
        chord_pitch_classes("E", "sus4")
    notes = [SungNote(0.2, 1.0, 68, -40.0)]
    track = track_from(notes, jitter_cents=1.0)
    by_key = judge_notes(track, key="A minor")
    assert by_key.notes[0].target.midi == 67 and by_key.notes[0].centre_cents == pytest.approx(60.0, abs=3.0)
    by_chord = judge_notes(track, key="A minor", chords=[ChordSpan(0.0, 2.0, "E", e_major)])
    (note,) = by_chord.notes
    assert (note.target.midi, note.target.source) == (68, "chord E")
    assert note.centre_cents == pytest.approx(-40.0, abs=3.0) and note.is_flagged
    assert "chord E" in note.why and by_chord.target_source == "chords and key"
    # a chord elsewhere in time says nothing about this note
    later = judge_notes(track, key="A minor", chords=[ChordSpan(1.5, 3.0, "E", e_major)])
    assert later.notes[0].target.midi == 67


def test_song_chords_become_targets_when_the_recogniser_is_sure():
    from types import SimpleNamespace

    from reaper_ext.analysis.song.results import ChordEstimate
    from reaper_ext.tuning.passes import song_chords

    chords = [ChordEstimate(0, 0.0, 2.0, "Am", "A", "min", 0.9), ChordEstimate(1, 2.0, 4.0, "E7", "E", "7", 0.8),
              ChordEstimate(2, 4.0, 6.0, "F", "F", "maj", 0.3)]
    spans = song_chords(SimpleNamespace(song=SimpleNamespace(chords=chords)))
    assert [(s.name, s.start_sec, s.end_sec, s.pitch_classes) for s in spans] == [
        ("Am", 0.0, 2.0, frozenset({9, 0, 4})), ("E7", 2.0, 4.0, frozenset({4, 8, 11, 2}))]
    assert song_chords(SimpleNamespace(song=None)) is None

"""Song analysis on seeded synthetic signals and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from reaper_ext.analysis.song import (
    KeyEstimate,
    Section,
    SongAnalysis,
    TempoEstimate,
    analyze_song,
    estimate_key,
    estimate_tempo,
    find_sections,
)
from reaper_ext.errors import AnalysisError

RATE_HZ = 44100


def _click_track(tempo_bpm: float, duration_sec: float, *, rate_hz: int = RATE_HZ, seed: int = 0) -> np.ndarray:
    """Noise bursts on every beat (accented downbeats), plus quiet noise."""
    rng = np.random.default_rng(seed)
    audio = 0.001 * rng.standard_normal(int(duration_sec * rate_hz)).astype(np.float32)
    burst_len = int(0.02 * rate_hz)
    envelope = np.exp(-np.arange(burst_len) / (0.004 * rate_hz)).astype(np.float32)
    beat_sec = 60.0 / tempo_bpm
    for index, start_sec in enumerate(np.arange(0.1, duration_sec - 0.05, beat_sec)):
        start = int(start_sec * rate_hz)
        gain = 0.8 if index % 4 == 0 else 0.5
        audio[start: start + burst_len] += gain * envelope * rng.standard_normal(burst_len).astype(np.float32)
    return audio


def _drum_groove(tempo_bpm: float, duration_sec: float, *, hat_step_beats: float = 0.5, seed: int = 0,
                 kick_beats: tuple[float, ...] = (0.0, 2.0), snare_beats: tuple[float, ...] = (1.0, 3.0)) -> np.ndarray:
    """A 4/4 groove: a 55 Hz kick, a band-passed noise snare, hi-hat noise above 6 kHz.

    By default a rock beat (kick on beats 1 and 3, snare on 2 and 4); ``kick_beats`` and
    ``snare_beats`` count from 0 within the bar.
    """
    from scipy.signal import butter, sosfilt

    rng = np.random.default_rng(seed)
    n = int(duration_sec * RATE_HZ)
    out = np.zeros(n)
    beat_sec = 60.0 / tempo_bpm
    t = np.arange(int(0.15 * RATE_HZ)) / RATE_HZ
    kick = np.sin(2 * np.pi * 55 * t) * np.exp(-t / 0.05)
    snare = sosfilt(butter(2, [200, 2000], "bandpass", fs=RATE_HZ, output="sos"), rng.standard_normal(t.size)) * np.exp(-t / 0.04)
    hat = sosfilt(butter(4, 6000, "highpass", fs=RATE_HZ, output="sos"), rng.standard_normal(t.size)) * np.exp(-t / 0.01)

    def put(sample: np.ndarray, at_sec: float, gain: float) -> None:
        start = int(at_sec * RATE_HZ)
        if start < n:
            out[start: start + sample.size] += gain * sample[: n - start]

    n_beats = int(duration_sec / beat_sec)
    for bar_start in range(0, n_beats, 4):
        for sample, beats, gain in ((kick, kick_beats, 0.8), (snare, snare_beats, 3.0)):
            for beat in beats:
                if bar_start + beat < n_beats:
                    put(sample, (bar_start + beat) * beat_sec, gain)
    for step in range(int(duration_sec / (hat_step_beats * beat_sec))):
        put(hat, step * hat_step_beats * beat_sec, 0.6 if (step * hat_step_beats) % 1 == 0 else 0.4)
    return (0.5 * out / np.max(np.abs(out))).astype(np.float32)


def _chords(pitch_sets: list[list[int]], chord_sec: float, *, rate_hz: int = RATE_HZ) -> np.ndarray:
    """Harmonic tones (3 partials) for each chord in turn, mono."""
    t = np.arange(int(chord_sec * rate_hz)) / rate_hz
    fade = np.minimum(1.0, np.minimum(t, chord_sec - t) / 0.02)
    pieces = []
    for pitches in pitch_sets:
        tone = np.zeros_like(t)
        for pitch in pitches:
            freq_hz = 440.0 * 2 ** ((pitch - 69) / 12)
            for partial in (1, 2, 3):
                tone += np.sin(2 * np.pi * partial * freq_hz * t) / partial
        pieces.append(0.1 * tone * fade)
    return np.concatenate(pieces).astype(np.float32)


# C major / A minor triads with the bass on the root (MIDI pitches)
_TRIADS = {"C": [48, 67, 72, 76], "G": [43, 67, 71, 74], "Am": [45, 69, 72, 76], "F": [41, 65, 69, 72]}


def _band(tempo_bpm: float, chord_names: list[str], *, hat_step_beats: float = 0.5,
          kick_beats: tuple[float, ...] = (0.0, 2.0), snare_beats: tuple[float, ...] = (1.0, 3.0)) -> np.ndarray:
    """One chord per 4/4 bar (:data:`_TRIADS`) over a drum groove."""
    harmony = _chords([_TRIADS[name] for name in chord_names], 240.0 / tempo_bpm)
    drums = _drum_groove(tempo_bpm, harmony.size / RATE_HZ + 0.01, hat_step_beats=hat_step_beats,
                         kick_beats=kick_beats, snare_beats=snare_beats)[: harmony.size]
    return (0.4 * harmony / np.max(np.abs(harmony)) + drums).astype(np.float32)


@pytest.mark.parametrize("tempo_bpm", [90.0, 140.0])
def test_click_track_tempo(tempo_bpm):
    estimate = estimate_tempo(_click_track(tempo_bpm, 20.0, seed=int(tempo_bpm)), RATE_HZ)
    assert estimate.bpm == pytest.approx(tempo_bpm, rel=0.01)
    assert 0.0 <= estimate.confidence <= 1.0


def test_fast_clicks_fold_into_the_preferred_range():
    # clicks at 220 per minute read as 110 BPM with twice-per-beat subdivisions
    estimate = estimate_tempo(_click_track(220.0, 20.0, seed=3), RATE_HZ)
    assert estimate.bpm == pytest.approx(110.0, rel=0.01)


@pytest.mark.parametrize(("tempo_bpm", "hat_step_beats"), [(160.0, 0.5), (150.0, 0.25), (80.0, 0.5), (78.0, 0.5)],
                         ids=["160-eighth-hats", "150-sixteenth-hats", "80-eighth-hats", "78-eighth-hats"])
def test_the_drums_choose_between_a_tempo_and_its_double(tempo_bpm, hat_step_beats):
    # both octaves lie in 70-180 BPM; the backbeat on the beat (not between) and the hi-hat's
    # subdivision say which (the autocorrelation alone read 160 and 150 at half tempo)
    groove = _drum_groove(tempo_bpm, 20.0, hat_step_beats=hat_step_beats, seed=int(tempo_bpm))
    assert estimate_tempo(groove, RATE_HZ).bpm == pytest.approx(tempo_bpm, rel=0.01)


def test_a_dotted_kick_does_not_pull_the_tempo_to_four_thirds():
    # kick on 1, the "and" of 2 and 4, snare on 3, sixteenth hats: the autocorrelation's shortest
    # strong peak is the dotted 1.5 beats, whose octaves never hold the beat (read 166.7 BPM)
    groove = _drum_groove(125.0, 16.0, hat_step_beats=0.25, kick_beats=(0.0, 1.5, 3.0), snare_beats=(2.0,))
    assert estimate_tempo(groove, RATE_HZ).bpm == pytest.approx(125.0, rel=0.01)


@pytest.mark.parametrize(("tempo_bpm", "hat_step_beats", "kick_beats", "snare_beats"),
                         [(80.0, 0.25, (0.0, 2.0), (1.0, 3.0)), (84.0, 0.25, (0.0, 2.0), (1.0, 3.0)),
                          (160.0, 0.5, (0.0, 1.5), (2.0,)), (150.0, 0.5, (0.0, 2.0), (1.0, 3.0))],
                         ids=["80-rock-sixteenth-hats", "84-rock-sixteenth-hats", "160-halftime-eighth-hats", "150-rock"])
def test_chords_changing_once_a_bar_choose_the_octave(tempo_bpm, hat_step_beats, kick_beats, snare_beats):
    # a slow rock beat with sixteenth hats plays the hats and snare of a half-time groove at the
    # double (the drums alone read 80 and 84 at 160 and 168); one chord a bar says which it is
    mix = _band(tempo_bpm, ["C", "Am", "F", "G"] * 3 + ["C"], hat_step_beats=hat_step_beats,
                kick_beats=kick_beats, snare_beats=snare_beats)
    assert estimate_tempo(mix, RATE_HZ).bpm == pytest.approx(tempo_bpm, rel=0.01)


@pytest.mark.parametrize(("last_chord", "key_name"), [("C", "C major"), ("Am", "A minor")])
def test_the_key_is_the_chord_a_song_ends_on(last_chord, key_name):
    # Am F C G twice is vi-IV-I-V in C major and i-VI-III-VII in A minor: the same chords, bass
    # and scale; the last chord is the tonic (the first-bar cues alone read both as A minor)
    mix = _band(100.0, ["Am", "F", "C", "G"] * 2 + [last_chord])
    estimate = estimate_key(mix, RATE_HZ)
    assert estimate.name == key_name


def test_resampled_input_and_mono_shapes_give_the_same_tempo():
    clicks = _click_track(120.0, 15.0, rate_hz=48000, seed=4)
    one_d = estimate_tempo(clicks, 48000)
    two_d = estimate_tempo(np.stack([clicks, clicks], axis=1), 48000)
    assert one_d.bpm == pytest.approx(120.0, rel=0.01)
    assert two_d.bpm == pytest.approx(one_d.bpm, rel=1e-3)


def test_synthetic_cadence_key_g_major():
    # G major I-IV-V-I (G, C, D, G) with the bass doubling the root
    progression = [[43, 67, 71, 74], [48, 72, 76, 79], [50, 74, 78, 81], [43, 67, 71, 74]] * 3
    estimate = estimate_key(_chords(progression, 1.0), RATE_HZ)
    assert estimate.name == "G major"
    assert isinstance(estimate, KeyEstimate)


def test_synthetic_cadence_key_c_sharp_minor():
    # C# minor i-iv-V-i (C#m, F#m, G#, C#m): the B# leading tone marks minor, sharps naming
    progression = [[37, 61, 64, 68], [42, 66, 69, 73], [44, 68, 72, 75], [37, 61, 64, 68]] * 3
    estimate = estimate_key(_chords(progression, 1.0), RATE_HZ)
    assert estimate.name == "C# minor"


def test_sections_cover_the_mix_and_short_mixes_are_one_section():
    audio = _click_track(100.0, 3.0, seed=5)
    sections = find_sections(audio, RATE_HZ)
    assert sections == [Section("A", 0.0, pytest.approx(3.0, abs=1e-3), 1.0)]


def test_timbre_change_gives_a_boundary_and_repeat_letters():
    # noise bed / chord bed alternating every 8 s: A B A
    rng = np.random.default_rng(6)
    n = int(8.0 * RATE_HZ)
    noise = (0.05 * rng.standard_normal(n)).astype(np.float32)
    chords = _chords([[48, 64, 67, 72]] * 8, 1.0)[:n]
    audio = np.concatenate([noise, chords, noise])
    sections = find_sections(audio, RATE_HZ, tempo_bpm=120.0)
    assert [s.label for s in sections] == ["A", "B", "A"]
    assert [s.start_sec for s in sections[1:]] == [pytest.approx(8.0, abs=0.5), pytest.approx(16.0, abs=0.5)]


def test_to_dict_of_a_hand_made_analysis():
    analysis = SongAnalysis(
        TempoEstimate(120.123, 0.81234), KeyEstimate("F#", "minor", 0.7), [Section("A", 0.0, 12.34567, 1.0)]
    )
    assert analysis.to_dict() == {
        "tempo_bpm": 120.12,
        "tempo_confidence": 0.812,
        "key": "F# minor",
        "key_confidence": 0.7,
        "sections": [{"label": "A", "start_sec": 0.0, "end_sec": 12.346}],
        "chords": [],
    }


@pytest.mark.parametrize(
    ("audio", "rate_hz", "match"),
    [
        (np.zeros((0, 2), np.float32), RATE_HZ, "empty"),
        (np.zeros((RATE_HZ, 2), np.float32), RATE_HZ, "silent"),
        (np.full((RATE_HZ, 2), np.nan, np.float32), RATE_HZ, "NaN"),
        (np.ones((RATE_HZ, 2), np.int16), RATE_HZ, "floating point"),
        (np.zeros((2, 3, 4), np.float32), RATE_HZ, "shape"),
        (np.zeros((RATE_HZ, 1), np.float32), 0, "sample rate"),
        (np.zeros((RATE_HZ, 1), np.float32), 44100.5, "whole number"),
    ],
)
def test_bad_input_raises_analysis_error(audio, rate_hz, match):
    with pytest.raises(AnalysisError, match=match):
        analyze_song(audio, rate_hz)


def test_bad_tempo_hint_raises():
    with pytest.raises(AnalysisError, match="tempo_bpm"):
        find_sections(_click_track(100.0, 5.0), RATE_HZ, tempo_bpm=-3.0)


def test_session_json_carries_the_chords_at_the_top_and_in_the_song():
    from reaper_ext.analysis.song import ChordEstimate
    from reaper_ext.pipeline.results import SessionAnalysis

    chords = [ChordEstimate(0, 0.0, 2.0, "Am", "A", "min", 0.9), ChordEstimate(1, 2.0, 4.0, "F", "F", "maj", 0.61234)]
    song = SongAnalysis(TempoEstimate(120.0, 0.8), KeyEstimate("A", "minor", 0.7), [Section("A", 0.0, 4.0, 1.0)], chords)
    data = SessionAnalysis("p.RPP", [], song=song).to_dict()
    assert data["chords"] == data["song"]["chords"]
    assert [c["chord"] for c in data["chords"]] == ["Am", "F"]
    assert data["chords"][1] == {"bar": 1, "start_sec": 2.0, "end_sec": 4.0, "chord": "F", "root": "F", "quality": "maj",
                                 "confidence": 0.612}
    read = SessionAnalysis.from_dict(data)
    assert [(c.bar, c.name, c.quality) for c in read.chords] == [(0, "Am", "min"), (1, "F", "maj")]
    assert SessionAnalysis("p.RPP", []).to_dict()["chords"] == []

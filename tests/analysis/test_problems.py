"""Behaviour: every problem kind is found where it was put, and clean instruments raise none."""

from __future__ import annotations

import json

import numpy as np
import pytest

from reaper_ext_testkit.inject import (
    add_band_noise_bursts,
    add_dc_offset,
    add_hum,
    add_noise,
    inject_clipping,
)
from reaper_ext.analysis.measure import analyse_track
from reaper_ext.analysis.problems import find_polarity_problems
from reaper_ext.analysis.problems.hum import find_hum

RATE = 44100  # the rate conftest renders at


def normalise(audio: np.ndarray, peak_dbfs: float) -> np.ndarray:
    return (audio * (10 ** (peak_dbfs / 20) / np.max(np.abs(audio)))).astype(np.float32)


TIME_TOLERANCE_SEC = 0.1


def kinds(problems) -> list[str]:
    return [problem.kind for problem in problems]


def only(problems, kind: str):
    found = [problem for problem in problems if problem.kind == kind]
    assert found, f"no {kind} problem in {kinds(problems)}"
    return found


def assert_span(problem, start_sec: float, end_sec: float) -> None:
    assert problem.start_sec == pytest.approx(start_sec, abs=TIME_TOLERANCE_SEC)
    assert problem.end_sec == pytest.approx(end_sec, abs=TIME_TOLERANCE_SEC)


@pytest.mark.parametrize("name", ["piano", "bass", "strings", "drums", "voice"])
def test_clean_instruments_raise_no_problem(clean_tracks, name):
    _, problems = analyse_track(clean_tracks[name], RATE, is_voice=name == "voice")
    assert problems == [], [problem.to_dict() for problem in problems]


def test_hard_clipping_found_at_its_range(clean_tracks):
    audio = inject_clipping(clean_tracks["piano"], RATE, 1.0, 2.0, gain_db=24.0)
    _, problems = analyse_track(audio, RATE)
    clipping = only(problems, "clipping")
    assert len(clipping) == 1
    assert_span(clipping[0], 1.0, 2.0)
    assert clipping[0].measured["is_full_scale"] and clipping[0].severity == "high"


def test_flat_tops_below_full_scale_found(clean_tracks):
    audio = inject_clipping(clean_tracks["piano"], RATE, 1.0, 2.0, gain_db=24.0, output_gain=0.5)
    _, problems = analyse_track(audio, RATE)
    clipping = only(problems, "clipping")
    assert_span(clipping[0], 1.0, 2.0)
    assert not clipping[0].measured["is_full_scale"]
    assert clipping[0].measured["clip_level_dbfs"] == pytest.approx(-6.02, abs=0.05)


@pytest.mark.parametrize("base_hz", [50.0, 60.0])
def test_hum_with_harmonics_found(clean_tracks, base_hz):
    audio = add_hum(clean_tracks["strings"], RATE, base_hz=base_hz, level_dbfs=-50.0)
    _, problems = analyse_track(audio, RATE)
    (hum,) = only(problems, "hum")
    assert hum.measured["freq_hz"] == base_hz
    assert len(hum.measured["harmonics_hz"]) >= 3
    assert_span(hum, 0.0, audio.shape[0] / RATE)
    # the render's reverb tail leaves only the hum: a noisy gap there is legit
    assert set(kinds(problems)) <= {"hum", "noise_floor"}


def test_dc_offset_found(clean_tracks):
    audio = add_dc_offset(clean_tracks["bass"], 0.03)
    _, problems = analyse_track(audio, RATE)
    (dc,) = only(problems, "dc_offset")
    assert dc.measured["dc_offset_dbfs"] == pytest.approx(20 * np.log10(0.03), abs=0.5)
    assert kinds(problems) == ["dc_offset"]


def test_noise_between_phrases_found_per_gap(phrased_piano):
    audio, gaps = phrased_piano
    _, clean_problems = analyse_track(audio, RATE)
    assert clean_problems == []
    noisy = add_noise(audio, RATE, gaps, level_dbfs=-50.0)
    _, problems = analyse_track(noisy, RATE)
    found = only(problems, "noise_floor")
    assert len(found) == len(gaps)
    for problem, (start, end) in zip(found, gaps):
        assert_span(problem, start, end)
        assert problem.measured["floor_dbfs"] == pytest.approx(-50.0, abs=1.5)


def test_flipped_copy_found_on_the_copy_only(clean_tracks):
    rng = np.random.default_rng(11)
    piano = clean_tracks["piano"]
    flipped = (-0.7 * piano + 0.002 * rng.standard_normal(piano.shape)).astype(np.float32)
    delayed = np.roll(piano, int(0.002 * RATE), axis=0) * np.float32(0.8)
    tracks = {"piano": piano, "bass": clean_tracks["bass"], "piano flipped": flipped, "drums": clean_tracks["drums"]}
    result = find_polarity_problems(tracks, RATE)
    assert [name for name, problems in result.items() if problems] == ["piano flipped"]
    (problem,) = result["piano flipped"]
    assert problem.measured["partner_track"] == "piano" and problem.measured["correlation"] < -0.9
    assert_span(problem, 0.0, piano.shape[0] / RATE)
    in_phase = find_polarity_problems({"piano": piano, "room mic": delayed}, RATE)
    assert all(problems == [] for problems in in_phase.values())


def test_levels_outside_working_range(clean_tracks):
    _, low = analyse_track(normalise(clean_tracks["piano"], -40.0), RATE)
    (problem,) = only(low, "level_low")
    assert problem.measured["peak_dbfs"] == pytest.approx(-40.0, abs=0.01) and problem.severity == "medium"
    _, hot = analyse_track(normalise(clean_tracks["drums"], -0.3), RATE)
    (problem,) = only(hot, "level_hot")
    assert problem.measured["true_peak_dbtp"] > -1.0
    assert kinds(low) == ["level_low"] and kinds(hot) == ["level_hot"]


def test_silent_track_and_silent_items(clean_tracks):
    _, problems = analyse_track(np.zeros((RATE * 3, 2), np.float32), RATE)
    assert kinds(problems) == ["silence"] and problems[0].severity == "high"
    audio = clean_tracks["piano"].copy()
    silent_end = audio.shape[0] / RATE
    audio = np.concatenate([audio, np.zeros((RATE * 2, 2), np.float32)])
    spans = [(0.0, 2.0), (silent_end + 0.2, silent_end + 1.8)]
    _, problems = analyse_track(audio, RATE, item_spans_sec=spans)
    (item,) = only(problems, "silent_item")
    assert item.measured["item_index"] == 1
    assert_span(item, *spans[1])


def test_sibilance_bursts_found_on_voice(clean_tracks):
    voice = clean_tracks["voice"]
    bursts = [(0.8, 0.95), (2.0, 2.2), (3.1, 3.25)]
    audio = add_band_noise_bursts(voice, RATE, bursts, level_dbfs=-12.0)
    _, problems = analyse_track(audio, RATE, is_voice=True)
    found = only(problems, "sibilance")
    assert len(found) == len(bursts), [problem.to_dict() for problem in found]
    for problem, (start, end) in zip(found, bursts):
        assert_span(problem, start, end)
    _, not_voice = analyse_track(audio, RATE, is_voice=False)
    assert "sibilance" not in kinds(not_voice)


def test_problem_to_dict_is_json_able(clean_tracks):
    _, problems = analyse_track(inject_clipping(clean_tracks["piano"], RATE, 1.0, 2.0), RATE)
    text = json.dumps([problem.to_dict() for problem in problems])
    assert '"kind": "clipping"' in text and '"n_clipped_samples"' in text


def test_hum_in_the_gaps_is_reported_once_as_hum(phrased_piano):
    audio, gaps = phrased_piano
    hummed = add_hum(audio, RATE, base_hz=60.0, level_dbfs=-50.0)
    _, problems = analyse_track(hummed, RATE)
    assert kinds(problems).count("hum") == 1
    assert "noise_floor" not in kinds(problems)  # the gaps' steady floor is the hum itself
    # hiss well over the hum in the same gaps is still its own problem
    both = add_noise(hummed, RATE, gaps, level_dbfs=-45.0)
    _, problems = analyse_track(both, RATE)
    assert kinds(problems).count("hum") == 1
    assert len(only(problems, "noise_floor")) == len(gaps)


def test_noise_that_is_the_content_is_no_noise_floor(phrased_piano):
    audio, gaps = phrased_piano
    noisy = add_noise(audio, RATE, gaps, level_dbfs=-50.0)
    _, problems = analyse_track(noisy, RATE, is_noise_content=True)
    assert "noise_floor" not in kinds(problems)
    _, problems = analyse_track(noisy, RATE, is_noise_content=False)
    assert len(only(problems, "noise_floor")) == len(gaps)


def test_a_close_drum_mics_bleed_between_hits_is_no_noise_floor(phrased_piano):
    audio, gaps = phrased_piano
    noisy = add_noise(audio, RATE, gaps, level_dbfs=-50.0)
    _, problems = analyse_track(noisy, RATE, is_close_drum=True)
    assert "noise_floor" not in kinds(problems)
    assert len(only(analyse_track(noisy, RATE)[1], "noise_floor")) == len(gaps)


def _tones(freqs_hz, level_dbfs: float, seconds: float = 12.0) -> np.ndarray:
    time_sec = np.arange(int(seconds * RATE)) / RATE
    tone = sum(10 ** (level_dbfs / 20) * np.sin(2 * np.pi * f * time_sec) for f in freqs_hz)
    return tone.astype(np.float32)[:, None]


def test_a_note_near_50_hz_and_a_chord_tone_near_350_hz_are_no_hum():
    # a bass note 28 cents sharp of G1 (49.8 Hz) held with an F4 (349.2 Hz): within the tolerance of
    # harmonics 1 and 7 of 50 Hz, but hum's second harmonic to go with its fundamental is the 2nd or 3rd
    audio = _tones([49.8, 349.2], -30.0) + 0.001 * np.random.default_rng(5).standard_normal((12 * RATE, 1)).astype(np.float32)
    assert find_hum(audio, RATE) == []
    (hum,) = find_hum(audio + _tones([100.0], -45.0), RATE)  # with a 2nd harmonic it is hum
    assert hum.measured["freq_hz"] == 50.0


def test_a_bass_note_near_50_hz_in_one_bar_of_four_is_no_hum():
    # hum is in every segment; a note near 50 Hz (with its 2nd and 3rd partials) in one bar of four is music
    bar = 2 * RATE
    notes = [[49.8, 99.6, 149.4], [65.4, 130.8, 196.2], [73.4, 146.8, 220.2], [55.0, 110.0, 165.0]]
    audio = np.concatenate([_tones(notes[k % 4], -24.0, 2.0) for k in range(6)])
    audio += 0.001 * np.random.default_rng(6).standard_normal(audio.shape).astype(np.float32)
    assert find_hum(audio, RATE) == []
    (hum,) = find_hum(add_hum(audio, RATE, base_hz=50.0, level_dbfs=-50.0), RATE)
    assert hum.measured["freq_hz"] == 50.0

"""The groove fingerprint: onsets to the sample, swing, per-slot offsets, and their transfer onto a new pattern."""

from __future__ import annotations

import numpy as np
import pytest

from reaper_ext.errors import AnalysisError
from reaper_ext.session.rpp.midi import TICKS_PER_QN, TempoMap
from reaper_ext.sparks.generate import SectionContext, generate_sparks
from reaper_ext.sparks.groove import detect_onsets, measure_groove, swung_qn, velocity_for_level

RATE = 44100


def _clicks(times_sec: list[float], length_sec: float, *, decay_sec: float = 0.02, seed: int = 0) -> np.ndarray:
    """Noise bursts (a hi-hat-like hit: instant attack, exponential decay) at known times."""
    rng = np.random.default_rng(seed)
    audio = np.zeros(int(length_sec * RATE))
    burst = rng.standard_normal(int(0.08 * RATE)) * np.exp(-np.arange(int(0.08 * RATE)) / (decay_sec * RATE))
    for time_sec in times_sec:
        start = int(round(time_sec * RATE))
        stop = min(len(audio), start + len(burst))
        audio[start:stop] += 0.5 * burst[: stop - start]
    return audio


def test_onsets_land_within_half_a_millisecond():
    times = [0.1 + 0.25 * n + 0.003 * (n % 3) for n in range(16)]
    onsets = detect_onsets(_clicks(times, 4.5), RATE, drum="hats")
    assert len(onsets) == len(times)
    errors_ms = [abs(o.time_sec - t) * 1000 for o, t in zip(onsets, times, strict=True)]
    assert max(errors_ms) < 0.5


def test_swing_and_offsets_of_a_synthetic_part():
    # 100 BPM, eighth swing 0.64, hats 4 ms late on the off-beats, snare 6 ms late on 2 and 4
    tempo_map = TempoMap.constant(100.0, (4, 4))
    beat_sec = 0.6
    hats, snare = [], []
    for bar in range(8):
        for beat in range(4):
            hats.append((bar * 4 + beat) * beat_sec)
            hats.append((bar * 4 + beat + 0.64) * beat_sec + 0.004)
            if beat in (1, 3):
                snare.append((bar * 4 + beat) * beat_sec + 0.006)
    groove = measure_groove({"hats": _clicks(hats, 20.0), "snare": _clicks(snare, 20.0, seed=1)}, RATE, tempo_map)
    # the off-beats are measured from the hats' own beats: 0.64 of the beat plus 4 ms / 600 ms
    assert groove.swing_8th == pytest.approx(0.64 + 0.004 / beat_sec, abs=0.003)
    assert groove.swing_16th is None
    assert groove.offsets_ms[("snare", 4)] == pytest.approx(6.0, abs=0.6)
    assert groove.offsets_ms[("hats", 0)] == pytest.approx(0.0, abs=0.6)
    assert groove.beats_per_bar == 4


def test_velocity_follows_the_gm_curve():
    assert velocity_for_level(0.0) == 112
    # -12 dB is a factor 10^(-12/40) in velocity (GM: 40 log10(v/127) dB)
    assert velocity_for_level(-12.0) == round(112 * 10 ** (-12 / 40))


def test_no_hits_is_an_error():
    with pytest.raises(AnalysisError, match="no drum hits"):
        measure_groove({"kick": np.zeros(RATE)}, RATE, TempoMap.constant(120.0))


@pytest.mark.slow
def test_groove_of_a_rendered_part_transfers_onto_a_new_pattern():
    from reaper_ext_testkit.progressions import _drum_hits, render_drum_part

    rng = np.random.default_rng(501)
    hits, feel = _drum_hits(rng, 12, 4, 0.62, 6.0, 2.0)  # 62 % swing, ±6 ms per slot, ±2 ms per hit
    tempo_map = TempoMap.constant(100.0, (4, 4))
    groove = measure_groove(render_drum_part(hits, 100.0), RATE, tempo_map)
    assert abs(groove.swing_8th - 0.62) <= 0.02
    context = SectionContext("A", 0, 4, 4, 7, "major", [(7, "maj")] * 4, {}, tempo_map, groove)
    drums = generate_sparks(context, ("drums",))[0]
    source_cells = {(hit.drum, hit.slot) for hit in hits}
    pattern_cells = {(("hats" if drum not in ("kick", "snare") else drum), slot // 2)
                     for drum, slots in drums.details["pattern"].items() for slot in slots if slot % 2 == 0}
    assert pattern_cells != source_cells  # a new pattern, not the drummer's
    names = {36: "kick", 38: "snare", 42: "hats", 46: "hats", 51: "hats"}
    moved, truth = [], []
    for note in drums.notes:
        qn = note.start_tick / TICKS_PER_QN
        beat = int(np.floor(qn + 0.1))
        subs = [swung_qn(beat, k, 0.62, 0.5) for k in range(4)]
        sub = int(np.argmin([abs(qn - s) for s in subs]))
        cell = (names[note.pitch], ((beat % 4) * 4 + sub) // 2)
        if sub % 2 == 0 and cell in source_cells:
            moved.append((qn - subs[sub]) * 600.0)  # ms from the source's own grid
            truth.append(feel[cell])
    assert len(moved) >= 20
    assert np.corrcoef(moved, truth)[0, 1] >= 0.8

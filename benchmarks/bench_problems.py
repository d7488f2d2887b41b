"""Benchmark the problem detectors on rendered instruments with injected problems.

Prints, per problem kind: found or not, the worst start/end error in seconds,
then the false alarms on the clean set, then the CPU time of measurements +
problems on a 4-minute stereo 44.1 kHz track.

Run: ``.venv/bin/python benchmarks/bench_problems.py``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np


from reaper_ext_testkit.inject import (  # noqa: E402
    add_band_noise_bursts,
    add_dc_offset,
    add_hum,
    add_noise,
    inject_clipping,
)
from reaper_ext.analysis.measure import analyse_track  # noqa: E402
from reaper_ext.analysis.problems import find_polarity_problems  # noqa: E402
from reaper_ext_testkit.datagen.render import Note, render_notes, speak  # noqa: E402

RATE = 44100


def normalise(audio: np.ndarray, peak_dbfs: float) -> np.ndarray:
    return (audio * (10 ** (peak_dbfs / 20) / np.max(np.abs(audio)))).astype(np.float32)


def melody(seed: int, low: int, high: int, n_notes: int = 24, step_sec: float = 0.25) -> list[Note]:
    rng = np.random.default_rng(seed)
    return [
        Note(step_sec * i, step_sec * 0.95, int(rng.integers(low, high)), int(rng.integers(70, 110)))
        for i in range(n_notes)
    ]


def clean_set() -> dict[str, tuple[np.ndarray, bool]]:
    """Name -> (audio, is_voice); both sound fonts, several programs, levels -6..-12 dBFS."""
    tracks = {}
    for font in ("fluidr3", "timgm6mb"):
        for name, program, low, high, peak in [
            ("piano", 0, 48, 76, -6),
            ("bass", 33, 28, 45, -9),
            ("strings", 48, 55, 79, -12),
            ("guitar", 25, 52, 76, -8),
            ("organ", 16, 48, 72, -10),
        ]:
            tracks[f"{name}/{font}"] = (
                normalise(render_notes(melody(program, low, high), program=program, soundfont=font), peak),
                False,
            )
        drums = render_notes(
            [Note(0.125 * i, 0.1, (36, 42, 38, 42, 36, 46, 38, 49)[i % 8], 100) for i in range(48)],
            is_drum=True,
            soundfont=font,
        )
        tracks[f"drums/{font}"] = (normalise(drums, -6), False)
    for voice, pitch in [("en", 50), ("en+f3", 70)]:
        text = "She sells sea shells by the sea shore. Six thick thistle sticks. The quick brown fox."
        tracks[f"voice/{voice}"] = (normalise(speak(text, voice=voice, pitch=pitch), -8), True)
    return tracks


def phrased_piano() -> tuple[np.ndarray, list[tuple[float, float]]]:
    phrase = render_notes(melody(4, 50, 70, n_notes=8), program=0, tail_sec=0.05)
    fade = int(0.01 * RATE)
    phrase[-fade:] *= np.linspace(1, 0, fade, dtype=np.float32)[:, None]
    gap = np.zeros((int(1.5 * RATE), 2), np.float32)
    length = phrase.shape[0] / RATE
    return normalise(np.concatenate([phrase, gap, phrase, gap, phrase]), -6), [
        (length, length + 1.5),
        (2 * length + 1.5, 2 * length + 3.0),
    ]


def span_error(problems, kind: str, truths: list[tuple[float, float]]) -> tuple[bool, float]:
    found = [problem for problem in problems if problem.kind == kind]
    if len(found) != len(truths):
        return False, float("nan")
    errors = [max(abs(p.start_sec - s), abs(p.end_sec - e)) for p, (s, e) in zip(found, truths)]
    return True, max(errors)


def main() -> int:
    tracks = clean_set()
    piano, _ = tracks["piano/fluidr3"]
    strings, _ = tracks["strings/fluidr3"]
    bass, _ = tracks["bass/fluidr3"]
    voice, _ = tracks["voice/en"]
    duration = piano.shape[0] / RATE
    rows = []

    def case(kind, audio, truths, *, label=None, **kwargs):
        _, problems = analyse_track(audio, RATE, **kwargs)
        rows.append((label or kind, *span_error(problems, kind, truths)))

    case("clipping", inject_clipping(piano, RATE, 2.0, 3.0, gain_db=24), [(2.0, 3.0)], label="clipping (full scale)")
    _, problems = analyse_track(inject_clipping(piano, RATE, 2.0, 3.0, gain_db=24, output_gain=0.5), RATE)
    rows.append(("clipping (flat tops)", *span_error(problems, "clipping", [(2.0, 3.0)])))
    for base in (50.0, 60.0):
        audio = add_hum(strings, RATE, base_hz=base, level_dbfs=-55)
        _, problems = analyse_track(audio, RATE)
        ok, error = span_error(problems, "hum", [(0.0, audio.shape[0] / RATE)])
        ok = ok and [p for p in problems if p.kind == "hum"][0].measured["freq_hz"] == base
        rows.append((f"hum {base:.0f} Hz", ok, error))
    case("dc_offset", add_dc_offset(bass, 0.02), [(0.0, bass.shape[0] / RATE)])
    phrased, gaps = phrased_piano()
    case("noise_floor", add_noise(phrased, RATE, gaps, level_dbfs=-50), gaps)
    case("level_low", normalise(piano, -40), [(0.0, duration)])
    case("level_hot", normalise(tracks["drums/fluidr3"][0], -0.3), [(0.0, tracks["drums/fluidr3"][0].shape[0] / RATE)])
    case("silence", np.zeros((RATE * 3, 2), np.float32), [(0.0, 3.0)])
    padded = np.concatenate([piano, np.zeros((RATE * 2, 2), np.float32)])
    case(
        "silent_item",
        padded,
        [(duration + 0.2, duration + 1.8)],
        item_spans_sec=[(0.0, 2.0), (duration + 0.2, duration + 1.8)],
    )
    bursts = [(0.8, 0.95), (2.0, 2.2), (3.1, 3.25)]
    case("sibilance", add_band_noise_bursts(voice, RATE, bursts, level_dbfs=-12), bursts, is_voice=True)
    flipped = (-0.7 * piano + 0.002 * np.random.default_rng(1).standard_normal(piano.shape)).astype(np.float32)
    result = find_polarity_problems({"piano": piano, "bass": bass, "flipped": flipped}, RATE)
    rows.append(("polarity", *span_error(result["flipped"], "polarity", [(0.0, duration)])))
    polarity_false = sum(len(v) for k, v in result.items() if k != "flipped")

    print(f"{'kind':24s} {'found':6s} {'max time error (s)':>18s}")
    for kind, ok, error in rows:
        print(f"{kind:24s} {'yes' if ok else 'NO':6s} {error:18.3f}")

    print("\nfalse alarms on the clean set:")
    n_false = 0
    for name, (audio, is_voice) in tracks.items():
        _, problems = analyse_track(audio, RATE, is_voice=is_voice)
        n_false += len(problems)
        print(f"  {name:20s} {len(problems)} {[p.kind for p in problems] if problems else ''}")
    clean_polarity = find_polarity_problems(
        {name: audio for name, (audio, _) in tracks.items() if audio.shape[1] == 2}, RATE
    )
    n_polarity = sum(len(v) for v in clean_polarity.values()) + polarity_false
    print(f"  polarity across clean tracks: {n_polarity}")
    print(f"total false alarms: {n_false + n_polarity}")

    rng = np.random.default_rng(0)
    notes = [Note(0.25 * i, 0.24, int(rng.integers(40, 80)), int(rng.integers(60, 110))) for i in range(955)]
    song = normalise(render_notes(notes, program=0)[: 240 * RATE], -6)
    analyse_track(song[:RATE], RATE)  # warm up imports
    cpu = []
    for _ in range(3):
        start = time.process_time()
        analyse_track(song, RATE)
        cpu.append(time.process_time() - start)
    print(
        f"\n4-min stereo 44.1 kHz track, measurements + problems: CPU {min(cpu):.2f} s (best of 3; "
        f"all {', '.join(f'{value:.2f}' for value in cpu)})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark song analysis (tempo, key, sections) on songs rendered with fluidsynth.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_song.py``

Prints, per song and overall: tempo error (%), key accuracy, section-boundary
hit rate within +-1 s (recall, and precision of the found boundaries), whether
the repeat letters match, and analysis time per minute of audio (one core,
after a warm-up call), plus the time for one 4-minute mix.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(variable, "1")  # one core, as the speed target asks

import numpy as np  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
from reaper_ext_testkit import songbook  # noqa: E402

from reaper_ext.analysis.song import analyze_song  # noqa: E402

KEYS = songbook.PITCH_CLASSES
STRUCTURES = ("ABAB", "ABACAB", "ABCB", "ABABCB", "ACBAB", "ABCABC")


def first_appearance(structure: str) -> str:
    letters: dict[str, str] = {}
    return "".join(letters.setdefault(part, chr(ord("A") + len(letters))) for part in structure)


def main() -> int:
    rng = np.random.default_rng(2024)
    songs = []
    for index in range(12):
        songs.append(songbook.compose_song(
            tempo_bpm=int(rng.integers(78, 165)), tonic=KEYS[int(rng.integers(12))],
            mode=("major", "minor")[index % 2], structure=STRUCTURES[index % len(STRUCTURES)],
            soundfont=("fluidr3", "timgm6mb")[(index // 2) % 2], seed=500 + index,
        ))
    analyze_song(songs[0].mix, songs[0].sample_rate_hz)  # warm-up: imports, filter banks

    tempo_errors, key_hits, label_hits, hits, n_true, n_found, n_found_hits = [], 0, 0, 0, 0, 0, 0
    analysis_sec = audio_sec = 0.0
    print(f"{'bpm':>5} {'key':>9} {'struct':>7} | {'est bpm':>8} {'err%':>6} {'est key':>9} {'labels':>8} {'hits':>5} {'sec':>5}")
    for song in songs:
        start = time.perf_counter()
        analysis = analyze_song(song.mix, song.sample_rate_hz)
        elapsed = time.perf_counter() - start
        analysis_sec += elapsed
        audio_sec += song.mix.shape[0] / song.sample_rate_hz
        error_pct = 100.0 * (analysis.tempo.bpm - song.tempo_bpm) / song.tempo_bpm
        tempo_errors.append(abs(error_pct))
        key_hits += analysis.key.name == song.key_name
        truth = song.boundaries_sec[1:-1]
        found = [section.start_sec for section in analysis.sections[1:]]
        song_hits = sum(any(abs(t - f) <= 1.0 for f in found) for t in truth)
        hits += song_hits
        n_true += len(truth)
        n_found += len(found)
        n_found_hits += sum(any(abs(t - f) <= 1.0 for t in truth) for f in found)
        labels = "".join(section.label for section in analysis.sections)
        label_hits += labels == first_appearance(song.structure)
        print(f"{song.tempo_bpm:5.0f} {song.key_name:>9} {song.structure:>7} | {analysis.tempo.bpm:8.2f} "
              f"{error_pct:6.2f} {analysis.key.name:>9} {labels:>8} {song_hits}/{len(truth):<3} {elapsed:5.2f}")
    n_songs = len(songs)
    print(f"\ntempo |error|: mean {np.mean(tempo_errors):.2f}%, max {np.max(tempo_errors):.2f}%; "
          f"within 2%: {sum(e <= 2 for e in tempo_errors)}/{n_songs}")
    print(f"key accuracy: {key_hits}/{n_songs}")
    print(f"boundaries within +-1 s: recall {hits}/{n_true} = {hits / n_true:.2f}, "
          f"precision {n_found_hits}/{n_found} = {n_found_hits / max(n_found, 1):.2f}")
    print(f"repeat letters exactly right: {label_hits}/{n_songs}")
    print(f"analysis time: {analysis_sec / (audio_sec / 60):.2f} s per minute of audio")

    long_song = songbook.compose_song(tempo_bpm=120, tonic="E", mode="minor", structure="ABACABCB" * 3 + "AB" * 3,
                                      bars_per_section=4, soundfont="fluidr3", seed=9)
    duration_min = long_song.mix.shape[0] / long_song.sample_rate_hz / 60
    start = time.perf_counter()
    analysis = analyze_song(long_song.mix, long_song.sample_rate_hz)
    print(f"{duration_min:.1f}-minute mix (44.1 kHz stereo): {time.perf_counter() - start:.2f} s, "
          f"{analysis.tempo.bpm:.2f} BPM, {analysis.key.name}, {len(analysis.sections)} sections")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

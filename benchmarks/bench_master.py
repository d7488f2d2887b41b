"""Benchmark the master check and the solved master chain (issue 15).

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_master.py [--quick]``

1. True peak (BS.1770-4 Annex 2, 4x) against a 32x-oversampled reference
   (``scipy.signal.resample_poly`` with a long Kaiser filter) on 50 signals:
   sines 20 Hz - 15 kHz at random phases, inter-sample-peak cases, sums of
   sines, clipped noise, drum-like bursts. Done when every signal is within 0.3 dB.
2. The solved chain on 30 rendered mixes (fluidsynth songs, gains and bus
   clipping spread over -30 to -8 LUFS): the simulated output measured by an
   independent meter (pyloudnorm for loudness, 32x oversampling for the peak).
   Done when >= 28/30 are within 0.5 LU of -14 LUFS and none is over -1 dBTP.
3. 20 already-mastered inputs (the mixes mastered here by a different process:
   gain and an oversampled soft clipper, to -14 +-0.8 LUFS, true peak under
   -1.2 dBTP): done when >= 18 get a suggested change of at most 0.5 dB.
"""

from __future__ import annotations

import os
import sys
import time

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import numpy as np  # noqa: E402

from reaper_ext.analysis.peak import true_peak_dbtp  # noqa: E402
from reaper_ext.reference.chain import simulate_chain, solve_chain  # noqa: E402

SAMPLE_RATE_HZ = 44100


def reference_true_peak_dbtp(samples: np.ndarray, oversample: int = 32) -> float:
    """Peak of the signal upsampled 32x (a long windowed-sinc interpolator)."""
    from scipy.signal import resample_poly

    up = resample_poly(samples.astype(np.float64), oversample, 1, axis=0, window=("kaiser", 10.0))
    return float(20 * np.log10(np.abs(up).max()))


def true_peak_signals(rng: np.random.Generator) -> list[tuple[str, np.ndarray]]:
    sr = SAMPLE_RATE_HZ
    t = np.arange(int(0.5 * sr)) / sr
    signals = []
    for freq_hz in np.geomspace(20, 15000, 20):
        phase = rng.uniform(0, 2 * np.pi)
        signals.append((f"sine {freq_hz:.0f} Hz", (0.5 * np.sin(2 * np.pi * freq_hz * t + phase))[:, None]))
    for divisor, phase_deg in ((4, 45), (6, 30), (8, 22.5), (4, 30), (5, 36), (3, 60), (7, 10), (10, 18)):
        freq_hz = sr / divisor
        signals.append((f"fs/{divisor} at {phase_deg} deg", (0.9 * np.sin(2 * np.pi * freq_hz * t + np.radians(phase_deg)))[:, None]))
    for k in range(8):
        freqs = rng.uniform(50, 12000, 6)
        mix = sum(np.sin(2 * np.pi * f * t + rng.uniform(0, 6.3)) for f in freqs)
        signals.append((f"six sines #{k}", (0.8 * mix / np.abs(mix).max())[:, None]))
    for k in range(8):
        noise = rng.standard_normal((t.size, 2)) * 0.3
        signals.append((f"clipped noise #{k}", np.clip(noise, -0.5 + 0.05 * k, 0.5 - 0.05 * k)))
    for k in range(6):
        burst = np.zeros((t.size, 1))
        start = int(rng.integers(100, t.size // 2))
        length = int(rng.integers(200, 4000))
        envelope = np.exp(-np.arange(length) / (length / 5))
        burst[start:start + length, 0] = 0.9 * envelope * np.sin(2 * np.pi * rng.uniform(60, 8000) * np.arange(length) / sr)
        signals.append((f"burst #{k}", burst))
    return signals


def bench_true_peak() -> bool:
    rng = np.random.default_rng(3341)
    errors = []
    for name, signal in true_peak_signals(rng):
        ours = true_peak_dbtp(signal.astype(np.float32), SAMPLE_RATE_HZ)
        reference = reference_true_peak_dbtp(signal)
        errors.append(ours - reference)
        if abs(ours - reference) > 0.3:
            print(f"  over 0.3 dB: {name}: {ours:.3f} vs {reference:.3f}")
    errors_arr = np.abs(np.array(errors))
    n_ok = int((errors_arr <= 0.3).sum())
    print(f"true peak: {n_ok}/{len(errors)} within 0.3 dB of 32x; max |error| {errors_arr.max():.3f} dB, "
          f"mean {errors_arr.mean():.3f} dB")
    return n_ok == len(errors)


def rendered_mixes(n_songs: int) -> list[np.ndarray]:
    from reaper_ext_testkit import songbook

    songs = []
    for index in range(n_songs):
        song = songbook.compose_song(tempo_bpm=90 + 17 * index, tonic=songbook.PITCH_CLASSES[(5 * index) % 12],
                                     mode=("major", "minor")[index % 2], structure="ABCB"[: 2 + index % 3],
                                     bars_per_section=2, soundfont=("fluidr3", "timgm6mb")[index % 2], seed=90 + index)
        songs.append(song.mix)
    return songs


def loudness_pyloudnorm(samples: np.ndarray) -> float:
    import pyloudnorm

    return float(pyloudnorm.Meter(SAMPLE_RATE_HZ).integrated_loudness(samples.astype(np.float64)))


def spread_mixes(songs: list[np.ndarray], n_mixes: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Mixes at loudness spread over -30..-8 LUFS; the loud ones clipped on the bus as a loud mix is."""
    targets = np.linspace(-30.0, -8.0, n_mixes)
    mixes = []
    for index, target in enumerate(targets):
        song = songs[index % len(songs)]
        gain_db = target - loudness_pyloudnorm(song)
        mix = song * 10 ** (gain_db / 20)
        if target > -16:  # a loud mix: its bus clips; the level is then what it is
            mix = np.tanh(mix * 1.5) / 1.5
        mixes.append(mix.astype(np.float32))
    return mixes


def bench_chain(mixes: list[np.ndarray]) -> bool:
    hits = over = 0
    worst = 0.0
    elapsed = 0.0
    for mix in mixes:
        start = time.perf_counter()
        # allow_note=False: the solver is tested on every mix, also those 'do no harm' would leave alone
        plan = solve_chain(mix, SAMPLE_RATE_HZ, target_lufs=-14.0, ceiling_dbtp=-1.0, allow_note=False)
        elapsed += time.perf_counter() - start
        out = simulate_chain(mix, SAMPLE_RATE_HZ, plan.settings)
        loudness = loudness_pyloudnorm(out)
        peak = reference_true_peak_dbtp(out)
        ok = abs(loudness - (-14.0)) <= 0.5
        hits += ok
        over += peak > -1.0 + 1e-3
        worst = max(worst, abs(loudness + 14.0))
        print(f"  in {plan.input_lufs:6.1f} LUFS {plan.input_true_peak_dbtp:5.1f} dBTP -> {loudness:6.2f} LUFS "
              f"{peak:5.2f} dBTP (predicted {plan.predicted_lufs:6.2f}, {plan.predicted_true_peak_dbtp:5.2f})"
              f"{'' if ok else '  MISS'}")
    print(f"chain: {hits}/{len(mixes)} within 0.5 LU of -14 LUFS (pyloudnorm), {over} over -1 dBTP (32x); "
          f"worst {worst:.2f} LU; {elapsed / len(mixes):.2f} s per mix of "
          f"{np.mean([m.shape[0] for m in mixes]) / SAMPLE_RATE_HZ:.0f} s")
    return hits >= int(np.ceil(len(mixes) * 28 / 30)) and over == 0


def master_externally(mix: np.ndarray, target_lufs: float) -> np.ndarray:
    """A different mastering process: gain, 4x-oversampled tanh soft clip at -2 dBFS, peak trim under -1.2 dBTP (32x)."""
    from scipy.signal import resample_poly

    out = mix.astype(np.float64)
    knee = 10 ** (-2.0 / 20)
    for _ in range(8):
        out = out * 10 ** ((target_lufs - loudness_pyloudnorm(out)) / 20)
        up = resample_poly(out, 4, 1, axis=0)
        out = resample_poly(np.tanh(up / knee) * knee, 1, 4, axis=0)[: mix.shape[0]]
        peak = reference_true_peak_dbtp(out)
        if peak > -1.2:
            out *= 10 ** ((-1.2 - peak) / 20)
    return out.astype(np.float32)


def bench_mastered(songs: list[np.ndarray], n_inputs: int, rng: np.random.Generator) -> bool:
    n_small = 0
    for index in range(n_inputs):
        target = -14.0 + float(rng.uniform(-0.8, 0.8))
        mastered = master_externally(songs[index % len(songs)], target)
        plan = solve_chain(mastered, SAMPLE_RATE_HZ, target_lufs=-14.0, ceiling_dbtp=-1.0)
        change = plan.largest_change_db()
        n_small += change <= 0.5
        print(f"  mastered at {plan.input_lufs:6.2f} LUFS {plan.input_true_peak_dbtp:5.2f} dBTP: "
              f"largest suggested change {change:.2f} dB{' (note only)' if plan.is_note_only else ''}")
    print(f"already mastered: {n_small}/{n_inputs} with a suggested change <= 0.5 dB")
    return n_small >= int(np.ceil(n_inputs * 18 / 20))


def main() -> int:
    quick = "--quick" in sys.argv
    ok = bench_true_peak()
    rng = np.random.default_rng(15)
    songs = rendered_mixes(3 if quick else 6)
    ok &= bench_chain(spread_mixes(songs, 6 if quick else 30, rng))
    ok &= bench_mastered(songs, 4 if quick else 20, rng)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

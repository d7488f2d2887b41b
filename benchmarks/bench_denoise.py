"""Benchmark the noise clean-up on parts with known noise.

Run: ``.venv/bin/python benchmarks/bench_denoise.py [--parts 6] [--clean-tracks 40] [--skip-speed | --speed-only]``

* hiss: formant-voice and GM (flute, clarinet) parts with white or brighter
  (+3 dB/octave) noise at 10 and 20 dB SNR: SI-SDR gain of the rendered
  clean-up, and the presence (2-5 kHz) level change of the result against the
  clean part on its active frames;
* hum at 50/60 Hz (+-0.3 Hz off nominal, 5 harmonics, -45 dBFS): each
  harmonic's depth after the notches at the measured frequencies (the hum
  alone through the same filters), and the largest level change of broadband
  noise more than 10% (at least 12 Hz) away from the harmonics;
* clicks: F1 of the detector on parts with 15 injected clicks;
* clean tracks: how many of ``--clean-tracks`` clean renders (GM programs
  from FluidR3 and TimGM6mb, formant voices) get a clean-up suggestion;
* breaths: level change of breaths in the gaps of a hissy vocal;
* speed: a 3-minute mono vocal with hiss, measured, decided and rendered.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from reaper_ext_testkit.intonation import random_part, render_bent, synth_voice
from reaper_ext_testkit.noisy import add_breaths, add_clicks, add_hum, hiss, si_sdr_db

from reaper_ext.cleanup.clicks import find_clicks
from reaper_ext.cleanup.hum import measure_hum, remove_hum
from reaper_ext.cleanup.plan import plan_cleanup, render_cleanup
from reaper_ext.cleanup.profile import N_FFT
from reaper_ext.cleanup.stft import stft

SR = 44100


def _part(kind: str, seed: int) -> tuple[np.ndarray, list]:
    notes, _ = random_part(seed, n_notes=8, gap_sec=0.5)
    if kind == "voice":
        audio = synth_voice(notes, sample_rate_hz=SR, vowel="aiuo"[seed % 4], seed=seed)
    elif kind == "flute":
        audio = render_bent(notes, program=73, soundfont="fluidr3")
    else:
        audio = render_bent(notes, program=71, soundfont="timgm6mb")
    return audio[:, 0].astype(np.float64), notes


def _presence_change_db(clean: np.ndarray, out: np.ndarray) -> float:
    spec_clean, spec_out = stft(clean, N_FFT, 512), stft(out, N_FFT, 512)
    freqs = np.fft.rfftfreq(N_FFT, 1 / SR)
    band = (freqs >= 2000) & (freqs < 5000)
    level = 10 * np.log10(np.sum(np.abs(spec_clean) ** 2, axis=1) + 1e-20)
    active = level >= level.max() - 40
    p_clean = np.mean(np.abs(spec_clean[np.ix_(active, band)]) ** 2)
    p_out = np.mean(np.abs(spec_out[np.ix_(active, band)]) ** 2)
    return float(10 * np.log10(p_out / p_clean))


def _speed(args) -> int:
    """A 3-minute vocal with hiss measured, decided and rendered in one process; wall and CPU time."""
    notes, _ = random_part(7, n_notes=200, gap_sec=0.15)
    audio = synth_voice(notes, sample_rate_hz=SR)[: int(180 * SR), 0].astype(np.float64)
    audio = audio + hiss(audio.size, -50.0, seed=3)
    start, cpu_start = time.perf_counter(), time.process_time()
    plan = plan_cleanup(audio, SR)
    out = render_cleanup(audio, SR, plan)
    elapsed, cpu_sec = time.perf_counter() - start, time.process_time() - cpu_start
    print(f"speed: {audio.size / SR:.0f} s mono vocal measured, decided and rendered in {elapsed:.1f} s wall "
          f"(one process, CPU time {cpu_sec:.1f} s; denoise {plan.denoise}, {len(plan.clicks)} clicks, {out.size} samples)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", type=int, default=6)
    parser.add_argument("--clean-tracks", type=int, default=40)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--speed-only", action="store_true", help="only the speed figure, from a cold start (imports included)")
    args = parser.parse_args()
    if args.speed_only:
        return _speed(args)
    kinds = ("voice", "flute", "clarinet")
    parts = [_part(kinds[n % 3], 10 + n) for n in range(args.parts)]

    for snr_db in (10.0, 20.0):
        gains, presence, suggested = [], [], 0
        for n, (clean, _) in enumerate(parts):
            level = 10 * np.log10(np.mean(clean[np.abs(clean) > 1e-3 * np.abs(clean).max()] ** 2))
            noise = hiss(clean.size, level - snr_db, tilt_db_per_octave=3.0 if n % 2 else 0.0, seed=n)
            noisy = clean + noise
            plan = plan_cleanup(noisy, SR)
            out = render_cleanup(noisy, SR, plan)
            suggested += plan.denoise
            gains.append(si_sdr_db(clean, out) - si_sdr_db(clean, noisy))
            presence.append(_presence_change_db(clean, out))
        print(f"hiss at {snr_db:.0f} dB SNR: SI-SDR gain median {np.median(gains):+.1f} dB (min {np.min(gains):+.1f}); "
              f"presence change vs clean median {np.median(presence):+.2f} dB (worst {presence[int(np.argmax(np.abs(presence)))]:+.2f}); "
              f"denoise suggested on {suggested}/{len(parts)}")

    depths, elsewhere = [], []
    for n, (clean, _) in enumerate(parts[:4]):
        nominal = (50.0, 60.0)[n % 2]
        true_hz = nominal + (-0.3, 0.2, 0.1, -0.15)[n]
        humming, hum = add_hum(clean, true_hz, -45.0, sample_rate_hz=SR)
        measured = measure_hum(humming, SR, nominal)
        if measured is None:
            print(f"hum {true_hz} Hz: not measured")
            continue
        freqs = [k * measured.base_hz for k in range(1, 6)]
        residual = remove_hum(hum, SR, freqs)[SR:-SR]
        t = np.arange(hum.size)[SR:-SR] / SR
        for k in range(1, 6):
            probe = np.exp(-2j * np.pi * k * true_hz * t)
            depths.append(20 * np.log10(abs(np.dot(residual, probe)) / abs(np.dot(hum[SR:-SR], probe))))
        from scipy.signal import welch

        noise = hiss(SR * 8, -30.0, seed=n)
        f, before = welch(noise, SR, nperseg=16384)
        _, after = welch(remove_hum(noise, SR, freqs), SR, nperseg=16384)
        away = f > 20
        for freq in freqs:
            away &= np.abs(f - freq) > max(12.0, 0.1 * freq)
        elsewhere.append(float(np.max(np.abs(10 * np.log10(after[away] / before[away])))))
    print(f"hum: harmonic depth after the notches worst {np.max(depths):.1f} dB (median {np.median(depths):.1f}); "
          f"largest change elsewhere {np.max(elsewhere):.2f} dB")

    tp = fp = fn = 0
    for n, (clean, _) in enumerate(parts):
        base = clean + hiss(clean.size, -70.0, seed=100 + n)
        clicked, positions = add_clicks(base, 15, seed=n)
        found = find_clicks(clicked, SR)
        hit = [any(a - 50 <= p <= b + 50 for a, b in found) for p in positions]
        tp += sum(hit)
        fn += len(hit) - sum(hit)
        fp += sum(not any(a - 50 <= p <= b + 50 for p in positions) for a, b in found)
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    print(f"clicks: F1 {2 * precision * recall / max(1e-9, precision + recall):.3f} (precision {precision:.3f}, recall {recall:.3f}, {tp + fn} clicks)")

    from reaper_ext_testkit.datagen.render import Note, render_notes

    rng = np.random.default_rng(5)
    flagged = []
    for n in range(args.clean_tracks):
        if n % 4 == 3:
            notes, _ = random_part(500 + n, n_notes=8, gap_sec=float(rng.uniform(0.1, 0.8)))
            audio = synth_voice(notes, sample_rate_hz=SR, vowel="aiuo"[n % 4], seed=n)[:, 0]
            name = "voice"
        else:
            program = int(rng.integers(0, 112))
            notes = []
            time_sec = 0.2
            for _ in range(10):
                duration = float(rng.uniform(0.2, 0.9))
                chord = [int(rng.integers(48, 72))] + ([int(rng.integers(48, 72))] if rng.random() < 0.3 else [])
                notes += [Note(time_sec, duration, pitch, int(rng.integers(60, 120))) for pitch in chord]
                time_sec += duration + float(rng.uniform(0.0, 0.6))
            stereo = render_notes(notes, program=program, soundfont=("fluidr3", "timgm6mb")[n % 2], sample_rate_hz=SR)
            audio = stereo.mean(axis=1)
            name = f"GM program {program}"
        plan = plan_cleanup(audio.astype(np.float64), SR)
        if plan.is_suggested:
            flagged.append(f"{name}: {plan.why}")
    print(f"clean tracks with a clean-up suggestion: {len(flagged)}/{args.clean_tracks}")
    for line in flagged:
        print("  " + line)

    clean, notes = parts[0]
    gaps = [note.end_sec + 0.1 for note in notes[:-1]]
    with_breaths, spans = add_breaths(clean, gaps, -38.0, duration_sec=0.3, seed=1)
    noisy = with_breaths + hiss(clean.size, -60.0, seed=2)
    plan = plan_cleanup(noisy, SR)
    out = render_cleanup(noisy, SR, plan)
    changes = [10 * np.log10(np.mean(out[a:b] ** 2) / np.mean(with_breaths[a:b] ** 2)) for a, b in spans]
    print(f"breaths: {len(spans)} breaths, level change after the clean-up worst {changes[int(np.argmax(np.abs(changes)))]:+.2f} dB "
          f"(denoise {plan.denoise}, {len(plan.profile.breaths)} breaths reported)")

    if not args.skip_speed:
        _speed(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

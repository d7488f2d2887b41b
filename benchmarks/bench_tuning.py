"""Benchmark the intonation check on parts with known pitch.

Run: ``.venv/bin/python benchmarks/bench_tuning.py [--seeds 4] [--model tiny|full] [--skip-speed | --speed-only]``

Parts (random phrases of 10 notes, 30% sung 30-60 cents off, half with
vibrato of +-30-50 cents or scoops of 60-120 ms; ``reaper_ext_testkit.intonation``):
a formant-synthesis voice (vowels a/i/u/o) and General MIDI flute (FluidR3)
and clarinet (TimGM6mb) carried by pitch bends, each clean and at 20 dB SNR.

Prints the issue's numbers:

* pitch, over the frames where a note sounds: raw pitch accuracy (within 50
  cents; a sounding frame judged unvoiced is a miss), median absolute error,
  octave errors (1200 +- 100 cents off);
* flagging, with a MIDI guide of the written notes as the target: share of
  the off notes (>= 30 cents) flagged (and, with the nearest semitone as the
  target, of those 30-50 cents off: past 50 the nearest semitone is the other one); share of the in-tune
  notes that carry vibrato or a scoop that were flagged;
* the envelope applied to the true pitch: residual centre error of each
  flagged off note (cents), vibrato extent kept, scoop depth kept; the true pitch
  of a sound-font note is what the renderer plays (``sounding_offset_cents``:
  its samples' own tuning measured on the unbent note), the figure against the
  MIDI pitch and bend alone printed beside it;
* speed: a 3-minute mono vocal checked end to end with 2 torch threads.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from reaper_ext_testkit.intonation import add_noise, f0_contour, random_part, render_bent, synth_voice

from reaper_ext.tuning.check import check_intonation, judge_notes
from reaper_ext.tuning.config import TuningSettings
from reaper_ext.tuning.envelope import correction_at
from reaper_ext.tuning.targets import GuideNote

SR = 44100
RENDERERS = {
    "voice": lambda notes, seed: synth_voice(notes, sample_rate_hz=SR, vowel="aiuo"[seed % 4], seed=seed),
    "flute": lambda notes, seed: render_bent(notes, program=73, soundfont="fluidr3"),
    "clarinet": lambda notes, seed: render_bent(notes, program=71, soundfont="timgm6mb"),
}


_SOUNDING: dict[tuple[str, int], float] = {}


def sounding_offset_cents(renderer_name: str, pitch: int) -> float:
    """What a renderer really plays for an unbent, in-tune MIDI note: cents from the MIDI pitch.

    A sound font's samples are tuned only so well (FluidR3's flute plays several cents
    sharp), so the "true pitch" of a bent GM note is its MIDI pitch plus the bend plus
    this offset. Measured once per note with an estimator independent of the check: a
    1 s Hann window zero-padded 16 times, the first six harmonics' peaks near
    k x the nominal frequency (+-60 cents), parabolic interpolation on the log
    magnitude, the harmonics' f0 estimates weighted by their magnitude. The formant
    voice is synthesised at its exact pitch: 0.
    """
    if renderer_name == "voice":
        return 0.0
    key = (renderer_name, pitch)
    if key not in _SOUNDING:
        from reaper_ext_testkit.intonation import SungNote

        audio = np.asarray(RENDERERS[renderer_name]([SungNote(0.1, 1.6, pitch)], 0), dtype=np.float64)
        audio = audio.mean(axis=1) if audio.ndim == 2 else audio
        segment = audio[int(0.5 * SR): int(1.5 * SR)]
        n_fft = 16 * segment.size
        magnitude = np.abs(np.fft.rfft(segment * np.hanning(segment.size), n_fft))
        nominal_hz = 440.0 * 2.0 ** ((pitch - 69) / 12.0)
        estimates, weights = [], []
        for k in range(1, 7):
            lo, hi = (int(k * nominal_hz * 2 ** (side * 60 / 1200) * n_fft / SR) for side in (-1, 1))
            if hi + 1 >= magnitude.size or hi <= lo:
                break
            peak = lo + int(np.argmax(magnitude[lo:hi]))
            a, b, c = np.log(magnitude[peak - 1: peak + 2] + 1e-20)
            shift = 0.5 * (a - c) / (a - 2 * b + c) if a - 2 * b + c < 0 else 0.0
            estimates.append((peak + shift) * SR / n_fft / k)
            weights.append(magnitude[peak])
        _SOUNDING[key] = float(1200 * np.log2(np.average(estimates, weights=weights) / nominal_hz))
    return _SOUNDING[key]


def _match(result, notes):
    """For each true note, the detected note overlapping it most (or None)."""
    matched = []
    for note in notes:
        best, best_overlap = None, 0.0
        for judged in result.notes:
            overlap = min(note.end_sec, judged.shape.end_sec) - max(note.start_sec, judged.shape.start_sec)
            if overlap > best_overlap:
                best, best_overlap = judged, overlap
        matched.append(best if best_overlap >= 0.5 * note.duration_sec else None)
    return matched


def _speed(args) -> int:
    """A 3-minute vocal checked end to end on 2 torch threads; wall and CPU time (all threads)."""
    notes, _ = random_part(7, n_notes=200, gap_sec=0.15)
    audio = synth_voice(notes, sample_rate_hz=SR)[: int(180 * SR)]
    cold = "torch" not in __import__("sys").modules
    start, cpu_start = time.perf_counter(), time.process_time()
    result = check_intonation(audio, SR, TuningSettings(model=args.model), n_threads=2)
    elapsed, cpu_sec = time.perf_counter() - start, time.process_time() - cpu_start
    print(f"speed: {audio.shape[0] / SR:.0f} s mono vocal checked in {elapsed:.1f} s wall on 2 threads "
          f"({len(result.notes)} notes; torch import and model load {'included' if cold else 'done before'}); "
          f"CPU time {cpu_sec:.1f} s (on a shared machine wall time includes waiting for the cores)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--model", default="tiny", choices=("tiny", "full"))
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--speed-only", action="store_true", help="only the speed figure, from a cold start (imports included)")
    args = parser.parse_args()
    if args.speed_only:
        return _speed(args)
    settings = TuningSettings(model=args.model)

    frames = {"clean": [], "noisy": []}
    off_found = off_total = expr_flagged = expr_total = near_found = near_total = 0
    residuals, vibrato_kept, scoop_kept = [], [], []
    residual_by: dict[str, list[float]] = {name: [] for name in RENDERERS}
    signed_by: dict[str, list[float]] = {name: [] for name in RENDERERS}  # corrected minus target: the bias
    midi_residual_by: dict[str, list[float]] = {name: [] for name in RENDERERS}  # against the MIDI pitch + bend only
    for renderer_name, render in RENDERERS.items():
        for seed in range(args.seeds):
            notes, is_off = random_part(100 * seed + len(renderer_name), n_notes=10)
            clean = render(notes, seed)
            for condition, audio in (("clean", clean), ("noisy", add_noise(clean, 20.0, seed=seed))):
                # targets from a MIDI guide of the written notes (the first target source);
                # the nearest-semitone figure is printed separately below
                guide = [GuideNote(n.start_sec, n.end_sec, n.pitch) for n in notes]
                result = check_intonation(audio, SR, settings, guide=guide, n_threads=2)
                nearest = judge_notes(result.track, settings)
                for note, off, judged in zip(notes, is_off, _match(nearest, notes), strict=False):
                    if off and abs(note.offset_cents) < 50:
                        near_total += 1
                        near_found += judged is not None and judged.is_flagged
                track = result.track  # the pitch track the notes came from
                truth = f0_contour(notes, track.times_sec)
                sounding = ~np.isnan(truth)
                error = np.where(track.voiced, np.abs(track.midi - truth) * 100.0, np.inf)[sounding]
                frames[condition].append(error)
                matched = _match(result, notes)
                points = result.envelope()
                for note, off, judged in zip(notes, is_off, matched, strict=False):
                    flagged = judged is not None and judged.is_flagged
                    has_expression = note.vibrato_cents > 0 or note.scoop_sec > 0
                    if off:
                        off_total += 1
                        off_found += flagged
                    elif has_expression:
                        expr_total += 1
                        expr_flagged += flagged
                    if not (off and flagged):
                        continue
                    # the envelope applied to the true pitch of this note
                    times = np.arange(note.start_sec, note.end_sec, 0.001)
                    corrected = f0_contour(notes, times) * 100.0 + correction_at(points, times)
                    body = times >= note.start_sec + note.scoop_sec
                    if note.vibrato_cents:
                        cycles = int((note.end_sec - note.start_sec - note.scoop_sec) * note.vibrato_hz)
                        body &= times < note.start_sec + note.scoop_sec + cycles / note.vibrato_hz
                    # against the pitch the renderer really plays (the MIDI pitch, bend and the sound font's own tuning)
                    signed = float(np.mean(corrected[body]) + sounding_offset_cents(renderer_name, note.pitch) - note.pitch * 100.0)
                    residuals.append(abs(signed))
                    residual_by[renderer_name].append(residuals[-1])
                    signed_by[renderer_name].append(signed)
                    midi_residual_by[renderer_name].append(abs(float(np.mean(corrected[body]) - note.pitch * 100.0)))
                    if note.vibrato_cents:
                        extent = np.sqrt(2) * np.std(corrected[body] - np.polyval(np.polyfit(times[body], corrected[body], 1), times[body]))
                        vibrato_kept.append(extent / note.vibrato_cents)
                    if note.scoop_sec:
                        depth = corrected[np.searchsorted(times, note.start_sec + note.scoop_sec)] - corrected[0]
                        scoop_kept.append(depth / -note.scoop_cents)
    print(f"model {args.model}, {args.seeds} seeds x {len(RENDERERS)} renderers x 10 notes")
    for condition, errors in frames.items():
        e = np.concatenate(errors)
        print(f"pitch {condition:5s}: raw pitch accuracy (50 cents) {np.mean(e <= 50):.4f}, median error {np.median(e):.1f} cents, "
              f"octave errors {np.mean(np.abs(e - 1200) <= 100):.4%} ({e.size} frames)")
    print(f"off notes (>= 30 cents) flagged: {off_found}/{off_total} = {off_found / max(1, off_total):.1%}")
    print(f"  without a guide (nearest semitone), off notes 30-50 cents flagged: {near_found}/{near_total} = "
          f"{near_found / max(1, near_total):.1%}")
    print(f"in-tune notes with vibrato or scoops flagged: {expr_flagged}/{expr_total} = {expr_flagged / max(1, expr_total):.1%}")
    print(f"envelope on the true pitch: residual centre error median {np.median(residuals):.1f} cents, "
          f"max {np.max(residuals):.1f} cents, <= 5 cents {np.mean(np.array(residuals) <= 5):.1%} ({len(residuals)} notes); "
          f"vibrato extent kept median {np.median(vibrato_kept):.1%} (min {np.min(vibrato_kept):.1%}, n={len(vibrato_kept)}); "
          f"scoop depth kept median {np.median(scoop_kept):.1%} (min {np.min(scoop_kept):.1%}, n={len(scoop_kept)})")
    for name, values in residual_by.items():
        if values:
            offsets = [value for (renderer, _), value in _SOUNDING.items() if renderer == name]
            print(f"  {name}: residual centre error median {np.median(values):.1f} cents, <= 5 cents {np.mean(np.array(values) <= 5):.0%} "
                  f"({len(values)} notes); signed median {np.median(signed_by[name]):+.1f} cents; against the MIDI pitch "
                  f"and bend alone median {np.median(midi_residual_by[name]):.1f} cents, <= 5 cents "
                  f"{np.mean(np.array(midi_residual_by[name]) <= 5):.0%}"
                  + (f"; the sound font plays unbent notes {min(offsets):+.1f} to {max(offsets):+.1f} cents off" if offsets else ""))
    if not args.skip_speed:
        _speed(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

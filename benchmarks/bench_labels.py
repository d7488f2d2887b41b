"""Accuracy and speed of the instrument labeller on unseen renders.

Test material differs from training: another seed (so other keys, tempi, programs,
rhythms), 20-second parts at 44.1 kHz (training: 6 s at 22.05 kHz), both allowed
sound fonts, augmented (level, EQ, room, noise, bleed), and the tracks of the
example session. Every track gets a generic name, so only the audio decides.

    .venv/bin/python benchmarks/bench_labels.py [--clips 8]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

from reaper_ext_testkit.datagen.parts import labelled_examples, render_class_clips  # noqa: E402
from reaper_ext.labels import COARSE_OF, FINE_CLASSES, classify_track  # noqa: E402

SEED = 987_654
SAMPLE_RATE_HZ = 44100
EXAMPLE_TRUTH = {"audio01": "kick", "audio02": "snare", "audio03": "hihat", "audio04": "bass", "audio05": "keys",
                 "audio06": "strings", "audio07": "vocals", "audio08": "synth_lead"}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print accuracy, confusion and timing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=8, help="rendered parts per class (default 8)")
    args = parser.parse_args(argv)
    pool = {name: render_class_clips(name, 1, seed=SEED + 50_000 + k, duration_sec=20.0,
                                     sample_rate_hz=SAMPLE_RATE_HZ) for k, name in enumerate(FINE_CLASSES)}
    truth, predicted = [], []
    for k, name in enumerate(FINE_CLASSES):
        for n, clip in enumerate(labelled_examples(name, args.clips, seed=SEED + 1000 * k, bleed_pool=pool,
                                                   n_augment=1, duration_sec=20.0,
                                                   sample_rate_hz=SAMPLE_RATE_HZ)):
            label = classify_track(clip, SAMPLE_RATE_HZ, track_name=f"Audio {n + 1:02d}")
            truth.append(name)
            predicted.append(label.fine_class)
    truth_arr, pred_arr = np.array(truth), np.array(predicted)
    fine = float(np.mean(truth_arr == pred_arr))
    # a single instrument called "mix" (the full-mix detector) counts as wrong at both levels
    coarse = float(np.mean([COARSE_OF[t] == COARSE_OF.get(p, p) for t, p in zip(truth, predicted, strict=True)]))
    print(f"rendered tracks: {len(truth)} ({args.clips} per class, seed {SEED}, 20 s, 44.1 kHz)")
    print(f"fine accuracy:   {fine:.3f}")
    print(f"coarse accuracy: {coarse:.3f}")
    print(f"single instruments called a full mix: {int(np.sum(pred_arr == 'mix'))} of {len(truth)}")
    print("confusion (row = truth, only misses listed):")
    for name in FINE_CLASSES:
        rows = pred_arr[truth_arr == name]
        misses = {p: int(np.sum(rows == p)) for p in np.unique(rows) if p != name}
        print(f"  {name:11s} {np.mean(rows == name):.2f}  {misses if misses else ''}")

    import soundfile

    media = ROOT / "examples" / "session" / "media"
    n_right = 0
    for stem, expected in EXAMPLE_TRUTH.items():
        audio, rate_hz = soundfile.read(str(media / f"{stem}.flac"), dtype="float32", always_2d=True)
        label = classify_track(audio, rate_hz)
        n_right += label.fine_class == expected
        print(f"  example {stem}: {label.fine_class:11s} ({label.confidence:.2f}) expected {expected}")
    print(f"example session: {n_right}/{len(EXAMPLE_TRUTH)} fine")

    rng = np.random.default_rng(0)
    song = np.concatenate([pool[str(name)][0] for name in rng.choice(FINE_CLASSES, 12)])
    classify_track(song[: SAMPLE_RATE_HZ * 5], SAMPLE_RATE_HZ)  # warm-up (imports, weights)
    started = time.perf_counter()
    for _ in range(5):
        classify_track(song, SAMPLE_RATE_HZ)
    print(f"inference on a {song.shape[0] / SAMPLE_RATE_HZ:.0f} s stereo track: "
          f"{(time.perf_counter() - started) / 5:.3f} s per track")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Train the full-mix detector: is this track a bounced mix, or one instrument?

Usage: .venv/bin/python training/train_mix_detector.py

Renders full mixes (drums + bass + harmony + lead from FluidR3_GM/TimGM6mb
renders and espeak-ng voices) and single parts, with the labeller's
augmentation (level, EQ tilt, room, noise, bleed, mono/stereo); fits a
logistic regression on the labeller's own features (so inference costs one
dot product); writes ``reaper_ext/labels/weights/mix_detector.npz`` and its
JSON metadata. Deterministic (fixed seeds); about a minute on 2 cores.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

from reaper_ext_testkit.datagen import Note, render_notes  # noqa: E402
from reaper_ext_testkit.datagen.parts import augment, render_class_clips, render_mix_clips  # noqa: E402
from reaper_ext.labels.features import FEATURE_VERSION, track_features  # noqa: E402

SEED = 2468
N_MIXES = 240
RATE_HZ = 22050
OUT = ROOT / "reaper_ext" / "labels" / "weights"
EXTRA_SINGLE_CLASSES = ("toms", "fx", "other", "synth_pad")
# Polyphonic single instruments (sustained chords) sound "full" too: they must not read as mixes.
CHORD_PROGRAMS = (0, 1, 2, 4, 5, 19, 24, 25, 26, 48, 49, 50, 88, 89, 91, 94)


def render_chord_clips(rng: np.random.Generator, n_clips: int) -> list[np.ndarray]:
    """Sustained, overlapping chords on pianos, organs, guitars, strings and pads (6 s each)."""
    clips = []
    for k in range(n_clips):
        root = int(rng.integers(36, 60))
        notes = []
        t_sec = 0.0
        while t_sec < 6.0:
            chord_root = root + int(rng.choice([0, 5, 7, 9, -3]))
            length_sec = float(rng.choice([0.5, 1.0, 2.0]))
            for interval in (0, 4 if rng.random() < 0.5 else 3, 7, 12):
                notes.append(Note(t_sec, length_sec * 1.3, chord_root + interval, int(rng.integers(60, 110))))
            t_sec += length_sec
        audio = render_notes(notes, program=int(CHORD_PROGRAMS[k % len(CHORD_PROGRAMS)]), sample_rate_hz=RATE_HZ,
                             soundfont=("fluidr3", "timgm6mb")[k % 2], tail_sec=0.0)
        clips.append(audio[: int(6.0 * RATE_HZ)])
    return clips


def random_crop(clip: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Half the examples are 2.5-6 s excerpts: tracks are judged on excerpts too."""
    if rng.random() < 0.5:
        return clip
    n_keep = int(rng.uniform(2.5, 6.0) * RATE_HZ)
    start = int(rng.integers(0, max(1, clip.shape[0] - n_keep)))
    return clip[start : start + n_keep]


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1e-2, n_steps: int = 3000) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by gradient descent on standardised features."""
    w = np.zeros(x.shape[1])
    b = 0.0
    step = 0.5
    for _ in range(n_steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        w -= step * (x.T @ (p - y) / len(y) + l2 * w)
        b -= step * float(np.mean(p - y))
    return w, b


def main() -> int:
    started = time.time()
    rng = np.random.default_rng(SEED)
    mixes, pool = render_mix_clips(N_MIXES, seed=SEED, sample_rate_hz=RATE_HZ)
    for k, name in enumerate(EXTRA_SINGLE_CLASSES):
        pool.setdefault(name, [])
        pool[name] += render_class_clips(name, 12, seed=SEED + 500 + k, duration_sec=6.0, sample_rate_hz=RATE_HZ)
    singles = [clip for clips in pool.values() for clip in clips] + render_chord_clips(rng, 64)
    positives = [random_crop(augment(mix, rng, sample_rate_hz=RATE_HZ), rng) for mix in mixes]
    negatives = []
    for clip in singles:
        for _ in range(2):
            bleed = singles[int(rng.integers(0, len(singles)))] if rng.random() < 0.5 else None
            negatives.append(random_crop(augment(clip, rng, bleed=bleed, sample_rate_hz=RATE_HZ), rng))
    x = np.array([track_features(clip, RATE_HZ) for clip in positives + negatives])
    y = np.concatenate([np.ones(len(positives)), np.zeros(len(negatives))])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    is_held = rng.random(len(y)) < 0.2
    w, b = fit_logistic(z[~is_held], y[~is_held])
    held = float(np.mean(((z[is_held] @ w + b) > 0) == (y[is_held] > 0.5)))
    print(f"data: {len(positives)} mixes, {len(negatives)} single parts; held-out accuracy {held:.3f}")
    w, b = fit_logistic(z, y)
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT / "mix_detector.npz", mean=mean.astype(np.float32), scale=scale.astype(np.float32),
                        w=w.astype(np.float32), b=np.float32(b), feature_version=FEATURE_VERSION)
    (OUT / "mix_detector.json").write_text(json.dumps({
        "feature_version": FEATURE_VERSION, "seed": SEED, "n_mixes": len(positives), "n_single_parts": len(negatives),
        "held_out_accuracy": round(held, 4), "training_sec": round(time.time() - started, 1),
    }, indent=2) + "\n")
    print(f"wrote {OUT / 'mix_detector.npz'} in {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

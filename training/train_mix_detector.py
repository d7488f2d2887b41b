"""Train the full-mix detector: is this track a bounced mix, or one instrument?

Usage: .venv/bin/python training/train_mix_detector.py

Renders full mixes (drums + bass + harmony + lead from FluidR3_GM/TimGM6mb
renders and espeak-ng voices) and single parts, with the labeller's
augmentation (level, EQ tilt, room, noise, bleed, mono/stereo); fits a
logistic regression on the labeller's own features (so inference costs one
dot product). Every track of the labeller's training-side realistic sessions
(issue 11: close mics with bleed, overheads, room, DI bass...) is a negative too;
``--exclude-library L`` leaves a library's out (the leave-one-library-out folds of
``benchmarks/bench_realistic.py`` do the same). Writes ``reaper_ext/labels/weights/mix_detector.npz`` and its
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
CACHE = ROOT / ".cache" / "labels"
SESSIONS_PER_LIBRARY = 5  # the labeller's training sessions per library (its held-out sixth is not used here)
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


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1e-2, n_steps: int = 3000,
                 sample_weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by gradient descent on standardised features (optionally weighted rows)."""
    weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    weight = weight / weight.mean()
    w = np.zeros(x.shape[1])
    b = 0.0
    step = 0.5
    for _ in range(n_steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        residual = weight * (p - y)
        w -= step * (x.T @ residual / len(y) + l2 * w)
        b -= step * float(np.mean(residual))
    return w, b


def base_dataset(cache: Path = CACHE) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows of the rendered mixes (1) and single parts (0), cached under ``.cache/labels``."""
    path = cache / f"mix_base_v{FEATURE_VERSION}_seed{SEED}_{N_MIXES}.npz"
    if path.is_file():
        with np.load(path) as data:
            return data["x"], data["y"]
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
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, x=x, y=y)
    return x, y


def session_negatives(exclude: tuple[str, ...] = (), n_sessions: int = SESSIONS_PER_LIBRARY) -> np.ndarray:
    """Segment rows of every track of the training-side realistic sessions (issue 11), less excluded libraries.

    A close mic with bleed, an overhead pair or a room mic hears a whole kit, and a DI
    bass or a guitar with the band behind it is dense too: none of them is a bounced
    mix. The sessions are the labeller's training sessions (``train_labeler.SESSION_SEED``,
    never the benchmark's test seeds).
    """
    from reaper_ext_testkit.libraries import allowed_libraries

    trainer = _labeler_trainer()
    rows = []
    for j, library in enumerate(allowed_libraries()):
        if library in exclude:
            continue
        for s in range(n_sessions):
            rows += [track.rows for track in trainer.session_tracks(library, trainer.SESSION_SEED + 1000 * j + s)
                     if track.library not in exclude]
    return np.concatenate(rows) if rows else np.zeros((0, 0))


def _labeler_trainer():
    import importlib.util

    spec = importlib.util.spec_from_file_location("train_labeler", ROOT / "training" / "train_labeler.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("train_labeler", module)
    spec.loader.exec_module(module)
    return sys.modules["train_labeler"]


def train_mix(exclude: tuple[str, ...] = (), *, with_sessions: bool = True) -> tuple[dict[str, np.ndarray], dict[str, object]]:
    """Fit the detector (every allowed library's sessions as negatives but ``exclude``); returns ``(weights, metadata)``.

    Mixes and single parts weigh half each, so the many session rows do not teach it
    that nothing is ever a mix.
    """
    x, y = base_dataset()
    n_session_rows = 0
    if with_sessions:
        extra = session_negatives(exclude)
        if extra.size:
            n_session_rows = len(extra)
            x = np.concatenate([x, extra])
            y = np.concatenate([y, np.zeros(len(extra))])
    weight = np.where(y > 0.5, 0.5 / max(float(np.sum(y > 0.5)), 1.0), 0.5 / max(float(np.sum(y < 0.5)), 1.0))
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    rng = np.random.default_rng(SEED)
    is_held = rng.random(len(y)) < 0.2
    w, b = fit_logistic(z[~is_held], y[~is_held], sample_weight=weight[~is_held])
    held = float(np.mean(((z[is_held] @ w + b) > 0) == (y[is_held] > 0.5)))
    w, b = fit_logistic(z, y, sample_weight=weight)
    weights = {"mean": mean.astype(np.float32), "scale": scale.astype(np.float32), "w": w.astype(np.float32),
               "b": np.float32(b)}
    metadata = {"feature_version": FEATURE_VERSION, "seed": SEED, "n_mixes": int(np.sum(y > 0.5)),
                "n_single_parts": int(np.sum(y < 0.5)) - n_session_rows, "n_session_track_rows": n_session_rows,
                "excluded_libraries": list(exclude), "held_out_accuracy_same_generator": round(held, 4)}
    return weights, metadata


def main(argv: list[str] | None = None) -> int:
    """Train and write the detector; returns the exit status."""
    import argparse

    parser = argparse.ArgumentParser(description="Train the full-mix detector.")
    parser.add_argument("--exclude-library", action="append", default=[], metavar="NAME")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    started = time.time()
    weights, metadata = train_mix(tuple(args.exclude_library))
    metadata["training_sec"] = round(time.time() - started, 1)
    print(f"data: {metadata['n_mixes']} mixes, {metadata['n_single_parts']} single parts, "
          f"{metadata['n_session_track_rows']} session track rows; held-out {metadata['held_out_accuracy_same_generator']:.3f}")
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "mix_detector.npz", feature_version=FEATURE_VERSION, **weights)
    (args.out / "mix_detector.json").write_text(json.dumps(metadata, indent=2) + "\n")
    print(f"wrote {args.out / 'mix_detector.npz'} in {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

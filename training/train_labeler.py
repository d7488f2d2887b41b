"""Train the instrument labeller and export its weights for numpy inference.

One command, reproducible (fixed seeds), makes its own data with fluidsynth
(FluidR3_GM and TimGM6mb) and espeak-ng, caches the features under
``.cache/labels/``, trains a small MLP with torch, and writes
``reaper_ext/labels/weights/labeler.npz`` and ``labeler.json``::

    .venv/bin/python training/train_labeler.py            # about 45 minutes on 2 cores
    .venv/bin/python training/train_labeler.py --clips 20 # a quick smoke run
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

from reaper_ext_testkit.datagen.parts import AUGMENT_VERSION, labelled_examples, render_class_clips  # noqa: E402
from reaper_ext.labels.classes import FINE_CLASSES  # noqa: E402
from reaper_ext.labels.features import FEATURE_VERSION, track_features  # noqa: E402

__all__ = ["SEED", "build_bleed_pool", "class_features", "train", "main"]

SEED = 1234
SAMPLE_RATE_HZ = 22050
DURATION_SEC = 6.0
CACHE = ROOT / ".cache" / "labels"
OUT = ROOT / "reaper_ext" / "labels" / "weights"


def build_bleed_pool(seed: int, *, n_per_class: int = 3) -> dict[str, list[np.ndarray]]:
    """Render a few clips of every class, to bleed into other classes' clips."""
    return {name: render_class_clips(name, n_per_class, seed=seed + 100_000 + k, duration_sec=DURATION_SEC,
                                     sample_rate_hz=SAMPLE_RATE_HZ)
            for k, name in enumerate(FINE_CLASSES)}


def class_features(fine_class: str, n_clips: int, seed: int, bleed_pool: dict[str, list[np.ndarray]],
                   n_augment: int = 2) -> np.ndarray:
    """Feature rows for ``n_clips * n_augment`` augmented clips of one class (cached)."""
    path = CACHE / f"v{FEATURE_VERSION}a{AUGMENT_VERSION}_{fine_class}_{n_clips}x{n_augment}_seed{seed}.npy"
    if path.is_file():
        return np.load(path)
    rows = [track_features(clip, SAMPLE_RATE_HZ)
            for clip in labelled_examples(fine_class, n_clips, seed=seed, bleed_pool=bleed_pool,
                                          n_augment=n_augment, duration_sec=DURATION_SEC,
                                          sample_rate_hz=SAMPLE_RATE_HZ)]
    features = np.array(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, features)
    return features


_POOLS: dict[int, dict[str, list[np.ndarray]]] = {}


def _class_job(args: tuple[str, int, int, int]) -> np.ndarray:
    fine_class, n_clips, seed, n_augment = args
    base_seed = seed - 1000 * FINE_CLASSES.index(fine_class)
    if base_seed not in _POOLS:  # once per worker process
        _POOLS[base_seed] = build_bleed_pool(base_seed, n_per_class=1)
    pool = _POOLS[base_seed]
    return class_features(fine_class, n_clips, seed, pool, n_augment)


def make_dataset(n_clips: int, seed: int, *, n_augment: int = 2, n_workers: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Features and class indices for every class; classes get distinct seeds."""
    jobs = [(name, n_clips, seed + 1000 * k, n_augment) for k, name in enumerate(FINE_CLASSES)]
    with ProcessPoolExecutor(max_workers=n_workers) as executor:
        per_class = list(executor.map(_class_job, jobs))
    x = np.concatenate(per_class)
    y = np.concatenate([np.full(len(rows), k) for k, rows in enumerate(per_class)])
    return x, y


def train(x: np.ndarray, y: np.ndarray, *, seed: int, hidden: int = 128, epochs: int = 250) -> dict[str, np.ndarray]:
    """Fit a 2-hidden-layer MLP (torch, full batch Adam) and return numpy weights."""
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(2)
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    xt = torch.tensor((x - mean) / scale, dtype=torch.float32)
    yt = torch.tensor(y, dtype=torch.long)
    model = torch.nn.Sequential(
        torch.nn.Dropout(0.1), torch.nn.Linear(x.shape[1], hidden), torch.nn.ReLU(), torch.nn.Dropout(0.3),
        torch.nn.Linear(hidden, hidden), torch.nn.ReLU(), torch.nn.Dropout(0.3),
        torch.nn.Linear(hidden, len(FINE_CLASSES)),
    )
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-3)
    generator = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(yt), generator=generator)
        for batch in order.split(256):
            optimiser.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xt[batch]), yt[batch], label_smoothing=0.05)
            loss.backward()
            optimiser.step()
        if epoch % 50 == 0:
            print(f"epoch {epoch}: loss {loss.item():.3f}", flush=True)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    weights = {f"w{k}": m.weight.detach().numpy().T.astype(np.float32) for k, m in enumerate(linears)}
    weights.update({f"b{k}": m.bias.detach().numpy().astype(np.float32) for k, m in enumerate(linears)})
    weights.update(mean=mean.astype(np.float32), scale=scale.astype(np.float32))
    return weights


def stack_models(models: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Several MLPs (same inputs) in one weights dict: ``m{j}_w{k}`` / ``m{j}_b{k}``; inference averages them."""
    stacked: dict[str, np.ndarray] = {"mean": models[0]["mean"], "scale": models[0]["scale"], "n_models": np.int64(len(models))}
    for j, model in enumerate(models):
        for key, value in model.items():
            if key not in ("mean", "scale"):
                stacked[f"m{j}_{key}"] = value
    return stacked


def get_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="Train the instrument labeller.")
    parser.add_argument("--clips", type=int, default=120, help="rendered clips per class (default 120)")
    parser.add_argument("--augment", type=int, default=3, help="augmented copies per clip (default 3)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[SEED, SEED + 4444, SEED + 7778, SEED + 2222, SEED + 8888],
                        help="data seeds: each adds --clips fresh clips per class (cached per seed)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ensemble", type=int, default=3, help="MLPs trained from different seeds, averaged (default 3)")
    parser.add_argument("--hidden", type=int, default=128, help="units per hidden layer (default 128)")
    parser.add_argument("--out", type=Path, default=OUT)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Make data, train, export; returns the exit status."""
    args = get_parser().parse_args(argv)
    started = time.time()
    parts = [make_dataset(args.clips, seed, n_augment=args.augment, n_workers=args.workers) for seed in args.seeds]
    x = np.concatenate([part[0] for part in parts])
    y = np.concatenate([part[1] for part in parts])
    seed = args.seeds[0]
    print(f"data: {x.shape[0]} examples x {x.shape[1]} features in {time.time() - started:.0f} s", flush=True)
    # hold out one augmented copy set of 15% of examples, to report
    rng = np.random.default_rng(seed)
    is_held = rng.random(len(y)) < 0.15
    from reaper_ext.labels.model import class_probabilities

    check = train(x[~is_held], y[~is_held], seed=seed, hidden=args.hidden)  # one model: a quick sanity figure
    held_accuracy = float(np.mean(class_probabilities(x[is_held], check).argmax(axis=1) == y[is_held]))
    print(f"held-out accuracy (same generator, seeds {args.seeds}): {held_accuracy:.3f}", flush=True)
    weights = stack_models([train(x, y, seed=seed + j, hidden=args.hidden) for j in range(args.ensemble)])
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "labeler.npz", classes=np.array(FINE_CLASSES), feature_version=FEATURE_VERSION,
                        **weights)
    metadata = {
        "classes": list(FINE_CLASSES),
        "feature_version": FEATURE_VERSION,
        "training_seeds": list(args.seeds),
        "clips_per_class": args.clips,
        "augmented_copies_per_clip": args.augment,
        "ensemble_size": args.ensemble,
        "hidden_units": args.hidden,
        "examples_per_class": {name: int(np.sum(y == k)) for k, name in enumerate(FINE_CLASSES)},
        "clip_sec": DURATION_SEC,
        "sample_rate_hz": SAMPLE_RATE_HZ,
        "soundfonts": ["fluidr3", "timgm6mb"],
        "held_out_accuracy_same_generator": round(held_accuracy, 4),
        "training_sec": round(time.time() - started, 1),
    }
    (args.out / "labeler.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out / 'labeler.npz'} in {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

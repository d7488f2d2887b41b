"""Benchmark the separation engine: overhead vs demucs, cache hits, peak memory.

Usage::

    .venv/bin/python benchmarks/bench_separation.py                  # (a) (b) (c) on CPU
    .venv/bin/python benchmarks/bench_separation.py --rss-minutes 10 # shorter (c)
    .venv/bin/python benchmarks/bench_separation.py --device cuda --model htdemucs --random-weights

(a) wall time of ``separate_file`` (reading, streaming overlap-add, writing
WAVs) against ``demucs.apply.apply_model`` on the whole tensor (same model,
same settings, same process, after a warm-up), on a noise+tones file;
(b) a second ``separate_file`` on the same audio (cache hit);
(c) peak RSS of a child process separating a long stereo file, generated on
disk block by block (never held in memory).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf


RATE_HZ = 44100


def write_test_file(path: Path, *, duration_sec: float, seed: int = 0) -> None:
    """Stream noise + tones to ``path`` in 10 s blocks (constant memory)."""
    rng = np.random.default_rng(seed)
    block = 10 * RATE_HZ
    n_total = int(duration_sec * RATE_HZ)
    with sf.SoundFile(str(path), "w", samplerate=RATE_HZ, channels=2, subtype="PCM_16") as out:
        done = 0
        while done < n_total:
            n = min(block, n_total - done)
            t = (done + np.arange(n)) / RATE_HZ
            tones = 0.2 * np.sin(2 * np.pi * 110 * t) + 0.1 * np.sin(2 * np.pi * 440 * t)
            x = 0.05 * rng.standard_normal((n, 2)) + tones[:, None]
            out.write(x.astype(np.float32))
            done += n


def build_model(name: str, random_weights: bool):
    from reaper_ext.separation import load_separation_model, random_htdemucs

    if random_weights:
        if name != "htdemucs":
            raise SystemExit("--random-weights builds htdemucs's architecture only")
        return random_htdemucs()
    return load_separation_model(name)


def bench_overhead(path: Path, model_name: str, random_weights: bool, device: str, segment: float | None) -> None:
    import torch
    from demucs.apply import apply_model

    from reaper_ext.separation.engine import separate_to_files

    model = build_model(model_name, random_weights)
    x, _ = sf.read(path, dtype="float32")
    duration_sec = len(x) / RATE_HZ
    mix = torch.from_numpy(x.T.copy())

    def direct() -> float:
        t0 = time.perf_counter()
        ref = mix.mean(0)
        normed = (mix - ref.mean()) / (ref.std() + 1e-8)
        out = apply_model(model, normed[None], shifts=0, overlap=0.25, segment=segment, device=device)
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        del out
        return time.perf_counter() - t0

    def ours(out_dir: Path) -> float:
        t0 = time.perf_counter()
        separate_to_files(path, out_dir, model, device=device, segment_sec=segment, overlap=0.25, shifts=0)
        return time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        model.to(device)
        direct()  # warm-up (first-call kernel selection)
        ours(Path(tmp) / "warm")
        t_direct, t_ours = [], []
        for i in range(2):  # interleaved, best of 2, to damp a shared machine's noise
            t_direct.append(direct())
            t_ours.append(ours(Path(tmp) / f"run{i}"))
    d, o = min(t_direct), min(t_ours)
    print(
        f"(a) {model_name}{' (random weights)' if random_weights else ''} on {device}, "
        f"{duration_sec:.0f} s stereo file:"
    )
    print(f"    demucs apply_model (in memory): {d:7.2f} s  (real-time factor {d / duration_sec:.3f})")
    print(f"    reaper_ext separate (file->files): {o:7.2f} s  (real-time factor {o / duration_sec:.3f})")
    print(f"    overhead: {100 * (o / d - 1):+.1f} %  (goal <= +5 %)")


def bench_cache(path: Path, device: str) -> None:
    from reaper_ext.separation import StemCache, separate_file

    with tempfile.TemporaryDirectory() as tmp:
        cache = StemCache(Path(tmp) / "cache")
        t0 = time.perf_counter()
        first = separate_file(path, Path(tmp) / "a", model="demucs_unittest", device=device, cache=cache)
        t1 = time.perf_counter()
        second = separate_file(path, Path(tmp) / "b", model="demucs_unittest", device=device, cache=cache)
        t2 = time.perf_counter()
    assert second.from_cache and not first.from_cache
    print(f"(b) cache: first run {t1 - t0:.2f} s, second run on the same audio {t2 - t1:.3f} s (goal < 1 s)")


_CHILD = """
import sys, resource
sys.path.insert(0, {root!r})
from pathlib import Path
from reaper_ext.separation import separate_file
separate_file(Path({path!r}), Path({out!r}), model="demucs_unittest", device="cpu", use_cache=False)
"""


def bench_rss(minutes: float) -> None:
    root = str(Path(__file__).resolve().parents[1])
    with tempfile.TemporaryDirectory(dir=Path(root) / ".cache" if (Path(root) / ".cache").is_dir() else None) as tmp:
        path = Path(tmp) / "long.wav"
        write_test_file(path, duration_sec=minutes * 60)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", _CHILD.format(root=root, path=str(path), out=str(Path(tmp) / "o"))], check=True
        )
        wall = time.perf_counter() - t0
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    note = "" if peak_kib > before else " (an earlier child peaked higher; value is a max over children)"
    print(
        f"(c) peak RSS separating a {minutes:g}-minute stereo file (demucs_unittest, CPU, child process): "
        f"{peak_kib / 1024**2:.2f} GiB in {wall:.0f} s (goal < 3 GB){note}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--model", default="demucs_unittest")
    parser.add_argument("--random-weights", action="store_true", help="random-init htdemucs (no download)")
    parser.add_argument("--seconds", type=float, default=40.0, help="length of the (a)/(b) file")
    parser.add_argument("--segment", type=float, default=None, help="segment seconds (default: model's)")
    parser.add_argument("--rss-minutes", type=float, default=60.0, help="length for (c); 0 skips it")
    args = parser.parse_args(argv)
    import torch

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mix.wav"
        write_test_file(path, duration_sec=args.seconds)
        bench_overhead(path, args.model, args.random_weights, args.device, args.segment)
        if not args.random_weights:
            bench_cache(path, args.device)
    if args.rss_minutes > 0 and not args.random_weights:
        bench_rss(args.rss_minutes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

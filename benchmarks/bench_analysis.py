"""Speed and memory of `analyze` on a 16-track, 4-minute session (64 track-minutes).

Usage: .venv/bin/python benchmarks/bench_analysis.py [--format flac|wav] [--folder DIR] [--runs 3]

Builds the session once (rendered real instruments, tiled to 4 minutes, in a
cache folder), then in fresh subprocesses measures:
- the decode floor: soundfile.read of every media file;
- a cold analysis (empty cache): wall time and peak RSS, ``--runs`` times, each
  right after its own decode floor (the median ratio is the figure);
- a warm re-run (same cache): wall time.
Goals (issue 3): cold <= 4x the decode floor, warm < 1 s, peak RSS < 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

N_TRACKS = 16
DURATION_SEC = 240.0
PARTS = [  # (name, GM program, is_drum, pitches)
    ("kick", 0, True, [36]), ("snare", 0, True, [38]), ("hats", 0, True, [42, 44]), ("toms", 0, True, [45, 47, 50]),
    ("bass", 33, False, [36, 38, 41, 43]), ("piano", 0, False, [60, 64, 67, 72]), ("organ", 16, False, [55, 60, 64]),
    ("guitar", 25, False, [52, 57, 62, 67]), ("strings", 48, False, [60, 64, 67]), ("brass", 61, False, [58, 62, 65]),
    ("flute", 73, False, [72, 76, 79]), ("lead", 81, False, [72, 74, 76, 79]), ("pad", 89, False, [48, 55, 60]),
    ("clav", 7, False, [60, 63, 67]), ("epiano", 4, False, [57, 60, 64]), ("sax", 65, False, [62, 65, 69]),
]
PROJECT_HEAD = '<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1700000000\n  TEMPO 120 4 4\n  SAMPLERATE 44100 0 0\n'


def build_session(folder: Path, audio_format: str) -> Path:
    import numpy as np
    import soundfile

    from reaper_ext_testkit.datagen import Note, render_notes

    project = folder / "bench.RPP"
    if project.exists():
        return project
    (folder / "media").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    lines = [PROJECT_HEAD]
    for n, (name, program, is_drum, pitches) in enumerate(PARTS[:N_TRACKS]):
        step = 0.25 if is_drum else 0.5
        notes = [Note(t, step * 0.9, int(rng.choice(pitches)), int(rng.integers(70, 120)))
                 for t in np.arange(0, 16.0, step) if rng.random() < 0.8]
        pattern = render_notes(notes, program=program, is_drum=is_drum, tail_sec=0.0)
        audio = np.tile(pattern, (int(np.ceil(DURATION_SEC / 16.0)), 1))[: int(DURATION_SEC * 44100)]
        audio *= 0.5 / max(1e-6, float(np.abs(audio).max()))
        if n % 2:  # half the tracks mono, like real sessions
            audio = audio[:, :1]
        file_name = f"audio{n + 1:02d}.{audio_format}"
        soundfile.write(folder / "media" / file_name, audio, 44100, subtype="PCM_24" if audio_format == "wav" else "PCM_16")
        guid = f"{{00000000-0000-0000-0000-{n + 1:012d}}}"
        lines.append(
            f"  <TRACK {guid}\n    NAME \"Audio {n + 1:02d}\"\n    PEAKCOL 16576\n    VOLPAN 1 0 -1 -1 1\n"
            f"    MUTESOLO 0 0 0\n    ISBUS 0 0\n    TRACKID {guid}\n    <ITEM\n      POSITION 0\n"
            f"      LENGTH {DURATION_SEC}\n      IGUID {{10000000-0000-0000-0000-{n + 1:012d}}}\n      NAME {file_name}\n"
            f"      VOLPAN 1 0 1 -1\n      SOFFS 0\n      <SOURCE {'FLAC' if audio_format == 'flac' else 'WAVE'}\n"
            f"        FILE \"media/{file_name}\"\n      >\n    >\n  >\n"
        )
    lines.append(">\n")
    project.write_text("".join(lines))
    return project


DECODE = """
import sys, time, soundfile, pathlib
start = time.perf_counter()
for path in sorted(pathlib.Path(sys.argv[1]).glob('media/*')):
    soundfile.read(str(path), dtype='float32')
print(time.perf_counter() - start)
"""

ANALYZE = """
import json, resource, sys, time
from reaper_ext.storage.cache import ContentCache
from reaper_ext.session.rpp import load_project
from reaper_ext.pipeline.session import analyze_project
start = time.perf_counter()
_, project = load_project(sys.argv[1])
analysis = analyze_project(project, cache=ContentCache(sys.argv[2]))
elapsed = time.perf_counter() - start
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
from reaper_ext.pipeline.parallel import count_workers
n_workers = count_workers(len(project.tracks))
print(json.dumps({"sec": elapsed, "rss_mb": rss_mb, "child_mb": child_mb, "n_workers": n_workers, "errors": [t.error for t in analysis.tracks if t.error],
                  "labels": [t.label.fine_class for t in analysis.tracks if t.label]}))
"""


def _tree_rss_mb(root_pid: int) -> float:
    """Resident memory of a process and all its descendants now (Linux /proc), in MB."""
    total_kb, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
            for task in Path(f"/proc/{pid}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return total_kb / 1024


def run_sampled(command: list[str]) -> tuple[str, float]:
    """Run ``command``; return its stdout and the peak RSS of its whole process tree (sampled every 50 ms)."""
    import time

    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=REPO)
    peak_mb = 0.0
    while process.poll() is None:
        if sys.platform == "linux":
            peak_mb = max(peak_mb, _tree_rss_mb(process.pid))
        time.sleep(0.05)
    return process.stdout.read(), peak_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--format", choices=["flac", "wav"], default="flac")
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "reaper-ext-bench-analysis")
    parser.add_argument("--runs", type=int, default=3,
                        help="cold runs, each with its own decode floor measured just before it (default 3): "
                             "this machine's speed drifts, so the median ratio is reported")
    args = parser.parse_args()
    folder = args.folder / args.format
    project = build_session(folder, args.format)
    python = sys.executable
    env_path = {"cwd": REPO}
    cache_dir = folder / "cache"
    runs = []
    for _ in range(args.runs):
        decode_sec = min(float(subprocess.run([python, "-c", DECODE, str(folder)], capture_output=True, text=True, check=True, **env_path).stdout) for _ in range(2))
        shutil.rmtree(cache_dir, ignore_errors=True)
        cold_out, cold_tree_mb = run_sampled([python, "-c", ANALYZE, str(project), str(cache_dir)])
        runs.append((decode_sec, json.loads(cold_out), cold_tree_mb))
    ratios = sorted(cold["sec"] / decode_sec for decode_sec, cold, _ in runs)
    decode_sec, cold, cold_tree_mb = max(runs, key=lambda run: run[2])  # report the run with the highest memory
    warm = json.loads(subprocess.run([python, "-c", ANALYZE, str(project), str(cache_dir)], capture_output=True, text=True, check=True, **env_path).stdout)
    print(f"session: {N_TRACKS} tracks x {DURATION_SEC / 60:.0f} min ({args.format}), {folder}")
    for n, (run_decode_sec, run_cold, _) in enumerate(runs, start=1):
        print(f"run {n}: decode floor (soundfile.read of every file) {run_decode_sec:.2f} s, "
              f"cold analysis {run_cold['sec']:.2f} s = {run_cold['sec'] / run_decode_sec:.2f}x")
    print(f"cold analysis / decode floor: median {ratios[len(ratios) // 2]:.2f}x, range {ratios[0]:.2f}-{ratios[-1]:.2f}x "
          f"over {len(ratios)} runs (goal <= 4x), {cold['n_workers']} worker processes")
    # the parent and its track workers run side by side: the bound is parent + workers x largest worker
    bound_mb = cold["rss_mb"] + cold["n_workers"] * cold["child_mb"]
    print(f"  peak RSS of the whole process tree (sampled every 50 ms): {cold_tree_mb:.0f} MB (goal < 1500); "
          f"parent alone {cold['rss_mb']:.0f} MB, largest worker {cold['child_mb']:.0f} MB, "
          f"worst case if all peaked at once {bound_mb:.0f} MB")
    print(f"warm re-run:   {warm['sec']:.2f} s (goal < 1 s); peak RSS {warm['rss_mb']:.0f} MB")
    if cold["errors"]:
        print("errors:", cold["errors"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

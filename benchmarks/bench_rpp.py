"""Parse + write speed of the .RPP backend, side by side with the `rpp` package.

Usage: .venv/bin/python benchmarks/bench_rpp.py

Measures, on the largest corpus file and on a large project built here by
repeating corpus tracks (>= 5 MB, >= 500 tracks with FX chains and items):
- reaper-ext: parse (lines + chunk tree) + read the session model + write bytes
- rpp (PyPI): rpp.loads + rpp.dumps
Best of several runs. Also says whether each writer gives back the same bytes.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "data" / "corpus" / "rpp"

from reaper_ext.session.rpp import parse_rpp, read_project  # noqa: E402


def build_large_project(min_bytes: int = 5_000_000, min_tracks: int = 500) -> bytes:
    """Repeat the corpus's tracks (with FX chains and items) until big enough."""
    doc = parse_rpp((CORPUS / "Ultraschall__ultraschall-portable__test.rpp").read_bytes())
    donors = []
    for path in sorted(CORPUS.glob("*.[Rr][Pp][Pp]")):
        donor = parse_rpp(path.read_bytes())
        for track in donor.root.find_all("TRACK"):
            lines = [line.rstrip("\r\n") + "\n" for line in donor.chunk_lines(track)]
            has_fx = track.find("FXCHAIN") is not None
            has_items = track.find("ITEM") is not None
            if has_fx or has_items:
                donors.append(lines)
    head = [line.rstrip("\r\n") + "\n" for line in doc.lines[: doc.root.find_all("TRACK")[0].start]]
    tail = [line.rstrip("\r\n") + "\n" for line in doc.lines[doc.root.find_all("TRACK")[-1].end + 1 :]]
    body: list[str] = []
    n_tracks = 0
    size = sum(len(line) for line in head + tail)
    while size < min_bytes or n_tracks < min_tracks:
        lines = donors[n_tracks % len(donors)]
        body.extend(lines)
        size += sum(len(line) for line in lines)
        n_tracks += 1
    return "".join(head + body + tail).encode("utf-8")


def best_of(function, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def bench(name: str, data: bytes, repeats: int) -> None:
    import rpp

    text = data.decode("utf-8")

    def ours():
        doc = parse_rpp(data)
        read_project(doc)
        return doc.to_bytes()

    def theirs():
        return rpp.dumps(rpp.loads(text))

    ours_same = ours() == data
    try:
        theirs_same = theirs().encode("utf-8") == data
        theirs_sec = best_of(theirs, repeats)
    except Exception as error:  # rpp fails on some real files; report it
        theirs_same, theirs_sec = f"failed: {type(error).__name__}", float("nan")
    ours_sec = best_of(ours, repeats)
    n_tracks = len(read_project(parse_rpp(data)).tracks)
    print(f"{name}: {len(data) / 1e6:.2f} MB, {n_tracks} tracks")
    print(f"  reaper-ext parse+model+write: {ours_sec * 1000:8.1f} ms  byte-identical={ours_same}")
    print(f"  rpp loads+dumps:              {theirs_sec * 1000:8.1f} ms  byte-identical={theirs_same}")
    if theirs_sec == theirs_sec:
        print(f"  speed-up: {theirs_sec / ours_sec:.1f}x")


def main() -> int:
    largest = max(CORPUS.glob("*.[Rr][Pp][Pp]"), key=lambda path: path.stat().st_size)
    bench(f"largest corpus file ({largest.name})", largest.read_bytes(), repeats=20)
    bench("large built project", build_large_project(), repeats=3)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Frame cost of the suggestion inbox with 20 and 2,000 pending suggestions (fake REAPER + ReaImGui double).

Run from the repository root:

    .venv/bin/python -m benchmarks.bench_inbox [--frames 300] [--json OUT.json]

For each list size it opens the inbox on the example project (8 tracks) with
that many suggestions in the ledger and times every defer cycle (the inbox's
``tick``: polling, drawing through the double, and what a click or key ran):

- ``open``: the first frame (reads the whole ledger);
- ``steady``: frames with no input;
- ``walk``: Down pressed every frame (the list scrolls, the selection moves);
- ``decide``: A pressed (accept the selected suggestion: one undo block);
- ``reload``: the ledger changed behind the inbox's back (an undo): read again;
- widget calls per frame (the double counts every ImGui call).

Times are the CPU time of the defer tick (``time.thread_time``: the machine may
be shared); the worst wall time is reported beside them.

The double validates every call in Python, so its per-call cost is an upper
bound for ReaImGui's own; REAPER's real calls cost more than the fake's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _measure(n_total: int, n_frames: int) -> dict:
    import gc

    import reaper_ext.reaper.inbox as inbox_module
    from reaper_ext.session.rpp import load_project
    from reaper_ext.session.writer import LEDGER_SECTION
    from tests.reaper.fake import reaper_python
    from tests.reaper.imgui.double import ImGuiDouble
    from tests.reaper.imgui.harness import (
        install_double,
        pending_suggestions,
        remove_double,
        run_action_file,
        write_ledger,
    )

    example = REPO / "examples" / "session" / "example.RPP"
    inbox_module.RELOAD_SETTLE_SEC = 0.0
    sys.modules["reaper_python"] = reaper_python
    fake = reaper_python.open_project(example)
    _, project = load_project(example)
    write_ledger(fake, pending_suggestions(project, n_total))
    double = ImGuiDouble()
    install_double(double)
    calls_per_frame: list[int] = []

    cpu_sec: list[float] = []
    full_gc: list[int] = []  # generation-2 collections, counted by gc's callback
    gc_frames: set[int] = set()  # frames during which one ran
    gc.callbacks.append(lambda phase, info: full_gc.append(1) if phase == "start" and info["generation"] == 2 else None)

    def frame() -> float:
        n_gc = len(full_gc)
        cpu = time.thread_time()
        fake.run_defer_cycle()
        cpu_sec.append(time.thread_time() - cpu)  # CPU time: the machine may be shared
        if len(full_gc) > n_gc:
            gc_frames.add(len(cpu_sec) - 1)
        double.end_frame()
        calls_per_frame.append(len(double.calls))
        double.calls.clear()  # keep memory flat over thousands of frames
        return cpu_sec[-1]

    try:
        run_action_file(REPO / "actions" / "reaper-ext - Suggestion inbox.py")
        open_sec = frame()
        inbox = inbox_module.current_inbox()
        assert inbox is not None and len(inbox.model.pending) == n_total, fake.console
        steady = [frame() for _ in range(n_frames)]
        walk = []
        for _ in range(n_frames):
            double.press("Key_DownArrow")
            walk.append(frame())
        decide = []
        for _ in range(min(20, n_total // 2)):
            double.press("Key_A")
            decide.append(frame())
        reload = []
        for n in range(5):
            suggestion = inbox.model.pending[n]
            fake.SetProjExtState(None, LEDGER_SECTION, "s_" + suggestion.id, "")  # e.g. an undo took it away
            reload.append(frame())
        assert not double.errors, double.errors
        max_calls = max(calls_per_frame[1:])
        remaining = len(inbox.model.pending)
    finally:
        gc.callbacks.pop()
        double.close_window()
        fake.run_defer_cycle()
        remove_double()
        reaper_python.uninstall()

    def ms(values: list[float]) -> dict:
        return {"worst_ms": round(1000 * max(values), 3), "median_ms": round(1000 * statistics.median(values), 3)}

    every = steady + walk + decide + reload + [open_sec]
    without_gc = [sec for n, sec in enumerate(cpu_sec[1:1 + 2 * n_frames], start=1) if n not in gc_frames]
    return {
        "n_suggestions": n_total, "open_ms": round(1000 * open_sec, 3), "steady": ms(steady), "walk": ms(walk),
        "decide": ms(decide), "reload": ms(reload), "worst_frame_ms": round(1000 * max(every), 3),
        "worst_frame_after_open_ms": round(1000 * max(steady + walk + decide), 3),
        "worst_steady_or_walk_without_full_gc_ms": round(1000 * max(without_gc), 3), "frames_with_full_gc": len(gc_frames),
        "worst_frame_wall_ms": round(1000 * max(fake.tick_sec), 3), "max_widget_calls_per_frame": max_calls, "undo_points": len(fake.undo_points), "left_pending": remaining,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=300, help="steady and walking frames per list size")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = [_measure(n_total, args.frames) for n_total in (20, 2000)]
    for result in results:
        print(f"{result['n_suggestions']:>5} suggestions: open {result['open_ms']:.1f} ms; "
              f"steady worst {result['steady']['worst_ms']:.2f} ms (median {result['steady']['median_ms']:.2f}); "
              f"walk worst {result['walk']['worst_ms']:.2f} ms; decide worst {result['decide']['worst_ms']:.2f} ms; "
              f"reload worst {result['reload']['worst_ms']:.1f} ms; at most {result['max_widget_calls_per_frame']} widget calls a frame; "
              f"steady/walk worst without a full GC {result['worst_steady_or_walk_without_full_gc_ms']:.2f} ms "
              f"({result['frames_with_full_gc']} frames had one); "
              f"worst wall {result['worst_frame_wall_ms']:.1f} ms")
    print(f"({time.perf_counter() - started:.1f} s; CPU time of the inbox's defer tick on the fake REAPER with the ReaImGui double)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

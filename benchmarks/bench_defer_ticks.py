"""How long REAPER would stall per defer tick while an action's worker runs.

Runs the end-to-end action tests on the fake REAPER (real worker process,
defer polling, apply, save) and reports the worst tick each one printed. The
budget is 50 ms (REAPER runs ~30 defer cycles a second, FACTS.md); the
tests themselves do not assert wall time, which depends on the machine.

    .venv/bin/python benchmarks/bench_defer_ticks.py
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUDGET_MS = 50.0


def main() -> int:
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "tests/reaper/test_end_to_end.py", "-k", "analyze"],
        cwd=REPO, capture_output=True, text=True,
    )
    ticks = re.findall(r"^(.*): worst defer tick ([0-9.]+) ms over (\d+) ticks", completed.stdout, flags=re.M)
    if completed.returncode != 0 or not ticks:
        print(completed.stdout[-3000:], completed.stderr[-3000:], sep="\n")
        return 1
    for project, worst_ms, n_ticks in ticks:
        verdict = "within" if float(worst_ms) <= BUDGET_MS else "OVER"
        print(f"{project}: worst tick {float(worst_ms):.1f} ms over {n_ticks} ticks ({verdict} the {BUDGET_MS:.0f} ms budget)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""reapy runs on the fake REAPER in its inside-REAPER mode, and reads what the .RPP holds."""

from __future__ import annotations

import subprocess
import sys

from tests.reaper.conftest import EXAMPLE, REPO

CODE = f"""
import sys
sys.path.insert(0, {str(REPO)!r})
import tests.reaper.fake.reaper_python as fake
sys.modules["reaper_python"] = fake
fake.open_project({str(EXAMPLE)!r})
import reapy
assert reapy.is_inside_reaper()
project = reapy.Project()
print(project.n_tracks)
for track in project.tracks:
    print(track.name, track.n_items)
"""


def test_reapy_reads_the_example_session_through_the_fake():
    completed = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, cwd=REPO)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.split("\n")
    assert lines[0] == "8"
    assert lines[1:9] == [f"Audio {n:02d} 1" for n in range(1, 9)]

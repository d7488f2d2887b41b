"""The REAPER side imports no C extension (REAPER's Python crashes on them at a script's second run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_PROBE = r"""
import json, sys, sysconfig, tempfile, os
sys.path.insert(0, REPO)
os.environ["REAPER_EXT_JOBS_DIR"] = tempfile.mkdtemp()
from tests.reaper.fake import reaper_python
sys.modules["reaper_python"] = reaper_python
reaper_python.open_project(REPO + "/examples/session/example.RPP")
before = set(sys.modules)
import __main__
for title in ("Accept all suggestions", "Reject all suggestions", "Open the analysis report", "Cancel running analysis"):
    path = REPO + "/actions/reaper-ext - " + title + ".py"
    __main__.__dict__["__file__"] = path
    exec(compile(open(path, encoding="utf-8").read(), path, "exec"), __main__.__dict__)
import reaper_ext.reaper.runner, reaper_ext.session.live, reaper_ext.suggest.ledger.core, reaper_ext.jobs.protocol
from reaper_ext.session.live import LiveSession
LiveSession().snapshot()
stdlib = sysconfig.get_paths()["stdlib"]
new = set(sys.modules) - before
heavy = sorted(n for n in sys.modules if n.split(".")[0] in ("numpy", "scipy", "soundfile", "torch", "librosa", "demucs", "reapy"))
ext = sorted(n for n in list(sys.modules) if (getattr(sys.modules[n], "__file__", "") or "").endswith((".so", ".pyd"))
             and not (sys.modules[n].__file__ or "").startswith(stdlib))
print(json.dumps({"heavy": heavy, "ext": ext, "n_new": len(new), "console": reaper_python.REAPER.console}))
"""


def test_reaper_side_imports_no_c_extension():
    # the probe loads the fake (which uses reaper_ext.fx, pure) but no test helpers beyond it
    completed = subprocess.run([sys.executable, "-c", "REPO = %r\n" % str(REPO) + _PROBE], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["n_new"] > 10, report  # the actions really imported the package
    assert any("Accept all suggestions" in line for line in report["console"])
    assert report["heavy"] == [] and report["ext"] == [], report

# @description reaper-ext - Check this REAPER
# @version 0.1.0
# @author reaper-ext
# @about
#   Checks that this REAPER takes what reaper-ext writes: the Python version and ReaScript settings, that the background worker starts, and for each stock plug-in reaper-ext writes (ReaEQ, ReaComp, ReaGate, the stock expander) inserts it on a temporary track, sets it as suggestions do, reads every setting back and compares it with what was meant. The temporary track is removed; no undo point is left.
#   Writes a report (text and HTML) and a JSON file to attach to a bug report; a plug-in that failed is not written by later suggestions until a check passes. See docs/reaper.md.
# @provides [main] .
import os
import sys

_here = os.path.dirname(os.path.abspath(globals().get("__file__") or sys.argv[0] or "."))
sys.path.insert(0, _here)
try:
    import reaper_ext_paths  # written by install.py beside the actions

    reaper_ext_paths.bootstrap()
except ImportError:  # running from a checkout of the repository
    sys.path.insert(0, os.path.dirname(_here))
from reaper_ext.reaper.runner import run_action

run_action("check")

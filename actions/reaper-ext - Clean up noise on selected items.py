# @description reaper-ext - Clean up noise on selected items
# @version 0.1.0
# @author reaper-ext
# @about
#   Measures hiss, hum and clicks in the gaps of the selected items (in the worker) and says, in numbers, what a capped clean-up (6-12 dB at most, presence and air guarded) would do; breaths are kept.
#   No dialog: settings come from the reaper-ext settings file ([denoise]). See docs/tuning.md.
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

run_action("denoise")

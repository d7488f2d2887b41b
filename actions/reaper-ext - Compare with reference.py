# @description reaper-ext - Compare with reference
# @version 0.1.0
# @author reaper-ext
# @about
#   Compares the project's mix (rendered offline: faders, pans, mutes; no FX) with the items on
#   the track named "Reference": loudness-matched tonal balance per section, width, dynamics,
#   the platform card and a master chain; the page opens with "Open the analysis report".
#   No dialog. See docs/reference.md.
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

run_action("compare")

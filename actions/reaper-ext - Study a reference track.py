# @description reaper-ext - Study a reference track
# @version 0.1.0
# @author reaper-ext
# @about
#   Makes a study project of a professional track: the track, its stems on muted tracks
#   (separation model from the settings), regions for its sections, its tempo and key, and a
#   study sheet (HTML) of how it was mixed per section. Studies the selected audio item's file,
#   else asks for a file. Opens the new project when done; the current project is not changed.
#   See docs/reference.md.
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

run_action("study")

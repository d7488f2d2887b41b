# @description reaper-ext - Suggestion inbox
# @version 0.1.0
# @author reaper-ext
# @about
#   A dockable window (ReaImGui) listing the project's pending suggestions with their why:
#   audition, accept, reject, go to, one by one or a group at a time; keyboard first
#   (Up/Down, A, R, Space, G). Needs the ReaImGui extension (ReaPack); without it the
#   action says how to install it. See docs/reaper.md.
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
from reaper_ext.reaper.inbox import open_inbox

open_inbox()

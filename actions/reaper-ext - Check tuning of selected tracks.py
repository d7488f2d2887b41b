# @description reaper-ext - Check tuning of selected tracks
# @version 0.1.0
# @author reaper-ext
# @about
#   Checks the intonation of the selected vocal and other monophonic tracks (torchcrepe pitch, in the worker): notes more than 25 cents off for more than 150 ms get a marker with the numbers; vibrato, scoops and passing tones are expression and never flagged.
#   No dialog: settings come from the reaper-ext settings file ([tuning]). See docs/tuning.md.
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

run_action("tuning")

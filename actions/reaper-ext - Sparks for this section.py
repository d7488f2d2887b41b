# @description reaper-ext - Sparks for this section
# @version 0.1.0
# @author reaper-ext
# @about
#   Chord, bass and groove ideas built from this song (its chords, key, melody and your drummer's swing and timing) for the time selection, or the section under the edit cursor: each idea a muted "Sparks: ..." track of MIDI items with its why in the item notes. Accept unmutes, reject removes.
#   No dialog: settings come from the reaper-ext settings file. See docs/sparks.md.
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

run_action("sparks")

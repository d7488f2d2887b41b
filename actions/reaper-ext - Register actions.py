# @description reaper-ext - Register actions
# @version 0.1.0
# @author reaper-ext
# @about
#   Adds every reaper-ext action script in its folder to REAPER's action list
#   (Main section) from inside REAPER.
#
#   Use it when install.py could not edit reaper-kb.ini because REAPER was
#   running (install.py --scripts-only copies the scripts), or after copying
#   the scripts by hand. Running it again changes nothing: REAPER gives a
#   script the same command id every time (derived from its path).
"""Register the reaper-ext action scripts from inside REAPER.

Pure standard library plus REAPER's ``reaper_python`` (REAPER's own Python must
not load numpy & co). ``RPR_AddRemoveReaScript(add, sectionID, scriptfn,
commit)`` returns the new command id, 0 on failure; ``commit`` writes
reaper-kb.ini, so it is True only for the last script (REAPER's API help: pass
false for all but the last of a batch).
"""

import glob
import os

__all__ = ["PATHS_MODULE", "MAIN_SECTION", "find_scripts", "register", "script_folder", "main"]

PATHS_MODULE = "reaper_ext_paths.py"
"""Written by install.py beside the actions; a module, not an action."""

MAIN_SECTION = 0
"""Section id of the Main action list."""


def find_scripts(folder):
    """The action scripts in ``folder``: every ``*.py`` but the paths module, sorted."""
    scripts = []
    for path in sorted(glob.glob(os.path.join(folder, "*.py"))):
        name = os.path.basename(path)
        if name == PATHS_MODULE or name.startswith("_"):
            continue
        scripts.append(path)
    return scripts


def register(scripts, add_remove_reascript):
    """Add each script to the Main section; return ``[(path, command_id), ...]``.

    ``add_remove_reascript`` is ``RPR_AddRemoveReaScript``; only the last call
    commits (saves reaper-kb.ini once).
    """
    results = []
    for index, path in enumerate(scripts):
        is_last = index == len(scripts) - 1
        command_id = add_remove_reascript(True, MAIN_SECTION, path, is_last)
        results.append((path, int(command_id)))
    return results


def script_folder(resource_path, this_file=None):
    """Where the actions are: this script's own folder when known, else the installer's folder."""
    if this_file and os.path.isfile(this_file):
        return os.path.dirname(os.path.abspath(this_file))
    return os.path.join(resource_path, "Scripts", "reaper-ext")


def main():
    """Register the scripts and tell the user how it went."""
    try:
        import reaper_python as api
    except ImportError:
        print("Run this script from inside REAPER (Actions > Show action list > New action > Load ReaScript).")
        return 1
    folder = script_folder(api.RPR_GetResourcePath(), globals().get("__file__"))
    scripts = find_scripts(folder)
    if not scripts:
        api.RPR_ShowMessageBox("No reaper-ext scripts found in " + folder + ". Run install.py first.",
                               "reaper-ext", 0)
        return 1
    results = register(scripts, api.RPR_AddRemoveReaScript)
    failed = [os.path.basename(path) for path, command_id in results if command_id == 0]
    message = "Registered %d reaper-ext actions from %s." % (len(results) - len(failed), folder)
    if failed:
        message += "\n\nREAPER refused:\n" + "\n".join(failed)
    api.RPR_ShowMessageBox(message, "reaper-ext", 0)
    return 0 if not failed else 1


if __name__ == "__main__":
    main()

"""Default keyboard shortcuts for the reaper-ext actions (``--shortcuts``).

All use Ctrl+Alt+Shift (Cmd+Opt+Shift on macOS) plus a letter: a four-key
chord is rarely bound by users, and a binding is only added where
``reaper-kb.ini`` has no ``KEY`` record for the same combination. REAPER's
built-in default keymap is not stored in ``reaper-kb.ini``, so a clash with a
built-in default can't be seen from the file; REAPER then shows both actions
for the key in Actions > Shortcuts and the user can pick.
"""

from __future__ import annotations

from dataclasses import dataclass

from .kbini import MOD_ALT, MOD_CTRL, MOD_SHIFT, MOD_VIRTKEY

__all__ = ["Shortcut", "CTRL_ALT_SHIFT", "DEFAULT_SHORTCUTS"]

CTRL_ALT_SHIFT = MOD_VIRTKEY | MOD_SHIFT | MOD_CTRL | MOD_ALT
"""29: the modifier byte REAPER writes for Ctrl+Alt+Shift (Cmd+Opt+Shift)."""


@dataclass(frozen=True)
class Shortcut:
    """A key combination as REAPER stores it."""

    modifiers: int
    key_code: int
    label: str


def _cas(letter: str) -> Shortcut:
    # Windows virtual-key codes for A-Z equal the ASCII upper-case letters.
    return Shortcut(CTRL_ALT_SHIFT, ord(letter), f"Ctrl+Alt+Shift+{letter}")


DEFAULT_SHORTCUTS: dict[str, Shortcut] = {
    "reaper-ext - Analyze session (label, measure, suggest)": _cas("A"),
    "reaper-ext - Label, name and colour tracks": _cas("L"),
    "reaper-ext - Suggest FX for selected tracks": _cas("F"),
    "reaper-ext - Mark problems": _cas("P"),
    "reaper-ext - Mark song sections, tempo and key": _cas("M"),
    "reaper-ext - Separate selected items into stems": _cas("S"),
    "reaper-ext - Clean up session before mixing": _cas("C"),
    "reaper-ext - Accept suggestions on selected tracks": _cas("Y"),
    "reaper-ext - Reject suggestions on selected tracks": _cas("N"),
    "reaper-ext - Accept all suggestions": _cas("K"),
    "reaper-ext - Reject all suggestions": _cas("X"),
    "reaper-ext - Open the analysis report": _cas("R"),
    "reaper-ext - Cancel running analysis": _cas("Q"),
}
"""Action title (file name without ``.py``) -> default shortcut."""

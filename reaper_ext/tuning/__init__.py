"""Intonation check for vocal and other monophonic tracks (issue 14, docs/tuning.md).

Nothing here is imported at start-up: :mod:`reaper_ext.tuning.pitch` imports
torch when a part is tracked, in the worker only.
"""

__all__: list[str] = []  # the modules are the API: pitch, notes, targets, check, envelope, passes

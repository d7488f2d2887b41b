"""Noise clean-up: measure hiss, hum and clicks in a track's gaps; render a capped clean-up (issue 14).

Nothing here runs inside REAPER: the worker measures and renders, and the
product writes the result as an extra, inactive take (session/rpp/takes.py).
See docs/tuning.md for the methods and their references.
"""

__all__: list[str] = []  # the modules are the API: profile, denoise, clicks, hum, plan, session

"""Listening: pure functions from audio arrays to measurements and problems.

Audio is a float32 array of shape ``(n_samples, n_channels)`` (mono is one
channel) plus ``sample_rate_hz``. Nothing here reads files or talks to REAPER.
Import the submodules directly (``reaper_ext.analysis.measure``,
``reaper_ext.analysis.problems``); this package imports nothing on its own so
that importing it stays cheap.
"""

__all__: list[str] = []

"""Learning by analysis: compare a mix with references, study a track, check the master (issue 15).

Modules: :mod:`~reaper_ext.reference.dynamics` (loudness over time, LRA, PLR, PSR,
crest), :mod:`~reaper_ext.reference.master` (the master check and the platform
card), :mod:`~reaper_ext.reference.chain` (the master chain, solved offline).
See ``docs/reference.md``.
"""

from __future__ import annotations

__all__: list[str] = []

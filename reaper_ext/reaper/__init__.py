"""The REAPER side of reaper-ext: pure Python (standard library only).

Everything under this package runs inside REAPER's embedded Python, which
breaks when a script imports C extensions (numpy & co) a second time. Heavy
work runs in a worker process (``python -m reaper_ext.jobs.worker``).

- :mod:`~reaper_ext.reaper.api`: the one adapter over ``reaper_python``.
- :mod:`~reaper_ext.jobs.protocol`: job folders, progress and result files.
- :mod:`~reaper_ext.reaper.runner`: what the actions call; the ``defer`` loop.
"""

__all__: list[str] = []

"""Background jobs: the job-folder protocol (pure Python, used inside REAPER) and the worker process."""

__all__: list[str] = []

"""The HTML report (one report: the CLI's ``--report`` and the REAPER action open the same page)."""

__all__: list[str] = []

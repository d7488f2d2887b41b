"""A REAPER stand-in for tests: ``reaper_python`` and the project behind it."""

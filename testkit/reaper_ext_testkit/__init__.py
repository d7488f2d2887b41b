"""Test-data generators for reaper-ext's tests, benchmarks and training (not shipped in the runtime package)."""

__all__: list[str] = []

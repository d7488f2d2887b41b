"""The session analysis: results, cache keys, windows, parallel scheduling, the mix bus."""

__all__: list[str] = []

"""The session model and its backends (``rpp`` files; ``live`` inside REAPER)."""

from reaper_ext.session.model import FxInfo, Item, Marker, MediaStatus, Project, Track

__all__ = ["FxInfo", "Item", "Marker", "MediaStatus", "Project", "Track"]

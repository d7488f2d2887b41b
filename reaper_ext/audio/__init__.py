"""The audio REAPER would play from a track's items, read from disk in blocks."""

from reaper_ext.audio.track_audio import TrackAudio, read_track_audio, track_duration_sec

__all__ = ["TrackAudio", "read_track_audio", "track_duration_sec"]

"""Cache keys: a track's key is its items' parameters, its media content, the settings and the models."""

from __future__ import annotations

import json

from reaper_ext.pipeline.results import ANALYSIS_VERSION
from reaper_ext.session.model import Track
from reaper_ext.storage.cache import ContentCache, digest_bytes

__all__ = ["track_key"]


def _models_digest() -> str:
    """Digest of the labeller's weight files: retraining must invalidate cached labels."""
    global _MODELS_DIGEST
    if _MODELS_DIGEST is None:
        from reaper_ext.labels.model import MIX_WEIGHTS_PATH, WEIGHTS_PATH

        blobs = b"".join(path.read_bytes() for path in (WEIGHTS_PATH, MIX_WEIGHTS_PATH) if path.is_file())
        _MODELS_DIGEST = digest_bytes(blobs)
    return _MODELS_DIGEST

_MODELS_DIGEST: str | None = None

def track_key(track: Track, cache: ContentCache, settings_key: str) -> str | None:
    """Cache key of a track: its items' parameters and media content, the settings and models; None if unreadable."""
    parts: list = [ANALYSIS_VERSION, settings_key, _models_digest(), track.name]
    for item in track.items:
        if item.is_muted:
            continue
        digest = None
        if item.media is not None and item.media.resolved_path is not None:
            try:
                digest = cache.file_digest(item.media.resolved_path)
            except OSError:
                return None
        parts.append([
            digest, item.source_type, item.position_sec, item.length_sec, item.start_offset_sec,
            item.section_start_sec, item.playrate, item.item_gain, item.take_gain,
            None if item.media is None else item.media.file_as_written,
        ])
    return digest_bytes(json.dumps(parts).encode())

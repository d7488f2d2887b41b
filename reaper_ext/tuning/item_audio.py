"""The audio one item plays, read from its source file (for the per-item tuning and clean-up passes).

The item plays its take's source from ``SOFFS`` (plus a section offset) for
``length x playrate`` seconds. Items with a play rate other than 1 are read
all the same, but their pitch is then not the source's (REAPER may or may not
preserve pitch), so the passes skip them with a message.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.errors import MediaError

__all__ = ["read_item_audio", "item_skip_reason"]


def item_skip_reason(item) -> str | None:
    """Why an item cannot be checked or cleaned, or None."""
    if item.is_muted:
        return "muted"
    if item.media is None:
        return "no audio source (MIDI or empty)"
    if not item.media.is_found:
        return f"{item.media.file_as_written!r} is missing"
    if abs(item.playrate - 1.0) > 1e-9:
        return f"play rate {item.playrate:g}: its pitch is not the source's"
    return None


def read_item_audio(item) -> tuple[np.ndarray, int]:
    """``(samples (n, channels) float32, sample_rate_hz)`` of the part of the source the item plays."""
    import soundfile

    path = item.media.resolved_path
    try:
        with soundfile.SoundFile(str(path)) as stream:
            rate = stream.samplerate
            first = max(0, int(round((item.start_offset_sec + item.section_start_sec) * rate)))
            count = max(0, int(round(item.length_sec * item.playrate * rate)))
            stream.seek(min(first, stream.frames))
            samples = stream.read(count, dtype="float32", always_2d=True)
    except (RuntimeError, OSError) as error:
        raise MediaError(f"{path}: cannot read ({error})") from None
    return samples, rate

"""Build a track's audio from its items: what REAPER would play, not the raw files.

Each unmuted item's source is read from its start offset (SOFFS, plus a
SOURCE SECTION's start), placed at its position for its length, with item
and take volume applied (a negative take volume flips polarity, as in REAPER).
Sources are read in blocks straight into the track buffer, so memory is the
track buffer plus one block, whatever the files' lengths. A missing or
unreadable file is reported for that item; the rest of the track still plays.

Simplifications, said here so nobody is surprised: item fades, take
envelopes, stretch markers and pitch shift are ignored; a playrate other than
1 is applied by resampling (REAPER's default keeps pitch); a looped source is
not repeated past its end (the rest of the item is silent, and reported).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reaper_ext.audio.files import sound_file_name
from reaper_ext.audio.resample import resample
from reaper_ext.errors import MediaError
from reaper_ext.session.model import Item, Track

__all__ = ["TrackAudio", "read_track_audio", "track_duration_sec", "READ_BLOCK_FRAMES"]

READ_BLOCK_FRAMES = 1 << 16  # frames per soundfile read: bounded memory, few calls
MAX_CHANNELS = 2  # tracks are analysed as mono or stereo; more channels are folded down


@dataclass
class TrackAudio:
    """A track's audio from ``start_sec`` (project time of sample 0)."""

    samples: np.ndarray  # float32, (n_samples, n_channels)
    sample_rate_hz: int
    start_sec: float
    item_spans_sec: list[tuple[float, float]] = field(default_factory=list)  # in track-audio time
    messages: list[str] = field(default_factory=list)  # per-item problems, human readable
    n_items_read: int = 0

    @property
    def duration_sec(self) -> float:
        return self.samples.shape[0] / self.sample_rate_hz


def _audible_items(track: Track) -> list[Item]:
    return [item for item in track.items if not item.is_muted and item.length_sec > 0]


def track_duration_sec(track: Track) -> float:
    """Seconds from the first audible item's start to the last one's end."""
    items = _audible_items(track)
    if not items:
        return 0.0
    return max(item.end_sec for item in items) - min(item.position_sec for item in items)


def _fold_channels(block: np.ndarray) -> np.ndarray:
    """Mono stays mono, stereo stays stereo; more channels fold to stereo (odd→L, even→R)."""
    if block.shape[1] <= MAX_CHANNELS:
        return block
    left = block[:, 0::2].mean(axis=1)
    right = block[:, 1::2].mean(axis=1)
    return np.stack([left, right], axis=1)



def _probe(path) -> tuple[int, int, int]:
    import soundfile

    try:
        info = soundfile.info(sound_file_name(path))
    except Exception as error:  # soundfile raises RuntimeError/LibsndfileError/TypeError on bad files
        raise MediaError(f"{path}: can't read this audio file ({error})") from None
    if info.frames <= 0 or info.samplerate <= 0:
        raise MediaError(f"{path}: the file holds no audio (0 frames)")
    return int(info.samplerate), int(info.channels), int(info.frames)


def read_track_audio(
    track: Track,
    *,
    sample_rate_hz: int | None = None,
    max_duration_sec: float | None = None,
    start_offset_sec: float = 0.0,
) -> TrackAudio:
    """Read and place every audible item of ``track``.

    Parameters
    ----------
    track : Track
        The track, with media already resolved by the backend.
    sample_rate_hz : int, optional
        Rate to render at; default the first readable source's rate.
    max_duration_sec : float, optional
        Render at most this much, from ``start_offset_sec`` past the first
        item's start (lets callers analyse very long tracks in windows).
    start_offset_sec : float
        Where the window starts, in seconds after the first item's start.

    Raises
    ------
    MediaError
        No item of the track could be read (the message lists each reason).
    """
    import soundfile

    items = _audible_items(track)
    messages: list[str] = []
    if not items:
        raise MediaError(f"track {track.name!r}: no unmuted items with audio")
    probes: dict[int, tuple[int, int, int]] = {}
    for n, item in enumerate(items):
        if item.media is None:
            messages.append(f"item at {item.position_sec:.2f}s: {item.source_type or 'no'} source, no audio file (skipped)")
            continue
        if not item.media.is_found:
            tried = ", ".join(str(path) for path in item.media.tried_paths) or "nowhere to look"
            messages.append(f"item at {item.position_sec:.2f}s: media file {item.media.file_as_written!r} is missing (looked in {tried})")
            continue
        try:
            probes[n] = _probe(item.media.resolved_path)
        except MediaError as error:
            messages.append(f"item at {item.position_sec:.2f}s: {error}")
    if not probes:
        raise MediaError(f"track {track.name!r}: no readable media; " + "; ".join(messages))
    rate_hz = sample_rate_hz or probes[min(probes)][0]
    n_channels = min(MAX_CHANNELS, max(channels for _, channels, _ in probes.values()))
    origin_sec = min(item.position_sec for item in items) + start_offset_sec
    end_sec = max(item.end_sec for item in items)
    if max_duration_sec is not None:
        end_sec = min(end_sec, origin_sec + max_duration_sec)
    n_total = max(0, int(round((end_sec - origin_sec) * rate_hz)))
    output = np.zeros((n_total, n_channels), dtype=np.float32)
    spans: list[tuple[float, float]] = []
    n_read = 0
    for n, item in enumerate(items):
        if n not in probes:
            continue
        file_rate_hz, file_channels, file_frames = probes[n]
        assert item.media is not None and item.media.resolved_path is not None  # only items with media are probed
        # window of this item inside the output, in output samples
        item_start = int(round((item.position_sec - origin_sec) * rate_hz))
        item_stop = int(round((item.end_sec - origin_sec) * rate_hz))
        spans.append((max(0.0, item.position_sec - origin_sec), max(0.0, item.end_sec - origin_sec)))
        clip_start = max(0, item_start)
        clip_stop = min(n_total, item_stop)
        if clip_stop <= clip_start:
            continue
        playrate = item.playrate if item.playrate > 0 else 1.0
        # source time at the first output sample we render
        source_sec = item.section_start_sec + item.start_offset_sec + (clip_start - item_start) / rate_hz * playrate
        source_frame = int(round(source_sec * file_rate_hz))
        n_wanted_source = int(np.ceil((clip_stop - clip_start) / rate_hz * playrate * file_rate_hz))
        available = max(0, file_frames - max(0, source_frame))
        if source_frame < 0 or n_wanted_source > available:
            messages.append(
                f"item at {item.position_sec:.2f}s: runs past the end of {item.media.file_as_written!r} "
                f"({file_frames / file_rate_hz:.2f}s long); the rest of the item is silent"
            )
        gain = float(item.item_gain * item.take_gain)
        try:
            written = _read_into(
                soundfile, item.media.resolved_path, output, clip_start, clip_stop,
                source_frame=source_frame, n_source_frames=min(n_wanted_source, available),
                file_rate_hz=file_rate_hz, target_rate_hz=int(round(rate_hz / playrate)), gain=gain,
            )
        except MediaError as error:
            messages.append(f"item at {item.position_sec:.2f}s: {error}")
            continue
        if written:
            n_read += 1
    if n_read == 0:
        raise MediaError(f"track {track.name!r}: no readable media; " + "; ".join(messages))
    return TrackAudio(output, int(rate_hz), origin_sec, spans, messages, n_read)


def _read_into(
    soundfile,
    path,
    output: np.ndarray,
    clip_start: int,
    clip_stop: int,
    *,
    source_frame: int,
    n_source_frames: int,
    file_rate_hz: int,
    target_rate_hz: int,
    gain: float,
) -> int:
    """Stream ``n_source_frames`` from ``path`` into ``output[clip_start:clip_stop]`` (added)."""
    if n_source_frames <= 0:
        return 0
    position = clip_start
    needs_resample = file_rate_hz != target_rate_hz
    # Resampling block by block would click at block edges; read with a margin
    # and keep the middle. Blocks are large, so the overlap costs little.
    margin = 256 if needs_resample else 0
    try:
        with soundfile.SoundFile(sound_file_name(path)) as stream:
            done = 0
            at_frame = -1  # where the stream stands: seek only when a read doesn't follow on
            buffer = np.empty((READ_BLOCK_FRAMES + 2 * margin, stream.channels), dtype=np.float32)
            while done < n_source_frames and position < clip_stop:
                n_block = min(READ_BLOCK_FRAMES, n_source_frames - done)
                read_from = max(0, source_frame + done - margin)
                if read_from != at_frame:
                    stream.seek(read_from)
                n_frames = n_block + (source_frame + done - read_from) + margin
                block = stream.read(n_frames, dtype="float32", always_2d=True, out=buffer[:n_frames])
                at_frame = read_from + block.shape[0]
                if block.shape[0] == 0:
                    break
                if not np.isfinite(np.sum(block, dtype=np.float32)):  # NaN/inf survive a sum
                    raise MediaError(f"{path}: holds NaN or infinite samples (damaged float file)")
                block = _fold_channels(block)
                lead = source_frame + done - read_from
                if needs_resample:
                    resampled = resample(block, file_rate_hz, target_rate_hz)
                    ratio = target_rate_hz / file_rate_hz
                    first = int(round(lead * ratio))
                    n_out = int(round(min(n_block, block.shape[0] - lead) * ratio))
                    block = resampled[first : first + n_out]
                else:
                    block = block[lead : lead + n_block]
                n_out = min(block.shape[0], clip_stop - position)
                if n_out <= 0:
                    break
                source = block[:n_out] if block.shape[1] == output.shape[1] else block[:n_out, :1]  # mono on stereo: both sides
                if gain != 1.0:
                    source = source * np.float32(gain)
                output[position : position + n_out] += source
                position += n_out
                done += n_block
    except MediaError:
        raise
    except Exception as error:  # libsndfile errors mid-file: truncated data, bad frames
        raise MediaError(f"{path}: reading failed part-way ({error})") from None
    return position - clip_start

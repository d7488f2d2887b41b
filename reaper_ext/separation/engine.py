"""Chunked, streaming stem separation of one audio file with a loaded demucs model.

Memory is bounded by one model segment, not by the file: the input is read
from disk per segment, the overlap-add accumulator only holds the samples not
yet final, and finished samples are written to the stem files at once.

The overlap-add reproduces :func:`demucs.apply.apply_model` (``split=True``)
sample for sample: the same segment offsets (stride ``(1 - overlap) * segment``),
the same context padding around a short last segment, the same triangular
weights normalised by their sum, and for ``shifts > 0`` the same random offsets
drawn from :mod:`random` in the same order. Only the normalisation needs the
whole file, and it is two numbers (mean and std of the channel mean, as
``demucs.api.Separator.separate_tensor``), computed in a first streaming pass.

Output: one 32-bit float WAV per stem, at the input's sample rate and channel
count. Float keeps stems that peak above 0 dBFS unclipped and keeps the
stems' sum equal to the input. The residual ``input - sum(stems)`` (resampling
error, the model's own imperfect reconstruction) is added to the ``"other"``
stem, so the stems sum to the input exactly (to float32 rounding).
"""

from __future__ import annotations

import errno
import math
import os
import random
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reaper_ext.audio.files import sound_file_name
from reaper_ext.audio.resample import StreamingResampler
from reaper_ext.errors import MediaError, SeparationError
from reaper_ext.pipeline.progress import ProgressCallback

__all__ = [
    "check_settings",
    "SeparationCancelled",
    "CancelCheck",
    "EngineResult",
    "RESIDUAL_STEM",
    "OUTPUT_SUBTYPE",
    "read_audio_info",
    "stem_file_name",
    "place_without_replacing",
    "separate_to_files",
]

CancelCheck = "Callable[[], bool] | threading.Event"
RESIDUAL_STEM = "other"  # the stem that receives input - sum(stems)
OUTPUT_SUBTYPE = "FLOAT"  # 32-bit float WAV
_READ_BLOCK = 1 << 18  # frames per read in the streaming passes (~6 s at 44.1 kHz)
_STD_EPS = 1e-8  # demucs.api.Separator.separate_tensor adds this to the std
_PART_SUFFIX = ".part"


class SeparationCancelled(SeparationError):
    """The caller cancelled the separation; no output file was left behind."""


@dataclass(frozen=True)
class EngineResult:
    """What :func:`separate_to_files` wrote."""

    stem_paths: dict[str, Path]
    sample_rate_hz: int
    n_channels: int
    duration_sec: float


def stem_file_name(input_stem: str, stem: str, number: int = 1) -> str:
    """``"<input stem> - <stem>.wav"``: the name of one output file.

    ``number`` > 1 gives ``"<input stem> (<number>) - <stem>.wav"``: the name
    used when the plain one is taken (see :func:`place_without_replacing`).
    """
    base = input_stem if number <= 1 else f"{input_stem} ({number})"
    return f"{base} - {stem}.wav"


def _link_no_replace(part: Path, final: Path) -> None:
    """Give ``part`` the name ``final``; raises FileExistsError rather than replace anything.

    A hard link fails when the name exists (POSIX ``link``, Windows
    ``CreateHardLink``), which makes "is it free?" and "take it" one step; on
    file systems without hard links, a check and a rename.
    """
    try:
        os.link(part, final)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(final):
            raise FileExistsError(final) from None
        os.rename(part, final)  # Windows refuses to rename over a file; elsewhere the check above guards
        return
    os.unlink(part)


def place_without_replacing(parts: dict[str, Path], out_dir: Path, file_stem: str) -> dict[str, Path]:
    """Move finished stem files to their final names, never replacing an existing file.

    All stems of one separation share a number: ``"mix - drums.wav"`` ...
    when every such name is free, else ``"mix (2) - drums.wav"`` ..., and so
    on. A user's file that happens to have a stem's name is never touched.
    """
    for number in range(1, 10_000):
        finals = {stem: out_dir / stem_file_name(file_stem, stem, number) for stem in parts}
        if any(os.path.lexists(final) for final in finals.values()):
            continue
        placed: dict[str, Path] = {}
        try:
            for stem, part in parts.items():
                _link_no_replace(part, finals[stem])
                placed[stem] = finals[stem]
        except FileExistsError:  # taken meanwhile: give back what this number took, try the next
            for stem, final in placed.items():
                os.replace(final, parts[stem])
            continue
        return placed
    raise SeparationError(f"{out_dir}: no free name for the stems of {file_stem!r}")


def check_settings(*, overlap: float, shifts: int = 0, segment_sec: float | None = None) -> None:
    """Refuse separation settings demucs would misread (the one check every entry uses)."""
    if not 0 <= overlap < 1:
        raise SeparationError(f"overlap must be in [0, 1), got {overlap}")
    if shifts < 0:
        raise SeparationError(f"shifts must be >= 0, got {shifts}")
    if segment_sec is not None and segment_sec <= 0:
        raise SeparationError(f"segment must be a positive number of seconds, got {segment_sec}")


def read_audio_info(path: Path) -> tuple[int, int, int]:
    """``(sample_rate_hz, n_channels, n_frames)`` of ``path``; check it can be separated.

    Raises
    ------
    MediaError
        The file is missing or can't be decoded.
    SeparationError
        It has more than two channels, or no samples.
    """
    import soundfile as sf

    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path}: no such audio file")
    try:
        info = sf.info(sound_file_name(path))
    except (RuntimeError, sf.LibsndfileError) as exc:
        raise MediaError(f"{path}: can't read it as audio ({exc})") from exc
    if info.channels > 2:
        raise SeparationError(
            f"{path}: has {info.channels} channels; separation takes mono or stereo. "
            "Fold it down to stereo first (or separate a stereo bounce)."
        )
    if info.frames <= 0:
        raise SeparationError(f"{path}: has no samples to separate")
    return int(info.samplerate), int(info.channels), int(info.frames)


def _is_cancelled(cancel: Any) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event) or hasattr(cancel, "is_set"):
        return bool(cancel.is_set())
    return bool(cancel())


def _write_block(handle: Any, block: np.ndarray) -> None:
    """Write ``(n, channels)`` frames; one place, so tests can simulate a full disk."""
    handle.write(block)


def _to_stereo(block: np.ndarray) -> np.ndarray:
    """``(n, 1|2)`` frames -> ``(2, n)``; mono is duplicated, as demucs's ``convert_audio``."""
    if block.shape[1] == 1:
        return np.repeat(block.T, 2, axis=0)
    return np.ascontiguousarray(block.T)


class _RunningStats:
    """Mean and unbiased std of a stream (Chan et al. pairwise update, float64)."""

    def __init__(self) -> None:
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0
        self.peak = 0.0

    def add(self, x: np.ndarray) -> None:
        if x.size == 0:
            return
        x = x.astype(np.float64)
        n_b, mean_b = x.size, float(x.mean())
        m2_b = float(((x - mean_b) ** 2).sum())
        delta = mean_b - self.mean
        n = self.n + n_b
        self.mean += delta * n_b / n
        self.m2 += m2_b + delta * delta * self.n * n_b / n
        self.n = n
        self.peak = max(self.peak, float(np.abs(x).max()))

    @property
    def std(self) -> float:
        # torch.Tensor.std is unbiased (N - 1), as demucs uses it.
        return math.sqrt(self.m2 / (self.n - 1)) if self.n > 1 else 0.0


class _ModelInput:
    """Random access to the normalised model-rate stereo input, zero outside the file."""

    def __init__(self, path: Path, n_frames: int, mean: float, std: float) -> None:
        import soundfile as sf

        self._file = sf.SoundFile(sound_file_name(path))
        self.n_frames = n_frames
        self.mean = mean
        self.std = std

    def read(self, start: int, stop: int) -> np.ndarray:
        out = np.zeros((2, stop - start), dtype=np.float32)
        lo, hi = max(start, 0), min(stop, self.n_frames)
        if hi > lo:
            self._file.seek(lo)
            block = self._file.read(hi - lo, dtype="float32", always_2d=True)
            # Normalise before zero padding: apply_model pads the normalised mix.
            out[:, lo - start : lo - start + block.shape[0]] = (_to_stereo(block) - self.mean) / self.std
        return out

    def close(self) -> None:
        self._file.close()


class _Stream:
    """One overlap-add pass of one model over the (possibly shifted) input.

    Mirrors apply_model's split branch on the virtual signal ``v(i) = x(i - delay)``
    of length ``n_frames + delay`` (``delay = max_shift - offset`` for a shift).
    """

    def __init__(
        self,
        model: Any,
        *,
        n_frames: int,
        segment_sec: float | None,
        overlap: float,
        delay: int,
        weights: np.ndarray,
        device: str,
    ) -> None:
        from demucs.htdemucs import HTDemucs

        self.model = model
        self.device = device
        self.delay = delay
        self.weights = weights  # (n_sources,) factor on this stream's output
        self.length = n_frames + delay
        seg = segment_sec if segment_sec is not None else model.segment
        self.segment_length = int(model.samplerate * seg)
        self.stride = int((1 - overlap) * self.segment_length)
        if self.stride <= 0:
            raise SeparationError(f"overlap {overlap} leaves no stride; use a value in [0, 1)")
        # apply_model's inner (split=False) call: HTDemucs with an explicit segment
        # pads to that segment, otherwise the model's valid_length decides.
        self._user_segment = segment_sec
        self._is_htdemucs = isinstance(model, HTDemucs)
        half = self.segment_length // 2
        tri = np.concatenate([np.arange(1, half + 1), np.arange(self.segment_length - half, 0, -1)])
        self.window = (tri / tri.max()).astype(np.float32)
        self.next_offset = 0
        self.acc_start = 0  # v-index of acc[..., 0]
        self.acc = np.zeros((len(model.sources), 2, 0), dtype=np.float32)
        self.wsum = np.zeros(0, dtype=np.float32)

    @property
    def is_done(self) -> bool:
        return self.next_offset >= self.length

    @property
    def final_until(self) -> int:
        """x-index up to which this stream's output is final."""
        v_final = self.length if self.is_done else self.next_offset
        return min(max(v_final - self.delay, 0), self.length - self.delay)

    def _valid_length(self, chunk_length: int) -> int:
        if self._is_htdemucs and self._user_segment is not None:
            return int(self._user_segment * self.model.samplerate)
        if hasattr(self.model, "valid_length"):
            return int(self.model.valid_length(chunk_length))
        return chunk_length

    def step(self, source: _ModelInput) -> None:
        """Run the model on the next segment and add it into the accumulator."""
        import torch

        offset = self.next_offset
        chunk_length = min(self.length - offset, self.segment_length)
        valid_length = self._valid_length(chunk_length)
        start = offset - (valid_length - chunk_length) // 2  # TensorChunk.padded
        window = source.read(start - self.delay, start - self.delay + valid_length)
        with torch.no_grad():
            out = self.model(torch.from_numpy(window)[None].to(self.device))
        delta = out.shape[-1] - chunk_length  # demucs.utils.center_trim
        out = out[..., delta // 2 : delta // 2 + chunk_length][0].float().cpu().numpy()
        end = offset + chunk_length
        grow = end - (self.acc_start + self.acc.shape[-1])
        if grow > 0:
            self.acc = np.concatenate([self.acc, np.zeros(self.acc.shape[:2] + (grow,), np.float32)], -1)
            self.wsum = np.concatenate([self.wsum, np.zeros(grow, np.float32)])
        a = offset - self.acc_start
        w = self.window[:chunk_length]
        self.acc[..., a : a + chunk_length] += w * out
        self.wsum[a : a + chunk_length] += w
        self.next_offset = offset + self.stride

    def take(self, x_start: int, x_stop: int) -> np.ndarray:
        """Return (and drop) the final normalised output for x-range ``[x_start, x_stop)``, weighted."""
        a = x_start + self.delay - self.acc_start
        b = x_stop + self.delay - self.acc_start
        out = self.acc[..., a:b] / self.wsum[a:b] * self.weights[:, None, None]
        self.acc = self.acc[..., b:]
        self.wsum = self.wsum[b:]
        self.acc_start += b
        return out


def _build_streams(
    model: Any, *, n_frames: int, segment_sec: float | None, overlap: float, shifts: int, device: str
) -> list[_Stream]:
    """One stream per (model in the bag, shift), drawing shifts as apply_model does."""
    members = list(model.models) if hasattr(model, "models") else [model]
    n_sources = len(model.sources)
    bag_weights = np.asarray(getattr(model, "weights", [[1.0] * n_sources]), dtype=np.float64)
    totals = bag_weights.sum(axis=0)
    streams = []
    for member, member_weights in zip(members, bag_weights, strict=True):
        member.to(device).eval()
        w = (member_weights / totals).astype(np.float32)
        if shifts:
            max_shift = int(0.5 * member.samplerate)
            for _ in range(shifts):
                shift_offset = random.randint(0, max_shift)  # same draw order as apply_model
                streams.append(
                    _Stream(
                        member,
                        n_frames=n_frames,
                        segment_sec=segment_sec,
                        overlap=overlap,
                        delay=max_shift - shift_offset,
                        weights=w / shifts,
                        device=device,
                    )
                )
        else:
            streams.append(
                _Stream(
                    member,
                    n_frames=n_frames,
                    segment_sec=segment_sec,
                    overlap=overlap,
                    delay=0,
                    weights=w,
                    device=device,
                )
            )
    return streams


class _Progress:
    def __init__(self, callback: ProgressCallback | None) -> None:
        self.callback = callback
        self.t0 = time.monotonic()

    def __call__(
        self, fraction: float, stage: str, *, stage_fraction: float | None = None, stage_t0: float | None = None
    ) -> None:
        if self.callback is None:
            return
        eta = None
        if stage_fraction and stage_t0 is not None and stage_fraction > 0:
            elapsed = time.monotonic() - stage_t0
            eta = elapsed * (1 - stage_fraction) / stage_fraction
        self.callback(min(max(fraction, 0.0), 1.0), stage, eta)


def separate_to_files(
    input_path: Path,
    out_dir: Path,
    model: Any,
    *,
    device: str = "cpu",
    segment_sec: float | None = None,
    overlap: float = 0.25,
    shifts: int = 0,
    progress: ProgressCallback | None = None,
    cancel: Any = None,
    file_stem: str | None = None,
) -> EngineResult:
    """Separate ``input_path`` into one WAV per source of ``model``, in ``out_dir``.

    Parameters
    ----------
    input_path : Path
        Mono or stereo audio file readable by soundfile, any sample rate.
    out_dir : Path
        Folder for ``"<file stem> - <source>.wav"`` (created if missing).
        Existing files with those names are replaced.
    model : demucs model or BagOfModels
        Already loaded (see :func:`reaper_ext.separation.models.load_separation_model`).
    device : str
        torch device to run the model on.
    segment_sec : float or None
        Segment length in seconds; ``None`` uses the model's.
    overlap : float
        Fraction of a segment shared with the next one, in ``[0, 1)``.
    shifts : int
        Random-shift passes averaged (demucs's "shift trick"); 0 = one pass.
    progress : callable or None
        ``progress(fraction, stage, eta_sec)``; stages ``"reading"``,
        ``"separating"``, ``"done"``.
    cancel : callable or threading.Event or None
        Checked between segments; when true, partial files are deleted and
        :class:`SeparationCancelled` is raised.
    file_stem : str or None
        Name prefix of the outputs; defaults to ``input_path.stem``.

    Returns
    -------
    EngineResult
    """
    import soundfile as sf

    input_path, out_dir = Path(input_path), Path(out_dir)
    rate_hz, n_channels, n_frames = read_audio_info(input_path)
    check_settings(overlap=overlap, shifts=shifts, segment_sec=segment_sec)
    file_stem = file_stem if file_stem is not None else input_path.stem
    sources = tuple(model.sources)
    model_rate_hz = int(model.samplerate)
    out_dir.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:12]
    final_paths = {s: out_dir / stem_file_name(file_stem, s) for s in sources}
    part_paths = {s: out_dir / f".{p.name}.{token}{_PART_SUFFIX}" for s, p in final_paths.items()}
    resampled_path = out_dir / f".{file_stem}.{token}.model-rate{_PART_SUFFIX}"
    handles: dict[str, Any] = {}
    opened: list[Any] = []
    report = _Progress(progress)
    try:
        # Pass 1: statistics (and the model-rate copy when the rate differs).
        is_resampled = rate_hz != model_rate_hz
        stats = _RunningStats()
        resampler_in = StreamingResampler(rate_hz, model_rate_hz, n_channels=2) if is_resampled else None
        model_file = None
        if is_resampled:
            model_file = sf.SoundFile(
                str(resampled_path), "w", samplerate=model_rate_hz, channels=2, format="WAV", subtype="FLOAT"
            )
            opened.append(model_file)
        t_read = time.monotonic()
        with sf.SoundFile(sound_file_name(input_path)) as reader:
            n_read = 0
            for block in reader.blocks(blocksize=_READ_BLOCK, dtype="float32", always_2d=True):
                if _is_cancelled(cancel):
                    raise SeparationCancelled(f"{input_path}: separation cancelled")
                stereo = _to_stereo(block)
                if resampler_in is not None:
                    stereo = resampler_in.push(stereo)
                    _write_block(model_file, stereo.T)
                stats.add(stereo.mean(axis=0))
                n_read += block.shape[0]
                report(0.05 * n_read / n_frames, "reading", stage_fraction=n_read / n_frames, stage_t0=t_read)
        if resampler_in is not None:
            tail = resampler_in.flush()
            _write_block(model_file, tail.T)
            stats.add(tail.mean(axis=0))
            if model_file is not None:
                model_file.close()
        n_model = stats.n
        mean, std = stats.mean, stats.std + _STD_EPS
        is_silent = stats.peak == 0.0

        for s in sources:
            h = sf.SoundFile(
                str(part_paths[s]), "w", samplerate=rate_hz, channels=n_channels, format="WAV", subtype=OUTPUT_SUBTYPE
            )
            handles[s] = h
            opened.append(h)
        mix_reader = sf.SoundFile(sound_file_name(input_path))
        opened.append(mix_reader)
        resampler_out = (
            StreamingResampler(model_rate_hz, rate_hz, n_channels=len(sources) * 2) if is_resampled else None
        )
        n_written = 0
        other_index = sources.index(RESIDUAL_STEM) if RESIDUAL_STEM in sources else len(sources) - 1

        def write(stems: np.ndarray) -> None:
            """Write ``(n_sources, 2, n)`` original-rate stems, with the residual."""
            nonlocal n_written
            n = min(stems.shape[-1], n_frames - n_written)
            if n <= 0:
                return
            stems = stems[..., :n]
            if n_channels == 1:
                stems = stems.mean(axis=1, keepdims=True)  # back to mono
            mix = mix_reader.read(n, dtype="float32", always_2d=True).T  # sequential
            stems[other_index] += mix - stems.sum(axis=0)
            for k, s in enumerate(sources):
                _write_block(handles[s], np.ascontiguousarray(stems[k].T))
            n_written += n

        def emit(block: np.ndarray) -> None:
            """Model-rate normalised stems -> denormalised, original rate, on disk."""
            block = block * std + mean  # demucs.api: out * std + mean
            if not np.isfinite(block).all():
                raise SeparationError(f"{input_path}: the model produced non-finite samples")
            if resampler_out is not None:
                flat = resampler_out.push(block.reshape(len(sources) * 2, -1))
                block = flat.reshape(len(sources), 2, -1)
            write(block)

        source_path = resampled_path if is_resampled else input_path
        t_sep = time.monotonic()
        if is_silent:
            # All-zero input: the stems are silence; skip the model (and 0/0).
            done = 0
            while done < n_model:
                if _is_cancelled(cancel):
                    raise SeparationCancelled(f"{input_path}: separation cancelled")
                n = min(_READ_BLOCK, n_model - done)
                emit(np.zeros((len(sources), 2, n), np.float32) - mean / std)
                done += n
        else:
            model_input = _ModelInput(source_path, n_model, mean, std)
            opened.append(model_input)
            streams = _build_streams(
                model, n_frames=n_model, segment_sec=segment_sec, overlap=overlap, shifts=shifts, device=device
            )
            n_steps = sum(math.ceil(st.length / st.stride) for st in streams)
            n_done_steps = 0
            emitted = 0
            report(0.05, "separating")
            while emitted < n_model:
                if _is_cancelled(cancel):
                    raise SeparationCancelled(f"{input_path}: separation cancelled")
                # Advance the stream that is furthest behind, so buffers stay short.
                pending = [st for st in streams if not st.is_done]
                if pending:
                    min(pending, key=lambda st: st.final_until).step(model_input)
                    n_done_steps += 1
                frontier = min(st.final_until for st in streams)
                if frontier > emitted:
                    emit(np.sum([st.take(emitted, frontier) for st in streams], axis=0))
                    emitted = frontier
                frac = n_done_steps / n_steps
                report(0.05 + 0.94 * frac, "separating", stage_fraction=frac, stage_t0=t_sep)
        if resampler_out is not None:
            tail = resampler_out.flush()
            write(tail.reshape(len(sources), 2, -1))
        if n_written < n_frames:  # rounding of the two resamplings: fill from the mix
            write(np.zeros((len(sources), 2, n_frames - n_written), np.float32))
        for h in opened:
            h.close()
        opened.clear()
        final_paths = place_without_replacing(part_paths, out_dir, file_stem)
    except BaseException as exc:
        for h in opened:
            try:
                h.close()
            except Exception:  # noqa: BLE001 - already failing; cleanup must go on
                pass
        for p in [*part_paths.values(), resampled_path]:
            p.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            if exc.errno == errno.ENOSPC:
                raise SeparationError(
                    f"{input_path}: the disk holding {out_dir} is full; partial stems were deleted. "
                    "Free some space (the stems need about "
                    f"{len(sources) * n_channels * 4 * n_frames / 1e6:.0f} MB) and retry."
                ) from exc
            raise SeparationError(
                f"{input_path}: writing stems to {out_dir} failed ({exc}); partial stems were deleted"
            ) from exc
        if isinstance(exc, sf.LibsndfileError):
            raise SeparationError(f"{input_path}: audio I/O failed ({exc}); partial stems were deleted") from exc
        raise
    finally:
        resampled_path.unlink(missing_ok=True)
    report(1.0, "done")
    return EngineResult(
        stem_paths=final_paths, sample_rate_hz=rate_hz, n_channels=n_channels, duration_sec=n_frames / rate_hz
    )

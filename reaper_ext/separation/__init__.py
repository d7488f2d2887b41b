"""Stem separation of audio files with demucs: streaming, cached, never exiting.

:func:`separate_file` is the file-level entry point: it checks the input,
returns cached stems when the same audio was separated with the same model and
settings before, else loads the model (:mod:`.models`), separates the file in
bounded memory (:mod:`.engine`) and stores the result (:mod:`.cache`).

Stems are 32-bit float WAV files named ``"<input stem> - <stem>.wav"`` (or
``"<input stem> (2) - <stem>.wav"`` ... when a name is taken: an existing file
is never replaced), at the
input's sample rate and channel count; they sum to the input (the model's
residual goes to ``"other"``). See ``docs/separation.md``.
"""

from __future__ import annotations

import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reaper_ext.errors import SeparationError
from reaper_ext.pipeline.progress import ProgressCallback
from reaper_ext.separation.arrays import separate_array
from reaper_ext.separation.cache import StemCache, audio_content_hash, cache_key, link_or_copy
from reaper_ext.separation.engine import (
    RESIDUAL_STEM,
    SeparationCancelled,
    check_settings,
    place_without_replacing,
    read_audio_info,
    separate_to_files,
    stem_file_name,
)
from reaper_ext.separation.models import (
    DEFAULT_MODEL,
    MODEL_NAMES,
    choose_device,
    load_separation_model,
    max_segment_sec,
    model_signature,
    random_htdemucs,
)

__all__ = [
    "SeparationResult",
    "SeparationCancelled",
    "separate_file",
    "separate_array",
    "load_separation_model",
    "random_htdemucs",
    "choose_device",
    "StemCache",
    "DEFAULT_MODEL",
    "MODEL_NAMES",
]


@dataclass(frozen=True)
class SeparationResult:
    """The stems written by :func:`separate_file`.

    Attributes
    ----------
    stem_paths : dict of str to Path
        One WAV per stem (``"drums"``, ``"bass"``, ``"other"``, ``"vocals"``, ...).
    model : str
        Model name used.
    sample_rate_hz : int
        Sample rate of the stems (the input's).
    n_channels : int
        Channel count of the stems (the input's: 1 or 2).
    duration_sec : float
        Length of the input and of every stem.
    from_cache : bool
        True when the stems came from the cache without running the model.
    """

    stem_paths: dict[str, Path]
    model: str
    sample_rate_hz: int
    n_channels: int
    duration_sec: float
    from_cache: bool


def _materialise(cached: dict[str, Path], out_dir: Path, file_stem: str) -> dict[str, Path]:
    """Link/copy cached stems to their final names, each through a temp name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    parts: dict[str, Path] = {}
    try:
        for stem, src in cached.items():
            with tempfile.NamedTemporaryFile(
                dir=out_dir, prefix=f".{stem_file_name(file_stem, stem)}.", suffix=".part", delete=False
            ) as tmp:
                part = Path(tmp.name)
            part.unlink()
            parts[stem] = part
            link_or_copy(src, part)
        return place_without_replacing(parts, out_dir, file_stem)
    finally:
        for part in parts.values():
            part.unlink(missing_ok=True)


def separate_file(
    input_path: Path,
    out_dir: Path,
    *,
    model: str = DEFAULT_MODEL,
    model_repo: Path | None = None,
    device: str | None = None,
    segment: float | None = None,
    overlap: float = 0.25,
    shifts: int = 0,
    progress: ProgressCallback | None = None,
    cancel: Any = None,
    use_cache: bool = True,
    cache: StemCache | None = None,
) -> SeparationResult:
    """Separate an audio file into stems written to ``out_dir``.

    Parameters
    ----------
    input_path : Path
        Mono or stereo audio file (WAV, FLAC, OGG... anything soundfile reads),
        any sample rate, any length.
    out_dir : Path
        Folder for ``"<input stem> - <stem>.wav"``; created if missing; when
        any of those names is taken, all stems get a number
        (``"<input stem> (2) - <stem>.wav"``): no existing file is replaced.
    model : str
        ``"htdemucs"`` (default), ``"htdemucs_ft"``, ``"htdemucs_6s"`` or
        ``"demucs_unittest"`` (weight-free, for tests).
    model_repo : Path or None
        Local folder of model files, tried before the hub.
    device : str or None
        torch device; ``None`` picks cuda, then mps, then cpu.
    segment : float or None
        Segment length in seconds (demucs's ``--segment``); ``None`` = model's.
    overlap : float
        Overlap between segments (demucs's default 0.25).
    shifts : int
        Random-shift passes averaged (0 = one pass; demucs's CLI uses 1).
    progress : callable or None
        ``progress(fraction, stage, eta_sec)``.
    cancel : callable or threading.Event or None
        Polled between segments; cancelling deletes partial files and raises
        :class:`SeparationCancelled`.
    use_cache : bool
        Reuse and store stems in the user cache (:class:`StemCache`).
    cache : StemCache or None
        Cache to use; ``None`` = the default one.

    Returns
    -------
    SeparationResult

    Raises
    ------
    MediaError
        The input is missing or unreadable.
    SeparationError
        More than two channels, bad settings, a full disk, or cancelled
        (:class:`SeparationCancelled`).
    ModelNotFoundError
        The model is neither in ``model_repo`` nor reachable on the hub.
    """
    input_path, out_dir = Path(input_path), Path(out_dir)
    rate_hz, n_channels, n_frames = read_audio_info(input_path)
    check_settings(overlap=overlap, shifts=shifts, segment_sec=segment)
    key = None
    if use_cache:
        cache = cache if cache is not None else StemCache()
        key = cache_key(
            content_hash=audio_content_hash(input_path),
            model=model,
            model_signature=model_signature(model, model_repo),
            segment_sec=segment,
            overlap=overlap,
            shifts=shifts,
            residual_stem=RESIDUAL_STEM,
        )
        cached = cache.lookup(key)
        if cached is not None:
            try:
                paths = _materialise(cached, out_dir, input_path.stem)
            except OSError:
                paths = None  # evicted meanwhile: separate again
            if paths is not None:
                if progress is not None:
                    progress(1.0, "done", 0.0)
                return SeparationResult(
                    stem_paths=paths,
                    model=model,
                    sample_rate_hz=rate_hz,
                    n_channels=n_channels,
                    duration_sec=n_frames / rate_hz,
                    from_cache=True,
                )
    loaded = load_separation_model(model, model_repo=model_repo)
    if segment is not None and segment > max_segment_sec(loaded):
        raise SeparationError(
            f"segment {segment} s is longer than model {model!r} allows ({max_segment_sec(loaded):.2f} s)"
        )
    result = separate_to_files(
        input_path,
        out_dir,
        loaded,
        device=choose_device(device),
        segment_sec=segment,
        overlap=overlap,
        shifts=shifts,
        progress=progress,
        cancel=cancel,
    )
    if use_cache and cache is not None and key is not None:
        try:
            cache.store(key, result.stem_paths, info={"model": model, "input": str(input_path)})
        except OSError as exc:  # a cache failure never fails the separation
            warnings.warn(f"separation cache at {cache.root} not updated: {exc}", stacklevel=2)
    return SeparationResult(
        stem_paths=result.stem_paths,
        model=model,
        sample_rate_hz=result.sample_rate_hz,
        n_channels=result.n_channels,
        duration_sec=result.duration_sec,
        from_cache=False,
    )

"""Separation of an array already in memory: arrays in, arrays out (demucs ``api.separate_tensor``'s shape).

:func:`reaper_ext.separation.separate_file` streams files of any length through the
model with bounded memory; this is the entry for audio a caller already holds (a
reference track being compared, a rendered mix, a test signal). Both use the same
model loading, the same normalisation (demucs ``api.py``: ``(x - mean) / std`` of the
mono reference, undone after), the same residual rule (the residual stem takes
``input - sum(stems)``, so nothing of the input is lost) and the one resampler.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from reaper_ext.audio.resample import resample
from reaper_ext.errors import SeparationError
from reaper_ext.separation.engine import RESIDUAL_STEM, check_settings
from reaper_ext.separation.models import DEFAULT_MODEL, choose_device, load_separation_model

__all__ = ["separate_array"]

_STD_EPS = 1e-8  # as the file engine: a constant input must not divide by zero


def separate_array(
    samples: np.ndarray,
    sample_rate_hz: int,
    *,
    model: str = DEFAULT_MODEL,
    model_repo: Path | None = None,
    device: str | None = None,
    segment_sec: float | None = None,
    overlap: float = 0.25,
) -> dict[str, np.ndarray]:
    """Separate ``samples`` into the model's stems, returned at the input's rate and channel count.

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels)
        Mono or stereo audio, full scale 1.0, any sample rate.
    sample_rate_hz : int
        Sample rate of ``samples``.
    model : str
        A model name (see :func:`reaper_ext.separation.models.load_separation_model`);
        ``"demucs_unittest"`` needs no weights.
    model_repo : Path or None
        Local folder of model files, tried before the hub.
    device : str or None
        torch device; ``None`` picks cuda, then mps, then cpu.
    segment_sec : float or None
        Segment length in seconds; ``None`` uses the model's.
    overlap : float
        Fraction of a segment shared with the next, in ``[0, 1)``.

    Returns
    -------
    dict of str to np.ndarray
        One ``(n_samples, n_channels)`` float32 array per stem, in the model's order.

    Raises
    ------
    SeparationError
        More than two channels, no samples, bad settings or non-finite output.
    ModelNotFoundError
        The model is neither in ``model_repo`` nor reachable on the hub.
    """
    audio = np.asarray(samples, dtype=np.float32)
    if audio.ndim == 1:
        audio = audio[:, None]
    if audio.ndim != 2 or audio.shape[1] not in (1, 2) or audio.shape[0] == 0:
        raise SeparationError(f"separate_array takes (n_samples, 1 or 2 channels) audio, got shape {audio.shape}")
    check_settings(overlap=overlap, segment_sec=segment_sec)
    import torch
    from demucs.apply import apply_model

    loaded = load_separation_model(model, model_repo=model_repo)
    sources = tuple(loaded.sources)
    model_rate_hz = int(loaded.samplerate)
    n_samples, n_channels = audio.shape
    stereo = np.repeat(audio, 2, axis=1) if n_channels == 1 else audio  # demucs convert_audio duplicates mono
    at_model_rate = resample(stereo, int(sample_rate_hz), model_rate_hz)
    wav = torch.from_numpy(np.ascontiguousarray(at_model_rate.T))
    reference = wav.mean(0)
    mean, std = float(reference.mean()), float(reference.std()) + _STD_EPS
    with torch.no_grad():
        out = apply_model(
            loaded, ((wav - mean) / std)[None], device=choose_device(device), shifts=0, split=True,
            overlap=overlap, segment=segment_sec, progress=False,
        )[0]
    stems = (out * std + mean).numpy()  # (n_sources, 2, n_model)
    if not np.isfinite(stems).all():
        raise SeparationError("the model produced non-finite samples")
    result: dict[str, np.ndarray] = {}
    for source, stem in zip(sources, stems, strict=True):
        back = resample(np.ascontiguousarray(stem.T), model_rate_hz, int(sample_rate_hz))[:n_samples]
        if back.shape[0] < n_samples:  # the two resamplings' rounding
            back = np.pad(back, ((0, n_samples - back.shape[0]), (0, 0)))
        result[source] = back.mean(axis=1, keepdims=True) if n_channels == 1 else back
    residual = RESIDUAL_STEM if RESIDUAL_STEM in result else sources[-1]
    result[residual] = result[residual] + (audio - sum(result.values()))
    return {source: result[source].astype(np.float32) for source in sources}

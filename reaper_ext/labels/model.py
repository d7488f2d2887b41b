"""Instrument labels from audio: a small MLP whose weights ship as ``weights/labeler.npz``.

Inference is plain numpy (two ReLU layers and a softmax); training lives in
``training/train_labeler.py`` and is the only place torch is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from reaper_ext.errors import AnalysisError, ModelNotFoundError
from reaper_ext.labels.classes import COARSE_OF, FINE_CLASSES, label_from_name
from reaper_ext.labels.features import FEATURE_VERSION, segment_features

__all__ = [
    "Label", "WEIGHTS_PATH", "MIX_WEIGHTS_PATH", "MIX_CLASS", "MIX_THRESHOLD",
    "classify_track", "class_probabilities", "load_weights", "mix_probability", "preload", "segment_vote",
]

WEIGHTS_PATH = Path(__file__).parent / "weights" / "labeler.npz"
MIX_WEIGHTS_PATH = Path(__file__).parent / "weights" / "mix_detector.npz"
MIX_CLASS = "mix"  # fine and coarse class of a bounced full mix (a candidate for separation)
# A false "mix" would hide an instrument's label: call it a mix only when the detector is sure.
MIX_THRESHOLD = 0.8
# A bounced mix is song-length: short tracks and excerpts are never called one.
MIN_MIX_SEC = 8.0
NAME_WEIGHT = 3.0  # a clear name multiplies its class's probability by 1 + NAME_WEIGHT * name confidence


@dataclass(frozen=True)
class Label:
    """What a track is: fine class, its coarse group, confidence 0-1, and the evidence used."""

    fine_class: str
    coarse_class: str
    confidence: float
    source: str  # "audio" | "audio+name"
    # the runners-up behind a doubtful label: (fine class, probability), best first (labels.doubt)
    alternatives: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Plain-data form: ``{"class", "coarse_class", "confidence", "source"}``, plus ``"alternatives"`` when known.

        The runners-up travel with the label (the cache, the job files, ``--json``) so a
        doubt note read back from them still names what else the track might be.
        """
        data: dict[str, object] = {"class": self.fine_class, "coarse_class": self.coarse_class,
                                   "confidence": round(self.confidence, 4), "source": self.source}
        if self.alternatives:
            data["alternatives"] = [[name, probability] for name, probability in self.alternatives]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Label:
        """Read :meth:`to_dict`'s form back (KeyError, TypeError or ValueError if it is not one)."""
        confidence = data["confidence"]
        if not isinstance(confidence, (int, float)):
            raise TypeError(f"label confidence must be a number, got {confidence!r}")
        extra: dict[str, object] = {}
        alternatives = data.get("alternatives")
        if isinstance(alternatives, (list, tuple)):  # the runners-up, when the dict holds them
            extra["alternatives"] = tuple((str(name), float(p)) for name, p in alternatives)
        return cls(fine_class=str(data["class"]), coarse_class=str(data["coarse_class"]),
                   confidence=float(confidence), source=str(data.get("source", "audio")), **extra)  # type: ignore[arg-type]

    def normalised(self) -> Label:
        """The label as its JSON form holds it (confidence to 4 decimals): what a cache gives back."""
        return Label.from_dict(self.to_dict())


def _read_weights(path: Path, *, what: str, train_command: str) -> dict[str, np.ndarray]:
    """Load an exported ``.npz`` and check it was made for this feature code."""
    if not Path(path).is_file():
        raise ModelNotFoundError(f"{what} weights not found at {path}: run `{train_command}` to make them")
    with np.load(path, allow_pickle=False) as data:
        weights = {key: data[key] for key in data.files}
    if int(weights["feature_version"]) != FEATURE_VERSION:
        raise ModelNotFoundError(
            f"{path} was trained on feature version {int(weights['feature_version'])}, "
            f"this code computes version {FEATURE_VERSION}: retrain with `{train_command}`"
        )
    return weights


@lru_cache(maxsize=2)
def load_weights(path: Path = WEIGHTS_PATH) -> dict[str, np.ndarray]:
    """Load and check the exported labeller weights (cached per path)."""
    weights = _read_weights(path, what="labeller", train_command="python training/train_labeler.py")
    if tuple(str(c) for c in weights["classes"]) != FINE_CLASSES:
        raise ModelNotFoundError(f"{path} holds classes {list(weights['classes'])}, expected {list(FINE_CLASSES)}")
    return weights


@lru_cache(maxsize=2)
def _load_mix_detector(path: Path = MIX_WEIGHTS_PATH) -> dict[str, np.ndarray]:
    return _read_weights(path, what="full-mix detector", train_command="python training/train_mix_detector.py")


def preload() -> None:
    """Load both weight files now (e.g. before forking workers, so they share them)."""
    load_weights()
    _load_mix_detector()


def mix_probability(features: np.ndarray, weights: dict[str, np.ndarray] | None = None) -> float:
    """Probability that a track is a full mix rather than one instrument: the mean over its segments' feature rows.

    ``weights`` are the shipped detector's unless given (training and benchmarks pass their own).
    """
    weights = _load_mix_detector() if weights is None else weights
    z = (np.atleast_2d(np.asarray(features, dtype=np.float64)) - weights["mean"]) / weights["scale"]
    return float(np.mean(1.0 / (1.0 + np.exp(-(z @ weights["w"] + float(weights["b"]))))))


def _mlp_probabilities(inputs: np.ndarray, weights: dict[str, np.ndarray], prefix: str) -> np.ndarray:
    hidden = inputs
    n_layers = sum(1 for key in weights if key.startswith(prefix + "w"))
    for layer in range(n_layers):
        hidden = hidden @ weights[f"{prefix}w{layer}"] + weights[f"{prefix}b{layer}"]
        if layer < n_layers - 1:
            hidden = np.maximum(hidden, 0.0)
    # temperature scaling (Guo et al. 2017), fitted at training time on held-out training-side
    # sessions: it changes how sure one MLP is, never which class it picks (an ensemble mean only in near-ties)
    hidden = hidden / float(weights.get("temperature", 1.0))
    hidden -= hidden.max(axis=1, keepdims=True)
    exp = np.exp(hidden)
    return exp / exp.sum(axis=1, keepdims=True)


def class_probabilities(features: np.ndarray, weights: dict[str, np.ndarray]) -> np.ndarray:
    """Softmax output of the MLP (or the mean over an ensemble of MLPs) for rows ``(n, n_features)`` -> ``(n, n_classes)``."""
    inputs = (np.atleast_2d(features) - weights["mean"]) / weights["scale"]
    if "n_models" not in weights:
        return _mlp_probabilities(inputs, weights, "")
    n_models = int(weights["n_models"])
    return np.asarray(sum(_mlp_probabilities(inputs, weights, f"m{j}_") for j in range(n_models)) / n_models)


def segment_vote(probabilities: np.ndarray) -> np.ndarray:
    """Combine per-segment class probabilities ``(n_segments, n_classes)`` into one distribution.

    The normalised geometric mean: the winner is the class that is plausible in
    every segment, rather than one that leads some segments and is ruled out by others.
    """
    log_mean = np.log(np.asarray(probabilities) + 1e-6).mean(axis=0)
    combined = np.exp(log_mean - log_mean.max())
    return combined / combined.sum()


def classify_track(
    samples: np.ndarray,
    sample_rate_hz: int,
    *,
    track_name: str | None = None,
) -> Label:
    """Label a track as one of :data:`FINE_CLASSES`, or :data:`MIX_CLASS`, from its audio (and a clear name).

    Parameters
    ----------
    samples : np.ndarray
        Audio, float, shape ``(n_samples, n_channels)`` (or ``(n_samples,)``).
    sample_rate_hz : int
        Its sample rate.
    track_name : str, optional
        The track's name. A name that clearly says what it is ("Kick In", "Lead Vox")
        raises its class's probability and breaks near-ties; generic names
        ("Audio 01") are ignored, and strong audio evidence always wins.

    Returns
    -------
    Label

    Raises
    ------
    AnalysisError
        If the audio is too short, silent or not finite.
    ModelNotFoundError
        If the weights file is missing or stale.
    """
    if sample_rate_hz <= 0:
        raise AnalysisError(f"sample rate must be positive, got {sample_rate_hz} Hz")
    rows = segment_features(samples, int(sample_rate_hz))  # validates the audio first
    n_samples = samples.shape[0] if np.ndim(samples) else 0
    p_mix = mix_probability(rows) if n_samples >= MIN_MIX_SEC * sample_rate_hz else 0.0
    if p_mix >= MIX_THRESHOLD:  # a bounced mix: separation, not an instrument label, is the next step
        return Label(fine_class=MIX_CLASS, coarse_class=MIX_CLASS, confidence=p_mix, source="audio")
    probabilities = segment_vote(class_probabilities(rows, load_weights()))
    source = "audio"
    from_name = label_from_name(track_name)
    if from_name is not None:
        name_class, name_confidence = from_name
        probabilities = probabilities.copy()
        probabilities[FINE_CLASSES.index(name_class)] *= 1.0 + NAME_WEIGHT * name_confidence
        probabilities /= probabilities.sum()
        source = "audio+name"
    best = int(np.argmax(probabilities))
    fine_class = FINE_CLASSES[best]
    ranked = np.argsort(probabilities)[::-1][:3]
    return Label(fine_class=fine_class, coarse_class=COARSE_OF[fine_class],
                 confidence=float(probabilities[best]), source=source,
                 alternatives=tuple((FINE_CLASSES[int(k)], round(float(probabilities[k]), 4)) for k in ranked))

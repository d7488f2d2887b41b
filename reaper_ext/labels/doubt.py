"""When a label is sure enough to rename and colour a track, and what to say when it is not.

The labeller's confidence is calibrated (temperature scaling, fitted at training time
on held-out training-side sessions; ``benchmarks/bench_realistic.py`` reports the
calibration error on sample libraries training never heard). A track is renamed and
coloured only when its label's confidence reaches :func:`rename_confidence`; below it
the suggestion says what was heard and how unsure it is, and renames nothing::

    drums? (48%): kick or toms

Between the two, a label whose *group* is sure but whose fine class is not (a kick
or a tom; a synth lead or a pad) may name the track by its group ("Drums",
"Synth") when the group's share reaches :func:`group_rename_confidence`: the name
is then true at the level the labeller is sure of, and the why names the candidates.
"""

from __future__ import annotations

from reaper_ext.labels.classes import COARSE_OF

__all__ = ["RENAME_CONFIDENCE", "GROUP_RENAME_CONFIDENCE", "GROUP_NAMES", "rename_confidence", "group_rename_confidence",
           "group_share", "is_confident", "doubt_text"]

#: Default threshold when the weights carry none of their own (chosen on training-side data).
RENAME_CONFIDENCE = 0.6
#: Default group threshold when the weights carry none (group renames must be right as often as fine ones).
GROUP_RENAME_CONFIDENCE = 0.9
#: Coarse groups of several fine classes whose name is still a useful track name.
GROUP_NAMES: dict[str, str] = {"drums": "Drums", "synth": "Synth"}


def _weights_value(key: str, default: float) -> float:
    try:
        from reaper_ext.labels.model import load_weights

        weights = load_weights()
    except Exception:  # noqa: BLE001 - missing or stale weights: classify_track reports that, not this
        return default
    value = weights.get(key)
    return float(value) if value is not None else default


def rename_confidence() -> float:
    """The confidence from which a label renames a track: the shipped weights' own, else the default."""
    return _weights_value("rename_confidence", RENAME_CONFIDENCE)


def group_rename_confidence() -> float:
    """The group share from which a doubtful label names a track by its group: the weights' own, else the default."""
    return _weights_value("group_rename_confidence", GROUP_RENAME_CONFIDENCE)


def group_share(fine_class: str, confidence: float, alternatives: tuple[tuple[str, float], ...] = ()) -> tuple[str, float]:
    """The label's coarse group and its probability: the sum over the likeliest classes in that group.

    ``alternatives`` are the label's top classes with their probabilities (the winner
    first); without them the share is the winner's own confidence.
    """
    group = COARSE_OF.get(fine_class, fine_class)
    candidates = list(alternatives) or [(fine_class, confidence)]
    return group, float(sum(p for name, p in candidates if COARSE_OF.get(name, name) == group))


def is_confident(confidence: float, threshold: float | None = None) -> bool:
    """Whether a label with this confidence may rename and colour a track."""
    return confidence >= (rename_confidence() if threshold is None else threshold)


def doubt_text(fine_class: str, confidence: float, alternatives: tuple[tuple[str, float], ...] = ()) -> str:
    """What was heard, for a label too unsure to act on: ``"drums? (48%): kick or toms"``.

    The coarse group comes first when the runners-up share it (its probability is their
    sum), then the two likeliest fine classes; else the likeliest fine class and its
    runner-up.
    """
    candidates = list(alternatives) or [(fine_class, confidence)]
    group = COARSE_OF.get(fine_class, fine_class)
    same_group = [(name, p) for name, p in candidates if COARSE_OF.get(name, name) == group]
    names = [name.replace("_", " ") for name, _ in candidates[:2]]
    if len(same_group) >= 2 and group != fine_class:
        share = sum(p for _, p in same_group)
        choices = " or ".join(name.replace("_", " ") for name, _ in same_group[:2])
        return f"{group}? ({share:.0%}): {choices}"
    return f"{fine_class.replace('_', ' ')}? ({confidence:.0%})" + (f": {' or '.join(names)}" if len(names) > 1 else "")

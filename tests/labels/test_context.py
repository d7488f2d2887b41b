"""Session context for labels: more tracks claiming a drum mic than a kit has are resolved jointly."""

from __future__ import annotations

import numpy as np
import pytest

from reaper_ext.labels.classes import FINE_CLASSES
from reaper_ext.labels.context import (
    MIN_ALTERNATIVE,
    assign_in_session,
    distribution_from_alternatives,
    labels_in_session,
)
from reaper_ext.labels.model import Label


def _p(**probabilities: float) -> np.ndarray:
    p = np.full(len(FINE_CLASSES), 1e-3)
    for name, value in probabilities.items():
        p[FINE_CLASSES.index(name)] = value
    return p / p.sum()


def _winner(p: np.ndarray | None) -> str | None:
    return None if p is None else FINE_CLASSES[int(np.argmax(p))]


def test_the_weaker_of_two_hihat_claims_takes_its_runner_up():
    overheads_heard_as_hat = _p(hihat=0.6, overheads=0.3, snare=0.1)
    hat_mic = _p(hihat=0.9, overheads=0.05)
    out = assign_in_session([overheads_heard_as_hat, hat_mic, None])
    assert [_winner(p) for p in out] == ["overheads", "hihat", None]
    assert out[1] is hat_mic  # the track that keeps its class is not touched
    # the displaced track's confidence is re-spread over the classes left to it
    assert out[0][FINE_CLASSES.index("hihat")] == 0.0
    assert out[0].max() == pytest.approx(0.3 / (1 - 0.6 / 1.0) / 1.0, rel=0.1)


def test_the_joint_assignment_not_the_order_decides():
    # two tracks claim the hi-hat; the one whose runner-up is far more likely moves,
    # even though its hi-hat probability is the higher one
    a = _p(hihat=0.55, overheads=0.44)
    b = _p(hihat=0.50, kick=0.002)
    out = assign_in_session([a, b])
    assert [_winner(p) for p in out] == ["overheads", "hihat"]


def test_sessions_within_the_kit_counts_are_left_alone():
    tracks = [_p(kick=0.9), _p(kick=0.8), _p(snare=0.7), _p(hihat=0.8), _p(overheads=0.6), _p(overheads=0.7),
              _p(toms=0.5), _p(toms=0.6), _p(toms=0.7), _p(toms=0.4), _p(bass=0.9)]
    out = assign_in_session(tracks)
    assert all(a is b for a, b in zip(out, tracks, strict=True))


def test_no_plausible_alternative_keeps_the_class_in_doubt():
    sure = _p(hihat=0.95)
    also_sure = _p(hihat=0.9)  # every other class far under MIN_ALTERNATIVE
    assert also_sure[FINE_CLASSES.index("overheads")] < MIN_ALTERNATIVE
    out = assign_in_session([sure, also_sure])
    assert [_winner(p) for p in out] == ["hihat", "hihat"]
    assert out[1].max() < also_sure.max() * 0.75


def test_labels_in_session_rewrites_only_displaced_labels():
    def label(p: np.ndarray) -> Label:
        ranked = np.argsort(p)[::-1][:3]
        best = FINE_CLASSES[int(ranked[0])]
        return Label(best, "drums", float(p[ranked[0]]), "audio",
                     tuple((FINE_CLASSES[int(k)], float(p[k])) for k in ranked))

    hat = label(_p(hihat=0.9, overheads=0.05))
    oh = label(_p(hihat=0.6, overheads=0.3, snare=0.05))
    out = labels_in_session([hat, oh, None])
    assert out[0] is hat and out[2] is None
    assert (out[1].fine_class, out[1].coarse_class, out[1].source) == ("overheads", "drums", "audio+session")
    assert out[1].alternatives[0][0] == "overheads"


def test_distribution_from_alternatives_spreads_the_rest():
    p = distribution_from_alternatives((("kick", 0.5), ("toms", 0.3), ("snare", 0.1)))
    assert p.sum() == pytest.approx(1.0)
    assert p[FINE_CLASSES.index("kick")] == pytest.approx(0.5)
    assert p[FINE_CLASSES.index("bass")] == pytest.approx(0.1 / (len(FINE_CLASSES) - 3))


def test_a_displaced_drum_track_never_leaves_the_drums():
    # two tracks claim the one hi-hat mic; the weaker one's next class is fx, which is not a drum:
    # it keeps "hihat" (the drum verdict was right), in doubt, rather than become an fx track
    hat_mic = _p(hihat=0.95)
    perc = _p(hihat=0.39, fx=0.23, snare=0.09)
    snares = [_p(snare=0.99), _p(snare=0.99)]  # the snare is full too
    out = assign_in_session([hat_mic, perc, *snares])
    assert [_winner(p) for p in out] == ["hihat", "hihat", "snare", "snare"]
    assert out[1].max() < perc.max()

"""Calibrated confidence and the doubt policy (issue 11): what is renamed, and what is said instead."""

from __future__ import annotations

import numpy as np

from reaper_ext.labels.doubt import RENAME_CONFIDENCE, doubt_text, is_confident
from reaper_ext.labels.model import class_probabilities, load_weights


def test_doubt_names_the_group_and_the_two_likeliest_members():
    text = doubt_text("kick", 0.30, (("kick", 0.30), ("toms", 0.18), ("bass", 0.10)))
    assert text == "drums? (48%): kick or toms"


def test_doubt_across_groups_names_both_classes():
    assert doubt_text("brass", 0.40, (("brass", 0.40), ("synth_pad", 0.31))) == "brass? (40%): brass or synth pad"
    assert doubt_text("vocals", 0.52) == "vocals? (52%)"


def test_threshold_is_inclusive_and_overridable():
    assert is_confident(0.9, 0.9) and not is_confident(0.899, 0.9)
    assert 0.5 <= RENAME_CONFIDENCE < 1.0


def test_temperature_changes_confidence_never_the_winner():
    weights = dict(load_weights())
    rows = np.random.default_rng(0).standard_normal((6, weights["mean"].shape[0])) * weights["scale"] + weights["mean"]
    # one member of the ensemble: a temperature scales its logits, so its winner cannot change
    member = {key[3:]: value for key, value in weights.items() if key.startswith("m0_")}
    member.update(mean=weights["mean"], scale=weights["scale"])
    plain = class_probabilities(rows, dict(member, temperature=np.float64(1.0)))
    cooled = class_probabilities(rows, dict(member, temperature=np.float64(2.5)))
    assert np.array_equal(plain.argmax(axis=1), cooled.argmax(axis=1))
    assert np.all(cooled.max(axis=1) < plain.max(axis=1))
    # the ensemble's mean: the winner stands unless it was a near-tie
    plain = class_probabilities(rows, dict(weights, temperature=np.float64(1.0)))
    cooled = class_probabilities(rows, dict(weights, temperature=np.float64(2.5)))
    ranked = np.sort(plain, axis=1)
    clear = ranked[:, -1] - ranked[:, -2] > 0.05
    assert clear.any()
    assert np.array_equal(plain.argmax(axis=1)[clear], cooled.argmax(axis=1)[clear])
    assert np.all(cooled.max(axis=1) < plain.max(axis=1))

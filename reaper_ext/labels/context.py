"""Labels in the context of the whole session: a drum kit is miked in a known way.

Each track is labelled on its own (:mod:`reaper_ext.labels.model`), but the tracks of
one session are not independent: a kit recorded with close mics has one hi-hat mic,
one or two kick mics (in, out), one or two snare mics (top, bottom) and a few
"overheads" (the pair and the room). A track that sounds like a hi-hat with the whole
kit around it is far more likely the overheads when another track is clearly *the*
hi-hat mic. The rule here: when more tracks claim one of these classes than a kit
has mics for, the session's most likely joint assignment (the sum of the tracks'
log probabilities, solved exactly as an assignment problem,
:func:`scipy.optimize.linear_sum_assignment`) decides, and a displaced track takes
its next most likely class of its own coarse group (a drum mic heard as the wrong drum
is still a drum mic), with a confidence re-spread over the classes left to it.

The mic counts are recording practice (e.g. Owsinski, *The Recording Engineer's
Handbook*, drum miking), not fitted to any data. A displaced track's new class must
itself be plausible (:data:`MIN_ALTERNATIVE`) and in its coarse group; otherwise it
keeps its class, and its confidence is halved so the doubt policy (:mod:`reaper_ext.labels.doubt`) stops it
renaming anything. Pure numpy/scipy, fast: a session is a few dozen tracks.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.labels.classes import COARSE_OF, FINE_CLASSES

__all__ = ["MIC_CAPACITY", "MIN_ALTERNATIVE", "assign_in_session", "distribution_from_alternatives", "labels_in_session"]

#: Most tracks of a class one miked drum kit has (kick in/out, snare top/bottom, one
#: hi-hat mic, overhead pair plus a room mic).
MIC_CAPACITY: dict[str, int] = {"kick": 2, "snare": 2, "hihat": 1, "overheads": 3}
#: A displaced track moves to its runner-up only if that class has at least this probability.
MIN_ALTERNATIVE = 0.02
#: Cost (in nats) of moving a displaced track out of its coarse group: far more than any
#: likelihood, so the assignment prefers every same-group class; a track that still lands
#: outside its group keeps its class, in doubt.
COARSE_CHANGE_COST = 50.0
_FLOOR = 1e-6


def distribution_from_alternatives(alternatives: tuple[tuple[str, float], ...] | list) -> np.ndarray:
    """A full class distribution from a label's ranked runners-up (the rest share what is left evenly)."""
    p = np.zeros(len(FINE_CLASSES))
    for name, probability in alternatives:
        if name in FINE_CLASSES:
            p[FINE_CLASSES.index(name)] = float(probability)
    rest = max(1.0 - float(p.sum()), 0.0)
    unknown = p == 0
    if unknown.any():
        p[unknown] = rest / int(unknown.sum())
    return p / max(float(p.sum()), _FLOOR)


def assign_in_session(distributions: list[np.ndarray | None]) -> list[np.ndarray | None]:
    """Session-consistent class distributions for the tracks of one session.

    Parameters
    ----------
    distributions : list of np.ndarray or None
        Each track's distribution over :data:`FINE_CLASSES` (None: not labelled, e.g. a
        full mix or a failed track; left as it is).

    Returns
    -------
    list of np.ndarray or None
        The same distributions where no class is claimed by more tracks than
        :data:`MIC_CAPACITY` allows; for each displaced track, a distribution whose
        winner is its assigned class (the classes that are full zeroed, the rest
        renormalised), or, when no plausible class is left to it, its own with half
        the confidence.
    """
    out = list(distributions)
    index = [k for k, p in enumerate(distributions) if p is not None and np.asarray(p).any()]
    claims = {name: [k for k in index if FINE_CLASSES[int(np.argmax(distributions[k]))] == name]  # type: ignore[arg-type]
              for name in MIC_CAPACITY}
    if all(len(tracks) <= MIC_CAPACITY[name] for name, tracks in claims.items()):
        return out
    from scipy.optimize import linear_sum_assignment

    # columns: one per mic slot of a limited class, one per track for every other class
    columns: list[int] = []
    for c, name in enumerate(FINE_CLASSES):
        columns += [c] * MIC_CAPACITY.get(name, len(index))
    probabilities = np.array([np.asarray(distributions[k], dtype=np.float64) for k in index])
    cost = -np.log(np.maximum(probabilities[:, columns], _FLOOR))
    # a displaced track keeps its coarse group (a drum mic heard as the wrong drum is still a drum mic)
    own_group = np.array([COARSE_OF[FINE_CLASSES[int(np.argmax(p))]] for p in probabilities])
    column_group = np.array([COARSE_OF[FINE_CLASSES[c]] for c in columns])
    cost += np.where(own_group[:, None] == column_group[None, :], 0.0, COARSE_CHANGE_COST)
    rows, cols = linear_sum_assignment(cost)
    full = {name for name, tracks in claims.items() if len(tracks) >= MIC_CAPACITY[name]}
    for row, col in zip(rows, cols, strict=True):
        k = index[int(row)]
        p = probabilities[row]
        own, assigned = int(np.argmax(p)), columns[int(col)]
        if assigned == own:
            continue
        moved = p.copy()
        for c, name in enumerate(FINE_CLASSES):
            if name in full and c != assigned:
                moved[c] = 0.0
        is_plausible = p[assigned] >= MIN_ALTERNATIVE and COARSE_OF[FINE_CLASSES[assigned]] == COARSE_OF[FINE_CLASSES[own]]
        # the move stands only if the assigned class is then the likeliest one left to the track
        out[k] = moved / moved.sum() if is_plausible and int(np.argmax(moved)) == assigned else _in_doubt(p, own)
    return out


def labels_in_session(labels: list) -> list:
    """:func:`assign_in_session` on :class:`~reaper_ext.labels.model.Label` objects (None and mix labels kept).

    A label whose winner changes comes back with ``source`` ``"...+session"`` and its
    new runners-up; every other label is returned as it is (the same object).
    """
    from reaper_ext.labels.classes import COARSE_OF
    from reaper_ext.labels.model import Label

    distributions = [distribution_from_alternatives(label.alternatives)
                     if label is not None and label.alternatives and label.fine_class in FINE_CLASSES else None
                     for label in labels]
    adjusted = assign_in_session(distributions)
    out = []
    for label, before, after in zip(labels, distributions, adjusted, strict=True):
        if before is None or after is None or after is before:
            out.append(label)
            continue
        best = int(np.argmax(after))
        ranked = np.argsort(after)[::-1][:3]
        fine_class = FINE_CLASSES[best]
        out.append(Label(fine_class=fine_class, coarse_class=COARSE_OF[fine_class], confidence=round(float(after[best]), 4),
                         source=label.source + "+session",
                         alternatives=tuple((FINE_CLASSES[int(k)], round(float(after[k]), 4)) for k in ranked)).normalised())
    return out


def _in_doubt(p: np.ndarray, own: int) -> np.ndarray:
    """``p`` with up to half its winner's probability spread over the other classes (the winner stays the winner)."""
    runner_up = float(np.max(np.delete(p, own)))
    halved = min(0.5 * p[own], max(0.0, (p[own] - runner_up) * (p.size - 1) / p.size - 1e-4))
    doubtful = p.copy()
    doubtful[own] -= halved
    doubtful[np.arange(p.size) != own] += halved / (p.size - 1)
    return doubtful / doubtful.sum()

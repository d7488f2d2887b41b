"""Polarity on rendered multi-mic drum kits: bleed is not a flipped mic, a flipped twin is.

Every close mic of these kits carries the rest of the kit 10-30 dB down, 0.5-5 ms late,
with either sign (reaper_ext_testkit.sessions). The old low-end correlation flagged
hi-hat and snare mics against the kick and the overheads on such kits; the detector
must stay silent on them and still find a kick-out, snare-bottom or bass-amp track that
is upside down against its twin. Tracks are compared at 8 kHz (1/8 ms block means),
the rate the session analysis hands the detector.
"""

from __future__ import annotations

import numpy as np
import pytest
from reaper_ext_testkit.sessions import FLIPPABLE_ROLES, render_session

from reaper_ext.analysis.problems.polarity import find_polarity_problems
from reaper_ext.audio.mixdown import block_means

RATE_HZ = 8000


def _polarity(session) -> dict[str, list]:
    tracks = {t.name: block_means(t.audio.mean(axis=1), session.sample_rate_hz, RATE_HZ)[:, None] for t in session.tracks}
    return find_polarity_problems(tracks, RATE_HZ)


@pytest.mark.slow
@pytest.mark.parametrize(("library", "seed"), [("fluidr3", 4000), ("timgm6mb", 4001), ("csound", 4002), ("sonic_pi", 4004)])
def test_no_false_alarm_on_a_clean_kit_with_bleed(library, seed):
    session = render_session(library, seed, duration_sec=12.0)
    close_mics = [t for t in session.tracks if t.role in ("kick_in", "kick_out", "snare_top", "snare_bottom", "hihat", "tom")]
    assert len(close_mics) >= 4 and any(t.fine_class == "overheads" for t in session.tracks)
    found = {name: [p.measured["partner_track"] for p in problems] for name, problems in _polarity(session).items() if problems}
    assert found == {}


@pytest.mark.slow
@pytest.mark.parametrize(("library", "seed", "role"), [("avldrums", 4005, "snare_bottom"), ("sonic_pi", 4009, "snare_bottom"),
                                                       ("fluidr3", 4010, "kick_out"),
                                                       ("csound", 4017, "bass_amp"),
                                                       # a hi-hat mic whose energy is mostly the kick's inverted bleed,
                                                       # and a flipped snare bottom that is also inverted to the kick it leaks
                                                       ("sonic_pi", 4019, "bass_amp"), ("sonic_pi", 4029, "snare_bottom")])
def test_a_flipped_twin_is_found_against_its_partner(library, seed, role):
    session = render_session(library, seed, duration_sec=12.0, flip=role)
    (flipped,) = [t for t in session.tracks if t.flipped]
    assert flipped.role == role
    partner = next(t.name for t in session.tracks if t.role == FLIPPABLE_ROLES[role])
    found = _polarity(session)
    pairs = {frozenset((name, p.measured["partner_track"])) for name, problems in found.items() for p in problems}
    assert frozenset((flipped.name, partner)) in pairs
    # and nothing else: the rest of the kit's bleed is not a polarity fault
    assert all(flipped.name in pair for pair in pairs)


@pytest.mark.slow
def test_flipped_kick_out_found_in_most_sessions_even_with_a_compressed_kick_in():
    """A heavily compressed kick-in bends the level relation the detector checks: a miss is allowed, a wrong pair is not.

    Six sessions (seeds 4011-4016); in the first the kick-in is compressed and the pair's
    level relation spreads just over 10 dB, so the detector stays silent (docs/analysis.md).
    """
    found = 0
    for seed in range(4011, 4017):
        session = render_session("timgm6mb", seed, duration_sec=12.0, flip="kick_out")
        pairs = {frozenset((name, p.measured["partner_track"])) for name, problems in _polarity(session).items() for p in problems}
        assert all("Kick Out" in pair for pair in pairs)
        found += frozenset(("Kick Out", "Kick In")) in pairs
    assert found >= 5


def test_leakage_of_another_source_is_not_a_twin():
    """Two mics, each its own source plus the other's inverted leakage 15 dB down: no problem."""
    rng = np.random.default_rng(3)
    n = RATE_HZ * 6
    a_source, b_source = rng.standard_normal(n), rng.standard_normal(n)
    gate_a = (np.arange(n) // 2000) % 2 == 0  # the two play at different moments
    a_source *= gate_a
    b_source *= ~gate_a
    leak = 10 ** (-15 / 20)
    a = a_source - leak * np.roll(b_source, 8)
    b = b_source - leak * np.roll(a_source, 8)
    assert find_polarity_problems({"a": a[:, None], "b": b[:, None]}, RATE_HZ) == {"a": [], "b": []}
    twin = -0.8 * np.roll(a, 5)
    found = find_polarity_problems({"a": a[:, None], "twin": twin[:, None]}, RATE_HZ)
    (problem,) = found["twin"]
    assert problem.measured["partner_track"] == "a" and problem.measured["correlation"] < -0.9

"""Section roles and alignment, stem balance and loudness matching on signals whose answers we set."""

from __future__ import annotations

import numpy as np
import pytest

from reaper_ext.analysis.song.results import Section
from reaper_ext.reference.dynamics import loudness_series
from reaper_ext.reference.loudness_match import loudness_match
from reaper_ext.reference.sections import align_sections, section_roles
from reaper_ext.reference.stems import stem_balance, stem_of_track_name

SR = 44100


def _song(levels_db: list[float], letters: str, seconds: float = 5.0):
    """Noise sections at the given levels, with their Section records."""
    rng = np.random.default_rng(0)
    parts, sections = [], []
    for index, (level, letter) in enumerate(zip(levels_db, letters, strict=True)):
        parts.append(rng.standard_normal((int(seconds * SR), 2)).astype(np.float32) * np.float32(10 ** (level / 20)))
        sections.append(Section(letter, index * seconds, (index + 1) * seconds, 1.0))
    audio = np.concatenate(parts)
    return audio, sections


def test_roles_chorus_is_the_loudest_repeated_letter():
    # C is loudest but does not repeat; B is the loudest repeated letter
    audio, sections = _song([-30, -20, -30, -20, -15], "ABABC")
    roles = section_roles(sections, loudness_series(audio, SR))
    assert [r.role for r in roles] == ["verse", "chorus", "verse", "chorus", "other"]
    assert [r.number for r in roles] == [1, 1, 2, 2, 1]
    assert roles[1].relative_lu > roles[0].relative_lu + 5


def test_alignment_pairs_by_role_not_time():
    mix_audio, mix_sections = _song([-30, -20, -30, -20], "ABAB", seconds=4.0)
    # the reference: a long intro (C), then verse/chorus at another pace
    ref_audio, ref_sections = _song([-40, -28, -18, -28, -18, -18], "CABABB", seconds=6.0)
    mix = section_roles(mix_sections, loudness_series(mix_audio, SR))
    reference = section_roles(ref_sections, loudness_series(ref_audio, SR))
    pairs = align_sections(mix, reference)
    assert [(p.mix.name, p.reference.name) for p in pairs] == [
        ("verse 1", "verse 1"), ("chorus 1", "chorus 1"), ("verse 2", "verse 2"), ("chorus 2", "chorus 2")]
    # by time, the mix's first chorus (4-8 s) would have met the reference's intro (0-6 s)
    assert pairs[1].reference.section.start_sec == pytest.approx(12.0)


def test_stem_balance_shares_and_vocal_to_music():
    rng = np.random.default_rng(1)
    n = 4 * SR
    music = rng.standard_normal((n, 2)).astype(np.float32) * 0.1
    vocals = rng.standard_normal((n, 2)).astype(np.float32) * np.float32(0.1 * 10 ** (-6 / 20))
    stems = {"other": music, "vocals": vocals}
    balance = stem_balance(stems, music + vocals, SR)
    assert balance.vocal_to_music_db == pytest.approx(-6.0, abs=0.1)
    # powers add for unrelated noise: the music is 1 / (1 + 10^-0.6) of the mix's power
    assert balance.shares_db["other"] == pytest.approx(-10 * np.log10(1 + 10 ** -0.6), abs=0.1)


def test_low_end_overlap_full_and_none():
    t = np.arange(3 * SR) / SR
    low = (0.3 * np.sin(2 * np.pi * 60 * t)).astype(np.float32)[:, None] * np.ones((1, 2), np.float32)
    high = (0.3 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)[:, None] * np.ones((1, 2), np.float32)
    same = stem_balance({"drums": low, "bass": low}, 2 * low, SR)
    apart = stem_balance({"drums": low, "bass": high}, low + high, SR)
    assert same.low_overlap_pct == pytest.approx(100.0, abs=0.5)
    assert apart.low_overlap_pct < 1.0


@pytest.mark.parametrize(("name", "stem"), [("Lead Vox", "vocals"), ("BV 2", "vocals"), ("Kick In", "drums"),
                                             ("OH L", "drums"), ("Bass DI", "bass"), ("Piano", "other"),
                                             ("Subject", "other")])
def test_stem_of_track_name(name, stem):
    assert stem_of_track_name(name) == stem


def test_loudness_match_within_a_tenth():
    import pyloudnorm

    rng = np.random.default_rng(2)
    audio = rng.standard_normal((3 * SR, 2)).astype(np.float32) * 0.05
    matched, gain_db = loudness_match(audio, SR, -14.0)
    assert pyloudnorm.Meter(SR).integrated_loudness(matched.astype(np.float64)) == pytest.approx(-14.0, abs=0.1)
    assert gain_db > 0


def test_span_psr_of_a_sine_and_of_bursts():
    """PSR of a steady sine is 0 dB (peak = loudness for a stereo 1 kHz sine, Tech 3341); a burst section's is higher."""
    t = np.arange(10 * SR) / SR
    sine = (0.1 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    bursts = sine.copy()
    bursts[5 * SR:][(np.arange(5 * SR) % SR) < 400] *= 8.0  # short loud clicks once a second in the second half
    series = loudness_series(np.stack([bursts, bursts], axis=1), SR)
    assert series.span_psr_db(0.0, 5.0) == pytest.approx(0.0, abs=0.1)
    assert series.span_psr_db(5.0, 10.0) > 10.0
    assert series.span_psr_db(0.0, 2.0) is None  # no 3 s window fits

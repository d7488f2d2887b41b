"""The realistic session renderer and the library registry (issue 11)."""

from __future__ import annotations

import numpy as np
import pytest
from reaper_ext_testkit.libraries import RESERVED, allowed_libraries, check_allowed
from reaper_ext_testkit.sessions import render_session

from reaper_ext.errors import ReaperExtError


def test_reserved_libraries_are_never_allowed():
    assert {"musescore", "hydrogen"} <= RESERVED
    assert not RESERVED & set(allowed_libraries(installed_only=False))
    for name in RESERVED:
        with pytest.raises(ReaperExtError, match="reserved"):
            check_allowed(name)
        with pytest.raises(ReaperExtError, match="reserved"):
            render_session(name, 1)


def test_excluding_a_library_leaves_the_others():
    assert "csound" not in allowed_libraries(exclude=["csound"], installed_only=False)
    with pytest.raises(ReaperExtError, match="unknown"):
        allowed_libraries(exclude=["nope"])


@pytest.fixture(scope="module")
def kit():
    return render_session("fluidr3", 21, duration_sec=8.0, processing=0.0, band=False)


def test_close_mics_carry_bleed_and_toms_are_mostly_quiet(kit):
    by_role = {}
    for track in kit.tracks:
        by_role.setdefault(track.role, []).append(track)
    assert {"snare_top", "overheads"} <= set(by_role)
    assert all(t.library == "fluidr3" and t.audio.dtype == np.float32 for t in kit.tracks)
    snare = by_role["snare_top"][0].audio[:, 0].astype(np.float64)
    blocks = np.sqrt(np.mean(snare[: snare.size // 441 * 441].reshape(-1, 441) ** 2, axis=1)) + 1e-12
    level_db = 20 * np.log10(blocks / blocks.max())
    # between the snare's hits the mic is not silent: the rest of the kit leaks in, 10-40 dB down
    between = level_db[(level_db < -10) & (level_db > -60)]
    assert between.size > 0.2 * level_db.size
    for tom in by_role.get("tom", []):
        audio = tom.audio[:, 0].astype(np.float64)
        loud = np.abs(audio) > 0.5 * np.abs(audio).max()
        assert loud.mean() < 0.05  # a tom mic is loud only on its fills


def test_sessions_are_deterministic():
    a = render_session("sonic_pi", 5, duration_sec=4.0, band=False)
    b = render_session("sonic_pi", 5, duration_sec=4.0, band=False)
    assert [t.name for t in a.tracks] == [t.name for t in b.tracks]
    assert all(np.array_equal(x.audio, y.audio) for x, y in zip(a.tracks, b.tracks, strict=True))

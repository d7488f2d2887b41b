"""The one RBJ biquad designer: gains where the cookbook puts them."""

from __future__ import annotations

import numpy as np
import pytest

from reaper_ext.analysis.biquad import rbj_biquad

RATE_HZ = 48000.0


def _gain_db(b, a, freq_hz):
    z = np.exp(-1j * 2 * np.pi * freq_hz / RATE_HZ)
    return 20 * np.log10(abs((b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)))


def test_shelves_reach_their_gain_at_the_ends_and_half_at_the_corner():
    low_b, low_a = rbj_biquad("low_shelf", 200.0, RATE_HZ, gain_db=6.0)
    assert _gain_db(low_b, low_a, 1.0) == pytest.approx(6.0, abs=0.01)
    assert _gain_db(low_b, low_a, 200.0) == pytest.approx(3.0, abs=0.01)
    high_b, high_a = rbj_biquad("high_shelf", 8000.0, RATE_HZ, gain_db=-4.0)
    assert _gain_db(high_b, high_a, 23990.0) == pytest.approx(-4.0, abs=0.05)
    assert _gain_db(high_b, high_a, 20.0) == pytest.approx(0.0, abs=0.01)


def test_notch_and_band_centres():
    b, a = rbj_biquad("notch", 60.0, RATE_HZ, q=30.0)
    assert _gain_db(b, a, 60.0) < -60 and abs(_gain_db(b, a, 120.0)) < 0.1
    b, a = rbj_biquad("band", 1000.0, RATE_HZ, gain_db=-3.0, q=1.0)
    assert _gain_db(b, a, 1000.0) == pytest.approx(-3.0, abs=0.01)
    assert a[0] == 1.0


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown biquad kind"):
        rbj_biquad("allpass", 1000.0, RATE_HZ)

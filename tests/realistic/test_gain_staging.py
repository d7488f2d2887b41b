"""Gain staging by the average level, with a peak ceiling (issue 11): a well-recorded session needs little.

The rendered session is staged as a careful engineer records it: every track's level
while it plays near -18 dBFS RMS (within 2.5 dB), peaks under -1 dBFS. Staging by the
sample peak asked every one of those tracks for 9-14 dB less; by the average level,
only the tracks whose peaks would pass -6 dBFS, or which were made too quiet, are touched.
"""

from __future__ import annotations

import pytest
from reaper_ext_testkit.sessions import render_session

from reaper_ext.analysis.measure import measure_track
from reaper_ext.settings import Settings
from reaper_ext.suggest.rules.gain import PEAK_CEILING_DBFS, active_rms_dbfs, staged_gain_db


@pytest.fixture(scope="module")
def session():
    return render_session("timgm6mb", 77, duration_sec=10.0, processing=0.0)


def test_well_recorded_tracks_mostly_need_no_change_and_never_exceed_the_ceiling(session):
    settings = Settings()
    settings.gain_reference = "rms"
    changes = {}
    for track in session.tracks:
        measured = measure_track(track.audio, session.sample_rate_hz)
        gain_db = staged_gain_db(measured, settings)
        if gain_db is not None:
            changes[track.name] = gain_db
            assert abs(gain_db) > 3.0
            assert measured.sample_peak_dbfs + gain_db <= PEAK_CEILING_DBFS + 0.1
    sustained = [t for t in session.tracks if t.fine_class in ("bass", "guitar", "keys", "strings", "synth_pad", "vocals")]
    assert sustained and not any(t.name in changes for t in sustained), changes
    assert len(changes) <= len(session.tracks) // 2, changes


def test_a_quiet_track_is_raised_by_its_average_level(session):
    settings = Settings()
    track = next(t for t in session.tracks if t.fine_class == "bass")
    quiet = track.audio * 10 ** (-12 / 20)
    measured = measure_track(quiet, session.sample_rate_hz)
    gain_db = staged_gain_db(measured, settings)
    assert gain_db is not None and gain_db > 3.0
    # to the working level, or as near as the peak ceiling allows
    expected = min(settings.working_level_dbfs - active_rms_dbfs(measured), PEAK_CEILING_DBFS - measured.sample_peak_dbfs)
    assert gain_db == pytest.approx(expected, abs=0.1)
    assert gain_db == pytest.approx(12.0, abs=3.5)

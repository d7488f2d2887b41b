"""The fake REAPER behaves like REAPER's wrapper where the product relies on it."""

from __future__ import annotations

import __main__

from tests.reaper.conftest import EXAMPLE


def test_pointer_of_wrong_type_is_null_and_tuples_echo_arguments(fake_module):
    fake_module.open_project(EXAMPLE)
    track = fake_module.RPR_GetTrack(0, 0)
    assert track.startswith("(MediaTrack*)0x") and len(track) == len("(MediaTrack*)0x") + 16
    result = fake_module.RPR_GetSetMediaTrackInfo_String(track, "P_NAME", "", False)
    assert result == (1, track, "P_NAME", "Audio 01", 0)
    item = fake_module.RPR_GetTrackMediaItem(track, 0)
    assert fake_module.RPR_CountTrackMediaItems(item) == 0  # an item where a track is expected: NULL
    assert fake_module.RPR_GetTrack(0, 99).endswith("0x0000000000000000")
    n_markers = fake_module.RPR_CountProjectMarkers(0, 0, 0)
    assert len(n_markers) == 4


def test_wrong_argument_count_is_an_error(fake_module):
    fake_module.open_project(EXAMPLE)
    try:
        fake_module.RPR_GetTrack(0)
    except TypeError as error:
        assert "2 positional" in str(error)
    else:
        raise AssertionError("RPR_GetTrack(0) should fail like REAPER's wrapper")


def test_defer_lives_in_main_and_runs_cycle_by_cycle(fake_module):
    fake = fake_module.open_project(EXAMPLE)
    assert hasattr(__main__, "obj") and callable(__main__.RPR_defer)
    __main__.RPR_defer("_reaper_ext_test_counter = globals().get('_reaper_ext_test_counter', 0) + 1")
    assert fake.run_defer_cycle() == 1 and fake.run_defer_cycle() == 0
    assert __main__._reaper_ext_test_counter == 1
    del __main__._reaper_ext_test_counter


def test_reaper6_lacks_seven_only_functions(fake_module):
    from reaper_ext.reaper import api

    # FACTS.md "Versions": renamed_name from about 6.78 (not 7.0); GetTouchedOrFocusedFX is 7.0
    fake_module.install(fake_module.FakeReaper(fake_module.load_rpp(EXAMPLE), version="6.77"))
    assert not api.has_fx_rename()
    fake_module.install(fake_module.FakeReaper(fake_module.load_rpp(EXAMPLE), version="6.83"))
    assert api.has_fx_rename() and not hasattr(fake_module, "RPR_GetTouchedOrFocusedFX")
    fake_module.install(fake_module.FakeReaper(fake_module.load_rpp(EXAMPLE), version="7.27"))
    assert api.has_fx_rename()


def test_live_snapshot_matches_rpp_reader(fake_module):
    from reaper_ext.session.live import LiveSession
    from reaper_ext.session.rpp import load_project

    fake_module.open_project(EXAMPLE)
    live = LiveSession().snapshot()
    _, offline = load_project(EXAMPLE)
    assert [t.guid for t in live.tracks] == [t.guid for t in offline.tracks]
    assert [t.name for t in live.tracks] == [t.name for t in offline.tracks]
    assert [[(i.guid, i.position_sec, i.length_sec) for i in t.items] for t in live.tracks] == \
           [[(i.guid, i.position_sec, i.length_sec) for i in t.items] for t in offline.tracks]
    assert [[i.media.resolved_path.resolve() for i in t.items] for t in live.tracks] == \
           [[i.media.resolved_path.resolve() for i in t.items] for t in offline.tracks]
    assert live.tempo_bpm == offline.tempo_bpm and live.sample_rate_hz == offline.sample_rate_hz

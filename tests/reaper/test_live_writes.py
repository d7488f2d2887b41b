"""What the live path writes inside REAPER (issue 10 items 14-17), checked on the fake.

Expected values come from tests/data/reaper_api/FACTS.md, written out here:
colours (Windows 0x00BBGGRR, macOS/Linux 0x00RRGGBB, live value
``ColorToNative(r, g, b) | 0x1000000``), ``renamed_name`` from 6.78,
``MARKER_GUID:X`` from 6.02, ``SetProjectMarker4`` ``flags & 1`` to clear a
name, ReaEQ gain as linear amplitude, ReaGate's threshold linear.
"""

from __future__ import annotations

import pytest

from tests.reaper.conftest import EXAMPLE

# A model colour (the .RPP's order, 0x01BBGGRR) for pure red, and REAPER's native value for red:
MODEL_RED = 0x01_00_00_FF
NATIVE_RED = {"win64": 0x01_00_00_FF, "macOS-arm64": 0x01_FF_00_00, "linux-x86_64": 0x01_FF_00_00}


def _open(fake_module, *, platform="macOS-arm64", version="7.27"):
    from tests.reaper.fake.project import load_rpp

    return fake_module.install(fake_module.FakeReaper(load_rpp(EXAMPLE, platform=platform), version=version, platform=platform))


@pytest.mark.parametrize("platform", sorted(NATIVE_RED))
def test_track_colours_go_through_color_to_native(fake_module, platform):
    from reaper_ext.session.live import LiveSession

    fake = _open(fake_module, platform=platform)
    track = fake.project.tracks[0]
    session = LiveSession()
    session.set_track_value(track.guid, "color", MODEL_RED)
    assert track.color == NATIVE_RED[platform]  # red stays red on every platform
    assert session.get_track_value(track.guid, "color") == MODEL_RED
    guid = session.add_track(index=1, name="stem", color=MODEL_RED)
    assert next(t for t in fake.project.tracks if t.guid == guid).color == NATIVE_RED[platform]
    session.set_track_value(track.guid, "color", 0)  # no custom colour stays 0
    assert track.color == 0


def test_marker_colours_go_through_color_to_native(fake_module):
    from reaper_ext.session.live import LiveSession

    fake = _open(fake_module, platform="linux-x86_64")
    session = LiveSession()
    marker_id = session.add_marker(number=90, position_sec=1.0, name="reaper-ext: clip", color=MODEL_RED)
    marker = next(m for m in fake.project.markers if m.number == 90)
    assert marker.color == NATIVE_RED["linux-x86_64"]
    assert next(m for m in session.snapshot().markers if m.index == 90).color == MODEL_RED
    assert session.marker_name(marker_id) == "reaper-ext: clip"


def test_clearing_a_marker_name_sets_flag_one(fake_module):
    from reaper_ext.session.live import LiveSession

    fake = _open(fake_module)
    session = LiveSession()
    marker_id = session.add_marker(number=91, position_sec=2.0, name="reaper-ext: x")
    session.rename_marker(marker_id, "")
    # FACTS: a plain empty name leaves the old one; flags & 1 clears it
    assert next(m for m in fake.project.markers if m.number == 91).name == ""
    assert "SetProjectMarker4" in fake.unblocked_changes


@pytest.mark.parametrize(("version", "is_found"), [("6.02", True), ("6.01", False)])
def test_markers_written_offline_are_found_by_guid_from_6_02(fake_module, version, is_found):
    from reaper_ext.session.live import LiveSession

    fake = _open(fake_module, version=version)
    marker = fake.project.markers[0] if fake.project.markers else None
    if marker is None:
        fake.project.markers.append(fake_module.FakeMarker(5, False, 1.0, 0.0, "reaper-ext: m", 0, "{11111111-2222-3333-4444-555555555555}"))
        marker = fake.project.markers[0]
    session = LiveSession()
    assert (session.marker_name(marker.guid) is not None) == is_found
    if is_found:
        session.rename_marker(marker.guid, "renamed")
        assert marker.name == "renamed"
        assert session.remove_marker(marker.guid) and marker not in fake.project.markers


@pytest.mark.parametrize(("version", "via"), [("6.77", "SetTrackStateChunk"), ("6.78", "renamed_name"), ("7.27", "renamed_name")])
def test_fx_names_from_6_78_else_through_the_chunk(fake_module, version, via):
    from reaper_ext.fx.spec import FxSpec
    from reaper_ext.session.live import LiveSession

    fake = _open(fake_module, version=version)
    track = fake.project.tracks[0]
    session = LiveSession()
    fx_guid, _ = session.add_fx(track.guid, FxSpec("ReaComp", params={"ratio": 4.0}, custom_name="reaper-ext: comp 4:1"))
    assert track.fx[-1].renamed == "reaper-ext: comp 4:1"
    assert via in fake.unblocked_changes
    assert session.fx_state(track.guid, fx_guid) == (False, "reaper-ext: comp 4:1")
    session.set_fx_name(track.guid, fx_guid, "comp 4:1")  # what accept does: the tag goes
    assert track.fx[-1].renamed == "comp 4:1" and session.messages == []


def test_reaeq_cut_arrives_as_minus_3_db(fake_module):
    from reaper_ext.fx.spec import EqBand, FxSpec
    from reaper_ext.reaper import api
    from reaper_ext.session.live import LiveSession

    fake = _open(fake_module)
    track = fake.project.tracks[0]
    LiveSession().add_fx(track.guid, FxSpec("ReaEQ", params={"gain_db": -1.5}, bands=[EqBand("band", 100.0, -3.0, bw_oct=1.0)]))
    eq = track.fx[-1]
    assert eq.eq_bands[0]["gain_db"] == pytest.approx(-3.0, abs=1e-9)  # not -inf (a dB value read as linear)
    assert eq.eq_master_db == pytest.approx(-1.5, abs=1e-9)
    pointer = api.get_track(0)
    assert api.fx_formatted(pointer, len(track.fx) - 1, 1) == "-3.0"


def test_reagate_is_set_by_name_and_reads_back(fake_module):
    from reaper_ext.fx.gate import gate_spec
    from reaper_ext.reaper import api
    from reaper_ext.session.live import LiveSession

    fake = _open(fake_module)
    track = fake.project.tracks[0]
    LiveSession().add_fx(track.guid, gate_spec(-45.0, attack_ms=1.0, release_ms=100.0, hold_ms=50.0, custom_name="reaper-ext: gate"))
    gate = track.fx[-1]
    assert gate.plugin == "ReaGate" and not gate.is_enabled
    assert gate.gate_raw[0] == pytest.approx(10 ** (-45 / 20), rel=1e-9)  # FACTS: threshold linear
    pointer, fx = api.get_track(0), len(track.fx) - 1
    shown = {api.fx_param_name(pointer, fx, p): api.fx_formatted(pointer, fx, p) for p in range(api.fx_param_count(pointer, fx))}
    assert shown["Threshold"] == "-45.0" and shown["Attack"] == "1.0" and shown["Release"] == "100.0" and shown["Hold"] == "50.0"
    assert shown["Pre-open"] == "0.0"  # "hold" found by word, not inside "Threshold"


def test_display_numbers_parse_like_reaper_writes_them():
    from reaper_ext.reaper.api import parse_display_number

    assert parse_display_number("-3.0") == -3.0
    assert parse_display_number("4.0:1", ":1") == 4.0
    assert parse_display_number("1.2 s", "ms") == pytest.approx(1200.0)
    assert parse_display_number("3.0 ms", "ms") == 3.0
    assert parse_display_number("1.5k", "Hz") == 1500.0
    assert parse_display_number("-inf") == float("-inf")
    assert parse_display_number("Peak") is None


@pytest.mark.parametrize(("text", "version"), [("6.78/win64", (6, 78)), ("6.1/x64", (6, 10)), ("6.02", (6, 2)),
                                               ("7.0rc3/macOS-arm64", (7, 0)), ("5.983+dev", (5, 98))])
def test_reaper_versions_are_read_as_hundredths(fake_module, text, version, monkeypatch):
    from reaper_ext.reaper import api

    _open(fake_module)
    monkeypatch.setattr(api, "app_version", lambda: text)
    assert api.reaper_version() == version


def test_times_are_calibrated_to_the_middle_of_what_reaper_displays(fake_module):
    from reaper_ext.fx.gate import gate_spec
    from reaper_ext.fx.spec import FxSpec
    from reaper_ext.session.live import LiveSession

    fake = _open(fake_module)
    track = fake.project.tracks[0]
    session = LiveSession()
    # the fake's ReaGate release shows "1.5 s" for 1450..1550 ms (its own 4000 ms scale): the middle is 1500
    session.add_fx(track.guid, gate_spec(-40.0, release_ms=1500.0))
    assert 4000.0 * track.fx[-1].gate_raw[2] == pytest.approx(1500.0, abs=0.01)
    # ReaComp attack (FACTS: ms/500, uncertain, so calibrated live): "10.0" covers 9.95..10.05 ms
    session.add_fx(track.guid, FxSpec("ReaComp", params={"attack_ms": 10.0}))
    assert 500.0 * track.fx[-1].comp_raw[2] == pytest.approx(10.0, abs=0.001)


def test_accepting_gain_live_moves_every_take_volume_not_the_fader(fake_module):
    """Pre-FX gain inside REAPER: ``SetMediaItemTakeInfo_Value(take, "D_VOL")`` on every take (FACTS: D_VOL linear)."""
    from reaper_ext.session.live import LiveSession
    from reaper_ext.suggest.ledger.core import Selection, accept, apply_suggestions
    from reaper_ext.suggest.model import Suggestion, make_suggestion_id
    from tests.reaper.fake.project import FakeTake

    fake = _open(fake_module)
    track = next(t for t in fake.project.tracks if t.items)
    track.items[0].takes.append(FakeTake("second take", 0.5))  # a comp take: staged too
    volumes = [[take.volume for take in item.takes] for item in track.items]
    fader = track.volume
    session = LiveSession()
    gain = Suggestion(make_suggestion_id("gain", track.guid), "gain", track.guid, track.name,
                      {"gain_db": -6.0, "stage": "pre_fx"}, "why", 0.9)
    apply_suggestions(session, [gain])
    assert [[take.volume for take in item.takes] for item in track.items] == volumes  # pending: nothing moved
    result = accept(session, Selection(is_all=True))
    assert not result.messages
    factor = 10 ** (-6.0 / 20)
    staged = [take.volume for item in track.items for take in item.takes]
    assert staged == pytest.approx([v * factor for item in volumes for v in item], rel=1e-9)
    assert track.volume == fader
    assert session.get_take_volumes(track.items[0].guid) == pytest.approx([v * factor for v in volumes[0]], rel=1e-9)
    token = session.set_take_volume(track.items[0].guid, 1, 0.25)
    session.restore_take_volume(track.items[0].guid, 1, 0.5 * factor, token)
    assert track.items[0].takes[1].volume == pytest.approx(0.5 * factor)

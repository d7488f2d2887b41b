"""The live backend (through the fake REAPER) and the .RPP backend write the same session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reaper.conftest import EXAMPLE


def _suggestions(project):
    from reaper_ext.fx.spec import EqBand, FxSpec
    from reaper_ext.suggest.model import Suggestion

    first, second = project.tracks[0], project.tracks[1]
    eq = FxSpec("ReaEQ", bands=[EqBand("highpass", 90.0, q=0.707), EqBand("band", 250.0, -3.0, q=1.4)], custom_name="HPF")
    comp = FxSpec("ReaComp", params={"threshold_db": -24.0, "ratio": 3.0, "attack_ms": 10.0, "release_ms": 120.0})
    return [
        Suggestion("name-1", "name", first.guid, first.name, {"name": "Kick"}, "test"),
        Suggestion("color-1", "color", first.guid, first.name, {"color": 0x1000000 | 0x3333CC}, "test"),
        Suggestion("highpass-1", "highpass", first.guid, first.name, {"fx": eq.to_dict()}, "test"),
        Suggestion("compressor-1", "compressor", second.guid, second.name, {"fx": comp.to_dict()}, "test"),
        Suggestion("marker-1", "marker", "project", "", {"position_sec": 2.5, "name": "clipping"}, "test"),
        Suggestion("section-1", "section", "project", "", {"position_sec": 0.0, "end_sec": 8.0, "name": "A"}, "test"),
        Suggestion("gain-1", "gain", second.guid, second.name, {"gain_db": -3.0}, "test"),
    ]


def _chain_specs(chain_lines: list[str]) -> list:
    """The plug-ins of one FX chain's lines (inside ``<FXCHAIN``), decoded to FxSpecs by the product."""
    from reaper_ext.fx.rpp_block import rpp_lines_to_fx

    lines = [line.rstrip("\r\n") for line in chain_lines]
    starts = [n for n, line in enumerate(lines) if line.strip().startswith("BYPASS")]
    return [rpp_lines_to_fx(lines[start:starts[n + 1] if n + 1 < len(starts) else None]) for n, start in enumerate(starts)]


def _fx_specs(path: Path) -> dict[str, list]:
    """Each track's plug-ins as the .RPP backend wrote them into the file."""
    from reaper_ext.session.rpp import load_document

    doc = load_document(path)
    specs = {}
    for chunk in doc.root.find_all("TRACK"):
        chain = chunk.find("FXCHAIN")
        specs[doc.tokens(chunk.start)[1]] = [] if chain is None else _chain_specs(doc.lines[chain.start + 1:chain.end])
    return specs


def _enabled_bands(spec):
    return [(b.kind, round(b.freq_hz, 6), round(b.gain_db, 6), round(b.bandwidth_oct(), 6)) for b in spec.bands if b.enabled]


@pytest.mark.parametrize("version", ["7.27", "6.83"])
def test_live_and_offline_write_the_same_suggestions(fake_module, tmp_path, version):
    from reaper_ext.reaper import api
    from reaper_ext.session.live import LiveSession
    from reaper_ext.session.rpp import load_project, save_document
    from reaper_ext.session.rpp.writer import RppSessionWriter
    from reaper_ext.suggest.ledger.core import apply_suggestions

    doc, project = load_project(EXAMPLE)
    suggestions = _suggestions(project)
    offline = RppSessionWriter(doc)
    assert apply_suggestions(offline, suggestions).done == [s.id for s in suggestions]
    offline_path = tmp_path / "offline.RPP"
    save_document(doc, offline_path, keep_backup=False)

    fake = fake_module.install(fake_module.FakeReaper(fake_module.load_rpp(EXAMPLE), version=version))
    live = LiveSession()
    api.undo_begin()
    result = apply_suggestions(live, suggestions)
    api.undo_end("reaper-ext: test")
    assert result.done == [s.id for s in suggestions] and not fake.unblocked_changes
    live_path = tmp_path / "live.RPP"
    fake.save(live_path)

    _, written_offline = load_project(offline_path)
    _, written_live = load_project(live_path)
    assert [(t.guid, t.name, t.color, t.volume_gain) for t in written_live.tracks] == \
           [(t.guid, t.name, t.color, t.volume_gain) for t in written_offline.tracks]
    assert written_live.tracks[0].name == "Kick"
    assert [(f.is_enabled, f.custom_name) for f in written_offline.tracks[0].fx] == [(False, "reaper-ext: HPF")]
    # renamed_name from REAPER 6.78, a track-chunk edit before: the name arrives either way (FACTS "Versions")
    assert [(f.is_enabled, f.custom_name) for f in written_live.tracks[0].fx] == [(False, "reaper-ext: HPF")]
    # The live plug-ins as REAPER reports them in each track's state chunk: the fake encodes them with
    # its own encoder (tests/reaper/fake/fx_params.py, from FACTS.md), not the product's serializer.
    offline_fx = _fx_specs(offline_path)
    live_fx = {}
    for n in range(fake_module.RPR_CountTracks(0)):
        track = fake_module.RPR_GetTrack(0, n)
        chunk = fake_module.RPR_GetTrackStateChunk(track, "", 4 * 1024 * 1024, False)[2].splitlines()
        opened = next((i for i, line in enumerate(chunk) if line.strip() == "<FXCHAIN"), None)
        live_fx[fake_module.RPR_GetSetMediaTrackInfo_String(track, "GUID", "", False)[3]] = (
            [] if opened is None else _chain_specs(chunk[opened + 1:-2]))
    for guid, specs in offline_fx.items():
        assert len(live_fx[guid]) == len(specs)
        for theirs, ours in zip(live_fx[guid], specs, strict=True):
            assert theirs.plugin == ours.plugin and theirs.bypassed and ours.bypassed
            assert _enabled_bands(theirs) == _enabled_bands(ours)
            for key, value in ours.params.items():
                assert theirs.params[key] == pytest.approx(value, rel=1e-5, abs=1e-6), key
    live_markers = sorted((m.index, m.name, m.position_sec, m.end_sec) for m in written_live.markers)
    offline_markers = sorted((m.index, m.name, m.position_sec, m.end_sec) for m in written_offline.markers)
    assert live_markers == offline_markers and len(live_markers) == 2
    assert {k for k in written_live.ext_state["REAPER_EXT"]} == {k for k in written_offline.ext_state["REAPER_EXT"]}


def test_accept_then_reject_all_live(fake_module, tmp_path):
    from reaper_ext.session.live import LiveSession
    from reaper_ext.session.rpp import load_project
    from reaper_ext.suggest.ledger.core import Selection, accept, apply_suggestions, reject

    fake = fake_module.open_project(EXAMPLE)
    _, project = load_project(EXAMPLE)
    live = LiveSession()
    before = live.snapshot()
    apply_suggestions(live, _suggestions(project))
    first = project.tracks[0].guid
    done = accept(live, Selection(track=first))
    assert set(done.done) == {"name-1", "color-1", "highpass-1"}
    accepted = live.snapshot()
    assert accepted.tracks[0].fx[0].is_enabled and accepted.tracks[0].fx[0].custom_name == "HPF"
    rejected = reject(live, Selection(is_all=True))
    assert set(rejected.done) == {"compressor-1", "marker-1", "section-1", "gain-1"}
    after = live.snapshot()
    assert after.markers == before.markers and after.tracks[1].fx == before.tracks[1].fx
    assert after.tracks[1].volume_gain == before.tracks[1].volume_gain
    assert "REAPER_EXT" not in fake.project.ext_state

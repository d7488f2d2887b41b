"""Suggestions written into real projects: reject-all gives the bytes back, accept-all leaves no tags."""

from __future__ import annotations

import pytest

from reaper_ext.errors import LedgerError
from reaper_ext.fx.rpp_block import rpp_lines_to_fx
from reaper_ext.fx.spec import EqBand, FxSpec
from reaper_ext.session.rpp import parse_rpp, read_project
from reaper_ext.session.rpp.document import RppDocument
from reaper_ext.session.rpp.reader import FX_TAGS
from reaper_ext.session.rpp.writer import RppSessionWriter
from reaper_ext.session.writer import LEDGER_SECTION
from reaper_ext.suggest.ledger.core import TAG, LedgerEntry, Selection, accept, apply_suggestions, read_ledger, reject
from reaper_ext.suggest.model import TARGET_PROJECT, Suggestion, make_suggestion_id
from tests.conftest import corpus_files


def _suggestions_for(project) -> list[Suggestion]:
    out = [
        Suggestion(make_suggestion_id("section", TARGET_PROJECT, 0), "section", TARGET_PROJECT, "",
                   {"position_sec": 0.0, "end_sec": 8.0, "name": "A"}, "why", 0.8),
        Suggestion(make_suggestion_id("key", TARGET_PROJECT), "key", TARGET_PROJECT, "", {"key": "F# minor"}, "why", 0.7),
        Suggestion(make_suggestion_id("tempo", TARGET_PROJECT), "tempo", TARGET_PROJECT, "", {"tempo_bpm": 97.5}, "why", 0.7),
    ]
    for track in project.tracks[:3]:
        guid = track.guid
        eq = FxSpec("ReaEQ", custom_name="HPF 90 Hz", bands=[EqBand("highpass", 90.0, q=0.707), EqBand("band", 250.0, -3.0, q=1.4)])
        comp = FxSpec("ReaComp", params={"threshold_db": -20.0, "ratio": 3.0, "attack_ms": 10.0, "release_ms": 120.0}, custom_name="Comp 3:1")
        out += [
            Suggestion(make_suggestion_id("name", guid), "name", guid, track.name, {"name": "Kick"}, "why", 0.9),
            Suggestion(make_suggestion_id("color", guid), "color", guid, track.name, {"color": 0x1000000 | 0x2040C0}, "why", 0.9),
            Suggestion(make_suggestion_id("highpass", guid), "highpass", guid, track.name, {"fx": eq.to_dict(), "freq_hz": 90.0}, "why", 0.8),
            Suggestion(make_suggestion_id("compressor", guid), "compressor", guid, track.name, {"fx": comp.to_dict()}, "why", 0.6),
            Suggestion(make_suggestion_id("gain", guid), "gain", guid, track.name, {"gain_db": 6.0}, "why", 0.9),
            Suggestion(make_suggestion_id("marker", guid, 1), "marker", guid, track.name,
                       {"position_sec": 1.5, "end_sec": None, "name": "clipping on Kick"}, "why", 0.9),
        ]
    return out


@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.name)
def test_reject_all_restores_bytes_and_accept_all_leaves_no_tags(path):
    original = path.read_bytes()
    doc = parse_rpp(original, path=path)
    writer = RppSessionWriter(doc)
    project = read_project(doc)
    suggestions = _suggestions_for(project)
    applied = apply_suggestions(writer, suggestions)
    assert len(applied.done) == len(suggestions), applied.messages
    written = doc.to_bytes()
    assert written != original
    # the written project parses again, with the FX, markers and ledger intact
    reread = parse_rpp(written, path=path)
    reread_project = read_project(reread)
    entries, damaged = read_ledger(RppSessionWriter(reread))
    assert not damaged and {entry.suggestion.id for entry in entries} == {s.id for s in suggestions}
    for track in reread_project.tracks[:3]:
        tagged = [fx for fx in track.fx if fx.custom_name.startswith(TAG)]
        assert len(tagged) == 2 and not any(fx.is_enabled for fx in tagged)
        assert track.name == "Kick"
    assert sum(marker.name.startswith(TAG) for marker in reread_project.markers) == 2 + min(3, len(project.tracks))
    # reject-all: the exact original bytes
    rejected = reject(RppSessionWriter(reread), Selection(is_all=True))
    assert not rejected.messages
    assert reread.to_bytes() == original
    # accept-all on a fresh copy: parses, no tags, FX enabled, gain applied
    doc2 = parse_rpp(written, path=path)
    accepted = accept(RppSessionWriter(doc2), Selection(is_all=True))
    assert not accepted.messages
    text = doc2.to_text()
    assert TAG not in text and LEDGER_SECTION not in text
    final = read_project(parse_rpp(doc2.to_bytes()))
    assert final.tempo_bpm == pytest.approx(97.5)
    for before, after in zip(project.tracks[:3], final.tracks[:3], strict=True):
        assert after.volume_gain == pytest.approx(before.volume_gain * 10 ** (6 / 20), rel=1e-6)
        assert all(fx.is_enabled for fx in after.fx[len(before.fx):])


def test_fx_parameters_read_back_within_one_percent():
    path = corpus_files()[0].parent / "Ultraschall__ultraschall-portable__test.rpp"
    doc = parse_rpp(path.read_bytes(), path=path)
    project = read_project(doc)
    suggestions = _suggestions_for(project)
    apply_suggestions(RppSessionWriter(doc), suggestions)
    doc = parse_rpp(doc.to_bytes())
    chain = doc.root.find_all("TRACK")[0].find("FXCHAIN")
    specs = []
    plugins = [child for child in chain.children if child.tag in FX_TAGS]
    for plugin in plugins[-2:]:
        lines = [line.rstrip("\r\n") for line in doc.lines[plugin.start - 1 : plugin.end + 3]]
        specs.append(rpp_lines_to_fx(lines))
    eq, comp = specs
    assert eq.plugin == "ReaEQ" and comp.plugin == "ReaComp"
    assert eq.bands[0].kind == "highpass" and eq.bands[0].freq_hz == pytest.approx(90.0, rel=0.01)
    assert eq.bands[1].gain_db == pytest.approx(-3.0, rel=0.01)
    assert eq.bands[1].quality() == pytest.approx(1.4, rel=0.01)
    for key, value in {"threshold_db": -20.0, "ratio": 3.0, "attack_ms": 10.0, "release_ms": 120.0}.items():
        assert comp.params[key] == pytest.approx(value, rel=0.01)


def _doc() -> RppDocument:
    path = corpus_files()[0].parent / "Ultraschall__ultraschall-portable__test.rpp"
    return parse_rpp(path.read_bytes(), path=path)


def test_unknown_ids_select_nothing():
    doc = _doc()
    writer = RppSessionWriter(doc)
    apply_suggestions(writer, _suggestions_for(read_project(doc)))
    before = doc.to_bytes()
    result = reject(writer, Selection(ids=("no-such-id",)))
    assert result.done == [] and doc.to_bytes() == before


def test_damaged_ledger_entry_is_reported_and_the_rest_still_works():
    doc = _doc()
    original = doc.to_bytes()
    writer = RppSessionWriter(doc)
    apply_suggestions(writer, _suggestions_for(read_project(doc)))
    entries, _ = read_ledger(writer)
    victim = entries[-1].suggestion.id
    writer.write_ext_state(LEDGER_SECTION, "s_" + victim, "%%%not-base64%%%")
    with pytest.raises(LedgerError, match="damaged"):
        LedgerEntry.decode("s_" + victim, "%%%not-base64%%%")
    result = reject(writer, Selection(is_all=True))
    assert any(victim in message and "damaged" in message for message in result.messages)
    assert len(result.done) == len(entries) - 1
    assert doc.to_bytes() != original  # the damaged entry's key is left for the user


def test_user_edits_win_on_reject():
    doc = _doc()
    writer = RppSessionWriter(doc)
    project = read_project(doc)
    apply_suggestions(writer, _suggestions_for(project))
    guid = project.tracks[0].guid
    writer.set_track_value(guid, "name", "My Own Name")  # the user renames after the analysis
    fx_entries = [e for e in read_ledger(writer)[0] if e.suggestion.kind == "highpass" and e.suggestion.target == guid]
    writer.remove_fx(guid, fx_entries[0].changes[0]["fx_guid"])  # and deletes our EQ
    result = reject(writer, Selection(track=guid))
    assert any("your edit is kept" in message for message in result.messages)
    assert any("already removed" in message for message in result.messages)
    assert read_project(doc).tracks[0].name == "My Own Name"


def test_analysing_again_replaces_pending_suggestions():
    doc = _doc()
    writer = RppSessionWriter(doc)
    suggestions = _suggestions_for(read_project(doc))
    apply_suggestions(writer, suggestions)
    once = doc.to_bytes()
    apply_suggestions(writer, suggestions)
    entries, _ = read_ledger(writer)
    assert len(entries) == len(suggestions)
    project = read_project(doc)
    assert sum(fx.custom_name.startswith(TAG) for fx in project.tracks[0].fx) == 2
    assert len(doc.to_bytes()) == len(once)


def test_a_partial_action_replaces_only_what_it_could_suggest_again():
    from reaper_ext.jobs.protocol import KIND_FILTERS, replace_scope
    from reaper_ext.suggest.ledger.core import FX_KINDS

    # "Suggest FX" makes every plug-in kind of a track; the master chain comes from compare
    assert KIND_FILTERS["suggest_fx"] == FX_KINDS - {"master_chain"}
    doc = _doc()
    writer = RppSessionWriter(doc)
    suggestions = _suggestions_for(read_project(doc))
    apply_suggestions(writer, suggestions)
    markers_again = [s for s in suggestions if s.kind == "marker"]
    apply_suggestions(writer, markers_again, replace_where=replace_scope("mark_problems", []))
    entries, _ = read_ledger(writer)
    assert sorted(e.suggestion.id for e in entries) == sorted(s.id for s in suggestions)
    # "Suggest FX for selected tracks" on one track replaces that track's FX suggestions only
    first = read_project(doc).tracks[0].guid
    fx_first = [s for s in suggestions if s.kind in FX_KINDS and s.target == first][:1]
    apply_suggestions(writer, fx_first, replace_where=replace_scope("suggest_fx", [first]))
    kept = {e.suggestion.id for e in read_ledger(writer)[0]}
    dropped = {s.id for s in suggestions if s.kind in FX_KINDS and s.target == first} - {s.id for s in fx_first}
    assert kept == {s.id for s in suggestions} - dropped

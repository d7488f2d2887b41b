"""A ``tuning`` suggestion through the ledger on real projects: written off, accepted on, rejected to the original bytes."""

from __future__ import annotations

from reaper_ext.session.rpp import parse_rpp
from reaper_ext.session.rpp.takes import find_item, take_envelope_active
from reaper_ext.session.rpp.writer import RppSessionWriter
from reaper_ext.suggest.ledger.core import Selection, accept, apply_suggestions, read_ledger, reject
from reaper_ext.suggest.model import Suggestion, make_suggestion_id
from tests.conftest import corpus_files


def _tuning(track_guid: str, item_guid: str) -> Suggestion:
    return Suggestion(
        make_suggestion_id("tuning", track_guid, item_guid), "tuning", track_guid, "Vox",
        {"item_guid": item_guid, "points": [[0.48, 0.0], [0.5, 0.38], [1.3, 0.38], [1.32, 0.0]], "n_flagged": 1,
         "summary": "80% of held notes within +-15 cents"},
        "E4 at 0:00.5, held 0.8 s: centre -38 cents (321.6 Hz against 329.6 Hz)", 0.5,
    )


def _suggestions(doc):
    out = []
    for track in doc.root.find_all("TRACK"):
        track_guid = doc.tokens(track.start)[1] if len(doc.tokens(track.start)) > 1 else None
        for item in track.find_all("ITEM"):
            if track_guid and doc.field(item, "IGUID"):
                out.append(_tuning(track_guid, doc.field(item, "IGUID")[0]))
    return out


def _envelope(doc, item_guid):
    item = find_item(doc, item_guid)
    return next((c for c in item.children if c.tag == "PITCHENV"), None)


def test_round_trip_on_corpus_projects():
    checked = 0
    for path in corpus_files():
        original = path.read_bytes()
        doc = parse_rpp(original, path=path)
        suggestions = _suggestions(doc)
        if not suggestions:
            continue
        writer = RppSessionWriter(doc)
        result = apply_suggestions(writer, suggestions)
        written = [s for s in suggestions if s.id in result.done]
        assert written, result.messages
        for suggestion in written:
            envelope = _envelope(doc, suggestion.params["item_guid"])
            assert envelope is not None and doc.field(envelope, "ACT")[0] == "0"  # switched off
        reject(writer, Selection(is_all=True))
        assert doc.to_bytes() == original, path.name
        checked += 1
    assert checked >= 3


def test_accept_switches_the_envelope_on_and_survives_a_reload():
    path = next(p for p in corpus_files() if p.name.startswith("noisefarm"))
    doc = parse_rpp(path.read_bytes())
    suggestion = _suggestions(doc)[0]
    writer = RppSessionWriter(doc)
    apply_suggestions(writer, [suggestion])
    reloaded = parse_rpp(doc.to_text())
    writer = RppSessionWriter(reloaded)
    entries, _ = read_ledger(writer)
    (entry,) = entries
    change = next(c for c in entry.changes if c["op"] == "take_envelope")
    assert take_envelope_active(reloaded, change["item_guid"], change["envelope_guid"]) is False
    result = accept(writer, Selection(kind="tuning"))
    assert result.done == [suggestion.id]
    assert take_envelope_active(reloaded, change["item_guid"], change["envelope_guid"]) is True
    assert read_ledger(writer)[0] == []


def test_a_take_with_its_own_pitch_envelope_is_left_alone():
    path = next(p for p in corpus_files() if p.name.startswith("noisefarm"))
    doc = parse_rpp(path.read_bytes())
    suggestion = _suggestions(doc)[0]
    writer = RppSessionWriter(doc)
    apply_suggestions(writer, [suggestion])
    accept(writer, Selection(is_all=True))
    accepted = doc.to_bytes()
    again = apply_suggestions(writer, [suggestion])  # the user's (now accepted) envelope is there
    assert again.done == [] and "pitch envelope" in " ".join(again.messages)
    assert doc.to_bytes() == accepted

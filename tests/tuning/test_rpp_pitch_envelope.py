"""The bypassed take pitch envelope in real projects: written off, switched on, removed to the original bytes."""

from __future__ import annotations

import pytest

from reaper_ext.errors import SuggestionError
from reaper_ext.session.rpp import parse_rpp
from reaper_ext.session.rpp.takes import (
    add_take_pitch_envelope,
    find_item,
    remove_take_envelope,
    set_take_envelope_active,
    take_envelope_active,
    take_ranges,
)
from tests.conftest import corpus_files


def _items(doc):
    out = []
    for chunk in doc.root.walk():
        if chunk.tag == "ITEM" and doc.field(chunk, "IGUID"):
            out.append(doc.field(chunk, "IGUID")[0])
    return out


def _projects_with_items():
    found = [path for path in corpus_files() if b"<ITEM" in path.read_bytes() and b"IGUID" in path.read_bytes()]
    assert len(found) >= 3, "the corpus should hold projects with items"
    return found


@pytest.mark.parametrize("path", _projects_with_items(), ids=lambda p: p.name)
def test_envelope_round_trip_in_corpus(path):
    original = path.read_bytes()
    doc = parse_rpp(original, path=path)
    guids = []
    for item_guid in _items(doc):
        try:
            guids.append((item_guid, add_take_pitch_envelope(doc, item_guid, [(0.5, 0.0), (0.52, -0.38), (1.2, -0.38), (1.22, 0.0)])))
        except SuggestionError:
            continue  # the take had a pitch envelope of its own
    assert guids
    text = doc.to_text()
    reparsed = parse_rpp(text)  # still a balanced project
    for item_guid, env_guid in guids:
        assert take_envelope_active(reparsed, item_guid, env_guid) is False
        item = find_item(reparsed, item_guid)
        env = next(c for c in item.children if c.tag == "PITCHENV" and reparsed.field(c, "EGUID") == [env_guid])
        assert reparsed.field(env, "ACT")[0] == "0"
        pts = [reparsed.tokens(i) for i in reparsed.own_lines(env) if reparsed.first_word(i) == "PT"]
        assert pts[1] == ["PT", "0.52", "-0.38", "0"]
        # the envelope sits inside the active take's lines, after its source
        ranges = take_ranges(reparsed, item)
        active = next((r for r in ranges if r.is_selected), ranges[0])
        assert active.start <= env.start < active.end
        sources = [c for c in item.children if c.tag == "SOURCE" and active.start <= c.start < active.end]
        assert all(source.end < env.start for source in sources)
    for item_guid, env_guid in guids:
        assert remove_take_envelope(doc, item_guid, env_guid)
    assert doc.to_bytes() == original


def test_accept_switches_the_envelope_on():
    path = next(p for p in _projects_with_items() if p.name.startswith("noisefarm"))
    doc = parse_rpp(path.read_bytes())
    item_guid = _items(doc)[0]
    env_guid = add_take_pitch_envelope(doc, item_guid, [(0.0, 0.1)])
    assert set_take_envelope_active(doc, item_guid, env_guid, True)
    assert take_envelope_active(doc, item_guid, env_guid) is True
    assert not remove_take_envelope(doc, item_guid, "{00000000-0000-0000-0000-000000000000}")
    with pytest.raises(SuggestionError):
        add_take_pitch_envelope(doc, item_guid, [(0.0, 0.2)])  # one pitch envelope per take

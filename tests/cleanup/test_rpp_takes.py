"""The cleaned take: appended inactive, made active on accept, removed to the original bytes on reject."""

from __future__ import annotations

import pytest

from reaper_ext.errors import SuggestionError
from reaper_ext.session.rpp import parse_rpp, read_project
from reaper_ext.session.rpp.takes import active_take, add_take, find_item, remove_take, set_active_take, take_index
from tests.conftest import corpus_files


def _item_guids(doc):
    return [doc.field(c, "IGUID")[0] for c in doc.root.walk() if c.tag == "ITEM" and doc.field(c, "IGUID")]


@pytest.mark.parametrize("path", [p for p in corpus_files() if b"IGUID" in p.read_bytes()], ids=lambda p: p.name)
def test_take_round_trip_in_corpus(path):
    original = path.read_bytes()
    doc = parse_rpp(original, path=path)
    before = {item.guid: item for track in read_project(doc).tracks for item in track.items}
    added = []
    for item_guid in _item_guids(doc):
        active_before = active_take(doc, find_item(doc, item_guid))
        take_guid = add_take(doc, item_guid, "media/cleaned take.wav", name="reaper-ext: cleaned")
        added.append((item_guid, take_guid))
        # the new take is last and not active: the item plays as before
        assert active_take(doc, find_item(doc, item_guid)) == active_before
    reread = parse_rpp(doc.to_text())
    after = {item.guid: item for track in read_project(reread).tracks for item in track.items}
    for guid, item in before.items():
        assert after[guid].start_offset_sec == item.start_offset_sec
        assert after[guid].take_name == item.take_name
    for item_guid, take_guid in reversed(added):
        assert remove_take(doc, item_guid, take_guid)
    assert doc.to_bytes() == original


def test_accept_makes_the_new_take_active_and_it_is_aligned():
    path = next(p for p in corpus_files() if p.name.startswith("noisefarm"))
    doc = parse_rpp(path.read_bytes())
    item_guid = _item_guids(doc)[1]  # an item whose active take is not the first
    project = read_project(doc)
    old = next(i for t in project.tracks for i in t.items if i.guid == item_guid)
    take_guid = add_take(doc, item_guid, "clean.wav", name="reaper-ext: cleaned")
    index = take_index(doc, item_guid, take_guid)
    set_active_take(doc, item_guid, index)
    assert active_take(doc, find_item(doc, item_guid)) == index
    new = next(i for t in read_project(doc).tracks for i in t.items if i.guid == item_guid)
    assert new.media.file_as_written == "clean.wav"
    assert new.start_offset_sec == old.start_offset_sec and new.playrate == old.playrate
    with pytest.raises(SuggestionError):
        remove_take(doc, item_guid, take_guid)  # active now: the user's choice stands
    assert not remove_take(doc, item_guid, "{00000000-0000-0000-0000-000000000000}")

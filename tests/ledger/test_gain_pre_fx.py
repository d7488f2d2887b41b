"""Accepting a gain suggestion stages the track *before* its FX: the take volume of its items moves, not the fader.

An ``.RPP`` keeps the first take's volume as the third value of the item's ``VOLPAN``
(item volume, take pan, take volume, pan law) and every later take's in its own
``TAKEVOLPAN pan volume pan-law`` line (tests/data/reaper_api/FACTS.md; the corpus'
``noisefarm__201205_1424__test.RPP`` has items of four takes).
"""

from __future__ import annotations

import pytest

from reaper_ext.session.rpp import parse_rpp, read_project
from reaper_ext.session.rpp.writer import RppSessionWriter
from reaper_ext.suggest.ledger.core import Selection, accept, apply_suggestions, reject
from reaper_ext.suggest.model import Suggestion, make_suggestion_id
from tests.conftest import corpus_files

GAIN_DB = -7.5
FACTOR = 10 ** (GAIN_DB / 20)


def _gain(track, gain_db=GAIN_DB, **params):
    return Suggestion(make_suggestion_id("gain", track.guid), "gain", track.guid, track.name,
                      {"gain_db": gain_db, "stage": "pre_fx", **params}, "why", 0.9)


def _audio_tracks(project):
    return [track for track in project.tracks
            if any(item.guid and item.source_type.upper() != "MIDI" for item in track.items)]


def _volumes(doc, track):
    writer = RppSessionWriter(doc)
    return {item.guid: writer.get_take_volumes(item.guid) for item in track.items if item.guid}


@pytest.mark.parametrize("path", [p for p in corpus_files() if _audio_tracks(read_project(parse_rpp(p.read_bytes(), path=p)))],
                         ids=lambda path: path.name)
def test_accept_moves_every_take_volume_and_leaves_the_fader(path):
    original = path.read_bytes()
    doc = parse_rpp(original, path=path)
    project = read_project(doc)
    track = _audio_tracks(project)[0]
    before = _volumes(doc, track)
    assert apply_suggestions(RppSessionWriter(doc), [_gain(track)]).done
    assert reject(RppSessionWriter(doc), Selection(is_all=True)).done
    assert doc.to_bytes() == original  # pending until accepted: rejecting gives back the bytes
    apply_suggestions(RppSessionWriter(doc), [_gain(track)])
    result = accept(RppSessionWriter(doc), Selection(is_all=True))
    assert not result.messages
    reread = parse_rpp(doc.to_bytes(), path=path)
    after_project = read_project(reread)
    after_track = after_project.track_by_guid(track.guid)
    assert after_track.volume_gain == track.volume_gain  # the fader, after the FX, stays
    after = _volumes(reread, after_track)
    midi = {item.guid for item in track.items if item.source_type.upper() == "MIDI"}
    for guid, volumes in before.items():
        expected = volumes if guid in midi else [volume * FACTOR for volume in volumes]
        assert after[guid] == pytest.approx(expected, rel=1e-9)
    for old, new in zip(track.items, after_track.items, strict=True):
        assert new.item_gain == old.item_gain
        assert new.take_gain == pytest.approx(old.take_gain * (1.0 if old.guid in midi else FACTOR), rel=1e-9)
    # nothing else moved: only VOLPAN / TAKEVOLPAN lines differ (or were added)
    changed = [line for line in set(reread.lines) ^ set(parse_rpp(original).lines)]
    assert changed and all(line.split()[0] in ("VOLPAN", "TAKEVOLPAN") for line in changed)
    other = [t for t in after_project.tracks if t.guid != track.guid]
    assert [t.items for t in other] == [t.items for t in project.tracks if t.guid != track.guid]


def test_multi_take_items_stage_every_take_and_a_missing_line_is_added_then_removed():
    path = next(p for p in corpus_files() if p.name == "noisefarm__201205_1424__test.RPP")
    original = path.read_bytes()
    doc = parse_rpp(original, path=path)
    project = read_project(doc)
    item = next(item for track in project.tracks for item in track.items
                if len(RppSessionWriter(doc).get_take_volumes(item.guid) or []) > 1)
    writer = RppSessionWriter(doc)
    volumes = writer.get_take_volumes(item.guid)
    assert volumes == [1.0] * len(volumes)  # every VOLPAN / TAKEVOLPAN of this file reads unity
    tokens = [writer.set_take_volume(item.guid, n, 0.5 + n) for n in range(len(volumes))]
    assert writer.get_take_volumes(item.guid) == [0.5 + n for n in range(len(volumes))]
    for n in reversed(range(len(volumes))):
        writer.restore_take_volume(item.guid, n, volumes[n], tokens[n])
    assert doc.to_bytes() == original
    # a take without a TAKEVOLPAN line: one is added after its NAME, and restoring removes it
    text = original.decode()
    index = text.index("TAKEVOLPAN 0 1 -1")
    stripped = text[:index] + text[text.index("\n", index) + 1:]
    doc = parse_rpp(stripped, path=path)
    writer = RppSessionWriter(doc)
    volumes = writer.get_take_volumes(item.guid)
    assert volumes[1] == 1.0
    token = writer.set_take_volume(item.guid, 1, 0.25)
    assert writer.get_take_volumes(item.guid)[1] == 0.25
    assert "TAKEVOLPAN 0 0.25 -1" in doc.to_text()
    writer.restore_take_volume(item.guid, 1, 1.0, token)
    assert doc.to_text() == stripped


def test_a_legacy_entry_without_stage_still_moves_the_fader():
    path = next(p for p in corpus_files() if read_project(parse_rpp(p.read_bytes(), path=p)).tracks)
    doc = parse_rpp(path.read_bytes(), path=path)
    project = read_project(doc)
    track = project.tracks[0]
    legacy = Suggestion(make_suggestion_id("gain", track.guid), "gain", track.guid, track.name, {"gain_db": 6.0}, "why", 0.9)
    apply_suggestions(RppSessionWriter(doc), [legacy])
    accept(RppSessionWriter(doc), Selection(is_all=True))
    assert read_project(doc).tracks[0].volume_gain == pytest.approx(track.volume_gain * 10 ** (6 / 20))


def test_a_track_without_audio_items_says_so():
    path = next(p for p in corpus_files() if any(not t.items for t in read_project(parse_rpp(p.read_bytes(), path=p)).tracks))
    doc = parse_rpp(path.read_bytes(), path=path)
    track = next(t for t in read_project(doc).tracks if not t.items)
    apply_suggestions(RppSessionWriter(doc), [_gain(track)])
    result = accept(RppSessionWriter(doc), Selection(is_all=True))
    assert any("no audio items" in message for message in result.messages)

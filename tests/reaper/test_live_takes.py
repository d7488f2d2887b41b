"""The take-level suggestions (``tuning``: a bypassed take pitch envelope; ``denoise``: an inactive take) inside REAPER.

Written, accepted and rejected through the live backend on the fake REAPER,
whose item state chunks follow FACTS.md (take envelopes ``<PITCHENV`` with
``ACT 0`` bypassed / ``ACT 1`` active; ``TAKE SEL`` marks the active take), and
compared with the same suggestion through the ``.RPP`` backend on the same project.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import soundfile

from reaper_ext.session.rpp import parse_rpp
from reaper_ext.session.rpp.writer import RppSessionWriter
from reaper_ext.suggest.ledger.core import Selection, accept, apply_suggestions, read_ledger, reject
from reaper_ext.suggest.ledger.files import record_file
from reaper_ext.suggest.ledger.takes import take_editor
from reaper_ext.suggest.model import Suggestion, make_suggestion_id
from tests.reaper.conftest import CORPUS_PROJECT
from tests.reaper.fake import item_chunks

POINTS = [[0.48, 0.0], [0.5, 0.38], [1.3, 0.38], [1.32, 0.0]]
# FACTS.md: a corpus item chunk with three takes, the third active (TAKE SEL), and a PITCHENV on the second
MULTI_TAKE_CHUNK = """<ITEM
POSITION 2
LENGTH 3.5
FADEIN 1 0.01 0 1 0 0 0
MUTE 0 0
IGUID {11111111-2222-3333-4444-555555555555}
NAME "take one"
VOLPAN 1 0 1 -1
SOFFS 0
PLAYRATE 1 1 0 -1 0 0.0025
CHANMODE 0
GUID {AAAAAAAA-0000-0000-0000-000000000001}
<SOURCE WAVE
FILE "one.wav"
>
TAKE
NAME "take two"
TAKEVOLPAN 0 0.5 -1
SOFFS 0.25
PLAYRATE 1 1 0 -1 0 0.0025
GUID {AAAAAAAA-0000-0000-0000-000000000002}
<SOURCE WAVE
FILE "two.wav"
>
<PITCHENV
EGUID {BBBBBBBB-0000-0000-0000-000000000001}
ACT 0 -1
VIS 1 1 1
PT 0 0 0
PT 1 -0.5 0
>
TAKE SEL
NAME "take three"
TAKEVOLPAN 0 1 -1
SOFFS 0
PLAYRATE 1 1 0 -1 0 0.0025
GUID {AAAAAAAA-0000-0000-0000-000000000003}
<SOURCE WAVE
FILE "three.wav"
>
>
"""


@pytest.fixture
def project_copy(tmp_path):
    path = tmp_path / CORPUS_PROJECT.name
    shutil.copyfile(CORPUS_PROJECT, path)
    return path


def _open(fake_module, path):
    from tests.reaper.fake.project import load_rpp

    return fake_module.install(fake_module.FakeReaper(load_rpp(path)))


def _first_item(fake):
    return fake.project.tracks[0].items[0]


def _tuning(track_guid: str, item_guid: str) -> Suggestion:
    return Suggestion(
        make_suggestion_id("tuning", track_guid, item_guid), "tuning", track_guid, "Vox",
        {"item_guid": item_guid, "points": POINTS, "n_flagged": 1, "summary": "80% of held notes within +-15 cents"},
        "E4 at 0:00.5, held 0.8 s: centre -38 cents (321.6 Hz against 329.6 Hz)", 0.5,
    )


def _denoise(track_guid: str, item_guid: str, cleaned) -> Suggestion:
    return Suggestion(
        make_suggestion_id("denoise", track_guid, item_guid), "denoise", track_guid, "Vox",
        {"item_guid": item_guid, "file": cleaned.name, "take_name": "reaper-ext: cleaned vox.wav", "source_type": "WAVE",
         "max_reduction_db": 9.0, "n_clicks": 0, "created_files": [record_file(cleaned)]},
        "noise floor -63 dBFS over 14.2 s of gaps ...", 0.75,
    )


def _cleaned_file(folder):
    cleaned = folder / "vox (reaper-ext cleaned).wav"
    soundfile.write(str(cleaned), np.zeros((4410, 1), dtype=np.float32), 44100, subtype="PCM_24")
    return cleaned


def _chunk(fake, item) -> str:
    return fake.GetItemStateChunk(item, "", 1 << 22, False)[1][1]


def _rpp_envelope(doc, item_guid):
    """(ACT values, PT points) of the PITCHENV blocks of the item in the .RPP document."""
    from reaper_ext.session.rpp.takes import find_item

    item = find_item(doc, item_guid)
    out = []
    for child in item.children:
        if child.tag == "PITCHENV":
            points = [tuple(float(v) for v in doc.tokens(i)[1:3]) for i in doc.own_lines(child) if doc.first_word(i) == "PT"]
            out.append((doc.field(child, "ACT")[0] != "0", points))
    return out


def _live_envelopes(item):
    return [(envelope.is_active, envelope.points) for take in item.takes if take is not None
            for envelope in item_chunks.envelopes_of(take) if envelope.tag == "PITCHENV"]


# -- the fake's item chunks --------------------------------------------------------------------
def test_fake_item_chunk_sets_takes_active_take_and_envelopes(fake_module, project_copy):
    fake = _open(fake_module, project_copy)
    item = _first_item(fake)
    assert fake.SetItemStateChunk(item, MULTI_TAKE_CHUNK, False)
    assert [t.name for t in item.takes] == ["take one", "take two", "take three"]
    assert fake.GetActiveTake(item) is item.takes[2]
    assert item.guid == "{11111111-2222-3333-4444-555555555555}" and item.position_sec == 2.0
    assert item.takes[1].volume == 0.5 and item.takes[1].start_offset_sec == 0.25
    (envelope,) = item_chunks.envelopes_of(item.takes[1])
    assert envelope.tag == "PITCHENV" and not envelope.is_active and envelope.points == [(0.0, 0.0), (1.0, -0.5)]
    assert item_chunks.envelopes_of(item.takes[0]) == []
    # read back: the same takes, the same active take, the same envelope, the unmodelled line kept
    again = parse_rpp("<REAPER_PROJECT\n<TRACK\n" + _chunk(fake, item) + ">\n>\n")
    from reaper_ext.session.rpp.takes import active_take, find_item, take_ranges

    parsed = find_item(again, item.guid)
    assert len(take_ranges(again, parsed)) == 3 and active_take(again, parsed) == 2
    assert _rpp_envelope(again, item.guid) == [(False, [(0.0, 0.0), (1.0, -0.5)])]
    assert "FADEIN 1 0.01 0 1 0 0 0" in _chunk(fake, item)


def test_fake_keeps_take_objects_by_guid_and_drops_removed_ones(fake_module, project_copy):
    fake = _open(fake_module, project_copy)
    item = _first_item(fake)
    fake.SetItemStateChunk(item, MULTI_TAKE_CHUNK, False)
    kept = item.takes[0]
    without_second = MULTI_TAKE_CHUNK.replace(MULTI_TAKE_CHUNK[MULTI_TAKE_CHUNK.index("TAKE\n"):MULTI_TAKE_CHUNK.index("TAKE SEL")], "")
    fake.SetItemStateChunk(item, without_second.replace("TAKE SEL", "TAKE"), False)
    assert item.takes[0] is kept and [t.name for t in item.takes] == ["take one", "take three"]
    assert fake.GetActiveTake(item) is kept  # no TAKE SEL: the first take plays


def test_fake_refuses_a_chunk_that_is_not_an_item(fake_module, project_copy):
    fake = _open(fake_module, project_copy)
    item = _first_item(fake)
    before = _chunk(fake, item)
    assert not fake.SetItemStateChunk(item, "<TRACK\nNAME x\n>\n", False)
    assert _chunk(fake, item) == before


# -- tuning through the live path --------------------------------------------------------------
def test_tuning_written_bypassed_accepted_active_like_the_rpp(fake_module, project_copy):
    from reaper_ext.session.live import LiveSession

    doc = parse_rpp(project_copy.read_bytes(), path=project_copy)
    fake = _open(fake_module, project_copy)
    item = _first_item(fake)
    track_guid = fake.project.tracks[0].guid
    suggestion = _tuning(track_guid, item.guid)
    rpp_writer = RppSessionWriter(doc)
    session = LiveSession()
    assert apply_suggestions(session, [suggestion]).done == [suggestion.id]
    assert apply_suggestions(rpp_writer, [suggestion]).done == [suggestion.id]
    expected_points = [tuple(p) for p in POINTS]
    assert _live_envelopes(item) == [(False, expected_points)]  # ACT 0: bypassed
    assert _rpp_envelope(doc, item.guid) == _live_envelopes(item)
    envelope_take = next(t for t in item.takes if t is not None and item_chunks.envelopes_of(t))
    assert envelope_take is fake.GetActiveTake(item)  # on the take that plays
    (entry,), _ = read_ledger(session)
    change = next(c for c in entry.changes if c["op"] == "take_envelope")
    assert take_editor(session).envelope_active(item.guid, change["envelope_guid"]) is False
    assert accept(LiveSession(), Selection(kind="tuning")).done == [suggestion.id]
    accept(rpp_writer, Selection(kind="tuning"))
    assert _live_envelopes(item) == [(True, expected_points)]  # ACT 1
    assert _rpp_envelope(doc, item.guid) == _live_envelopes(item)
    assert read_ledger(LiveSession())[0] == []


def test_tuning_reject_removes_only_the_products_envelope(fake_module, project_copy):
    from reaper_ext.session.live import LiveSession

    fake = _open(fake_module, project_copy)
    item = _first_item(fake)
    # the user's own pitch envelope on another take of the item
    chunk = _chunk(fake, item)
    user_take = next(n for n, t in enumerate(item.takes) if t is not None and n != item.active_take)
    user_guid = item.takes[user_take].guid
    lines = chunk.splitlines(keepends=True)
    guid_line = next(n for n, line in enumerate(lines) if line.strip() == f"GUID {user_guid}")
    end = next(n for n in range(guid_line, len(lines)) if lines[n].strip() == ">")  # its source's end
    lines.insert(end + 1, "<PITCHENV\nEGUID {CCCCCCCC-0000-0000-0000-000000000001}\nACT 1 -1\nPT 0 1 0\n>\n")
    assert fake.SetItemStateChunk(item, "".join(lines), False)
    before = _chunk(fake, item)
    suggestion = _tuning(fake.project.tracks[0].guid, item.guid)
    apply_suggestions(LiveSession(), [suggestion])
    assert len(_live_envelopes(item)) == 2
    result = reject(LiveSession(), Selection(is_all=True))
    assert result.done == [suggestion.id]
    assert _live_envelopes(item) == [(True, [(0.0, 1.0)])]  # the user's stays
    assert _chunk(fake, item) == before
    assert read_ledger(LiveSession())[0] == []


def test_tuning_on_a_take_with_its_own_pitch_envelope_is_refused(fake_module, project_copy):
    from reaper_ext.session.live import LiveSession

    fake = _open(fake_module, project_copy)
    item = _first_item(fake)
    suggestion = _tuning(fake.project.tracks[0].guid, item.guid)
    apply_suggestions(LiveSession(), [suggestion])
    accept(LiveSession(), Selection(is_all=True))
    accepted = _chunk(fake, item)
    again = apply_suggestions(LiveSession(), [suggestion])
    assert again.done == [] and "pitch envelope" in " ".join(again.messages)
    assert _chunk(fake, item) == accepted


# -- denoise through the live path -------------------------------------------------------------
def test_denoise_take_added_inactive_then_accepted_like_the_rpp(fake_module, project_copy):
    from reaper_ext.session.live import LiveSession
    from reaper_ext.session.rpp.takes import active_take, find_item, take_ranges

    cleaned = _cleaned_file(project_copy.parent)
    doc = parse_rpp(project_copy.read_bytes(), path=project_copy)
    fake = _open(fake_module, project_copy)
    item = _first_item(fake)
    playing = fake.GetActiveTake(item)
    n_before = len(item.takes)
    suggestion = _denoise(fake.project.tracks[0].guid, item.guid, cleaned)
    rpp_writer = RppSessionWriter(doc)
    assert apply_suggestions(LiveSession(), [suggestion]).done == [suggestion.id]
    apply_suggestions(rpp_writer, [suggestion])
    assert len(item.takes) == n_before + 1 == len(take_ranges(doc, find_item(doc, item.guid)))
    assert fake.GetActiveTake(item) is playing  # the original take still plays
    assert item.active_take == active_take(doc, find_item(doc, item.guid))
    new = item.takes[-1]
    assert new.name == "reaper-ext: cleaned vox.wav" and new.start_offset_sec == playing.start_offset_sec
    source_name = fake.GetMediaSourceFileName(new.source, "", 4096)[1][1]
    assert source_name == str(cleaned)  # found from the project's folder
    accept(LiveSession(), Selection(kind="denoise"))
    accept(rpp_writer, Selection(kind="denoise"))
    assert fake.GetActiveTake(item) is new  # one click to A/B, done by accept
    assert item.active_take == active_take(doc, find_item(doc, item.guid)) == n_before


def test_denoise_reject_removes_the_take_and_proposes_the_file(fake_module, project_copy):
    from reaper_ext.session.live import LiveSession

    cleaned = _cleaned_file(project_copy.parent)
    fake = _open(fake_module, project_copy)
    item = _first_item(fake)
    before = _chunk(fake, item)
    playing = fake.GetActiveTake(item)
    suggestion = _denoise(fake.project.tracks[0].guid, item.guid, cleaned)
    apply_suggestions(LiveSession(), [suggestion])
    user_take = fake.AddTakeToMediaItem(item)  # the user's own take, added afterwards
    result = reject(LiveSession(), Selection(is_all=True))
    assert result.done == [suggestion.id]
    assert [t.name for t in item.takes if t is not None].count("reaper-ext: cleaned vox.wav") == 0
    assert user_take in item.takes and fake.GetActiveTake(item) is playing
    assert [removal for removal in result.removals if str(cleaned) in str(removal)]  # proposed, removed after a save
    item.takes.remove(user_take)
    assert _chunk(fake, item) == before


def test_an_active_cleaned_take_is_kept_on_reject(fake_module, project_copy):
    from reaper_ext.session.live import LiveSession

    cleaned = _cleaned_file(project_copy.parent)
    fake = _open(fake_module, project_copy)
    item = _first_item(fake)
    suggestion = _denoise(fake.project.tracks[0].guid, item.guid, cleaned)
    apply_suggestions(LiveSession(), [suggestion])
    new = item.takes[-1]
    item.active_take = len(item.takes) - 1  # the user chose it in REAPER
    result = reject(LiveSession(), Selection(is_all=True))
    assert any("active" in message for message in result.messages)
    assert new in item.takes and fake.GetActiveTake(item) is new
    assert cleaned.exists()  # inside REAPER nothing is deleted on reject (only proposed, see docs/cleanup)


# -- the .RPP chunk code on one item chunk ----------------------------------------------------
def test_item_chunk_as_a_document_round_trips_and_refuses_other_text():
    from reaper_ext.errors import ProjectError
    from reaper_ext.session.rpp.takes import active_take, find_item, item_chunk_text, item_document, set_active_take

    doc = item_document(MULTI_TAKE_CHUNK)
    assert item_chunk_text(doc) == MULTI_TAKE_CHUNK  # untouched: the same text back
    guid = "{11111111-2222-3333-4444-555555555555}"
    assert active_take(doc, find_item(doc, guid)) == 2
    set_active_take(doc, guid, 1)
    edited = item_chunk_text(doc)
    assert "TAKE SEL\nNAME \"take two\"" in edited and "TAKE\nNAME \"take three\"" in edited
    for text in ("<TRACK\nNAME x\n>\n", "<ITEM\nPOSITION 1\n", "<ITEM\n>\n<ITEM\n>\n"):
        with pytest.raises(ProjectError):
            item_document(text)


def test_an_unreadable_chunk_is_a_suggestion_error(fake_module, project_copy, monkeypatch):
    from reaper_ext.errors import SuggestionError
    from reaper_ext.reaper import api
    from reaper_ext.session.live import LiveSession

    fake = _open(fake_module, project_copy)
    item = _first_item(fake)
    monkeypatch.setattr(api, "item_chunk", lambda pointer: "<ITEM\nPOSITION 1\n")  # cut short
    with pytest.raises(SuggestionError, match="could not be read"):
        LiveSession().take_editor().add_pitch_envelope(item.guid, [(0.0, 0.0)])

"""A ``denoise`` suggestion through the ledger: a new inactive take, accepted active, rejected with its file."""

from __future__ import annotations

import shutil

import numpy as np
import soundfile

from reaper_ext.session.rpp import parse_rpp, read_project
from reaper_ext.session.rpp.takes import active_take, find_item, take_ranges
from reaper_ext.session.rpp.writer import RppSessionWriter
from reaper_ext.suggest.ledger.core import Selection, accept, apply_suggestions, read_ledger, reject
from reaper_ext.suggest.ledger.files import delete_after_save, record_file
from reaper_ext.suggest.ledger.takes import take_editor
from reaper_ext.suggest.model import Suggestion, make_suggestion_id
from tests.conftest import corpus_files


def _setup(tmp_path):
    source = next(p for p in corpus_files() if p.name.startswith("noisefarm"))
    project_path = tmp_path / "song.RPP"
    shutil.copy(source, project_path)
    cleaned = tmp_path / "vox (reaper-ext cleaned).wav"
    soundfile.write(str(cleaned), np.zeros((4410, 1), dtype=np.float32), 44100, subtype="PCM_24")
    doc = parse_rpp(project_path.read_bytes(), path=project_path)
    track = doc.root.find_all("TRACK")[0]
    track_guid = doc.tokens(track.start)[1]
    item_guid = doc.field(track.find_all("ITEM")[0], "IGUID")[0]
    suggestion = Suggestion(
        make_suggestion_id("denoise", track_guid, item_guid), "denoise", track_guid, "Vox",
        {"item_guid": item_guid, "file": cleaned.name, "take_name": "reaper-ext: cleaned vox.wav", "source_type": "WAVE",
         "max_reduction_db": 9.0, "n_clicks": 0, "created_files": [record_file(cleaned)]},
        "noise floor -63 dBFS over 14.2 s of gaps ...", 0.75,
    )
    return project_path, doc, suggestion, cleaned


def test_take_written_inactive_then_accepted(tmp_path):
    _, doc, suggestion, _ = _setup(tmp_path)
    item_guid = suggestion.params["item_guid"]
    before_active = active_take(doc, find_item(doc, item_guid))
    n_before = len(take_ranges(doc, find_item(doc, item_guid)))
    writer = RppSessionWriter(doc)
    assert apply_suggestions(writer, [suggestion]).done == [suggestion.id]
    item = find_item(doc, item_guid)
    assert len(take_ranges(doc, item)) == n_before + 1
    assert active_take(doc, item) == before_active  # the original take still plays
    accept(writer, Selection(kind="denoise"))
    assert active_take(doc, find_item(doc, item_guid)) == n_before  # the new, last take
    played = next(i for t in read_project(doc).tracks for i in t.items if i.guid == item_guid)
    assert played.media.file_as_written == suggestion.params["file"]


def test_reject_all_gives_the_bytes_back_and_removes_the_file(tmp_path):
    project_path, doc, suggestion, cleaned = _setup(tmp_path)
    original = project_path.read_bytes()
    writer = RppSessionWriter(doc)
    apply_suggestions(writer, [suggestion])
    project_path.write_bytes(doc.to_bytes())
    result = reject(writer, Selection(is_all=True))
    assert doc.to_bytes() == original
    project_path.write_bytes(doc.to_bytes())  # saved in place, then the created file may go
    kept = delete_after_save(result.removals, project_path=project_path, saved_project=read_project(doc))
    assert kept == [] and not cleaned.exists()


def test_an_active_cleaned_take_is_kept_on_reject(tmp_path):
    project_path, doc, suggestion, cleaned = _setup(tmp_path)
    writer = RppSessionWriter(doc)
    apply_suggestions(writer, [suggestion])
    (entry,), _ = read_ledger(writer)
    change = next(c for c in entry.changes if c["op"] == "take")
    take_editor(writer).activate_take(change["item_guid"], change["take_guid"])  # the user chose it in REAPER
    result = reject(writer, Selection(is_all=True))
    assert any("active" in message for message in result.messages)
    project_path.write_bytes(doc.to_bytes())
    delete_after_save(result.removals, project_path=project_path, saved_project=read_project(doc))
    assert cleaned.exists()  # still played: never deleted

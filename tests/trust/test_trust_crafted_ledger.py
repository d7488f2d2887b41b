"""Issue 10 item 1: a project file's ledger can't make reject delete anything but reaper-ext's own, unchanged stems."""

from __future__ import annotations

import hashlib
import os
import shutil

import pytest

from reaper_ext.cli.main import main
from reaper_ext.session.rpp import load_document, read_project, save_document
from reaper_ext.session.rpp.writer import RppSessionWriter
from reaper_ext.suggest.ledger import Selection, apply_suggestions, delete_created_files, disown_created_files, reject
from reaper_ext.suggest.ledger.files import record_file
from reaper_ext.suggest.model import Suggestion, make_suggestion_id
from tests.conftest import EXAMPLE_PROJECT


def _record(path, content_of=None) -> dict:
    data = (content_of or path).read_bytes()
    return {"path": str(path), "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _stems(project, created_files) -> Suggestion:
    track = project.tracks[4]
    item = {"position_sec": 0.0, "length_sec": 1.0, "start_offset_sec": 0.0, "file": "media/audio05.flac",
            "name": "x", "source_type": "FLAC"}
    return Suggestion(make_suggestion_id("stems", track.guid, ["crafted", None]), "stems", track.guid, track.name,
                      {"model": "crafted", "stems": [{"stem": "drums", "items": [item]}], "created_files": created_files},
                      "why", 0.8)


@pytest.fixture
def session(tmp_path):
    shutil.copytree(EXAMPLE_PROJECT.parent, tmp_path / "s")
    return tmp_path / "s" / EXAMPLE_PROJECT.name


def test_crafted_ledger_deletes_nothing_but_our_own_unchanged_file(session, tmp_path, capsys):
    folder = session.parent
    outside = tmp_path / "outside.wav"
    outside.write_bytes(b"the user's file outside the project")
    dotdot = tmp_path / "dotdot.wav"
    dotdot.write_bytes(b"reached through ..")
    link_target = tmp_path / "link-target.wav"
    link_target.write_bytes(b"a link's target")
    (folder / "media" / "link.wav").symlink_to(link_target)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "victim.wav").write_bytes(b"behind a linked folder")
    (folder / "linked").symlink_to(elsewhere, target_is_directory=True)
    changed = folder / "notes.txt"
    changed.write_bytes(b"the user's notes")
    old_style = folder / "old.wav"
    old_style.write_bytes(b"listed by an old ledger, no digest")
    ours = folder / "media" / "ours - drums.wav"
    ours.write_bytes(b"a stem reaper-ext wrote")
    media = folder / "media" / "audio05.flac"
    media_bytes = media.read_bytes()
    created = [
        _record(outside),  # outside the project
        _record(media),  # the user's own source media, with its true digest
        _record(folder / "media" / ".." / ".." / "dotdot.wav", dotdot),  # '..' out of the project
        _record(folder / "media" / "link.wav", link_target),  # a link: never followed
        _record(folder / "linked" / "victim.wav", elsewhere / "victim.wav"),  # a linked folder
        {"path": str(changed), "size": 3, "sha256": "0" * 64},  # not what was recorded
        str(old_style),  # an old ledger: a bare path
        record_file(ours),  # the one file that may go
    ]
    doc = load_document(session)
    apply_suggestions(RppSessionWriter(doc), [_stems(read_project(doc), created)])
    save_document(doc, session)
    assert main(["reject", str(session), "--all"]) == 0
    out = capsys.readouterr().out
    for path in (outside, dotdot, link_target, elsewhere / "victim.wav", changed, old_style):
        assert path.exists(), path
    assert (folder / "media" / "link.wav").is_symlink() and media.read_bytes() == media_bytes
    assert not ours.exists()  # the control: deletion does work for what passes every check
    assert "outside the project" in out and "symbolic link" in out and "no size and digest" in out
    assert "changed since" in out and "still uses it" in out


def test_nothing_is_deleted_before_the_change_is_saved_or_from_a_copy(session, tmp_path):
    ours = session.parent / "media" / "ours - bass.wav"
    ours.write_bytes(b"a stem reaper-ext wrote")
    doc = load_document(session)
    writer = RppSessionWriter(doc)
    suggestion = _stems(read_project(doc), [record_file(ours)])
    apply_suggestions(writer, [suggestion])
    # analysing again replaces the same suggestion: its files are not even proposed
    again = apply_suggestions(writer, [suggestion])
    assert again.removals == [] and ours.exists()
    # rejecting in memory only proposes; nothing is gone until the caller saves and deletes
    rejected = reject(writer, Selection(is_all=True))
    assert [removal.record["path"] for removal in rejected.removals] == [str(ours)] and ours.exists()
    # a copy written with --write: its records are marked and never delete
    doc2 = load_document(session)
    writer2 = RppSessionWriter(doc2)
    apply_suggestions(writer2, [suggestion])
    assert disown_created_files(writer2) == 1
    removals = reject(writer2, Selection(is_all=True)).removals
    messages = delete_created_files(removals, roots=[session.parent])
    assert ours.exists() and "copy written with --write" in messages[0]


def test_a_file_swapped_for_a_link_after_recording_is_kept(session, tmp_path):
    ours = session.parent / "media" / "ours - vocals.wav"
    ours.write_bytes(b"stem")
    record = record_file(ours)
    target = tmp_path / "precious.wav"
    target.write_bytes(b"stem")  # same bytes: the digest alone would not tell
    ours.unlink()
    os.symlink(target, ours)
    from reaper_ext.suggest.ledger.files import FileRemoval

    messages = delete_created_files([FileRemoval("s", record)], roots=[session.parent, tmp_path])
    assert target.exists() and ours.is_symlink() and "symbolic link" in messages[0]

"""Issue 10 items 4, 7, 8: backups keep the first original, saves refuse read-only and changed files, links are written through."""

from __future__ import annotations

import errno
import os
import shutil
import stat

import pytest

from reaper_ext.errors import ProjectWriteError
from reaper_ext.session.rpp import load_document, read_project, save_document
from reaper_ext.session.rpp.writer import RppSessionWriter
from reaper_ext.storage import atomic
from reaper_ext.storage.atomic import MAX_NUMBERED_BACKUPS, numbered_backups, replace_with_backup
from reaper_ext.suggest.ledger import Selection, accept, apply_suggestions, reject
from reaper_ext.suggest.model import Suggestion, make_suggestion_id
from tests.conftest import EXAMPLE_PROJECT


@pytest.fixture
def project(tmp_path):
    shutil.copytree(EXAMPLE_PROJECT.parent, tmp_path / "s")
    return tmp_path / "s" / EXAMPLE_PROJECT.name


def _suggest(path):
    """Write two name suggestions into ``path`` (what analyze --in-place does) and save."""
    doc = load_document(path)
    tracks = read_project(doc).tracks
    suggestions = [Suggestion(make_suggestion_id("name", track.guid), "name", track.guid, track.name, {"name": f"Kick {n}"}, "why", 0.9)
                   for n, track in enumerate(tracks[:2])]
    apply_suggestions(RppSessionWriter(doc), suggestions)
    save_document(doc, path)
    return suggestions


def test_the_first_original_survives_accept_then_reject(project):
    original = project.read_bytes()
    suggestions = _suggest(project)
    first = project.with_name(project.name + ".reaper-ext-bak")
    assert first.read_bytes() == original
    for operation, selection in ((accept, Selection(ids=(suggestions[0].id,))), (reject, Selection(is_all=True))):
        doc = load_document(project)
        assert operation(RppSessionWriter(doc), selection).done
        save_document(doc, project)
    assert first.read_bytes() == original  # before the fix every save overwrote it
    kept = [path.read_bytes() for _, path in numbered_backups(project)]
    assert len(kept) == 2 and kept[0] != original  # the analysed state, then the accepted one


def test_numbered_backups_are_capped_and_never_the_first(project):
    original = project.read_bytes()
    for n in range(MAX_NUMBERED_BACKUPS + 4):
        replace_with_backup(project, original + f"# save {n}\n".encode())
    numbers = [number for number, _ in numbered_backups(project)]
    assert len(numbers) == MAX_NUMBERED_BACKUPS and numbers[-1] == MAX_NUMBERED_BACKUPS + 3
    assert project.with_name(project.name + ".reaper-ext-bak").read_bytes() == original


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_read_only_project_is_refused(project):
    original = project.read_bytes()
    project.chmod(stat.S_IRUSR | stat.S_IRGRP)
    doc = load_document(project)
    with pytest.raises(ProjectWriteError, match="read-only; nothing written"):
        save_document(doc, project)
    project.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert project.read_bytes() == original
    assert not list(project.parent.glob("*.reaper-ext-bak*"))


def test_a_read_only_flag_is_honoured_even_when_access_would_allow(project, monkeypatch):
    # root can write anything; the file's own write bit still says "don't"
    project.chmod(stat.S_IRUSR)
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: True)
    try:
        with pytest.raises(ProjectWriteError, match="read-only"):
            replace_with_backup(project, b"x")
    finally:
        project.chmod(stat.S_IRUSR | stat.S_IWUSR)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_linked_project_is_written_through_the_link(project, tmp_path):
    link = tmp_path / "link.RPP"
    link.symlink_to(project)
    _suggest(link)
    assert link.is_symlink() and os.readlink(link) == str(project)
    assert b"REAPER_EXT" in project.read_bytes()  # REAPER's real file got the suggestions


def test_a_project_changed_since_it_was_read_is_not_overwritten(project):
    doc = load_document(project)
    RppSessionWriter(doc).set_track_value(read_project(doc).tracks[0].guid, "name", "Mine")
    newer = project.read_bytes().replace(b'NAME "Audio 02"', b'NAME "Saved by REAPER"')
    project.write_bytes(newer)  # e.g. an accept saved while this analysis ran
    with pytest.raises(ProjectWriteError, match="changed on disk"):
        save_document(doc, project)
    assert project.read_bytes() == newer


def test_a_full_disk_never_truncates_a_good_backup(project, monkeypatch):
    original = project.read_bytes()
    _suggest(project)
    suggested = project.read_bytes()
    first = project.with_name(project.name + ".reaper-ext-bak")
    real_write = atomic.write_atomic

    def full_disk(path, data, **kwargs):
        # the disk fills up half-way through whatever is written
        handle = open(str(path) + ".partial", "wb")
        handle.write(data[: len(data) // 2])
        handle.close()
        os.unlink(str(path) + ".partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "write_atomic", full_disk)
    with pytest.raises(ProjectWriteError, match="nothing written") as refused:
        replace_with_backup(project, b"new content")
    assert "backup" in str(refused.value)
    monkeypatch.setattr(atomic, "write_atomic", real_write)
    assert first.read_bytes() == original and project.read_bytes() == suggested
    # the backup succeeds, then the project write fails: the message must not claim a backup is missing
    calls = []

    def fail_second(path, data, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(path, data, **kwargs)

    monkeypatch.setattr(atomic, "write_atomic", fail_second)
    with pytest.raises(ProjectWriteError, match="untouched; backup at"):
        replace_with_backup(project, b"new content")
    assert project.read_bytes() == suggested and first.read_bytes() == original

"""Issue 10 items 2, 3, 4 with real separations (demucs_unittest, weight-free) of the example session."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from reaper_ext.cli.main import main
from reaper_ext.separation.engine import place_without_replacing
from reaper_ext.session.rpp import load_project
from tests.conftest import EXAMPLE_PROJECT


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stem_files(project_path) -> list:
    """Every stem file the project's items use (resolved), in track order."""
    _, project = load_project(project_path)
    return [item.media.resolved_path or (project_path.parent / item.media.file_as_written)
            for track in project.tracks for item in track.items
            if item.media is not None and " - " in item.media.file_as_written]


def test_place_without_replacing_never_touches_an_existing_file(tmp_path):
    mine = tmp_path / "mix - bass.wav"
    mine.write_bytes(b"the user's own bass bounce")
    parts = {}
    for stem in ("drums", "bass"):
        parts[stem] = tmp_path / f".{stem}.part"
        parts[stem].write_bytes(stem.encode())
    placed = place_without_replacing(parts, tmp_path, "mix")
    assert {path.name for path in placed.values()} == {"mix (2) - drums.wav", "mix (2) - bass.wav"}
    assert mine.read_bytes() == b"the user's own bass bounce"
    assert not any(part.exists() for part in parts.values())
    assert placed["bass"].read_bytes() == b"bass"


@pytest.mark.slow
def test_separate_then_analyze_write_then_separate_again(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("REAPER_EXT_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(EXAMPLE_PROJECT.parent, tmp_path / "s")
    project = tmp_path / "s" / EXAMPLE_PROJECT.name
    original = project.read_bytes()
    media = project.parent / "media"
    user_file = media / "audio05 - drums.wav"  # the user's own file, by chance with a stem's name
    user_file.write_bytes(b"not a stem of ours")
    sources = {path: _digest(path) for path in media.glob("*.flac")}
    separate = ["separate", str(project), "--track", "Audio 05", "--model", "demucs_unittest"]

    assert main(separate) == 0, capsys.readouterr().err
    stems = _stem_files(project)
    assert len(stems) == 4 and all(path.exists() for path in stems)
    assert user_file.read_bytes() == b"not a stem of ours"  # never replaced (item 4)
    digests = {path: _digest(path) for path in stems}

    # item 2: analyse the separated project into another file, in another folder
    out = tmp_path / "out" / "out.RPP"
    out.parent.mkdir()
    assert main(["analyze", str(project), "--write", str(out)]) == 0, capsys.readouterr().err
    written = project.read_bytes()
    assert {path: _digest(path) for path in stems} == digests  # P's stems untouched
    assert _stem_files(out) and all(path.exists() for path in _stem_files(out))
    # rejecting everything in the copy never deletes the stems P still uses
    assert main(["reject", str(out), "--all"]) == 0
    assert "copy written with --write" in capsys.readouterr().out
    assert all(path.exists() for path in stems) and project.read_bytes() == written

    # item 3: separate the same track again (from the stem cache this time)
    assert main(separate) == 0, capsys.readouterr().err
    again = _stem_files(project)
    assert len(again) == 4 and all(path.exists() for path in again)
    assert not set(again) & set(stems)  # new names
    assert not any(path.exists() for path in stems)  # the replaced stems went, after the save, unreferenced
    assert user_file.read_bytes() == b"not a stem of ours"

    # rejecting the separation in place: the project's exact bytes, our stems gone, nothing else
    assert main(["reject", str(project), "--all"]) == 0
    assert project.read_bytes() == original
    assert not any(path.exists() for path in again)
    assert user_file.exists() and {path: _digest(path) for path in sources} == sources
    assert project.with_name(project.name + ".reaper-ext-bak").read_bytes() == original


def test_stems_of_media_outside_the_project_go_into_the_project(tmp_path):
    from reaper_ext.suggest.stems import STEMS_SUBFOLDER, stems_folder_for

    project_folder = tmp_path / "song"
    (project_folder / "media").mkdir(parents=True)
    library = tmp_path / "library"
    library.mkdir()
    assert stems_folder_for(project_folder / "media" / "mix.wav", project_folder) == project_folder / "media"
    # the user's sample library is not where reaper-ext writes (nor could it ever delete there)
    assert stems_folder_for(library / "mix.wav", project_folder) == project_folder / STEMS_SUBFOLDER
    assert stems_folder_for(project_folder / "media" / ".." / ".." / "library" / "mix.wav", project_folder) == project_folder / STEMS_SUBFOLDER


def test_separate_refuses_a_project_without_track_guids_before_separating(tmp_path, capsys):
    import re

    shutil.copytree(EXAMPLE_PROJECT.parent, tmp_path / "s")
    project = tmp_path / "s" / EXAMPLE_PROJECT.name
    text = re.sub(r"\n\s*TRACKID \{[^}]*\}", "", re.sub(r"<TRACK \{[^}]*\}", "<TRACK", project.read_text()))
    project.write_text(text)
    listing = sorted(tmp_path.rglob("*"))
    assert main(["separate", str(project), "--track", "Audio 05", "--model", "demucs_unittest"]) == 1
    assert "no GUIDs" in capsys.readouterr().err
    assert sorted(tmp_path.rglob("*")) == listing and project.read_text() == text

"""Issue 10 items 5, 6, 12, 13 through the command line: outputs never replace inputs, selectors say when they miss."""

from __future__ import annotations

import json
import shutil

import pytest

from reaper_ext.cli.main import main
from reaper_ext.session.rpp import load_document, load_project, read_project, save_document
from reaper_ext.session.rpp.writer import RppSessionWriter
from reaper_ext.suggest.ledger import apply_suggestions, read_ledger
from reaper_ext.suggest.model import Suggestion, make_suggestion_id
from tests.conftest import EXAMPLE_PROJECT


@pytest.fixture
def session(tmp_path, monkeypatch):
    monkeypatch.setenv("REAPER_EXT_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(EXAMPLE_PROJECT.parent, tmp_path / "s")
    return tmp_path / "s" / EXAMPLE_PROJECT.name


def _files(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.mark.parametrize("option", ["--report", "--json", "--write"])
def test_an_output_naming_the_project_is_refused_and_nothing_is_written(session, option, capsys):
    before, listing = session.read_bytes(), _files(session.parent)
    assert main(["analyze", str(session), option, str(session)]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and str(session) in lines[0] and "never replace an input" in lines[0]
    assert session.read_bytes() == before and _files(session.parent) == listing


def test_outputs_never_replace_media_projects_or_each_other(session, tmp_path, capsys):
    media = session.parent / "media" / "audio05.flac"
    other = tmp_path / "other.RPP"
    shutil.copy(session, other)  # a project of the user's, with no reaper-ext suggestions
    link = tmp_path / "link.json"
    link.symlink_to(session)
    cases = [
        ["--json", str(media)],
        ["--report", str(other)],
        ["--write", str(other)],
        ["--json", str(link)],  # a link to the project
        ["--json", str(tmp_path / "same.out"), "--report", str(tmp_path / "same.out")],
        ["--json", str(tmp_path / "no-such-folder" / "a.json")],
    ]
    saved = {path: path.read_bytes() for path in (media, other, session)}
    for case in cases:
        assert main(["analyze", str(session), *case]) == 1, case
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert {path: path.read_bytes() for path in saved} == saved
    assert not (tmp_path / "same.out").exists()


def _pending(session) -> list[Suggestion]:
    """Name, gain and highpass-free suggestions on the first three tracks, written into ``session``."""
    doc = load_document(session)
    tracks = read_project(doc).tracks
    suggestions = []
    for n, track in enumerate(tracks[:3]):
        suggestions += [
            Suggestion(make_suggestion_id("name", track.guid), "name", track.guid, track.name, {"name": f"Drum {n}"}, "why", 0.9),
            Suggestion(make_suggestion_id("gain", track.guid), "gain", track.guid, track.name, {"gain_db": -3.0}, "why", 0.9),
        ]
    apply_suggestions(RppSessionWriter(doc), suggestions)
    save_document(doc, session, keep_backup=False)
    return suggestions


def test_id_takes_several_values(session, capsys):
    suggestions = _pending(session)
    assert main(["accept", str(session), "--id", suggestions[1].id, suggestions[3].id]) == 0
    left = {entry.suggestion.id for entry in read_ledger(RppSessionWriter(load_document(session)))[0]}
    assert left == {s.id for s in suggestions} - {suggestions[1].id, suggestions[3].id}


@pytest.mark.parametrize("selector", [["--id", "gain-0000000000"], ["--kind", "gainn"], ["--track", "No Such Track"]])
def test_a_selector_that_matches_nothing_fails_on_stderr_and_writes_nothing(session, selector, capsys):
    suggestions = _pending(session)
    before = session.read_bytes()
    # a typo among good ids changes nothing either
    args = ["--id", suggestions[0].id, *selector[1:]] if selector[0] == "--id" else selector
    assert main(["reject", str(session), *args]) == 1
    captured = capsys.readouterr()
    assert selector[1] in captured.err and captured.out == ""
    assert session.read_bytes() == before
    assert not list(session.parent.glob("*.reaper-ext-bak*"))


def test_nothing_waiting_is_an_error_too(session, capsys):
    assert main(["reject", str(session), "--all"]) == 1
    assert "no suggestions are waiting" in capsys.readouterr().err


def test_track_finds_a_track_by_its_suggested_name(session, capsys):
    suggestions = _pending(session)
    assert main(["accept", str(session), "--track", "Drum 1"]) == 0  # the name the pending suggestion gave it
    _, project = load_project(session)
    assert project.tracks[1].name == "Drum 1"
    assert project.tracks[1].volume_gain == pytest.approx(10 ** (-3 / 20))
    assert project.tracks[0].volume_gain == pytest.approx(1.0)
    left = {entry.suggestion.target for entry in read_ledger(RppSessionWriter(load_document(session)))[0]}
    assert suggestions[2].target not in left and suggestions[0].target in left


def test_non_utf8_names_print_as_json(session, capsys):
    data = session.read_bytes().replace(b'NAME "Audio 02"', b'NAME "Caf\xe9 \xff"')
    session.write_bytes(data)
    _pending(session)
    assert main(["suggestions", str(session), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert "Caf\ufffd \ufffd" in {s["track"] for s in listed["suggestions"]}
    assert main(["suggestions", str(session)]) == 0  # the plain listing prints too
    capsys.readouterr()
    assert main(["info", str(session), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tracks"][1]["name"] == "Drum 1"  # renamed by the pending suggestion
    session.write_bytes(data)
    assert main(["info", str(session), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tracks"][1]["name"] == "Caf\ufffd \ufffd"

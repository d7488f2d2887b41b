"""Issue 10 items 6, 9, 10 with real analyses of the example session: analysing again loses nothing, --track stays on its tracks, --write elsewhere keeps media."""

from __future__ import annotations

import json
import shutil

import pytest

from reaper_ext.cli.main import main
from reaper_ext.session.rpp import load_document, load_project, read_project, save_document
from reaper_ext.session.rpp.writer import RppSessionWriter
from reaper_ext.suggest.ledger import apply_suggestions, read_ledger
from reaper_ext.suggest.model import Suggestion
from tests.conftest import EXAMPLE_PROJECT

pytestmark = pytest.mark.slow

SONG_WIDE = {"tempo", "key", "section", "folder", "order"}


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def session(tmp_path, cache, monkeypatch):
    monkeypatch.setenv("REAPER_EXT_CACHE_DIR", str(cache))
    shutil.copytree(EXAMPLE_PROJECT.parent, tmp_path / "s")
    return tmp_path / "s" / EXAMPLE_PROJECT.name


def _pending(path) -> dict[str, Suggestion]:
    return {entry.suggestion.id: entry.suggestion for entry in read_ledger(RppSessionWriter(load_document(path)))[0]}


def test_analysing_twice_keeps_every_suggestion_and_reject_all_still_restores(session, capsys):
    original = session.read_bytes()
    assert main(["analyze", str(session), "--in-place"]) == 0
    first = _pending(session)
    assert any(s.kind == "name" for s in first.values())
    assert main(["analyze", str(session), "--in-place"]) == 0
    second = _pending(session)
    assert set(second) == set(first)  # before the fix: names and colours were dropped, and old names restored
    names = {s.params["name"] for s in second.values() if s.kind == "name"}
    assert names <= {track.name for track in load_project(session)[1].tracks}
    assert main(["reject", str(session), "--all"]) == 0
    assert session.read_bytes() == original
    assert session.with_name(session.name + ".reaper-ext-bak").read_bytes() == original


def test_label_then_analyze_keeps_the_labels(session, tmp_path, capsys):
    out = tmp_path / "full.json"
    assert main(["analyze", str(session), "--json", str(out)]) == 0
    full = {s["id"] for s in json.loads(out.read_text())["suggestions"]}
    labels = [Suggestion.from_dict(s) for s in json.loads(out.read_text())["suggestions"] if s["kind"] in ("name", "color")]
    doc = load_document(session)
    apply_suggestions(RppSessionWriter(doc), labels)  # what the Label action writes
    save_document(doc, session)
    assert main(["analyze", str(session), "--in-place"]) == 0
    assert set(_pending(session)) == full


def test_track_replaces_only_that_tracks_suggestions_and_nothing_song_wide(session, tmp_path, capsys):
    assert main(["analyze", str(session), "--in-place"]) == 0
    before = _pending(session)
    vocal = next(s for s in before.values() if s.kind == "name" and s.track_name == "Audio 07")
    # by its suggested (new) name, as the track reads in REAPER now
    out = tmp_path / "one.json"
    assert main(["analyze", str(session), "--in-place", "--track", vocal.params["name"], "--json", str(out)]) == 0
    made = json.loads(out.read_text())["suggestions"]
    assert made and all(s["target"] == vocal.target for s in made)
    assert not {s["kind"] for s in made} & SONG_WIDE
    assert set(_pending(session)) == set(before)  # the other tracks' and song-wide suggestions still wait


def test_write_into_another_folder_keeps_media_found(session, tmp_path, capsys):
    source = session.read_bytes()
    other = tmp_path / "elsewhere" / "deeper"
    other.mkdir(parents=True)
    out = other / "suggested.RPP"
    assert main(["analyze", str(session), "--write", str(out)]) == 0
    _, written = load_project(out)
    media = [item.media for track in written.tracks for item in track.items if item.media is not None]
    assert media and all(m.is_found for m in media)
    assert all(m.resolved_path.resolve().parent == (session.parent / "media").resolve() for m in media)
    assert all(not m.file_as_written.startswith("media/") for m in media)  # rewritten, not found by name fallback
    assert session.read_bytes() == source
    assert read_project(load_document(session)).tracks  # the input still parses, untouched


def test_read_only_in_place_is_refused_before_analysing(session, capsys):
    import stat

    before = session.read_bytes()
    session.chmod(stat.S_IRUSR)
    try:
        assert main(["analyze", str(session), "--in-place"]) == 1
    finally:
        session.chmod(stat.S_IRUSR | stat.S_IWUSR)
    captured = capsys.readouterr()
    assert "read-only; nothing written" in captured.err and "tracks analysed" not in captured.out
    assert session.read_bytes() == before


def test_non_utf8_names_give_valid_json_and_report(session, tmp_path, capsys):
    session.write_bytes(session.read_bytes().replace(b'NAME "Audio 02"', b'NAME "Caf\xe9 \xff"'))
    out_json, out_html = tmp_path / "a.json", tmp_path / "r.html"
    assert main(["analyze", str(session), "--json", str(out_json), "--report", str(out_html)]) == 0
    data = json.loads(out_json.read_bytes().decode("utf-8"))  # strict UTF-8
    assert data["tracks"][1]["name"] == "Caf\ufffd \ufffd"
    assert "Caf\ufffd \ufffd" in out_html.read_bytes().decode("utf-8")


def test_an_accept_saved_during_an_analysis_is_not_overwritten(session, monkeypatch, capsys):
    import reaper_ext.pipeline.session as pipeline_session

    assert main(["analyze", str(session), "--in-place"]) == 0
    real = pipeline_session.analyze_project

    def analyse_while_the_user_accepts(*args, **kwargs):
        assert main(["accept", str(session), "--kind", "name"]) == 0  # saved while the analysis runs
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline_session, "analyze_project", analyse_while_the_user_accepts)
    assert main(["analyze", str(session), "--in-place"]) == 1
    accepted = session.read_bytes()
    assert "changed on disk" in capsys.readouterr().err
    assert not any(s.kind == "name" for s in _pending(session).values())  # the accept is what the file holds
    assert session.read_bytes() == accepted

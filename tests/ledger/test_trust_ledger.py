"""Issue 10 items 3, 9, 11 at the ledger: re-analysis never loses what is pending; positional track ids stay on their track."""

from __future__ import annotations

import re

import pytest

from reaper_ext.fx.spec import EqBand, FxSpec
from reaper_ext.session.rpp import parse_rpp, read_project
from reaper_ext.session.rpp.writer import RppSessionWriter
from reaper_ext.suggest.ledger import Selection, accept, apply_suggestions, read_ledger, reject
from reaper_ext.suggest.model import TARGET_PROJECT, Suggestion, make_suggestion_id
from reaper_ext.suggest.rules.naming import is_generic_name
from tests.conftest import EXAMPLE_PROJECT


def _doc(text: str | None = None):
    return parse_rpp(text if text is not None else EXAMPLE_PROJECT.read_bytes(), path=EXAMPLE_PROJECT)


def _name(track, name):
    return Suggestion(make_suggestion_id("name", track.guid), "name", track.guid, track.name, {"name": name}, "why", 0.9)


def _gain(track, gain_db):
    return Suggestion(make_suggestion_id("gain", track.guid), "gain", track.guid, track.name, {"gain_db": gain_db}, "why", 0.9)


def _highpass(track):
    eq = FxSpec("ReaEQ", custom_name="HPF", bands=[EqBand("highpass", 90.0, q=0.707)])
    return Suggestion(make_suggestion_id("highpass", track.guid), "highpass", track.guid, track.name, {"fx": eq.to_dict()}, "why", 0.8)


def test_a_run_that_does_not_name_again_keeps_the_pending_names():
    # Label, then Analyze inside REAPER: the second run reads the renamed tracks, whose names
    # are no longer generic, so it makes no name suggestions; it must not restore the old names
    doc = _doc()
    writer = RppSessionWriter(doc)
    tracks = read_project(doc).tracks
    assert is_generic_name(tracks[0].name) and not is_generic_name("Kick")  # why the second run is silent on names
    apply_suggestions(writer, [_name(tracks[0], "Kick"), _name(tracks[1], "Snare")])
    renamed = read_project(doc).tracks
    second = [_gain(renamed[0], -2.0), _highpass(renamed[1])]
    result = apply_suggestions(writer, second)
    assert not result.messages
    assert [track.name for track in read_project(doc).tracks[:2]] == ["Kick", "Snare"]
    pending = {entry.suggestion.kind for entry in read_ledger(writer)[0]}
    assert pending == {"name", "gain", "highpass"}
    # and reject-all still gives back the original bytes
    reject(writer, Selection(is_all=True))
    assert doc.to_bytes() == EXAMPLE_PROJECT.read_bytes()


def test_the_same_suggestions_again_replace_instead_of_stacking():
    doc = _doc()
    writer = RppSessionWriter(doc)
    tracks = read_project(doc).tracks
    first = [_name(tracks[0], "Kick"), _highpass(tracks[0]), _gain(tracks[2], 1.0)]
    apply_suggestions(writer, first)
    once = doc.to_bytes()
    apply_suggestions(writer, first)
    assert len(doc.to_bytes()) == len(once) and len(read_ledger(writer)[0]) == 3


def _stems_for(track, created, model="m"):
    item = {"position_sec": 0.0, "length_sec": 1.0, "start_offset_sec": 0.0, "file": "media/audio05.flac",
            "name": "x", "source_type": "FLAC"}
    return Suggestion(make_suggestion_id("stems", track.guid, [model, None]), "stems", track.guid, track.name,
                      {"model": model, "stems": [{"stem": "drums", "items": [item]}], "created_files": created}, "why", 0.8)


def test_an_analysis_never_replaces_pending_stems():
    doc = _doc()
    writer = RppSessionWriter(doc)
    tracks = read_project(doc).tracks
    apply_suggestions(writer, [_stems_for(tracks[4], [])], replace_where=lambda old: False)
    n_tracks = len(read_project(doc).tracks)
    result = apply_suggestions(writer, [_gain(tracks[0], -1.0)])  # a whole-session analysis
    assert result.removals == []
    assert len(read_project(doc).tracks) == n_tracks
    assert {entry.suggestion.kind for entry in read_ledger(writer)[0]} == {"stems", "gain"}


def test_separating_the_same_item_twice_keeps_every_referenced_stem(tmp_path):
    """Item 3, the REAPER path: the worker separates again and the runner applies with replace_scope('separate')."""
    from reaper_ext.jobs.protocol import replace_scope
    from reaper_ext.separation.engine import place_without_replacing
    from reaper_ext.suggest.ledger.files import delete_created_files, record_file
    from reaper_ext.suggest.stems import stems_suggestion

    (tmp_path / "media").mkdir()
    source = tmp_path / "media" / "mix.wav"
    source.write_bytes(b"RIFF mix")
    project_text = EXAMPLE_PROJECT.read_text().replace("media/audio05.flac", "media/mix.wav")
    (tmp_path / "song.RPP").write_text(project_text)
    doc = parse_rpp(project_text.encode(), path=tmp_path / "song.RPP")
    writer = RppSessionWriter(doc)

    class Separated:
        def __init__(self, stem_paths):
            self.stem_paths = stem_paths

    def separate(path, out_dir):  # what separation.separate_file does with its finished files
        parts = {}
        for stem in ("drums", "bass"):
            part = out_dir / f".{stem}.part"
            part.write_bytes(f"{stem} of {path.name}".encode())
            parts[stem] = part
        return Separated(place_without_replacing(parts, out_dir, path.stem))

    for _ in range(2):
        project = writer.snapshot()
        track = next(t for t in project.tracks if t.items and t.items[0].media.file_as_written == "media/mix.wav")
        suggestion, _ = stems_suggestion(project, track, separate=separate, model="demucs_unittest")
        result = apply_suggestions(writer, [suggestion], replace_where=replace_scope("separate", []))
        # whatever a caller does with the proposals of this implicit replacement, nothing may go
        assert delete_created_files(result.removals, roots=[tmp_path]) == []
    referenced = [item.media.resolved_path for t in read_project(doc).tracks for item in t.items if "mix" in item.media.file_as_written]
    stems = [path for path in referenced if path is not None and path != source]
    assert len(stems) == 2 and all(path.exists() for path in stems)
    assert {path.name for path in stems} == {"mix (2) - drums.wav", "mix (2) - bass.wav"}
    assert (tmp_path / "media" / "mix - drums.wav").exists()  # the first run's files are not overwritten either
    assert record_file(stems[0])["size"] == len(b"drums of mix.wav")


# -- projects whose tracks have no GUID (old REAPER) ---------------------------------
def _without_guids() -> str:
    text = EXAMPLE_PROJECT.read_text()
    text = re.sub(r"<TRACK \{[^}]*\}", "<TRACK", text)
    return re.sub(r"\n\s*TRACKID \{[^}]*\}", "", text)


def test_positional_tracks_get_their_own_gain_and_fx():
    text = _without_guids()
    doc = _doc(text)
    tracks = read_project(doc).tracks
    assert tracks[4].guid == "#4"  # the reader's id for a track without GUID
    suggestions = [_gain(tracks[4], 6.0)] + [_highpass(track) for track in tracks]
    suggestions += [Suggestion(make_suggestion_id("order", tracks[4].guid), "order", tracks[4].guid, tracks[4].name,
                               {"new_index": 0}, "why", 0.5),
                    Suggestion(make_suggestion_id("folder", TARGET_PROJECT, "drums"), "folder", TARGET_PROJECT, "",
                               {"member_guids": [tracks[1].guid, tracks[2].guid], "folder_name": "Drums"}, "why", 0.5)]
    # the order and folder suggestions sort first, so accepting them first would shift every position
    suggestions = suggestions[-2:] + suggestions[:-2]
    writer = RppSessionWriter(doc)
    applied = apply_suggestions(writer, suggestions)
    assert {message.split(":")[0] for message in applied.messages} == {suggestions[0].id, suggestions[1].id}
    accepted = accept(writer, Selection(is_all=True))
    assert not accepted.messages
    final = read_project(doc).tracks
    assert [track.name for track in final] == [track.name for track in tracks]
    assert [round(track.volume_gain, 3) for track in final] == [1.0, 1.0, 1.0, 1.0, round(10 ** (6 / 20), 3), 1.0, 1.0, 1.0]
    for track in final:  # every FX enabled and untagged on its own track: none left bypassed
        assert [(fx.custom_name, fx.is_enabled) for fx in track.fx] == [("HPF", True)]


def test_a_moved_positional_track_is_not_changed():
    doc = _doc(_without_guids())
    tracks = read_project(doc).tracks
    writer = RppSessionWriter(doc)
    apply_suggestions(writer, [_gain(tracks[4], 6.0), _highpass(tracks[4])])
    # the user drags track 5 to the top in REAPER and saves (old REAPER: still no GUIDs)
    lines = doc.lines
    chunks = doc.root.find_all("TRACK")
    moved = lines[chunks[4].start:chunks[4].end + 1]
    del lines[chunks[4].start:chunks[4].end + 1]
    lines[chunks[0].start:chunks[0].start] = moved
    doc = parse_rpp("".join(lines), path=EXAMPLE_PROJECT)
    writer = RppSessionWriter(doc)
    result = accept(writer, Selection(is_all=True))
    gains = [track.volume_gain for track in read_project(doc).tracks]
    assert gains == [1.0] * len(gains)  # no gain on whichever track now sits at position 5
    assert any("tracks moved?" in message for message in result.messages)
    fx_track = next(track for track in read_project(doc).tracks if track.fx)
    assert fx_track.name == tracks[4].name and fx_track.fx[0].is_enabled  # the FX is found by its FXID


@pytest.mark.parametrize("kind", ["order", "folder"])
def test_position_changing_kinds_are_still_written_when_tracks_have_guids(kind):
    doc = _doc()
    tracks = read_project(doc).tracks
    suggestion = (Suggestion(make_suggestion_id("order", tracks[4].guid), "order", tracks[4].guid, tracks[4].name, {"new_index": 0}, "why", 0.5)
                  if kind == "order" else
                  Suggestion(make_suggestion_id("folder", TARGET_PROJECT, "d"), "folder", TARGET_PROJECT, "",
                             {"member_guids": [tracks[1].guid], "folder_name": "D"}, "why", 0.5))
    assert apply_suggestions(RppSessionWriter(doc), [suggestion]).done == [suggestion.id]


"""Every real project loads and writes back byte for byte; edits touch only their lines."""

from __future__ import annotations

import difflib
import shutil

import pytest

from reaper_ext.session.rpp import load_document, load_project, parse_rpp, read_project, save_document
from reaper_ext.session.rpp.edit import add_fx_lines, add_marker, set_track_name, track_chunks
from tests.conftest import corpus_files


@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.name)
def test_corpus_file_round_trips_byte_identical(path, tmp_path):
    original = path.read_bytes()
    doc, project = load_project(path)
    assert doc.to_bytes() == original
    out = tmp_path / path.name
    save_document(doc, out)
    assert out.read_bytes() == original
    assert project.reaper_version is not None


def test_corpus_has_line_endings_and_non_ascii(corpus_paths):
    # The round-trip test above only means something if the corpus covers these.
    data = [path.read_bytes() for path in corpus_paths]
    assert any(b"\r\n" in blob for blob in data)
    assert any(b"\r\n" not in blob for blob in data)
    assert any(any(byte > 127 for byte in blob) for blob in data)


def test_model_reads_tracks_items_fx_markers():
    doc, project = load_project(corpus_files()[0].parent / "Perlence__rpp__vst.RPP")
    assert project.reaper_version == "5.50c"
    assert project.tempo_bpm == 120
    assert project.sample_rate_hz is None  # "SAMPLERATE 44100 0 0": the project follows the audio device
    first = project.tracks[0]
    assert first.guid == "{010F6508-D16E-4DA0-BE44-E8F3C39D6314}"
    assert first.name == "5.50"
    assert [fx.name for fx in first.fx] == ["VST: ReaComp (Cockos)"]
    assert first.fx[0].is_enabled
    assert first.items[0].length_sec == 2
    assert first.items[0].source_type == "MIDI"
    regions = [marker for marker in project.markers if marker.is_region]
    assert [(m.position_sec, m.end_sec) for m in regions] == [(4.0, 6.0)]


def test_multi_take_item_uses_selected_take():
    _, project = load_project(corpus_files()[0].parent / "noisefarm__201205_1424__test.RPP")
    item = project.tracks[0].items[0]
    assert item.take_name == "01-201205_2144.wav"
    assert item.media is not None and item.media.file_as_written == "01-201205_2144.wav"
    assert not item.media.is_found


def test_cyrillic_names_and_folders():
    _, project = load_project(corpus_files()[0].parent / "vovas-music__son__son_cyrillic.RPP")
    assert any("Сон" in item.take_name or "Сон" in (item.media.file_as_written if item.media else "")
               for track in project.tracks for item in track.items)
    _, folders = load_project(corpus_files()[0].parent / "liquidsyntes__reaper_set__Standart_Works.rpp")
    assert [track.folder_depth for track in folders.tracks].count(1) >= 1


def _changed_lines(before: bytes, after: bytes) -> list[str]:
    diff = difflib.ndiff(before.decode().splitlines(keepends=True), after.decode().splitlines(keepends=True))
    return [line for line in diff if line[:2] in ("- ", "+ ")]


def test_edit_touches_only_the_edited_lines(tmp_path):
    source = corpus_files()[0].parent / "Ultraschall__ultraschall-portable__test.rpp"
    path = tmp_path / source.name
    shutil.copy(source, path)
    before = path.read_bytes()
    doc = load_document(path)
    track = track_chunks(doc)[0]
    old_name = doc.field(track, "NAME")
    set_track_name(doc, track, "Lead Vox (renamed)")
    add_marker(doc, index=42, position_sec=12.5, name="reaper-ext: test marker", guid="{00000000-0000-0000-0000-000000000042}")
    add_fx_lines(doc, track, ["BYPASS 1 0 0", '<JS "loser/3BandEQ" "reaper-ext test"', "0 200 0 2000 0 - - -", ">", "FXID {00000000-0000-0000-0000-0000000000FF}", "WAK 0 0"])
    save_document(doc, path)
    after = path.read_bytes()
    changed = _changed_lines(before, after)
    removed = [line for line in changed if line.startswith("- ")]
    added = [line for line in changed if line.startswith("+ ")]
    assert len(removed) == (1 if old_name is not None else 0)
    assert removed[0][2:].strip().startswith("NAME")
    assert [line[2:].strip().split(" ")[0] for line in added] == ["MARKER", "NAME", "BYPASS", "<JS", "0", ">", "FXID", "WAK"]
    # the result parses again and holds the edits
    project = read_project(parse_rpp(after, path=path))
    assert project.tracks[0].name == "Lead Vox (renamed)"
    assert any(marker.name == "reaper-ext: test marker" and marker.position_sec == 12.5 for marker in project.markers)
    assert project.tracks[0].fx[-1].name == "loser/3BandEQ"
    assert not project.tracks[0].fx[-1].is_enabled
    # the backup holds the original bytes
    assert (tmp_path / (source.name + ".reaper-ext-bak")).read_bytes() == before


def test_fx_chain_created_before_items_with_crlf(tmp_path):
    source = corpus_files()[0].parent / "FelipeClaro654__audiotest__Untitled.RPP"
    doc = load_document(source)
    assert doc.newline == "\r\n"
    track = track_chunks(doc)[0]
    add_fx_lines(doc, track, ["BYPASS 1 0 0", '<JS "loser/3BandEQ" ""', "0 200 0 2000 0 - - -", ">"])
    text = doc.to_bytes()
    assert b"\n" not in text.replace(b"\r\n", b"")
    project = read_project(parse_rpp(text))
    assert project.tracks[0].fx[0].name == "loser/3BandEQ"
    assert len(project.tracks[0].items) == 1
    lines = doc.to_text().splitlines()
    assert lines.index("    <FXCHAIN") < next(i for i, line in enumerate(lines) if line.strip() == "<ITEM")

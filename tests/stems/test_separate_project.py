"""`reaper-ext separate` on a project: aligned stem tracks as a suggestion; reject removes tracks and files."""

from __future__ import annotations

import subprocess
import sys

import pytest
import soundfile
from reaper_ext_testkit.datagen import Note, render_notes

from reaper_ext.session.rpp import load_project
from tests.conftest import REPO_ROOT

PROJECT = """<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1700000000
  TEMPO 120 4 4
  SAMPLERATE 44100 0 0
  <TRACK {11111111-2222-3333-4444-555555555555}
    NAME Mix
    PEAKCOL 16576
    VOLPAN 1 0 -1 -1 1
    MUTESOLO 0 0 0
    ISBUS 0 0
    TRACKID {11111111-2222-3333-4444-555555555555}
    <ITEM
      POSITION 1.5
      LENGTH 3
      IGUID {AAAAAAAA-2222-3333-4444-555555555555}
      NAME mix.wav
      VOLPAN 1 0 1 -1
      SOFFS 0.5
      <SOURCE WAVE
        FILE "media/mix.wav"
      >
    >
  >
>
"""


def make_mix_session(folder):
    """A project with one track "Mix" whose item plays a rendered piano + drums mix (media/mix.wav)."""
    (folder / "media").mkdir()
    piano = render_notes([Note(0.25 * n, 0.3, 48 + (n * 5) % 24) for n in range(16)], program=0)
    drums = render_notes([Note(0.5 * n, 0.1, 36 if n % 2 == 0 else 38) for n in range(8)], is_drum=True)
    n = min(len(piano), len(drums))
    soundfile.write(folder / "media" / "mix.wav", 0.6 * (piano[:n] + drums[:n]), 44100, subtype="FLOAT")
    (folder / "song.RPP").write_text(PROJECT)
    return folder


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    return make_mix_session(tmp_path_factory.mktemp("separate"))


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "reaper_ext", *args], capture_output=True, text=True, cwd=REPO_ROOT)


@pytest.mark.slow
def test_separate_track_adds_aligned_stems_and_reject_removes_them(session):
    project_path = session / "song.RPP"
    original = project_path.read_bytes()
    out = session / "song-stems.RPP"
    completed = _cli("separate", str(project_path), "--track", "Mix", "--model", "demucs_unittest", "--write", str(out), "--no-cache")
    assert completed.returncode == 0, completed.stderr
    assert project_path.read_bytes() == original  # the input is never modified with --write
    _, project = load_project(out)
    source = project.tracks[0]
    stems = project.tracks[1:]
    assert [track.name for track in stems] == ["Mix - drums", "Mix - bass", "Mix - other", "Mix - vocals"]
    assert source.folder_depth == 1 and stems[-1].folder_depth == -1
    assert all(track.is_muted for track in stems)  # switched off until accepted
    mix_item = source.items[0]
    for track in stems:
        item = track.items[0]
        assert (item.position_sec, item.length_sec, item.start_offset_sec) == (mix_item.position_sec, mix_item.length_sec, mix_item.start_offset_sec)
        assert item.media is not None and item.media.is_found
    # Stems summing to the mix, or their sum peaking at lag 0, hold by construction (the
    # residual stem is mix - sum(others)); per-stem sample alignment is checked against
    # demucs's own apply_model in tests/separation/test_separation.py. Here: every stem
    # file is as long as the mix, at its rate.
    mix_info = soundfile.info(str(session / "media" / "mix.wav"))
    for track in stems:
        info = soundfile.info(str(track.items[0].media.resolved_path))
        assert (info.frames, info.samplerate) == (mix_info.frames, mix_info.samplerate)
    stem_files = [track.items[0].media.resolved_path for track in stems]
    completed = _cli("reject", str(out), "--all")
    assert completed.returncode == 0, completed.stderr
    assert out.read_bytes() == original
    assert not any(path.exists() for path in stem_files)
    assert (session / "media" / "mix.wav").exists()


def test_separate_needs_a_track_or_an_out_folder(session):
    completed = _cli("separate", str(session / "song.RPP"))
    assert completed.returncode == 1 and "--track" in completed.stderr
    completed = _cli("separate", str(session / "song.RPP"), "--track", "Nope", "--model", "demucs_unittest")
    assert completed.returncode == 1 and "no track named 'Nope'" in completed.stderr

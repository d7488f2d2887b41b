"""Media paths resolve as REAPER resolves them: relative, absolute, Windows-style, by name."""

from __future__ import annotations

from reaper_ext.session.media_paths import resolve_media


def test_relative_path_below_project(tmp_path):
    (tmp_path / "Media").mkdir()
    (tmp_path / "Media" / "kick.wav").write_bytes(b"RIFF")
    status = resolve_media("Media/kick.wav", tmp_path)
    assert status.resolved_path == tmp_path / "Media" / "kick.wav"


def test_windows_relative_path_with_backslashes(tmp_path):
    (tmp_path / "Audio Files").mkdir()
    (tmp_path / "Audio Files" / "gtr.wav").write_bytes(b"RIFF")
    assert resolve_media("Audio Files\\gtr.wav", tmp_path).resolved_path == tmp_path / "Audio Files" / "gtr.wav"


def test_absolute_windows_path_falls_back_to_project_folder(tmp_path):
    (tmp_path / "bass.wav").write_bytes(b"RIFF")
    status = resolve_media("C:\\Users\\someone\\Projects\\song\\bass.wav", tmp_path)
    assert status.is_found and status.resolved_path == tmp_path / "bass.wav"


def test_absolute_posix_path(tmp_path):
    media = tmp_path / "elsewhere" / "vox.flac"
    media.parent.mkdir()
    media.write_bytes(b"fLaC")
    project_folder = tmp_path / "project"
    project_folder.mkdir()
    assert resolve_media(str(media), project_folder).resolved_path == media


def test_missing_file_is_reported_not_raised(tmp_path):
    status = resolve_media("gone.wav", tmp_path, ("Recordings",))
    assert not status.is_found
    assert tmp_path / "gone.wav" in status.tried_paths
    assert tmp_path / "Recordings" / "gone.wav" in status.tried_paths

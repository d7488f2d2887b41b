"""References and the platform card from the settings file: read, validated, used by compare, master and the action."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile

from reaper_ext.cli.compare import card_platforms
from reaper_ext.cli.main import main
from reaper_ext.errors import MediaError, SettingsError
from reaper_ext.session.rpp import load_project
from reaper_ext.settings import Settings, load_settings
from tests.reference.test_render_cli import session  # noqa: F401  (the fixture: a 4-track project)

SR = 44100


def _settings(folder, text: str):
    path = folder / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _sine_file(path, freq_hz: float, seconds: float = 3.0, level: float = 0.3) -> None:
    t = np.arange(int(seconds * SR)) / SR
    signal = level * np.sin(2 * np.pi * freq_hz * t)
    soundfile.write(path, np.stack([signal, signal], axis=1).astype(np.float32), SR)


def test_references_and_platforms_are_read(tmp_path):
    path = _settings(tmp_path, '[[references]]\npath = "refs/a.wav"\nweight = 2\n\n[[references]]\npath = "/music/b.flac"\n\n'
                               '[[platforms]]\nname = "Apple Music"\ntarget_lufs = -15\n\n'
                               '[[platforms]]\nname = "Broadcast"\ntarget_lufs = -23\nceiling_dbtp = -2\nturns_up = false\n')
    settings = load_settings(path)
    # a relative path is read from the settings file's folder; the weight defaults to 1
    assert settings.references == [{"path": str(tmp_path / "refs" / "a.wav"), "weight": 2.0},
                                   {"path": "/music/b.flac", "weight": 1.0}]
    card = card_platforms(settings, ["Club:-8"])
    assert [(p.name, p.target_lufs, p.ceiling_dbtp, p.turns_up) for p in card] == [
        ("Spotify", -14.0, -1.0, True), ("Apple Music", -15.0, -1.0, True), ("YouTube", -14.0, -1.0, False),
        ("Broadcast", -23.0, -2.0, False), ("Club", -8.0, -1.0, True)]
    # neither changes the analysis: the cache stays valid
    assert settings.cache_key() == Settings().cache_key()


def test_the_default_card_is_the_issues():
    assert [(p.name, p.target_lufs, p.ceiling_dbtp) for p in card_platforms(Settings())] == [
        ("Spotify", -14.0, -1.0), ("Apple Music", -16.0, -1.0), ("YouTube", -14.0, -1.0)]


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ('references = "a.wav"', r"setting 'references' = 'a.wav' is invalid: expected an array of tables"),
        ('[[references]]\nweight = 2', r"'references\[1\]\.path' = None is invalid: expected the path of an audio file"),
        ('[[references]]\npath = "a.wav"\nweight = 0', r"'references\[1\]\.weight' = 0.0 is invalid: expected a weight above 0"),
        ('[[references]]\npath = "a.wav"\nweight = "heavy"', r"'references\[1\]\.weight' = 'heavy' is invalid"),
        ('[[references]]\npath = "a.wav"\ngain = 2', r"unknown key\(s\) gain in reference 1"),
        ('[[platforms]]\nname = "Tidal"', r"platform 1 \('Tidal'\) has no target_lufs"),
        ('[[platforms]]\nname = "Tidal"\ntarget_lufs = 3', r"'platforms\[1\]\.target_lufs' = 3 is invalid: expected a number from -60 to 0"),
        ('[[platforms]]\nname = "Tidal"\ntarget_lufs = -14\nturns_up = "yes"', r"'platforms\[1\]\.turns_up' = 'yes'.*true or false"),
        ('[[platforms]]\ntarget_lufs = -14', r"'platforms\[1\]\.name' = None is invalid: expected a non-empty name"),
        ('[[platforms]]\nname = "A"\ntarget_lufs = -14\n[[platforms]]\nname = "a"\ntarget_lufs = -16',
         r"'platforms\[2\]\.name' = 'a' is invalid: expected a name not used by another"),
    ],
)
def test_a_bad_entry_gets_one_message_naming_the_file_and_the_problem(tmp_path, text, pattern):
    path = _settings(tmp_path, text)
    with pytest.raises(SettingsError, match=pattern) as caught:
        load_settings(path)
    assert str(caught.value).startswith(str(path))


def test_compare_and_master_take_references_targets_and_platforms_from_the_settings(session, tmp_path):  # noqa: F811
    _sine_file(tmp_path / "ref1.wav", 330.0)
    _sine_file(tmp_path / "ref2.wav", 220.0, level=0.1)
    settings = _settings(tmp_path, 'loudness_target_lufs = -16.0\ntrue_peak_ceiling_dbtp = -2.0\n'
                                   '[[references]]\npath = "ref1.wav"\nweight = 3\n[[references]]\npath = "ref2.wav"\n'
                                   '[[platforms]]\nname = "Broadcast"\ntarget_lufs = -23\n')
    out = tmp_path / "out.json"
    assert main(["compare", str(session), "--settings", str(settings), "--no-sections", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["references"] == ["ref1.wav", "ref2.wav"] and data["weights"] == [3.0, 1.0]
    assert [row["platform"] for row in data["master"]["platforms"]][-1] == "Broadcast"
    assert data["chain"]["target_lufs"] == -16.0 and data["chain"]["ceiling_dbtp"] == -2.0
    # the command line still wins over the settings
    assert main(["master", str(session), "--settings", str(settings), "--target-lufs", "-12", "--json", str(out)]) == 0
    master = json.loads(out.read_text())
    assert master["chain"]["target_lufs"] == -12.0 and master["chain"]["ceiling_dbtp"] == -2.0
    assert "Broadcast" in [row["platform"] for row in master["platforms"]]


def test_compare_without_any_reference_says_where_to_add_one(session, tmp_path, capsys):  # noqa: F811
    settings = _settings(tmp_path, "working_level_dbfs = -18.0\n")
    assert main(["compare", str(session), "--settings", str(settings)]) == 1
    assert f"add [[references]] to {settings}" in capsys.readouterr().err


def test_a_missing_reference_file_names_the_settings_file(session, tmp_path, capsys):  # noqa: F811
    settings = _settings(tmp_path, '[[references]]\npath = "gone.wav"\n')
    assert main(["compare", str(session), "--settings", str(settings)]) == 1
    err = capsys.readouterr().err
    assert str(settings) in err and str(tmp_path / "gone.wav") in err and "does not exist" in err


def test_the_compare_job_falls_back_to_the_settings_references(session, tmp_path, monkeypatch):  # noqa: F811
    from reaper_ext.reference.job import run_compare_job

    _sine_file(tmp_path / "ref.wav", 440.0)
    settings = _settings(tmp_path, '[[references]]\npath = "ref.wav"\nweight = 2\n[[platforms]]\nname = "Spotify"\n'
                                   'target_lufs = -13\n')
    monkeypatch.setenv("REAPER_EXT_JOBS_DIR", str(tmp_path / "jobs"))
    _, project = load_project(session)  # no track named Reference
    result = run_compare_job({"project": project.to_dict(), "settings_path": str(settings)}, lambda *args, **kw: None)
    assert f"the references are the [[references]] of {settings}." in result["messages"]
    page = open(result["report"], encoding="utf-8").read()
    assert "ref.wav" in page and "<td>Spotify</td><td>-13.0 LUFS</td>" in page
    _settings(tmp_path, '[[references]]\npath = "gone.wav"\n')
    with pytest.raises(MediaError, match=r"settings.toml: reference 1 .*gone.wav does not exist"):
        run_compare_job({"project": project.to_dict(), "settings_path": str(settings)}, lambda *args, **kw: None)

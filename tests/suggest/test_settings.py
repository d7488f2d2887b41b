"""Settings file: defaults, overrides, and clear errors."""

from __future__ import annotations

import pytest

from reaper_ext.errors import SettingsError
from reaper_ext.settings import RULE_NAMES, Settings, default_settings_path, load_settings


def test_defaults_when_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("REAPER_EXT_CONFIG", str(tmp_path))
    assert default_settings_path() == tmp_path / "settings.toml"
    settings = load_settings()
    assert settings == Settings()
    assert settings.working_level_dbfs == -18.0
    assert all(settings.is_enabled(rule) for rule in RULE_NAMES)


def test_values_are_read(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('working_level_dbfs = -20\ngain_reference = "rms"\n[rules]\neq = false\n'
                    '[colors]\ndrums = [255, 0, 0]\n[highpass_hz]\nvocals = 100\n', encoding="utf-8")
    settings = load_settings(path)
    assert settings.working_level_dbfs == -20.0 and settings.gain_reference == "rms"
    assert not settings.is_enabled("eq") and settings.is_enabled("gain")
    assert settings.color_rgb("drums") == (255, 0, 0) and settings.highpass_hz["vocals"] == 100.0
    assert settings.cache_key() != Settings().cache_key()


def test_example_file_loads(tmp_path):
    from pathlib import Path

    example = Path(__file__).parents[2] / "docs" / "settings.example.toml"
    assert load_settings(example).cache_key() == Settings().cache_key()


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("working_level_dbfs = 'loud'", r"working_level_dbfs.*'loud'.*number from -60 to 0"),
        ("working_level_dbfs = 6", r"working_level_dbfs.*6"),
        ("[rules]\neq = 'yes'", r"rules\.eq.*'yes'.*true or false"),
        ("[rules]\nreverb = true", r"unknown rule 'reverb'"),
        ("[colors]\nbass = [1, 2]", r"colors\.bass.*\[1, 2\]"),
        ("loudnes_target = -14", r"unknown setting 'loudnes_target'"),
        ("working_level_dbfs = ", r"not valid TOML"),
    ],
)
def test_bad_files_name_the_file_key_and_value(tmp_path, text, pattern):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=pattern) as caught:
        load_settings(path)
    assert str(path) in str(caught.value)


def test_missing_explicit_file_is_an_error(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")

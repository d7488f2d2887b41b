"""`reaper-ext analyze` with the clean-up switched on: a cleaned take written off, reject-all gives the bytes back."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import soundfile
from reaper_ext_testkit.intonation import random_part, synth_voice
from reaper_ext_testkit.noisy import hiss

from tests.conftest import REPO_ROOT
from tests.tuning.test_session_pass import PROJECT

SR = 44100


def _cli(*args, cache):
    env = dict(os.environ, REAPER_EXT_CACHE_DIR=str(cache))
    return subprocess.run([sys.executable, "-m", "reaper_ext", *args], capture_output=True, text=True, cwd=REPO_ROOT, env=env)


@pytest.mark.slow  # three CLI subprocesses, an analysis among them
def test_analyze_in_place_then_reject_all(tmp_path):
    notes, _ = random_part(2, n_notes=5, gap_sec=0.5)
    voice = synth_voice(notes, sample_rate_hz=SR)[:, 0]
    soundfile.write(str(tmp_path / "vox.wav"), (voice + hiss(voice.size, -55.0, seed=1))[:, None], SR, subtype="PCM_24")
    project = tmp_path / "song.RPP"
    project.write_text(PROJECT)
    original = project.read_bytes()
    settings = tmp_path / "settings.toml"
    settings.write_text("[denoise]\nenabled = true\n")
    out_json = tmp_path / "analysis.json"
    done = _cli("analyze", str(project), "--settings", str(settings), "--json", str(out_json), "--in-place", cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    data = json.loads(out_json.read_text())
    denoise = [s for s in data["suggestions"] if s["kind"] == "denoise"]
    assert len(denoise) == 1 and "dB reduction" in denoise[0]["why"]
    cleaned = tmp_path / denoise[0]["params"]["file"]
    assert cleaned.exists()
    assert data["tracks"][0]["cleanup"][0]["suggested"] is True
    assert b"reaper-ext: cleaned vox.wav" in project.read_bytes()
    done = _cli("reject", str(project), "--all", cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert project.read_bytes() == original
    assert not cleaned.exists()  # the file the product wrote goes with its suggestion


def test_settings_switches_are_validated(tmp_path):
    from reaper_ext.errors import SettingsError
    from reaper_ext.settings import Settings, load_settings

    path = tmp_path / "settings.toml"
    path.write_text("[tuning]\nenabled = true\noff_cents = 30\n[denoise]\nmax_reduction_db = 9\n")
    settings = load_settings(path)
    assert settings.tuning == {"enabled": True, "off_cents": 30}
    assert settings.denoise == {"enabled": False, "max_reduction_db": 9}
    assert Settings().tuning == {"enabled": False}
    for text, pattern in (("[tuning]\nenabled = 1\n", "tuning.enabled"), ("[denoise]\nmax_reduction_db = 30\n", "6-12 dB"),
                          ("[tuning]\nof_cents = 3\n", "unknown setting 'of_cents'")):
        path.write_text(text)
        with pytest.raises(SettingsError, match=pattern):
            load_settings(path)

"""The *Compare with reference* action end to end on the fake REAPER (the worker in its own process)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from tests.reaper.conftest import worker_env  # noqa: F401  (the fixture: private job folder, worker Python)

pytestmark = pytest.mark.slow  # a worker process: imports numpy/scipy, analyses two short songs

SR = 44100


def _track(n: int, name: str, file_name: str, *, muted: bool = False) -> str:
    guid = f"{{00000000-0000-0000-0000-{n:012d}}}"
    return (f"  <TRACK {guid}\n    NAME \"{name}\"\n    VOLPAN 1 0 -1 -1 1\n    MUTESOLO {int(muted)} 0 0\n"
            f"    ISBUS 0 0\n    TRACKID {guid}\n    <ITEM\n      POSITION 0\n      LENGTH 4\n"
            f"      IGUID {{10000000-0000-0000-0000-{n:012d}}}\n      NAME {file_name}\n      VOLPAN 1 0 1 -1\n"
            f"      <SOURCE WAVE\n        FILE \"{file_name}\"\n      >\n    >\n  >\n")


def test_compare_action_writes_the_page_and_changes_nothing(fake_module, worker_env, tmp_path):  # noqa: F811
    from tests.reaper.conftest import run_end_to_end

    t = np.arange(4 * SR) / SR
    soundfile.write(tmp_path / "bass.wav", (0.3 * np.sin(2 * np.pi * 110 * t)).astype(np.float32), SR)
    soundfile.write(tmp_path / "keys.wav", (0.1 * np.sin(2 * np.pi * 880 * t)).astype(np.float32), SR)
    soundfile.write(tmp_path / "ref.wav", (0.2 * np.sin(2 * np.pi * 110 * t) + 0.2 * np.sin(2 * np.pi * 880 * t))
                    .astype(np.float32), SR)
    path = tmp_path / "session.RPP"
    path.write_text('<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1700000000\n  TEMPO 120 4 4\n'
                    + _track(1, "Bass", "bass.wav") + _track(2, "Keys", "keys.wav")
                    + _track(3, "Reference", "ref.wav", muted=True) + ">\n")
    run = run_end_to_end(path, tmp_path, "Compare with reference")
    console = "".join(run.console)
    assert "Compare with reference: done" in console, console
    assert "ref.wav was turned" in console and "LUFS" in console
    pages = list((worker_env / "jobs").glob("compare-*.html"))
    assert len(pages) == 1 and "ref.wav" in pages[0].read_text(encoding="utf-8")
    assert "0 suggestions written" in console  # nothing pending is replaced or added


def test_compare_action_takes_the_settings_references_without_a_reference_track(
        fake_module, worker_env, tmp_path, monkeypatch):  # noqa: F811
    from tests.reaper.conftest import run_end_to_end

    t = np.arange(4 * SR) / SR
    soundfile.write(tmp_path / "bass.wav", (0.3 * np.sin(2 * np.pi * 110 * t)).astype(np.float32), SR)
    (tmp_path / "refs").mkdir()
    soundfile.write(tmp_path / "refs" / "pro.wav", (0.2 * np.sin(2 * np.pi * 110 * t) + 0.2 * np.sin(2 * np.pi * 880 * t))
                    .astype(np.float32), SR)
    settings = tmp_path / "settings.toml"
    settings.write_text('[[references]]\npath = "refs/pro.wav"\nweight = 2\n'
                        '[[platforms]]\nname = "Broadcast"\ntarget_lufs = -23\n', encoding="utf-8")
    monkeypatch.setenv("REAPER_EXT_CONFIG", str(settings))
    path = tmp_path / "session.RPP"
    path.write_text('<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1700000000\n  TEMPO 120 4 4\n'
                    + _track(1, "Bass", "bass.wav") + ">\n")
    run = run_end_to_end(path, tmp_path, "Compare with reference")
    console = "".join(run.console)
    assert "Compare with reference: done" in console, console
    assert f"the references are the [[references]] of {settings}" in console
    page = max((worker_env / "jobs").glob("compare-*.html"), key=lambda p: p.stat().st_mtime).read_text(encoding="utf-8")
    assert "pro.wav" in page and "<td>Broadcast</td><td>-23.0 LUFS</td>" in page


def test_compare_action_writes_the_master_chain_bypassed_on_the_master_track(fake_module, worker_env, tmp_path):  # noqa: F811
    """A quiet mix (about -30 LUFS) against the -14 LUFS target: the solved chain lands on the master track, switched off."""
    from tests.reaper.conftest import run_end_to_end

    rng = np.random.default_rng(3)
    t = np.arange(6 * SR) / SR
    drums = np.zeros_like(t)
    for start in np.arange(0.0, 6.0, 0.5):  # a kick every half second: something for a compressor to hold
        n = int(start * SR)
        drums[n:n + 4000] += np.exp(-np.arange(4000) / 600.0) * np.sin(2 * np.pi * 60 * np.arange(4000) / SR)
    bass = 0.03 * np.sin(2 * np.pi * 110 * t) + 0.08 * drums + 0.002 * rng.standard_normal(t.size)
    soundfile.write(tmp_path / "bass.wav", bass.astype(np.float32), SR)
    soundfile.write(tmp_path / "ref.wav", (8 * bass).clip(-0.9, 0.9).astype(np.float32), SR)
    path = tmp_path / "session.RPP"
    path.write_text('<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1700000000\n  TEMPO 120 4 4\n'
                    + _track(1, "Bass", "bass.wav").replace("LENGTH 4", "LENGTH 6")
                    + _track(3, "Reference", "ref.wav", muted=True).replace("LENGTH 4", "LENGTH 6") + ">\n")
    run = run_end_to_end(path, tmp_path, "Compare with reference")
    console = "".join(run.console)
    assert "Compare with reference: done" in console, console
    assert "1 suggestions written" in console, console
    master_fx = run.fake.project.master.fx
    assert master_fx and all(not fx.is_enabled for fx in master_fx), console
    assert all(not track.fx for track in run.fake.project.tracks)  # the tracks themselves are not touched

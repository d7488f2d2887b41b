"""The "Check this REAPER" action on the fake REAPER (issue 10 item 19).

The fake formats parameter values the way REAPER shows them for Cockos plug-ins
(ReaEQ gain "-3.0", ReaComp ratio "4.0:1", threshold "-20.0": the issue's
examples) from FACTS.md's scalings (tests/reaper/fake/fx_params.py), not from
the product's constants. A fake with a parameter mapped wrongly (``fx_quirks``)
must make the check fail and the live writer refuse that plug-in.
"""

from __future__ import annotations

import json

import pytest

from tests.reaper.conftest import EXAMPLE, run_action_script

TITLE = "Check this REAPER"


@pytest.fixture
def fast_worker(monkeypatch, tmp_path):
    """A worker stand-in that finishes at once with a result (the real one is run by the first test)."""
    import subprocess
    import sys

    from reaper_ext.reaper import selfcheck

    def start():
        (tmp_path / "result.json").write_text("{}", encoding="utf-8")
        return subprocess.Popen([sys.executable, "-c", "pass"]), tmp_path, None

    monkeypatch.setattr(selfcheck, "_start_worker_job", start)


def _open(fake_module, **kwargs):
    from tests.reaper.fake.project import load_rpp

    platform = kwargs.pop("platform", "macOS-arm64")
    fake = fake_module.FakeReaper(load_rpp(EXAMPLE, platform=platform), platform=platform, **kwargs)
    return fake_module.install(fake)


def _run_check(fake):
    before = [(track.guid, len(track.fx), track.name) for track in fake.project.tracks]
    markers_before = [(m.number, m.name) for m in fake.project.markers]
    run_action_script(TITLE)
    fake.run_until_idle(timeout_sec=60)
    from reaper_ext.reaper import selfcheck

    folder = selfcheck.check_dir()
    report = json.loads((folder / selfcheck.JSON_FILE).read_text(encoding="utf-8"))
    # nothing left behind: same tracks, FX and markers, no undo point, UI refresh balanced
    assert [(track.guid, len(track.fx), track.name) for track in fake.project.tracks] == before
    assert [(m.number, m.name) for m in fake.project.markers] == markers_before
    assert fake.undo_points == [] and fake.undo_depth == 0 and fake.ui_refresh_depth == 0
    assert not fake.deferred
    return report, folder


def _readings(report, plugin):
    check = next(c for c in report["plugins"] if c["plugin"] == plugin)
    return check, {r["setting"]: r for r in check["readings"] if r["source"] != "FX state chunk"}


def test_a_faithful_reaper_passes_and_the_report_is_written(fake_module, worker_env):
    fake = _open(fake_module)
    report, folder = _run_check(fake)
    assert report["is_ok"], (folder / "check.txt").read_text()
    assert report["reaper_version"] == "7.27/macOS-arm64"
    _, eq = _readings(report, "ReaEQ")
    assert eq["band 2 (band) gain"]["meant"] == "-3.0 dB" and eq["band 2 (band) gain"]["shown"] == "-3.0"
    assert eq["band 2 (band) freq"]["shown"] == "100.0"
    _, comp = _readings(report, "ReaComp")
    assert comp["ratio"]["meant"] == "4.0:1" and comp["ratio"]["shown"] == "4.0:1"
    assert comp["threshold_db"]["shown"] == "-20.0"
    gate_check, gate = _readings(report, "ReaGate")
    assert gate["threshold_db"]["shown"] == "-45.0" and gate["release_ms"]["shown"] == "100.0"
    assert any(line.startswith("<VST") and "ReaGate" in line for line in gate_check["chunk"])  # kept for bug reports
    expander, _ = _readings(report, "JS:sstillwell/expander")
    assert expander["is_ok"]
    assert report["worker"]["is_ok"] and "finished" in report["worker"]["shown"]
    assert report["project_unchanged"]["is_ok"]
    text = (folder / "check.txt").read_text(encoding="utf-8")
    page = (folder / "check.html").read_text(encoding="utf-8")
    assert "all good" in text and "ReaComp: ok" in text and "<table>" in page
    assert any("all good" in line for line in fake.console)


def test_wrong_eq_gain_mapping_fails_the_check_and_the_writer_refuses_reaeq(fake_module, worker_env, fast_worker):
    from reaper_ext.errors import SuggestionError
    from reaper_ext.fx.spec import EqBand, FxSpec
    from reaper_ext.session.live import LiveSession

    # a REAPER that reads SetEQParam's gain as dB (issue 10 item 14's bug, seen from the other side)
    fake = _open(fake_module, fx_quirks=frozenset({"eq_gain_db"}))
    report, folder = _run_check(fake)
    assert not report["is_ok"]
    eq_check, eq = _readings(report, "ReaEQ")
    assert not eq_check["is_ok"] and not eq["band 2 (band) gain"]["is_ok"]
    assert eq["band 2 (band) gain"]["shown"] != "-3.0"
    assert all(c["is_ok"] for c in report["plugins"] if c["plugin"] != "ReaEQ")
    assert any("ReaEQ: FAILED" in line for line in fake.console)
    assert "FAIL" in (folder / "check.txt").read_text(encoding="utf-8")

    track = fake.project.tracks[0]
    session = LiveSession()
    with pytest.raises(SuggestionError, match=r"ReaEQ is not written on this REAPER .*band 2 \(band\) gain"):
        session.add_fx(track.guid, FxSpec("ReaEQ", bands=[EqBand("band", 100.0, -3.0, bw_oct=1.0)]))
    assert not any(fx.plugin == "ReaEQ" for fx in track.fx)
    # the other plug-ins passed: still written
    session.add_fx(track.guid, FxSpec("ReaComp", params={"threshold_db": -20.0, "ratio": 4.0}))
    assert track.fx[-1].plugin == "ReaComp"
    # what the user sees when suggestions are applied: the EQ is "not written", with the reason
    from reaper_ext.suggest.ledger.core import apply_suggestions
    from reaper_ext.suggest.model import Suggestion

    eq = FxSpec("ReaEQ", bands=[EqBand("band", 100.0, -3.0, bw_oct=1.0)], custom_name="cut")
    result = apply_suggestions(session, [Suggestion("eq-1", "eq", track.guid, track.name, {"fx": eq.to_dict()}, "test")])
    assert result.done == [] and any("not written: ReaEQ is not written on this REAPER" in m for m in result.messages)


def test_a_check_on_another_reaper_version_does_not_refuse(fake_module, worker_env, fast_worker):
    from reaper_ext.fx.spec import EqBand, FxSpec
    from reaper_ext.session.live import LiveSession

    _run_check(_open(fake_module, fx_quirks=frozenset({"eq_gain_db"})))
    fake = _open(fake_module, version="7.28")  # updated REAPER: the old failure says nothing about it
    track = fake.project.tracks[0]
    LiveSession().add_fx(track.guid, FxSpec("ReaEQ", bands=[EqBand("band", 100.0, -3.0, bw_oct=1.0)]))
    assert track.fx[-1].plugin == "ReaEQ"


def test_swapped_reacomp_parameters_fail_the_check(fake_module, worker_env, fast_worker):
    # FACTS.md: another assistant shipped ReaComp's ratio and pre-comp swapped
    report, _ = _run_check(_open(fake_module, fx_quirks=frozenset({"comp_ratio_precomp_swapped"})))
    comp_check, comp = _readings(report, "ReaComp")
    assert not comp_check["is_ok"] and not comp["ratio"]["is_ok"]
    assert _readings(report, "ReaEQ")[0]["is_ok"]


def test_a_missing_plugin_is_reported_and_the_rest_still_checked(fake_module, worker_env, fast_worker, monkeypatch):
    monkeypatch.delitem(fake_module._PLUGINS, "VST: ReaGate (Cockos)")
    report, _ = _run_check(_open(fake_module))
    gate_check, _ = _readings(report, "ReaGate")
    assert not gate_check["is_ok"] and "could not add ReaGate" in gate_check["error"]
    assert _readings(report, "ReaComp")[0]["is_ok"]


def test_old_reaper_names_fx_through_the_chunk(fake_module, worker_env, fast_worker):
    # FACTS.md "Versions": renamed_name from about 6.78; before, the custom-name field of the chunk
    report, _ = _run_check(_open(fake_module, version="6.70"))
    assert report["is_ok"]
    names = [c["name_reading"] for c in report["plugins"]]
    assert all(r["is_ok"] and "chunk" in r["source"] for r in names)


def test_no_worker_is_a_failed_reading_not_a_crash(fake_module, worker_env, monkeypatch, tmp_path):
    monkeypatch.setenv("REAPER_EXT_PYTHON", str(tmp_path / "no-such-python"))
    report, _ = _run_check(_open(fake_module))
    assert not report["worker"]["is_ok"] and not report["is_ok"]
    assert all(c["is_ok"] for c in report["plugins"])


def test_the_check_stays_pure_python(tmp_path):
    """REAPER's Python must not load C extensions (FACTS.md): the whole check runs without numpy & co."""
    import subprocess
    import sys

    from tests.reaper.conftest import REPO

    probe = (
        "import os, sys, json\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from tests.reaper.fake import reaper_python\n"
        "sys.modules['reaper_python'] = reaper_python\n"
        f"fake = reaper_python.open_project({str(EXAMPLE)!r})\n"
        "from reaper_ext.reaper import selfcheck\n"
        "selfcheck.run_check(); fake.run_until_idle(timeout_sec=30)\n"
        "heavy = sorted(n for n in sys.modules if n.split('.')[0] in ('numpy', 'scipy', 'soundfile', 'torch', 'librosa'))\n"
        "print(json.dumps({'heavy': heavy, 'console': fake.console}))\n"
    )
    env = {**__import__("os").environ, "REAPER_EXT_JOBS_DIR": str(tmp_path), "REAPER_EXT_PYTHON": str(tmp_path / "none")}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert any("Check this REAPER" in line for line in result["console"])  # it really ran
    assert result["heavy"] == []


# -- ReaLimit: FACTS.md lists none of its parameters, so the check is a read-back reported as unverified ----------
def test_realimit_threshold_and_ceiling_read_back_as_written_and_are_reported_unverified(fake_module, worker_env,
                                                                                        fast_worker):
    fake = _open(fake_module)
    report, folder = _run_check(fake)
    check, limit = _readings(report, "ReaLimit")
    assert check["is_ok"] and report["is_ok"], (folder / "check.txt").read_text()
    # the display texts of the fake (fx_params.REALIMIT: its own scalings, unknown to the product)
    assert limit["threshold_db"]["meant"] == "-6.0 dB" and limit["threshold_db"]["shown"] == "-6.0"
    assert limit["ceiling_db"]["meant"] == "-1.5 dB" and limit["ceiling_db"]["shown"] == "-1.5"
    assert limit["release_ms"]["shown"] == "60.0"
    assert "'Ceiling'" in limit["ceiling_db"]["source"]  # found by name
    assert "FACTS.md lists no ReaLimit parameters" in check["unverified"]
    assert all(c["unverified"] == "" for c in report["plugins"] if c["plugin"] != "ReaLimit")
    assert any(line.startswith("<VST") and "ReaLimit" in line for line in check["chunk"])
    assert "unverified: FACTS.md lists no ReaLimit" in (folder / "check.txt").read_text(encoding="utf-8")
    assert "Unverified:" in (folder / "check.html").read_text(encoding="utf-8")
    assert any("ReaLimit: ok (unverified:" in line for line in fake.console)


def test_a_realimit_that_ignores_its_settings_fails_the_read_back(fake_module, worker_env, fast_worker, monkeypatch):
    set_param = fake_module.FakeReaper.TrackFX_SetParam

    def deaf_limiter(self, track, index, param, value):
        fx = self._fx(track, index)
        if fx is not None and fx.plugin == "ReaLimit":
            return True  # says yes, keeps its defaults (threshold and ceiling 0 dB)
        return set_param(self, track, index, param, value)

    monkeypatch.setattr(fake_module.FakeReaper, "TrackFX_SetParam", deaf_limiter)
    report, _ = _run_check(_open(fake_module))
    check, limit = _readings(report, "ReaLimit")
    assert not check["is_ok"] and not report["is_ok"]
    assert not limit["ceiling_db"]["is_ok"] and limit["ceiling_db"]["shown"] == "0.0"
    assert not limit["threshold_db"]["is_ok"]
    assert all(c["is_ok"] for c in report["plugins"] if c["plugin"] != "ReaLimit")


def test_a_realimit_without_a_ceiling_parameter_is_named_in_the_report(fake_module, worker_env, fast_worker, monkeypatch):
    from tests.reaper.fake import fx_params

    renamed = [("Brickwall", show) if name == "Ceiling" else (name, show) for name, show in fx_params.REALIMIT]
    monkeypatch.setattr(fx_params, "REALIMIT", renamed)
    fake = _open(fake_module)
    report, _ = _run_check(fake)
    check, _ = _readings(report, "ReaLimit")
    assert not check["is_ok"] and "no parameter named like 'ceiling'" in check["error"]
    assert "Brickwall" in check["error"]  # what it has, for the bug report
    assert any("ReaLimit: FAILED" in line and "unverified" in line for line in fake.console)


def test_reaper_without_realimit_is_reported(fake_module, worker_env, fast_worker, monkeypatch):
    for name in ("VST: ReaLimit (Cockos)", "ReaLimit"):
        monkeypatch.delitem(fake_module._PLUGINS, name)
    report, _ = _run_check(_open(fake_module))
    check, _ = _readings(report, "ReaLimit")
    assert not check["is_ok"] and "could not add ReaLimit" in check["error"]
    assert _readings(report, "ReaComp")[0]["is_ok"]

"""Actions end to end on the fake REAPER: action, real worker process, defer polling, apply, save."""

from __future__ import annotations

import json

import pytest

from tests.reaper.conftest import EXAMPLE, run_action_script, run_end_to_end

def _check_run(run):
    from reaper_ext.session.rpp import load_project

    console = "".join(run.console)
    assert (run.job_dir / "result.json").exists(), console
    result = json.loads((run.job_dir / "result.json").read_text())
    assert result["suggestions"], console
    assert run.fake.undo_points == ["reaper-ext: Analyze session"]
    assert not run.fake.unblocked_changes and run.fake.ui_refresh_depth == 0
    print(f"{run.project.name}: worst defer tick {run.worst_tick_sec * 1000:.1f} ms over {run.n_ticks} ticks; "
          f"action itself {run.action_sec * 1000:.1f} ms")
    # the tick's wall time is a benchmark figure (benchmarks/bench_defer_ticks.py), not a pass/fail bound here
    _, saved = load_project(run.saved)
    ledger = saved.ext_state.get("REAPER_EXT", {})
    assert len([k for k in ledger if k.startswith("s_")]) == len(result["suggestions"]) - sum("not written" in m for m in console.splitlines())
    kinds = {s["kind"] for s in result["suggestions"]}
    if kinds & {"highpass", "eq", "compressor", "gate", "deesser", "notch", "unmask"}:
        added = [fx for track in saved.tracks for fx in track.fx if fx.custom_name.startswith("reaper-ext: ")]
        assert added and all(not fx.is_enabled for fx in added)
    if "name" in kinds:
        names = {s["params"]["name"] for s in result["suggestions"] if s["kind"] == "name"}
        assert names <= {track.name for track in saved.tracks}
    return result


def test_analyze_example_session(example_run):
    _check_run(example_run)


def test_analyze_corpus_project(corpus_run):
    _check_run(corpus_run)


def test_cancel_applies_nothing_and_the_worker_exits(fake_module, worker_env, tmp_path):
    fake = fake_module.open_project(EXAMPLE)
    run_action_script("Analyze session (label, measure, suggest)")
    import reaper_ext.reaper.runner as runner

    job = runner.current_job()
    run_action_script("Cancel running analysis")
    assert (job.job_dir / "cancel").exists()
    fake.run_until_idle(timeout_sec=60)
    assert job.process.wait(timeout=30) is not None
    assert not (job.job_dir / "result.json").exists()
    assert fake.undo_points == [] and "REAPER_EXT" not in fake.project.ext_state
    assert any("cancelled" in line for line in fake.console)


def test_user_edits_during_the_run_win(fake_module, worker_env, tmp_path):
    renamed = {}

    def edit_while_running(n_cycle):
        if n_cycle == 1:  # the user renames track 1 and removes an item from track 2 while the worker runs
            tracks = fake_module.REAPER.project.tracks
            tracks[0].name = "my kick"
            tracks[1].items.pop()
            renamed.update(first=tracks[0].guid, second=tracks[1].guid)

    run = run_end_to_end(EXAMPLE, tmp_path, on_cycle=edit_while_running)
    result = json.loads((run.job_dir / "result.json").read_text())
    assert any(s["target"] == renamed["first"] for s in result["suggestions"]), "the worker had suggestions for track 1"
    ledger = run.fake.project.ext_state.get("REAPER_EXT", {})
    from reaper_ext.suggest.ledger.core import LedgerEntry

    targets = {LedgerEntry.decode(k, v).suggestion.target for k, v in ledger.items() if k.startswith("s_")}
    assert renamed["first"] not in targets and renamed["second"] not in targets
    assert run.fake.project.tracks[0].name == "my kick"
    assert any("edited while the analysis ran" in line for line in run.console)


@pytest.mark.parametrize("title", ["Reject all suggestions", "Accept all suggestions"])
def test_accept_and_reject_actions_make_one_undo_point(fake_module, title):
    from reaper_ext.suggest.ledger.core import apply_suggestions
    from reaper_ext.session.live import LiveSession
    from reaper_ext.suggest.model import Suggestion

    fake = fake_module.open_project(EXAMPLE)
    track = fake.project.tracks[0]
    apply_suggestions(LiveSession(), [Suggestion("name-x", "name", track.guid, track.name, {"name": "Bass"}, "test")])
    fake.unblocked_changes.clear()
    run_action_script(title)
    assert fake.undo_points == ["reaper-ext: " + title]
    assert not fake.unblocked_changes
    assert track.name == ("Bass" if title.startswith("Accept") else "Audio 01")
    assert "REAPER_EXT" not in fake.project.ext_state

"""The suggestion inbox, clicked through on the fake REAPER with the ReaImGui double.

Every ImGui call the inbox makes goes through the double, which checks it
against ReaImGui's declarations (tests/reaper/imgui/reaimgui_api.json) and
raises on any misuse: a test that runs frames without an exception has had
every widget call validated. Decisions made in the inbox must leave the same
project as the command line's ``accept``/``reject`` on the same ledger.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.reaper.conftest import EXAMPLE
from tests.reaper.imgui.double import ImGuiDouble
from tests.reaper.imgui.harness import frames, open_inbox, remove_double, run_action_file, save_like_reaper

AUDITION_CHANGES = {"TrackFX_SetEnabled", "D_VOL", "B_MUTE", "B_PHASE", "I_SOLO"}


@pytest.fixture
def double(fake_module, monkeypatch):
    import reaper_ext.reaper.inbox as inbox

    monkeypatch.setattr(inbox, "RELOAD_SETTLE_SEC", 0.0)
    monkeypatch.setattr(inbox, "PROJECT_PATH_EVERY_SEC", 0.0)
    made = ImGuiDouble()
    yield made
    remove_double()
    assert not made.errors, made.errors


def _mixed_suggestions(project):
    """FX, labels and waiting kinds on three tracks, with confidences to filter on."""
    from reaper_ext.fx.spec import EqBand, FxSpec
    from reaper_ext.suggest.model import Suggestion

    t0, t1, t2 = project.tracks[:3]
    hpf = FxSpec("ReaEQ", bands=[EqBand("highpass", 90.0, q=0.707)], custom_name="HPF")
    hpf2 = FxSpec("ReaEQ", bands=[EqBand("highpass", 120.0, q=0.707)], custom_name="HPF")
    comp = FxSpec("ReaComp", params={"threshold_db": -24.0, "ratio": 3.0, "attack_ms": 10.0, "release_ms": 120.0})
    return [
        Suggestion("name-1", "name", t0.guid, t0.name, {"name": "Kick"}, "labelled kick (0.93)", 0.93),
        Suggestion("color-1", "color", t0.guid, t0.name, {"color": 0x1000000 | 0x3333CC}, "drums are red", 0.9),
        Suggestion("highpass-1", "highpass", t0.guid, t0.name, {"fx": hpf.to_dict(), "freq_hz": 90.0},
                   "14% of the energy is below 90 Hz: high-pass at 90 Hz", 0.8),
        Suggestion("compressor-1", "compressor", t1.guid, t1.name, {"fx": comp.to_dict(), "ratio": 3.0},
                   "crest factor 19 dB: 3:1 at -24 dB", 0.7),
        Suggestion("gain-1", "gain", t1.guid, t1.name, {"gain_db": -3.0}, "RMS -15 dBFS against -18 dBFS", 0.55),
        Suggestion("polarity-1", "polarity", t2.guid, t2.name, {"is_inverted": True}, "correlation -0.6 with Audio 01", 0.35),
        Suggestion("mute_track-1", "mute_track", t2.guid, t2.name, {"is_muted": True}, "silent: peak -80 dBFS", 0.25),
        Suggestion("highpass-2", "highpass", t2.guid, t2.name, {"fx": hpf2.to_dict(), "freq_hz": 120.0},
                   "9% below 120 Hz", 0.9),
        Suggestion("mute_item-1", "mute_item", t2.guid, t2.name, {"item_guid": t2.items[0].guid, "is_muted": True},
                   "this item is silent: peak -90 dBFS", 0.6),
        Suggestion("marker-1", "marker", "project", "", {"position_sec": 2.5, "name": "clipping"}, "14 clipped samples", 0.95),
        Suggestion("section-1", "section", "project", "", {"position_sec": 0.0, "end_sec": 8.0, "name": "A"},
                   "novelty peak at 8.0 s", 0.75),
    ]


def _offline_start(tmp_path: Path) -> tuple[Path, list]:
    """The example project with the suggestions written by the .RPP backend (as `analyze --write` does)."""
    from reaper_ext.session.rpp import load_project, save_document
    from reaper_ext.session.rpp.writer import RppSessionWriter
    from reaper_ext.suggest.ledger import apply_suggestions

    doc, project = load_project(EXAMPLE)
    suggestions = _mixed_suggestions(project)
    assert apply_suggestions(RppSessionWriter(doc), suggestions).done == [s.id for s in suggestions]
    start = tmp_path / "start.RPP"
    save_document(doc, start, keep_backup=False)
    return start, suggestions


def _row_of(inbox, suggestion_id):
    return next(n for n, row in enumerate(inbox.model.rows()) if row.pending is not None and row.pending.id == suggestion_id)


def test_inbox_decisions_leave_the_same_project_as_the_cli(fake_module, double, tmp_path, monkeypatch):
    import uuid

    from reaper_ext.cli.main import main as cli
    from tests.reaper.fake.project import load_rpp
    from tests.reaper.imgui.harness import DeterministicGuids

    start, _ = _offline_start(tmp_path)
    guids = DeterministicGuids()
    monkeypatch.setattr(uuid, "uuid4", guids)
    fake = fake_module.open_project(start)
    inbox = open_inbox(fake, double)
    track0_fx = fake.project.tracks[0].fx
    assert [row.pending.id for row in inbox.model.rows() if row.pending] and len(inbox.model.pending) == 11

    # 1. audition the high-pass (its FX plays), then accept it with the mouse
    double.click("Audition", scope="highpass-1")
    frames(fake, double)
    assert inbox.auditioning() == "highpass-1" and track0_fx[-1].is_enabled
    double.click("Accept", scope="highpass-1")
    frames(fake, double)
    assert inbox.auditioning() is None
    # 2. select the rename, reject it from the keyboard
    double.click(inbox.model.rows()[_row_of(inbox, "name-1")].pending.title, scope="name-1")
    frames(fake, double)
    assert inbox.model.selected_id == "name-1"
    double.press("Key_R")
    frames(fake, double)
    # 3. audition the gain (Space), stop it (Space), accept it (A)
    inbox.model.select("gain-1")
    volume_before = fake.project.tracks[1].volume
    double.press("Key_Space")
    frames(fake, double)
    assert fake.project.tracks[1].volume == pytest.approx(volume_before * 10 ** (-3 / 20))
    double.press("Key_Space")
    frames(fake, double)
    assert fake.project.tracks[1].volume == volume_before
    double.press("Key_A")
    frames(fake, double)
    # 4. reject everything below 40 % (polarity-1 at 35 %, mute_track-1 at 25 %)
    double.set_value("Min confidence", 40.0)
    frames(fake, double)
    assert sorted(p.id for p in inbox.model.below()) == ["mute_track-1", "polarity-1"]
    double.click("Reject the 2 below 40%")
    frames(fake, double)
    # 5. go to the silent item (selected, edit cursor on it), accept its mute
    inbox.model.select("mute_item-1")
    double.press("Key_G")
    frames(fake, double)
    item = fake.project.tracks[2].items[0]
    assert item.is_selected and fake.edit_cursor_sec == item.position_sec and fake.project.tracks[2].is_selected
    double.click("Accept", scope="mute_item-1")
    frames(fake, double)
    assert item.is_muted
    # 6. the markers (written offline, found live by their GUIDs): hear the marker, accept it; reject the region
    double.click("Audition", scope="marker-1")
    frames(fake, double)
    assert fake.edit_cursor_sec == 2.5 and fake.play_state == 1
    double.click("Accept", scope="marker-1")
    frames(fake, double)
    assert fake.play_state == 0
    double.click("Reject", scope="section-1")
    frames(fake, double)
    # 7. bulk: accept what is left on track 0 (color-1), reject what is left on track 2 (highpass-2)
    track0, track2 = fake.project.tracks[0].guid, fake.project.tracks[2].guid
    double.click("Accept group", scope="group:" + track0)
    frames(fake, double)
    double.click("Reject group", scope="group:" + track2)
    frames(fake, double)
    assert [p.id for p in inbox.model.pending] == ["compressor-1"]  # left pending on purpose
    assert len(fake.undo_points) == 9, fake.undo_points
    assert fake.undo_points[0] == "reaper-ext: accept High-pass 90 Hz: Audio 01"
    assert fake.undo_points[3] == "reaper-ext: reject 2 suggestions below 40% confidence"
    assert set(fake.unblocked_changes) <= AUDITION_CHANGES, fake.unblocked_changes
    inbox_bytes = save_like_reaper(fake, tmp_path / "inbox.RPP")

    cli_project = tmp_path / "cli.RPP"
    shutil.copyfile(start, cli_project)
    for command in (["accept", "--id", "highpass-1"], ["reject", "--id", "name-1"], ["accept", "--id", "gain-1"],
                    ["reject", "--id", "polarity-1", "mute_track-1"], ["accept", "--id", "mute_item-1"],
                    ["accept", "--id", "marker-1"], ["reject", "--id", "section-1"], ["accept", "--id", "color-1"],
                    ["reject", "--id", "highpass-2"]):
        assert cli([command[0], str(cli_project), *command[1:]]) == 0
    guids.reset()
    reloaded = fake_module.install(fake_module.FakeReaper(load_rpp(cli_project)))
    cli_bytes = save_like_reaper(reloaded, tmp_path / "cli-saved.RPP")
    assert inbox_bytes == cli_bytes
    # and the decisions did something: the start differs from both
    guids.reset()
    started = save_like_reaper(fake_module.install(fake_module.FakeReaper(load_rpp(start))), tmp_path / "start-saved.RPP")
    assert started != inbox_bytes


def _live_start(fake_module, tmp_path: Path) -> Path:
    """Markers, a region, stems and an FX written by the live backend (marker ids are REAPER numbers)."""
    from reaper_ext.fx.spec import EqBand, FxSpec
    from reaper_ext.reaper import api
    from reaper_ext.session.live import LiveSession
    from reaper_ext.session.rpp import load_project
    from reaper_ext.suggest.ledger import apply_suggestions
    from reaper_ext.suggest.model import Suggestion

    _, project = load_project(EXAMPLE)
    t0, t1 = project.tracks[:2]
    hpf = FxSpec("ReaEQ", bands=[EqBand("highpass", 80.0, q=0.707)], custom_name="HPF")
    stems = [{"stem": stem, "items": [{"file": str(tmp_path / f"{stem}.wav"), "position_sec": 0.0, "length_sec": 4.0}]}
             for stem in ("drums", "bass")]
    suggestions = [
        Suggestion("marker-1", "marker", "project", "", {"position_sec": 2.5, "name": "clipping"}, "14 clipped samples", 0.9),
        Suggestion("section-1", "section", "project", "", {"position_sec": 0.0, "end_sec": 8.0, "name": "A"}, "novelty peak", 0.6),
        Suggestion("stems-1", "stems", t1.guid, t1.name, {"stems": stems, "created_files": []}, "a bounced mix", 0.8),
        Suggestion("highpass-1", "highpass", t0.guid, t0.name, {"fx": hpf.to_dict(), "freq_hz": 80.0}, "rumble", 0.7),
    ]
    fake = fake_module.open_project(EXAMPLE)
    api.undo_begin()
    assert apply_suggestions(LiveSession(), suggestions).done == [s.id for s in suggestions]
    api.undo_end("reaper-ext: Analyze session")
    start = tmp_path / "start-live.RPP"
    fake.save(start)
    return start


def test_markers_stems_and_fx_from_the_inbox_match_the_ledger_on_the_live_backend(fake_module, double, tmp_path,
                                                                                   monkeypatch):
    import uuid

    from reaper_ext.reaper import api
    from reaper_ext.session.live import LiveSession
    from reaper_ext.suggest.ledger import Selection, accept, reject
    from tests.reaper.imgui.harness import DeterministicGuids

    start = _live_start(fake_module, tmp_path)
    plan = [("accept", "marker-1"), ("reject", "section-1"), ("accept", "stems-1"), ("reject", "highpass-1")]
    guids = DeterministicGuids()
    monkeypatch.setattr(uuid, "uuid4", guids)
    direct = fake_module.open_project(start)
    for verb, suggestion_id in plan:
        api.undo_begin()
        (accept if verb == "accept" else reject)(LiveSession(), Selection(ids=(suggestion_id,)))
        api.undo_end("direct")
    direct_bytes = save_like_reaper(direct, tmp_path / "direct.RPP")

    guids.reset()
    fake = fake_module.open_project(start)
    inbox = open_inbox(fake, double)
    # the marker: Audition moves the edit cursor there and plays; accepting stops playback
    double.click("Audition", scope="marker-1")
    frames(fake, double)
    assert fake.edit_cursor_sec == 2.5 and fake.play_state == 1
    double.click("Accept", scope="marker-1")
    frames(fake, double)
    assert fake.play_state == 0
    inbox.model.select("section-1")
    double.press("Key_G")  # go to a region: the edit cursor moves to its start
    frames(fake, double)
    assert fake.edit_cursor_sec == 0.0 and fake.undo_points == ["reaper-ext: accept Marker clipping"]
    double.click("Reject", scope="section-1")
    frames(fake, double)
    # the stems: Audition unmutes and solos the stem tracks, Stop puts them back
    stem_tracks = [t for t in fake.project.tracks if t.name.endswith((" - drums", " - bass"))]
    assert len(stem_tracks) == 2 and all(t.is_muted for t in stem_tracks)
    double.click("Audition", scope="stems-1")
    frames(fake, double)
    assert all(not t.is_muted and fake.solo.get(id(t)) == 1 for t in stem_tracks)
    double.click("Stop", scope="stems-1")
    frames(fake, double)
    assert all(t.is_muted and fake.solo.get(id(t)) == 0 for t in stem_tracks)
    double.click("Accept", scope="stems-1")
    frames(fake, double)
    inbox.model.select("highpass-1")
    double.press("Key_R")
    frames(fake, double)
    assert inbox.model.pending == [] and len(fake.undo_points) == 4
    assert fake.undo_points == ["reaper-ext: accept Marker clipping", "reaper-ext: reject Section A",
                                f"reaper-ext: accept Stems: {stem_tracks[0].name.rsplit(' - ', 1)[0]}",
                                "reaper-ext: reject High-pass 80 Hz: " + fake.project.tracks[0].name]
    assert save_like_reaper(fake, tmp_path / "inbox.RPP") == direct_bytes
    frames(fake, double)
    assert "No suggestions waiting in this project" in double.texts()


def test_group_by_kind_filters_and_counts(fake_module, double, tmp_path):
    start, _ = _offline_start(tmp_path)
    fake = fake_module.open_project(start)
    inbox = open_inbox(fake, double)
    texts = double.texts()
    assert "Audio 01 (3)" in texts and "Audio 02 (2)" in texts and "Audio 03 (4)" in texts and "Project (2)" in texts
    assert texts.index("Project (2)") < texts.index("Audio 01 (3)") < texts.index("Audio 02 (2)") < texts.index("Audio 03 (4)")
    assert "start.RPP: 11 pending, 11 shown" in texts
    double.click("kind")
    frames(fake, double)
    headers = [row.label for row in inbox.model.rows() if row.pending is None]
    assert headers == ["Rename", "Colour", "Gain", "High-pass", "Compressor", "Polarity", "Mute track", "Mute item",
                       "Marker", "Section"]
    assert "High-pass (2)" in double.texts()
    # the kind filter: a combo of the kinds present
    double.open_combo("Kind")
    frames(fake, double)
    assert {"all kinds", "High-pass", "Gain", "Mute track"} <= set(double.texts())
    double.open_combo("Kind")
    double.click("High-pass")
    frames(fake, double)
    assert inbox.model.kind_filter == "highpass"
    frames(fake, double)
    assert "start.RPP: 11 pending, 2 shown" in double.texts()
    # the confidence filter hides, and "Reject the N below" counts only the chosen kind
    double.set_value("Min confidence", 85.0)
    frames(fake, double)
    frames(fake, double)
    assert [p.id for p in inbox.model.shown()] == ["highpass-2"] and "Reject the 1 below 85%" in double.texts()
    # collapsing a group keeps its header and count
    group = inbox.model.rows()[0].group
    double.click("-", scope="group:" + group)
    frames(fake, double)
    assert [row.pending for row in inbox.model.rows()] == [None]
    assert fake.undo_points == []


def test_keyboard_moves_and_help_line(fake_module, double, tmp_path):
    from reaper_ext.reaper.inbox import HELP_LINE

    start, _ = _offline_start(tmp_path)
    fake = fake_module.open_project(start)
    inbox = open_inbox(fake, double)
    for key in ("Up/Down", "A accept", "R reject", "Space audition", "G go to"):
        assert key in HELP_LINE
    assert HELP_LINE in double.texts()
    ids = [row.pending.id for row in inbox.model.rows() if row.pending]
    assert inbox.model.selected_id == ids[0]
    for expected in ids[1:4]:
        double.press("Key_DownArrow")
        frames(fake, double)
        assert inbox.model.selected_id == expected
    double.press("Key_UpArrow")
    frames(fake, double)
    assert inbox.model.selected_id == ids[2]
    # G: the track is selected and scrolled into view
    double.press("Key_G")
    frames(fake, double)
    selected = [t for t in fake.project.tracks if t.is_selected]
    assert [t.guid for t in selected] == [inbox.model.selected().suggestion.target]
    from reaper_ext.reaper.inbox import GOTO_SCROLL_COMMAND

    assert fake.commands == [GOTO_SCROLL_COMMAND]
    # hovering a title shows the whole why
    pending = inbox.model.selected()
    double.hovered = pending.title
    frames(fake, double)
    assert [call.args["text"] for call in double.widgets("SetTooltip")] == [pending.suggestion.why]
    double.hovered = None
    # keys do nothing while another window has the focus, or while a widget is being typed into
    double.is_focused = False
    double.press("Key_A")
    frames(fake, double)
    double.is_focused, double.is_item_active = True, True
    double.press("Key_R")
    frames(fake, double)
    assert fake.undo_points == []
    double.is_item_active = False
    double.press("Key_R")
    frames(fake, double)
    assert fake.undo_points == ["reaper-ext: reject " + pending.title]


def test_the_list_follows_edits_undo_and_project_tabs(fake_module, double, tmp_path):
    from reaper_ext.session.writer import LEDGER_SECTION
    from tests.reaper.fake.project import FakeProject, load_rpp

    start, _ = _offline_start(tmp_path)
    fake = fake_module.open_project(start)
    inbox = open_inbox(fake, double)
    reloads = inbox.n_reloads
    frames(fake, double, 10)
    assert inbox.n_reloads == reloads  # nothing changed: no ledger read
    double.click("Accept", scope="gain-1")
    frames(fake, double, 3)
    assert inbox.n_reloads == reloads and "gain-1" not in {p.id for p in inbox.model.pending}  # its own decision: no reload
    # an undo (REAPER restores the ext state): the suggestion comes back
    saved_entry = load_rpp(start).ext_state[LEDGER_SECTION]["s_gain-1"]
    fake.SetProjExtState(None, LEDGER_SECTION, "s_gain-1", saved_entry)
    frames(fake, double)
    assert inbox.n_reloads == reloads + 1 and "gain-1" in {p.id for p in inbox.model.pending}
    # another project tab becomes active: its (empty) ledger is shown
    fake.project = load_rpp(EXAMPLE)
    frames(fake, double)
    assert inbox.model.pending == [] and "example.RPP: 0 pending, 0 shown" in double.texts()
    # the project is closed (a new, unsaved, empty one): still drawing, nothing listed
    fake.project = FakeProject()
    frames(fake, double, 2)
    assert "(unsaved project): 0 pending, 0 shown" in double.texts() and inbox.is_open


def test_audition_is_restored_when_moving_on_or_closing(fake_module, double, tmp_path):
    start, _ = _offline_start(tmp_path)
    fake = fake_module.open_project(start)
    inbox = open_inbox(fake, double)
    fx = fake.project.tracks[0].fx[-1]
    inbox.model.select("highpass-1")
    double.press("Key_Space")
    frames(fake, double)
    assert fx.is_enabled and inbox.auditioning() == "highpass-1"
    double.press("Key_DownArrow")  # moving on stops it
    frames(fake, double)
    assert not fx.is_enabled and inbox.auditioning() is None
    inbox.model.select("highpass-1")
    double.press("Key_Space")
    frames(fake, double)
    assert fx.is_enabled
    double.close_window()
    frames(fake, double)
    import reaper_ext.reaper.inbox as module

    assert not fx.is_enabled and module.current_inbox() is None and not fake.deferred
    assert fake.undo_points == []  # hearing is not deciding


def test_progress_of_a_running_worker_and_cancel(fake_module, double, tmp_path, monkeypatch):
    import os
    import subprocess
    import sys

    import reaper_ext.reaper.runner as runner
    from reaper_ext.jobs import protocol as jobs

    monkeypatch.setenv("REAPER_EXT_JOBS_DIR", str(tmp_path / "jobs"))
    fake = fake_module.open_project(EXAMPLE)
    job_dir = jobs.create_job("analyze", project={}, selected_track_guids=[])
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        runner._current = runner.RunningJob("analyze", job_dir, process, {})
        inbox = open_inbox(fake, double)
        assert "Analysis running: 0%" in double.texts() and "starting the worker" in double.texts()
        reads = []
        real_read = jobs.read_progress
        monkeypatch.setattr(jobs, "read_progress", lambda folder: reads.append(folder) or real_read(folder))
        import builtins
        import io

        opened, stats = [], []
        real_open, real_stat = builtins.open, os.stat
        with monkeypatch.context() as patch:
            patch.setattr(builtins, "open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k))
            patch.setattr(io, "open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k))
            patch.setattr(os, "stat", lambda *a, **k: stats.append(a[0]) or real_stat(*a, **k))
            frames(fake, double, 5)
        # a frame opens no file; it stats the progress file once (and nothing else)
        assert opened == [] and reads == [] and len(stats) == 5 and {Path(p).name for p in stats} == {"progress.json"}
        jobs.write_json_atomic(job_dir / jobs.PROGRESS_FILE, {"fraction": 0.25, "stage": "Kick: measuring", "eta_sec": 42.0})
        os.utime(job_dir / jobs.PROGRESS_FILE, ns=(1, 10**18))
        frames(fake, double)
        assert len(reads) == 1
        texts = double.texts()
        assert "Analysis running: 25%, about 42 s left" in texts and "Current track: Kick" in texts
        bars = [(b.args["overlay"], round(b.args["fraction"], 2)) for b in double.widgets("ProgressBar")]
        # the whole run, then a bar per stage: a finished stage full, the current one from where it began
        assert bars == [("25% overall", 0.25), ("starting the worker", 1.0), ("Kick: measuring", 0.0)]
        jobs.write_json_atomic(job_dir / jobs.PROGRESS_FILE, {"fraction": 0.4, "stage": "Kick: measuring", "eta_sec": 30.0})
        os.utime(job_dir / jobs.PROGRESS_FILE, ns=(1, 2 * 10**18))
        frames(fake, double)
        bars = [(b.args["overlay"], round(b.args["fraction"], 2)) for b in double.widgets("ProgressBar")]
        assert bars == [("40% overall", 0.4), ("starting the worker", 1.0), ("Kick: measuring", 0.2)] and len(reads) == 2
        # while the window is open the console gets no progress lines (the window has them)
        runner._show_progress(runner._current)
        assert not any("Analyze session:" in line for line in fake.console)
        double.click("Cancel")
        frames(fake, double)
        assert (job_dir / jobs.CANCEL_FILE).exists() and inbox.is_open
        double.close_window()
        frames(fake, double)
        runner._show_progress(runner._current)
        assert any(line.startswith("reaper-ext: Analyze session: 40% Kick: measuring") for line in fake.console), fake.console
    finally:
        runner._current = None
        process.kill()
        process.wait()


def test_without_reaimgui_one_line_and_the_other_actions_work(fake_module, tmp_path):
    import sys

    from reaper_ext.reaper.imgui import INSTALL_HINT
    from tests.reaper.imgui.harness import INBOX_ACTION, REPO

    start, _ = _offline_start(tmp_path)
    fake = fake_module.open_project(start)
    sys.modules.pop("imgui", None)
    run_action_file(INBOX_ACTION)
    assert fake.console == ["reaper-ext: " + INSTALL_HINT + "\n"] and not fake.deferred
    assert "ReaPack" in INSTALL_HINT and "ReaImGui" in INSTALL_HINT
    run_action_file(REPO / "actions" / "reaper-ext - Accept all suggestions.py")
    assert fake.undo_points == ["reaper-ext: Accept all suggestions"]


def test_an_old_reaimgui_is_named(fake_module, tmp_path):
    from tests.reaper.imgui.harness import INBOX_ACTION, install_double

    fake = fake_module.open_project(EXAMPLE)
    old = ImGuiDouble(reaimgui_version="0.8.7", missing={"ListClipper_IncludeItemByIndex", "ConfigFlags_DockingEnable"})
    install_double(old)
    try:
        run_action_file(INBOX_ACTION)
    finally:
        remove_double()
    assert len(fake.console) == 1 and "ReaImGui 0.8.7 is too old" in fake.console[0] and not fake.deferred


def test_2000_suggestions_cost_what_20_cost(fake_module, double, tmp_path):
    from reaper_ext.session.rpp import load_project
    from tests.reaper.imgui.harness import pending_suggestions, write_ledger

    _, project = load_project(EXAMPLE)
    counts = {}
    for n_total in (20, 200, 2000):
        double = ImGuiDouble()  # a fresh window each time: no scroll position carried over
        fake = fake_module.open_project(EXAMPLE)
        write_ledger(fake, pending_suggestions(project, n_total))
        inbox = open_inbox(fake, double)
        assert len(inbox.model.pending) == n_total
        frames(fake, double, 2)
        steady = len(double.frame_calls())
        rows_drawn = len(double.widgets("Selectable"))
        for _ in range(30):  # walk down the list: the clipper keeps the selected row submitted
            double.press("Key_DownArrow")
            frames(fake, double)
        walking = max(len(double.frame_calls(f)) for f in range(double.frame - 30, double.frame))
        counts[n_total] = (steady, walking, rows_drawn)
        double.close_window()
        frames(fake, double)
        assert not double.errors
    per_row = 16  # PushID, Selectable, IsItemHovered, Text x2, SmallButton x4, SameLine x6, PopID
    bound = 150 + per_row * (double.visible_rows + 1)
    for steady, walking, rows_drawn in counts.values():
        assert steady <= bound and walking <= bound and rows_drawn <= double.visible_rows + 1, counts
    # 200 and 2000 fill the view with the same kind of rows: the same calls, to the call
    assert counts[200][0] == counts[2000][0], counts


def test_a_change_is_read_once_it_settles(fake_module, double, tmp_path, monkeypatch):
    import reaper_ext.reaper.inbox as module
    from reaper_ext.session.writer import LEDGER_SECTION

    start, _ = _offline_start(tmp_path)
    fake = fake_module.open_project(start)
    inbox = open_inbox(fake, double)
    monkeypatch.setattr(module, "RELOAD_SETTLE_SEC", 0.3)
    monkeypatch.setattr(module, "PROJECT_PATH_EVERY_SEC", 100.0)
    reloads = inbox.n_reloads
    fake.SetProjExtState(None, LEDGER_SECTION, "s_gain-1", "")  # an undo took it away...
    assert not inbox.poll_project(now=1000.0) and not inbox.poll_project(now=1000.2)
    assert inbox.n_reloads == reloads
    fake.SetMediaTrackInfo_Value(fake.project.tracks[0], "D_VOL", 0.5)  # still moving: the wait starts again
    assert not inbox.poll_project(now=1000.31) and not inbox.poll_project(now=1000.45)
    assert inbox.poll_project(now=1000.62) and inbox.n_reloads == reloads + 1
    assert "gain-1" not in {p.id for p in inbox.model.pending}
    assert not inbox.poll_project(now=1000.5)  # nothing new


def test_open_report_button_runs_the_report_action(fake_module, double, tmp_path, monkeypatch):
    monkeypatch.setenv("REAPER_EXT_JOBS_DIR", str(tmp_path / "jobs"))
    fake = fake_module.open_project(EXAMPLE)
    open_inbox(fake, double)
    double.click("Open report")
    frames(fake, double)
    assert fake.console == ["reaper-ext: no analysis report yet: run 'Analyze session' first\n"]


def test_auditioning_a_staged_gain_moves_the_takes_not_the_fader(fake_module, double, tmp_path):
    """A pre-FX gain is heard as its accept applies it: every audio take's volume, the fader untouched."""
    from reaper_ext.session.rpp import load_project, save_document
    from reaper_ext.session.rpp.writer import RppSessionWriter
    from reaper_ext.suggest.ledger import apply_suggestions
    from reaper_ext.suggest.model import Suggestion

    doc, project = load_project(EXAMPLE)
    track = project.tracks[1]
    staged = Suggestion("gain-pre", "gain", track.guid, track.name, {"gain_db": -6.0, "stage": "pre_fx"},
                        "RMS -12 dBFS against -18 dBFS", 0.8)
    assert apply_suggestions(RppSessionWriter(doc), [staged]).done == ["gain-pre"]
    start = tmp_path / "staged.RPP"
    save_document(doc, start, keep_backup=False)
    fake = fake_module.open_project(start)
    inbox = open_inbox(fake, double)
    fake_track = fake.project.tracks[1]
    takes = [take for item in fake_track.items for take in item.takes if take is not None]
    assert takes
    before = [take.volume for take in takes]
    fader = fake_track.volume
    inbox.model.select("gain-pre")
    double.press("Key_Space")
    frames(fake, double)
    assert [take.volume for take in takes] == pytest.approx([v * 10 ** (-6 / 20) for v in before])
    assert fake_track.volume == fader
    double.press("Key_Space")
    frames(fake, double)
    assert [take.volume for take in takes] == before and inbox.auditioning() is None

"""install.py end to end, as a real subprocess, against temporary resource folders."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from install_helpers import ACTION_TITLES, FIXTURES, contents, make_resource, snapshot

from reaper_ext.install import cli, kbini, reaperini
from reaper_ext.install.installer import BACKUP_SUFFIX, manifest_path
from reaper_ext.install.shortcuts import DEFAULT_SHORTCUTS

KINDS = ["empty", "lf", "crlf"]


def records(path: Path):
    text = path.read_bytes().decode("utf-8", "surrogateescape")
    return [kbini.record_identity(line) for line in text.splitlines(keepends=True)
            if kbini.record_identity(line) is not None]


def expected_ids():
    return {title: kbini.script_command_id(f"reaper-ext/{title}.py") for title in ACTION_TITLES}


@pytest.mark.parametrize("kind", KINDS)
def test_install_copies_registers_and_backs_up(tmp_path, run_cli, actions_dir, kind, python_lib):
    resource = make_resource(tmp_path / "res", kind)
    before = contents(snapshot(resource))

    result = run_cli(resource, "--shortcuts")

    scripts = resource / "Scripts" / "reaper-ext"
    for title in ACTION_TITLES:
        assert (scripts / f"{title}.py").read_bytes() == (actions_dir / f"{title}.py").read_bytes()
    paths_module = (scripts / "reaper_ext_paths.py").read_text(encoding="utf-8")
    namespace: dict = {}
    exec(compile(paths_module, "reaper_ext_paths.py", "exec"), namespace)
    assert Path(namespace["PACKAGE_DIR"], "reaper_ext", "install").is_dir()
    assert namespace["VENV_PYTHON"] is None  # --skip-venv

    kb = resource / "reaper-kb.ini"
    recs = records(kb)
    for command_id in expected_ids().values():
        assert recs.count(("SCR", "0", command_id)) == 1
    kb_text = kb.read_bytes().decode("utf-8", "surrogateescape")
    assert '"reaper-ext/reaper-ext - Mark problems.py"' in kb_text

    ini = (resource / "reaper.ini").read_bytes().decode("utf-8", "surrogateescape")
    assert reaperini.get_value(ini, "pythonlibdll64") == python_lib.name
    assert reaperini.get_value(ini, "pythonlibpath64") == str(python_lib.parent)

    if kind == "empty":
        assert not list(resource.rglob("*" + BACKUP_SUFFIX))
    else:
        newline = b"\r\n" if kind == "crlf" else b"\n"
        for name in ("reaper.ini", "reaper-kb.ini"):
            assert (resource / (name + BACKUP_SUFFIX)).read_bytes() == before[name]
        # the original kb file is kept byte for byte, ours appended
        assert kb.read_bytes().startswith(before["reaper-kb.ini"])
        assert b"\n" not in kb.read_bytes().replace(b"\r\n", b"") or newline == b"\n"
        # every original reaper.ini line survives, in order, except the one empty key we filled
        original_lines = before["reaper.ini"].splitlines(keepends=True)
        new_lines = (resource / "reaper.ini").read_bytes().splitlines(keepends=True)
        assert [line for line in original_lines if not line.startswith(b"pythonlibpath64=")] == \
               [line for line in new_lines if not line.startswith(b"pythonlib")]
        assert all(line.endswith(newline) for line in new_lines)
        assert b"lastcwd=/home/sam/M\xe9sica" + newline in new_lines
    manifest = json.loads(manifest_path(resource).read_text(encoding="utf-8"))
    assert len(manifest["scripts"]) == len(ACTION_TITLES) + 1
    assert "installed" in result.stdout


@pytest.mark.parametrize("kind", KINDS)
def test_second_install_changes_nothing(tmp_path, run_cli, kind):
    resource = make_resource(tmp_path / "res", kind)
    run_cli(resource, "--shortcuts")
    first = snapshot(resource)

    result = run_cli(resource, "--shortcuts")

    assert snapshot(resource) == first  # bytes and modification times
    assert "nothing to do" in result.stdout
    counts = Counter(records(resource / "reaper-kb.ini"))
    assert max(counts.values()) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_uninstall_restores_original_bytes(tmp_path, run_cli, kind):
    resource = make_resource(tmp_path / "res", kind)
    before = contents(snapshot(resource))
    run_cli(resource, "--shortcuts")
    run_cli(resource, "--shortcuts")  # twice: the backup must still be the original

    run_cli(resource, "--uninstall")

    assert contents(snapshot(resource)) == before
    if kind == "empty":
        assert list(resource.iterdir()) == []


@pytest.mark.parametrize("kind", KINDS)
def test_dry_run_writes_nothing(tmp_path, run_cli, kind):
    resource = make_resource(tmp_path / "res", kind)
    before = snapshot(resource)

    result = run_cli(resource, "--shortcuts", "--dry-run")

    assert snapshot(resource) == before
    assert "would copy action" in result.stdout
    assert "would " in result.stdout and "reaper-kb.ini" in result.stdout

    run_cli(resource)
    installed = snapshot(resource)
    result = run_cli(resource, "--uninstall", "--dry-run")
    assert snapshot(resource) == installed
    assert "would restore original" in result.stdout or "would remove" in result.stdout


def test_shortcuts_never_clash(tmp_path, run_cli):
    resource = make_resource(tmp_path / "res", "lf")

    result = run_cli(resource, "--shortcuts")

    bindings = kbini.parse_key_bindings((resource / "reaper-kb.ini").read_text(encoding="utf-8", errors="replace"))
    combos = Counter(b.combo for b in bindings)
    assert max(combos.values()) == 1
    ids = expected_ids()
    ours = {b.command.lstrip("_"): b for b in bindings if b.command.lstrip("_") in ids.values()}
    analyze = "reaper-ext - Analyze session (label, measure, suggest)"
    # Ctrl+Alt+Shift+A is the user's (KEY 29 65 40015 0): ours is skipped, and said so
    assert ids[analyze] not in ours
    assert "Ctrl+Alt+Shift+A" in result.stdout and "40015" in result.stdout
    with_default = [t for t in ACTION_TITLES if t in DEFAULT_SHORTCUTS and t != analyze]
    assert len(ours) == len(with_default)
    for title in with_default:
        binding = ours[ids[title]]
        assert (binding.modifiers, binding.key_code) == (DEFAULT_SHORTCUTS[title].modifiers,
                                                         DEFAULT_SHORTCUTS[title].key_code)
        assert binding.section == 0


def test_without_shortcuts_no_key_lines(tmp_path, run_cli):
    resource = make_resource(tmp_path / "res", "empty")
    run_cli(resource)
    assert not [r for r in records(resource / "reaper-kb.ini") if r[0] == "KEY"]


def test_uninstall_after_user_edits_removes_only_our_lines(tmp_path, run_cli):
    resource = make_resource(tmp_path / "res", "lf")
    before = contents(snapshot(resource))
    run_cli(resource, "--shortcuts")
    kb = resource / "reaper-kb.ini"
    # REAPER rewrites the file on exit: comments on our KEY lines, then the user adds a binding
    text = kb.read_text(encoding="utf-8")
    ours = set(expected_ids().values())
    text = "\n".join(line + "\t\t # Main : something" if any(i in line for i in ours) else line
                     for line in text.split("\n"))
    text += "KEY 1 112 40001 0\t\t # Main : F1 : added by the user\n"
    kb.write_text(text, encoding="utf-8")
    ini = resource / "reaper.ini"
    ini.write_bytes(ini.read_bytes().replace(b"undomaxmem=256", b"undomaxmem=512"))

    result = run_cli(resource, "--uninstall")

    assert "changed since install" in result.stdout
    assert kb.read_bytes() == before["reaper-kb.ini"] + b"KEY 1 112 40001 0\t\t # Main : F1 : added by the user\n"
    assert ini.read_bytes() == before["reaper.ini"].replace(b"undomaxmem=256", b"undomaxmem=512")
    assert (resource / ("reaper-kb.ini" + BACKUP_SUFFIX)).read_bytes() == before["reaper-kb.ini"]
    assert not (resource / "Scripts" / "reaper-ext").exists()
    assert (resource / "Scripts" / "user script.lua").exists()


def test_action_removed_between_installs(tmp_path, run_cli, actions_dir):
    resource = make_resource(tmp_path / "res", "lf")
    run_cli(resource, "--shortcuts")
    gone = "reaper-ext - Mark problems"
    (actions_dir / f"{gone}.py").unlink()

    run_cli(resource, "--shortcuts")

    assert not (resource / "Scripts" / "reaper-ext" / f"{gone}.py").exists()
    gone_id = kbini.script_command_id(f"reaper-ext/{gone}.py")
    assert not [r for r in records(resource / "reaper-kb.ini") if any(gone_id in field for field in r)]


def test_errors_are_one_line(tmp_path, run_cli):
    missing = tmp_path / "no such folder"
    result = run_cli(missing, check=False)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr

    debug = run_cli(missing, "--debug", check=False)
    assert debug.returncode == 1 and "Traceback" in debug.stderr

    nothing = run_cli(make_resource(tmp_path / "res", "empty"), "--uninstall", check=False)
    assert nothing.returncode == 1 and "nothing to uninstall" in nothing.stderr


def test_refuses_while_reaper_runs(tmp_path, monkeypatch, capsys, actions_dir, python_lib):
    resource = make_resource(tmp_path / "res", "lf")
    before = snapshot(resource)
    monkeypatch.setattr(cli, "is_reaper_running", lambda: True)
    argv = ["--resource-path", str(resource), "--skip-venv", "--actions-dir", str(actions_dir),
            "--python-lib", str(python_lib)]

    assert cli.main(argv) == cli.EXIT_REAPER_RUNNING

    err = capsys.readouterr().err
    assert "REAPER is running" in err and "Register actions" in err
    assert snapshot(resource) == before
    # --scripts-only copies the scripts but leaves REAPER's files alone
    assert cli.main(argv + ["--scripts-only"]) == cli.EXIT_OK
    assert (resource / "Scripts" / "reaper-ext" / "reaper-ext - Register actions.py").is_file()
    assert contents(snapshot(resource))["reaper-kb.ini"] == contents(before)["reaper-kb.ini"]
    # --force edits anyway
    assert cli.main(argv + ["--force"]) == cli.EXIT_OK
    assert "reaper-ext/reaper-ext - Register actions.py" in (resource / "reaper-kb.ini").read_text("utf-8", "replace")
    # uninstall refuses too
    assert cli.main(["--resource-path", str(resource), "--uninstall"]) == cli.EXIT_REAPER_RUNNING


def test_fixture_ids_are_reapers_own():
    # the fixture holds REAPER-written records: our id scheme must reproduce them
    text = (FIXTURES / "reaper-kb.ini").read_text(encoding="utf-8")
    scr = [kbini.split_fields(line) for line in text.splitlines() if line.startswith("SCR 4 0 ")]
    assert scr and all(kbini.script_command_id(fields[5]) == fields[3] for fields in scr)


def test_backup_stays_the_original_across_installs(tmp_path, run_cli, actions_dir):
    resource = make_resource(tmp_path / "res", "crlf")
    before = contents(snapshot(resource))
    run_cli(resource)
    (actions_dir / "reaper-ext - A new action.py").write_text("# @version 1.0\nprint('new')\n", encoding="utf-8")

    run_cli(resource)  # edits reaper-kb.ini a second time

    new_id = kbini.script_command_id("reaper-ext/reaper-ext - A new action.py")
    assert records(resource / "reaper-kb.ini").count(("SCR", "0", new_id)) == 1
    assert (resource / ("reaper-kb.ini" + BACKUP_SUFFIX)).read_bytes() == before["reaper-kb.ini"]
    run_cli(resource, "--uninstall")
    assert contents(snapshot(resource)) == before

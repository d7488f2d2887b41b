"""Unit tests of the installer's pieces: ids, ini editing, library search, folders, venv."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from reaper_ext.errors import InstallError
from reaper_ext.install import kbini, reaperini
from reaper_ext.install.installer import InstallOptions, install
from reaper_ext.install.locations import default_resource_dir, resolve_resource_dir
from reaper_ext.install.pythonlib import find_python_shared_library
from reaper_ext.install.venv import venv_commands, venv_python_path

# (path under Scripts/, id) pairs copied from reaper-kb.ini files REAPER wrote on users' machines
REAPER_IDS = [
    ("Cockos/lyrics.lua", "RS1ee9bb229dabffe151848d7efa3c10f748e1a1cf"),
    ("ReaSpeech.lua", "RS40502f8c2fb463969bdbf3cdc8ecfb0cc7abeeb2"),
    ("ReaTeam Extensions/API/ReaImGui_Demo.lua", "RS6b4644d86854e10895485f184942fb69ecc26177"),
    ("nvk-ReaScripts/SEARCH/nvk_SEARCH.lua", "RS42ab70fd2ac65e9a003787709bb85f18c36dee52"),
    ("ReaTeam Scripts/Project Properties/solger_ReaLauncher.lua", "RS64c58143c69f93c74347ca8caed894d680cec4a5"),
]


@pytest.mark.parametrize(("path", "command_id"), REAPER_IDS)
def test_command_id_matches_reaper(path, command_id):
    assert kbini.script_command_id(path) == command_id
    assert kbini.script_command_id(path.replace("/", "\\")) == command_id


def test_scr_line_round_trips():
    line = kbini.scr_line("reaper-ext/reaper-ext - Mark problems.py")
    fields = kbini.split_fields(line)
    assert fields == ["SCR", "4", "0", kbini.script_command_id("reaper-ext/reaper-ext - Mark problems.py"),
                      "Custom: reaper-ext - Mark problems.py", "reaper-ext/reaper-ext - Mark problems.py"]
    assert kbini.scr_line("Cockos/lyrics.lua").endswith('"Custom: lyrics.lua" Cockos/lyrics.lua')
    assert kbini.quote_field('say "hi"') == "'say \"hi\"'"
    assert kbini.quote_field("it's \"x\"") == "`it's \"x\"`"


def test_add_and_remove_records_keep_other_bytes():
    text = 'ACT 1 0 "abc" "Custom: x" 40001\r\nKEY 1 82 0 0\t\t # Main : R : DISABLED DEFAULT\r\n'
    line = kbini.key_line(29, 65, "RSabc")
    new, added = kbini.add_lines(text, [line, line])
    assert added == ["KEY 29 65 _RSabc 0"]
    assert new == text + "KEY 29 65 _RSabc 0\r\n"
    again, added_again = kbini.add_lines(new + "", [line.replace(" 0", " 0  ")])
    assert added_again == [] and again == new
    rewritten = new.replace("_RSabc 0\r\n", "_RSabc 0\t\t # Main : Ctrl+Alt+Shift+A : Custom: x\r\n")
    removed, n = kbini.remove_records(rewritten, [line])
    assert (removed, n) == (text, 1)
    no_newline, _ = kbini.add_lines("KEY 1 82 0 0", [line])
    assert no_newline == "KEY 1 82 0 0\n" + line + "\n"


def test_reaper_ini_edits_are_byte_preserving():
    text = "[reaper]\r\nReaScript=0\r\npythonlibpath64=\r\nfoo=1\r\n\r\n[other]\r\npythonlibdll64=elsewhere\r\n"
    values = {"reascript": "1", "pythonlibpath64": "/lib", "pythonlibdll64": "libpython3.11.so"}
    new, previous = reaperini.set_values_if_empty(text, values)
    assert previous == {"pythonlibpath64": "", "pythonlibdll64": None}  # ReaScript=0 is the user's choice
    assert new == ("[reaper]\r\nReaScript=0\r\npythonlibpath64=/lib\r\nfoo=1\r\npythonlibdll64=libpython3.11.so\r\n"
                   "\r\n[other]\r\npythonlibdll64=elsewhere\r\n")
    assert reaperini.get_value(new, "PYTHONLIBDLL64") == "libpython3.11.so"
    restored, kept = reaperini.restore_values(new, {k: (v, values[k]) for k, v in previous.items()})
    assert (restored, kept) == (text, [])
    created, _ = reaperini.set_values_if_empty("", {"reascript": "1"}, default_newline="\n")
    assert created == "[REAPER]\nreascript=1\n"
    unchanged, none = reaperini.set_values_if_empty(new, values)
    assert unchanged is new and none == {}


def test_python_library_search(tmp_path):
    libdir = tmp_path / "usr" / "lib"
    (libdir / "x86_64-linux-gnu").mkdir(parents=True)
    (libdir / "libpython3.12.a").write_bytes(b"static")
    (libdir / "x86_64-linux-gnu" / "libpython3.12.so.1.0").write_bytes(b"elf")
    linux = {"LDLIBRARY": "libpython3.12.a", "INSTSONAME": "libpython3.12.so.1.0", "LIBDIR": str(libdir),
             "MULTIARCH": "x86_64-linux-gnu"}
    found = find_python_shared_library(config_vars=linux, platform="linux", base_prefix=str(tmp_path / "usr"),
                                       version_info=(3, 12))
    assert found == libdir / "x86_64-linux-gnu" / "libpython3.12.so.1.0"
    (tmp_path / "py" ).mkdir()
    (tmp_path / "py" / "python312.dll").write_bytes(b"MZ")
    assert find_python_shared_library(config_vars={}, platform="win32", base_prefix=str(tmp_path / "py"),
                                      version_info=(3, 12)) == tmp_path / "py" / "python312.dll"
    static_only = {"LDLIBRARY": "libpython3.12.a", "LIBDIR": str(libdir)}
    assert find_python_shared_library(config_vars=static_only, platform="darwin", base_prefix=str(tmp_path),
                                      version_info=(3, 12)) is None


def test_resource_folders(tmp_path):
    assert default_resource_dir(platform="win32", environ={"APPDATA": r"C:\Users\a\AppData\Roaming"},
                                home=tmp_path) == Path(r"C:\Users\a\AppData\Roaming") / "REAPER"
    assert default_resource_dir(platform="darwin", environ={}, home=tmp_path) == \
        tmp_path / "Library" / "Application Support" / "REAPER"
    assert default_resource_dir(platform="linux", environ={}, home=tmp_path) == tmp_path / ".config" / "REAPER"
    with pytest.raises(InstallError, match="APPDATA"):
        default_resource_dir(platform="win32", environ={}, home=tmp_path)
    with pytest.raises(InstallError, match="not a portable REAPER"):
        resolve_resource_dir(portable_dir=tmp_path)
    (tmp_path / "reaper.ini").write_text("[REAPER]\n")
    assert resolve_resource_dir(portable_dir=tmp_path) == tmp_path.resolve()
    with pytest.raises(InstallError, match="give one"):
        resolve_resource_dir(portable_dir=tmp_path, resource_path=tmp_path)


def test_venv_installs_torch_first(tmp_path):
    commands = venv_commands(tmp_path / "venv", project_dir=tmp_path / "repo",
                             torch_spec="torch==2.13.0 --index-url https://download.pytorch.org/whl/cu128",
                             base_python="/usr/bin/python3", platform="linux")
    python = str(tmp_path / "venv" / "bin" / "python")
    assert commands == [
        ["/usr/bin/python3", "-m", "venv", str(tmp_path / "venv")],
        [python, "-m", "pip", "install", "torch==2.13.0", "--index-url", "https://download.pytorch.org/whl/cu128"],
        [python, "-m", "pip", "install", str(tmp_path / "repo")],
    ]
    assert venv_commands(tmp_path, project_dir=tmp_path, torch_spec="none", create=False)[0][-1] == str(tmp_path)
    assert venv_python_path(tmp_path, platform="win32") == tmp_path / "Scripts" / "python.exe"


def test_install_runs_venv_commands_and_records_them(tmp_path, actions_dir, python_lib):
    resource = tmp_path / "res"
    resource.mkdir()
    calls = []

    def fake_run(command, check=False):
        calls.append(command)
        return subprocess.CompletedProcess(command, 0)

    options = InstallOptions(resource_dir=resource, actions_dir=actions_dir, project_dir=Path(__file__).parents[2],
                             python_lib=python_lib, force=True)
    manifest = install(options, echo=lambda _: None, run=fake_run)
    venv = resource / "reaper-ext" / "venv"
    assert [c[1:4] for c in calls] == [["-m", "venv", str(venv)], ["-m", "pip", "install"], ["-m", "pip", "install"]]
    assert calls[1][-1] == "torch==2.13.0"
    assert manifest["venv_python"] == str(venv_python_path(venv)) and manifest["venv_created"] == str(venv)
    paths = (resource / "Scripts" / "reaper-ext" / "reaper_ext_paths.py").read_text(encoding="utf-8")
    assert repr(str(venv_python_path(venv))) in paths

    def failing_run(command, check=False):
        return subprocess.CompletedProcess(command, 1)

    with pytest.raises(InstallError, match="exit code 1"):
        install(options, echo=lambda _: None, run=failing_run)

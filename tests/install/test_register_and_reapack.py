"""The in-REAPER registration script, ReaPack's index, and install.py's Python 3.9/stdlib promise."""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
import types
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

from install_helpers import ACTION_TITLES, INSTALL_PY, REPO

REGISTER_SCRIPT = REPO / "actions" / "reaper-ext - Register actions.py"
API_JSON = Path(__file__).resolve().parents[1] / "data" / "reaper_api" / "reaper_python_api.json"
INDEX_TOOL = REPO / "tools" / "make_reapack_index.py"


def load_register_module():
    spec = importlib.util.spec_from_file_location("register_actions_under_test", REGISTER_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def api_arity(name: str) -> int:
    entries = json.loads(API_JSON.read_text(encoding="utf-8"))
    return len(next(e for e in entries if e["name"] == name)["params"])


def test_register_script_calls_reaper_like_reaper_expects(tmp_path, actions_dir, monkeypatch):
    register = load_register_module()
    folder = tmp_path / "Scripts" / "reaper-ext"
    folder.mkdir(parents=True)
    for path in actions_dir.glob("*.py"):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "reaper_ext_paths.py").write_text("PACKAGE_DIR = None\n")
    calls, boxes = [], []
    n_params = api_arity("RPR_AddRemoveReaScript")

    def add_remove(*args):
        assert len(args) == n_params  # keep the double as strict as REAPER's wrapper
        calls.append(args)
        return 0 if "Cancel" in args[2] else 40000 + len(calls)

    fake = types.ModuleType("reaper_python")
    fake.RPR_AddRemoveReaScript = add_remove
    fake.RPR_GetResourcePath = lambda: str(tmp_path)
    fake.RPR_ShowMessageBox = lambda msg, title, kind: boxes.append(msg) or 1
    monkeypatch.setitem(sys.modules, "reaper_python", fake)

    # REAPER runs the copy in Scripts/reaper-ext: it finds its siblings from its own path
    register.__file__ = str(folder / "reaper-ext - Register actions.py")
    assert register.main() == 1  # one refused
    assert [Path(c[2]).stem for c in calls] == sorted(ACTION_TITLES)
    assert all(c[0] is True and c[1] == 0 for c in calls)
    assert [c[3] for c in calls] == [False] * (len(calls) - 1) + [True]  # commit once, at the end
    assert f"Registered {len(ACTION_TITLES) - 1}" in boxes[0] and "reaper-ext - Cancel running analysis.py" in boxes[0]
    assert register.script_folder(str(tmp_path), None) == str(folder)


def test_reapack_index_lists_every_action(tmp_path, actions_dir):
    out = tmp_path / "index.xml"
    base = "https://example.org/raw/main/"
    result = subprocess.run([sys.executable, str(INDEX_TOOL), "--actions-dir", str(actions_dir), "--output", str(out),
                             "--base-url", base], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    root = ET.parse(out).getroot()
    assert (root.tag, root.get("version"), root.get("name")) == ("index", "1", "reaper-ext")
    packages = root.findall("./category/reapack")
    assert sorted(p.get("name") for p in packages) == sorted(f"{t}.py" for t in ACTION_TITLES)
    for package in packages:
        title = package.get("name")[:-3]
        assert package.get("type") == "script" and package.get("desc") == title
        version = package.find("version")
        i = ACTION_TITLES.index(title)
        assert (version.get("name"), version.get("author")) == (f"0.{i}.1", "reaper-ext tests")
        source = version.find("source[@main='main']")
        assert unquote(source.text) == f"{base}actions/{title}.py"
        rtf = package.find("metadata/description").text
        assert rtf.startswith("{\\rtf1") and "\\{braces\\}" in rtf and "\\u233?" in rtf


def test_committed_index_is_up_to_date(tmp_path):
    out = tmp_path / "index.xml"
    subprocess.run([sys.executable, str(INDEX_TOOL), "--output", str(out)], check=True, capture_output=True,
                   timeout=60)
    committed = REPO / "index.xml"
    assert committed.read_bytes() == out.read_bytes(), "index.xml is stale: run python tools/make_reapack_index.py"


def installer_sources():
    files = sorted((REPO / "reaper_ext" / "install").glob("*.py"))
    return files + [INSTALL_PY, REGISTER_SCRIPT, INDEX_TOOL]


def test_installer_is_python39_and_stdlib_only():
    allowed = set(sys.stdlib_module_names) | {"reaper_ext", "reaper_python"}
    for path in installer_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path), feature_version=(3, 9))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}: install.py must be stdlib-only"
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("reaper_ext"):
                assert node.module.startswith(("reaper_ext.install", "reaper_ext.errors")), (path, node.module)


def test_install_py_does_not_run_package_init(tmp_path):
    # reaper_ext/__init__.py may import numpy: install.py must not execute it
    code = ("import runpy, sys; sys.argv = ['install.py', '--help']\n"
            "try:\n    runpy.run_path(%r, run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('NUMPY' if 'numpy' in sys.modules else 'CLEAN', hasattr(sys.modules['reaper_ext'], '__version__'))"
            % str(INSTALL_PY))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "CLEAN False", result.stdout + result.stderr

"""Every RPR_ function the REAPER-side code calls exists in REAPER's Python API with that arity."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.reaper.fake.wrapper import load_api

REPO = Path(__file__).resolve().parents[2]


def _calls() -> list[tuple[str, str, int]]:
    found = []
    files = list((REPO / "reaper_ext").rglob("*.py")) + list((REPO / "actions").glob("*.py"))
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name.startswith("RPR_") and not any(isinstance(arg, ast.Starred) for arg in node.args):
                found.append((str(path.relative_to(REPO)), name, len(node.args)))
    return found


def test_product_calls_exist_with_their_arity():
    api = {entry["name"]: len(entry["params"]) for entry in load_api().values()}
    calls = _calls()
    assert len({name for _, name, _ in calls}) > 40, "the scan found too few RPR_ calls: is it looking in the right place?"
    wrong = [(path, name, n) for path, name, n in calls if name not in ("RPR_defer", "RPR_atexit") and api.get(name) != n]
    assert not wrong, f"calls not in REAPER's API with that arity (expected {[api.get(n) for _, n, _ in wrong]}): {wrong}"


def test_fake_implements_every_function_the_product_calls():
    from tests.reaper.fake.reaper_python import implemented_names

    fake = {"RPR_" + name for name in implemented_names()}
    missing = sorted({name for _, name, _ in _calls()} - fake - {"RPR_defer", "RPR_atexit", "RPR_AddRemoveReaScript", "RPR_ShowMessageBox"})
    assert not missing, f"the fake lacks: {missing}"

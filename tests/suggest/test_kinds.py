"""The one registry of suggestion kinds, and everything that must derive from it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from reaper_ext.errors import SuggestionError
from reaper_ext.suggest.kinds import (
    FILTERED_JOBS,
    FORMS,
    SUGGESTION_KINDS,
    UnknownKindError,
    kinds_of_form,
    kinds_of_job,
    markdown_table,
)
from reaper_ext.suggest.model import Suggestion

REPO = Path(__file__).resolve().parents[2]
NAMES = {kind.name for kind in SUGGESTION_KINDS}


def _kinds_made_in_code() -> set[str]:
    """Every literal ``kind="..."`` / ``make_suggestion_id("...")`` in the code that makes suggestions."""
    found: set[str] = set()
    for path in [*(REPO / "reaper_ext" / "suggest" / "rules").glob("*.py"), REPO / "reaper_ext" / "suggest" / "stems.py",
                 REPO / "reaper_ext" / "sparks" / "project.py", REPO / "reaper_ext" / "tuning" / "session.py",
                 REPO / "reaper_ext" / "cleanup" / "session.py", REPO / "reaper_ext" / "reference" / "chain.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "kind" and isinstance(node.value, ast.Constant):
                found.add(node.value.value)
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "make_suggestion_id"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                found.add(node.args[0].value)
    return found


def test_every_kind_the_code_makes_is_registered_and_every_registered_kind_is_made():
    made = _kinds_made_in_code()
    assert "stems" in made and "mute_track" in made  # the scan sees both the rules and the separation
    assert made == NAMES


def test_each_kind_has_one_form_and_the_forms_partition_the_registry():
    by_form = [kinds_of_form(form) for form in FORMS]
    assert sum(len(kinds) for kinds in by_form) == len(NAMES)
    assert set().union(*by_form) == NAMES


def test_the_ledger_kind_sets_are_the_registry_forms():
    from reaper_ext.suggest.ledger import core

    assert core.FX_KINDS == kinds_of_form("fx") | kinds_of_form("master")  # plug-ins on a track or on the master
    assert core.MARKER_KINDS == kinds_of_form("marker")
    assert core.PENDING_KINDS == kinds_of_form("pending")
    assert core.LABEL_KINDS == kinds_of_form("label")


def test_the_job_filters_derive_from_the_registry():
    from reaper_ext.jobs import protocol, worker

    assert worker.KIND_FILTERS is protocol.KIND_FILTERS
    assert protocol.KIND_FILTERS["analyze"] is None
    assert set(protocol.KIND_FILTERS) == {"analyze", *FILTERED_JOBS}
    assert set(FILTERED_JOBS) | {"analyze"} == set(protocol.JOB_KINDS)
    for job in FILTERED_JOBS:
        assert protocol.KIND_FILTERS[job] == kinds_of_job(job) and protocol.KIND_FILTERS[job]
    # what the actions promise: "Suggest FX" makes exactly the plug-in kinds, separation only stems
    assert protocol.KIND_FILTERS["suggest_fx"] == kinds_of_form("fx")
    assert protocol.KIND_FILTERS["separate"] == {"stems"}


def test_a_suggestion_of_an_unknown_kind_cannot_be_made_or_read():
    with pytest.raises(SuggestionError, match="unknown suggestion kind 'hpf'"):
        Suggestion("hpf-1", "hpf", "{guid}", "Audio 01")
    data = Suggestion("name-1", "name", "{guid}", "Audio 01", {"name": "Kick"}).to_dict()
    data["kind"] = "rename"
    # a ValueError too: the ledger reports such an entry of a project file as damaged
    with pytest.raises(ValueError, match="rename"):
        Suggestion.from_dict(data)
    assert issubclass(UnknownKindError, SuggestionError)


def test_the_ledger_reports_an_entry_of_an_unknown_kind_as_damaged():
    import base64
    import json

    from reaper_ext.errors import LedgerError
    from reaper_ext.suggest.ledger.core import LedgerEntry

    entry = {"suggestion": {"id": "x-1", "kind": "delete_everything", "target": "project"}, "changes": []}
    value = base64.b64encode(json.dumps(entry).encode()).decode("ascii")
    with pytest.raises(LedgerError, match="damaged"):
        LedgerEntry.decode("s_x-1", value)


def test_docs_show_the_registry_table():
    text = (REPO / "docs" / "suggestions.md").read_text(encoding="utf-8")
    assert markdown_table() in text, "docs/suggestions.md: paste reaper_ext.suggest.kinds.markdown_table() there"


def test_readme_arrival_table_lists_exactly_the_registry_kinds_by_form():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text[text.index("### How suggestions arrive"):]
    table = table[: table.index("\n\n", table.index("| kind |"))]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| kind |")]
    listed = [set(re.findall(r"`([a-z_]+)`", row.split("|")[1])) for row in rows]
    assert set().union(*listed) == NAMES
    # each row is one form: its kinds are exactly the registry's kinds of that form
    assert sorted(map(sorted, listed)) == sorted(sorted(kinds_of_form(form)) for form in FORMS)


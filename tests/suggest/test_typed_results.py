"""The rules read typed results: an analysis read back from its JSON form suggests the same."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_rules_give_the_same_suggestions_from_an_analysis_read_back_from_json(example_session):
    """JSON is only an edge: the analysis read back from --json (or the cache) suggests exactly the same."""
    import json

    from reaper_ext.pipeline.results import SessionAnalysis
    from reaper_ext.settings import Settings
    from reaper_ext.suggest.engine import suggest

    project, analysis = example_session
    fresh = suggest(project, analysis, Settings())
    again = suggest(project, SessionAnalysis.from_dict(json.loads(json.dumps(analysis.to_dict()))), Settings())
    assert len(fresh) > 20 and {s.kind for s in fresh} >= {"name", "gain", "marker", "section", "key"}
    assert [s.to_dict() for s in again] == [s.to_dict() for s in fresh]


_RULE_SNIPPET = '''
from reaper_ext.analysis.measure import TrackMeasurements
from reaper_ext.analysis.problems.base import HumMeasured, Problem
from reaper_ext.pipeline.results import SessionAnalysis


def right(problem: Problem, measurements: TrackMeasurements, analysis: SessionAnalysis) -> str:
    hum = problem.measured_as(HumMeasured)
    return f"{hum['freq_hz']:.0f} Hz, peak {measurements.sample_peak_dbfs:.0f} dBFS, {analysis.tempo_bpm}"


def renamed(problem: Problem, measurements: TrackMeasurements, analysis: SessionAnalysis) -> str:
    hum = problem.measured_as(HumMeasured)
    return f"{hum['frequency_hz']:.0f} Hz, peak {measurements.peak_dbfs:.0f} dBFS, {analysis.bpm}"
'''


@pytest.mark.slow
def test_a_renamed_field_in_a_rule_is_a_type_error(tmp_path):
    """What a rule reads of the results is checked by mypy: "0 Hz at 0 dBFS" can't come from a renamed key."""
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    snippet = tmp_path / "rule_snippet.py"
    snippet.write_text(_RULE_SNIPPET, encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(repo / "pyproject.toml"), "--cache-dir", str(tmp_path / "cache"),
         str(snippet)], capture_output=True, text=True, cwd=repo, timeout=300,
    )
    errors = [line for line in completed.stdout.splitlines() if ": error:" in line]
    assert completed.returncode == 1, completed.stdout + completed.stderr
    renamed_line = 1 + _RULE_SNIPPET.splitlines().index(
        next(line for line in _RULE_SNIPPET.splitlines() if "frequency_hz" in line))
    assert errors and all(f":{renamed_line}:" in line for line in errors), errors  # never the right one
    assert any('no key "frequency_hz"' in line for line in errors)
    assert any('"TrackMeasurements" has no attribute "peak_dbfs"' in line for line in errors)
    assert any('"SessionAnalysis" has no attribute "bpm"' in line for line in errors)

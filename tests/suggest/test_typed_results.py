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

"""Analyse every real project (media missing), write, reject-all, accept-all: bytes back, no tags left."""

from __future__ import annotations

import pytest

from reaper_ext.pipeline.session import analyze_project
from reaper_ext.session.rpp import parse_rpp, read_project
from reaper_ext.session.rpp.writer import RppSessionWriter
from reaper_ext.settings import Settings
from reaper_ext.suggest.engine import suggest
from reaper_ext.suggest.ledger.core import TAG, Selection, accept, apply_suggestions, reject
from tests.conftest import corpus_files


@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.name)
def test_analyse_then_reject_all_gives_the_original_bytes(path):
    original = path.read_bytes()
    doc = parse_rpp(original, path=path)
    project = read_project(doc)
    analysis = analyze_project(project, cache=None)
    # every track with audio items reports its missing media instead of failing the run
    for track, result in zip(project.tracks, analysis.tracks):
        if any(item.media is not None and not item.media.is_found for item in track.items if not item.is_muted):
            assert result.error and "missing" in result.error
    suggestions = suggest(project, analysis, Settings())
    written = apply_suggestions(RppSessionWriter(doc), suggestions)
    assert len(written.done) == len(suggestions), written.messages
    text = doc.to_bytes()
    reread = parse_rpp(text, path=path)
    assert reject(RppSessionWriter(reread), Selection(is_all=True)).messages == []
    assert reread.to_bytes() == original
    accepted = parse_rpp(text, path=path)
    accept(RppSessionWriter(accepted), Selection(is_all=True))
    read_project(parse_rpp(accepted.to_bytes()))  # parses
    assert TAG not in accepted.to_text()

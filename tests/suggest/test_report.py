"""The HTML report: self-contained, escaped, and the EQ curves it draws are right."""

from __future__ import annotations

import html

import numpy as np
import pytest

from reaper_ext.report.html import eq_response_db, write_report
from reaper_ext.settings import Settings
from reaper_ext.suggest.engine import suggest


def test_eq_response_matches_the_band_settings():
    freqs = np.array([30.0, 90.0, 1000.0, 3000.0, 10000.0])
    peak = eq_response_db([{"kind": "band", "freq_hz": 1000.0, "gain_db": -6.0, "q": 1.0}], freqs)
    assert peak[2] == pytest.approx(-6.0, abs=0.05) and abs(peak[0]) < 0.1
    hpf = eq_response_db([{"kind": "highpass", "freq_hz": 90.0, "q": 0.707}], freqs)
    assert hpf[1] == pytest.approx(-3.0, abs=0.1) and hpf[0] < -15 and abs(hpf[3]) < 0.1
    notch = eq_response_db([{"kind": "notch", "freq_hz": 3000.0, "q": 30.0}], freqs)
    assert notch[3] < -40 and abs(notch[2]) < 0.1


@pytest.mark.slow
def test_report_is_one_escaped_self_contained_page(rendered_session, tmp_path):
    from dataclasses import replace

    project = rendered_session.project
    evil = '<script>alert("x")</script>'
    tracks = tuple(replace(t, name=evil) if t.index == 0 else t for t in project.tracks)
    project = replace(project, tracks=tracks)
    analysis = rendered_session.analysis
    suggestions = suggest(project, analysis, Settings())
    path = write_report(tmp_path / "out" / "report.html", project, analysis, suggestions, Settings())
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<script" not in text
    assert "&lt;script&gt;" in text
    assert "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text
    assert text.count("<svg") == 2 + len(analysis.tracks)  # levels, timeline, one spectrum per track
    for s in suggestions:
        assert html.escape(s.why) in text
    assert not list(path.parent.glob(".*tmp"))

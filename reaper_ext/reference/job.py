"""The worker's side of the actions "Compare with reference" and "Study a reference track".

Neither action asks for anything. The references are the audio items on the
project's track(s) named ``Reference`` (case and surrounding spaces ignored);
the mix is every other track, rendered offline (:mod:`~reaper_ext.reference.render`:
faders, pans, mutes, item gains; no FX). The comparison page goes to the
private folder and becomes the "last report" (the *Open the analysis report*
action opens it); the sentences go to the console. No suggestion is written by
these jobs (the result's list is empty, so no pending suggestion is replaced):
the gain suggestions and the master chain are on the page.

The study is written beside the project, in ``reaper-ext study/<reference name>/``
(``study.RPP`` to open, ``study.html`` to read).
"""

from __future__ import annotations

import time
from pathlib import Path

__all__ = ["REFERENCE_TRACK_NAME", "reference_files", "run_compare_job", "run_study_job"]

REFERENCE_TRACK_NAME = "reference"
_RATE_HZ = 44100


def _is_reference(name: str) -> bool:
    return name.strip().lower() == REFERENCE_TRACK_NAME


def reference_files(project) -> list[Path]:
    """The media files of the items on the ``Reference`` track(s), in time order, each once."""
    files: list[Path] = []
    for track in project.tracks:
        if not _is_reference(track.name):
            continue
        for item in sorted(track.items, key=lambda item: item.position_sec):
            path = item.media.resolved_path if item.media is not None else None
            if path is not None and path not in files:
                files.append(Path(path))
    return files


def run_compare_job(job: dict, progress) -> dict:
    """Compare the project's mix with its Reference track's items; returns the worker's result dict."""
    from dataclasses import replace

    from reaper_ext.cli.compare import _read_audio
    from reaper_ext.errors import AnalysisError
    from reaper_ext.jobs.protocol import private_dir
    from reaper_ext.reference.chain import solve_chain
    from reaper_ext.reference.compare import compare
    from reaper_ext.reference.render import render_project
    from reaper_ext.report.compare import write_comparison_page
    from reaper_ext.session.serialize import project_from_dict

    project = project_from_dict(job["project"])
    files = reference_files(project)
    if not files:
        raise AnalysisError("no reference: put the reference track(s) as items on a track named 'Reference'")
    progress(0.1, "rendering the mix")
    mix_project = replace(project, tracks=tuple(t for t in project.tracks if not _is_reference(t.name)))
    rendered = render_project(mix_project, sample_rate_hz=_RATE_HZ, keep_tracks=False)
    progress(0.3, "analysing the mix and the references")
    references = [_read_audio(str(path)) for path in files]
    comparison = compare(rendered.samples, references, _RATE_HZ, reference_names=[p.name for p in files],
                         mix_name=Path(project.path).name if project.path else "this project")
    comparison.notes = rendered.notes + comparison.notes
    progress(0.8, "solving the master chain")
    plan = solve_chain(rendered.samples, _RATE_HZ)
    page = private_dir() / f"compare-{time.strftime('%Y%m%d-%H%M%S')}.html"
    write_comparison_page(page, comparison, plan)
    return {"suggestions": [], "report": str(page),
            "messages": comparison.notes + comparison.sentences + [plan.note, f"the comparison page: {page}"]}


def run_study_job(job: dict, progress) -> dict:
    """Build a study project of the first item on the Reference track; returns the worker's result dict."""
    from reaper_ext.errors import AnalysisError
    from reaper_ext.reference.study import build_study
    from reaper_ext.session.serialize import project_from_dict

    project = project_from_dict(job["project"])
    files = reference_files(project)
    if not files:
        raise AnalysisError("no reference: put the track to study as an item on a track named 'Reference'")
    base = Path(project.path).parent if project.path else files[0].parent
    out_dir = base / "reaper-ext study" / files[0].stem
    progress(0.1, f"studying {files[0].name}")
    result = build_study(files[0], out_dir)
    return {"suggestions": [], "report": str(result.sheet_path),
            "messages": [f"study project: {result.project_path} (open it with File > Open project)",
                         f"study sheet: {result.sheet_path}"]}

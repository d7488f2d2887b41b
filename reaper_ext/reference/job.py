"""The worker's side of the actions "Compare with reference" and "Study a reference track".

The compare action asks for nothing. The references are the audio items on the
project's track(s) named ``Reference`` (case and surrounding spaces ignored);
the mix is every other track, rendered offline (:mod:`~reaper_ext.reference.render`:
faders, pans, mutes, item gains; no FX). The comparison page goes to the
private folder and becomes the "last report" (the *Open the analysis report*
action opens it); the sentences go to the console. The one suggestion the compare
job writes is the solved master chain (``master_chain``: its plug-ins bypassed on
the master track; it replaces only a pending master chain); the per-track
differences stay sentences on the page.

The study asks for its file (or takes the selected item's) and is written beside the
project, in ``reaper-ext study/<reference name>/`` (``study.RPP``, which the action
opens, and ``study.html`` to read); a study already there is kept, the new one goes to
``<reference name> 2``.
"""

from __future__ import annotations

import time
from pathlib import Path

__all__ = ["REFERENCE_TRACK_NAME", "reference_files", "run_compare_job", "run_study_job", "study_folder"]

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
    """Compare the project's mix with its references; returns the worker's result dict.

    The references are the items on the ``Reference`` track(s) (equal weights), else the
    settings' ``[[references]]`` (with their weights). The platform card and the master
    chain's target and ceiling come from the settings too.
    """
    from dataclasses import replace

    from reaper_ext.cli.compare import _read_audio, card_platforms, settings_references
    from reaper_ext.errors import AnalysisError
    from reaper_ext.jobs.protocol import private_dir
    from reaper_ext.reference.chain import solve_chain
    from reaper_ext.reference.compare import compare
    from reaper_ext.reference.render import render_project
    from reaper_ext.report.compare import write_comparison_page
    from reaper_ext.session.serialize import project_from_dict
    from reaper_ext.settings import load_settings

    project = project_from_dict(job["project"])
    settings = load_settings(job.get("settings_path"))
    files = reference_files(project)
    weights: list[float] | None = None
    source_note = "the references are the items on the track named 'Reference'"
    if not files:
        paths, weights = settings_references(settings)
        files = [Path(path) for path in paths]
        source_note = f"the references are the [[references]] of {settings.source_path}"
    if not files:
        raise AnalysisError("no reference: put the reference track(s) as items on a track named 'Reference', "
                            "or list them as [[references]] in the settings file")
    progress(0.1, "rendering the mix")
    mix_project = replace(project, tracks=tuple(t for t in project.tracks if not _is_reference(t.name)))
    rendered = render_project(mix_project, sample_rate_hz=_RATE_HZ, keep_tracks=False)
    progress(0.3, "analysing the mix and the references")
    references = [_read_audio(str(path)) for path in files]
    comparison = compare(rendered.samples, references, _RATE_HZ, weights=weights, reference_names=[p.name for p in files],
                         mix_name=Path(project.path).name if project.path else "this project",
                         platforms=card_platforms(settings))
    comparison.notes = [*rendered.notes, source_note + ".", *comparison.notes]
    progress(0.8, "solving the master chain")
    plan = solve_chain(rendered.samples, _RATE_HZ, target_lufs=settings.loudness_target_lufs,
                       ceiling_dbtp=settings.true_peak_ceiling_dbtp)
    page = private_dir() / f"compare-{time.strftime('%Y%m%d-%H%M%S')}.html"
    write_comparison_page(page, comparison, plan)
    master = plan.suggestion()  # switched off on the master track; replaces only a pending master chain
    return {"suggestions": [] if master is None else [master.to_dict()], "report": str(page),
            "messages": comparison.notes + comparison.sentences + [plan.note, f"the comparison page: {page}"]}


def study_folder(base: Path, reference: Path) -> Path:
    """A new folder for a study of ``reference``: ``<base>/reaper-ext study/<name>`` (``<name> 2``... if taken).

    A study already there is never overwritten: the user may have edited its project.
    """
    parent = base / "reaper-ext study"
    folder = parent / reference.stem
    n = 2
    while (folder / "study.RPP").exists():
        folder = parent / f"{reference.stem} {n}"
        n += 1
    return folder


def run_study_job(job: dict, progress) -> dict:
    """Build a study project of a reference track; returns the worker's result dict.

    The reference is ``options["reference_path"]`` (the file the action asked for, or the
    selected item's), else the first item on the project's ``Reference`` track. The stems
    come from the settings' separation model; when separation fails the study is made
    without them and a message says why. The result's ``project_path`` is the study
    project (the action opens it), ``report`` its study sheet.
    """
    from reaper_ext.errors import AnalysisError, MediaError
    from reaper_ext.reference.study import build_study
    from reaper_ext.session.serialize import project_from_dict
    from reaper_ext.settings import load_settings

    project = project_from_dict(job["project"])
    settings = load_settings(job.get("settings_path"))
    chosen = (job.get("options") or {}).get("reference_path")
    if chosen:
        reference = Path(chosen)
        if not reference.is_file():
            raise MediaError(f"{reference}: no such file; choose the track to study again")
    else:
        files = reference_files(project)
        if not files:
            raise AnalysisError("no reference: choose a file, select an audio item, or put the track to study "
                                "as an item on a track named 'Reference'")
        reference = files[0]
    base = Path(project.path).parent if project.path else reference.parent
    out_dir = study_folder(base, reference)
    progress(0.05, f"studying {reference.name}")
    model_repo = Path(settings.separation_model_repo) if settings.separation_model_repo else None
    result = build_study(reference, out_dir, separation_model=settings.separation_model, model_repo=model_repo,
                         device=settings.separation_device, stems_optional=True,
                         progress=lambda fraction, stage: progress(0.05 + 0.9 * fraction, stage))
    messages = [*result.notes, f"{len(result.stem_paths)} stem track(s), muted",
                f"study project: {result.project_path}", f"study sheet: {result.sheet_path}"]
    return {"suggestions": [], "report": str(result.sheet_path), "project_path": str(result.project_path),
            "messages": messages}

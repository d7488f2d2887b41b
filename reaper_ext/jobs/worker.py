"""The worker process: ``python -m reaper_ext.jobs.worker JOB_DIR``.

Started by an action inside REAPER (:mod:`reaper_ext.reaper.runner`) in the
package's own virtual environment, so numpy, librosa, torch and demucs never
load in REAPER's Python. It reads ``job.json``, rebuilds the project
snapshot, analyses it (or separates the selected items into stems, or builds
a study project of a reference track), writes
``progress.json`` as it goes and ``result.json`` at the end; ``error.json``
when it fails or is cancelled (a ``cancel`` file in the job folder, checked
between tracks). See :mod:`reaper_ext.jobs.protocol` for the files.
"""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

from reaper_ext.errors import ReaperExtError, WorkerError
from reaper_ext.jobs import protocol as jobs
from reaper_ext.session.serialize import project_from_dict

__all__ = ["KIND_FILTERS", "SELECTION_KINDS", "JobCancelled", "run_job", "main"]

KIND_FILTERS = jobs.KIND_FILTERS
SELECTION_KINDS = jobs.SELECTION_KINDS
_PROGRESS_EVERY_SEC = 0.2


class JobCancelled(WorkerError):
    """The user asked the job to stop (a ``cancel`` file appeared)."""


class _Progress:
    """Writes progress.json (throttled) and raises :class:`JobCancelled` when asked to stop."""

    def __init__(self, job_dir: Path) -> None:
        self.job_dir = job_dir
        self.started = time.monotonic()
        self.last_write = 0.0

    def __call__(self, fraction: float, stage: str, eta_sec: float | None = None, *, force: bool = False) -> None:
        if jobs.is_cancel_requested(self.job_dir):
            raise JobCancelled(f"cancelled by the user during: {stage}")
        now = time.monotonic()
        if not force and now - self.last_write < _PROGRESS_EVERY_SEC:
            return
        self.last_write = now
        elapsed = now - self.started
        if eta_sec is None and fraction > 0.02:
            eta_sec = elapsed * (1.0 - fraction) / fraction
        jobs.write_json_atomic(self.job_dir / jobs.PROGRESS_FILE, {
            "fraction": round(max(0.0, min(1.0, fraction)), 4), "stage": stage,
            "eta_sec": None if eta_sec is None else round(eta_sec, 1),
        })


def _filter(suggestions: list, kind: str, selected: set[str]) -> list:
    allowed = KIND_FILTERS[kind]
    kept = [s for s in suggestions if allowed is None or s.kind in allowed]
    if kind in SELECTION_KINDS and selected:
        kept = [s for s in kept if s.target in selected]
    return kept


def _analyse(job: dict, job_dir: Path, progress: _Progress) -> dict:
    from reaper_ext.pipeline.session import analyze_project
    from reaper_ext.settings import load_settings
    from reaper_ext.storage.cache import ContentCache
    from reaper_ext.suggest.engine import suggest

    kind = job["kind"]
    project = project_from_dict(job["project"])
    settings = load_settings(job.get("settings_path"))
    selected = set(job.get("selected_track_guids", []))
    tracks = None
    if kind in SELECTION_KINDS and selected:
        tracks = [track for track in project.tracks if track.guid in selected]
    analysis = analyze_project(
        project, cache=ContentCache(), settings_key=settings.cache_key(), tracks=tracks,
        progress=lambda fraction, stage, eta_sec=None: progress(0.9 * fraction, stage),
    )
    progress(0.92, "suggestions", force=True)
    suggestions = _filter(suggest(project, analysis, settings), kind, selected)
    messages = list(analysis.messages)
    for track in analysis.tracks:
        if track.error:
            messages.append(f"track {track.index + 1} {track.name!r}: {track.error}")
    from reaper_ext.report.html import write_report

    # the same report as the CLI's --report: one report, whichever door the user came in by
    report = write_report(job_dir / "report.html", project, analysis, suggestions, settings)
    return {"suggestions": [s.to_dict() for s in suggestions], "messages": messages, "report": str(report)}


def _separate(job: dict, job_dir: Path, progress: _Progress) -> dict:
    """Separate the selected items, one ``stems`` suggestion per track (stems next to the media)."""
    from reaper_ext.separation import separate_file
    from reaper_ext.settings import load_settings
    from reaper_ext.suggest.stems import stems_suggestion

    settings = load_settings(job.get("settings_path"))
    model = settings.separation_model
    model_repo = Path(settings.separation_model_repo) if settings.separation_model_repo else None
    project = project_from_dict(job["project"])
    wanted = set(job.get("selected_item_guids", []))
    tracks = [track for track in project.tracks if any(item.guid in wanted for item in track.items)]
    messages: list[str] = []
    suggestions = []
    if not tracks:
        messages.append("no items selected: select the items to separate, then run the action again")
    n_tracks = len(tracks)
    for n, track in enumerate(tracks):
        def report(fraction: float, stage: str, eta_sec: float | None = None, *, _base: float = n / max(n_tracks, 1),
                   _name: str = track.name) -> None:
            progress(_base + fraction / n_tracks, f"{_name}: {stage}", eta_sec)

        def separate(path: Path, out_dir: Path, *, _report=report):
            return separate_file(path, out_dir, model=model, model_repo=model_repo, device=settings.separation_device,
                                 progress=_report, cancel=lambda: jobs.is_cancel_requested(job_dir))

        try:
            suggestion, notes = stems_suggestion(project, track, separate=separate, model=model, item_guids=wanted)
        except ReaperExtError as error:
            if jobs.is_cancel_requested(job_dir):
                raise JobCancelled(str(error)) from error
            messages.append(f"track {track.name!r}: {error}")
            continue
        suggestions.append(suggestion)
        messages += [f"track {track.name!r}: {note}" for note in notes]
    return {"suggestions": [s.to_dict() for s in suggestions], "messages": messages, "report": None}


def run_job(job_dir: Path) -> int:
    """Run one job; returns 0 done, 1 failed, 2 cancelled (files say the rest)."""
    job_dir = Path(job_dir)
    job = jobs.read_json(job_dir / jobs.JOB_FILE)
    progress = _Progress(job_dir)
    try:
        if not isinstance(job, dict) or job.get("kind") not in jobs.ALL_JOB_KINDS:
            raise WorkerError(f"{job_dir / jobs.JOB_FILE}: missing or not a reaper-ext job; start the action again")
        progress(0.0, "reading the project", force=True)
        if job["kind"] in ("tuning", "denoise"):
            from reaper_ext.tuning.passes import run_job as run_pass_job

            result = run_pass_job(job, progress)
        elif job["kind"] == "sparks":
            from reaper_ext.sparks.job import run_sparks_job

            result = run_sparks_job(job, progress)
        elif job["kind"] == "compare":
            from reaper_ext.reference.job import run_compare_job

            result = run_compare_job(job, progress)
        elif job["kind"] == "study":
            from reaper_ext.reference.job import run_study_job

            result = run_study_job(job, progress)
        else:
            result = _separate(job, job_dir, progress) if job["kind"] == "separate" else _analyse(job, job_dir, progress)
        progress(1.0, "done", force=True)
    except JobCancelled as error:
        jobs.write_json_atomic(job_dir / jobs.ERROR_FILE, {"message": str(error), "is_cancelled": True})
        return 2
    except Exception as error:  # the REAPER side must hear about every failure
        detail = traceback.format_exc()
        print(detail, file=sys.stderr)
        jobs.write_json_atomic(job_dir / jobs.ERROR_FILE, {
            "message": f"{type(error).__name__}: {error}", "is_cancelled": False, "log": str(job_dir / jobs.LOG_FILE),
        })
        return 1
    jobs.write_json_atomic(job_dir / jobs.RESULT_FILE, result)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m reaper_ext.jobs.worker JOB_DIR``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m reaper_ext.jobs.worker JOB_DIR", file=sys.stderr)
        return 1
    return run_job(Path(args[0]))


if __name__ == "__main__":
    sys.exit(main())

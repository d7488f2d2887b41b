"""Job folders: how the REAPER side and the worker process talk (files only).

Nothing listens on a network port. A job is a folder under a private
per-user folder (mode 0700) holding:

- ``job.json``: what to do (kind, the project snapshot, selected tracks/items,
  the settings file), written once by the REAPER side;
- ``progress.json``: ``{"fraction", "stage", "eta_sec"}``, rewritten atomically
  by the worker;
- ``result.json``: the suggestions (as dicts), stems, messages, report path; for a
  file job (:data:`FILE_JOB_KINDS`) no suggestions but the file it made
  (``project_path``: the study project);
- ``error.json``: ``{"message", "is_cancelled"}`` when the worker failed or
  was cancelled;
- ``cancel``: its presence asks the worker to stop;
- ``worker.log``: the worker's stdout and stderr.

Pure standard library: it runs on both sides.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from reaper_ext.suggest.kinds import FILTERED_JOBS, kinds_of_job

__all__ = [
    "KIND_FILTERS",
    "SELECTION_KINDS",
    "replace_scope",
    "JOB_KINDS",
    "FILE_JOB_KINDS",
    "ALL_JOB_KINDS",
    "JOB_FILE",
    "PROGRESS_FILE",
    "RESULT_FILE",
    "ERROR_FILE",
    "CANCEL_FILE",
    "LOG_FILE",
    "MAX_STATUS_BYTES",
    "private_dir",
    "create_job",
    "read_json",
    "write_json_atomic",
    "read_progress",
    "request_cancel",
    "is_cancel_requested",
    "unfinished_jobs",
]

#: Jobs whose result is suggestions for the open project (the ledger applies them; each but
#: ``analyze`` is filtered to its kinds, :data:`KIND_FILTERS`).
JOB_KINDS = (
    "analyze", "label", "suggest_fx", "mark_problems", "mark_sections", "separate", "cleanup", "sparks", "compare",
    "tuning", "denoise",
)
#: Jobs whose result is a new file, not suggestions: no kind filter, nothing in the open project
#: is written or replaced ("study": a study project of a reference track, opened when done).
FILE_JOB_KINDS = ("study",)
ALL_JOB_KINDS = JOB_KINDS + FILE_JOB_KINDS
JOB_FILE = "job.json"
PROGRESS_FILE = "progress.json"
RESULT_FILE = "result.json"
ERROR_FILE = "error.json"
CANCEL_FILE = "cancel"
LOG_FILE = "worker.log"
MAX_STATUS_BYTES = 64 * 1024  # progress/error files are tiny; never read more in a defer tick
_KEEP_JOBS = 20  # older job folders are removed when a new one is made


def private_dir() -> Path:
    """The per-user folder holding job folders (created with mode 0700).

    ``$REAPER_EXT_JOBS_DIR`` overrides it (tests); otherwise the platform's
    per-user cache folder.
    """
    override = os.environ.get("REAPER_EXT_JOBS_DIR")
    if override:
        folder = Path(override)
    elif sys.platform == "win32":
        folder = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "reaper-ext" / "jobs"
    elif sys.platform == "darwin":
        folder = Path.home() / "Library" / "Caches" / "reaper-ext" / "jobs"
    else:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reaper-ext" / "jobs"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if sys.platform != "win32":
        os.chmod(folder, 0o700)  # mkdir's mode is masked by umask; other users must not read projects
    return folder


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so a reader never sees half a file (temp file + rename)."""
    from reaper_ext.storage.atomic import write_atomic

    write_atomic(path, json.dumps(data).encode("utf-8"))


def read_json(path: Path, *, max_bytes: int | None = None) -> Any:
    """A JSON file's content, or None when it is missing, too big or half written."""
    try:
        if max_bytes is not None and path.stat().st_size > max_bytes:
            return None
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except (OSError, ValueError):
        return None


def _prune(folder: Path) -> None:
    jobs = sorted((p for p in folder.iterdir() if p.is_dir() and (p / JOB_FILE).exists()), key=lambda p: p.stat().st_mtime)
    for old in jobs[:-_KEEP_JOBS]:
        if (old / RESULT_FILE).exists() or (old / ERROR_FILE).exists():
            for child in old.iterdir():
                try:
                    child.unlink()
                except OSError:
                    pass
            try:
                old.rmdir()
            except OSError:
                pass


def create_job(kind: str, *, project: dict, selected_track_guids: list[str], selected_item_guids: list[str] | None = None,
               settings_path: str | None = None, folder: Path | None = None, options: dict | None = None) -> Path:
    """Make a job folder with its ``job.json``; returns the folder."""
    if kind not in ALL_JOB_KINDS:
        raise ValueError(f"unknown job kind {kind!r}: one of {', '.join(ALL_JOB_KINDS)}")
    base = folder or private_dir()
    _prune(base)
    job_dir = base / f"{time.strftime('%Y%m%d-%H%M%S')}-{kind}-{uuid.uuid4().hex[:8]}"
    job_dir.mkdir(mode=0o700)
    write_json_atomic(job_dir / JOB_FILE, {
        "version": 1,
        "kind": kind,
        "project": project,
        "selected_track_guids": list(selected_track_guids),
        "selected_item_guids": list(selected_item_guids or []),
        "settings_path": settings_path,
        "options": dict(options or {}),  # what one kind needs besides (sparks: time selection, edit cursor)
        "created": time.time(),
    })
    write_json_atomic(job_dir / PROGRESS_FILE, {"fraction": 0.0, "stage": "starting the worker", "eta_sec": None})
    return job_dir


def read_progress(job_dir: Path) -> dict:
    """The worker's last progress (cheap: a small file)."""
    return read_json(job_dir / PROGRESS_FILE, max_bytes=MAX_STATUS_BYTES) or {"fraction": 0.0, "stage": "", "eta_sec": None}


def request_cancel(job_dir: Path) -> None:
    """Ask the worker to stop (it checks between tracks)."""
    (job_dir / CANCEL_FILE).write_text("cancel\n", encoding="utf-8")


def is_cancel_requested(job_dir: Path) -> bool:
    return (job_dir / CANCEL_FILE).exists()


def unfinished_jobs(folder: Path | None = None) -> list[Path]:
    """Job folders with neither a result nor an error yet."""
    base = folder or private_dir()
    return sorted(
        p for p in base.iterdir()
        if p.is_dir() and (p / JOB_FILE).exists() and not (p / RESULT_FILE).exists() and not (p / ERROR_FILE).exists()
    )


#: Which suggestion kinds each job produces (None: all of them), from the one registry of
#: kinds (reaper_ext.suggest.kinds). Pure data, shared by the worker (which filters) and
#: the runner (which replaces only these when applying).
KIND_FILTERS: dict[str, frozenset[str] | None] = {"analyze": None, **{job: kinds_of_job(job) for job in FILTERED_JOBS}}
#: Jobs that act on the selected tracks only (all tracks when none is selected).
SELECTION_KINDS = frozenset({"label", "suggest_fx"})


def replace_scope(kind: str, selected_track_guids: list[str]):
    """Which pending suggestions a job's result replaces: those it could have made again.

    ``None`` means every pending suggestion (a whole-session analysis); separating
    replaces only an earlier separation of the same items (same ids); a file job
    (:data:`FILE_JOB_KINDS`) replaces nothing.
    """
    if kind in FILE_JOB_KINDS:
        return lambda suggestion: False
    kinds = KIND_FILTERS.get(kind)
    if kinds is None:
        return None
    if kind == "separate":
        return lambda suggestion: False
    if kind in ("tuning", "denoise"):
        # inside REAPER these jobs make no take forms yet (tuning.passes.run_job): a new run
        # replaces only the tuning markers of the tracks it checked
        checked = set(selected_track_guids) or None
        return lambda suggestion: (
            kind == "tuning" and suggestion.kind == "marker" and suggestion.params.get("problem_kind") == "tuning"
            and (checked is None or suggestion.target in checked))
    targets = set(selected_track_guids) if kind in SELECTION_KINDS and selected_track_guids else None
    return lambda suggestion: suggestion.kind in kinds and (targets is None or suggestion.target in targets)

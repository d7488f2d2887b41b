"""The worker's side of the *reaper-ext - Sparks for this section* action.

The action (inside REAPER) snapshots the project and hands the worker a job
with ``options``: the time selection and the edit cursor. The sparks are made
for the time selection when there is one, else for the section under the edit
cursor. The tempo map comes from the project file on disk when its ``TEMPO``
agrees with the open project (REAPER saves the tempo envelope there); otherwise
from the open project's tempo and meter, without tempo changes (said in the
messages).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["run_sparks_job"]


def _tempo_map(project, messages: list[str]):
    from reaper_ext.errors import ProjectError
    from reaper_ext.session.rpp import load_document
    from reaper_ext.session.rpp.midi import TempoMap, tempo_map_from_document

    constant = TempoMap.constant(project.tempo_bpm, tuple(project.time_signature))
    path = Path(project.path) if project.path else None
    if path is not None and path.is_file():
        try:
            saved = tempo_map_from_document(load_document(path))
        except ProjectError:
            saved = None
        if saved is not None and abs(saved.bpm_at(0.0) - project.tempo_bpm) < 1e-6:
            return saved
    messages.append(f"tempo map: {project.tempo_bpm:g} BPM throughout (save the project for its tempo changes to count)")
    return constant


def run_sparks_job(job: dict, progress) -> dict:
    """Make the sparks of a job (``job.json`` as a dict); returns the worker's result dict.

    Parameters
    ----------
    job : dict
        ``kind "sparks"``, ``project`` (a snapshot), ``options``: ``time_selection_sec`` ``[start, end]``
        (equal when there is none) and ``cursor_sec``.
    progress : callable
        ``progress(fraction, stage)``.
    """
    from reaper_ext.session.serialize import project_from_dict
    from reaper_ext.sparks.project import sparks_for_project, sparks_suggestions

    project = project_from_dict(job["project"])
    options = job.get("options") or {}
    messages: list[str] = []
    tempo_map = _tempo_map(project, messages)
    selection = options.get("time_selection_sec") or [0.0, 0.0]
    time_range = (float(selection[0]), float(selection[1])) if float(selection[1]) > float(selection[0]) else None
    cursor = options.get("cursor_sec")
    progress(0.1, "reading the song")
    result = sparks_for_project(project, tempo_map, time_range_sec=time_range,
                                at_sec=None if time_range is not None or cursor is None else float(cursor))
    progress(0.9, "writing the ideas")
    scope = "selection" if time_range is not None else "cursor"
    suggestions = sparks_suggestions(result, tempo_map, scope=scope)
    where = ", ".join(f"{label} (bars {first + 1}-{first + n})" for label, first, n in result.sections)
    messages = [f"{result.key}; sparks for {where}"] + messages + result.messages
    return {"suggestions": [s.to_dict() for s in suggestions], "messages": messages, "report": None}

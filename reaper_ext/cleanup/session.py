"""The clean-up of a project's items: a rendered file and a ``denoise`` suggestion per item that needs it.

For each audible item the part of its source it plays is measured
(:func:`reaper_ext.cleanup.plan.plan_cleanup`); when a clean-up is worth
suggesting, the **whole source file** is rendered cleaned (same rate, sample
format and length, sample-aligned), beside the source inside the project's
folder tree or in ``<project>/reaper-ext cleaned/``, under a name that never
replaces an existing file, and recorded with its size and SHA-256
(:func:`reaper_ext.suggest.ledger.files.record_file`) so rejecting can remove
exactly that file. The suggestion (kind ``denoise``) adds it to the item as a
new take, not active (:mod:`reaper_ext.session.rpp.takes`): the new take
copies the active take's start offset, so it lines up to the sample.
"""

from __future__ import annotations

import os
from pathlib import Path

from reaper_ext.cleanup.plan import CleanupPlan, CleanupSettings, plan_cleanup, write_cleaned
from reaper_ext.errors import ReaperExtError
from reaper_ext.tuning.item_audio import item_skip_reason, read_item_audio

__all__ = ["CLEANED_SUBFOLDER", "cleaned_path_for", "clean_track", "hum_notch_suggestion"]

CLEANED_SUBFOLDER = "reaper-ext cleaned"


def cleaned_path_for(source: Path, project_folder: Path | None) -> Path:
    """A new file name for the cleaned copy of ``source`` (never an existing file)."""
    from reaper_ext.suggest.ledger.files import is_inside

    folder = source.parent
    if project_folder is not None and not is_inside(os.path.realpath(source.parent), os.path.realpath(project_folder)):
        folder = Path(project_folder) / CLEANED_SUBFOLDER
    base = f"{source.stem} (reaper-ext cleaned)"
    candidate = folder / f"{base}{source.suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{base} {n}{source.suffix}"
        n += 1
    return candidate


def clean_track(
    project, track, settings: CleanupSettings | None = None, *, item_guids: set[str] | None = None,
    hum_nominal_hz: float | None = None, part_name: str = "the part", render: bool = True,
) -> tuple[list, list[dict], list[str]]:
    """Plan (and render where suggested) every audible item of ``track``.

    ``render=False`` measures and decides only (no file is written, no
    ``denoise`` suggestion made; the decision is in the plans and a message):
    for a run whose suggestions are not written into a project (``analyze --json``).

    Returns
    -------
    suggestions : list of Suggestion
        One ``denoise`` per item whose plan suggests a clean-up.
    plans : list of dict
        Each checked item's plan (``CleanupPlan.to_dict`` plus ``item_guid``), for the analysis JSON.
    messages : list of str
        Items skipped, and why.
    """
    from reaper_ext.suggest.ledger.files import record_file
    from reaper_ext.suggest.model import Suggestion, make_suggestion_id

    settings = settings or CleanupSettings()
    suggestions, plans, messages = [], [], []
    hums = []
    for item in track.items:
        if item_guids is not None and item.guid not in item_guids:
            continue
        reason = item_skip_reason(item)
        if reason:
            messages.append(f"item at {item.position_sec:.2f} s not cleaned: {reason}")
            continue
        try:
            samples, rate = read_item_audio(item)
        except ReaperExtError as error:
            messages.append(f"item at {item.position_sec:.2f} s not cleaned: {error}")
            continue
        plan: CleanupPlan = plan_cleanup(samples.mean(axis=1), rate, settings, hum_nominal_hz=hum_nominal_hz, part_name=part_name)
        plans.append({"item_guid": item.guid, **plan.to_dict()})
        if plan.hum is not None:
            hums.append(plan.hum)
        if not plan.is_suggested:
            continue
        if not render:
            messages.append(f"item at {item.position_sec:.2f} s: {plan.why}; not rendered (this run writes no "
                            "suggestions into the project)")
            continue
        source = Path(item.media.resolved_path)
        target = cleaned_path_for(source, project.folder)
        try:
            write_cleaned(source, target, plan)
        except (ReaperExtError, OSError) as error:
            messages.append(f"item at {item.position_sec:.2f} s: the cleaned file could not be written ({error})")
            continue
        record = record_file(target)
        file_value = os.path.relpath(target, project.folder).replace(os.sep, "/") if project.folder else str(target)
        suggestions.append(Suggestion(
            id=make_suggestion_id("denoise", track.guid, item.guid),
            kind="denoise", target=track.guid, track_name=track.name,
            params={"item_guid": item.guid, "file": file_value, "take_name": f"reaper-ext: cleaned {source.name}",
                    "source_type": _source_type(source), "max_reduction_db": plan.max_reduction_db,
                    "n_clicks": len(plan.clicks) if plan.repair else 0, "created_files": [record]},
            why=plan.why + "; written as a new take, not active (the original take still plays)",
            confidence=0.75,
        ))
    if hums and hum_nominal_hz:
        suggestions.append(hum_notch_suggestion(track, max(hums, key=lambda hum: max(hum.levels_dbfs)), hum_nominal_hz))
    return suggestions, plans, messages


def hum_notch_suggestion(track, hum, nominal_hz: float):
    """The hum ``notch`` at the *measured* frequencies.

    Its id is the corrective rule's for the same track and mains base, so in
    ``analyze`` it takes that suggestion's place (which notches the nominal
    ``k x 50/60`` Hz, where a Q 30 notch may miss a hum that runs 0.2 Hz off by
    more than its depth allows).
    """
    from reaper_ext.cleanup.hum import NOTCH_Q
    from reaper_ext.fx import EqBand
    from reaper_ext.suggest.model import Suggestion, make_suggestion_id
    from reaper_ext.suggest.rules.common import eq_fx

    freqs = [round(freq, 2) for freq in hum.harmonics_hz]
    bands = [EqBand("notch", freq, 0.0, q=NOTCH_Q) for freq in freqs]
    listed = ", ".join(f"{freq:.2f}" for freq in freqs)
    return Suggestion(
        id=make_suggestion_id("notch", track.guid, float(nominal_hz)),
        kind="notch", target=track.guid, track_name=track.name,
        params={"fx": eq_fx(f"hum notch {hum.base_hz:.2f} Hz", bands), "freq_hz": freqs, "base_hz": round(hum.base_hz, 3)},
        why=(f"Mains hum measured at {hum.base_hz:.2f} Hz in the gaps (nominal {nominal_hz:.0f} Hz), up to "
             f"{max(hum.levels_dbfs):.0f} dBFS: notch {listed} Hz (Q {NOTCH_Q:.0f}), on the measured frequencies"),
        confidence=0.9,
    )


def _source_type(path: Path) -> str:
    """REAPER's ``<SOURCE`` type for a file written by soundfile."""
    return {".flac": "FLAC", ".ogg": "VORBIS", ".wav": "WAVE", ".aif": "WAVE", ".aiff": "WAVE"}.get(path.suffix.lower(), "WAVE")

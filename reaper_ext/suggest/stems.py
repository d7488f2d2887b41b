"""Separate a project track into stems and offer them as a suggestion.

Each audible item's source file is separated (``reaper_ext.separation``); the
stem files go next to that source file when it lies in the project's folder
tree, else into ``<project folder>/reaper-ext stems/``, under names that never
replace an existing file; a ``stems`` suggestion adds one track per stem in a
folder under the source track, each item at the source item's position,
length and start offset, so stems line up with the mix to the sample. Each
stem file is recorded with its size and SHA-256 (``created_files``), so that
rejecting the suggestion can delete exactly those files and nothing else
(see :mod:`reaper_ext.suggest.ledger.files`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from reaper_ext.errors import SeparationError
from reaper_ext.suggest.ledger.files import is_inside, record_file
from reaper_ext.suggest.model import Suggestion, make_suggestion_id

__all__ = ["stems_suggestion", "separate_project_track", "stems_folder_for", "STEMS_SUBFOLDER"]

STEMS_SUBFOLDER = "reaper-ext stems"


def _relative_to_project(path: Path, project_folder: Path) -> str:
    try:
        return os.path.relpath(path, project_folder).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return str(path)


def stems_folder_for(source: Path, project_folder: Path | None) -> Path:
    """Where the stems of ``source`` go: beside it inside the project's folder tree, else a project subfolder."""
    if project_folder is None:
        return source.parent
    root = os.path.realpath(project_folder)
    if is_inside(os.path.realpath(source.parent), root):
        return source.parent
    return Path(project_folder) / STEMS_SUBFOLDER


def stems_suggestion(project, track, *, separate, model: str, item_guids=None) -> tuple[Suggestion, list[str]]:
    """Separate the audible items of ``track`` (those in ``item_guids``, or all); returns the suggestion and messages.

    ``separate(path, out_dir)`` runs the separation (a closure over the CLI's or
    worker's options) and returns a ``SeparationResult``.
    """
    messages: list[str] = []
    stems: dict[str, list[dict]] = {}
    created: list[dict] = []  # ledger.files.record_file records
    separated_files: dict[Path, Any] = {}  # source -> SeparationResult
    for item in track.items:
        if item.is_muted or item.media is None or (item_guids is not None and item.guid not in item_guids):
            continue
        if not item.media.is_found:
            messages.append(f"item at {item.position_sec:.2f}s: {item.media.file_as_written!r} is missing; skipped")
            continue
        source = item.media.resolved_path
        if source not in separated_files:
            result = separate(source, stems_folder_for(source, project.folder))
            separated_files[source] = result
            created += [record_file(path) for path in result.stem_paths.values()]
        result = separated_files[source]
        for stem, path in result.stem_paths.items():
            stems.setdefault(stem, []).append({
                "position_sec": item.position_sec, "length_sec": item.length_sec,
                "start_offset_sec": item.start_offset_sec + item.section_start_sec,
                "file": _relative_to_project(path, project.folder) if project.folder else str(path),
                "name": path.name, "source_type": "WAVE",
            })
    if not stems:
        raise SeparationError(f"track {track.name!r}: no readable audio items to separate; " + "; ".join(messages))
    n_items = len(next(iter(stems.values())))
    suggestion = Suggestion(
        id=make_suggestion_id("stems", track.guid, [model, sorted(item_guids) if item_guids is not None else None]),
        kind="stems", target=track.guid, track_name=track.name,
        params={"model": model, "stems": [{"stem": stem, "items": items} for stem, items in stems.items()],
                "created_files": created},
        why=(f"{len(stems)} stems ({', '.join(stems)}) separated from {n_items} item(s) with {model}; "
             "they sum back to the original and sit at the same positions"),
        confidence=0.8,
    )
    return suggestion, messages


def separate_project_track(project_path: Path, track_name: str, *, out_project: Path, **options) -> list[str]:
    """CLI form: separate one track of a ``.RPP`` and write the stems suggestion into ``out_project``.

    An earlier separation of the same track with the same model is replaced.
    Its stem files are deleted only when the project is saved in place (and
    only those that pass :func:`reaper_ext.suggest.ledger.files.delete_created_files`);
    written to another file, the source project still uses them, so they stay.
    """
    from reaper_ext.separation import separate_file
    from reaper_ext.session.rpp import load_document, read_project, save_document
    from reaper_ext.session.rpp.project_file import rebase_media_paths
    from reaper_ext.session.rpp.writer import RppSessionWriter
    from reaper_ext.storage.atomic import same_file
    from reaper_ext.suggest.ledger.core import Selection, apply_suggestions, reject
    from reaper_ext.suggest.ledger.files import delete_after_save

    project_path, out_project = Path(project_path), Path(out_project)
    doc = load_document(project_path)
    project = read_project(doc)
    track = next((t for t in project.tracks if t.name == track_name or t.guid == track_name), None)
    if track is None:
        raise SeparationError(f"{project_path}: no track named {track_name!r}")
    if track.guid.startswith("#"):  # see ledger.core.POSITION_CHANGING_KINDS
        raise SeparationError(
            f"{project_path}: its tracks have no GUIDs (saved by an old REAPER), so stem tracks can't be added "
            "without moving other tracks' suggestions; open and save the project in a current REAPER first"
        )
    model = options.get("model", "htdemucs")
    writer = RppSessionWriter(doc)
    # an earlier separation of this track with this model is replaced (its files are
    # only proposed for deletion: new stems never take an existing file's name)
    earlier = reject(writer, Selection(ids=(make_suggestion_id("stems", track.guid, [model, None]),)))
    suggestion, messages = stems_suggestion(
        read_project(doc), track, separate=lambda path, out_dir: separate_file(path, out_dir, **options), model=model
    )
    messages += earlier.messages
    result = apply_suggestions(writer, [suggestion], replace_where=lambda old: False)
    messages += result.messages
    in_place = out_project.exists() and same_file(out_project, project_path)
    if not in_place and project.folder is not None:
        rebase_media_paths(doc, project.folder, out_project.parent if str(out_project.parent) else Path("."))
    backup = save_document(doc, out_project, keep_backup=True)
    if in_place:
        messages += delete_after_save(earlier.removals, project_path=project_path, saved_project=read_project(doc))
    elif earlier.removals:
        messages.append(f"the earlier stems stay on disk: {project_path} still uses them")
    lines = [f"{project_path}: track {track.name!r} separated into {len(suggestion.params['stems'])} stems ({suggestion.id})"]
    lines += [f"  {stem['stem']}: {stem['items'][0]['file']}" for stem in suggestion.params["stems"]]
    lines.append(f"  written to {out_project} as a suggestion (stem tracks muted until accepted)" + (f"; backup at {backup}" if backup else ""))
    lines += [f"  note: {message}" for message in messages]
    return lines

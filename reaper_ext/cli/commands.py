"""What each ``reaper-ext`` command does (the parsers live in :mod:`reaper_ext.cli.main`).

Imported only when a command runs, so ``reaper-ext info`` stays light.
"""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from pathlib import Path

from reaper_ext.cli.main import printable as _printable
from reaper_ext.errors import ReaperExtError, SeparationError
from reaper_ext.pipeline.progress import TerminalProgress

__all__ = ["run_analyze", "run_suggestions", "run_accept", "run_reject", "run_separate", "check_outputs", "SONG_WIDE_KINDS"]


def _write_json(path: str, data: dict) -> None:
    from reaper_ext.errors import ProjectWriteError
    from reaper_ext.storage.atomic import write_atomic

    text = json.dumps(_printable(data), indent=2, ensure_ascii=False) + "\n"
    try:
        write_atomic(Path(path), text.encode("utf-8"), mode=0o644)
    except OSError as error:
        raise ProjectWriteError(f"{path}: can't write the JSON ({error.strerror or error}); nothing written") from None


# -- outputs never replace inputs ---------------------------------------------------
def _is_project_file(path: Path) -> bool:
    if path.suffix.lower() in (".rpp", ".rpp-bak") or ".reaper-ext-bak" in path.name:
        return True
    try:
        with open(path, "rb") as stream:
            return stream.read(64).lstrip().startswith(b"<REAPER_PROJECT")
    except OSError:
        return False


def _has_ledger(path: Path) -> bool:
    """Whether ``path`` is a project carrying a reaper-ext ledger (an earlier output)."""
    from reaper_ext.session.rpp import load_document
    from reaper_ext.session.rpp.reader import read_ext_state
    from reaper_ext.session.writer import LEDGER_SECTION

    try:
        return LEDGER_SECTION in read_ext_state(load_document(path))
    except ReaperExtError:
        return False


def check_outputs(project_path: Path, project, outputs: list[tuple[str, str | None]]) -> None:
    """Refuse, before anything is analysed or written, an output that would replace an input.

    Parameters
    ----------
    project_path : Path
        The project being read.
    project : Project
        Its contents (its media files are inputs too).
    outputs : list of (option, path)
        ``("--json", "a.json")``...; ``None`` paths are skipped.

    Raises
    ------
    ReaperExtError
        One line naming the option, the file and why (nothing was written).
    """
    from reaper_ext.storage.atomic import same_file

    media = [item.media.resolved_path for track in project.tracks for item in track.items
             if item.media is not None and item.media.resolved_path is not None]
    seen: list[tuple[str, Path]] = []
    for option, text in outputs:
        if not text:
            continue
        out = Path(text)
        if out.exists() or out.is_symlink():
            if out.is_dir():
                raise ReaperExtError(f"{option} {out}: is a folder; name a file")
            if same_file(out, project_path):
                hint = "; to write into the project use --in-place" if option == "--write" else ""
                raise ReaperExtError(f"{option} {out}: is the project being read; outputs never replace an input{hint}")
            if any(same_file(out, path) for path in media):
                raise ReaperExtError(f"{option} {out}: is a media file of {project_path}; outputs never replace an input")
            if option == "--write":
                if _is_project_file(out) and not _has_ledger(out):
                    raise ReaperExtError(
                        f"{option} {out}: is an existing project without reaper-ext suggestions (not an earlier output); "
                        "outputs never replace a project file: choose another name"
                    )
            elif _is_project_file(out):
                raise ReaperExtError(f"{option} {out}: is a REAPER project file; outputs never replace a project file")
        elif not out.parent.is_dir() and str(out.parent):
            raise ReaperExtError(f"{option} {out}: the folder {out.parent} does not exist")
        for other_option, other in seen:
            if out.resolve() == other.resolve() or ((out.exists() or other.exists()) and same_file(out, other)):
                raise ReaperExtError(f"{option} and {other_option} name the same file {out}")
        seen.append((option, out))


def _summary_line(track) -> str:
    if track.error:
        return f"  {track.name or '(unnamed)'}: NOT ANALYSED: {track.error}"
    if track.label is None:
        return f"  {track.name or '(unnamed)'}: {'; '.join(track.messages) or 'nothing to analyse'}"
    label = track.label
    measured = track.measurements
    problems = ", ".join(sorted({problem.kind for problem in track.problems})) or "no problems"

    def level(value: float | None) -> str:  # -inf (silence) as in the JSON's None
        return f"{value:.1f}" if value is not None and value > float("-inf") else "-inf"

    loudness = None if measured is None else measured.loudness_lufs
    peak = None if measured is None else measured.sample_peak_dbfs
    return (
        f"  {track.name or '(unnamed)'}: {label.fine_class} ({label.coarse_class}, {label.confidence:.0%}); "
        f"{level(loudness)} LUFS, peak {level(peak)} dBFS; {problems}"
    )


# kinds made from the whole song, the whole track list, or pairs of tracks: an analysis of
# some tracks (--track) neither makes nor replaces them
SONG_WIDE_KINDS = frozenset({"tempo", "key", "section", "folder", "order", "unmask"})


def _chosen_guids(args: Namespace, project, entries) -> set[str] | None:
    """GUIDs of the tracks ``--track`` names (name, GUID, or a pending suggested name); None for all."""
    if not args.track:
        return None
    chosen: set[str] = set()
    unknown = []
    for wanted in args.track:
        found = {track.guid for track in project.tracks if wanted in (track.name, track.guid)}
        found |= {entry.suggestion.target for entry in entries  # the name before or after a pending rename
                  if entry.suggestion.kind == "name" and wanted in (entry.suggestion.params.get("name"), entry.suggestion.track_name)}
        if not found:
            unknown.append(wanted)
        chosen |= found
    if unknown:
        raise ReaperExtError(f"{args.project}: no track named {', '.join(repr(name) for name in unknown)}")
    return chosen


def _is_per_track(suggestion, chosen: set[str]) -> bool:
    from reaper_ext.suggest.model import TARGET_PROJECT

    return suggestion.target in chosen and suggestion.target != TARGET_PROJECT and suggestion.kind not in SONG_WIDE_KINDS


def run_analyze(args: Namespace) -> int:
    from reaper_ext.pipeline.session import analyze_project
    from reaper_ext.session.rpp import load_document, read_project, save_document
    from reaper_ext.session.rpp.project_file import rebase_media_paths
    from reaper_ext.session.rpp.writer import RppSessionWriter
    from reaper_ext.settings import load_settings
    from reaper_ext.storage.cache import ContentCache
    from reaper_ext.suggest.engine import suggest
    from reaper_ext.suggest.ledger.core import apply_suggestions, disown_created_files, read_ledger, reject_where

    settings = load_settings(Path(args.settings) if args.settings else None)
    project_path = Path(args.project)
    doc = load_document(project_path)
    project = read_project(doc)
    writer = RppSessionWriter(doc)
    entries, _ = read_ledger(writer)
    chosen = _chosen_guids(args, project, entries)
    out = project_path if args.in_place else (Path(args.write) if args.write else None)
    check_outputs(project_path, project, [("--json", args.json), ("--report", args.report), ("--write", args.write)])
    if args.in_place:
        from reaper_ext.storage.atomic import check_writable

        check_writable(project_path, what="project")  # before minutes of analysis, not after
    # Analyse the project as it is without the pending suggestions this run replaces (in
    # memory; saved only with --write/--in-place): an analysis of the already-renamed
    # project would not suggest those names again. Stems are never replaced (no analysis
    # makes them; nor sparks); with --track only those tracks' own suggestions are.
    if chosen is None:
        in_scope = lambda old: old.kind not in ("stems", "sparks")  # noqa: E731
    else:
        in_scope = lambda old: old.kind not in ("stems", "sparks") and _is_per_track(old, chosen)  # noqa: E731
    replaced = reject_where(writer, in_scope)
    project = read_project(doc)
    tracks = None if chosen is None else [track for track in project.tracks if track.guid in chosen]
    bar = TerminalProgress()
    try:
        analysis = analyze_project(
            project, cache=None if args.no_cache else ContentCache(), progress=bar,
            settings_key=settings.cache_key(), tracks=tracks,
        )
    finally:
        bar.close()
    suggestions = suggest(project, analysis, settings)
    from reaper_ext.tuning.passes import run_passes  # tuning / denoise, when switched on in the settings

    extra = run_passes(project, analysis, settings, doc=doc, render=out is not None)
    suggestions = extra.merged(suggestions)
    if chosen is not None:  # one track says nothing about the song's tempo, key, sections or track order
        suggestions = [suggestion for suggestion in suggestions if _is_per_track(suggestion, chosen)]
    print(f"{args.project}: {len(analysis.tracks)} tracks analysed in {analysis.elapsed_sec:.1f}s "
          f"({analysis.n_tracks_from_cache} from cache)")
    for track in analysis.tracks:
        print(_summary_line(track))
    if analysis.tempo_bpm and chosen is None:
        print(f"  song: {analysis.tempo_bpm:.1f} BPM, {analysis.key}, sections "
              + " ".join(section.label for section in analysis.sections))
    for message in analysis.messages + extra.messages:
        print(f"  note: {message}")
    print(f"  {len(suggestions)} suggestions")
    if args.json:
        data = analysis.to_dict()
        data["suggestions"] = [suggestion.to_dict() for suggestion in suggestions]
        extra.add_to_json(data)  # per track "intonation" / "cleanup" when those passes ran
        _write_json(args.json, data)
        print(f"  analysis written to {args.json}")
    if args.report:
        from reaper_ext.errors import ProjectWriteError
        from reaper_ext.report.html import render_report
        from reaper_ext.storage.atomic import write_atomic

        html = _printable(render_report(project, analysis, suggestions, settings))  # valid UTF-8 whatever the names hold
        try:
            write_atomic(Path(args.report), html.encode("utf-8"), mode=0o644)  # a report is for reading
        except OSError as error:
            raise ProjectWriteError(f"{args.report}: can't write the report ({error.strerror or error}); nothing written") from None
        print(f"  report written to {args.report}")
    if out is not None:
        result = apply_suggestions(writer, suggestions, replace_where=lambda old: False)
        if not args.in_place:
            # a copy: the files pending suggestions list stay the source project's; relative
            # media paths are made right for the copy's folder (REAPER resolves them from there)
            disown_created_files(writer)
            if project.folder is not None:
                rebase_media_paths(doc, project.folder, out.parent if str(out.parent) else Path("."))
        backup = save_document(doc, out, keep_backup=True)
        print(f"  {len(result.done)} suggestions written to {out} (switched off; accept or reject them)"
              + (f"; backup at {backup}" if backup else ""))
        kept = len(entries) - len(replaced.done)
        if kept:
            print(f"  {kept} earlier suggestion(s) kept pending (stems, sparks, or other tracks')")
        for message in replaced.messages + result.messages:
            print(f"  note: {message}")
    return 0


def run_suggestions(args: Namespace) -> int:
    from reaper_ext.session.rpp import load_document
    from reaper_ext.session.rpp.writer import RppSessionWriter
    from reaper_ext.suggest.ledger.core import read_ledger

    entries, damaged = read_ledger(RppSessionWriter(load_document(args.project)))
    if args.json:
        print(json.dumps(_printable({"suggestions": [entry.suggestion.to_dict() for entry in entries], "messages": damaged}),
                         indent=2, ensure_ascii=False))
        return 0
    if not entries:
        print(f"{args.project}: no suggestions waiting")
    for entry in entries:
        suggestion = entry.suggestion
        where = suggestion.track_name or "project"
        print(f"{suggestion.id}  [{suggestion.kind}] {where}: {suggestion.why}")
    for message in damaged:
        print(f"warning: {message}")
    return 0


def _ledger_command(args: Namespace, operation) -> int:
    from reaper_ext.session.rpp import load_document, read_project, save_document
    from reaper_ext.session.rpp.writer import RppSessionWriter
    from reaper_ext.suggest.ledger.core import Selection, read_ledger, resolve_track
    from reaper_ext.suggest.ledger.files import delete_after_save
    from reaper_ext.suggest.model import KINDS

    project_path = Path(args.project)
    if args.kind and args.kind not in KINDS:
        raise ReaperExtError(f"{project_path}: unknown kind {args.kind!r} (kinds: {', '.join(sorted(KINDS))})")
    doc = load_document(project_path)
    writer = RppSessionWriter(doc)
    entries, damaged = read_ledger(writer)
    known = {entry.suggestion.id for entry in entries}
    unknown = [wanted for wanted in args.id if wanted not in known]
    if unknown:
        raise ReaperExtError(
            f"{project_path}: no suggestion with id {', '.join(unknown)}; nothing changed "
            f"(list them with: reaper-ext suggestions {project_path})"
        )
    selection = Selection(ids=tuple(args.id), track=args.track, kind=args.kind, is_all=args.all)
    resolved = resolve_track(writer, selection, entries)
    if not any(resolved.matches(entry.suggestion) for entry in entries):
        what = ("no suggestions are waiting" if not entries
                else f"no suggestion matched {'--track ' + repr(args.track) if args.track else '--kind ' + repr(args.kind)}")
        for message in damaged:
            print(f"warning: {message}", file=sys.stderr)
        raise ReaperExtError(f"{project_path}: {what}; nothing changed")
    result = operation(writer, selection)
    messages = list(result.messages)
    if result.done:
        backup = save_document(doc, project_path, keep_backup=True)
        # only now that the change is saved may the files it dropped go (and only those that pass every check)
        messages += delete_after_save(result.removals, project_path=project_path, saved_project=read_project(doc))
        print(f"{args.project}: {args.command}ed {len(result.done)} suggestions" + (f" (backup at {backup})" if backup else ""))
    for message in messages:
        print(f"note: {message}")
    return 0


def run_accept(args: Namespace) -> int:
    from reaper_ext.suggest.ledger.core import accept

    return _ledger_command(args, accept)


def run_reject(args: Namespace) -> int:
    from reaper_ext.suggest.ledger.core import reject

    return _ledger_command(args, reject)


def run_separate(args: Namespace) -> int:
    from reaper_ext.separation import separate_file
    from reaper_ext.settings import load_settings

    settings = load_settings(Path(args.settings) if args.settings else None)
    model_repo = args.model_repo or settings.separation_model_repo
    source = Path(args.source)
    bar = TerminalProgress()
    options = dict(
        model=args.model or settings.separation_model, model_repo=Path(model_repo) if model_repo else None,
        device=args.device or settings.separation_device,
        segment=args.segment, overlap=args.overlap, shifts=args.shifts, use_cache=not args.no_cache,
        progress=lambda fraction, stage, eta_sec=None: bar(fraction, stage),
    )
    try:
        if source.suffix.lower() == ".rpp":
            from reaper_ext.suggest.stems import separate_project_track

            if not args.track:
                raise SeparationError(f"{source}: say which track to separate with --track NAME")
            if args.write:
                from reaper_ext.session.rpp import load_project
                from reaper_ext.storage.atomic import same_file

                if not (Path(args.write).exists() and same_file(Path(args.write), source)):
                    check_outputs(source, load_project(source)[1], [("--write", args.write)])
            result = separate_project_track(source, args.track, out_project=Path(args.write) if args.write else source, **options)
            for line in result:
                print(line)
            return 0
        if not args.out:
            raise SeparationError(f"{source}: say where the stems go with --out DIR")
        separated = separate_file(source, Path(args.out), **options)
    finally:
        bar.close()
    cached = " (from cache)" if separated.from_cache else ""
    print(f"{source}: {len(separated.stem_paths)} stems with {separated.model}{cached}")
    for stem, path in separated.stem_paths.items():
        print(f"  {stem}: {path}")
    return 0

"""What each ``reaper-ext`` command does (the parsers live in :mod:`reaper_ext.cli.main`).

Imported only when a command runs, so ``reaper-ext info`` stays light.
"""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path

from reaper_ext.errors import ReaperExtError, SeparationError
from reaper_ext.pipeline.progress import TerminalProgress

__all__ = ["run_analyze", "run_suggestions", "run_accept", "run_reject", "run_separate"]


def _write_json(path: str, data: dict) -> None:
    from reaper_ext.session.rpp.project_file import write_bytes_atomic

    write_bytes_atomic(Path(path), (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), keep_backup=False)


def _summary_line(track) -> str:
    if track.error:
        return f"  {track.name or '(unnamed)'}: NOT ANALYSED: {track.error}"
    if track.label is None:
        return f"  {track.name or '(unnamed)'}: {'; '.join(track.messages) or 'nothing to analyse'}"
    label = track.label
    measured = track.measurements or {}
    problems = ", ".join(sorted({problem["kind"] for problem in track.problems})) or "no problems"
    loudness = measured.get("loudness_lufs")
    peak = measured.get("sample_peak_dbfs")
    return (
        f"  {track.name or '(unnamed)'}: {label['class']} ({label['coarse_class']}, {label['confidence']:.0%}); "
        f"{'-inf' if loudness is None else f'{loudness:.1f}'} LUFS, peak {'-inf' if peak is None else f'{peak:.1f}'} dBFS; {problems}"
    )


def run_analyze(args: Namespace) -> int:
    from reaper_ext.storage.cache import ContentCache
    from reaper_ext.suggest.ledger.core import apply_suggestions
    from reaper_ext.session.rpp import load_document, read_project, save_document
    from reaper_ext.session.rpp.writer import RppSessionWriter
    from reaper_ext.pipeline.session import analyze_project
    from reaper_ext.settings import load_settings
    from reaper_ext.suggest.engine import suggest

    settings = load_settings(Path(args.settings) if args.settings else None)
    doc = load_document(args.project)
    project = read_project(doc)
    chosen = None
    if args.track:
        chosen = [track for track in project.tracks if track.name in args.track or track.guid in args.track]
        unknown = set(args.track) - {t.name for t in chosen} - {t.guid for t in chosen}
        if unknown:
            raise ReaperExtError(f"{args.project}: no track named {', '.join(sorted(unknown))}")
    bar = TerminalProgress()
    try:
        analysis = analyze_project(
            project, cache=None if args.no_cache else ContentCache(), progress=bar,
            settings_key=settings.cache_key(), tracks=chosen,
        )
    finally:
        bar.close()
    suggestions = suggest(project, analysis, settings)
    print(f"{args.project}: {len(analysis.tracks)} tracks analysed in {analysis.elapsed_sec:.1f}s "
          f"({analysis.n_tracks_from_cache} from cache)")
    for track in analysis.tracks:
        print(_summary_line(track))
    if analysis.tempo_bpm:
        print(f"  song: {analysis.tempo_bpm:.1f} BPM, {analysis.key}, sections "
              + " ".join(section["label"] for section in analysis.sections))
    for message in analysis.messages:
        print(f"  note: {message}")
    print(f"  {len(suggestions)} suggestions")
    if args.json:
        data = analysis.to_dict()
        data["suggestions"] = [suggestion.to_dict() for suggestion in suggestions]
        _write_json(args.json, data)
        print(f"  analysis written to {args.json}")
    if args.report:
        from reaper_ext.report.html import write_report

        write_report(Path(args.report), project, analysis, suggestions, settings)
        print(f"  report written to {args.report}")
    if args.write or args.in_place:
        result = apply_suggestions(RppSessionWriter(doc), suggestions)
        out = Path(args.project) if args.in_place else Path(args.write)
        backup = save_document(doc, out, keep_backup=True)
        print(f"  {len(result.done)} suggestions written to {out} (switched off; accept or reject them)"
              + (f"; backup at {backup}" if backup else ""))
        for message in result.messages:
            print(f"  note: {message}")
    return 0


def run_suggestions(args: Namespace) -> int:
    from reaper_ext.suggest.ledger.core import read_ledger
    from reaper_ext.session.rpp import load_document
    from reaper_ext.session.rpp.writer import RppSessionWriter

    entries, damaged = read_ledger(RppSessionWriter(load_document(args.project)))
    if args.json:
        print(json.dumps({"suggestions": [entry.suggestion.to_dict() for entry in entries], "messages": damaged},
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
    from reaper_ext.suggest.ledger.core import Selection
    from reaper_ext.session.rpp import load_document, save_document
    from reaper_ext.session.rpp.writer import RppSessionWriter

    doc = load_document(args.project)
    selection = Selection(ids=tuple(args.id), track=args.track, kind=args.kind, is_all=args.all)
    result = operation(RppSessionWriter(doc), selection)
    if not result.done and not result.messages:
        print(f"{args.project}: no suggestion matched")
        return 1 if args.id else 0
    if result.done:
        backup = save_document(doc, args.project, keep_backup=True)
        print(f"{args.project}: {args.command}ed {len(result.done)} suggestions (backup at {backup})")
    for message in result.messages:
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

"""``reaper-ext sparks PROJECT.RPP [--section A] [--write OUT.RPP] [--mid DIR] [--json OUT.json]``.

Reads the song (chords bar by bar, key, sections, the drummer's groove, the
lead's strong-beat notes) and writes, per idea, a muted ``Sparks: ...`` track of
inline MIDI items (one per section) as ledger suggestions of kind ``sparks``:
accept unmutes the track, reject removes it and its items, ``reject --all``
gives back the project's bytes. Like ``separate``, it edits the project in
place (atomically, with a backup) unless ``--write`` names a new file. Sparks
from an earlier run are replaced; nothing else in the project changes.
"""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path

__all__ = ["run_sparks"]


def run_sparks(args: Namespace) -> int:
    from reaper_ext.cli.commands import check_outputs
    from reaper_ext.errors import ProjectWriteError
    from reaper_ext.session.rpp import load_document, read_project, save_document
    from reaper_ext.session.rpp.midi import tempo_map_from_document, write_mid_file
    from reaper_ext.session.rpp.project_file import rebase_media_paths
    from reaper_ext.session.rpp.writer import RppSessionWriter
    from reaper_ext.sparks.project import project_sparks, sparks_suggestions
    from reaper_ext.storage.atomic import write_atomic
    from reaper_ext.suggest.ledger.core import apply_suggestions

    project_path = Path(args.project)
    doc = load_document(project_path)
    project = read_project(doc)
    # refuse an output that would replace an input before any work is done
    check_outputs(project_path, project, [("--write", args.write), ("--json", args.json)])
    if args.mid and Path(args.mid).exists() and not Path(args.mid).is_dir():
        raise ProjectWriteError(f"--mid {args.mid}: is a file; name a folder for the .mid files")
    doc, result = project_sparks(project_path, section_label=args.section, doc=doc)
    tempo_map = tempo_map_from_document(doc)
    suggestions = sparks_suggestions(result, tempo_map, scope=args.section or "")
    writer = RppSessionWriter(doc)
    # earlier sparks go (their tracks with them); every other suggestion stays as it was
    applied = apply_suggestions(writer, suggestions, replace_where=lambda old: old.kind == "sparks")
    out = Path(args.write) if args.write else project_path
    if args.write and project.folder is not None:
        rebase_media_paths(doc, project.folder, out.parent if str(out.parent) else Path("."))
    backup = save_document(doc, out, keep_backup=True)

    print(f"{project_path}: {result.key}, {result.tempo_bpm:.1f} BPM; chords "
          + " ".join(chord.name for chord in result.chords[:16]) + (" ..." if len(result.chords) > 16 else ""))
    if result.groove is not None:
        print(f"  groove: {result.groove.describe()}")
    sections = ", ".join(f"{label} (bars {first + 1}-{first + n})" for label, first, n in result.sections)
    print(f"  sparks for {sections}:")
    for spark in result.sparks:
        print(f"    [{spark.section_label}] {spark.name}: {spark.why}")
    print(f"  {len(applied.done)} sparks tracks written to {out}, muted (accept or reject them: kind 'sparks')"
          + (f"; backup at {backup}" if backup else ""))
    for message in result.messages + applied.messages:
        print(f"  note: {message}")
    if args.mid:
        folder = Path(args.mid)
        folder.mkdir(parents=True, exist_ok=True)
        for n, spark in enumerate(result.sparks):
            name = f"{n // 5 + 1:02d}-{spark.section_label}-{spark.kind}.mid"
            write_mid_file(folder / name, [(spark.name, spark.notes, spark.program)], tempo_map=tempo_map,
                           start_sec=spark.start_sec)
        print(f"  {len(result.sparks)} .mid files written to {folder}")
    if args.json:
        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
        try:
            write_atomic(Path(args.json), text.encode("utf-8"), mode=0o644)
        except OSError as error:
            raise ProjectWriteError(f"{args.json}: can't write the JSON ({error.strerror or error}); nothing written") from None
        print(f"  chords, groove and sparks written to {args.json}")
    return 0

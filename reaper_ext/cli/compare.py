"""``reaper-ext compare``, ``reaper-ext master`` and ``reaper-ext study`` (issue 15).

The parsers are here (:func:`add_parsers`, called by :mod:`reaper_ext.cli.main`);
numpy and the analysis load only when a command runs.
"""

from __future__ import annotations

import json
import time
from argparse import Namespace
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["add_parsers", "run_compare", "run_master", "run_study", "load_mix", "card_platforms", "settings_references"]

_SAMPLE_RATE_HZ = 44100


def add_parsers(subparsers, command: Callable[[str, str, str], None]) -> None:
    """Add ``compare``, ``master`` and ``study`` to the CLI; ``command`` registers each runner."""
    parser = subparsers.add_parser("compare", help="compare a mix with reference tracks (loudness-matched, per section)")
    parser.add_argument("mix", help="a .RPP project (rendered offline: faders, pans, mutes; no FX) or an audio file")
    parser.add_argument("--reference", action="append", metavar="REF.wav",
                        help="a reference (repeatable; default: the settings' [[references]])")
    parser.add_argument("--weight", action="append", type=float, metavar="W",
                        help="each reference's weight in the average, in --reference order (default: equal)")
    parser.add_argument("--mix-render", metavar="FILE", help="use this render of the project instead of the offline mix")
    parser.add_argument("--separate", metavar="MODEL", help="separate the references into stems with this model "
                        "(htdemucs...; the mix uses the session's tracks); time reported apart")
    parser.add_argument("--no-sections", action="store_true", help="compare whole songs only (no section analysis)")
    _add_master_options(parser)
    parser.add_argument("--settings", metavar="FILE", help="settings TOML (default: the user settings file)")
    parser.add_argument("--json", metavar="OUT.json", help="write the comparison as JSON")
    parser.add_argument("--report", metavar="OUT.html", help="write the comparison page (HTML)")
    command("compare", "reaper_ext.cli.compare", "run_compare")

    parser = subparsers.add_parser("master", help="check a master: loudness, true peak, platforms, a solved master chain")
    parser.add_argument("mix", help="a .RPP project or an audio file")
    _add_master_options(parser)
    parser.add_argument("--settings", metavar="FILE", help="settings TOML (default: the user settings file)")
    parser.add_argument("--json", metavar="OUT.json", help="write the check as JSON")
    command("master", "reaper_ext.cli.compare", "run_master")

    parser = subparsers.add_parser("study", help="a study project of a reference track: stems, sections, tempo, key")
    parser.add_argument("reference", help="the reference audio file")
    parser.add_argument("--out", required=True, metavar="DIR", help="the folder to create the study project in")
    parser.add_argument("--separate", metavar="MODEL", help="separation model for the stems (default: no stems)")
    command("study", "reaper_ext.cli.compare", "run_study")


def _add_master_options(parser) -> None:
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--write", metavar="OUT.RPP", help="a .RPP mix: write the project with the master chain "
                        "suggestion (plug-ins on the master track, bypassed) to a new file")
    target.add_argument("--in-place", action="store_true", help="a .RPP mix: record the master chain suggestion in "
                        "the project itself (atomically, keeping a backup)")
    parser.add_argument("--target-lufs", type=float, help="loudness target of the chain (default: the settings' "
                        "loudness_target_lufs, -14)")
    parser.add_argument("--ceiling-dbtp", type=float, help="true-peak ceiling (default: the settings' "
                        "true_peak_ceiling_dbtp, -1)")
    parser.add_argument("--platform", action="append", default=[], metavar="NAME:LUFS[:DBTP]",
                        help="a custom platform on the card (repeatable; besides the settings' [[platforms]])")


def card_platforms(settings, extra: Sequence[str] = ()) -> tuple:
    """The platform card: the defaults, the settings' ``[[platforms]]`` (replacing a default of the same name), then ``extra``.

    Raises
    ------
    SettingsError
        An ``extra`` entry is not ``NAME:LUFS[:DBTP]``.
    """
    from reaper_ext.errors import SettingsError
    from reaper_ext.reference.master import PLATFORMS, Platform, platform_from_text

    card = {platform.name.lower(): platform for platform in PLATFORMS}
    for entry in settings.platforms:
        card[entry["name"].lower()] = Platform(entry["name"], entry["target_lufs"], entry["ceiling_dbtp"], entry["turns_up"])
    try:
        added = [platform_from_text(text) for text in extra]
    except ValueError as error:
        raise SettingsError(str(error)) from None
    return (*card.values(), *added)


def settings_references(settings) -> tuple[list[str], list[float]]:
    """The settings' ``[[references]]``: their paths and weights.

    Raises
    ------
    MediaError
        A reference file named in the settings does not exist (the message names the settings file).
    """
    from reaper_ext.errors import MediaError

    paths, weights = [], []
    for n, entry in enumerate(settings.references, start=1):
        if not Path(entry["path"]).is_file():
            raise MediaError(f"{settings.source_path}: reference {n} {entry['path']} does not exist: "
                             "fix its path in [[references]] or remove the entry")
        paths.append(entry["path"])
        weights.append(entry["weight"])
    return paths, weights


def _settings(args: Namespace):
    from reaper_ext.settings import load_settings

    return load_settings(getattr(args, "settings", None))


def _target(args: Namespace, settings) -> tuple[float, float]:
    target = settings.loudness_target_lufs if args.target_lufs is None else args.target_lufs
    ceiling = settings.true_peak_ceiling_dbtp if args.ceiling_dbtp is None else args.ceiling_dbtp
    return target, ceiling


def _read_audio(path: str):
    import numpy as np
    import soundfile

    from reaper_ext.audio.resample import resample
    from reaper_ext.errors import MediaError

    try:
        audio, rate_hz = soundfile.read(path, dtype="float32", always_2d=True)
    except Exception as error:  # libsndfile's errors are not one class
        raise MediaError(f"{path}: can't read this audio file ({error})") from None
    if audio.shape[1] > 2:
        audio = audio[:, :2]
    if rate_hz != _SAMPLE_RATE_HZ:
        audio = resample(audio, int(rate_hz), _SAMPLE_RATE_HZ)
    return np.ascontiguousarray(audio, dtype=np.float32)


def load_mix(path: str, *, render: str | None = None):
    """The mix: a rendered project (with stems from its tracks) or an audio file.

    Returns ``(samples, stems or None, stem_tracks, notes)``.
    """
    if not path.lower().endswith(".rpp"):
        return _read_audio(path), None, {}, []
    import numpy as np

    from reaper_ext.reference.render import render_project
    from reaper_ext.reference.stems import stem_of_track_name
    from reaper_ext.session.rpp import load_project

    _, project = load_project(path)
    rendered = render_project(project, sample_rate_hz=_SAMPLE_RATE_HZ)
    stems: dict[str, np.ndarray] = {}
    stem_tracks: dict[str, tuple[str, str]] = {}
    for guid, audio in rendered.track_audio.items():
        stem = stem_of_track_name(rendered.track_names[guid])
        stems[stem] = stems[stem] + audio if stem in stems else audio
        stem_tracks.setdefault(stem, (guid, rendered.track_names[guid]))
    samples = rendered.samples
    notes = list(rendered.notes)
    if render:
        samples = _read_audio(render)
        notes[0] = f"The mix is the render {Path(render).name}; the stems are the session's {len(rendered.track_names)} tracks."
        n = samples.shape[0]
        stems = {name: np.pad(s, ((0, max(0, n - s.shape[0])), (0, 0)))[:n] for name, s in stems.items()}
    return samples, stems, stem_tracks, notes


def _write_json(path: str, data: dict) -> None:
    from reaper_ext.storage.atomic import write_atomic

    write_atomic(Path(path), (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), mode=0o644)


def run_compare(args: Namespace) -> int:
    """Run ``reaper-ext compare``."""
    from reaper_ext.errors import SettingsError
    from reaper_ext.reference.chain import solve_chain
    from reaper_ext.reference.compare import compare
    from reaper_ext.reference.stems import separate_stems

    settings = _settings(args)
    if args.reference:
        reference_paths, weights = list(args.reference), args.weight
        if weights and len(weights) != len(reference_paths):
            raise SettingsError(f"give one --weight per --reference ({len(reference_paths)}), got {len(weights)}")
    else:
        if args.weight:
            raise SettingsError("--weight goes with --reference; the settings' references carry their own weights")
        reference_paths, weights = settings_references(settings)
        if not reference_paths:
            where = settings.source_path or "the settings file"
            raise SettingsError(f"no reference: give --reference REF.wav, or add [[references]] to {where}")
    target_lufs, ceiling_dbtp = _target(args, settings)
    start = time.perf_counter()
    mix, mix_stems, stem_tracks, notes = load_mix(args.mix, render=args.mix_render)
    references = [_read_audio(path) for path in reference_paths]
    reference_stems = None
    separation_sec = 0.0
    if args.separate:
        separation_start = time.perf_counter()
        reference_stems = [separate_stems(ref, _SAMPLE_RATE_HZ, model=args.separate) for ref in references]
        separation_sec = time.perf_counter() - separation_start
    comparison = compare(mix, references, _SAMPLE_RATE_HZ, weights=weights, mix_stems=mix_stems if args.separate else None,
                         reference_stems=reference_stems, reference_names=[Path(p).name for p in reference_paths],
                         mix_name=Path(args.mix).name, platforms=card_platforms(settings, args.platform),
                         stem_tracks=stem_tracks,
                         analyse_sections=not args.no_sections)
    comparison.notes = notes + comparison.notes
    # the chain's shelves lean toward the references: half the lows/highs difference, within +-3 dB
    section = comparison.sections[0] if len(comparison.sections) == 1 else None
    whole_delta = (section.broad_delta_db if section is not None else
                   comparison.mix.whole().broad_db - _reference_broad(comparison))
    plan = solve_chain(mix, _SAMPLE_RATE_HZ, target_lufs=target_lufs, ceiling_dbtp=ceiling_dbtp,
                       low_shelf_db=-0.5 * float(whole_delta[0]), high_shelf_db=-0.5 * float(whole_delta[3]))
    compare_sec = time.perf_counter() - start - separation_sec
    for line in comparison.notes + comparison.sentences + [plan.note]:
        print(line)
    for suggestion in comparison.suggestions:
        print(f"suggestion ({suggestion.kind}, switched off): {suggestion.why}")
    print(f"compared in {compare_sec:.1f} s" + (f"; separation {separation_sec:.1f} s" if args.separate else ""))
    data = comparison.to_dict()
    data["chain"] = plan.to_dict()
    data["timing_sec"] = {"compare": round(compare_sec, 2), "separation": round(separation_sec, 2)}
    if args.json:
        _write_json(args.json, data)
    if args.report:
        from reaper_ext.report.compare import write_comparison_page

        write_comparison_page(Path(args.report), comparison, plan)
    _record_chain(args, plan)
    return 0


def _record_chain(args: Namespace, plan) -> None:
    """``--write``/``--in-place``: the master chain into the project's ledger (reference.master.write_master_chain)."""
    if not (args.write or args.in_place):
        return
    from reaper_ext.cli.commands import check_outputs
    from reaper_ext.errors import SettingsError
    from reaper_ext.reference.master import write_master_chain
    from reaper_ext.session.rpp import load_project

    if not args.mix.lower().endswith(".rpp"):
        raise SettingsError(f"{args.mix}: --write/--in-place record the master chain in a project: give a .RPP mix")
    check_outputs(Path(args.mix), load_project(args.mix)[1], [("--write", args.write)])
    messages, backup = write_master_chain(args.mix, plan, out=args.write)
    for line in messages + ([f"backup at {backup}"] if backup else []):
        print(line)


def _reference_broad(comparison):
    import numpy as np

    weights = np.asarray(comparison.weights, dtype=float)
    stacked = np.array([r.whole().broad_db for r in comparison.references])
    return (weights[:, None] * stacked).sum(axis=0) / weights.sum()


def run_master(args: Namespace) -> int:
    """Run ``reaper-ext master``."""
    from reaper_ext.reference.chain import solve_chain
    from reaper_ext.reference.master import check_master

    settings = _settings(args)
    target_lufs, ceiling_dbtp = _target(args, settings)
    mix, _, _, notes = load_mix(args.mix)
    check = check_master(mix, _SAMPLE_RATE_HZ, platforms=card_platforms(settings, args.platform))
    plan = solve_chain(mix, _SAMPLE_RATE_HZ, target_lufs=target_lufs, ceiling_dbtp=ceiling_dbtp)
    for line in notes + check.sentences() + [plan.note]:
        print(line)
    if args.json:
        _write_json(args.json, {**check.to_dict(), "chain": plan.to_dict(), "notes": notes})
    _record_chain(args, plan)
    return 0


def run_study(args: Namespace) -> int:
    """Run ``reaper-ext study``."""
    from reaper_ext.reference.study import build_study

    result = build_study(Path(args.reference), Path(args.out), separation_model=args.separate)
    print(f"study project: {result.project_path}")
    print(f"study sheet: {result.sheet_path}")
    return 0

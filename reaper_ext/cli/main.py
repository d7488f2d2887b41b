"""The ``reaper-ext`` command line: a thin shell over the package's API.

``get_parser()`` builds the command tree; ``main(argv)`` runs it and turns
:class:`ReaperExtError` into one readable line and exit code 1 (a traceback
only with ``--debug``). Commands:

- ``info PROJECT``: tracks, items, media, markers, FX.
- ``analyze PROJECT``: label, measure, find problems, suggest.
- ``suggestions PROJECT`` / ``accept PROJECT`` / ``reject PROJECT``: the ledger.
- ``separate PROJECT|FILE``: split a mix into stems.
- ``sparks PROJECT``: chord, bass and groove ideas from the song as muted MIDI tracks.
- ``compare MIX --reference REF``, ``master MIX``, ``study REF --out DIR``: learning by analysis (cli/compare.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from reaper_ext import __version__
from reaper_ext.errors import ReaperExtError

__all__ = ["get_parser", "main", "main_entry", "run_info", "COMMANDS", "printable"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

# command name -> (module, function): imported only when that command runs, so
# `reaper-ext info` never pays for numpy/librosa/torch.
COMMANDS: dict[str, tuple[str, str]] = {}


def _command(name: str, module: str, function: str) -> None:
    COMMANDS[name] = (module, function)


def _add_info(subparsers) -> None:
    parser = subparsers.add_parser("info", help="show a project's tracks, items, media, markers and FX")
    parser.add_argument("project", help="path to a .RPP file")
    parser.add_argument("--json", action="store_true", help="print JSON (stable schema, see README)")
    _command("info", "reaper_ext.cli.main", "run_info")


def printable(value):
    """``value`` with every string made valid Unicode (undecodable bytes become U+FFFD).

    Project text that is not UTF-8 is carried through with surrogate escapes
    (lossless for the .RPP); JSON and HTML must be valid UTF-8, so there each
    such byte shows as the replacement character.
    """
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if isinstance(value, dict):
        return {printable(key): printable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable(item) for item in value]
    return value


def run_info(args: argparse.Namespace) -> int:
    from reaper_ext.session.info import format_info, project_info
    from reaper_ext.session.rpp import load_project

    _, project = load_project(args.project)
    if args.json:
        print(json.dumps(printable(project_info(project)), indent=2, ensure_ascii=False))
    else:
        print(format_info(project))
    return EXIT_OK


def _add_analyze(subparsers) -> None:
    parser = subparsers.add_parser("analyze", help="label, measure and find problems; suggest; write suggestions")
    parser.add_argument("project", help="path to a .RPP file")
    parser.add_argument("--json", metavar="OUT.json", help="write the analysis and suggestions as JSON (see README)")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--write", metavar="OUT.RPP", help="write the project with the suggestions to a new file")
    target.add_argument("--in-place", action="store_true", help="write the suggestions into PROJECT (keeps a backup)")
    parser.add_argument("--report", metavar="OUT.html", help="write a self-contained HTML report")
    parser.add_argument("--settings", metavar="FILE", help="settings TOML (default: the user settings file)")
    parser.add_argument("--track", nargs="+", action="extend", default=[], metavar="NAME",
                        help="analyse only these tracks (name, GUID or suggested name); only their suggestions are replaced")
    parser.add_argument("--no-cache", action="store_true", help="don't read or write the analysis cache")
    _command("analyze", "reaper_ext.cli.commands", "run_analyze")


def _add_ledger_commands(subparsers) -> None:
    parser = subparsers.add_parser("suggestions", help="list the suggestions waiting in a project, with their why")
    parser.add_argument("project", help="path to a .RPP file")
    parser.add_argument("--json", action="store_true", help="print JSON")
    _command("suggestions", "reaper_ext.cli.commands", "run_suggestions")
    for name, verb in (("accept", "make suggestions ordinary project content"), ("reject", "remove suggestions and restore the originals")):
        parser = subparsers.add_parser(name, help=f"{verb} (in place, atomically, keeping a backup)")
        parser.add_argument("project", help="path to a .RPP file")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--id", nargs="+", action="extend", default=[], metavar="ID",
                           help="one or more suggestion ids (--id A B, or --id A --id B)")
        which.add_argument("--track", metavar="NAME",
                           help="every suggestion on this track (its name, its GUID, or the name a suggestion gives it)")
        which.add_argument("--kind", metavar="KIND", help="every suggestion of this kind")
        which.add_argument("--all", action="store_true", help="every suggestion")
        _command(name, "reaper_ext.cli.commands", "run_" + name)


def _add_separate(subparsers) -> None:
    parser = subparsers.add_parser("separate", help="split a mix into stems (a track of a project, or a plain file)")
    parser.add_argument("source", help="a .RPP project (with --track) or an audio file (with --out)")
    parser.add_argument("--track", metavar="NAME", help="the project track to separate")
    parser.add_argument("--out", metavar="DIR", help="for a plain file: where the stems go")
    parser.add_argument("--model", help="htdemucs, htdemucs_ft, htdemucs_6s, demucs_unittest (default: settings, else htdemucs)")
    parser.add_argument("--model-repo", metavar="DIR", help="a local folder with the model files (default: settings)")
    parser.add_argument("--device", help="cuda, mps or cpu (default: settings, else the fastest available)")
    parser.add_argument("--settings", metavar="FILE", help="settings TOML (default: the user settings file)")
    parser.add_argument("--shifts", type=int, default=0, help="random shifts (demucs --shifts)")
    parser.add_argument("--overlap", type=float, default=0.25, help="segment overlap (demucs --overlap)")
    parser.add_argument("--segment", type=float, default=None, help="segment length in seconds (model default)")
    parser.add_argument("--write", metavar="OUT.RPP", help="write the project with the stem tracks to a new file")
    parser.add_argument("--no-cache", action="store_true", help="don't use the separation cache")
    _command("separate", "reaper_ext.cli.commands", "run_separate")


def _add_sparks(subparsers) -> None:
    parser = subparsers.add_parser("sparks", help="chord, bass and groove ideas from this song, as muted MIDI tracks")
    parser.add_argument("project", help="path to a .RPP file")
    parser.add_argument("--section", metavar="A", help="only the sections with this letter (default: every section)")
    parser.add_argument("--write", metavar="OUT.RPP", help="write the project with the sparks to a new file")
    parser.add_argument("--mid", metavar="DIR", help="also write each idea as a .mid file into this folder")
    parser.add_argument("--json", metavar="OUT.json", help="write the chords, groove and ideas as JSON")
    _command("sparks", "reaper_ext.cli.sparks", "run_sparks")


def _add_reference(subparsers) -> None:
    from reaper_ext.cli.compare import add_parsers  # argparse only: numpy loads when a command runs

    add_parsers(subparsers, _command)


# Each command's parser; its code is imported only when it runs.
_EXTRA_PARSERS: list[Callable] = [_add_info, _add_analyze, _add_ledger_commands, _add_separate, _add_sparks,
                                  _add_reference]


def get_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="reaper-ext",
        description="An assistant for REAPER sessions: label, measure, suggest, separate.",
    )
    parser.add_argument("--version", action="version", version=f"reaper-ext {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in _EXTRA_PARSERS:
        add(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    # names from projects may hold bytes that are not UTF-8 (carried as surrogate escapes):
    # show them escaped rather than fail on them
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)  # a TextIOWrapper's; replaced streams may lack it
        try:
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")
        except ValueError:  # a detached stream
            pass
    parser = get_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    import importlib

    module_name, function_name = COMMANDS[args.command]
    try:
        function = getattr(importlib.import_module(module_name), function_name)
        return function(args)
    except ReaperExtError as error:
        if args.debug:
            raise
        print(f"reaper-ext {args.command}: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"reaper-ext {args.command}: cancelled", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def main_entry() -> None:
    """Console-script entry point (``reaper-ext``)."""
    sys.exit(main())

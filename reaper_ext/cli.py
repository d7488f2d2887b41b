"""The ``reaper-ext`` command line: a thin shell over the package's API.

``get_parser()`` builds the command tree; ``main(argv)`` runs it and turns
:class:`ReaperExtError` into one readable line and exit code 1 (a traceback
only with ``--debug``). Commands:

- ``info PROJECT``: tracks, items, media, markers, FX.
- ``analyze PROJECT``: label, measure, find problems, suggest.
- ``suggestions PROJECT`` / ``accept PROJECT`` / ``reject PROJECT``: the ledger.
- ``separate PROJECT|FILE``: split a mix into stems.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from reaper_ext import __version__
from reaper_ext.errors import ReaperExtError

__all__ = ["get_parser", "main", "COMMANDS"]

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
    _command("info", "reaper_ext.cli", "run_info")


def run_info(args: argparse.Namespace) -> int:
    from reaper_ext.info import format_info, project_info
    from reaper_ext.session.rpp import load_project

    _, project = load_project(args.project)
    if args.json:
        print(json.dumps(project_info(project), indent=2, ensure_ascii=False))
    else:
        print(format_info(project))
    return EXIT_OK


# Later commands register themselves here (each module owns its arguments).
_EXTRA_PARSERS: list[Callable] = [_add_info]


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


def _load_extra_commands() -> None:
    """Register the commands that live in their own modules (cheap imports only)."""
    import importlib

    for module_name in ("reaper_ext.commands",):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        for add in getattr(module, "PARSERS", ()):
            if add not in _EXTRA_PARSERS:
                _EXTRA_PARSERS.append(add)
        COMMANDS.update(getattr(module, "COMMANDS", {}))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    _load_extra_commands()
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

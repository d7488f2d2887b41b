"""Command line of ``install.py``: ``get_parser()`` and ``main(argv) -> int``.

Exit codes: 0 done, 1 an :class:`~reaper_ext.errors.InstallError` (one line on
stderr, a traceback only with ``--debug``), 2 bad command line, 3 REAPER is
running, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from ..errors import InstallError
from .installer import InstallOptions, install, uninstall
from .locations import resolve_resource_dir
from .process import ReaperRunningError, is_reaper_running
from .venv import DEFAULT_TORCH_SPEC

__all__ = ["PROJECT_DIR", "EXIT_OK", "EXIT_ERROR", "EXIT_REAPER_RUNNING", "get_parser", "main"]

PROJECT_DIR = Path(__file__).resolve().parents[2]
"""The checkout install.py belongs to (holds ``reaper_ext/`` and ``actions/``)."""

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_REAPER_RUNNING = 3


def get_parser() -> argparse.ArgumentParser:
    """The argument parser of ``install.py``."""
    parser = argparse.ArgumentParser(
        prog="install.py",
        description="Install reaper-ext into REAPER: Python environment, action scripts, action list entries.",
    )
    where = parser.add_argument_group("where REAPER is")
    where.add_argument("--resource-path", type=Path, metavar="DIR",
                       help="REAPER resource folder (default: the standard one for this OS)")
    where.add_argument("--portable", type=Path, metavar="DIR",
                       help="a portable REAPER: the folder with the executable and reaper.ini")
    env = parser.add_argument_group("Python environment")
    env.add_argument("--venv", type=Path, metavar="PATH",
                     help="where to create the virtual environment (default: <resource>/reaper-ext/venv)")
    env.add_argument("--python", type=Path, metavar="PATH",
                     help="reuse this Python interpreter (with reaper-ext installed) instead of creating a venv")
    env.add_argument("--skip-venv", action="store_true", help="do not create or update any Python environment")
    env.add_argument("--torch-spec", default=DEFAULT_TORCH_SPEC, metavar="SPEC",
                     help="pip arguments for torch, installed before the project (default: %(default)s; "
                          "'none' to keep the torch already in the venv)")
    what = parser.add_argument_group("what to change")
    what.add_argument("--shortcuts", action="store_true",
                      help="bind default keyboard shortcuts (Ctrl+Alt+Shift+letter) where they are free")
    what.add_argument("--scripts-only", action="store_true",
                      help="only copy the scripts; register them from inside REAPER with "
                           "'reaper-ext - Register actions'")
    what.add_argument("--no-reascript-config", dest="configure_reascript", action="store_false",
                      help="do not point ReaScript at a Python library in reaper.ini")
    what.add_argument("--python-lib", type=Path, metavar="FILE",
                      help="Python shared library for ReaScript (default: this interpreter's)")
    what.add_argument("--actions-dir", type=Path, metavar="DIR", default=None,
                      help="folder of the action scripts (default: actions/ beside install.py)")
    how = parser.add_argument_group("how")
    how.add_argument("--uninstall", action="store_true",
                     help="remove the scripts and restore every edited file")
    how.add_argument("--keep-venv", action="store_true", help="with --uninstall: keep the virtual environment")
    how.add_argument("--dry-run", action="store_true", help="print what would be done, write nothing")
    how.add_argument("--force", action="store_true", help="edit REAPER's files even if REAPER seems to be running")
    how.add_argument("--debug", action="store_true", help="show a traceback on errors")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``install.py`` with ``argv`` (``sys.argv[1:]`` by default); return the exit code."""
    args = get_parser().parse_args(argv)
    try:
        resource = resolve_resource_dir(resource_path=args.resource_path, portable_dir=args.portable)
        if args.dry_run:
            print("dry run: nothing will be written")
        if args.uninstall:
            uninstall(resource, dry_run=args.dry_run, force=args.force, keep_venv=args.keep_venv,
                      reaper_running=is_reaper_running)
            return EXIT_OK
        options = InstallOptions(
            resource_dir=resource,
            actions_dir=args.actions_dir if args.actions_dir is not None else PROJECT_DIR / "actions",
            project_dir=PROJECT_DIR,
            venv_dir=args.venv,
            python=args.python,
            skip_venv=args.skip_venv,
            torch_spec=args.torch_spec,
            shortcuts=args.shortcuts,
            scripts_only=args.scripts_only,
            configure_reascript=args.configure_reascript,
            python_lib=args.python_lib,
            force=args.force,
            dry_run=args.dry_run,
        )
        install(options, reaper_running=is_reaper_running)
        return EXIT_OK
    except ReaperRunningError as exc:
        _report(exc, args.debug)
        return EXIT_REAPER_RUNNING
    except InstallError as exc:
        _report(exc, args.debug)
        return EXIT_ERROR
    except OSError as exc:  # a permission or disk problem mid-way: still one readable line
        _report(exc, args.debug)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("install.py: interrupted", file=sys.stderr)
        return 130


def _report(exc: BaseException, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    print(f"install.py: error: {exc}", file=sys.stderr)

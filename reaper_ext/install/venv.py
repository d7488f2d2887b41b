"""Create the package's virtual environment and install into it.

torch is installed *first*, from ``--torch-spec`` (default ``torch==2.13.0``),
then the project. Installing torch ourselves keeps pip from choosing a torch
build when it resolves the project's dependencies: on a machine where only a
local or vendor build exists (a CUDA/ROCm wheel, a wheel from
``--index-url``, a build from source) pip would otherwise try to replace it.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Callable

from ..errors import InstallError

__all__ = ["DEFAULT_TORCH_SPEC", "venv_python_path", "venv_commands", "run_commands"]

DEFAULT_TORCH_SPEC = "torch==2.13.0"


def venv_python_path(venv_dir: Path, *, platform: str | None = None) -> Path:
    r"""The interpreter inside a venv (``Scripts\python.exe`` on Windows)."""
    platform = sys.platform if platform is None else platform
    if platform.startswith("win"):
        return Path(venv_dir) / "Scripts" / "python.exe"
    return Path(venv_dir) / "bin" / "python"


def venv_commands(
    venv_dir: Path,
    *,
    project_dir: Path,
    torch_spec: str = DEFAULT_TORCH_SPEC,
    base_python: str | None = None,
    create: bool = True,
    platform: str | None = None,
) -> list[list[str]]:
    """The commands that set up the venv, in order.

    Parameters
    ----------
    torch_spec : str
        pip arguments for torch, split like a shell line (so
        ``"torch==2.13.0 --index-url https://download.pytorch.org/whl/cu128"``
        works); ``""`` or ``"none"`` skips installing torch.
    create : bool
        Whether to create the venv first (False: it exists already).
    """
    python = str(venv_python_path(venv_dir, platform=platform))
    commands = []
    if create:
        commands.append([base_python or sys.executable, "-m", "venv", str(venv_dir)])
    torch_args = [] if torch_spec.strip().lower() in ("", "none") else shlex.split(torch_spec)
    if torch_args:
        commands.append([python, "-m", "pip", "install", *torch_args])
    commands.append([python, "-m", "pip", "install", str(project_dir)])
    return commands


def run_commands(
    commands: Sequence[Sequence[str]],
    *,
    run: Callable[..., subprocess.CompletedProcess] = subprocess.run,
    echo: Callable[[str], None] = print,
) -> None:
    """Run each command, stopping with an :class:`InstallError` at the first failure."""
    for command in commands:
        echo("  $ " + " ".join(shlex.quote(part) for part in command))
        try:
            result = run(list(command), check=False)
        except OSError as exc:
            raise InstallError(f"could not run {command[0]}: {exc}") from exc
        if result.returncode != 0:
            raise InstallError(
                f"command failed with exit code {result.returncode}: {' '.join(command)} "
                "(see pip's output above; --torch-spec picks another torch build, --skip-venv skips this step)")

"""The action scripts shipped in ``actions/`` and their ReaPack headers.

A file's name (without ``.py``) is its title in REAPER's action list. Each file
starts with a ReaPack metadata header in comments (reapack-index's "Packaging
Documentation": ``@tag value`` lines, tag names case-insensitive, a value may
continue on following lines indented by at least one space after the comment
marker, no empty lines between tags)::

    # @description reaper-ext - Mark problems
    # @version 0.1.0
    # @author reaper-ext
    # @about
    #   Marks clipped, silent and ... regions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InstallError

__all__ = ["PATHS_MODULE", "ActionScript", "parse_reapack_header", "discover_action_scripts"]

PATHS_MODULE = "reaper_ext_paths.py"
"""The generated module beside the actions; never an action itself."""

_TAG = re.compile(r"^@([A-Za-z_]+)[ \t]*(.*)$")


def parse_reapack_header(text: str) -> dict[str, str]:
    r"""ReaPack ``@tag`` values from the comment header at the top of a script.

    Returns
    -------
    dict
        Lower-case tag name -> value; multi-line values joined with ``"\n"``
        (their common indentation removed).
    """
    tags: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines()[:200]:
        stripped = raw.strip()
        if not stripped:
            if current is not None and tags:
                break  # an empty line ends the header
            continue
        if not stripped.startswith("#"):
            if tags:
                break
            continue
        body = stripped[1:]
        match = _TAG.match(body.strip())
        if match:
            current = match.group(1).lower()
            tags[current] = [match.group(2).rstrip()] if match.group(2).strip() else []
            continue
        if current is not None and body[:1] in (" ", "\t") and body.strip():
            tags[current].append(body.rstrip())
        elif current is not None and not body.strip():
            tags[current].append("")
    out = {}
    for name, lines in tags.items():
        while lines and not lines[-1].strip():
            lines.pop()
        indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
        cut = min(indents) if indents else 0
        out[name] = "\n".join(line[cut:] if line.strip() else "" for line in lines).strip()
    return out


@dataclass(frozen=True)
class ActionScript:
    """One action file from ``actions/``."""

    path: Path
    header: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def title(self) -> str:
        """The action's title: its file name without ``.py``."""
        return self.path.stem

    @property
    def file_name(self) -> str:
        """The file name, as REAPER shows it (``Custom: <file name>``)."""
        return self.path.name


def discover_action_scripts(actions_dir: Path) -> list[ActionScript]:
    """Every ``*.py`` in ``actions_dir`` (not recursive), sorted by name.

    Raises
    ------
    InstallError
        When the folder is missing or holds no action script.
    """
    actions_dir = Path(actions_dir)
    if not actions_dir.is_dir():
        raise InstallError(f"actions folder {actions_dir} does not exist: check --actions-dir")
    scripts = []
    for path in sorted(actions_dir.glob("*.py")):
        if path.name == PATHS_MODULE or path.name.startswith("_"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        scripts.append(ActionScript(path, parse_reapack_header(text)))
    if not scripts:
        raise InstallError(f"no action scripts (*.py) in {actions_dir}: nothing to install")
    return scripts

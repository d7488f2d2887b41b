"""Helpers for the installer tests: fake actions, resource folders, tree snapshots."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
REPO = HERE.parents[1]
FIXTURES = HERE / "fixtures"
INSTALL_PY = REPO / "install.py"

ACTION_TITLES = [
    "reaper-ext - Analyze session (label, measure, suggest)",
    "reaper-ext - Label, name and colour tracks",
    "reaper-ext - Suggest FX for selected tracks",
    "reaper-ext - Mark problems",
    "reaper-ext - Mark song sections, tempo and key",
    "reaper-ext - Separate selected items into stems",
    "reaper-ext - Sparks for this section",
    "reaper-ext - Compare with reference",
    "reaper-ext - Clean up session before mixing",
    "reaper-ext - Check tuning of selected tracks",
    "reaper-ext - Clean up noise on selected items",
    "reaper-ext - Accept suggestions on selected tracks",
    "reaper-ext - Reject suggestions on selected tracks",
    "reaper-ext - Accept all suggestions",
    "reaper-ext - Reject all suggestions",
    "reaper-ext - Open the analysis report",
    "reaper-ext - Cancel running analysis",
    "reaper-ext - Register actions",
]

Snapshot = dict[str, tuple[bytes, int]]


def write_fake_actions(folder: Path, titles=ACTION_TITLES) -> Path:
    """Action files with ReaPack headers, as the real ones will have."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, title in enumerate(titles):
        (folder / f"{title}.py").write_text(
            f"# @description {title}\n"
            f"# @version 0.{i}.1\n"
            "# @author reaper-ext tests\n"
            "# @about\n"
            f"#   Fake action number {i} for the installer tests.\n"
            "#\n"
            "#   Second paragraph with {braces} and a backslash \\ and é.\n"
            f'"""{title}."""\n\nprint({i})\n',
            encoding="utf-8",
        )
    return folder


def make_resource(folder: Path, kind: str) -> Path:
    """A REAPER resource folder: ``empty``, ``lf`` (realistic files) or ``crlf`` (as on Windows)."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "empty":
        return folder
    for name in ("reaper.ini", "reaper-kb.ini"):
        data = (FIXTURES / name).read_bytes()
        if name == "reaper.ini":
            # a byte that isn't UTF-8 (REAPER on Windows may write the ANSI code page)
            data = data.replace(b"lastcwd=/home/sam/Music", b"lastcwd=/home/sam/M\xe9sica")
        if kind == "crlf":
            data = data.replace(b"\n", b"\r\n")
        (folder / name).write_bytes(data)
    (folder / "Scripts").mkdir()
    (folder / "Scripts" / "user script.lua").write_bytes(b"-- the user's own script\n")
    return folder


def snapshot(folder: Path) -> Snapshot:
    """Every file and folder under ``folder``: bytes and modification time (ns)."""
    out: Snapshot = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_dir():
            out[rel + "/"] = (b"", path.stat().st_mtime_ns)
        else:
            out[rel] = (path.read_bytes(), path.stat().st_mtime_ns)
    return out


def contents(snap: Snapshot) -> dict[str, bytes]:
    """The bytes of a snapshot's files (no folders, no times)."""
    return {rel: data for rel, (data, _) in snap.items() if not rel.endswith("/")}



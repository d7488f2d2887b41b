"""Install and uninstall reaper-ext into a REAPER resource folder.

What :func:`install` does, in order (each step idempotent):

1. the virtual environment (torch first, then the project), unless skipped;
2. copies ``actions/*.py`` to ``<resource>/Scripts/reaper-ext/`` with a
   generated ``reaper_ext_paths.py``;
3. registers each action in ``reaper-kb.ini`` (``SCR`` lines) and, with
   ``shortcuts=True``, binds default shortcuts (``KEY`` lines) that don't clash;
4. points ReaScript at a Python 3 library in ``reaper.ini`` when none is set;
5. records all of it in ``<resource>/reaper-ext/install-manifest.json``.

Every file is backed up once before its first edit (``<file>.reaper-ext-backup``
keeps the *original*), unchanged files are never rewritten, and ``dry_run``
reports the same steps while writing nothing. :func:`uninstall` restores edited
files to their original bytes from the backups; if the user (or REAPER) changed
a file since, only reaper-ext's own lines are taken out.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from ..errors import InstallError
from . import kbini, reaperini
from .locations import PACKAGE_SUBDIR, REAPER_INI, REAPER_KB_INI, SCRIPTS_SUBDIR
from .pathsfile import render_paths_module
from .process import ReaperRunningError, is_reaper_running
from .pythonlib import find_python_shared_library
from .scripts import PATHS_MODULE, ActionScript, discover_action_scripts
from .shortcuts import DEFAULT_SHORTCUTS
from .textfile import decode, encode, read_bytes_or_none, sha256_bytes
from .venv import DEFAULT_TORCH_SPEC, run_commands, venv_commands, venv_python_path

__all__ = [
    "MANIFEST_NAME",
    "BACKUP_SUFFIX",
    "InstallOptions",
    "FileOps",
    "manifest_path",
    "install",
    "uninstall",
]

MANIFEST_NAME = "install-manifest.json"
BACKUP_SUFFIX = ".reaper-ext-backup"
MANIFEST_FORMAT = 1

Echo = Callable[[str], None]
Detector = Callable[[], Optional[bool]]


@dataclass
class InstallOptions:
    """Everything :func:`install` needs to know (the CLI fills it in).

    Parameters
    ----------
    resource_dir : Path
        REAPER's resource folder.
    actions_dir : Path
        Folder with the action scripts (``*.py``).
    project_dir : Path
        The project to ``pip install`` and the folder holding ``reaper_ext/``.
    venv_dir : Path, optional
        Where to create the venv; ``<resource>/reaper-ext/venv`` by default.
    python : Path, optional
        Reuse this interpreter instead of creating a venv.
    skip_venv : bool
        Do nothing about a Python environment.
    torch_spec : str
        pip arguments for torch, installed before the project.
    shortcuts : bool
        Bind the default shortcuts where free.
    scripts_only : bool
        Copy the scripts only; leave ``reaper-kb.ini`` and ``reaper.ini`` alone
        (for registering from inside REAPER).
    configure_reascript : bool
        Set ReaScript's Python library in ``reaper.ini`` when none is set.
    python_lib : Path, optional
        The Python shared library to configure (found automatically if None).
    force : bool
        Edit the ini files even if REAPER seems to be running.
    dry_run : bool
        Report, write nothing.
    """

    resource_dir: Path
    actions_dir: Path
    project_dir: Path
    venv_dir: Path | None = None
    python: Path | None = None
    skip_venv: bool = False
    torch_spec: str = DEFAULT_TORCH_SPEC
    shortcuts: bool = False
    scripts_only: bool = False
    configure_reascript: bool = True
    python_lib: Path | None = None
    force: bool = False
    dry_run: bool = False


class FileOps:
    """File writes that skip no-ops, back up originals once, and obey dry-run.

    Parameters
    ----------
    root : Path
        The resource folder; paths are reported relative to it.
    dry_run : bool
        Report what would happen, touch nothing.
    echo : callable
        Where messages go.
    """

    def __init__(self, root: Path, *, dry_run: bool, echo: Echo) -> None:
        self.root = Path(root)
        self.dry_run = dry_run
        self.echo = echo
        self.created_dirs: list[str] = []
        self.n_changes = 0

    def rel(self, path: Path) -> str:
        """``path`` relative to the resource folder, forward slashes."""
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def _say(self, message: str) -> None:
        self.n_changes += 1
        self.echo(("would " if self.dry_run else "") + message)

    def ensure_dir(self, path: Path) -> None:
        """Create ``path`` and missing parents, remembering which were created."""
        missing = []
        current = Path(path)
        while not current.exists():
            missing.append(current)
            if current.parent == current:
                break
            current = current.parent
        for folder in reversed(missing):
            rel = self.rel(folder)
            if rel not in self.created_dirs:
                self.created_dirs.append(rel)
            if not self.dry_run:
                folder.mkdir()

    def write_bytes(self, path: Path, data: bytes, *, what: str) -> bool:
        """Write atomically (temp file + rename) unless the bytes are already there.

        Returns whether anything was (or would be) written.
        """
        path = Path(path)
        if read_bytes_or_none(path) == data:
            return False
        self._say(f"{what}: {self.rel(path)}")
        if self.dry_run:
            return True
        self.ensure_dir(path.parent)
        temp = path.with_name(path.name + ".reaper-ext-tmp")
        try:
            temp.write_bytes(data)
            os.replace(temp, path)
        except OSError as exc:
            if temp.exists():
                temp.unlink()
            raise InstallError(f"could not write {path}: {exc}") from exc
        return True

    def backup_once(self, path: Path) -> str | None:
        """Copy ``path`` to ``<path>.reaper-ext-backup`` unless a backup exists.

        The first backup is the original: it is never overwritten. Returns the
        backup's path relative to the resource folder (None if ``path`` is missing).
        """
        path = Path(path)
        if not path.exists():
            return None
        backup = path.with_name(path.name + BACKUP_SUFFIX)
        if not backup.exists():
            self._say(f"back up {self.rel(path)} to")
            self.echo(f"    {self.rel(backup)}")
            if not self.dry_run:
                shutil.copy2(path, backup)
        return self.rel(backup)

    def remove_file(self, path: Path, *, what: str) -> None:
        """Delete a file if it exists."""
        path = Path(path)
        if path.exists() or path.is_symlink():
            self._say(f"{what}: {self.rel(path)}")
            if not self.dry_run:
                path.unlink()

    def move(self, source: Path, target: Path, *, what: str) -> None:
        """Replace ``target`` by ``source`` (bytes and modification time)."""
        self._say(f"{what}: {self.rel(target)}")
        if not self.dry_run:
            os.replace(source, target)

    def remove_dir_if_empty(self, path: Path) -> None:
        """Delete a folder if it is empty (leave it, silently, otherwise)."""
        path = Path(path)
        if path.is_dir() and not any(path.iterdir()):
            self._say(f"remove empty folder: {self.rel(path)}")
            if not self.dry_run:
                path.rmdir()


def manifest_path(resource_dir: Path) -> Path:
    """Where the manifest of an install into ``resource_dir`` lives."""
    return Path(resource_dir) / PACKAGE_SUBDIR / MANIFEST_NAME


def _load_manifest(resource_dir: Path) -> dict[str, Any] | None:
    path = manifest_path(resource_dir)
    data = read_bytes_or_none(path)
    if data is None:
        return None
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InstallError(f"install manifest {path} is damaged ({exc}): fix or delete it") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise InstallError(f"install manifest {path} has an unknown format: was it written by a newer install.py?")
    return manifest


def _dump_manifest(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _check_reaper_closed(detector: Detector, force: bool, echo: Echo, *, scripts_hint: bool) -> None:
    if force:
        return
    running = detector()
    if running is None:
        echo("warning: can't read the process list to check for REAPER; make sure REAPER is closed "
             "(it rewrites reaper-kb.ini and reaper.ini when it exits)")
        return
    if running:
        hint = (" or run `install.py --scripts-only` and then, inside REAPER, the action script "
                "'reaper-ext - Register actions.py' (Actions > Show action list > New action > Load ReaScript)"
                if scripts_hint else "")
        raise ReaperRunningError(
            "REAPER is running: it rewrites reaper-kb.ini and reaper.ini when it exits, so changes made now "
            "would be lost. Close REAPER and run this again" + hint + " (--force edits anyway)")


def _edit_text_file(
    ops: FileOps,
    path: Path,
    new_text: str,
    old_data: bytes | None,
    entry: dict[str, Any] | None,
) -> dict[str, Any]:
    """Write ``new_text`` to ``path`` (backing up the original first); return its manifest entry."""
    if entry is None:
        entry = {
            "existed": old_data is not None,
            "original_sha256": None if old_data is None else sha256_bytes(old_data),
            "backup": None,
        }
    new_data = encode(new_text)
    if new_data != old_data and not (old_data is None and not new_data):
        if old_data is not None:
            backup = ops.backup_once(path)
            if entry.get("backup") is None:
                entry["backup"] = backup
        ops.write_bytes(path, new_data, what="update" if old_data is not None else "create")
    entry["installed_sha256"] = sha256_bytes(new_data)
    return entry


def _python_lib_values(text: str, lib: Path | None, echo: Echo) -> dict[str, str]:
    values = {"reascript": "1"}
    configured = [reaperini.get_value(text, key) for key in ("pythonlibpath64", "pythonlibdll64")]
    if any(configured):
        return values  # the user chose a Python already: don't mix ours into it
    if lib is None:
        echo("warning: no Python shared library found for ReaScript; set one in REAPER: Options > Preferences > "
             "Plug-ins > ReaScript (or pass --python-lib)")
        return values
    values["pythonlibpath64"] = str(lib.parent)
    values["pythonlibdll64"] = lib.name
    return values


def install(
    options: InstallOptions,
    *,
    echo: Echo = print,
    reaper_running: Detector = is_reaper_running,
    run: Callable[..., Any] | None = None,
) -> dict[str, Any]:
    """Install reaper-ext into ``options.resource_dir``.

    Returns
    -------
    dict
        The manifest as written (or as it would be written, in a dry run).

    Raises
    ------
    InstallError
        Anything that stops the install, with what to do about it.
    ReaperRunningError
        REAPER is running and neither ``force`` nor ``scripts_only`` was given.
    """
    resource = Path(options.resource_dir)
    ops = FileOps(resource, dry_run=options.dry_run, echo=echo)
    scripts = discover_action_scripts(options.actions_dir)
    old = _load_manifest(resource) or {}
    if not options.scripts_only:
        _check_reaper_closed(reaper_running, options.force, echo, scripts_hint=True)

    venv_python, venv_created = _setup_python(options, old, ops, echo, run)

    scripts_dir = resource / SCRIPTS_SUBDIR
    copied = _copy_scripts(options, scripts, scripts_dir, venv_python, ops)
    stale = [rel for rel in old.get("scripts", []) if rel not in copied]
    for rel in stale:
        ops.remove_file(resource / rel, what="remove script no longer shipped")

    files = dict(old.get("files", {}))
    if not options.scripts_only:
        files[REAPER_KB_INI] = _register_actions(options, scripts, stale, files.get(REAPER_KB_INI), ops, echo)
        if options.configure_reascript:
            entry = _configure_reascript(options, files.get(REAPER_INI), ops, echo)
            if entry is not None:
                files[REAPER_INI] = entry
    files = {name: entry for name, entry in files.items() if entry is not None}

    mpath = manifest_path(resource)
    ops.ensure_dir(mpath.parent)
    created = list(old.get("created_dirs", []))
    created += [d for d in ops.created_dirs if d not in created]
    manifest = {
        "format": MANIFEST_FORMAT,
        "package_dir": str(Path(options.project_dir).resolve()),
        "venv_python": None if venv_python is None else str(venv_python),
        "venv_created": venv_created,
        "scripts": copied,
        "created_dirs": created,
        "files": files,
    }
    ops.write_bytes(mpath, _dump_manifest(manifest), what="write install manifest")
    if ops.n_changes == 0:
        echo("nothing to do: reaper-ext is already installed in " + str(resource))
    elif not options.dry_run:
        echo(f"installed {len(scripts)} actions into {resource}. Start REAPER: they are in "
             "Actions > Show action list, under 'Script: reaper-ext - ...'")
    return manifest


def _setup_python(options, old, ops, echo, run):
    if options.python is not None:
        python = Path(options.python).expanduser()
        if not python.is_file():
            raise InstallError(f"--python {python} does not exist: give the path of a python executable")
        return python.resolve(), old.get("venv_created")
    if options.skip_venv:
        previous = old.get("venv_python")
        return (Path(previous) if previous else None), old.get("venv_created")
    venv_dir = Path(options.venv_dir) if options.venv_dir else Path(options.resource_dir) / PACKAGE_SUBDIR / "venv"
    venv_dir = venv_dir.expanduser().resolve()
    python = venv_python_path(venv_dir)
    create = not python.exists()
    commands = venv_commands(venv_dir, project_dir=Path(options.project_dir), torch_spec=options.torch_spec,
                             create=create)
    if options.dry_run:
        for command in commands:
            echo("would run: " + " ".join(command))
    else:
        ops.ensure_dir(venv_dir.parent)
        echo(("creating" if create else "updating") + f" the virtual environment {venv_dir}")
        run_commands(commands, echo=echo, **({"run": run} if run is not None else {}))
    ops.n_changes += 1
    created = str(venv_dir) if create else old.get("venv_created")
    return python, created


def _copy_scripts(options, scripts: list[ActionScript], scripts_dir: Path, venv_python, ops) -> list[str]:
    copied = []
    for script in scripts:
        target = scripts_dir / script.file_name
        ops.write_bytes(target, script.path.read_bytes(), what="copy action")
        copied.append(ops.rel(target))
    paths_text = render_paths_module(
        package_dir=Path(options.project_dir).resolve(),
        venv_python=venv_python,
        resource_dir=Path(options.resource_dir),
        manifest=manifest_path(options.resource_dir),
    )
    target = scripts_dir / PATHS_MODULE
    ops.write_bytes(target, paths_text.encode("utf-8"), what="write")
    copied.append(ops.rel(target))
    return copied


def _register_actions(options, scripts, stale, entry, ops: FileOps, echo) -> dict[str, Any] | None:
    path = Path(options.resource_dir) / REAPER_KB_INI
    old_data = read_bytes_or_none(path)
    text = decode(old_data or b"")
    scripts_prefix = SCRIPTS_SUBDIR.split("/", 1)[1]  # paths in SCR lines are relative to Scripts/
    previous_lines = list(entry.get("added_lines", [])) if entry else []

    # lines for scripts no longer shipped, and shortcuts pointing at them
    stale_ids = {kbini.script_command_id(rel.split("/", 1)[1]) for rel in stale}
    drop = [line for line in previous_lines if _refers_to(line, stale_ids)]
    if drop:
        text, _ = kbini.remove_records(text, drop)
    kept_lines = [line for line in previous_lines if line not in drop]

    wanted = []
    ids = {}
    for script in scripts:
        rel = f"{scripts_prefix}/{script.file_name}"
        wanted.append(kbini.scr_line(rel))
        ids[script.title] = kbini.script_command_id(rel)
    if options.shortcuts:
        wanted += _free_shortcuts(text, ids, echo)
    new_text, added = kbini.add_lines(text, wanted)
    if not added and not drop and entry is None:
        return None  # every record was already there (registered by the user): nothing of ours
    if added:
        echo(f"register {len([a for a in added if a.startswith('SCR')])} actions"
             f"{' and ' + str(len([a for a in added if a.startswith('KEY')])) + ' shortcuts' if options.shortcuts else ''}"
             f" in {REAPER_KB_INI}")
    new_entry = _edit_text_file(ops, path, new_text, old_data, entry)
    new_entry["added_lines"] = kept_lines + [line for line in added if line not in kept_lines]
    return new_entry


def _refers_to(line: str, command_ids) -> bool:
    identity = kbini.record_identity(line)
    if identity is None:
        return False
    if identity[0] == "SCR":
        return identity[2] in command_ids
    return identity[3].lstrip("_") in command_ids


def _free_shortcuts(text: str, ids: dict[str, str], echo: Echo) -> list[str]:
    bindings = kbini.parse_key_bindings(text)
    lines = []
    for title, command_id in ids.items():
        shortcut = DEFAULT_SHORTCUTS.get(title)
        if shortcut is None:
            continue
        combo = (shortcut.modifiers, shortcut.key_code, kbini.MAIN_SECTION)
        taken = [b for b in bindings if b.combo == combo]
        if any(b.command.lstrip("_") == command_id for b in taken):
            continue  # bound to this action already
        if taken:
            echo(f"shortcut {shortcut.label} for '{title}' not bound: already used by {taken[0].command}")
            continue
        lines.append(kbini.key_line(shortcut.modifiers, shortcut.key_code, command_id))
    return lines


def _configure_reascript(options, entry, ops: FileOps, echo) -> dict[str, Any] | None:
    path = Path(options.resource_dir) / REAPER_INI
    old_data = read_bytes_or_none(path)
    text = decode(old_data or b"")
    lib = Path(options.python_lib) if options.python_lib else find_python_shared_library()
    if options.python_lib and (lib is None or not lib.is_file()):
        raise InstallError(f"--python-lib {lib} does not exist: give the path of libpython3.x (.so/.dylib/.dll)")
    values = _python_lib_values(text, lib, echo)
    new_text, previous = reaperini.set_values_if_empty(text, values)
    if not previous:
        return entry
    echo("configure ReaScript's Python in reaper.ini: " + ", ".join(f"{k}={values[k]}" for k in previous))
    new_entry = _edit_text_file(ops, path, new_text, old_data, entry)
    set_keys = dict(new_entry.get("set_keys", {}))
    for key, before in previous.items():
        set_keys[key] = {"previous": before, "value": values[key]}
    new_entry["set_keys"] = set_keys
    return new_entry


def uninstall(
    resource_dir: Path,
    *,
    dry_run: bool = False,
    force: bool = False,
    keep_venv: bool = False,
    echo: Echo = print,
    reaper_running: Detector = is_reaper_running,
) -> None:
    """Undo :func:`install`: restore edited files, remove what was added.

    Raises
    ------
    InstallError
        No manifest (nothing installed there), or REAPER is running.
    """
    resource = Path(resource_dir)
    manifest = _load_manifest(resource)
    if manifest is None:
        raise InstallError(f"nothing to uninstall: no {MANIFEST_NAME} in {resource / PACKAGE_SUBDIR}")
    _check_reaper_closed(reaper_running, force, echo, scripts_hint=False)
    ops = FileOps(resource, dry_run=dry_run, echo=echo)
    for name, entry in manifest.get("files", {}).items():
        _restore_file(resource / name, entry, ops, echo)
    for rel in manifest.get("scripts", []):
        ops.remove_file(resource / rel, what="remove")
    venv_dir = manifest.get("venv_created")
    if venv_dir and not keep_venv and (Path(venv_dir) / "pyvenv.cfg").is_file():
        ops._say(f"remove the virtual environment {venv_dir}")
        if not dry_run:
            shutil.rmtree(venv_dir)
    ops.remove_file(manifest_path(resource), what="remove install manifest")
    for rel in reversed(manifest.get("created_dirs", [])):
        ops.remove_dir_if_empty(resource / rel)
    if not dry_run:
        echo(f"reaper-ext uninstalled from {resource}")


def _restore_file(path: Path, entry: dict[str, Any], ops: FileOps, echo: Echo) -> None:
    current = read_bytes_or_none(path)
    name = ops.rel(path)
    if current is None:
        echo(f"{name} is gone: nothing to restore")
        return
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    backup_data = read_bytes_or_none(backup)
    is_our_backup = backup_data is not None and sha256_bytes(backup_data) == entry.get("original_sha256")
    unchanged = sha256_bytes(current) == entry.get("installed_sha256")
    if unchanged and entry.get("existed") and is_our_backup:
        ops.move(backup, path, what="restore original")
        return
    if unchanged and not entry.get("existed"):
        ops.remove_file(path, what="remove (created by install)")
        return
    # changed since install (by the user or by REAPER): take out only our lines
    text = decode(current)
    if "added_lines" in entry:
        new_text, _ = kbini.remove_records(text, entry["added_lines"])
    else:
        changes = {k: (v["previous"], v["value"]) for k, v in entry.get("set_keys", {}).items()}
        new_text, kept = reaperini.restore_values(text, changes)
        for key in kept:
            echo(f"{name}: {key} was changed since install, left as it is")
    if not unchanged:
        echo(f"{name} was changed since install: removing only reaper-ext's lines"
             + (f"; the original is kept in {ops.rel(backup)}" if is_our_backup else ""))
    if not entry.get("existed") and not new_text.strip():
        ops.remove_file(path, what="remove (created by install, now empty)")
        return
    ops.write_bytes(path, encode(new_text), what="update")

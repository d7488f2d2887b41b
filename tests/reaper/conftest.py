"""Fixtures: a fake REAPER with a real project open, and one end-to-end action run per project."""

from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # the fake lives at tests.reaper.fake
    sys.path.insert(0, str(REPO))
ACTIONS = REPO / "actions"
EXAMPLE = REPO / "examples" / "session" / "example.RPP"
CORPUS = REPO / "tests" / "data" / "corpus" / "rpp"
CORPUS_PROJECT = CORPUS / "noisefarm__201205_1424__test.RPP"  # REAPER 6, two tracks, one recording


def action_path(title: str) -> Path:
    return ACTIONS / f"reaper-ext - {title}.py"


def run_action_script(title: str) -> float:
    """Run an action file as REAPER does (in ``__main__``, beside ``RPR_defer``); returns its wall time."""
    import __main__

    path = action_path(title)
    code = compile(path.read_text(encoding="utf-8"), str(path), "exec")
    namespace = __main__.__dict__
    previous = namespace.get("__file__")
    namespace["__file__"] = str(path)
    started = time.perf_counter()
    try:
        exec(code, namespace)  # noqa: S102
    finally:
        namespace["__file__"] = previous
    return time.perf_counter() - started


@pytest.fixture(scope="session")
def worker_env(tmp_path_factory):
    """Private job folder, the worker's Python, and a cache shared by the session's runs."""
    base = tmp_path_factory.mktemp("reaper-env")
    saved = {key: os.environ.get(key) for key in ("REAPER_EXT_JOBS_DIR", "REAPER_EXT_PYTHON", "REAPER_EXT_CACHE_DIR")}
    os.environ["REAPER_EXT_JOBS_DIR"] = str(base / "jobs")
    os.environ["REAPER_EXT_PYTHON"] = sys.executable
    os.environ["REAPER_EXT_CACHE_DIR"] = str(base / "cache")
    yield base
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def corpus_copy_with_media(folder: Path) -> Path:
    """The corpus project in ``folder`` with its missing recording supplied (real instrument audio)."""
    import numpy as np
    import soundfile as sf

    project = folder / CORPUS_PROJECT.name
    shutil.copyfile(CORPUS_PROJECT, project)
    audio, rate_hz = sf.read(EXAMPLE.parent / "media" / "audio01.flac", dtype="float32", always_2d=True)
    repeats = int(np.ceil(64.0 * rate_hz / len(audio)))
    sf.write(folder / "01-201205_2144.wav", np.tile(audio, (repeats, 1))[: int(64.0 * rate_hz)], rate_hz)
    return project


@dataclass
class ActionRun:
    """What one end-to-end run of an action left behind."""

    project: Path
    fake: object
    saved: Path
    action_sec: float
    worst_tick_sec: float
    n_ticks: int
    job_dir: Path
    console: list[str] = field(default_factory=list)


def run_end_to_end(project: Path, out: Path, title: str = "Analyze session (label, measure, suggest)", *, on_cycle=None,
                   select=None) -> ActionRun:
    from tests.reaper.fake import reaper_python

    fake = reaper_python.open_project(project)
    if select:
        select(fake)
    action_sec = run_action_script(title)
    import reaper_ext.reaper.runner as runner

    job = runner.current_job()
    assert job is not None, "".join(fake.console)
    assert fake.deferred, "".join(fake.console)
    fake.run_until_idle(timeout_sec=240, on_cycle=on_cycle)
    job.process.wait(timeout=30)
    saved = out / ("saved-" + project.name)
    fake.save(saved)
    return ActionRun(project, fake, saved, action_sec, max(fake.tick_sec), len(fake.tick_sec), job.job_dir, list(fake.console))


@pytest.fixture(scope="session")
def example_run(worker_env, tmp_path_factory):
    from tests.reaper.fake import reaper_python

    sys.modules["reaper_python"] = reaper_python
    try:
        yield run_end_to_end(EXAMPLE, tmp_path_factory.mktemp("example"))
    finally:
        reaper_python.uninstall()


@pytest.fixture(scope="session")
def corpus_run(worker_env, tmp_path_factory):
    from tests.reaper.fake import reaper_python

    folder = tmp_path_factory.mktemp("corpus")
    sys.modules["reaper_python"] = reaper_python
    try:
        yield run_end_to_end(corpus_copy_with_media(folder), folder)
    finally:
        reaper_python.uninstall()

"""Shared fixtures: paths to the in-repo test data (real REAPER projects, REAPER's API list) and the example session.

Everything is found relative to this file, so a clone of the repository runs its tests
alone; ``tests/data/MANIFEST.md`` says where each data file came from.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).parent
REPO_ROOT = TESTS_DIR.parent
DATA_DIR = TESTS_DIR / "data"
CORPUS_DIR = DATA_DIR / "corpus" / "rpp"
REAPER_API_DIR = DATA_DIR / "reaper_api"
API_JSON = REAPER_API_DIR / "reaper_python_api.json"
FACTS_MD = REAPER_API_DIR / "FACTS.md"
EXAMPLE_PROJECT = REPO_ROOT / "examples" / "session" / "example.RPP"
if str(REPO_ROOT) not in sys.path:  # the fake REAPER lives at tests.reaper.fake
    sys.path.insert(0, str(REPO_ROOT))


def corpus_files() -> list[Path]:
    """Every project file in the corpus (the test fails if there are none)."""
    return sorted(path for path in CORPUS_DIR.iterdir() if path.suffix.lower() == ".rpp")


@pytest.fixture(scope="session")
def corpus_paths() -> list[Path]:
    files = corpus_files()
    assert files, f"no .RPP files in {CORPUS_DIR} (see tests/data/MANIFEST.md)"
    return files


@pytest.fixture
def fake_module():
    """The fake ``reaper_python`` installed as REAPER's module; removed afterwards."""
    from tests.reaper.fake import reaper_python

    previous = sys.modules.get("reaper_python")
    sys.modules["reaper_python"] = reaper_python
    yield reaper_python
    reaper_python.uninstall()
    import reaper_ext.reaper.runner as runner

    runner._current = None
    if previous is None:
        sys.modules.pop("reaper_python", None)
    else:
        sys.modules["reaper_python"] = previous

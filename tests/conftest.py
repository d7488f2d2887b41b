"""Shared fixtures: paths to the real REAPER project corpus and the example session."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).parent
REPO_ROOT = TESTS_DIR.parent
SHARED_DIR = REPO_ROOT.parent / "shared"
CORPUS_DIR = SHARED_DIR / "corpus" / "rpp"
EXAMPLE_PROJECT = REPO_ROOT / "examples" / "session" / "example.RPP"


def corpus_files() -> list[Path]:
    """Every project file in the shared corpus (the test fails if there are none)."""
    return sorted(path for path in CORPUS_DIR.iterdir() if path.suffix.lower() == ".rpp")


@pytest.fixture(scope="session")
def corpus_paths() -> list[Path]:
    files = corpus_files()
    assert files, f"no .RPP files in {CORPUS_DIR}: the shared corpus must sit beside the repo"
    return files

"""Fixtures for the FX tests: the real REAPER projects of the corpus (``tests/data/corpus/rpp``)."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "rpp"
API_JSON = Path(__file__).resolve().parents[1] / "data" / "reaper_api" / "reaper_python_api.json"


def fx_blocks(path: Path, opener: str) -> list[tuple[list[str], list[str]]]:
    """(all lines from BYPASS to the closing '>', base64/body lines) for each block opened by ``opener``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = []
    for index, line in enumerate(lines):
        if line.strip().startswith(opener):
            end = next(j for j in range(index + 1, len(lines)) if lines[j].strip() == ">")
            start = index - 1 if lines[index - 1].strip().startswith("BYPASS") else index
            blocks.append((lines[start : end + 1], [body.strip() for body in lines[index + 1 : end]]))
    return blocks


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"corpus missing at {CORPUS} (see tests/data/MANIFEST.md)")
    return CORPUS

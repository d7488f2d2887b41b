"""Analyse every real project with its media restored, write, reject-all, accept-all: bytes back, no tags left.

The corpus ships without its audio (a missing file is normal input), so an analysis of
the bare projects finds nothing to suggest. Each test therefore first gives every audio
item a file where REAPER would look for it (by name in the project folder): a tone with a
clipped burst, so there is always something real to find, and then checks that the
analysis really produced suggestions before the round trips.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import soundfile

from reaper_ext.pipeline.session import analyze_project
from reaper_ext.session.rpp import parse_rpp, read_project
from reaper_ext.session.rpp.writer import RppSessionWriter
from reaper_ext.settings import Settings
from reaper_ext.suggest.engine import suggest
from reaper_ext.suggest.ledger.core import TAG, Selection, accept, apply_suggestions, reject
from tests.conftest import corpus_files

RATE_HZ = 44100
AUDIO_SOURCES = {"WAVE", "FLAC", "MP3", "VORBIS", "OGG", "OPUS", "AIFF"}
MAX_MEDIA_SEC = 30.0  # files as long as their items read them, up to this (test time)


def _test_audio(seconds: float, seed: int) -> np.ndarray:
    """A 110 Hz tone with harmonics and a burst clipped at full scale in the middle."""
    n = max(int(seconds * RATE_HZ), RATE_HZ)
    t = np.arange(n) / RATE_HZ
    tone = sum(0.25 / k * np.sin(2 * np.pi * 110 * k * t + seed) for k in range(1, 6))
    burst = slice(n // 2, n // 2 + RATE_HZ // 20)
    tone[burst] *= 8.0
    return np.clip(tone, -1.0, 1.0).astype(np.float32)[:, None]


def _restore_media(project, folder) -> int:
    """Write a file for every audio item whose media is missing, named as the project names it.

    Each file is as long as the furthest any item reads into it (section start, start
    offset and length at the item's playrate).
    """
    needed_sec: dict[str, float] = {}
    for item in (item for track in project.tracks for item in track.items):
        if item.media is None or item.media.is_found or item.source_type.upper() not in AUDIO_SOURCES:
            continue
        name = item.media.file_as_written.replace("\\", "/").rsplit("/", 1)[-1]
        if not name:
            continue
        reach_sec = item.section_start_sec + item.start_offset_sec + item.length_sec * (item.playrate or 1.0)
        needed_sec[name] = max(needed_sec.get(name, 1.0), reach_sec)
    for seed, (name, seconds) in enumerate(sorted(needed_sec.items())):
        # libsndfile opens by content, whatever the extension says
        soundfile.write(folder / name, _test_audio(min(seconds, MAX_MEDIA_SEC), seed), RATE_HZ, format="WAV")
    return len(needed_sec)


@pytest.mark.parametrize("source", corpus_files(), ids=lambda path: path.name)
def test_analyse_then_reject_all_gives_the_original_bytes(source, tmp_path):
    path = tmp_path / source.name
    shutil.copyfile(source, path)
    original = path.read_bytes()
    n_restored = _restore_media(read_project(parse_rpp(original, path=path)), tmp_path)
    doc = parse_rpp(original, path=path)
    project = read_project(doc)
    analysis = analyze_project(project, cache=None)
    for track, result in zip(project.tracks, analysis.tracks, strict=True):
        if any(item.media is not None and not item.media.is_found for item in track.items if not item.is_muted):
            assert result.error and "missing" in result.error  # what could not be restored is reported
    suggestions = suggest(project, analysis, Settings())
    if n_restored:
        # restored audio (with a clipped burst on every file) must be heard and acted on
        assert any(result.measurements is not None for result in analysis.tracks)
        assert suggestions, f"{source.name}: {n_restored} media files restored but no suggestion made"
    written = apply_suggestions(RppSessionWriter(doc), suggestions)
    refused = [s for s in suggestions if s.id not in set(written.done)]
    # the one refusal allowed: order/folder/stems on a project whose tracks have no GUIDs (docs/trust.md)
    # (a folder names the project as its target and its members by their "#n" stand-ins)
    assert all(s.kind in ("order", "folder", "stems")
               and (s.target.startswith("#") or all(g.startswith("#") for g in s.params.get("member_guids", ["?"])))
               for s in refused), ([(s.kind, s.target) for s in refused], written.messages)
    assert all("no GUIDs" in message for message in written.messages if "not written" in message)
    text = doc.to_bytes()
    reread = parse_rpp(text, path=path)
    assert reject(RppSessionWriter(reread), Selection(is_all=True)).messages == []
    assert reread.to_bytes() == original
    accepted = parse_rpp(text, path=path)
    accept(RppSessionWriter(accepted), Selection(is_all=True))
    read_project(parse_rpp(accepted.to_bytes()))  # parses
    assert TAG not in accepted.to_text()


def test_the_corpus_has_audio_to_restore(tmp_path):
    # guards the test above against a corpus (or a reader) where nothing would be restored
    total = sum(_restore_media(read_project(parse_rpp(p.read_bytes(), path=tmp_path / p.name)), tmp_path) for p in corpus_files())
    assert total >= 10

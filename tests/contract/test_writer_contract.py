"""The writer contract: the same suggestions, written through either backend, give the same project.

For every corpus project (and the example), one set of suggestions (a rename, a colour, a
gain, a mute, a ReaEQ, a ReaComp, a marker, a region) is applied through
:class:`RppSessionWriter` and through :class:`LiveSession` on the fake REAPER; then the two
snapshots are compared field by field with the snapshot contract's comparison. Rejecting
everything must give each backend back the project it started from.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import EXAMPLE_PROJECT, corpus_files
from tests.contract.test_snapshot_contract import CURRENT_REAPER, KNOWN_DIFFERENCES, compare

PROJECTS = [*corpus_files(), EXAMPLE_PROJECT]
_GUID = re.compile(r"^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$")

# What each backend makes up on its own when it writes: compared by form, not by value.
WRITTEN_DIFFERENCES = {
    **KNOWN_DIFFERENCES,
    ("FxInfo", "fx_guid"): (
        "each backend gives a new plug-in its own GUID (REAPER makes it live)",
        lambda offline, live, run: bool(_GUID.match(live)) and bool(_GUID.match(offline) or offline == ""),
    ),
    ("Marker", "guid"): (
        "each backend gives a new marker its own GUID (REAPER makes it live)",
        lambda offline, live, run: bool(_GUID.match(live)) or live == offline,
    ),
    ("Project", "ext_state"): (
        "the ledger's entries hold each backend's own restore tokens and marker ids; the same entries are there",
        lambda offline, live, run: {section: set(keys) for section, keys in offline.items()}
        == {section: set(keys) for section, keys in live.items()},
    ),
}


def _suggestions(project):
    """One of each kind the live and file backends both write, aimed by track position."""
    from reaper_ext.fx.spec import EqBand, FxSpec
    from reaper_ext.suggest.model import Suggestion

    out = [
        Suggestion("marker-1", "marker", "project", "", {"position_sec": 2.5, "name": "clipping"}, "test"),
        Suggestion("section-1", "section", "project", "", {"position_sec": 0.0, "end_sec": 8.0, "name": "A"}, "test"),
    ]
    if not project.tracks:
        return out
    first, last = project.tracks[0], project.tracks[-1]
    eq = FxSpec("ReaEQ", bands=[EqBand("highpass", 90.0, q=0.707), EqBand("band", 250.0, -3.0, q=1.4)], custom_name="HPF")
    comp = FxSpec("ReaComp", params={"threshold_db": -24.0, "ratio": 3.0, "attack_ms": 10.0, "release_ms": 120.0})
    return out + [
        Suggestion("name-1", "name", first.guid, first.name, {"name": "Kick"}, "test"),
        Suggestion("color-1", "color", first.guid, first.name, {"color": 0x1000000 | 0x3333CC}, "test"),
        Suggestion("highpass-1", "highpass", first.guid, first.name, {"fx": eq.to_dict()}, "test"),
        Suggestion("compressor-1", "compressor", last.guid, last.name, {"fx": comp.to_dict()}, "test"),
        Suggestion("gain-1", "gain", last.guid, last.name, {"gain_db": -3.0}, "test"),
    ]


@pytest.mark.parametrize("path", PROJECTS, ids=lambda path: path.name)
def test_both_backends_write_the_same_suggestions_alike_and_reject_them_back(fake_module, path):
    from reaper_ext.reaper import api
    from reaper_ext.session.live import LiveSession
    from reaper_ext.session.rpp import load_document
    from reaper_ext.session.rpp.writer import RppSessionWriter
    from reaper_ext.suggest.ledger.core import Selection, apply_suggestions, reject

    doc = load_document(path)
    original_text = "".join(doc.lines)
    offline = RppSessionWriter(doc)
    offline_before = offline.snapshot()
    offline_done = apply_suggestions(offline, _suggestions(offline_before)).done

    fake = fake_module.open_project(path, version=CURRENT_REAPER[0], platform=CURRENT_REAPER[1])
    live = LiveSession()
    live_before = live.snapshot()
    api.undo_begin()
    live_done = apply_suggestions(live, _suggestions(live_before)).done
    api.undo_end("reaper-ext: test")
    assert live_done == offline_done and len(offline_done) == len(_suggestions(offline_before))
    assert not fake.unblocked_changes

    run = {"version": (7, 72), "app_version": fake_module.RPR_GetAppVersion(), "fake": fake}
    written_offline, written_live = offline.snapshot(), live.snapshot()
    assert written_offline != offline_before  # the suggestions did write something
    assert compare(written_offline, written_live, run, known=WRITTEN_DIFFERENCES) == []

    reject(offline, Selection(is_all=True))
    reject(live, Selection(is_all=True))
    assert "".join(doc.lines) == original_text  # the file backend gives back the same text
    assert live.snapshot() == live_before  # REAPER holds what it held before

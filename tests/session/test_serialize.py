"""A snapshot survives the trip through ``job.json`` whole: the worker analyses what REAPER holds."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.conftest import EXAMPLE_PROJECT, corpus_files


@pytest.mark.parametrize("path", [*corpus_files(), EXAMPLE_PROJECT], ids=lambda path: path.name)
def test_project_round_trips_through_json(path):
    from reaper_ext.session.rpp import load_project
    from reaper_ext.session.serialize import project_from_dict, project_to_dict

    _, project = load_project(path)
    again = project_from_dict(json.loads(json.dumps(project_to_dict(project))))
    assert again == project


def test_every_model_field_reaches_the_worker():
    # A field the serializer forgot would come back as its default: give every field a non-default value.
    from pathlib import Path

    from reaper_ext.session.model import FxInfo, Item, Marker, MediaStatus, Project, Track
    from reaper_ext.session.serialize import project_from_dict, project_to_dict

    media = MediaStatus("media/a.flac", Path("/p/media/a.flac"), (Path("/p/media/a.flac"), Path("/p/a.flac")))
    item = Item(1.0, 2.0, "{I}", "take", "SECTION", media, 0.5, 1.5, 0.5, -1.0, True, 3.25, 4.5)
    fx = FxInfo("VST: ReaEQ (Cockos)", "VST", False, True, "mine", "{F}")
    track = Track(2, "{T}", "Bass", 0x1FF0000, 0.5, -0.25, True, True, -1, (fx,), (item,), {"role": "bass"})
    marker = Marker(3, 1.0, "Verse", 9.0, 0x10000FF, "{M}")
    project = Project(Path("/p/x.RPP"), "7.27/win64", 48000, 97.5, (7, 8), (track,), (marker,),
                      {"REAPER_EXT": {"k": "v"}}, "line 1\nline 2")
    for value in (media, item, fx, track, marker, project):  # nothing left at its default
        for field in dataclasses.fields(value):
            if field.default is not dataclasses.MISSING:
                assert getattr(value, field.name) != field.default, field.name
            elif field.default_factory is not dataclasses.MISSING:
                assert getattr(value, field.name) != field.default_factory(), field.name
    assert project_from_dict(json.loads(json.dumps(project_to_dict(project)))) == project

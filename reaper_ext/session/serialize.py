"""A :class:`~reaper_ext.session.model.Project` to JSON-able dicts and back.

The REAPER side snapshots the open project and hands it to the worker
process in ``job.json``; the worker rebuilds the same model from it. Pure
standard library (it runs inside REAPER).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reaper_ext.session.model import FxInfo, Item, Marker, MediaStatus, Project, Track

__all__ = ["project_to_dict", "project_from_dict"]


def project_to_dict(project: Project) -> dict[str, Any]:
    """JSON-able form of ``project`` (paths as strings, tuples as lists)."""
    return project.to_dict()


def _path(value: Any) -> Path | None:
    return None if value in (None, "") else Path(value)


def _media(data: dict | None) -> MediaStatus | None:
    if data is None:
        return None
    return MediaStatus(
        file_as_written=data["file_as_written"],
        resolved_path=_path(data.get("resolved_path")),
        tried_paths=tuple(Path(p) for p in data.get("tried_paths", ())),
    )


def _item(data: dict) -> Item:
    values = dict(data)
    values["media"] = _media(values.get("media"))
    return Item(**values)


def _track(data: dict) -> Track:
    values = dict(data)
    values["fx"] = tuple(FxInfo(**fx) for fx in values.get("fx", ()))
    values["items"] = tuple(_item(item) for item in values.get("items", ()))
    values["ext_state"] = dict(values.get("ext_state", {}))
    return Track(**values)


def project_from_dict(data: dict[str, Any]) -> Project:
    """Inverse of :func:`project_to_dict`."""
    return Project(
        path=_path(data.get("path")),
        reaper_version=data.get("reaper_version", ""),
        sample_rate_hz=data.get("sample_rate_hz"),
        tempo_bpm=float(data.get("tempo_bpm", 120.0)),
        time_signature=tuple(data.get("time_signature", (4, 4))),
        tracks=tuple(_track(track) for track in data.get("tracks", ())),
        markers=tuple(Marker(**marker) for marker in data.get("markers", ())),
        ext_state={section: dict(values) for section, values in data.get("ext_state", {}).items()},
        notes=data.get("notes", ""),
    )

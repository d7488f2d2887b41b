"""What ``reaper-ext info`` shows: a project's tracks, items, media, markers and FX.

The JSON form is a stable interface (scripts read it): see the README.
"""

from __future__ import annotations

from math import log10

from reaper_ext.session.model import Item, Project, Track

__all__ = ["project_info", "format_info"]

INFO_SCHEMA_VERSION = 1


def _item_info(item: Item) -> dict:
    media = item.media
    return {
        "position_sec": item.position_sec,
        "length_sec": item.length_sec,
        "take_name": item.take_name,
        "source_type": item.source_type,
        "file": None if media is None else media.file_as_written,
        "media_path": None if media is None or media.resolved_path is None else str(media.resolved_path),
        "media_found": None if media is None else media.is_found,
        "start_offset_sec": item.start_offset_sec,
        "item_gain": item.item_gain,
        "take_gain": item.take_gain,
        "is_muted": item.is_muted,
    }


def _track_info(track: Track) -> dict:
    return {
        "index": track.index,
        "name": track.name,
        "guid": track.guid,
        "color": track.color,
        "volume_gain": track.volume_gain,
        "pan": track.pan,
        "is_muted": track.is_muted,
        "folder_depth": track.folder_depth,
        "fx": [
            {"name": fx.name, "kind": fx.kind, "is_enabled": fx.is_enabled, "custom_name": fx.custom_name}
            for fx in track.fx
        ],
        "items": [_item_info(item) for item in track.items],
    }


def project_info(project: Project) -> dict:
    """The JSON object ``reaper-ext info --json`` prints."""
    missing = sorted(
        {
            item.media.file_as_written
            for track in project.tracks
            for item in track.items
            if item.media is not None and not item.media.is_found
        }
    )
    return {
        "schema_version": INFO_SCHEMA_VERSION,
        "path": None if project.path is None else str(project.path),
        "reaper_version": project.reaper_version,
        "sample_rate_hz": project.sample_rate_hz,
        "tempo_bpm": project.tempo_bpm,
        "time_signature": list(project.time_signature),
        "tracks": [_track_info(track) for track in project.tracks],
        "markers": [
            {
                "index": marker.index,
                "name": marker.name,
                "position_sec": marker.position_sec,
                "end_sec": marker.end_sec,
                "is_region": marker.is_region,
            }
            for marker in project.markers
        ],
        "missing_media": missing,
    }


def _seconds(value: float) -> str:
    minutes, seconds = divmod(value, 60.0)
    return f"{int(minutes)}:{seconds:06.3f}"


def format_info(project: Project) -> str:
    """A readable table of the project, for the terminal."""
    lines = [
        f"{project.path}  (REAPER {project.reaper_version or 'unknown'}, "
        f"{project.tempo_bpm:g} BPM {project.time_signature[0]}/{project.time_signature[1]}, "
        f"{project.sample_rate_hz or 'device'} Hz)",
        f"{len(project.tracks)} tracks, {sum(len(t.items) for t in project.tracks)} items, "
        f"{len(project.markers)} markers/regions",
        "",
    ]
    depth = 0
    for track in project.tracks:
        indent = "  " * depth
        volume = track.volume_gain
        volume_db = "-inf" if volume <= 0 else f"{20 * log10(volume):+.1f}"
        flags = " [muted]" if track.is_muted else ""
        lines.append(f"{track.index + 1:>3}. {indent}{track.name or '(unnamed)'}  vol {volume_db} dB{flags}")
        for fx in track.fx:
            state = "" if fx.is_enabled else " (bypassed)"
            label = fx.custom_name or fx.name
            lines.append(f"       {indent}fx: {label}{state}")
        for item in track.items:
            media = item.media
            if media is None:
                where = item.source_type or "no source"
            elif media.is_found:
                where = f"{media.file_as_written} (found)"
            else:
                where = f"{media.file_as_written} (MISSING)"
            muted = " [muted]" if item.is_muted else ""
            lines.append(
                f"       {indent}item {_seconds(item.position_sec)} +{item.length_sec:.3f}s  {where}{muted}"
            )
        depth = max(0, depth + track.folder_depth)
    if project.markers:
        lines.append("")
        lines.append("markers:")
        for marker in project.markers:
            span = f"{_seconds(marker.position_sec)}"
            if marker.is_region:
                span += f" - {_seconds(marker.end_sec or 0.0)}"
            lines.append(f"  {'R' if marker.is_region else 'M'}{marker.index} {span}  {marker.name}")
    missing = project_info(project)["missing_media"]
    if missing:
        lines.append("")
        lines.append(f"missing media ({len(missing)}): " + ", ".join(missing))
    return "\n".join(lines)

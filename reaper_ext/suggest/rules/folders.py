"""Track order and folders by instrument class.

Order: the conventional console layout, drums (kick, snare, hi-hat, toms,
overheads, percussion), bass, guitar, keys, strings, brass, woodwind, synth,
vocals, then everything else (unlabelled tracks keep their relative order, last).
Folders: one per coarse class holding at least two tracks (a "Drums" folder for
the kit). Projects that already use folders are left alone: the user organised them.
"""

from __future__ import annotations

from collections import defaultdict

from reaper_ext.pipeline.results import SessionAnalysis
from reaper_ext.session.model import Project
from reaper_ext.settings import Settings
from reaper_ext.suggest.model import TARGET_PROJECT, Suggestion, make_suggestion_id
from reaper_ext.suggest.rules.common import usable_tracks

__all__ = ["suggest_folders", "CLASS_ORDER", "FINE_ORDER"]

CLASS_ORDER = ("drums", "bass", "guitar", "keys", "strings", "brass", "woodwind", "synth", "vocals", "other")
FINE_ORDER = ("kick", "snare", "hihat", "toms", "overheads", "percussion")
MIN_FOLDER_TRACKS = 2


def _rank(coarse: str, fine: str) -> tuple[int, int]:
    coarse_rank = CLASS_ORDER.index(coarse) if coarse in CLASS_ORDER else len(CLASS_ORDER)
    fine_rank = FINE_ORDER.index(fine) if fine in FINE_ORDER else len(FINE_ORDER)
    return coarse_rank, fine_rank


def suggest_folders(project: Project, analysis: SessionAnalysis, settings: Settings) -> list[Suggestion]:
    """``order`` suggestions for tracks out of the conventional order, ``folder`` per class of 2+ tracks."""
    if any(track.folder_depth != 0 for track in project.tracks):
        return []
    views = {view.guid: view for view in usable_tracks(project, analysis) if view.result.label and not view.is_silent}
    unknown_rank = (len(CLASS_ORDER) + 1, 0)
    keyed = [
        ((_rank(views[t.guid].coarse_class, views[t.guid].fine_class) if t.guid in views else unknown_rank), t.index, t)
        for t in project.tracks
    ]
    ordered = [track for *_, track in sorted(keyed, key=lambda entry: (entry[0], entry[1]))]
    suggestions = []
    for new_index, track in enumerate(ordered):
        view = views.get(track.guid)
        if track.index == new_index or view is None:
            continue  # unlabelled or unreadable tracks are not moved by a suggestion of theirs
        where = f"the {view.coarse_class} tracks"
        suggestions.append(Suggestion(
            id=make_suggestion_id("order", track.guid),
            kind="order",
            target=track.guid,
            track_name=track.name,
            params={"new_index": new_index},
            why=f"Track {track.index + 1} belongs with {where} in the usual order (drums, bass, guitars, keys, "
                f"orchestra, synths, vocals): move it to position {new_index + 1}.",
            confidence=view.label_confidence,
        ))
    groups: dict[str, list] = defaultdict(list)
    for track in ordered:
        if track.guid in views:
            groups[views[track.guid].coarse_class].append(views[track.guid])
    for coarse in CLASS_ORDER:
        members = groups.get(coarse, [])
        if coarse == "other" or len(members) < MIN_FOLDER_TRACKS:
            continue
        name = settings.folder_names.get(coarse, coarse.title())
        listed = ", ".join(f'"{view.name or view.fine_class}"' for view in members)
        suggestions.append(Suggestion(
            id=make_suggestion_id("folder", TARGET_PROJECT, coarse),
            kind="folder",
            target=TARGET_PROJECT,
            track_name="",
            params={"folder_name": name, "member_guids": [view.guid for view in members], "coarse_class": coarse},
            why=f"{len(members)} tracks sound like {coarse} ({listed}): group them in a \"{name}\" folder "
                f"to mix them as one.",
            confidence=min(view.label_confidence for view in members),
        ))
    return suggestions

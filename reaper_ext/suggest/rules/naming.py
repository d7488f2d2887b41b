"""Names and colours from the instrument label.

A track is renamed only when its current name is generic (``""``, "Audio 01",
"Track 3", "Untitled", a file name): a name the user chose is never touched.
A colour is suggested for every track without a custom colour (``color == 0``).

Both only when the label is confident (:func:`reaper_ext.labels.doubt.is_confident`:
calibrated confidence at or over the weights' rename threshold, chosen on training-side
data, issue 11). A label sure of its group but not of its fine class (kick or tom?)
names the track by the group ("Drums 3", "Synth") and colours it as the group, when
the group's share reaches :func:`reaper_ext.labels.doubt.group_rename_confidence`; the
why names the candidates. Any other doubtful label gets a ``label_doubt`` suggestion
that says what was heard and how unsure it is ("drums? (48%): kick or toms") and
changes nothing.
"""

from __future__ import annotations

import re
from collections import Counter

from reaper_ext.pipeline.results import SessionAnalysis
from reaper_ext.session.model import Project
from reaper_ext.session.reaper_keys import rgb_to_native_color
from reaper_ext.settings import Settings
from reaper_ext.suggest.model import Suggestion, make_suggestion_id
from reaper_ext.suggest.rules.common import TrackView, usable_tracks

__all__ = ["suggest_naming", "is_generic_name", "SHORT_NAMES"]

#: The short name of each fine class, as engineers write them on a console strip.
SHORT_NAMES: dict[str, str] = {
    "kick": "Kick", "snare": "Snare", "hihat": "Hi-Hat", "toms": "Tom", "overheads": "OH",
    "percussion": "Perc", "bass": "Bass", "guitar": "Gtr", "keys": "Keys", "strings": "Strings",
    "brass": "Brass", "woodwind": "Winds", "synth_lead": "Lead", "synth_pad": "Pad", "vocals": "Vox",
    "fx": "FX", "mix": "Mix",
}

_GENERIC = re.compile(
    r"^\s*(audio|track|trk|tr|channel|chan|ch|input|in|untitled|new track|rec|record|recording|take|mono|stereo"
    r"|bounce|stem|mix|insert|bus)?[\s_\-#.]*\d*\s*$",
    re.IGNORECASE,
)
_FILE_LIKE = re.compile(r"\.(wav|wave|flac|aif|aiff|mp3|ogg|m4a|caf|w64|bwf|rpp)$", re.IGNORECASE)
_RECORDED = re.compile(r"^(audio|track|rec|take)[\w\- ]*\d+$", re.IGNORECASE)


def is_generic_name(name: str) -> bool:
    """Whether ``name`` says nothing about the track (so renaming loses nothing)."""
    return bool(_GENERIC.match(name) or _FILE_LIKE.search(name.strip()) or _RECORDED.match(name.strip()))


def suggest_naming(project: Project, analysis: SessionAnalysis, settings: Settings) -> list[Suggestion]:
    """``name`` suggestions for generically named tracks, ``color`` for uncoloured ones."""
    from reaper_ext.labels.doubt import GROUP_NAMES, group_rename_confidence, is_confident

    labelled = [view for view in usable_tracks(project, analysis) if view.result.label and not view.is_silent]
    # the full-mix label is the separation detector's own decision, made only when it is sure
    views = [view for view in labelled if view.fine_class == "mix" or is_confident(view.label_confidence)]
    group_threshold = group_rename_confidence()
    # sure of the group, not of the fine class: the group's name is true (issue 11's doubt policy)
    grouped = {view.guid: group for view in labelled if view not in views
               for group, share in [_group(view)] if group in GROUP_NAMES and share >= group_threshold}
    doubtful = [view for view in labelled if view not in views and view.guid not in grouped]
    bases = {view.guid: GROUP_NAMES[grouped[view.guid]] if view.guid in grouped else SHORT_NAMES.get(view.fine_class)
             for view in labelled if view in views or view.guid in grouped}
    renamed = [view for view in labelled if bases.get(view.guid) and is_generic_name(view.name)]
    totals = Counter(bases[view.guid] for view in renamed)
    taken = {track.name.strip().lower() for track in project.tracks}
    seen: Counter[str] = Counter()
    suggestions = []
    for view in renamed:
        base = str(bases[view.guid])
        seen[base] += 1
        name = f"{base} {seen[base]}" if totals[base] > 1 else base
        while name.lower() in taken:  # never give two tracks the same name
            seen[base] += 1
            name = f"{base} {seen[base]}"
        taken.add(name.lower())
        suggestions.append(_name_suggestion(view, name, grouped.get(view.guid)))
    for view in labelled:
        if (view in views or view.guid in grouped) and view.track.color == 0:
            suggestions.append(_color_suggestion(view, settings, grouped.get(view.guid)))
    suggestions += [_doubt_suggestion(view) for view in doubtful]
    return suggestions


def _group(view: TrackView) -> tuple[str, float]:
    from reaper_ext.labels.doubt import group_share

    label = view.result.label
    return group_share(view.fine_class, view.label_confidence, tuple(getattr(label, "alternatives", ()) or ()))


def _doubt_suggestion(view: TrackView) -> Suggestion:
    from reaper_ext.labels.doubt import doubt_text

    label = view.result.label
    alternatives = tuple(getattr(label, "alternatives", ()) or ())
    heard = doubt_text(view.fine_class, view.label_confidence, alternatives)
    return Suggestion(
        id=make_suggestion_id("label_doubt", view.guid),
        kind="label_doubt",
        target=view.guid,
        track_name=view.name,
        params={"heard": heard, "fine_class": view.fine_class, "confidence": round(view.label_confidence, 4),
                "alternatives": [[name, p] for name, p in alternatives]},
        why=f"Not sure what this track is: {heard}. Not renamed or coloured; name it yourself if you know.",
        confidence=view.label_confidence,
    )


def _label_words(view: TrackView, group: str | None = None) -> str:
    if group is not None:  # sure of the group only: say so, and which of its classes it may be
        from reaper_ext.labels.classes import COARSE_OF

        label = view.result.label
        members = [(name.replace("_", " "), p) for name, p in tuple(getattr(label, "alternatives", ()) or ())
                   if COARSE_OF.get(name, name) == group]
        if len(members) >= 2:
            return f"{group} ({_group(view)[1]:.0%} sure; {members[0][0]} or {members[1][0]}, not sure which)"
        return f"{group} ({_group(view)[1]:.0%} sure; most likely {view.fine_class.replace('_', ' ')}, not sure enough to say)"
    return f"{view.fine_class.replace('_', ' ')} ({view.label_confidence:.0%} sure)"


def _name_suggestion(view: TrackView, name: str, group: str | None = None) -> Suggestion:
    current = view.name or "(no name)"
    return Suggestion(
        id=make_suggestion_id("name", view.guid),
        kind="name",
        target=view.guid,
        track_name=view.name,
        params={"name": name, "fine_class": view.fine_class, "coarse_class": view.coarse_class,
                **({"named_by_group": group} if group is not None else {})},
        why=f'"{current}" says nothing about the track; it sounds like {_label_words(view, group)}: name it "{name}".',
        confidence=view.label_confidence if group is None else _group(view)[1],
    )


def _color_suggestion(view: TrackView, settings: Settings, group: str | None = None) -> Suggestion:
    rgb = settings.color_rgb(view.coarse_class)
    return Suggestion(
        id=make_suggestion_id("color", view.guid),
        kind="color",
        target=view.guid,
        track_name=view.name,
        params={"color": rgb_to_native_color(*rgb), "rgb": list(rgb)},
        why=f"The track has no colour and sounds like {_label_words(view, group)}: colour it as {view.coarse_class}.",
        confidence=view.label_confidence if group is None else _group(view)[1],
    )

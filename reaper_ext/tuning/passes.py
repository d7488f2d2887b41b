"""The tuning and clean-up passes of ``analyze`` and of their two actions.

Both run after the session analysis, on the items' source files, and only when
switched on (``[tuning] enabled = true`` / ``[denoise] enabled = true`` in the
settings file; the two actions switch their own pass on). They add
suggestions (``tuning`` with its ``marker`` s, ``denoise``) and, per track,
an ``intonation`` and a ``cleanup`` object for the analysis JSON, without
touching the analysis results themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reaper_ext.errors import ReaperExtError
from reaper_ext.tuning.targets import ChordSpan

__all__ = ["ExtraPasses", "run_passes", "run_job", "pass_settings", "song_chords", "MONOPHONIC_CLASSES"]

#: Coarse classes whose tracks are one line at a time: ``analyze`` checks their tuning.
MONOPHONIC_CLASSES = frozenset({"vocals", "woodwind", "brass"})


@dataclass
class ExtraPasses:
    """What the passes added."""

    suggestions: list = field(default_factory=list)
    per_track: dict[str, dict[str, Any]] = field(default_factory=dict)  # track guid -> {"intonation": ..., "cleanup": ...}
    messages: list[str] = field(default_factory=list)

    def merged(self, suggestions: list) -> list:
        """``suggestions`` with the passes' added; one of theirs with the same id (a hum notch) is replaced."""
        ours = {suggestion.id for suggestion in self.suggestions}
        return [suggestion for suggestion in suggestions if suggestion.id not in ours] + self.suggestions

    def add_to_json(self, data: dict[str, Any]) -> dict[str, Any]:
        """Put each track's ``intonation`` / ``cleanup`` into an ``analyze --json`` dict (in place)."""
        for track in data.get("tracks", []):
            track.update(self.per_track.get(track.get("guid"), {}))
        return data


def pass_settings(settings: Any, name: str) -> tuple[bool, dict[str, Any]]:
    """``(enabled, thresholds)`` of the ``tuning`` or ``denoise`` table of the user's settings."""
    table = dict(getattr(settings, name, None) or {})
    enabled = bool(table.pop("enabled", False))
    return enabled, table


def run_passes(
    project: Any,
    analysis: Any,
    settings: Any,
    *,
    doc: Any = None,
    tuning: bool | None = None,
    denoise: bool | None = None,
    track_guids: set[str] | None = None,
    item_guids: set[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
    take_forms: bool = True,
    render: bool = True,
) -> ExtraPasses:
    """Run the switched-on passes.

    Parameters
    ----------
    project : Project
        The snapshot analysed.
    analysis : SessionAnalysis or None
        Its analysis (labels choose the tuning tracks, the key gives targets); None for the actions.
    settings : Settings
        The user's settings (``tuning`` / ``denoise`` tables).
    doc : RppDocument, optional
        The project's document, for a MIDI guide track (offline only).
    tuning, denoise : bool, optional
        Force a pass on or off (the actions); None: as the settings say.
    track_guids : set of str, optional
        Only these tracks (every track with a label in :data:`MONOPHONIC_CLASSES`
        for tuning, every track for denoise, when None and there is an analysis).
    item_guids : set of str, optional
        Only these items.
    take_forms : bool
        False where the backend cannot write take envelopes or takes: the
        tuning markers are still made, the envelopes and cleaned takes are not
        (no file is rendered), and messages say so. Both backends can now
        (the live one through the items' state chunks).
    render : bool
        False when the suggestions will not be written into a project (``analyze``
        with ``--json`` only): no cleaned file is rendered, the plans say what would be.
    """
    from reaper_ext.cleanup.config import CleanupSettings
    from reaper_ext.tuning.config import TuningSettings

    out = ExtraPasses()
    tuning_on, tuning_table = pass_settings(settings, "tuning")
    denoise_on, denoise_table = pass_settings(settings, "denoise")
    tuning_on = tuning_on if tuning is None else tuning
    denoise_on = denoise_on if denoise is None else denoise
    if not (tuning_on or denoise_on):
        return out
    tuning_settings = TuningSettings.from_dict(tuning_table)
    cleanup_settings = CleanupSettings.from_dict(denoise_table)
    labels = {}
    key = None
    chords = None
    if analysis is not None:
        labels = {track.guid: track.label for track in analysis.tracks if getattr(track, "label", None) is not None}
        key = getattr(analysis, "key", None)
        chords = song_chords(analysis)
    tracks = [track for track in project.tracks if track_guids is None or track.guid in track_guids]
    if analysis is not None and track_guids is None:  # the tracks analysed (analyze --track: those only)
        analysed = {track.guid for track in analysis.tracks}
        tracks = [track for track in tracks if track.guid in analysed]
    guide = None
    if tuning_on and tuning_settings.guide_track:
        if doc is None:
            out.messages.append(f"tuning: the guide track {tuning_settings.guide_track!r} can be read from a .RPP only; "
                                "targets from the song key")
        else:
            from reaper_ext.tuning.guide import guide_from_rpp

            try:
                guide = guide_from_rpp(doc, tuning_settings.guide_track, project.tempo_bpm)
            except ReaperExtError as error:
                out.messages.append(f"tuning: {error}; targets from the song key")
    n_steps = max(1, len(tracks) * (int(tuning_on) + int(denoise_on)))
    step = 0
    for track in tracks:
        label = labels.get(track.guid)
        coarse = getattr(label, "coarse_class", None)
        entry: dict[str, Any] = {}
        if tuning_on and (track_guids is not None or coarse in MONOPHONIC_CLASSES):
            if progress:
                progress(step / n_steps, f"tuning {track.name}")
            from reaper_ext.tuning.session import check_track, tuning_suggestions

            try:
                checked = check_track(track, tuning_settings, guide=guide, key=key, chords=chords, item_guids=item_guids)
            except ReaperExtError as error:
                out.messages.append(f"track {track.name!r}: tuning not checked ({error})")
            else:
                out.suggestions += tuning_suggestions(checked, envelopes=take_forms)
                if not take_forms and any(result.flagged for _, result in checked.items):
                    out.messages.append(f"track {track.name!r}: off notes marked; the correcting pitch envelope is "
                                        "not written (take forms switched off for this run)")
                entry["intonation"] = checked.to_dict()
                out.messages += [f"track {track.name!r}: {message}" for message in checked.messages]
        step += int(tuning_on)
        if denoise_on:
            if progress:
                progress(step / n_steps, f"noise {track.name}")
            from reaper_ext.cleanup.session import clean_track

            hum_hz = None
            problems = getattr(analysis.track(track.guid), "problems", []) if analysis is not None else []
            for problem in problems:
                if getattr(problem, "kind", None) == "hum":
                    hum_hz = float(problem.measured["freq_hz"])
            part = {"vocals": "singing"}.get(coarse or "", "the part")
            try:
                suggestions, plans, messages = clean_track(project, track, cleanup_settings, item_guids=item_guids,
                                                           hum_nominal_hz=hum_hz, part_name=part, render=take_forms and render)
            except ReaperExtError as error:
                out.messages.append(f"track {track.name!r}: noise not checked ({error})")
            else:
                out.suggestions += suggestions
                entry["cleanup"] = plans
                out.messages += [f"track {track.name!r}: {message}" for message in messages]
            step += 1
        if entry:
            out.per_track[track.guid] = entry
    return out


def run_job(job: dict, progress: Callable[[float, str], None]) -> dict:
    """The worker's ``tuning`` / ``denoise`` job (``job.json`` as a dict); returns the worker's result dict.

    The selected tracks (all when none are selected), or for ``denoise`` the
    selected items, are checked without the session analysis (no labels: every
    chosen track; no song key: targets from a guide or the nearest semitone).
    Jobs come from REAPER, whose backend writes the take envelopes and the
    cleaned takes through the items' state chunks
    (:mod:`reaper_ext.session.live_takes`), so both forms are made: the
    cleaned file is rendered here, in the worker, and the runner adds it as a take.
    """
    from reaper_ext.session.serialize import project_from_dict
    from reaper_ext.settings import load_settings

    kind = job["kind"]
    project = project_from_dict(job["project"])
    settings = load_settings(job.get("settings_path"))
    selected_tracks = set(job.get("selected_track_guids") or [])
    selected_items = set(job.get("selected_item_guids") or [])
    if kind == "denoise" and selected_items:
        tracks = {track.guid for track in project.tracks if any(item.guid in selected_items for item in track.items)}
    else:
        tracks = selected_tracks or {track.guid for track in project.tracks}
    out = run_passes(project, None, settings, tuning=kind == "tuning", denoise=kind == "denoise", track_guids=tracks,
                     item_guids=(selected_items or None) if kind == "denoise" else None, progress=progress)
    messages = list(out.messages)
    for guid, entry in out.per_track.items():
        name = next((track.name for track in project.tracks if track.guid == guid), guid)
        if "intonation" in entry:
            messages.insert(0, f"track {name!r}: {entry['intonation']['summary']}")
        for plan in entry.get("cleanup", []):  # the numbers, suggested or not, in REAPER's console
            messages.append(f"track {name!r}: {plan['why']}")
    return {"suggestions": [s.to_dict() for s in out.suggestions], "messages": messages, "report": None}


def song_chords(analysis: Any) -> list[ChordSpan] | None:
    """The song's bar chords (project seconds) the recogniser is sure enough of, as tuning targets; None if none."""
    from reaper_ext.tuning.targets import MIN_CHORD_CONFIDENCE, chord_pitch_classes

    song = getattr(analysis, "song", None)
    spans = []
    for chord in getattr(song, "chords", None) or ():
        if chord.confidence < MIN_CHORD_CONFIDENCE:
            continue
        try:
            tones = chord_pitch_classes(chord.root, chord.quality)
        except ReaperExtError:  # a quality tuning does not know: no chord target for that bar
            continue
        spans.append(ChordSpan(chord.start_sec, chord.end_sec, chord.name, tones))
    return spans or None

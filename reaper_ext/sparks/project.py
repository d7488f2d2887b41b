"""A ``.RPP`` in, ``sparks`` suggestions out: read the song, then make ideas per section.

Reading: every audible track is rendered from its items
(:func:`reaper_ext.audio.track_audio.read_track_audio`) and summed into the mix;
the song analysis's features give the harmonic chroma, the key and the sections;
bars come from the project's tempo map (``TEMPO`` and the tempo envelope), so the
chords are read bar by bar where the user's grid puts bars. Drum tracks (their
names say kick, snare, hat, drum, overhead, ride, cymbal, perc, tom) give the
groove; the lead (lead, vocal, vox, voice, melody, sing) gives the strong-beat
melody notes (the tuning's CREPE pitch tracker, YIN where torch is missing).
Sparks tracks from an earlier run (``Sparks: ...``) are not read.

Each idea kind becomes one suggestion of kind ``sparks``: one muted track named
``Sparks: <idea>`` with one inline MIDI item per section, named and coloured,
its why in the item notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from reaper_ext.errors import AnalysisError
from reaper_ext.session.reaper_keys import rgb_to_native_color
from reaper_ext.session.rpp.document import RppDocument
from reaper_ext.session.rpp.midi import MidiNote, TempoMap, midi_item_spec, tempo_map_from_document
from reaper_ext.sparks.generate import IDEA_KINDS, SectionContext, Spark, generate_sparks
from reaper_ext.sparks.groove import GrooveFingerprint, measure_groove
from reaper_ext.sparks.harmony import (
    BarChord,
    bass_chroma,
    chord_pitch_classes,
    key_from_chord_sequence,
    key_from_chords,
    recognise_chords,
)
from reaper_ext.suggest.model import TARGET_PROJECT, Suggestion, make_suggestion_id

__all__ = ["SparksResult", "SPARKS_TRACK_PREFIX", "IDEA_COLORS", "song_sparks", "project_sparks", "sparks_for_project",
           "sparks_suggestions"]

SPARKS_TRACK_PREFIX = "Sparks: "
_DRUM_NAME = re.compile(r"kick|snare|hat|drum|overhead|\boh\b|ride|cymbal|perc|tom|bd\b|sd\b", re.IGNORECASE)
_LEAD_NAME = re.compile(r"lead|vocal|vox|voice|melody|sing", re.IGNORECASE)
_DRUM_ROLES = (("kick", re.compile(r"kick|bd\b", re.I)), ("snare", re.compile(r"snare|sd\b", re.I)),
               ("hats", re.compile(r"hat|ride|cymbal|overhead|\boh\b", re.I)))
#: Track and item colours per idea, in the project model's form (``0x1BBGGRR``, ``reaper_keys.rgb_to_native_color``).
IDEA_COLORS = {idea: rgb_to_native_color(*rgb) for idea, rgb in {
    "diatonic": (240, 192, 64), "modal": (192, 128, 240), "reharm": (240, 128, 96), "bass": (96, 160, 240),
    "drums": (160, 160, 160)}.items()}
_TRACK_TITLES = {"diatonic": "diatonic chords", "modal": "modal interchange", "reharm": "re-harmonisation",
                 "bass": "bass line", "drums": "drum groove"}


@dataclass
class SparksResult:
    """What the song reading found and the ideas made from it."""

    key: str
    tempo_bpm: float
    chords: list[BarChord]
    groove: GrooveFingerprint | None
    sections: list[tuple[str, int, int]]  # (label, first bar, n bars) that got sparks
    sparks: list[Spark] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    melody: dict[float, int] = field(default_factory=dict)  # strong-beat notes: quarter-note position -> MIDI pitch
    melody_tracker: str | None = None  # "crepe" or "yin" (melody.TRACKERS); None without a lead track

    def to_dict(self) -> dict:
        return {"key": self.key, "tempo_bpm": round(self.tempo_bpm, 3),
                "chords": [chord.to_dict() for chord in self.chords],
                "groove": self.groove.to_dict() if self.groove else None,
                "sections": [{"label": label, "first_bar": first, "n_bars": n} for label, first, n in self.sections],
                "sparks": [{"kind": s.kind, "section": s.section_label, "name": s.name, "why": s.why,
                            "n_notes": len(s.notes)} for s in self.sparks],
                "melody": {"tracker": self.melody_tracker, "n_strong_beat_notes": len(self.melody)},
                "messages": self.messages}


def _drum_role(name: str) -> str:
    for role, pattern in _DRUM_ROLES:
        if pattern.search(name):
            return role
    return name.lower() or "drums"


def song_sparks(
    mix: np.ndarray,
    sample_rate_hz: int,
    tempo_map: TempoMap,
    *,
    drums: dict[str, np.ndarray] | None = None,
    lead: np.ndarray | None = None,
    section_label: str | None = None,
    time_range_sec: tuple[float, float] | None = None,
    at_sec: float | None = None,
    kinds: tuple[str, ...] = IDEA_KINDS,
) -> SparksResult:
    """Read a song (mix, drum tracks, lead, all from project time 0) and make sparks per section.

    Parameters
    ----------
    mix : np.ndarray, shape (n_samples, n_channels)
    sample_rate_hz : int
    tempo_map : TempoMap
        The project's tempo map (bars and beats).
    drums : dict of str to np.ndarray, optional
        Drum tracks by role (``"kick"``, ``"snare"``, ``"hats"``...).
    lead : np.ndarray, optional
        The melody's track.
    section_label : str, optional
        Only sections with this letter.
    time_range_sec : (float, float), optional
        Only the bars in this span (a time selection) as one section.
    at_sec : float, optional
        Only the section under this time (the edit cursor).
    kinds : tuple of str
        Which ideas.

    Raises
    ------
    AnalysisError
        The mix is silent or too short, or no section matches.
    """
    from reaper_ext.analysis.song.features import compute_features
    from reaper_ext.analysis.song.key import key_from_features
    from reaper_ext.analysis.song.results import PITCH_CLASS_NAMES, KeyEstimate
    from reaper_ext.analysis.song.sections import sections_from_features
    from reaper_ext.sparks.melody import track_strong_beats

    features = compute_features(mix, sample_rate_hz)
    key = key_from_features(features)
    duration_sec = mix.shape[0] / sample_rate_hz
    end_bar = int(np.floor(tempo_map.qn_to_bar(tempo_map.sec_to_qn(duration_sec)) + 1e-6))
    if end_bar < 1:
        raise AnalysisError(f"the song is shorter than one bar ({duration_sec:.1f} s): nothing to read chords from")
    bars_sec = [(tempo_map.qn_to_sec(tempo_map.bar_to_qn(b)), tempo_map.qn_to_sec(tempo_map.bar_to_qn(b + 1)))
                for b in range(end_bar)]
    # the root's evidence: the bass on each bar's first beat
    mono = mix[:, 0] if mix.ndim == 2 and mix.shape[1] == 1 else (mix.mean(axis=1) if mix.ndim == 2 else mix)
    first_beats = [(start, tempo_map.qn_to_sec(tempo_map.bar_to_qn(b) + 1.0)) for b, (start, _) in enumerate(bars_sec)]
    bass = bass_chroma(mono, sample_rate_hz, first_beats)
    # the key: every key judged by how well its chords explain the bars (see harmony.key_from_chords)
    candidates = [KeyEstimate(name, mode, 0.0) for mode in ("major", "minor") for name in PITCH_CLASS_NAMES]
    chord_key, _ = key_from_chords(features.chroma, features.frames_per_sec, bars_sec, candidates, bass=bass)
    if chord_key.name != key.name:
        key = KeyEstimate(chord_key.tonic, chord_key.mode, key.confidence, key.correlation)
    chords = recognise_chords(features.chroma, features.frames_per_sec, bars_sec, key=key, bass=bass)
    # the chords confirm the key: the key whose own chords explain the most bars (ties keep the chroma's)
    chord_sequence_key = key_from_chord_sequence(chords, prefer=key)
    if chord_sequence_key.name != key.name:
        key = KeyEstimate(chord_sequence_key.tonic, chord_sequence_key.mode, key.confidence, key.correlation)
        chords = recognise_chords(features.chroma, features.frames_per_sec, bars_sec, key=key, bass=bass)
    song_pcs = frozenset(pc for chord in chords for pc in chord_pitch_classes(chord.root_pc, chord.quality))
    messages: list[str] = []

    if time_range_sec is not None:
        first = int(np.floor(tempo_map.qn_to_bar(tempo_map.sec_to_qn(time_range_sec[0])) + 1e-6))
        last = int(np.ceil(tempo_map.qn_to_bar(tempo_map.sec_to_qn(time_range_sec[1])) - 1e-6))
        sections = [("selection", max(0, first), max(1, min(end_bar, last) - max(0, first)))]
    else:
        found = sections_from_features(features, tempo_map.bpm_at(0.0))
        sections = []
        for section in found:
            first = int(round(tempo_map.qn_to_bar(tempo_map.sec_to_qn(section.start_sec))))
            last = min(end_bar, int(round(tempo_map.qn_to_bar(tempo_map.sec_to_qn(section.end_sec)))))
            if last > first:
                sections.append((section.label, first, last - first))
        if at_sec is not None:
            bar = tempo_map.qn_to_bar(tempo_map.sec_to_qn(at_sec))
            sections = [s for s in sections if s[1] <= bar < s[1] + s[2]] or sections[-1:]
        if section_label is not None:
            sections = [s for s in sections if s[0] == section_label]
            if not sections:
                labels = sorted({section.label for section in found})
                raise AnalysisError(f"no section {section_label!r} in this song: its sections are {', '.join(labels)}")

    groove = None
    if drums:
        try:
            groove = measure_groove(drums, sample_rate_hz, tempo_map)
        except AnalysisError as error:
            messages.append(f"groove not measured: {error}")
    else:
        messages.append("no drum track found (by name): the bass and drums are straight, not your drummer's feel")
    if lead is None:
        messages.append("no lead or vocal track found (by name): the chords cover no melody")

    tonic_pc = PITCH_CLASS_NAMES.index(key.tonic)
    result = SparksResult(key.name, tempo_map.bpm_at(0.0), chords, groove, sections, messages=messages)
    meters = {}
    for label, first, _ in sections:
        numerator, denominator = tempo_map.time_signature_at_qn(tempo_map.bar_to_qn(first))
        meters[(label, first)] = max(1, int(round(numerator * 4 / denominator)))
    # the melody: one pitch-tracker pass per meter over the bars of its sections (the tracker's
    # resampling and network call once, not once a section)
    melody: dict[float, int] = {}
    if lead is not None:
        for beats_per_bar in sorted(set(meters.values())):
            spans = [(first, n_bars) for label, first, n_bars in sections if meters[(label, first)] == beats_per_bar]
            low, high = min(first for first, _ in spans), max(first + n for first, n in spans)
            notes, tracker = track_strong_beats(lead, sample_rate_hz, tempo_map, first_bar=low, n_bars=high - low,
                                                beats_per_bar=beats_per_bar)
            melody.update({round(q, 6): p for q, p in notes.items()})
            result.melody_tracker = tracker
            if tracker != "crepe" and not any(m.startswith("melody:") for m in messages):
                messages.append("melody: torch/torchcrepe not available, the lead's notes come from the YIN fallback")
    for label, first, n_bars in sections:
        context = SectionContext(label, first, n_bars, meters[(label, first)], tonic_pc, key.mode,
                                 [(c.root_pc, c.quality) for c in chords[first: first + n_bars]], melody, tempo_map, groove,
                                 song_pcs)
        result.sparks += generate_sparks(context, kinds)
    result.melody = melody
    return result


def project_sparks(project_path: Path, *, section_label: str | None = None,
                   time_range_sec: tuple[float, float] | None = None, doc=None) -> tuple[RppDocument, SparksResult]:
    """Read a ``.RPP``'s tracks and make its sparks; returns ``(document, result)``.

    ``doc``: the project already loaded from ``project_path`` (its save then checks the file did not change since).
    """
    from reaper_ext.session.rpp import load_document, read_project

    doc = load_document(project_path) if doc is None else doc
    result = sparks_for_project(read_project(doc), tempo_map_from_document(doc), section_label=section_label,
                                time_range_sec=time_range_sec)
    return doc, result


def sparks_for_project(project, tempo_map: TempoMap, *, section_label: str | None = None,
                       time_range_sec: tuple[float, float] | None = None, at_sec: float | None = None) -> SparksResult:
    """Render a project's tracks (``session.model.Project``), find drums and lead by name, make the sparks.

    ``at_sec``: only the section under this time (the edit cursor).
    """
    from reaper_ext.audio.track_audio import read_track_audio
    from reaper_ext.errors import MediaError

    rate_hz = 44100
    tracks: dict[str, np.ndarray] = {}
    messages = []
    for track in project.tracks:
        if track.is_muted or track.name.startswith(SPARKS_TRACK_PREFIX) or not track.items:
            continue
        try:
            rendered = read_track_audio(track, sample_rate_hz=rate_hz)
        except MediaError as error:
            messages.append(f"track {track.name!r} not read: {error}")
            continue
        lead_in = int(round(rendered.start_sec * rate_hz))
        samples = rendered.samples
        # a plain sum of the columns: numpy's mean(axis=1) over (n, 2) is a slow strided reduction
        mono = samples[:, 0] if samples.shape[1] == 1 else (samples[:, 0] + samples[:, 1]) * np.float32(0.5)
        tracks[track.name or f"#{track.index + 1}"] = np.pad(mono * np.float32(track.volume_gain), (lead_in, 0))
        messages += rendered.messages
    if not tracks:
        raise AnalysisError(f"{project.path or 'the project'}: no track could be read: " + "; ".join(messages))
    length = max(len(a) for a in tracks.values())
    mix = np.zeros(length, dtype=np.float32)
    for audio in tracks.values():
        mix[: len(audio)] += audio
    drums: dict[str, np.ndarray] = {}
    for name, audio in tracks.items():
        if _DRUM_NAME.search(name):
            role = _drum_role(name)
            if role in drums:  # two tracks of one role (snare top and bottom) are heard together
                n = min(len(drums[role]), len(audio))
                drums[role] = drums[role][:n] + audio[:n]
            else:
                drums[role] = audio
    lead_name = next((name for name in tracks if _LEAD_NAME.search(name)), None)
    result = song_sparks(mix[:, None], rate_hz, tempo_map, drums=drums or None,
                         lead=tracks[lead_name] if lead_name else None, section_label=section_label,
                         time_range_sec=time_range_sec, at_sec=at_sec)
    result.messages = messages + result.messages
    return result


def sparks_suggestions(result: SparksResult, tempo_map: TempoMap, *, scope: str = "") -> list[Suggestion]:
    """One ``sparks`` suggestion per idea kind: a muted track with one MIDI item per section."""
    by_kind: dict[str, list[Spark]] = {}
    for spark in result.sparks:
        by_kind.setdefault(spark.kind, []).append(spark)
    confidence = float(np.mean([c.confidence for c in result.chords])) if result.chords else 0.5
    suggestions = []
    for kind, sparks in by_kind.items():
        items = []
        for spark in sparks:
            notes: list[MidiNote] = spark.notes
            items.append(midi_item_spec(notes, tempo_map=tempo_map, position_sec=spark.start_sec,
                                        length_ticks=spark.length_ticks, name=spark.name,
                                        notes_text=f"{spark.name}\nsection {spark.section_label}: {spark.why}",
                                        color=IDEA_COLORS[kind]))
        first = sparks[0]
        sections = ", ".join(dict.fromkeys(s.section_label for s in sparks))
        suggestions.append(Suggestion(
            id=make_suggestion_id("sparks", TARGET_PROJECT, [kind, scope]),
            kind="sparks", target=TARGET_PROJECT, track_name="",
            params={"idea": kind, "track_name": SPARKS_TRACK_PREFIX + _TRACK_TITLES[kind],
                    "color": IDEA_COLORS[kind], "program": first.program, "items": items},
            why=f"{first.name} (sections {sections}): {first.why}",
            confidence=confidence if kind in ("diatonic", "modal", "reharm", "bass") else 0.8,
        ))
    return suggestions

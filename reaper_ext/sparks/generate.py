"""Sparks per section: chord, bass and drum ideas as MIDI notes, each with its why.

Five ideas per section, none a copy of what the song plays:

- **diatonic**: the key's own chords chosen bar by bar to cover the melody's
  strong-beat notes, preferring a same-function substitute of the detected
  chord (I/vi/iii, IV/ii, V/vii°) over the detected chord itself;
- **modal**: the detected progression with chords borrowed from the parallel
  mode (bVI, bVII, iv, bIII... in major; IV, I, bII... in minor) where the
  melody allows, each borrowed chord named with its mode;
- **reharm**: substitutions and secondary dominants (V7 of the next bar's
  chord) and tritone substitutes;
- **bass**: a line on the detected chords (root, fifth, octave, a step into
  the next root) on the swung grid, locked to the kick's measured timing;
- **drums**: a new kick/snare/hat pattern with the drummer's swing, offsets
  and accents.

Chords are voiced in four voices (C3-G5), each bar's voicing chosen by dynamic
programming to move the voices as little as possible (sum of absolute
semitone moves). Notes are placed in ticks on the project's tempo map.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from reaper_ext.analysis.song.results import PITCH_CLASS_NAMES
from reaper_ext.session.rpp.midi import TICKS_PER_QN, MidiNote, TempoMap
from reaper_ext.sparks.groove import GrooveFingerprint, swung_qn
from reaper_ext.sparks.harmony import chord_name, chord_pitch_classes, diatonic_chords, key_scale
from reaper_ext.sparks.melody import strong_beats

__all__ = ["RANGES", "Spark", "SectionContext", "roman_numeral", "voice_progression", "mean_voice_movement", "generate_sparks",
           "IDEA_KINDS"]

#: Pitch ranges (MIDI note numbers) each idea keeps to.
RANGES = {"chords": (48, 79), "bass": (28, 55), "drums": (35, 81)}
IDEA_KINDS = ("diatonic", "modal", "reharm", "bass", "drums")
GM_PROGRAMS = {"diatonic": 0, "modal": 4, "reharm": 0, "bass": 33, "drums": None}  # piano, e-piano, finger bass
DRUM_CHANNEL = 9
DRUM_KEYS = {"kick": 36, "snare": 38, "hats": 42, "open_hat": 46, "ride": 51}

# Same-function substitutes by scale degree interval (tonic, subdominant, dominant families).
_FUNCTION = {0: "T", 9: "T", 4: "T", 5: "S", 2: "S", 7: "D", 11: "D", 3: "T", 8: "S", 10: "S"}
# Borrowed chords from the parallel mode: (interval above the tonic, quality, mode it comes from).
_BORROWED = {
    "major": [(8, "maj", "Aeolian (parallel minor)"), (10, "maj", "Mixolydian / Aeolian"), (5, "min", "Aeolian (parallel minor)"),
              (3, "maj", "Aeolian (parallel minor)"), (7, "min", "Mixolydian"), (2, "dim", "Aeolian (parallel minor)")],
    "minor": [(5, "maj", "Dorian"), (0, "maj", "parallel major (Picardy third)"), (1, "maj", "Phrygian"),
              (2, "min", "Dorian"), (9, "dim", "Dorian")],
}


@dataclass
class Spark:
    """One idea for one section."""

    kind: str  # one of IDEA_KINDS
    section_label: str
    start_sec: float
    length_ticks: int
    notes: list[MidiNote]
    name: str  # "Spark: I-vi-IV-V with borrowed bVI"
    why: str  # the item notes: numerals, coverage, movement, feel
    program: int | None
    intended_ticks: list[float] = field(default_factory=list)  # each note-on's exact position (before rounding)
    chords: list[tuple[int, str]] = field(default_factory=list)  # per bar, for chord ideas
    details: dict = field(default_factory=dict)


@dataclass
class SectionContext:
    """What generation needs to know about one section."""

    label: str
    first_bar: int
    n_bars: int
    beats_per_bar: int
    tonic_pc: int
    mode: str
    chords: list[tuple[int, str]]  # detected, per bar
    melody: dict[float, int]  # strong-beat melody notes: quarter-note position -> pitch
    tempo_map: TempoMap
    groove: GrooveFingerprint | None = None
    song_pitch_classes: frozenset[int] | None = None  # every detected chord's tones over the whole song


def roman_numeral(root_pc: int, quality: str, tonic_pc: int, mode: str) -> str:
    """The chord's Roman numeral in the key (``"bVI"``, ``"ii"``, ``"vii°"``, ``"V7"``)."""
    interval = (root_pc - tonic_pc) % 12
    names = {0: "I", 1: "bII", 2: "II", 3: "bIII", 4: "III", 5: "IV", 6: "#IV", 7: "V", 8: "bVI", 9: "VI",
             10: "bVII", 11: "VII"}
    if mode == "minor":
        names.update({3: "III", 8: "VI", 10: "VII", 9: "#VI", 11: "#VII"})
    numeral = names[interval]
    if quality in ("min", "dim"):
        numeral = numeral.replace("I", "i").replace("V", "v")
    return numeral + {"maj": "", "min": "", "dim": "°", "7": "7"}[quality]


def _is_in_key(chord: tuple[int, str], tonic_pc: int, mode: str) -> bool:
    scale = key_scale(tonic_pc, mode)
    if mode == "minor":
        # harmonic minor's leading tone only in the dominant (V, V7, vii°), as minor-key harmony uses it
        root, quality = chord
        if (root - tonic_pc) % 12 not in (7, 11) and (tonic_pc + 11) % 12 in chord_pitch_classes(*chord):
            return False
    return set(chord_pitch_classes(*chord)) <= scale


def _bar_melody(context: SectionContext, bar_index: int) -> list[int]:
    bar_qn = context.tempo_map.bar_to_qn(context.first_bar + bar_index)
    return [pitch for beat in strong_beats(context.beats_per_bar)
            if (pitch := context.melody.get(round(bar_qn + beat, 6))) is not None]


def _coverage(chord: tuple[int, str], melody: list[int]) -> tuple[int, int]:
    pcs = set(chord_pitch_classes(*chord))
    return sum(pitch % 12 in pcs for pitch in melody), len(melody)


def _choose(candidates_per_bar: list[list[tuple[tuple[int, str], float]]]) -> list[tuple[int, str]]:
    """Cheapest chord per bar (costs given), with a small cost for the same chord twice in a row."""
    best: dict[tuple[int, str], tuple[float, list]] = {chord: (cost, [chord]) for chord, cost in candidates_per_bar[0]}
    for candidates in candidates_per_bar[1:]:
        step = {}
        for chord, cost in candidates:
            previous = min(best.items(), key=lambda item: item[1][0] + (0.6 if item[0] == chord else 0.0))
            total = previous[1][0] + (0.6 if previous[0] == chord else 0.0) + cost
            step[chord] = (total, previous[1][1] + [chord])
        best = step
    return min(best.values(), key=lambda value: value[0])[1]


def _choose_different(candidates_per_bar: list[list[tuple[tuple[int, str], float]]],
                      detected: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """:func:`_choose`, but never the detected progression itself.

    If the cheapest is a copy, the bar where another chord costs least extra gets another chord
    (an idea must differ from what the song plays).
    """
    chosen = _choose(candidates_per_bar)
    if chosen != list(detected):
        return chosen
    extra = []
    for n, candidates in enumerate(candidates_per_bar):
        own = min((cost for chord, cost in candidates if chord == detected[n]), default=0.0)
        others = [cost for chord, cost in candidates if chord != detected[n]]
        if others:
            extra.append((min(others) - own, n))
    if not extra:
        return chosen
    _, bar = min(extra)
    changed = [list(c) for c in candidates_per_bar]
    changed[bar] = [(chord, cost) for chord, cost in changed[bar] if chord != detected[bar]]
    return _choose(changed)


def _diatonic_progression(context: SectionContext) -> list[tuple[int, str]]:
    palette = [chord for chord in diatonic_chords(context.tonic_pc, context.mode) if _is_in_key(chord, context.tonic_pc, context.mode)]
    leading_tone = (context.tonic_pc + 11) % 12
    if context.mode == "minor" and not any(leading_tone in chord_pitch_classes(*c) for c in context.chords):
        # the song never raises the seventh (natural minor, or a major song read as its relative minor):
        # neither does this idea, so it stays inside the song's own scale
        palette = [chord for chord in palette if leading_tone not in chord_pitch_classes(*chord)]
    if context.song_pitch_classes:
        # only the song's own notes: should the key be misread (a neighbour a fifth away), the chords
        # of the key that use a note the song never plays are left out
        own = [chord for chord in palette if set(chord_pitch_classes(*chord)) <= context.song_pitch_classes]
        if len(own) >= 3:
            palette = own
    per_bar = []
    for n, detected in enumerate(context.chords):
        melody = _bar_melody(context, n)
        detected_function = _FUNCTION.get((detected[0] - context.tonic_pc) % 12)
        candidates = []
        for chord in palette:
            covered, total = _coverage(chord, melody)
            function = _FUNCTION.get((chord[0] - context.tonic_pc) % 12)
            cost = 3.0 * (total - covered)
            cost += 1.2 if chord == detected or (chord[0] == detected[0]) else 0.0  # not a copy
            cost += 0.0 if function == detected_function else 1.0
            cost += 0.3 if chord[1] == "7" else 0.0
            cost += 0.8 if chord[1] == "dim" else 0.0  # vii°/ii° are passing colours, not a bar's home
            candidates.append((chord, cost))
        per_bar.append(candidates)
    return _choose_different(per_bar, context.chords)


def _modal_progression(context: SectionContext) -> tuple[list[tuple[int, str]], list[tuple[int, str, str]]]:
    """Detected chords with borrowed ones where the melody allows; returns (chords, [(bar, numeral, source)])."""
    borrowed_options = [((context.tonic_pc + interval) % 12, quality, source) for interval, quality, source in _BORROWED[context.mode]]
    chords = list(context.chords)
    scored = []
    for n, detected in enumerate(context.chords):
        melody = _bar_melody(context, n)
        detected_function = _FUNCTION.get((detected[0] - context.tonic_pc) % 12)
        for root, quality, source in borrowed_options:
            if (root, quality) == detected:
                continue
            covered, total = _coverage((root, quality), melody)
            function = _FUNCTION.get((root - context.tonic_pc) % 12)
            cost = 3.0 * (total - covered) + (0.0 if function == detected_function else 0.8)
            if n == 0 and (detected[0] - context.tonic_pc) % 12 == 0:
                cost += 2.0  # keep the section's opening tonic if another bar will do: borrowing is colour, not a new key
            scored.append((cost, n, (root, quality), source))
    scored.sort(key=lambda item: (item[0], item[1]))
    n_borrow = max(1, len(chords) // 4)
    used_bars: set[int] = set()
    borrowed: list[tuple[int, str, str]] = []
    for cost, n, chord, source in scored:
        if len(borrowed) >= n_borrow:
            break
        if n in used_bars or (borrowed and cost > 0.9):
            continue
        used_bars.add(n)
        chords[n] = chord
        borrowed.append((n, roman_numeral(*chord, context.tonic_pc, context.mode), source))
    return chords, sorted(borrowed)


def _reharm_progression(context: SectionContext) -> tuple[list[tuple[int, str]], list[str]]:
    palette = diatonic_chords(context.tonic_pc, context.mode)
    per_bar = []
    labels: dict[tuple[int, tuple[int, str]], str] = {}
    n_bars = len(context.chords)
    for n, detected in enumerate(context.chords):
        melody = _bar_melody(context, n)
        candidates = []
        following = context.chords[(n + 1) % n_bars] if n + 1 < n_bars else None
        options: list[tuple[tuple[int, str], float, str]] = []
        for chord in palette:
            options.append((chord, 0.4, "substitute"))
        if following is not None and following[1] != "dim":
            secondary = ((following[0] + 7) % 12, "7")
            target = roman_numeral(following[0], "maj" if following[1] == "7" else following[1], context.tonic_pc, context.mode)
            options.append((secondary, -0.6, f"V7/{target}"))
            tritone = ((following[0] + 1) % 12, "7")
            options.append((tritone, 0.2, f"tritone sub of V7/{target}"))
        for chord, bonus, label in options:
            covered, total = _coverage(chord, melody)
            cost = 3.0 * (total - covered) + bonus + (1.5 if chord == detected else 0.0)
            candidates.append((chord, cost))
            labels.setdefault((n, chord), label)
        per_bar.append(candidates)
    chosen = _choose_different(per_bar, context.chords)
    described = []
    for n, chord in enumerate(chosen):
        label = labels.get((n, chord), "substitute")
        numeral = roman_numeral(*chord, context.tonic_pc, context.mode)
        described.append(label if label.startswith(("V7/", "tritone")) else numeral)
    return chosen, described


def _voicings(chord: tuple[int, str], low: int, high: int) -> list[tuple[int, ...]]:
    """Four-voice voicings: the bass voice on the root, every chord tone present, upper voices within an octave."""
    pcs = chord_pitch_classes(*chord)
    pitches = [p for p in range(low, high + 1) if p % 12 in pcs]
    result: list[tuple[int, ...]] = []
    for combo in itertools.combinations(pitches, 4):
        if combo[0] % 12 != chord[0] or set(p % 12 for p in combo) != set(pcs):
            continue
        if combo[3] - combo[1] > 12 or combo[1] - combo[0] > 19:
            continue
        result.append(combo)
    return result


def voice_progression(chords: list[tuple[int, str]], *, low: int = RANGES["chords"][0], high: int = RANGES["chords"][1]) -> list[tuple[int, ...]]:
    """Voicings with the least total voice movement (dynamic programming over bars)."""
    layers = [_voicings(chord, low, high) for chord in chords]
    centre = (low + high) / 2
    cost = [abs(sum(v) / 4 - centre) * 0.2 for v in layers[0]]
    back: list[list[int]] = []
    for previous_layer, layer in zip(layers, layers[1:], strict=False):
        new_cost, pointers = [], []
        for voicing in layer:
            moves = [cost[i] + sum(abs(a - b) for a, b in zip(prev, voicing, strict=True)) for i, prev in enumerate(previous_layer)]
            best = min(range(len(moves)), key=moves.__getitem__)
            new_cost.append(moves[best] + abs(sum(voicing) / 4 - centre) * 0.05)
            pointers.append(best)
        cost = new_cost
        back.append(pointers)
    index = min(range(len(cost)), key=cost.__getitem__)
    path = [index]
    for pointers in reversed(back):
        index = pointers[index]
        path.append(index)
    path.reverse()
    return [layers[n][i] for n, i in enumerate(path)]


def mean_voice_movement(voicings: list[tuple[int, ...]]) -> float:
    """Mean absolute semitone move per voice between consecutive chords."""
    moves = [abs(a - b) for prev, cur in zip(voicings, voicings[1:], strict=False) for a, b in zip(prev, cur, strict=True)]
    return sum(moves) / len(moves) if moves else 0.0


# -- placing notes -----------------------------------------------------------------------
class _Placer:
    """Turns quarter-note positions (plus ms offsets) into item ticks on the tempo map."""

    def __init__(self, context: SectionContext) -> None:
        self.tempo_map = context.tempo_map
        self.start_qn = context.tempo_map.bar_to_qn(context.first_bar)
        self.end_qn = context.tempo_map.bar_to_qn(context.first_bar + context.n_bars)
        self.start_sec = context.tempo_map.qn_to_sec(self.start_qn)
        self.length_ticks = int(round((self.end_qn - self.start_qn) * TICKS_PER_QN))

    def ticks(self, qn: float, offset_ms: float = 0.0) -> float:
        if offset_ms:
            qn = self.tempo_map.sec_to_qn(self.tempo_map.qn_to_sec(qn) + offset_ms / 1000.0)
        return min(max(0.0, (qn - self.start_qn) * TICKS_PER_QN), self.length_ticks - 1.0)


def _chord_spark(kind: str, context: SectionContext, chords: list[tuple[int, str]], placer: _Placer,
                 name: str, why_extra: str, *, hits_per_bar: tuple[float, ...] = (0.0,)) -> Spark:
    voicings = voice_progression(chords)
    notes, intended = [], []
    for n, voicing in enumerate(voicings):
        bar_qn = context.tempo_map.bar_to_qn(context.first_bar + n)
        bar_len = context.tempo_map.bar_to_qn(context.first_bar + n + 1) - bar_qn
        for k, hit in enumerate(hits_per_bar):
            end = hits_per_bar[k + 1] if k + 1 < len(hits_per_bar) else bar_len
            start_tick = placer.ticks(bar_qn + hit)
            length = int(round((end - hit) * TICKS_PER_QN * 0.95))
            for voice, pitch in enumerate(voicing):
                notes.append(MidiNote(int(round(start_tick)), length, pitch, 84 if voice == 0 else 76))
                intended.append(start_tick)
    covered = total = 0
    for n, chord in enumerate(chords):
        c, t = _coverage(chord, _bar_melody(context, n))
        covered += c
        total += t
    movement = mean_voice_movement(voicings)
    numerals = [roman_numeral(*chord, context.tonic_pc, context.mode) for chord in chords]
    coverage_text = f"covers {covered} of {total} strong-beat melody notes" if total else "no melody found to cover"
    why = (f"{' - '.join(numerals)} ({' '.join(chord_name(*c) for c in chords)}) in {PITCH_CLASS_NAMES[context.tonic_pc]} "
           f"{context.mode}; {coverage_text}; average voice movement {movement:.1f} semitones{why_extra}")
    return Spark(kind, context.label, placer.start_sec, placer.length_ticks, notes, name, why, GM_PROGRAMS[kind],
                 intended, list(chords), {"numerals": numerals, "melody_covered": covered, "melody_total": total,
                                          "mean_voice_movement": movement})


def _bass_spark(context: SectionContext, placer: _Placer) -> Spark:
    groove = context.groove
    swing_8th = groove.swing_8th if groove and groove.swing_8th else 0.5
    low, high = RANGES["bass"]
    notes, intended = [], []
    n_bars = len(context.chords)
    for n, (root, quality) in enumerate(context.chords):
        bar_qn = context.tempo_map.bar_to_qn(context.first_bar + n)
        pcs = chord_pitch_classes(root, quality)
        root_pitch = next(p for p in range(36, 48) if p % 12 == root)
        fifth = root_pitch + (7 if (pcs[2] - root) % 12 == 7 else 6)
        following = context.chords[n + 1][0] if n + 1 < n_bars else context.chords[0][0]
        target = next(p for p in range(36, 48) if p % 12 == following)
        approach = target - 1 if target - 1 >= low else target + 2  # a half step into the next root
        if context.beats_per_bar >= 4:
            # root (dotted quarter), fifth on the swung "and" of 2, octave on 3, approach on the "and" of 4
            pattern = [(0, 0, root_pitch, 1.4), (1, 2, fifth, 0.9), (2, 0, root_pitch + 12, 0.9), (3, 2, approach, 0.4)]
        else:
            pattern = [(0, 0, root_pitch, 1.4), (1, 2, fifth, 0.4), (2, 0, approach, 0.9)]
        for beat, sub, pitch, length_qn in pattern:
            slot = beat * 4 + sub
            offset = groove.offset_for("kick", slot) if groove else 0.0
            velocity = groove.velocity_for("kick", slot, default_db=-4.0) if groove else 96
            while pitch > high:  # by octaves: the pitch class stays
                pitch -= 12
            while pitch < low:
                pitch += 12
            tick = placer.ticks(swung_qn(bar_qn + beat, sub, swing_8th, 0.5), offset)
            notes.append(MidiNote(int(round(tick)), int(length_qn * TICKS_PER_QN * 0.9), pitch, max(60, velocity)))
            intended.append(tick)
    feel = f"; feel: {groove.describe()} (the bass sits with the kick)" if groove else "; straight eighths (no drum track measured)"
    numerals = [roman_numeral(*chord, context.tonic_pc, context.mode) for chord in context.chords]
    why = (f"bass line on the song's own chords ({' - '.join(numerals)}): root, fifth, octave and a half step into "
           f"the next root{feel}")
    return Spark("bass", context.label, placer.start_sec, placer.length_ticks, notes, "Spark: bass line, root-fifth-octave",
                 why, GM_PROGRAMS["bass"], intended, details={"swing_8th": swing_8th})


# Drum patterns by meter: drum -> sixteenth slots in the bar.
_PATTERNS = {
    4: [{"kick": (0, 6, 10), "snare": (4, 12), "hats": (0, 2, 4, 6, 8, 10, 12, 14)},
        {"kick": (0, 3, 8, 11), "snare": (4, 12), "hats": (0, 4, 8, 12), "open_hat": (2, 6, 10, 14)},
        {"kick": (0, 8, 10), "snare": (4, 12, 15), "ride": (0, 4, 6, 8, 12, 14)},
        {"kick": (0, 2, 8), "snare": (4, 12), "hats": (0, 2, 4, 6, 8, 10, 12, 14)}],
    3: [{"kick": (0, 6), "snare": (4, 8), "hats": (0, 2, 4, 6, 8, 10)},
        {"kick": (0, 10), "snare": (8,), "ride": (0, 4, 6, 8)},
        {"kick": (0, 2), "snare": (8,), "hats": (0, 4, 8), "open_hat": (2, 6, 10)}],
}
_MEASURED_AS = {"open_hat": "hats", "ride": "hats"}


def _drum_spark(context: SectionContext, placer: _Placer) -> Spark:
    groove = context.groove
    bpb = context.beats_per_bar
    patterns = _PATTERNS.get(bpb) or [{"kick": (0,), "snare": tuple(range(4, 4 * bpb, 8)), "hats": tuple(range(0, 4 * bpb, 2))}]
    played = {key for key in (groove.offsets_ms if groove else {})}

    def overlap(pattern) -> float:
        cells = {(drum if drum in ("kick", "snare") else "hats", slot) for drum, slots in pattern.items() for slot in slots}
        return len(cells & played) / max(1, len(cells | played))

    pattern = min(patterns, key=overlap)  # the pattern least like what the drummer plays: never a copy
    swing_8th = groove.swing_8th if groove and groove.swing_8th else 0.5
    swing_16th = groove.swing_16th if groove and groove.swing_16th else 0.5
    notes, intended = [], []
    for n in range(context.n_bars):
        bar_qn = context.tempo_map.bar_to_qn(context.first_bar + n)
        for drum, slots in pattern.items():
            measured = _MEASURED_AS.get(drum, drum)
            for slot in slots:
                beat, sub = divmod(slot, 4)
                offset = groove.offset_for(measured, slot) if groove else 0.0
                velocity = groove.velocity_for(measured, slot) if groove else (100 if sub == 0 else 80)
                tick = placer.ticks(swung_qn(bar_qn + beat, sub, swing_8th, swing_16th), offset)
                notes.append(MidiNote(int(round(tick)), 120, DRUM_KEYS[drum], velocity, DRUM_CHANNEL))
                intended.append(tick)
    feel = groove.describe() if groove else "no drum track measured: straight and even"
    drums = ", ".join(f"{drum} on {len(slots)} of {4 * bpb} sixteenths" for drum, slots in pattern.items())
    why = f"a new pattern ({drums}) played with your drummer's feel: {feel}"
    name = f"Spark: drum groove, swing {swing_8th * 100:.0f}%"
    return Spark("drums", context.label, placer.start_sec, placer.length_ticks, notes, name, why, None, intended,
                 details={"swing_8th": swing_8th, "swing_16th": swing_16th, "pattern": {k: list(v) for k, v in pattern.items()}})


def generate_sparks(context: SectionContext, kinds: tuple[str, ...] = IDEA_KINDS) -> list[Spark]:
    """The ideas for one section (see the module docstring).

    Parameters
    ----------
    context : SectionContext
        The section's detected chords, melody, key, meter, groove and the tempo map.
    kinds : tuple of str
        Which ideas (a subset of :data:`IDEA_KINDS`).
    """
    placer = _Placer(context)
    sparks = []
    key_text = f"{PITCH_CLASS_NAMES[context.tonic_pc]} {context.mode}"
    if "diatonic" in kinds:
        chords = _diatonic_progression(context)
        numerals = [roman_numeral(*chord, context.tonic_pc, context.mode) for chord in chords]
        changed = sum(a != b for a, b in zip(chords, context.chords, strict=True))
        sparks.append(_chord_spark("diatonic", context, chords, placer, f"Spark: {'-'.join(_loop(numerals))} (diatonic)",
                                   f"; only chords of {key_text}; {changed} of {len(chords)} bars differ from the song's"))
    if "modal" in kinds:
        chords, borrowed = _modal_progression(context)
        numerals = [roman_numeral(*chord, context.tonic_pc, context.mode) for chord in chords]
        names = ", ".join(sorted({numeral for _, numeral, _ in borrowed}))
        sources = "; ".join(f"bar {n + 1}: {numeral} borrowed from {source}" for n, numeral, source in borrowed)
        spark = _chord_spark("modal", context, chords, placer, f"Spark: {'-'.join(_loop(numerals))} with borrowed {names}",
                             f"; {sources}")
        spark.details["borrowed"] = [{"bar": n, "numeral": numeral, "from": source} for n, numeral, source in borrowed]
        sparks.append(spark)
    if "reharm" in kinds:
        chords, described = _reharm_progression(context)
        secondary = [label for label in described if label.startswith(("V7/", "tritone"))]
        extra = f"; {', '.join(secondary)}" if secondary else "; substitutions only"
        sparks.append(_chord_spark("reharm", context, chords, placer, f"Spark: {'-'.join(_loop(described))} (re-harmonised)",
                                   extra, hits_per_bar=(0.0, 2.0) if context.beats_per_bar == 4 else (0.0,)))
    if "bass" in kinds:
        sparks.append(_bass_spark(context, placer))
    if "drums" in kinds:
        sparks.append(_drum_spark(context, placer))
    return sparks


def _loop(numerals: list[str]) -> list[str]:
    """The shortest repeating unit of a progression (names stay short: I-vi-IV-V, not 16 chords)."""
    for size in (1, 2, 4, 8):
        if size < len(numerals) and len(numerals) % size == 0 and numerals == numerals[:size] * (len(numerals) // size):
            return numerals[:size]
    return numerals[:8] + (["..."] if len(numerals) > 8 else [])

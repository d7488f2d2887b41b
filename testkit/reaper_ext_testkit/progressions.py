"""Songs with known chord progressions, melodies and swung drum parts, rendered with real instruments.

For the sparks (``reaper_ext.sparks``) tests and benchmarks: every bar's chord
(root and quality), every melody note, the meter (3/4 or 4/4), the sections and
the drummer's feel (swing ratio and each drum's timing offset per grid slot, in
ms) are known exactly because we wrote the notes. Each part is rendered alone
through fluidsynth (:func:`~reaper_ext_testkit.datagen.render.render_notes`),
so a song can be laid out as a multitrack project (``Keys``, ``Bass``, ``Lead``,
``Kick``, ``Snare``, ``Hats``).

The drum feel: each (drum, grid slot) gets a fixed offset drawn from
``±feel_ms`` (the drummer's habit: a late snare, early hats...) and every hit a
further random ``±jitter_ms``; off-beat eighths sit at ``swing`` of the beat
(0.5 straight, 0.667 triplet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from reaper_ext_testkit.datagen.render import Note, render_notes

__all__ = ["QUALITIES", "Chord", "DrumHit", "ProgressionSong", "compose_progression_song", "scale_pitch_classes", "write_song_project",
           "render_drum_part"]

SAMPLE_RATE_HZ = 44100
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
#: Chord qualities and their intervals above the root (semitones).
QUALITIES = {"maj": (0, 4, 7), "min": (0, 3, 7), "dim": (0, 3, 6), "7": (0, 4, 7, 10)}
_MAJOR_STEPS = (0, 2, 4, 5, 7, 9, 11)
_NATURAL_MINOR_STEPS = (0, 2, 3, 5, 7, 8, 10)
# Diatonic triads per degree; minor keys use the harmonic minor's major V (its leading tone).
_DEGREE_QUALITY = {
    "major": ("maj", "min", "min", "maj", "maj", "min", "dim"),
    "minor": ("min", "dim", "maj", "min", "maj", "maj", "maj"),
}
# Common loops (degrees, 0-based), one chord per bar.
_LOOPS = {
    "major": [(0, 4, 5, 3), (0, 5, 3, 4), (5, 3, 0, 4), (0, 3, 4, 0), (1, 4, 0, 0), (0, 2, 3, 4), (3, 0, 4, 5),
              (0, 3, 1, 4), (5, 4, 3, 4), (0, 5, 1, 4)],
    "minor": [(0, 5, 2, 6), (0, 3, 4, 0), (0, 6, 5, 4), (5, 3, 0, 4), (0, 3, 6, 2), (3, 4, 0, 0), (0, 5, 3, 4),
              (0, 2, 6, 4)],
}
# GM programs for the chord part, the bass, the lead; drum keys.
_KEYS_PROGRAMS = (0, 4, 48, 19, 24, 89)
_BASS_PROGRAMS = (32, 33, 34, 38)
_LEAD_PROGRAMS = (73, 80, 65, 56, 11)
KICK, SNARE, CLOSED_HAT = 36, 38, 42
DRUM_KEYS = {"kick": KICK, "snare": SNARE, "hats": CLOSED_HAT}


def scale_pitch_classes(tonic_pc: int, mode: str) -> set[int]:
    """The key's scale (natural minor plus the raised 7th for minor keys)."""
    steps = _MAJOR_STEPS if mode == "major" else (*_NATURAL_MINOR_STEPS, 11)
    return {(tonic_pc + step) % 12 for step in steps}


@dataclass(frozen=True)
class Chord:
    """A chord: root pitch class and quality (one of :data:`QUALITIES`)."""

    root_pc: int
    quality: str

    @property
    def pitch_classes(self) -> tuple[int, ...]:
        return tuple((self.root_pc + interval) % 12 for interval in QUALITIES[self.quality])

    @property
    def name(self) -> str:
        suffix = {"maj": "", "min": "m", "dim": "dim", "7": "7"}[self.quality]
        return PITCH_CLASSES[self.root_pc] + suffix


@dataclass(frozen=True)
class DrumHit:
    """One drum hit: which drum, its grid position and how far the drummer played off it."""

    drum: str  # "kick", "snare", "hats"
    bar: int
    slot: int  # eighth-note slot in the bar (0..2*beats_per_bar-1)
    position_qn: float  # on the swung grid, quarter notes from the song start
    offset_ms: float  # feel + jitter: played this much after the swung grid position
    velocity: int


@dataclass
class ProgressionSong:
    """A rendered song and its truth."""

    tempo_bpm: float
    beats_per_bar: int
    tonic_pc: int
    mode: str
    chords: list[Chord]  # one per bar
    sections: list[tuple[str, int, int]]  # (letter, first bar, bar count)
    melody: list[tuple[float, float, int]]  # (start_qn, length_qn, pitch)
    swing: float
    feel_ms: dict[tuple[str, int], float]  # (drum, slot) -> the drummer's offset
    hits: list[DrumHit]
    tracks: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (n_samples, 2) float32
    sample_rate_hz: int = SAMPLE_RATE_HZ

    @property
    def key_name(self) -> str:
        return f"{PITCH_CLASSES[self.tonic_pc]} {self.mode}"

    @property
    def n_bars(self) -> int:
        return len(self.chords)

    @property
    def bar_sec(self) -> float:
        return self.beats_per_bar * 60.0 / self.tempo_bpm

    @property
    def mix(self) -> np.ndarray:
        """The sum of the tracks, peak-normalised to 0.5."""
        n = max(audio.shape[0] for audio in self.tracks.values())
        mix = np.zeros((n, 2), dtype=np.float32)
        for audio in self.tracks.values():
            mix[: audio.shape[0]] += audio
        peak = float(np.max(np.abs(mix)))
        return mix * (0.5 / peak) if peak > 0 else mix


def _chord_of_degree(tonic_pc: int, mode: str, degree: int, *, seventh: bool) -> Chord:
    steps = _MAJOR_STEPS if mode == "major" else _NATURAL_MINOR_STEPS
    root = (tonic_pc + steps[degree]) % 12
    quality = _DEGREE_QUALITY[mode][degree]
    if degree == 4 and seventh:
        quality = "7"
    return Chord(root, quality)


def _nearest(pitch_classes, target: int, low: int, high: int) -> int:
    """The pitch of one of ``pitch_classes`` in [low, high] nearest to ``target``."""
    candidates = [p for p in range(low, high + 1) if p % 12 in pitch_classes]
    return min(candidates, key=lambda p: (abs(p - target), p))


def compose_progression_song(
    *,
    tempo_bpm: float,
    tonic: str,
    mode: str,
    beats_per_bar: int = 4,
    n_bars: int = 16,
    swing: float = 0.5,
    feel_ms: float = 0.0,
    jitter_ms: float = 0.0,
    soundfont: str = "fluidr3",
    seed: int = 0,
    render: bool = True,
) -> ProgressionSong:
    """Write (and render) a song with a known chord per bar, a melody and a drum part.

    Parameters
    ----------
    tempo_bpm : float
        Quarter-note tempo.
    tonic, mode : str
        The key, e.g. ``"F#"``, ``"minor"``.
    beats_per_bar : int
        3 or 4 (quarter-note beats).
    n_bars : int
        Length; two sections (A and B, 4-bar loops) alternate every ``n_bars // 2``
        bars (or 4 bars for short songs).
    swing : float
        Where off-beat eighths fall, as a fraction of the beat (0.5 straight).
    feel_ms : float
        Each (drum, eighth slot) gets a fixed offset from U(-feel_ms, feel_ms).
    jitter_ms : float
        Each hit moves a further U(-jitter_ms, jitter_ms).
    soundfont : str
        ``"fluidr3"`` or ``"timgm6mb"``.
    seed : int
        Seeds every random choice.
    render : bool
        Render the audio (False: the truth only).
    """
    rng = np.random.default_rng(seed)
    tonic_pc = PITCH_CLASSES.index(tonic)
    beat_sec = 60.0 / tempo_bpm
    section_bars = max(4, n_bars // 2)
    loops = _LOOPS[mode]
    picks = rng.choice(len(loops), size=2, replace=False)
    section_loops = {"A": loops[picks[0]], "B": loops[picks[1]]}
    chords: list[Chord] = []
    sections: list[tuple[str, int, int]] = []
    for first_bar in range(0, n_bars, section_bars):
        letter = "AB"[len(sections) % 2]
        count = min(section_bars, n_bars - first_bar)
        sections.append((letter, first_bar, count))
        for bar in range(count):
            degree = section_loops[letter][bar % 4]
            chords.append(_chord_of_degree(tonic_pc, mode, degree, seventh=bool(rng.random() < 0.3)))

    def qn_to_sec(qn: float) -> float:
        return qn * beat_sec

    keys_part: list[Note] = []
    bass_part: list[Note] = []
    lead_part: list[Note] = []
    melody: list[tuple[float, float, int]] = []
    scale = sorted(scale_pitch_classes(tonic_pc, mode) - ({(tonic_pc + 10) % 12} if mode == "minor" else set()))
    strong_beats = (0, 2) if beats_per_bar == 4 else (0,)
    keys_style = int(rng.integers(0, 2))
    previous = 72
    for bar, chord in enumerate(chords):
        bar_qn = bar * beats_per_bar
        pcs = chord.pitch_classes
        # chord part: root-position-ish voicing around C4, block chords
        voicing = sorted({_nearest({pc}, 60 + (pc - 0) % 12, 52, 71) for pc in pcs})
        hits = [0] if keys_style == 0 else list(range(0, beats_per_bar, 2 if beats_per_bar == 4 else 1))
        for beat in hits:
            length = (beats_per_bar - beat if keys_style == 0 else (2 if beats_per_bar == 4 else 1)) * 0.95
            for pitch in voicing:
                keys_part.append(Note(qn_to_sec(bar_qn + beat), qn_to_sec(length), pitch, int(rng.integers(70, 90))))
        # bass: root on the downbeat, fifth or root on the other beats
        for beat in range(beats_per_bar):
            pc = chord.root_pc if beat % 2 == 0 else pcs[2]
            bass_part.append(Note(qn_to_sec(bar_qn + beat), qn_to_sec(0.9), _nearest({pc}, 36 + chord.root_pc, 28, 52),
                                  int(rng.integers(85, 105))))
        # melody: a chord tone on each strong beat, scale steps between, one note per beat
        for beat in range(beats_per_bar):
            if beat in strong_beats:
                pitch = _nearest(set(pcs), previous + int(rng.integers(-4, 5)), 62, 81)
            else:
                step = int(rng.choice([-2, -1, 1, 2]))
                index = min(range(len(scale)), key=lambda i: abs(scale[i] - previous % 12))
                pc = scale[(index + step) % len(scale)]
                pitch = _nearest({pc}, previous + step, 62, 81)
            previous = pitch
            melody.append((bar_qn + beat, 0.9, pitch))
            lead_part.append(Note(qn_to_sec(bar_qn + beat), qn_to_sec(0.9), pitch, int(rng.integers(80, 100))))

    hits, feel = _drum_hits(rng, n_bars, beats_per_bar, swing, feel_ms, jitter_ms)
    song = ProgressionSong(float(tempo_bpm), beats_per_bar, tonic_pc, mode, chords, sections, melody, swing, feel, hits)
    if render:
        programs = (int(rng.choice(_KEYS_PROGRAMS)), int(rng.choice(_BASS_PROGRAMS)), int(rng.choice(_LEAD_PROGRAMS)))
        end_sec = n_bars * beats_per_bar * beat_sec + 1.0
        n_samples = int(round(end_sec * SAMPLE_RATE_HZ))

        def fit(audio: np.ndarray, gain: float) -> np.ndarray:
            audio = audio[:n_samples] * gain
            return np.pad(audio, ((0, n_samples - audio.shape[0]), (0, 0))).astype(np.float32)

        song.tracks["Keys"] = fit(render_notes(keys_part, program=programs[0], soundfont=soundfont), 0.8)
        song.tracks["Bass"] = fit(render_notes(bass_part, program=programs[1], soundfont=soundfont), 1.0)
        song.tracks["Lead"] = fit(render_notes(lead_part, program=programs[2], soundfont=soundfont), 0.7)
        for drum, audio in render_drum_part(hits, tempo_bpm, soundfont=soundfont).items():
            song.tracks[drum.capitalize()] = fit(audio, 0.8)
    return song


def _drum_hits(rng, n_bars: int, beats_per_bar: int, swing: float, feel_ms: float, jitter_ms: float):
    """A kick/snare/hats part on a swung eighth grid with a per-slot feel and per-hit jitter."""
    n_slots = 2 * beats_per_bar
    feel = {(drum, slot): float(rng.uniform(-feel_ms, feel_ms)) for drum in DRUM_KEYS for slot in range(n_slots)}
    if beats_per_bar == 4:
        pattern = {"kick": (0, 4, 5), "snare": (2, 6), "hats": tuple(range(8))}
    else:
        pattern = {"kick": (0, 3), "snare": (2, 4), "hats": tuple(range(6))}
    hits = []
    for bar in range(n_bars):
        for drum, slots in pattern.items():
            for slot in slots:
                beat, is_off = divmod(slot, 2)
                position_qn = bar * beats_per_bar + beat + (swing if is_off else 0.0)
                offset_ms = feel[(drum, slot)] + float(rng.uniform(-jitter_ms, jitter_ms))
                accent = 110 if slot == 0 else (95 if not is_off else 70)
                velocity = int(np.clip(accent + rng.integers(-6, 7), 1, 127))
                hits.append(DrumHit(drum, bar, slot, position_qn, offset_ms, velocity))
    return hits, feel


def render_drum_part(hits: list[DrumHit], tempo_bpm: float, *, soundfont: str = "fluidr3") -> dict[str, np.ndarray]:
    """Each drum of ``hits`` rendered alone (GM drum kit), at its swung position plus its offset."""
    beat_sec = 60.0 / tempo_bpm
    parts: dict[str, np.ndarray] = {}
    for drum, key in DRUM_KEYS.items():
        notes = [Note(max(0.0, hit.position_qn * beat_sec + hit.offset_ms / 1000.0), 0.1, key, hit.velocity)
                 for hit in hits if hit.drum == drum]
        if notes:
            parts[drum] = render_notes(notes, is_drum=True, soundfont=soundfont, tail_sec=1.0)
    return parts


def write_song_project(song: ProgressionSong, folder, *, name: str = "song.RPP") -> Path:
    """Lay a rendered song out as a multitrack project: one WAV per part under ``media/``, one track each.

    Returns the project's path. The project's tempo and meter are the song's.
    """
    import soundfile

    folder = Path(folder)
    (folder / "media").mkdir(parents=True, exist_ok=True)
    lines = ['<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1700000000',
             f"  TEMPO {song.tempo_bpm:g} {song.beats_per_bar} 4", f"  SAMPLERATE {song.sample_rate_hz} 0 0"]
    for n, (track_name, audio) in enumerate(song.tracks.items()):
        file_name = f"{track_name.lower()}.wav"
        soundfile.write(folder / "media" / file_name, audio, song.sample_rate_hz, subtype="FLOAT")
        guid = f"{{{n + 1:08d}-2222-3333-4444-555555555555}}"
        lines += [f"  <TRACK {guid}", f"    NAME {track_name}", "    PEAKCOL 16576", "    VOLPAN 1 0 -1 -1 1",
                  "    MUTESOLO 0 0 0", "    ISBUS 0 0", f"    TRACKID {guid}", "    <ITEM", "      POSITION 0",
                  f"      LENGTH {audio.shape[0] / song.sample_rate_hz:.6f}",
                  f"      IGUID {{{n + 1:08d}-AAAA-3333-4444-555555555555}}", f"      NAME {file_name}",
                  "      VOLPAN 1 0 1 -1", "      SOFFS 0", "      <SOURCE WAVE", f'        FILE "media/{file_name}"',
                  "      >", "    >", "  >"]
    lines.append(">")
    path = folder / name
    path.write_text("\n".join(lines) + "\n")
    return path

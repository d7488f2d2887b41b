"""Songs composed in code and rendered with real sampled instruments (fluidsynth).

Shared by ``tests/song`` and ``benchmarks/bench_song.py``. A song is a list of
sections (``"A"``, ``"B"``, ...), each a number of 4/4 bars with one chord per bar,
played by an arrangement that differs per section letter (piano + picked bass +
light drums for ``A``; strings + driving bass + lead + full drums for ``B``;
organ + sparse drums for ``C``). The truth (tempo, key, section boundaries) is
known exactly because we wrote the notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reaper_ext_testkit.datagen.render import Note, render_notes

__all__ = ["ComposedSong", "compose_song", "PITCH_CLASSES"]

PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
SAMPLE_RATE_HZ = 44100

_MAJOR_STEPS = (0, 2, 4, 5, 7, 9, 11)
# Harmonic minor for the V chord (its leading tone is what tells A minor from C major).
_MINOR_STEPS = (0, 2, 3, 5, 7, 8, 11)

# Progressions as scale degrees (0 = I/i), one chord per bar.
_PROGRESSIONS = {
    ("major", "A"): (0, 3, 4, 0),  # I-IV-V-I
    ("major", "B"): (5, 3, 0, 4),  # vi-IV-I-V
    ("major", "C"): (1, 4, 0, 0),  # ii-V-I-I
    ("minor", "A"): (0, 3, 4, 0),  # i-iv-V-i
    ("minor", "B"): (5, 3, 4, 0),  # VI-iv-V-i
    ("minor", "C"): (3, 0, 4, 4),  # iv-i-V-V
}

# GM drum keys
_KICK, _SNARE, _CLOSED_HAT, _OPEN_HAT, _CRASH, _RIDE, _RIM = 36, 38, 42, 46, 49, 51, 37


@dataclass
class ComposedSong:
    """A rendered song and its truth."""

    mix: np.ndarray
    sample_rate_hz: int
    tempo_bpm: float
    tonic: str
    mode: str
    structure: str
    boundaries_sec: list[float] = field(default_factory=list)  # section starts, then the end of the music

    @property
    def key_name(self) -> str:
        return f"{self.tonic} {self.mode}"


def _triad(tonic_pc: int, mode: str, degree: int) -> list[int]:
    steps = _MAJOR_STEPS if mode == "major" else _MINOR_STEPS
    return [tonic_pc + steps[(degree + k) % 7] + 12 * ((degree + k) // 7) for k in (0, 2, 4)]


def compose_song(
    *,
    tempo_bpm: float,
    tonic: str,
    mode: str,
    structure: str = "ABAB",
    bars_per_section: int = 4,
    soundfont: str = "fluidr3",
    seed: int = 0,
) -> ComposedSong:
    """Write and render a song; return the stereo mix and the truth.

    Parameters
    ----------
    tempo_bpm : float
        Quarter-note tempo.
    tonic, mode : str
        Key, e.g. ``"A"``, ``"minor"``.
    structure : str
        Section letters in order, from ``"ABC"``.
    bars_per_section : int
        4/4 bars per section (one chord each, progression repeated).
    soundfont : str
        ``"fluidr3"`` or ``"timgm6mb"``.
    seed : int
        Seeds velocity and timing humanisation.
    """
    rng = np.random.default_rng(seed)
    tonic_pc = PITCH_CLASSES.index(tonic)
    beat_sec = 60.0 / tempo_bpm
    bar_sec = 4 * beat_sec
    parts: dict[tuple[int, bool], list[Note]] = {}

    def add(program: int, start_sec: float, duration_sec: float, pitch: int, velocity: int, *, is_drum: bool = False) -> None:
        jitter_sec = float(rng.normal(0.0, 0.004))
        velocity = int(np.clip(velocity + rng.integers(-8, 9), 1, 127))
        parts.setdefault((program, is_drum), []).append(
            Note(max(0.0, start_sec + jitter_sec), duration_sec, pitch, velocity)
        )

    boundaries_sec = []
    for section_index, letter in enumerate(structure):
        section_start_sec = section_index * bars_per_section * bar_sec
        boundaries_sec.append(section_start_sec)
        progression = _PROGRESSIONS[(mode, letter)]
        for bar in range(bars_per_section):
            bar_start_sec = section_start_sec + bar * bar_sec
            chord = _triad(tonic_pc, mode, progression[bar % len(progression)])
            root = chord[0] % 12
            if letter == "A":
                # piano: chord on beats 1 and 3, fingered bass on root/fifth quarters
                for beat in (0, 2):
                    for pitch in chord:
                        add(0, bar_start_sec + beat * beat_sec, 1.8 * beat_sec, 60 + pitch, 80)
                for beat in range(4):
                    bass = 36 + root + (7 if beat == 2 else 0)
                    add(33, bar_start_sec + beat * beat_sec, 0.9 * beat_sec, bass, 95)
                for beat in range(4):
                    add(0, bar_start_sec + beat * beat_sec, 0.1, _KICK if beat % 2 == 0 else _RIM, 90, is_drum=True)
                    add(0, bar_start_sec + (beat + 0.5) * beat_sec, 0.1, _CLOSED_HAT, 60, is_drum=True)
            elif letter == "B":
                # strings pad, eighth-note picked bass, lead melody, full kit
                for pitch in chord:
                    add(48, bar_start_sec, 0.98 * bar_sec, 72 + pitch, 85)
                for eighth in range(8):
                    add(34, bar_start_sec + eighth * beat_sec / 2, 0.45 * beat_sec, 28 + root + 12 * (eighth % 2 == 1), 100)
                melody = [chord[2], chord[1], chord[0], chord[1]]
                for beat, pitch in enumerate(melody):
                    add(81, bar_start_sec + beat * beat_sec, 0.9 * beat_sec, 72 + pitch, 75)
                for beat in range(4):
                    add(0, bar_start_sec + beat * beat_sec, 0.1, _KICK, 110, is_drum=True)
                    if beat % 2 == 1:
                        add(0, bar_start_sec + beat * beat_sec, 0.1, _SNARE, 110, is_drum=True)
                    add(0, bar_start_sec + beat * beat_sec, 0.1, _RIDE, 70, is_drum=True)
                    add(0, bar_start_sec + (beat + 0.5) * beat_sec, 0.1, _OPEN_HAT, 65, is_drum=True)
                if bar == 0:
                    add(0, bar_start_sec, 0.1, _CRASH, 100, is_drum=True)
            else:
                # organ, whole-note bass, kick/snare only
                for pitch in chord:
                    add(16, bar_start_sec, 0.98 * bar_sec, 60 + pitch, 80)
                add(32, bar_start_sec, 0.95 * bar_sec, 36 + root, 90)
                for beat in range(4):
                    add(0, bar_start_sec + beat * beat_sec, 0.1, _KICK if beat % 2 == 0 else _SNARE, 95, is_drum=True)
    end_sec = len(structure) * bars_per_section * bar_sec
    boundaries_sec.append(end_sec)

    n_samples = int(round((end_sec + 1.0) * SAMPLE_RATE_HZ))
    mix = np.zeros((n_samples, 2), dtype=np.float32)
    for (program, is_drum), notes in parts.items():
        audio = render_notes(notes, program=program, is_drum=is_drum, soundfont=soundfont,
                             sample_rate_hz=SAMPLE_RATE_HZ, tail_sec=1.0)
        n_used = min(n_samples, audio.shape[0])
        mix[:n_used] += audio[:n_used]
    peak = float(np.max(np.abs(mix)))
    if peak > 0.0:
        mix *= 0.5 / peak
    return ComposedSong(mix, SAMPLE_RATE_HZ, float(tempo_bpm), tonic, mode, structure, boundaries_sec)

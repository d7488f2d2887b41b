"""A reference track and a "student mix" of the same parts with known edits (issue 15's test material).

The parts (drums, bass, keys, pad, vocal) are rendered with the allowed sound fonts
(fluidsynth) and espeak-ng, so the true stems are known. The reference is the sum
through a bus limiter; the student mix applies, in this order:

* vocal -3 dB and bass +2 dB (stem gains, before the bus);
* a +3 dB high shelf at 10 kHz (an exact zero-phase gain curve in the frequency domain);
* everything below 200 Hz collapsed to mono (the side signal zeroed below 200 Hz);
* 4 dB more limiter drive, same ceiling.

Everything here is independent of the product's code (its own shelf, limiter and
mono collapse), so the tests can hold the product's measurements to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reaper_ext_testkit.datagen.parts import vocal_part
from reaper_ext_testkit.datagen.render import Note, render_notes

__all__ = ["ReferencePair", "EDITS", "make_pair", "compose_parts", "bus", "high_shelf", "mono_below", "limit"]

SAMPLE_RATE_HZ = 44100

#: The student's edits, as the issue lists them.
EDITS = {"vocals_gain_db": -3.0, "bass_gain_db": 2.0, "shelf_freq_hz": 10000.0, "shelf_gain_db": 3.0,
         "mono_below_hz": 200.0, "extra_drive_db": 4.0}

_KICK, _SNARE, _HAT = 36, 38, 42
_CHORDS = ((0, 4, 7), (5, 9, 12), (7, 11, 14), (0, 4, 7))  # I IV V I, semitones over the tonic


@dataclass
class ReferencePair:
    """A reference, a student mix and their stems (pre-bus)."""

    reference: np.ndarray
    student: np.ndarray
    reference_stems: dict[str, np.ndarray]
    student_stems: dict[str, np.ndarray]
    sample_rate_hz: int
    structure: str
    tempo_bpm: float
    boundaries_sec: list[float] = field(default_factory=list)
    reference_drive_db: float = 0.0


def compose_parts(*, tempo_bpm: float = 120.0, structure: str = "AB", bars_per_section: int = 2, tonic_midi: int = 48,
                  seed: int = 0, soundfont: str = "fluidr3") -> tuple[dict[str, np.ndarray], list[float]]:
    """Render the five parts, stereo float32 at 44.1 kHz; ``A`` is a verse, ``B`` a louder chorus.

    Returns the parts and the section starts (then the end) in seconds.
    """
    rng = np.random.default_rng(seed)
    beat_sec = 60.0 / tempo_bpm
    bar_sec = 4 * beat_sec
    notes: dict[str, list[Note]] = {"drums": [], "bass": [], "keys": [], "pad": []}
    boundaries = []
    for index, letter in enumerate(structure):
        start = index * bars_per_section * bar_sec
        boundaries.append(start)
        chorus = letter == "B"
        for bar in range(bars_per_section):
            bar_start = start + bar * bar_sec
            chord = _CHORDS[bar % len(_CHORDS)]
            for beat in range(4):
                t = bar_start + beat * beat_sec
                notes["drums"].append(Note(t, 0.1, _KICK if beat % 2 == 0 else _SNARE, 110 if chorus else 85))
                notes["drums"].append(Note(t + beat_sec / 2, 0.1, _HAT, 70))
                notes["bass"].append(Note(t, 0.9 * beat_sec, tonic_midi - 12 + chord[0], 105 if chorus else 90))
            if chorus:
                for pitch in chord:
                    notes["pad"].append(Note(bar_start, 0.98 * bar_sec, tonic_midi + 12 + pitch, 90))
            for beat in (0, 2):
                for pitch in chord:
                    notes["keys"].append(Note(bar_start + beat * beat_sec, 1.8 * beat_sec, tonic_midi + 12 + pitch,
                                              int(rng.integers(70, 90))))
    end_sec = len(structure) * bars_per_section * bar_sec
    boundaries.append(end_sec)
    n = int(round((end_sec + 0.5) * SAMPLE_RATE_HZ))
    programs = {"drums": (0, True), "bass": (33, False), "keys": (0, False), "pad": (48, False)}
    parts = {}
    for name, (program, is_drum) in programs.items():
        audio = render_notes(notes[name], program=program, is_drum=is_drum, soundfont=soundfont,
                             sample_rate_hz=SAMPLE_RATE_HZ, tail_sec=0.5) if notes[name] else np.zeros((n, 2), np.float32)
        parts[name] = _fit(audio, n)
    # bass with a little width (a 12 ms copy on the right), keys panned left: the lows have side energy
    delay = int(0.012 * SAMPLE_RATE_HZ)
    bass = parts["bass"].copy()
    bass[delay:, 1] = 0.6 * parts["bass"][:-delay, 1] + 0.4 * parts["bass"][delay:, 1]
    parts["bass"] = bass
    parts["keys"] = parts["keys"] * np.array([[1.0, 0.45]], dtype=np.float32)
    voice = vocal_part(rng, end_sec, SAMPLE_RATE_HZ, tempo_bpm=tempo_bpm)
    parts["vocals"] = _fit(np.repeat(voice, 2, axis=1) * 0.5, n)
    return parts, boundaries


def _fit(audio: np.ndarray, n: int) -> np.ndarray:
    audio = np.asarray(audio, dtype=np.float32)
    if audio.shape[0] >= n:
        return np.ascontiguousarray(audio[:n])
    return np.pad(audio, ((0, n - audio.shape[0]), (0, 0)))


def high_shelf(samples: np.ndarray, sample_rate_hz: int, freq_hz: float, gain_db: float) -> np.ndarray:
    """Zero-phase high shelf: gain ``gain_db / (1 + (freq_hz / f)^4)`` dB on the whole signal's spectrum."""
    spectrum = np.fft.rfft(samples.astype(np.float64), axis=0)
    freqs = np.fft.rfftfreq(samples.shape[0], 1.0 / sample_rate_hz)
    with np.errstate(divide="ignore"):
        shelf_db = gain_db / (1.0 + (freq_hz / np.maximum(freqs, 1e-9)) ** 4)
    spectrum *= (10.0 ** (shelf_db / 20.0))[:, None]
    return np.fft.irfft(spectrum, n=samples.shape[0], axis=0).astype(np.float32)


def mono_below(samples: np.ndarray, sample_rate_hz: int, freq_hz: float) -> np.ndarray:
    """Collapse everything under ``freq_hz`` to mono: the side signal's spectrum zeroed there."""
    mid = (samples[:, 0].astype(np.float64) + samples[:, 1]) / 2
    side = (samples[:, 0].astype(np.float64) - samples[:, 1]) / 2
    spectrum = np.fft.rfft(side)
    spectrum[np.fft.rfftfreq(side.size, 1.0 / sample_rate_hz) < freq_hz] = 0.0
    side = np.fft.irfft(spectrum, n=side.size)
    return np.stack([mid + side, mid - side], axis=1).astype(np.float32)


def limit(samples: np.ndarray, sample_rate_hz: int, drive_db: float, ceiling_dbfs: float = -1.0) -> np.ndarray:
    """A simple look-ahead peak limiter (its own code: a held, smoothed gain; 5 ms look-ahead, 80 ms release)."""
    from scipy.ndimage import maximum_filter1d
    from scipy.signal import lfilter

    driven = samples.astype(np.float64) * 10 ** (drive_db / 20)
    ceiling = 10 ** (ceiling_dbfs / 20)
    look = int(0.005 * sample_rate_hz)
    peak = maximum_filter1d(np.abs(driven).max(axis=1), size=2 * look + 1)
    needed = np.minimum(1.0, ceiling / np.maximum(peak, 1e-12))
    # release: a one-pole on the gain reduction in dB, never less than needed
    reduction = -20 * np.log10(needed)
    smooth = lfilter([1 - np.exp(-1 / (0.08 * sample_rate_hz))], [1, -np.exp(-1 / (0.08 * sample_rate_hz))], reduction)
    gain = np.minimum(needed, 10 ** (-np.maximum(smooth, 0.0) / 20))
    out = driven * gain[:, None]
    return np.clip(out, -ceiling, ceiling).astype(np.float32)


def bus(stems: dict[str, np.ndarray], sample_rate_hz: int, *, drive_db: float, student: bool) -> np.ndarray:
    """The mix bus: the sum, then (student) shelf and mono lows, then the limiter."""
    mix = sum(stems.values())
    if student:
        mix = high_shelf(mix, sample_rate_hz, EDITS["shelf_freq_hz"], EDITS["shelf_gain_db"])
        mix = mono_below(mix, sample_rate_hz, EDITS["mono_below_hz"])
        drive_db += EDITS["extra_drive_db"]
    return limit(mix, sample_rate_hz, drive_db)


def make_pair(*, tempo_bpm: float = 120.0, structure: str = "AB", bars_per_section: int = 2, seed: int = 0,
              reference_drive_db: float = 4.0) -> ReferencePair:
    """Render the parts once, mix the reference and the student mix (:data:`EDITS`)."""
    parts, boundaries = compose_parts(tempo_bpm=tempo_bpm, structure=structure, bars_per_section=bars_per_section,
                                      seed=seed)
    total = sum(parts.values())
    # both mixes start from a sum peaking at -6 dBFS, so the drive means the same in both
    scale = np.float32(0.5 / max(float(np.abs(total).max()), 1e-9))
    reference_stems = {name: part * scale for name, part in parts.items()}
    student_stems = dict(reference_stems)
    student_stems["vocals"] = reference_stems["vocals"] * np.float32(10 ** (EDITS["vocals_gain_db"] / 20))
    student_stems["bass"] = reference_stems["bass"] * np.float32(10 ** (EDITS["bass_gain_db"] / 20))
    reference = bus(reference_stems, SAMPLE_RATE_HZ, drive_db=reference_drive_db, student=False)
    student = bus(student_stems, SAMPLE_RATE_HZ, drive_db=reference_drive_db, student=True)
    return ReferencePair(reference, student, reference_stems, student_stems, SAMPLE_RATE_HZ, structure, tempo_bpm,
                         boundaries, reference_drive_db)

"""Monophonic parts with known pitch, for the intonation check's tests and benchmark.

A part is a list of :class:`SungNote`: each with a target MIDI pitch and what
the singer/player did with it (a centre offset in cents, vibrato, a scoop in,
a fall out). :func:`f0_contour` gives the true pitch at any time, and two
renderers make audio of it:

* :func:`synth_voice`: a harmonic source (a sawtooth-like 1/k spectrum) shaped
  by three vowel formants (resonances), the pitch following the contour
  exactly (phase accumulation);
* :func:`render_bent`: General MIDI through fluidsynth with the allowed sound
  fonts, the contour sent as 14-bit pitch bends every 5 ms with the bend range
  set to +-2 semitones by RPN 0 (GM's default, set anyway).
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from reaper_ext_testkit.datagen.render import _require_tool, find_soundfont

__all__ = ["SungNote", "f0_contour", "synth_voice", "render_bent", "add_noise", "random_part", "BEND_RANGE_SEMITONES"]

BEND_RANGE_SEMITONES = 2.0
# Formant centre frequencies and bandwidths (Hz) of a few vowels (Peterson & Barney 1952, male means).
VOWELS = {
    "a": ((730, 90), (1090, 110), (2440, 170)),
    "i": ((270, 60), (2290, 100), (3010, 170)),
    "u": ((300, 60), (870, 90), (2240, 170)),
    "o": ((570, 80), (840, 90), (2410, 170)),
}


@dataclass(frozen=True)
class SungNote:
    """A note as performed: a target pitch plus what happened to it.

    ``offset_cents`` moves the whole note (its centre); vibrato is a sinusoid
    of ``vibrato_cents`` (+-) at ``vibrato_hz``; a scoop starts ``scoop_cents``
    away and reaches the centre linearly after ``scoop_sec``; a fall leaves
    the centre linearly over the last ``fall_sec`` to ``fall_cents``.
    """

    start_sec: float
    duration_sec: float
    pitch: int
    offset_cents: float = 0.0
    vibrato_hz: float = 0.0
    vibrato_cents: float = 0.0
    scoop_sec: float = 0.0
    scoop_cents: float = 0.0
    fall_sec: float = 0.0
    fall_cents: float = 0.0

    @property
    def end_sec(self) -> float:
        return self.start_sec + self.duration_sec


def _note_cents(note: SungNote, t: np.ndarray) -> np.ndarray:
    local = t - note.start_sec
    cents = np.full(t.shape, note.pitch * 100.0 + note.offset_cents)
    if note.vibrato_cents:
        cents += note.vibrato_cents * np.sin(2 * np.pi * note.vibrato_hz * local)
    if note.scoop_sec > 0:
        ramp = np.clip(1.0 - local / note.scoop_sec, 0.0, 1.0)
        cents += note.scoop_cents * ramp
    if note.fall_sec > 0:
        ramp = np.clip((local - (note.duration_sec - note.fall_sec)) / note.fall_sec, 0.0, 1.0)
        cents += note.fall_cents * ramp
    return cents


def f0_contour(notes: list[SungNote], times_sec: np.ndarray) -> np.ndarray:
    """True pitch (fractional MIDI) at ``times_sec``; NaN where no note sounds."""
    times_sec = np.asarray(times_sec, dtype=float)
    out = np.full(times_sec.shape, np.nan)
    for note in notes:
        inside = (times_sec >= note.start_sec) & (times_sec < note.end_sec)
        out[inside] = _note_cents(note, times_sec[inside]) / 100.0
    return out


def synth_voice(
    notes: list[SungNote], *, sample_rate_hz: int = 44100, vowel: str = "a", tail_sec: float = 0.5, level: float = 0.3, seed: int = 0
) -> np.ndarray:
    """A formant-shaped harmonic voice following the notes exactly; float32, shape (n_samples, 1)."""
    from scipy.signal import lfilter

    rng = np.random.default_rng(seed)
    end_sec = max(note.end_sec for note in notes) + tail_sec
    n = int(round(end_sec * sample_rate_hz))
    t = np.arange(n) / sample_rate_hz
    midi = f0_contour(notes, t)
    sounding = ~np.isnan(midi)
    f0 = np.where(sounding, 440.0 * 2 ** ((np.nan_to_num(midi, nan=60.0) - 69) / 12), 0.0)
    phase = 2 * np.pi * np.cumsum(f0) / sample_rate_hz
    source = np.zeros(n)
    n_harmonics = int(min(40, sample_rate_hz / 2 / max(f0[sounding].max(), 50.0)))
    for k in range(1, n_harmonics + 1):
        alias_free = (k * f0) < sample_rate_hz / 2 - 500
        source += np.where(alias_free, np.sin(k * phase) / k, 0.0)
    # a little breath in the source, as voices have
    source += 0.02 * rng.standard_normal(n)
    out = np.zeros(n)
    for freq_hz, bandwidth_hz in VOWELS[vowel]:
        r = np.exp(-np.pi * bandwidth_hz / sample_rate_hz)
        theta = 2 * np.pi * freq_hz / sample_rate_hz
        out += lfilter([1 - r], [1, -2 * r * np.cos(theta), r * r], source)
    # 20 ms raised-cosine attack and release per note (a linear ramp's corners would be tiny clicks)
    envelope = np.zeros(n)
    for note in notes:
        a, b = int(note.start_sec * sample_rate_hz), int(note.end_sec * sample_rate_hz)
        ramp = min(int(0.02 * sample_rate_hz), (b - a) // 2)
        shape = np.ones(b - a)
        rise = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, ramp))
        shape[:ramp] = rise
        shape[-ramp:] = rise[::-1]
        envelope[a:b] = np.maximum(envelope[a:b], shape)
    out *= envelope
    out *= level / max(np.max(np.abs(out)), 1e-9)
    return out.astype(np.float32)[:, None]


def render_bent(
    notes: list[SungNote],
    *,
    program: int = 73,
    soundfont: str = "fluidr3",
    sample_rate_hz: int = 44100,
    tail_sec: float = 0.5,
    bend_step_sec: float = 0.005,
    gain: float = 0.5,
) -> np.ndarray:
    """Render a monophonic part through fluidsynth with pitch bends; float32, shape (n_samples, 1).

    Each note sounds at its integer ``pitch``; everything else (offset,
    vibrato, scoop, fall) is carried by pitch-bend messages, so it must stay
    within +-2 semitones. ``program`` 73 is GM's flute, whose samples have no
    built-in vibrato.
    """
    import mido
    import soundfile

    fluidsynth = _require_tool("fluidsynth", "fluidsynth")
    ticks_per_beat, tempo_bpm = 960, 120.0
    sec_per_tick = 60.0 / tempo_bpm / ticks_per_beat
    events: list[tuple[int, int, mido.Message]] = []
    for note in notes:
        on = round(note.start_sec / sec_per_tick)
        off = round(note.end_sec / sec_per_tick)
        times = np.arange(note.start_sec, note.end_sec, bend_step_sec)
        bends = (_note_cents(note, times) - note.pitch * 100.0) / 100.0
        if np.any(np.abs(bends) > BEND_RANGE_SEMITONES):
            raise ValueError("a note's deviation exceeds the +-2 semitone bend range")
        # the first bend goes before the note-on (order key 0), so the attack starts at the right pitch
        for n, (time, bend) in enumerate(zip(times, bends, strict=False)):
            value = int(np.clip(round(bend / BEND_RANGE_SEMITONES * 8192), -8192, 8191))
            events.append((round(time / sec_per_tick), 0 if n == 0 else 2, mido.Message("pitchwheel", pitch=value, channel=0)))
        events.append((on, 1, mido.Message("note_on", note=note.pitch, velocity=100, channel=0)))
        events.append((off, 0, mido.Message("note_off", note=note.pitch, velocity=0, channel=0)))
    events.sort(key=lambda e: (e[0], e[1]))
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo_bpm), time=0))
    track.append(mido.Message("program_change", program=program, channel=0, time=0))
    # RPN 0 (pitch-bend sensitivity) = 2 semitones, then RPN null
    for control, value in ((101, 0), (100, 0), (6, int(BEND_RANGE_SEMITONES)), (38, 0), (101, 127), (100, 127)):
        track.append(mido.Message("control_change", control=control, value=value, channel=0, time=0))
    last = 0
    for tick, _, message in events:
        track.append(message.copy(time=tick - last))
        last = tick
    midi_file = mido.MidiFile(ticks_per_beat=ticks_per_beat)
    midi_file.tracks.append(track)
    end_sec = max(note.end_sec for note in notes) + tail_sec
    with tempfile.TemporaryDirectory(prefix="reaper-ext-bent-") as tmp:
        midi_path, wav_path = Path(tmp) / "part.mid", Path(tmp) / "part.wav"
        midi_file.save(str(midi_path))
        subprocess.run(
            [fluidsynth, "-ni", "-q", "-g", str(gain), "-r", str(sample_rate_hz), "-R", "0", "-C", "0",
             "-F", str(wav_path), "-T", "wav", "-O", "float", str(find_soundfont(soundfont)), str(midi_path)],
            check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        audio, _ = soundfile.read(str(wav_path), dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    n = int(round(end_sec * sample_rate_hz))
    mono = mono[:n] if mono.size >= n else np.pad(mono, (0, n - mono.size))
    return mono.astype(np.float32)[:, None]


def add_noise(samples: np.ndarray, snr_db: float, *, seed: int = 0) -> np.ndarray:
    """White noise at ``snr_db`` under the signal's power measured where it sounds (above -50 dB of its peak)."""
    rng = np.random.default_rng(seed)
    x = np.asarray(samples, dtype=np.float64)
    mono = x.mean(axis=1) if x.ndim == 2 else x
    active = np.abs(mono) > 10 ** (-50 / 20) * np.max(np.abs(mono))
    power = np.mean(np.square(mono[active])) if active.any() else np.mean(np.square(mono))
    noise = rng.standard_normal(x.shape) * np.sqrt(power / 10 ** (snr_db / 10))
    return (x + noise).astype(np.float32)


def random_part(
    seed: int,
    *,
    n_notes: int = 8,
    low: int = 55,
    high: int = 72,
    off_share: float = 0.3,
    off_cents_range: tuple[float, float] = (30.0, 60.0),
    expression_share: float = 0.5,
    gap_sec: float = 0.15,
) -> tuple[list[SungNote], list[bool]]:
    """A random phrase and, per note, whether it was sung off (``|offset| >= 30`` cents).

    In-tune notes get an offset within +-8 cents; a share of notes carries
    vibrato (5-6.5 Hz, +-30 to +-50 cents) or a scoop (60-120 ms from 60-130
    cents below). Off notes carry expression too, so the check has to see
    through it.
    """
    rng = np.random.default_rng(seed)
    notes, is_off = [], []
    time = 0.2
    pitch = int(rng.integers(low, high))
    for _ in range(n_notes):
        pitch = int(np.clip(pitch + rng.choice([-4, -3, -2, -1, 1, 2, 3, 5]), low, high))
        duration = float(rng.uniform(0.45, 1.1))
        off = bool(rng.random() < off_share)
        offset = float(rng.uniform(*off_cents_range) * rng.choice([-1, 1])) if off else float(rng.uniform(-8, 8))
        note = SungNote(time, duration, pitch, offset)
        if rng.random() < expression_share:
            if rng.random() < 0.5 and duration > 0.5:
                note = replace(note, vibrato_hz=float(rng.uniform(5.0, 6.5)), vibrato_cents=float(rng.uniform(30, 50)))
            else:
                note = replace(note, scoop_sec=float(rng.uniform(0.06, 0.12)), scoop_cents=-float(rng.uniform(60, 130)))
        notes.append(note)
        is_off.append(off)
        time += duration + gap_sec
    return notes, is_off

"""Realistic multitrack sessions: a multi-mic drum kit with bleed, a band, a voice, mix processing.

What a new user's session looks like, rather than one clean instrument per track:

* **drums** recorded with close mics (kick in and/or out, snare top and/or bottom,
  hi-hat, one to three toms), a stereo overhead pair and a room mic. Every close mic
  carries the rest of the kit as *bleed*, 10-30 dB under that drum's level at its own
  mic, 0.5-5 ms late (the path difference), duller off-axis and with either sign (the
  rear lobe of a hypercardioid is inverted); toms are silent between fills, so most
  of a tom track is bleed; the overheads hear the whole kit, cymbals loudest; the room
  hears it late, reverberant and squashed. Each mic has its own preamp noise floor.
* **a band** playing one chord progression in one key and tempo: bass (a DI and, half
  the time, an amp mic of the same performance), guitar, keys, and one to three of
  strings, brass, woodwind, synth pad, synth lead, percussion, fx;
* **a synthetic voice** (espeak-ng, one word per note);
* **mix processing** per track at random: EQ, compression, saturation, reverb, an
  mp3-style band limit.

Every track records its fine class, its *source* (the instrument it was aimed at, for
polarity: ``kick``, ``snare``, ``bass``...), its *role* (``kick_in``, ``snare_bottom``,
``bass_amp``...) and the sample library its source came from
(:mod:`reaper_ext_testkit.libraries`). Sessions are deterministic for a seed.

    from reaper_ext_testkit.sessions import render_session
    session = render_session("avldrums", seed=1)
    for track in session.tracks: track.name, track.fine_class, track.library, track.audio.shape
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from reaper_ext.errors import ReaperExtError
from reaper_ext_testkit.datagen.parts import RECIPES, vocal_part
from reaper_ext_testkit.datagen.render import Note, render_notes
from reaper_ext_testkit.libraries import LIBRARIES, SONIC_PI_DIR, check_allowed

__all__ = ["SESSION_RATE_HZ", "SESSION_VERSION", "SessionTrack", "Session", "render_session", "drum_pattern", "process_track",
           "FLIPPABLE_ROLES", "active_rms_dbfs", "write_tracks_project"]

SESSION_RATE_HZ = 44100
#: Bump when rendered sessions change: cached features of sessions depend on it.
SESSION_VERSION = 4
GAP_SEC = 2.0  # silence between pieces rendered in one fluidsynth call
_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_MINOR = (0, 2, 3, 5, 7, 8, 10)
# chord roots as scale degrees (0-based), four bars each
_PROGRESSIONS = {"major": ((0, 4, 5, 3), (0, 3, 4, 3), (5, 3, 0, 4), (0, 5, 3, 4)),
                 "minor": ((0, 5, 2, 6), (0, 3, 4, 0), (0, 6, 5, 6), (0, 5, 3, 4))}
# General MIDI percussion keys per kit piece (GM Level 1 map; the avldrums kits follow it)
_PIECE_KEYS = {"kick": 36, "snare": 38, "hihat": 42, "hihat_open": 46, "tom_high": 48, "tom_mid": 45,
               "tom_floor": 41, "crash": 49, "ride": 51}
PIECES = ("kick", "snare", "hihat", "tom_high", "tom_mid", "tom_floor", "cymbals")
_TOMS = ("tom_high", "tom_mid", "tom_floor")
#: roles a test may flip (the close mic that is upside down in a real session), with its partner
FLIPPABLE_ROLES = {"snare_bottom": "snare_top", "kick_out": "kick_in", "bass_amp": "bass_di"}


@dataclass
class SessionTrack:
    """One track of a rendered session."""

    name: str  # what an engineer would call it ("Kick In", "OH", "Bass DI")
    fine_class: str  # the truth, one of reaper_ext.labels.FINE_CLASSES
    library: str  # the sample library of its source ("espeak" for the voice, "noise" for noise fx)
    source: str  # the instrument the mic was aimed at (polarity compares only equal sources)
    role: str  # kick_in, kick_out, snare_top, snare_bottom, hihat, tom, overheads, room, bass_di, ...
    audio: np.ndarray  # float32 (n_samples, 1|2)
    flipped: bool = False
    processing: tuple[str, ...] = ()


@dataclass
class Session:
    """A rendered session: its tracks and the song's truth."""

    library: str
    seed: int
    tempo_bpm: float
    tonic: int  # pitch class 0 = C
    mode: str  # "major" | "minor"
    sample_rate_hz: int
    tracks: list[SessionTrack] = field(default_factory=list)

    def mix(self) -> np.ndarray:
        """The sum of all tracks, stereo float32."""
        n = max(track.audio.shape[0] for track in self.tracks)
        out = np.zeros((n, 2))
        for track in self.tracks:
            audio = track.audio if track.audio.shape[1] == 2 else np.repeat(track.audio, 2, axis=1)
            out[: audio.shape[0]] += audio
        return out.astype(np.float32)


# ---------------------------------------------------------------- the song

def drum_pattern(rng: np.random.Generator, tempo_bpm: float, n_bars: int) -> dict[str, list[tuple[float, int, int]]]:
    """Hits per kit piece: ``piece -> [(time_sec, velocity, gm_key)]``.

    Styles: rock (kick 1 and 3, snare 2 and 4), half time (snare on 3), four on the
    floor, with hi-hats in eighths or sixteenths (open now and then) or a ride; a
    crash every four bars; tom fills (sixteenths, high to floor) in the last beat or
    two of every fourth bar, so the toms are silent most of the time.
    """
    beat_sec = 60.0 / tempo_bpm
    style = str(rng.choice(["rock", "rock", "halftime", "four"]))
    hat_step = float(rng.choice([0.5, 0.5, 0.25]))
    use_ride = rng.random() < 0.2
    n_toms = int(rng.integers(1, 4))
    toms = _TOMS[3 - n_toms:] if n_toms < 3 else _TOMS
    hits: dict[str, list[tuple[float, int, int]]] = {piece: [] for piece in PIECES}

    def add(piece: str, beat: float, velocity: int, key: int) -> None:
        jitter_sec = float(rng.normal(0.0, 0.004))
        hits[piece].append((max(0.0, beat * beat_sec + jitter_sec), int(np.clip(velocity, 20, 127)), key))

    for bar in range(n_bars):
        start = 4.0 * bar
        is_fill_bar = bar % 4 == 3
        fill_beats = float(rng.choice([1.0, 2.0])) if is_fill_bar else 0.0
        if bar % 4 == 0:
            add("cymbals", start, int(rng.integers(95, 120)), _PIECE_KEYS["crash"])
        for step in np.arange(0.0, 4.0 - fill_beats, hat_step):
            if use_ride:
                add("cymbals", start + step, int(rng.integers(60, 95)), _PIECE_KEYS["ride"])
            else:
                is_open = rng.random() < 0.06
                add("hihat", start + step, int(rng.integers(55, 100)) + (15 if step % 1 == 0 else 0),
                    _PIECE_KEYS["hihat_open" if is_open else "hihat"])
        kicks = {"rock": [0.0, 2.0] + ([2.5] if rng.random() < 0.4 else []), "halftime": [0.0, 1.5],
                 "four": [0.0, 1.0, 2.0, 3.0]}[style]
        snares = {"rock": [1.0, 3.0], "halftime": [2.0], "four": [1.0, 3.0]}[style]
        for beat in kicks:
            if beat < 4.0 - fill_beats:
                add("kick", start + beat, int(rng.integers(95, 125)), _PIECE_KEYS["kick"])
        for beat in snares:
            if beat < 4.0 - fill_beats:
                add("snare", start + beat, int(rng.integers(95, 125)), _PIECE_KEYS["snare"])
        if fill_beats:
            n_steps = int(fill_beats * 4)
            for k in range(n_steps):
                tom = toms[min(len(toms) - 1, k * len(toms) // n_steps)]
                add(tom, start + 4.0 - fill_beats + k * 0.25, int(rng.integers(85, 125)), _PIECE_KEYS[tom])
    return hits


def _chords(rng: np.random.Generator, mode: str, n_bars: int, n_whole_bars: int) -> list[int]:
    """Chord root per bar, as a scale degree (0-based); the last whole bar and after are the tonic.

    A song ends home: without it the major loop vi-IV-I-V would play exactly the
    chords, bass and scale of the minor loop i-VI-III-VII in the relative minor, and
    its key could not be told from the audio (SESSION_VERSION 4).
    """
    progressions = _PROGRESSIONS[mode]
    progression = progressions[int(rng.integers(0, len(progressions)))]
    roots = [progression[bar % 4] for bar in range(n_bars)]
    if n_whole_bars > 1:  # a cut-off last bar alone is too short to be heard as the ending
        roots[n_whole_bars - 1:] = [0] * (n_bars - n_whole_bars + 1)
    return roots


def _triad(tonic: int, mode: str, degree: int, low: int, high: int) -> list[int]:
    """Pitches of the diatonic triad on ``degree`` in ``[low, high]`` (root position, lowest octave that fits)."""
    scale = _MAJOR if mode == "major" else _MINOR
    pitch_classes = [(tonic + scale[(degree + step) % 7]) % 12 for step in (0, 2, 4)]
    root = low + (pitch_classes[0] - low) % 12
    chord = [root]
    for pitch_class in pitch_classes[1:]:
        chord.append(chord[-1] + (pitch_class - chord[-1]) % 12)
    return [p if p <= high else p - 12 for p in chord]


def _part_notes(fine_class: str, rng: np.random.Generator, tempo_bpm: float, tonic: int, mode: str,
                roots: list[int]) -> list[Note]:
    """Notes of one band part following the song's chords."""
    beat_sec = 60.0 / tempo_bpm
    bar_sec = 4 * beat_sec
    scale = _MAJOR if mode == "major" else _MINOR
    notes: list[Note] = []
    if fine_class == "bass":
        step = float(rng.choice([0.5, 1.0, 2.0]))
        for bar, degree in enumerate(roots):
            root = _triad(tonic, mode, degree, 28, 48)[0]
            for beat in np.arange(0.0, 4.0, step):
                pitch = root + (12 if step <= 0.5 and rng.random() < 0.15 else 0)
                notes.append(Note(bar * bar_sec + beat * beat_sec, step * beat_sec * 0.9, pitch, int(rng.integers(80, 115))))
        return notes
    if fine_class in ("guitar", "keys", "strings", "synth_pad", "brass"):
        low, high = {"guitar": (48, 72), "keys": (52, 76), "strings": (55, 79), "synth_pad": (52, 76),
                     "brass": (55, 77)}[fine_class]
        step = {"guitar": float(rng.choice([0.5, 1.0])), "keys": float(rng.choice([1.0, 2.0, 4.0])),
                "strings": 4.0, "synth_pad": 4.0, "brass": float(rng.choice([1.0, 2.0]))}[fine_class]
        hold = 0.95 if step >= 4.0 else float(rng.uniform(0.5, 0.9))
        if fine_class in ("keys", "guitar") and rng.random() < 0.35:
            return _broken_chords(rng, tonic, mode, roots, low, high, beat_sec)
        for bar, degree in enumerate(roots):
            chord = _triad(tonic, mode, degree, low, high)
            for beat in np.arange(0.0, 4.0, step):
                if fine_class == "brass" and rng.random() < 0.4:
                    continue  # stabs, not a wall
                velocity = int(rng.integers(70, 110))
                for k, pitch in enumerate(chord):
                    strum_sec = 0.012 * k if fine_class == "guitar" else 0.0
                    notes.append(Note(bar * bar_sec + beat * beat_sec + strum_sec, step * beat_sec * hold, pitch, velocity))
        return notes
    # melodic lines (lead, woodwind, fx, other): chord tones on strong beats, scale steps between
    recipe = RECIPES.get(fine_class, RECIPES["synth_lead"])
    low, high = max(recipe.low_pitch, 55), min(recipe.high_pitch, 88)
    pitches = [p for p in range(low, high + 1) if (p - tonic) % 12 in scale]
    index = len(pitches) // 2
    step = float(rng.choice([0.5, 1.0]))
    for bar, degree in enumerate(roots):
        if bar % 8 >= 6:  # the line rests now and then
            continue
        chord_classes = {p % 12 for p in _triad(tonic, mode, degree, 48, 80)}
        for beat in np.arange(0.0, 4.0, step):
            if rng.random() < 0.15:
                continue
            index = int(np.clip(index + rng.integers(-2, 3), 0, len(pitches) - 1))
            if beat % 2 == 0:  # land on a chord tone
                near = [k for k, p in enumerate(pitches) if p % 12 in chord_classes]
                index = min(near, key=lambda k: abs(k - index)) if near else index
            notes.append(Note(bar * bar_sec + beat * beat_sec, step * beat_sec * 0.9, pitches[index], int(rng.integers(75, 115))))
    return notes


def _broken_chords(rng: np.random.Generator, tonic: int, mode: str, roots: list[int], low: int, high: int,
                   beat_sec: float) -> list[Note]:
    """A chord part played one note at a time: a piano's arpeggio or a picked guitar (SESSION_VERSION 4).

    Up the triad, the octave, and back down, in eighths or sixteenths; each note rings on
    past the next (sustain pedal, open strings), as players let it.
    """
    step = float(rng.choice([0.5, 0.25]))
    ring = float(rng.uniform(1.2, 3.0))
    notes: list[Note] = []
    for bar, degree in enumerate(roots):
        chord = _triad(tonic, mode, degree, low, high)
        pattern = [*chord, chord[0] + 12, *chord[::-1][:-1]]
        for k, beat in enumerate(np.arange(0.0, 4.0, step)):
            notes.append(Note((bar * 4 + beat) * beat_sec, step * beat_sec * ring, pattern[k % len(pattern)],
                              int(rng.integers(60, 100))))
    return notes


# ---------------------------------------------------------------- sources

@lru_cache(maxsize=64)
def _sample(name: str, sample_rate_hz: int) -> np.ndarray:
    """One sonic-pi sample, mono float64 at ``sample_rate_hz``."""
    import soundfile

    from reaper_ext.audio.resample import resample

    path = SONIC_PI_DIR / f"{name}.flac"
    if not path.is_file():
        raise ReaperExtError(f"sonic-pi sample {path} not found: `apt-get install sonic-pi-samples`")
    audio, rate_hz = soundfile.read(str(path), dtype="float64", always_2d=True)
    mono = audio.mean(axis=1)
    return np.asarray(resample(mono, int(rate_hz), sample_rate_hz), dtype=np.float64) if rate_hz != sample_rate_hz else mono


_SONIC_KIT = {
    "kick": ("drum_heavy_kick", "drum_bass_hard", "bd_boom", "bd_fat", "bd_klub", "bd_pure", "bd_zum"),
    "snare": ("drum_snare_hard", "sn_dolf", "sn_generic", "sn_zome", "sn_dub"),
    "hihat": ("drum_cymbal_closed",),
    "tom_high": ("drum_tom_hi_hard",), "tom_mid": ("drum_tom_mid_hard",), "tom_floor": ("drum_tom_lo_hard",),
    "cymbals": ("drum_cymbal_hard", "drum_splash_hard"),
}


def _place(hits: list[tuple[float, float]], sample: np.ndarray, n_samples: int, sample_rate_hz: int) -> np.ndarray:
    """Sum ``sample`` at each ``(time_sec, gain)`` into a mono buffer."""
    out = np.zeros(n_samples)
    for time_sec, gain in hits:
        start = int(time_sec * sample_rate_hz)
        if start >= n_samples:
            continue
        end = min(n_samples, start + sample.size)
        out[start:end] += gain * sample[: end - start]
    return out


def _kit_pieces(library: str, rng: np.random.Generator, hits: dict[str, list[tuple[float, int, int]]],
                n_samples: int, sample_rate_hz: int) -> dict[str, np.ndarray]:
    """Each kit piece played alone (mono float64), from one library."""
    if library == "sonic_pi":
        pieces = {}
        for piece, piece_hits in hits.items():
            names = _SONIC_KIT[piece]
            sample = _sample(str(names[int(rng.integers(0, len(names)))]), sample_rate_hz)
            soft = {"hihat": "drum_cymbal_pedal"}.get(piece)
            placed = []
            for time_sec, velocity, key in piece_hits:
                gain = (velocity / 127.0) ** 1.5
                if piece == "hihat" and key == _PIECE_KEYS["hihat_open"]:
                    placed.append((time_sec, gain, _sample("drum_cymbal_open", sample_rate_hz)))
                elif soft and velocity < 70:
                    placed.append((time_sec, gain, _sample(soft, sample_rate_hz)))
                else:
                    placed.append((time_sec, gain, sample))
            out = np.zeros(n_samples)
            for time_sec, gain, one in placed:
                out += _place([(time_sec, gain)], one, n_samples, sample_rate_hz)
            pieces[piece] = out
        return pieces
    kits = LIBRARIES[library].drum_kits
    soundfont, program = kits[int(rng.integers(0, len(kits)))]
    duration_sec = n_samples / sample_rate_hz
    slot_sec = duration_sec + GAP_SEC
    notes = [Note(k * slot_sec + time_sec, 0.3, key, velocity)
             for k, piece in enumerate(PIECES) for time_sec, velocity, key in hits[piece]]
    if not notes:
        return {piece: np.zeros(n_samples) for piece in PIECES}
    # one render for all pieces, each in its own time slot; dry (no reverb or chorus send)
    audio = render_notes(notes, program=max(program, 0), is_drum=program >= 0, soundfont=soundfont,
                         sample_rate_hz=sample_rate_hz, tail_sec=GAP_SEC, controls={91: 0, 93: 0})
    mono = audio.mean(axis=1, dtype=np.float64)
    pieces = {}
    for k, piece in enumerate(PIECES):
        start = int(round(k * slot_sec * sample_rate_hz))
        chunk = mono[start : start + n_samples]
        # a piece nobody played is silence, not the render's float residue (normalised, that residue
        # became a phantom tom track of pure offset: SESSION_VERSION 2)
        pieces[piece] = np.pad(chunk, (0, n_samples - chunk.size)) if hits[piece] else np.zeros(n_samples)
    return pieces


def _render_part(fine_class: str, library: str, rng: np.random.Generator, notes: list[Note], n_samples: int,
                 sample_rate_hz: int) -> np.ndarray:
    """One band part (stereo float64) from a library."""
    if library == "sonic_pi":
        names = {"bass": ("bass_hard_c", "bass_thick_c", "bass_woodsy_c"), "keys": ("ambi_piano",),
                 "guitar": ("guit_em9", "guit_e_fifths", "guit_e_slide", "guit_harmonics")}[fine_class]
        sample = _sample(str(names[int(rng.integers(0, len(names)))]), sample_rate_hz)
        reference = 4 if fine_class == "guitar" else 0  # pitch class of the recording: E or C
        out = np.zeros(n_samples)
        seen: set[float] = set()
        for note in notes:
            if fine_class != "bass" and note.start_sec in seen:
                continue  # a phrase sample per chord, not per chord tone
            seen.add(note.start_sec)
            shift = ((note.pitch - reference + 6) % 12) - 6  # within half an octave of the recording
            ratio = 2.0 ** (shift / 12.0)
            length = int(min(note.duration_sec * (4 if fine_class == "guitar" else 1.2), 4.0) * sample_rate_hz)
            positions = np.arange(min(length, int(sample.size / ratio))) * ratio
            shifted = np.interp(positions, np.arange(sample.size), sample)  # resampling is pitch-shifting
            fade = min(shifted.size, int(0.02 * sample_rate_hz))
            if fade:
                shifted[-fade:] *= np.linspace(1.0, 0.0, fade)
            out += _place([(note.start_sec, note.velocity / 110.0)], shifted, n_samples, sample_rate_hz)
        return np.stack([out, out], axis=1)
    soundfont = LIBRARIES[library].soundfonts[0]
    if fine_class == "percussion":
        program, is_drum = 0, True
    else:
        recipe = RECIPES[fine_class]
        program, is_drum = int(rng.choice(recipe.programs)), False
    controls = {91: int(rng.integers(0, 50)), 93: int(rng.integers(0, 30))}
    audio = render_notes(notes, program=program, is_drum=is_drum, soundfont=soundfont,
                         sample_rate_hz=sample_rate_hz, tail_sec=1.0, controls=controls).astype(np.float64)
    return np.pad(audio[:n_samples], ((0, max(0, n_samples - audio.shape[0])), (0, 0)))


def _percussion_notes(rng: np.random.Generator, tempo_bpm: float, n_bars: int) -> list[Note]:
    beat_sec = 60.0 / tempo_bpm
    key = int(rng.choice([69, 70, 54, 39, 56]))  # cabasa, maracas, tambourine, hand clap, cowbell
    step = 0.5 if key in (39, 56) else 0.25
    return [Note(b * beat_sec + float(rng.normal(0, 0.004)) + 0.01, 0.1, key, int(rng.integers(50, 110)))
            for b in np.arange(0.0, 4.0 * n_bars, step) if rng.random() < 0.85]


# ---------------------------------------------------------------- signal processing

def _delay(signal: np.ndarray, delay_sec: float, sample_rate_hz: int) -> np.ndarray:
    n = int(round(delay_sec * sample_rate_hz))
    return np.concatenate([np.zeros(n), signal[: signal.size - n]]) if n > 0 else signal.copy()


def _biquad_peak(freq_hz: float, gain_db: float, q: float, sample_rate_hz: int) -> tuple[np.ndarray, np.ndarray]:
    """RBJ Audio EQ Cookbook peaking filter."""
    a_gain = 10 ** (gain_db / 40)
    w0 = 2 * np.pi * freq_hz / sample_rate_hz
    alpha = np.sin(w0) / (2 * q)
    b = np.array([1 + alpha * a_gain, -2 * np.cos(w0), 1 - alpha * a_gain])
    a = np.array([1 + alpha / a_gain, -2 * np.cos(w0), 1 - alpha / a_gain])
    return b / a[0], a / a[0]


def _peak(signal: np.ndarray, freq_hz: float, gain_db: float, q: float, sample_rate_hz: int) -> np.ndarray:
    from scipy.signal import lfilter

    b, a = _biquad_peak(min(freq_hz, 0.45 * sample_rate_hz), gain_db, q, sample_rate_hz)
    return lfilter(b, a, signal, axis=0)


def _butter(signal: np.ndarray, freq_hz: float, kind: str, sample_rate_hz: int, order: int = 2,
            zero_phase: bool = False) -> np.ndarray:
    """Butterworth filter; ``zero_phase`` (forward-backward) for a second mic's colour on one source.

    A phase shift there would otherwise read as a polarity fault in the ground truth.
    """
    from scipy.signal import butter, sosfilt, sosfiltfilt

    sos = butter(order, min(freq_hz, 0.45 * sample_rate_hz), btype=kind, fs=sample_rate_hz, output="sos")
    return sosfiltfilt(sos, signal, axis=0) if zero_phase else sosfilt(sos, signal, axis=0)


def _envelope(signal: np.ndarray, time_sec: float, sample_rate_hz: int) -> np.ndarray:
    from scipy.signal import lfilter

    coefficient = np.exp(-1.0 / (time_sec * sample_rate_hz))
    return np.sqrt(np.maximum(lfilter([1 - coefficient], [1, -coefficient], signal**2, axis=0), 0.0))


def _reverb(signal: np.ndarray, rng: np.random.Generator, decay_sec: float, wet_db: float,
            sample_rate_hz: int) -> np.ndarray:
    from scipy.signal import fftconvolve

    n_taps = int(decay_sec * sample_rate_hz)
    impulse = rng.standard_normal(n_taps) * np.exp(-6.9 * np.arange(n_taps) / n_taps)
    impulse = _butter(impulse, 6000.0, "lowpass", sample_rate_hz)
    impulse *= 10 ** (wet_db / 20) / np.sqrt(np.sum(impulse**2))
    shape = (-1, 1) if signal.ndim == 2 else (-1,)
    wet = fftconvolve(signal, impulse.reshape(shape), axes=0)[: signal.shape[0]]
    return signal + wet


def _compress(signal: np.ndarray, threshold_db: float, ratio: float, time_sec: float,
              sample_rate_hz: int) -> np.ndarray:
    """A feed-forward RMS compressor (threshold relative to the signal's RMS), no make-up."""
    mono = signal.mean(axis=1) if signal.ndim == 2 else signal
    rms = np.sqrt(np.mean(mono**2)) + 1e-12
    level_db = 20 * np.log10(_envelope(mono, time_sec, sample_rate_hz) / rms + 1e-9)
    over = np.maximum(level_db - threshold_db, 0.0)
    gain = 10 ** (-(over * (1 - 1 / ratio)) / 20)
    return signal * (gain[:, None] if signal.ndim == 2 else gain)


def process_track(audio: np.ndarray, rng: np.random.Generator, sample_rate_hz: int,
                  *, probability: float = 0.4) -> tuple[np.ndarray, tuple[str, ...]]:
    """Random mix processing: EQ, compression, saturation, reverb, an mp3-style band limit.

    Each is applied with ``probability`` (the band limit with half of it). Returns the
    processed audio (float64, same shape) and the names of what was applied.
    """
    applied = []
    if rng.random() < probability:
        for _ in range(int(rng.integers(1, 4))):
            audio = _peak(audio, float(np.exp(rng.uniform(np.log(60), np.log(10000)))), float(rng.uniform(-6, 6)),
                          float(rng.uniform(0.7, 2.0)), sample_rate_hz)
        applied.append("eq")
    if rng.random() < probability:
        audio = _compress(audio, float(rng.uniform(0, 10)), float(rng.uniform(2, 6)), float(rng.uniform(0.01, 0.1)),
                          sample_rate_hz)
        applied.append("compression")
    if rng.random() < probability:
        drive = float(rng.uniform(1.5, 4.0))
        peak = max(float(np.max(np.abs(audio))), 1e-9)
        audio = np.tanh(drive * audio / peak) / np.tanh(drive) * peak
        applied.append("saturation")
    if rng.random() < probability:
        audio = _reverb(audio, rng, float(rng.uniform(0.4, 1.8)), float(rng.uniform(-18, -8)), sample_rate_hz)
        applied.append("reverb")
    if rng.random() < probability / 2:
        audio = _butter(audio, float(rng.uniform(11000, 16000)), "lowpass", sample_rate_hz, order=8)
        applied.append("band_limit")
    return audio, tuple(applied)


def active_rms_dbfs(audio: np.ndarray, sample_rate_hz: int, *, window_sec: float = 0.4, within_db: float = 20.0) -> float:
    """RMS level (dBFS) of the windows within ``within_db`` of the loudest: the level while the part plays."""
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    block = max(1, int(window_sec * sample_rate_hz))
    n_blocks = max(1, mono.size // block)
    power = np.mean(mono[: n_blocks * block].reshape(n_blocks, -1) ** 2, axis=1) + 1e-20
    power_db = 10 * np.log10(power)
    loud = power_db > power_db.max() - within_db
    return float(10 * np.log10(np.mean(power[loud])))


# ---------------------------------------------------------------- the kit's microphones

# bleed level (dB under the piece at its own close mic) ranges, per (mic, piece); default -30..-18
_BLEED_DB = {("snare", "hihat"): (-16, -10), ("hihat", "snare"): (-16, -10), ("snare", "kick"): (-24, -14),
             ("tom", "cymbals"): (-22, -12), ("tom", "snare"): (-22, -12), ("tom", "hihat"): (-26, -16),
             ("kick", "snare"): (-26, -16)}


def _bleed(mic: str, own: str, pieces: dict[str, np.ndarray], rng: np.random.Generator,
           sample_rate_hz: int) -> np.ndarray:
    """Every other kit piece as heard by a close mic aimed at ``own``: quieter, later, duller, either sign."""
    out = np.zeros_like(next(iter(pieces.values())))
    for piece, signal in pieces.items():
        if piece == own or not np.any(signal):
            continue
        kind = "tom" if piece in _TOMS else piece
        low_db, high_db = _BLEED_DB.get((mic, kind), (-30, -18))
        gain = 10 ** (rng.uniform(low_db, high_db) / 20) * (1 if rng.random() < 0.6 else -1)
        leaked = _delay(signal, float(rng.uniform(0.0005, 0.005)), sample_rate_hz)
        if rng.random() < 0.7:  # off axis: duller
            leaked = _butter(leaked, float(rng.uniform(2500, 8000)), "lowpass", sample_rate_hz, order=1)
        out += gain * leaked
    return out


def _noise_floor(n_samples: int, rng: np.random.Generator) -> np.ndarray:
    return rng.standard_normal(n_samples) * 10 ** (rng.uniform(-82, -70) / 20)


def _drum_tracks(pieces: dict[str, np.ndarray], rng: np.random.Generator, library: str,
                 sample_rate_hz: int) -> list[SessionTrack]:
    n = next(iter(pieces.values())).size
    # each drum at the same peak, as each close mic's preamp would set it: bleed levels are then
    # relative to the mic's own drum, the way engineers quote them
    pieces = {piece: signal / max(float(np.max(np.abs(signal))), 1e-9) if np.any(signal) else signal
              for piece, signal in pieces.items()}
    tracks: list[SessionTrack] = []

    def close(name: str, fine: str, source: str, role: str, signal: np.ndarray) -> None:
        tracks.append(SessionTrack(name, fine, library, source, role, signal))

    kick = pieces["kick"]
    which_kick = str(rng.choice(["in", "out", "both", "both"]))
    if which_kick in ("in", "both"):
        beater = _peak(_butter(kick, 30.0, "highpass", sample_rate_hz), float(rng.uniform(3000, 5000)), 6.0, 1.0,
                       sample_rate_hz)
        close("Kick In", "kick", "kick", "kick_in", beater + _bleed("kick", "kick", pieces, rng, sample_rate_hz))
    if which_kick in ("out", "both"):
        shell = _butter(_delay(kick, float(rng.uniform(0.001, 0.0025)), sample_rate_hz), 5000.0, "lowpass",
                        sample_rate_hz, zero_phase=True)
        shell = _peak(shell, 60.0, 4.0, 0.8, sample_rate_hz)
        close("Kick Out", "kick", "kick", "kick_out", shell + _bleed("kick", "kick", pieces, rng, sample_rate_hz))
    snare = pieces["snare"]
    close("Snare Top", "snare", "snare", "snare_top", snare + _bleed("snare", "snare", pieces, rng, sample_rate_hz))
    if rng.random() < 0.6:
        # under the snare: the shell's sound (already polarity-corrected, as an engineer would) and the wires
        # the wires: what the top mic hears of them (the snare's own highs), louder, plus their rattle
        rattle = _butter(rng.standard_normal(n) * _envelope(snare, 0.03, sample_rate_hz), 3000.0, "highpass",
                         sample_rate_hz)
        bottom = (0.8 * _butter(snare, 150.0, "highpass", sample_rate_hz, zero_phase=True)
                  + 1.0 * _butter(snare, 3000.0, "highpass", sample_rate_hz, zero_phase=True) + 0.3 * rattle)
        bottom = _delay(bottom, 0.0007, sample_rate_hz)
        close("Snare Bottom", "snare", "snare", "snare_bottom", bottom + _bleed("snare", "snare", pieces, rng, sample_rate_hz))
    if np.any(pieces["hihat"]):
        close("Hi-Hat", "hihat", "hihat", "hihat", pieces["hihat"] + _bleed("hihat", "hihat", pieces, rng, sample_rate_hz))
    for piece, name in zip(_TOMS, ("Tom 1", "Tom 2", "Floor Tom"), strict=True):
        if np.any(pieces[piece]):
            close(name, "toms", piece, "tom", pieces[piece] + _bleed("tom", piece, pieces, rng, sample_rate_hz))
    # overheads: a spaced pair 0.7-1.5 m over the kit; cymbals loudest, kick weakest
    sides = []
    for side in (-1.0, 1.0):
        mixed = np.zeros(n)
        for piece, signal in pieces.items():
            position = {"kick": 0.0, "snare": -0.3, "hihat": -0.7, "tom_high": -0.2, "tom_mid": 0.2, "tom_floor": 0.6,
                        "cymbals": float(rng.uniform(-0.8, 0.8))}[piece]
            level_db = {"kick": -12.0, "snare": -4.0, "hihat": -3.0, "cymbals": 0.0}.get(piece, -6.0)
            level_db += 4.0 * side * position  # nearer the mic, louder
            delay_sec = 0.002 + 0.003 * (1 - side * position)
            mixed += 10 ** (level_db / 20) * _delay(signal, delay_sec, sample_rate_hz)
        sides.append(_butter(mixed, 80.0, "highpass", sample_rate_hz))
    overheads = np.stack(sides, axis=1)
    if rng.random() < 0.5:
        tracks.append(SessionTrack("OH", "overheads", library, "kit", "overheads", overheads))
    else:
        tracks.append(SessionTrack("OH L", "overheads", library, "kit", "overheads", overheads[:, :1]))
        tracks.append(SessionTrack("OH R", "overheads", library, "kit", "overheads", overheads[:, 1:]))
    if rng.random() < 0.6:
        whole = sum(_delay(signal, float(rng.uniform(0.008, 0.02)), sample_rate_hz) for signal in pieces.values())
        room = _reverb(whole, rng, float(rng.uniform(0.8, 1.6)), float(rng.uniform(-4, 2)), sample_rate_hz)
        room = _compress(room, float(rng.uniform(-2, 4)), 6.0, 0.05, sample_rate_hz)
        tracks.append(SessionTrack("Room", "overheads", library, "kit", "room", room))
    return tracks


# ---------------------------------------------------------------- a session

def _instrument_library(library: str, rng: np.random.Generator) -> str:
    """Where the band comes from: the session's own library when it has instruments, else a GM one."""
    if LIBRARIES[library].soundfonts or LIBRARIES[library].kind == "samples":
        return library
    return str(rng.choice(["fluidr3", "timgm6mb", "csound"]))


def render_session(
    library: str,
    seed: int,
    *,
    duration_sec: float = 16.0,
    sample_rate_hz: int = SESSION_RATE_HZ,
    flip: str | None = None,
    processing: float = 0.4,
    band: bool = True,
) -> Session:
    """Render one realistic session whose drums (and, where it has them, instruments) come from ``library``.

    Parameters
    ----------
    library : str
        An allowed library (:func:`reaper_ext_testkit.libraries.check_allowed`).
    seed : int
        Everything random follows from it.
    duration_sec : float
        Length of every track.
    flip : str, optional
        A role of :data:`FLIPPABLE_ROLES` to render upside down (a polarity fault), if the
        session has it (a kick-out, snare-bottom or bass-amp track is then always made).
    processing : float
        Probability of each mix-processing step per track (0: clean, as recorded).
    band : bool
        Add the band and the voice (else drums only).

    Returns
    -------
    Session
    """
    check_allowed(library)
    rng = np.random.default_rng(seed)
    tempo_bpm = float(np.exp(rng.uniform(np.log(75), np.log(165))))
    tonic, mode = int(rng.integers(0, 12)), str(rng.choice(["major", "minor"]))
    n_samples = int(duration_sec * sample_rate_hz)
    n_bars = int(np.ceil(duration_sec / (240.0 / tempo_bpm)))
    session = Session(library, seed, tempo_bpm, tonic, mode, sample_rate_hz)

    hits = drum_pattern(rng, tempo_bpm, n_bars)
    pieces = _kit_pieces(library, rng, hits, n_samples, sample_rate_hz)
    tracks = _drum_tracks(pieces, rng, library, sample_rate_hz)
    def has_pair(candidate: list[SessionTrack]) -> bool:
        return any(t.role == flip for t in candidate) and any(t.role == FLIPPABLE_ROLES[flip] for t in candidate)

    if flip in ("kick_out", "snare_bottom") and not has_pair(tracks):
        for attempt in range(1, 40):  # the same kit and pattern, mics chosen again until the pair is there
            tracks = _drum_tracks(pieces, np.random.default_rng(seed + attempt), library, sample_rate_hz)
            if has_pair(tracks):
                break

    if band:
        instruments = _instrument_library(library, rng)
        roots = _chords(rng, mode, n_bars, int(duration_sec / (240.0 / tempo_bpm)))
        parts = ["bass"]
        if LIBRARIES[instruments].kind == "samples":
            parts += [name for name in ("guitar", "keys") if rng.random() < 0.8]
        else:
            parts += [name for name in ("guitar", "keys") if rng.random() < 0.7]
            extras = ["strings", "brass", "woodwind", "synth_pad", "synth_lead", "percussion", "fx"]
            parts += list(rng.choice(extras, size=int(rng.integers(1, 4)), replace=False))
        for part in parts:
            notes = (_percussion_notes(rng, tempo_bpm, n_bars) if part == "percussion"
                     else _part_notes(part, rng, tempo_bpm, tonic, mode, roots))
            audio = _render_part(part, instruments, rng, notes, n_samples, sample_rate_hz)
            name = {"bass": "Bass DI", "synth_pad": "Pad", "synth_lead": "Lead Synth", "fx": "FX",
                    "percussion": "Perc"}.get(part, part.capitalize())
            tracks.append(SessionTrack(name, part, instruments, part, "bass_di" if part == "bass" else part, audio))
            if part == "bass" and (rng.random() < 0.5 or flip == "bass_amp"):
                amp = np.tanh(2.5 * audio / max(float(np.max(np.abs(audio))), 1e-9))
                # cabinet: gentle low cut and the speaker's high roll-off
                amp = _butter(_butter(amp, 35.0, "highpass", sample_rate_hz, order=1, zero_phase=True),
                              float(rng.uniform(2500, 4000)), "lowpass", sample_rate_hz, order=2, zero_phase=True)
                amp = _delay(amp.mean(axis=1), float(rng.uniform(0.0005, 0.003)), sample_rate_hz)[:, None]
                tracks.append(SessionTrack("Bass Amp", "bass", instruments, "bass", "bass_amp", amp))
        if rng.random() < 0.85:
            voice = vocal_part(rng, duration_sec, sample_rate_hz, tempo_bpm=tempo_bpm).astype(np.float64)
            tracks.append(SessionTrack("Lead Vox", "vocals", "espeak", "vocals", "vocals", voice))

    for track in tracks:
        audio = track.audio if track.audio.ndim == 2 else track.audio[:, None]
        audio = audio + _noise_floor(audio.shape[0], rng)[:, None]
        if processing > 0 and track.role not in ("kick_out", "snare_bottom", "bass_amp", "kick_in", "snare_top", "bass_di"):
            audio, track.processing = process_track(audio, rng, sample_rate_hz, probability=processing)
        elif processing > 0 and track.role in ("kick_in", "snare_top", "bass_di") and rng.random() < processing:
            # the partner of a two-mic source gets only EQ and compression: saturation or reverb would
            # make the pair a different sound, not the same source
            audio = _compress(audio, float(rng.uniform(0, 10)), float(rng.uniform(2, 5)), 0.03, sample_rate_hz)
            track.processing = ("compression",)
        # staged as a careful engineer records: average level near -18 dBFS RMS while playing, peaks
        # under -6.5 dBFS (drums then sit lower on average: their peaks set the level)
        gain_db = -18.0 + float(rng.uniform(-2.5, 2.5)) - active_rms_dbfs(audio, sample_rate_hz)
        audio = audio * 10 ** (gain_db / 20)
        peak = float(np.max(np.abs(audio)))
        if peak > 10 ** (-6.5 / 20):
            audio *= 10 ** (-6.5 / 20) / peak
        if track.role == flip:
            audio, track.flipped = -audio, True
        track.audio = audio.astype(np.float32)
    session.tracks = tracks
    return session


def write_tracks_project(tracks, sample_rate_hz: int, folder, *, name: str = "session.RPP"):
    """Named audio as a new ``.RPP`` in ``folder``: one float WAV per track, one item each at 0, unity volumes.

    ``tracks`` are ``(track name, audio)`` pairs; returns the project's path (a :class:`pathlib.Path`).
    """
    from pathlib import Path

    import soundfile

    folder = Path(folder)
    lines = ['<REAPER_PROJECT 0.1 "7.27/linux-x86_64" 1700000000', "  TEMPO 120 4 4"]
    for n, (track_name, audio) in enumerate(tracks):
        file_name = f"t{n:02d}.wav"
        soundfile.write(folder / file_name, audio, sample_rate_hz, subtype="FLOAT")
        guid = f"{{{n + 1:08X}-0000-0000-0000-{n + 1:012X}}}"
        lines += [f"  <TRACK {guid}", f'    NAME "{track_name}"', "    PEAKCOL 16576", "    VOLPAN 1 0 -1 -1 1",
                  "    MUTESOLO 0 0 0", "    ISBUS 0 0", f"    TRACKID {guid}", "    <ITEM", "      POSITION 0",
                  f"      LENGTH {audio.shape[0] / sample_rate_hz!r}", f"      IGUID {{{n + 1:08X}-1111-0000-0000-{n + 1:012X}}}",
                  f"      NAME {file_name}", "      VOLPAN 1 0 1 -1", "      SOFFS 0", "      <SOURCE WAVE",
                  f'        FILE "{file_name}"', "      >", "    >", "  >"]
    path = folder / name
    path.write_text("\n".join([*lines, ">"]) + "\n", encoding="utf-8")
    return path

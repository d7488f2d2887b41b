"""Random musical parts per instrument class, rendered in batches, and augmentation.

Used to train and evaluate the instrument labeller (:mod:`reaper_ext.labels`).
Loading a sound font costs fluidsynth most of a second, so clips that share a
(General MIDI program, sound font) are written into one long MIDI sequence,
rendered once with :func:`~reaper_ext_testkit.datagen.render.render_notes`, and cut
apart again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reaper_ext_testkit.datagen.render import Note, render_notes, speak

#: Bump when the generated data changes (augment() or RECIPES): cached training features depend on it.
AUGMENT_VERSION = 3

__all__ = ["AUGMENT_VERSION", "ClassRecipe", "RECIPES", "SOUNDFONT_NAMES", "render_class_clips", "vocal_part", "augment", "labelled_examples", "render_mix_clips"]

SOUNDFONT_NAMES = ("fluidr3", "timgm6mb")
GAP_SEC = 2.0  # silence between clips in one batch render: longer than any release tail
_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_MINOR = (0, 2, 3, 5, 7, 8, 10)


@dataclass(frozen=True)
class ClassRecipe:
    """How to play one fine class: GM programs, range, note lengths, polyphony."""

    programs: tuple[int, ...]
    low_pitch: int
    high_pitch: int
    notes_per_beat: tuple[float, ...]  # densities to draw from
    hold: tuple[float, float]  # note length as a fraction of the gap to the next onset
    n_voices: tuple[int, int]  # simultaneous notes (chords), inclusive range
    is_drum: bool = False


# GM programs per class follow what a producer would call the track, not always GM's
# family names: GM's "synth effects" (96-103: atmosphere, crystal, rain, echoes...)
# are synth patches, so pads; the fiddle (110) is a violin; bagpipe (109) and
# shanai (111) are reeds; the timpani (47) is a drum, left to "other" rather than
# "strings". "fx" is sound effects (GM 120-127: breath, seashore, birds, phone,
# helicopter, applause, gunshot) and noise risers/falls.
RECIPES: dict[str, ClassRecipe] = {
    "bass": ClassRecipe(tuple(range(32, 40)), 28, 55, (0.5, 1, 2), (0.5, 1.0), (1, 1)),
    "guitar": ClassRecipe(tuple(range(24, 32)), 40, 76, (0.5, 1, 2, 4), (0.3, 1.0), (1, 4)),
    "keys": ClassRecipe((0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19), 36, 84, (0.5, 1, 2, 4), (0.4, 1.0), (1, 4)),
    "strings": ClassRecipe((*range(40, 47), 48, 49, 50, 51, 110), 36, 88, (0.25, 0.5, 1, 2), (0.8, 1.0), (1, 4)),
    "brass": ClassRecipe(tuple(range(56, 64)), 40, 82, (0.5, 1, 2), (0.5, 0.95), (1, 3)),
    "woodwind": ClassRecipe((*range(64, 80), 109, 111), 52, 93, (0.5, 1, 2), (0.5, 0.95), (1, 1)),
    "synth_lead": ClassRecipe(tuple(range(80, 88)), 55, 88, (1, 2, 4), (0.4, 0.95), (1, 1)),
    "synth_pad": ClassRecipe(tuple(range(88, 104)), 40, 84, (0.125, 0.25, 0.5), (0.9, 1.0), (2, 4)),
    "fx": ClassRecipe(tuple(range(120, 128)), 30, 90, (0.25, 0.5, 1), (0.5, 1.0), (1, 2)),
    "other": ClassRecipe((8, 9, 10, 11, 12, 13, 14, 15, 47, 104, 105, 106, 107, 108, 112, 113, 114),
                         45, 88, (0.5, 1, 2), (0.3, 1.0), (1, 2)),
}
# GM percussion-channel keys per drum class (GM Level 1 percussion map).
DRUM_KEYS: dict[str, tuple[int, ...]] = {
    "kick": (35, 36),
    "snare": (38, 40, 37),
    "hihat": (42, 44, 46),
    "toms": (41, 43, 45, 47, 48, 50),
    "percussion": (54, 56, *range(60, 82)),
}
_VOICES = ("en", "en-us", "de", "fr", "es", "it", "pt", "nl", "sv", "pl")
_VARIANTS = ("", "+f1", "+f2", "+f3", "+f4", "+m1", "+m3", "+m7", "+klatt")
_WORDS = ("love night light baby home river fire dream heart away tonight forever "
          "hold on never stay come alone time sky rain falling").split()


def _melodic_notes(recipe: ClassRecipe, rng: np.random.Generator, duration_sec: float) -> list[Note]:
    tempo_bpm = float(rng.uniform(70, 160))
    beat_sec = 60.0 / tempo_bpm
    scale = _MAJOR if rng.random() < 0.5 else _MINOR
    tonic = int(rng.integers(0, 12))
    pitches = [p for p in range(recipe.low_pitch, recipe.high_pitch + 1) if (p - tonic) % 12 in scale]
    density = float(rng.choice(recipe.notes_per_beat))
    step_sec = beat_sec / density
    notes: list[Note] = []
    t_sec = 0.0
    index = int(rng.integers(0, len(pitches)))
    while t_sec < duration_sec - 0.2:
        # note lengths on a grid, now and then a rest, melody moves mostly stepwise
        n_steps = int(rng.choice([1, 1, 1, 2, 2, 4]))
        if rng.random() < 0.12:
            t_sec += n_steps * step_sec
            continue
        index = int(np.clip(index + rng.integers(-3, 4), 0, len(pitches) - 1))
        length_sec = n_steps * step_sec * float(rng.uniform(*recipe.hold))
        n_voices = int(rng.integers(recipe.n_voices[0], recipe.n_voices[1] + 1))
        velocity = int(rng.integers(60, 120))
        for voice in range(n_voices):
            pitch_index = max(0, index - 2 * voice)
            notes.append(Note(t_sec, min(length_sec, duration_sec - t_sec), pitches[pitch_index], velocity))
        t_sec += n_steps * step_sec
    return notes


def _drum_notes(fine_class: str, rng: np.random.Generator, duration_sec: float) -> list[Note]:
    tempo_bpm = float(rng.uniform(70, 160))
    beat_sec = 60.0 / tempo_bpm
    if fine_class == "overheads":
        keys = (36, 38, 42, 46, 49, 51, 52, 55, 57)
        grid = 0.5
    else:
        keys = DRUM_KEYS[fine_class]
        grid = float(rng.choice([0.25, 0.5, 1.0]))
    probability = float(rng.uniform(0.3, 0.9))
    keys_used = rng.choice(keys, size=min(len(keys), int(rng.integers(1, 4))), replace=False)
    if fine_class == "overheads":
        keys_used = np.array(keys)
    notes = []
    n_slots = int(duration_sec / (grid * beat_sec))
    for slot in range(n_slots):
        t_sec = slot * grid * beat_sec
        for key in keys_used:
            key = int(key)
            if fine_class == "overheads":
                # a full kit: kick on 1/3, snare on 2/4, ride or hats on eighths, crash now and then
                beat = slot * grid
                hit = ((key == 36 and beat % 2 == 0) or (key == 38 and beat % 2 == 1)
                       or (key in (42, 51) and rng.random() < 0.8) or (key in (49, 57, 55) and beat % 8 == 0)
                       or (key in (46, 52) and rng.random() < 0.08))
            else:
                hit = rng.random() < probability
            if hit:
                notes.append(Note(t_sec, 0.2, key, int(rng.integers(50, 127))))
    return notes or [Note(0.0, 0.2, int(keys_used[0]), 100)]


def _fx_noise(rng: np.random.Generator, duration_sec: float, sample_rate_hz: int) -> np.ndarray:
    """Make a filtered-noise riser or fall (the "sweep" of an FX track)."""
    from scipy.signal import istft, stft

    n_samples = int(duration_sec * sample_rate_hz)
    noise = rng.standard_normal(n_samples)
    _, _, spectrum = stft(noise, fs=sample_rate_hz, nperseg=1024)
    n_bins, n_frames = spectrum.shape
    start, end = sorted(rng.uniform(0.02, 0.8, size=2))
    if rng.random() < 0.5:
        start, end = end, start
    centre = np.linspace(start, end, n_frames) * n_bins
    width = float(rng.uniform(0.02, 0.2)) * n_bins
    bins = np.arange(n_bins)[:, None]
    spectrum *= np.exp(-0.5 * ((bins - centre[None, :]) / width) ** 2)
    _, audio = istft(spectrum, fs=sample_rate_hz, nperseg=1024)
    audio = audio[:n_samples] * np.linspace(0.2, 1.0, n_samples) ** float(rng.uniform(0.5, 3))
    return np.stack([audio, audio], axis=1).astype(np.float32)


def _vocal_clip(rng: np.random.Generator, duration_sec: float, sample_rate_hz: int) -> np.ndarray:
    """Speech made sung-like: one word per note, pitch set per word, on a beat grid."""
    voice = str(rng.choice(_VOICES)) + str(rng.choice(_VARIANTS))
    base_pitch = int(rng.integers(20, 80))
    beat_sec = 60.0 / float(rng.uniform(70, 160))
    out = np.zeros((int(duration_sec * sample_rate_hz), 1), np.float32)
    t_sec = float(rng.uniform(0, 0.5))
    while t_sec < duration_sec - 0.3:
        word = str(rng.choice(_WORDS))
        pitch = int(np.clip(base_pitch + rng.integers(-10, 11), 0, 99))
        audio = speak(word, voice=voice, pitch=pitch, words_per_minute=int(rng.integers(80, 170)),
                      sample_rate_hz=sample_rate_hz)
        start = int(t_sec * sample_rate_hz)
        end = min(out.shape[0], start + audio.shape[0])
        out[start:end] += audio[: end - start]
        t_sec += max(audio.shape[0] / sample_rate_hz, beat_sec * int(rng.integers(1, 3)))
        if rng.random() < 0.15:
            t_sec += 2 * beat_sec  # a breath between phrases
    return out


def vocal_part(rng: np.random.Generator, duration_sec: float, sample_rate_hz: int, *,
               tempo_bpm: float | None = None) -> np.ndarray:
    """A sung-like voice part (espeak-ng, one word per note), mono float32 ``(n, 1)``.

    Like the training clips' voice, but on a given tempo's beat grid (a session's song).
    """
    if tempo_bpm is None:
        return _vocal_clip(rng, duration_sec, sample_rate_hz)
    voice = str(rng.choice(_VOICES)) + str(rng.choice(_VARIANTS))
    base_pitch = int(rng.integers(20, 80))
    beat_sec = 60.0 / tempo_bpm
    out = np.zeros((int(duration_sec * sample_rate_hz), 1), np.float32)
    t_sec = beat_sec * int(rng.integers(0, 4))
    while t_sec < duration_sec - 0.3:
        word = str(rng.choice(_WORDS))
        pitch = int(np.clip(base_pitch + rng.integers(-10, 11), 0, 99))
        audio = speak(word, voice=voice, pitch=pitch, words_per_minute=int(rng.integers(80, 170)),
                      sample_rate_hz=sample_rate_hz)
        start = int(t_sec * sample_rate_hz)
        end = min(out.shape[0], start + audio.shape[0])
        out[start:end] += audio[: end - start]
        n_beats = max(1, int(np.ceil(audio.shape[0] / sample_rate_hz / beat_sec)))
        t_sec += beat_sec * n_beats
        if rng.random() < 0.15:
            t_sec += 2 * beat_sec  # a breath between phrases
    return out


def render_class_clips(
    fine_class: str,
    n_clips: int,
    *,
    seed: int,
    duration_sec: float = 8.0,
    soundfonts: tuple[str, ...] = SOUNDFONT_NAMES,
    sample_rate_hz: int = 44100,
) -> list[np.ndarray]:
    """Render ``n_clips`` random parts of ``fine_class``, each float32 ``(n_samples, 2)``.

    Clips alternate between the sound fonts; their key, tempo (70-160 BPM), rhythm,
    program and register are drawn from ``seed``. Deterministic for a given seed.
    """
    rng = np.random.default_rng(seed)
    n_samples = int(duration_sec * sample_rate_hz)
    if fine_class == "vocals":
        return [np.repeat(_vocal_clip(rng, duration_sec, sample_rate_hz), 2, axis=1) for _ in range(n_clips)]
    # plan: (soundfont, program) -> list of (clip index, notes)
    plans: dict[tuple[str, int, bool], list[tuple[int, list[Note]]]] = {}
    noise_clips: dict[int, np.ndarray] = {}
    for index in range(n_clips):
        soundfont = soundfonts[index % len(soundfonts)]
        if fine_class == "fx" and rng.random() < 0.3:
            noise_clips[index] = _fx_noise(rng, duration_sec, sample_rate_hz)
            continue
        if fine_class in DRUM_KEYS or fine_class == "overheads":
            key = (soundfont, 0, True)
            notes = _drum_notes(fine_class, rng, duration_sec)
        else:
            recipe = RECIPES[fine_class]
            key = (soundfont, int(rng.choice(recipe.programs)), False)
            notes = _melodic_notes(recipe, rng, duration_sec)
        plans.setdefault(key, []).append((index, notes))
    clips: dict[int, np.ndarray] = dict(noise_clips)
    slot_sec = duration_sec + GAP_SEC
    for (soundfont, program, is_drum), entries in sorted(plans.items()):
        notes = [Note(k * slot_sec + n.start_sec, n.duration_sec, n.pitch, n.velocity)
                 for k, (_, clip_notes) in enumerate(entries) for n in clip_notes]
        # reverb and chorus sends drawn per batch: dry to roomy
        controls = {91: int(rng.integers(0, 80)), 93: int(rng.integers(0, 40))}
        audio = render_notes(notes, program=program, is_drum=is_drum, soundfont=soundfont,
                             sample_rate_hz=sample_rate_hz, tail_sec=GAP_SEC, controls=controls)
        for k, (index, _) in enumerate(entries):
            start = int(round(k * slot_sec * sample_rate_hz))
            clip = audio[start:start + n_samples]
            clips[index] = np.pad(clip, ((0, n_samples - clip.shape[0]), (0, 0)))
    return [clips[index] for index in range(n_clips)]


def augment(
    audio: np.ndarray,
    rng: np.random.Generator,
    *,
    bleed: np.ndarray | None = None,
    sample_rate_hz: int = 44100,
) -> np.ndarray:
    """Random level, EQ tilt, room, rumble, hum, noise, bleed and channel count; float32 ``(n, 1|2)``.

    Peak level -30..-6 dBFS; tilt +-6 dB across the band; a short exponential
    reverb half the time; 15-45 Hz rumble 12-30 dB under the peak a quarter of
    the time; 50/60 Hz hum with harmonics 20-40 dB under, 15% of the time;
    noise 50-80 dB under the peak; ``bleed`` (another instrument) mixed 20-30 dB
    under; mono or stereo at random.
    """
    from scipy.signal import fftconvolve, lfilter

    audio = audio.astype(np.float64)
    # EQ tilt: a one-pole shelf, boosting or cutting the highs
    alpha = float(rng.uniform(-0.5, 0.5))
    tilted = lfilter([1.0, -alpha], [1.0], audio, axis=0)
    audio = tilted / max(np.max(np.abs(tilted)), 1e-9) * max(np.max(np.abs(audio)), 1e-9)
    if rng.random() < 0.5:
        decay_sec = float(rng.uniform(0.2, 1.2))
        n_taps = int(decay_sec * sample_rate_hz)
        impulse = rng.standard_normal(n_taps) * np.exp(-6.9 * np.arange(n_taps) / n_taps)
        impulse *= float(rng.uniform(0.05, 0.3)) / np.sqrt(np.sum(impulse**2))
        impulse[0] = 1.0
        audio = fftconvolve(audio, impulse[:, None], axes=0)[: audio.shape[0]]
    peak = max(float(np.max(np.abs(audio))), 1e-9)
    t_sec = np.arange(audio.shape[0])[:, None] / sample_rate_hz
    if rng.random() < 0.25:  # rumble: footsteps, handling, HVAC, 15-45 Hz
        rumble_hz = float(rng.uniform(15, 45))
        audio = audio + peak * 10 ** (-rng.uniform(12, 30) / 20) * np.sin(2 * np.pi * rumble_hz * t_sec + rng.uniform(0, 6.3))
    if rng.random() < 0.15:  # mains hum with harmonics
        mains_hz = 50.0 if rng.random() < 0.5 else 60.0
        level = peak * 10 ** (-rng.uniform(20, 40) / 20)
        for harmonic in range(1, int(rng.integers(2, 6))):
            audio = audio + level / harmonic * np.sin(2 * np.pi * mains_hz * harmonic * t_sec)
    if bleed is not None:
        bleed_peak = max(float(np.max(np.abs(bleed))), 1e-9)
        audio = audio + bleed[: audio.shape[0]] * (peak / bleed_peak) * 10 ** (-rng.uniform(20, 30) / 20)
    audio = audio + rng.standard_normal(audio.shape) * peak * 10 ** (-rng.uniform(50, 80) / 20)
    if rng.random() < 0.5:
        audio = audio.mean(axis=1, keepdims=True)
    audio *= 10 ** (rng.uniform(-30, -6) / 20) / max(float(np.max(np.abs(audio))), 1e-9)
    return audio.astype(np.float32)


def labelled_examples(
    fine_class: str,
    n_clips: int,
    *,
    seed: int,
    bleed_pool: dict[str, list[np.ndarray]],
    n_augment: int = 2,
    duration_sec: float = 6.0,
    sample_rate_hz: int = 22050,
):
    """Yield ``n_clips * n_augment`` augmented clips of ``fine_class`` (float32 ``(n, 1|2)``).

    Half of them carry bleed from a clip of another class in ``bleed_pool``.
    """
    rng = np.random.default_rng(seed + 7919)
    others = sorted(name for name in bleed_pool if name != fine_class and bleed_pool[name])
    for clip in render_class_clips(fine_class, n_clips, seed=seed, duration_sec=duration_sec,
                                   sample_rate_hz=sample_rate_hz):
        for _ in range(n_augment):
            bleed = None
            if others and rng.random() < 0.5:
                pool = bleed_pool[str(rng.choice(others))]
                bleed = pool[int(rng.integers(0, len(pool)))]
            yield augment(clip, rng, bleed=bleed, sample_rate_hz=sample_rate_hz)


# A full mix: a rhythm section plus harmony and a lead, like a bounced song.
_MIX_DRUMS = ("kick", "snare", "hihat", "overheads", "percussion")
_MIX_LOW = ("bass",)
_MIX_HARMONY = ("guitar", "keys", "strings", "brass", "woodwind", "synth_pad")
_MIX_LEAD = ("vocals", "synth_lead", "woodwind", "brass", "guitar")


def render_mix_clips(
    n_mixes: int,
    *,
    seed: int,
    n_pool_per_class: int = 12,
    duration_sec: float = 6.0,
    sample_rate_hz: int = 22050,
) -> tuple[list[np.ndarray], dict[str, list[np.ndarray]]]:
    """Full-mix clips (drums + bass + harmony + lead, random balance) and the single-part pool they came from.

    Each mix sums 2-3 drum parts, a bass, 1-2 harmony parts and a lead from the
    pool (rendered once per class), each 0-12 dB under the loudest, then
    normalised; parts come from different renders, so no two mixes are alike.
    Returns ``(mixes, pool)``; the pool's clips are the single-instrument
    counter-examples for a mix detector.
    """
    rng = np.random.default_rng(seed)
    classes = sorted(set(_MIX_DRUMS + _MIX_LOW + _MIX_HARMONY + _MIX_LEAD))
    pool = {name: render_class_clips(name, n_pool_per_class, seed=seed + 31 * k, duration_sec=duration_sec,
                                     sample_rate_hz=sample_rate_hz)
            for k, name in enumerate(classes)}
    mixes = []
    for _ in range(n_mixes):
        parts = list(rng.choice(_MIX_DRUMS, size=int(rng.integers(2, 4)), replace=False))
        parts += list(_MIX_LOW)
        parts += list(rng.choice(_MIX_HARMONY, size=int(rng.integers(1, 3)), replace=False))
        parts.append(str(rng.choice(_MIX_LEAD)))
        mix = np.zeros((int(duration_sec * sample_rate_hz), 2), np.float64)
        for name in parts:
            clip = pool[name][int(rng.integers(0, n_pool_per_class))].astype(np.float64)
            clip = clip / max(float(np.max(np.abs(clip))), 1e-9) * 10 ** (-rng.uniform(0, 12) / 20)
            mix[: clip.shape[0]] += clip[: mix.shape[0]]
        mixes.append((mix / max(float(np.max(np.abs(mix))), 1e-9) * 0.9).astype(np.float32))
    return mixes, pool

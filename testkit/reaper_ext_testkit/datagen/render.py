"""Render notes to audio with fluidsynth, and speech with espeak-ng.

Both are run as subprocesses (their command-line tools), so nothing here needs
a C binding. Output is float32, shape ``(n_samples, 2)`` for fluidsynth (it
always renders stereo) and ``(n_samples, 1)`` for speech.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reaper_ext.errors import ReaperExtError

__all__ = ["Note", "SOUNDFONTS", "find_soundfont", "write_midi", "render_notes", "speak"]

# Debian's file names for the allowed sample libraries (training and tests).
SOUNDFONTS: dict[str, tuple[str, ...]] = {
    "fluidr3": ("/usr/share/sounds/sf2/FluidR3_GM.sf2",),
    "timgm6mb": ("/usr/share/sounds/sf2/TimGM6mb.sf2",),
    # realistic sessions (reaper_ext_testkit.libraries): FluidR3's GS extras, csound's GM bank,
    # and the two recorded acoustic kits of avldrums (one preset each, bank 0 program 0)
    "fluidr3_gs": ("/usr/share/sounds/sf2/FluidR3_GS.sf2",),
    "csound": ("/usr/share/sounds/sf2/sf_GMbank.sf2", "/usr/share/samples/sf_GMbank.sf2"),
    "avl_black_pearl": ("/usr/share/sounds/sf2/Black_Pearl_4_LV2.sf2", "/usr/lib/lv2/avldrums.lv2/Black_Pearl_4_LV2.sf2"),
    "avl_red_zeppelin": ("/usr/share/sounds/sf2/Red_Zeppelin_4_LV2.sf2", "/usr/lib/lv2/avldrums.lv2/Red_Zeppelin_4_LV2.sf2"),
}
DRUM_CHANNEL = 9  # General MIDI percussion is channel 10 (0-based 9)
TICKS_PER_BEAT = 480


@dataclass(frozen=True)
class Note:
    """One MIDI note: when, how long, which pitch, how hard."""

    start_sec: float
    duration_sec: float
    pitch: int
    velocity: int = 100


def find_soundfont(name: str) -> Path:
    """Return the path of an allowed sound font (a key of :data:`SOUNDFONTS`)."""
    try:
        candidates = SOUNDFONTS[name]
    except KeyError:
        raise ReaperExtError(f"unknown sound font {name!r}; use one of {sorted(SOUNDFONTS)}") from None
    for candidate in candidates:
        if Path(candidate).is_file():
            return Path(candidate)
    raise ReaperExtError(
        f"sound font {name!r} not found at {', '.join(candidates)}: "
        "install it with `apt-get install fluid-soundfont-gm fluid-soundfont-gs timgm6mb-soundfont "
        "csound-soundfont avldrums.lv2-soundfont`"
    )


def write_midi(
    notes: list[Note],
    path: Path,
    *,
    program: int = 0,
    is_drum: bool = False,
    tempo_bpm: float = 120.0,
    controls: dict[int, int] | None = None,
) -> None:
    """Write ``notes`` as a one-track Standard MIDI File.

    Parameters
    ----------
    notes : list of Note
        The notes, in any order.
    path : Path
        Where to write the ``.mid`` file.
    program : int
        General MIDI program number 0-127; for drums, the kit (0 = GM Standard, GS: 8 Room,
        16 Power, 32 Jazz, 40 Brush...).
    is_drum : bool
        Put the notes on the GM percussion channel.
    tempo_bpm : float
        Tempo written to the file; note times are in seconds regardless.
    controls : dict of int to int, optional
        Controller values sent at time 0 (e.g. ``{7: 100}`` for volume,
        ``{91: 40}`` for reverb send).
    """
    import mido  # light, pure Python; imported here to keep start-up lean

    channel = DRUM_CHANNEL if is_drum else 0
    seconds_per_tick = 60.0 / tempo_bpm / TICKS_PER_BEAT
    events: list[tuple[int, int, mido.Message]] = []
    for note in notes:
        on_tick = round(note.start_sec / seconds_per_tick)
        off_tick = max(on_tick + 1, round((note.start_sec + note.duration_sec) / seconds_per_tick))
        # note-offs sort before note-ons at the same tick so repeated notes retrigger
        events.append((on_tick, 1, mido.Message("note_on", note=note.pitch, velocity=note.velocity, channel=channel)))
        events.append((off_tick, 0, mido.Message("note_off", note=note.pitch, velocity=0, channel=channel)))
    events.sort(key=lambda event: (event[0], event[1]))

    track = mido.MidiTrack()
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo_bpm), time=0))
    if not is_drum or program:
        # on the percussion channel a program change picks a drum kit (GS kits: bank 128, program N)
        track.append(mido.Message("program_change", program=program, channel=channel, time=0))
    for number, value in (controls or {}).items():
        track.append(mido.Message("control_change", control=number, value=value, channel=channel, time=0))
    last_tick = 0
    for tick, _, message in events:
        track.append(message.copy(time=tick - last_tick))
        last_tick = tick
    midi_file = mido.MidiFile(ticks_per_beat=TICKS_PER_BEAT)
    midi_file.tracks.append(track)
    midi_file.save(str(path))


def _require_tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ReaperExtError(f"`{name}` is not installed: install it with `apt-get install {package}`")
    return found


def render_notes(
    notes: list[Note],
    *,
    program: int = 0,
    is_drum: bool = False,
    soundfont: str = "fluidr3",
    sample_rate_hz: int = 44100,
    gain: float = 0.4,
    tail_sec: float = 1.0,
    controls: dict[int, int] | None = None,
) -> np.ndarray:
    """Render notes through fluidsynth to a float32 array, shape ``(n_samples, 2)``.

    The result is trimmed or padded to the last note's end plus ``tail_sec``,
    so renders of the same notes line up sample for sample.
    """
    import soundfile

    fluidsynth = _require_tool("fluidsynth", "fluidsynth")
    soundfont_path = find_soundfont(soundfont)
    end_sec = max((note.start_sec + note.duration_sec for note in notes), default=0.0) + tail_sec
    with tempfile.TemporaryDirectory(prefix="reaper-ext-render-") as tmp:
        midi_path = Path(tmp) / "notes.mid"
        wav_path = Path(tmp) / "out.wav"
        write_midi(notes, midi_path, program=program, is_drum=is_drum, controls=controls)
        subprocess.run(
            [fluidsynth, "-ni", "-q", "-g", str(gain), "-r", str(sample_rate_hz),
             "-F", str(wav_path), "-T", "wav", "-O", "float", str(soundfont_path), str(midi_path)],
            check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        audio, _ = soundfile.read(str(wav_path), dtype="float32", always_2d=True)
    n_samples = int(round(end_sec * sample_rate_hz))
    if audio.shape[0] >= n_samples:
        return np.ascontiguousarray(audio[:n_samples])
    return np.pad(audio, ((0, n_samples - audio.shape[0]), (0, 0)))


def speak(
    text: str,
    *,
    voice: str = "en",
    pitch: int = 50,
    words_per_minute: int = 150,
    sample_rate_hz: int = 44100,
) -> np.ndarray:
    """Speak ``text`` with espeak-ng; float32, shape ``(n_samples, 1)`` at ``sample_rate_hz``."""
    import soundfile
    from scipy.signal import resample_poly

    espeak = _require_tool("espeak-ng", "espeak-ng")
    with tempfile.TemporaryDirectory(prefix="reaper-ext-voice-") as tmp:
        wav_path = Path(tmp) / "voice.wav"
        subprocess.run(
            [espeak, "-v", voice, "-p", str(pitch), "-s", str(words_per_minute), "-w", str(wav_path), text],
            check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        audio, source_rate_hz = soundfile.read(str(wav_path), dtype="float32", always_2d=True)
    if source_rate_hz != sample_rate_hz:
        from math import gcd

        divisor = gcd(int(source_rate_hz), int(sample_rate_hz))
        audio = resample_poly(audio, sample_rate_hz // divisor, int(source_rate_hz) // divisor, axis=0)
    return audio.astype(np.float32)

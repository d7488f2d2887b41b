"""A small session of real rendered instruments, with problems built in, analysed once.

Tracks (all named generically, each one WAV item at 0 s, 10 s of music):

=========  =====================================  ====================================
track      content                                built-in problem
=========  =====================================  ====================================
Audio 01   kick, GM drum note 36, every beat      -
Audio 02   fingered bass, GM 33, C2-G2 quarters   -
Audio 03   espeak voice + 30 Hz rumble            rumble 31 Hz at -24 dBFS peak
Audio 04   acoustic guitar, GM 25, chords         clean
Audio 05   piano, GM 0, mid-range chords          clean
Audio 06   string ensemble, GM 48                 clean
Audio 07   synth lead, GM 81                      peak -40 dBFS (far too quiet)
Audio 08   organ GM 19 chords + 60 Hz hum         60/120/180 Hz hum at -45 dBFS
Audio 09   guitar item 0-5 s, silent item 5-10 s  the second item is digital zero
Audio 10   the bass, upside down                  polarity against Audio 02
=========  =====================================  ====================================
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

RATE_HZ = 44100
DURATION_SEC = 10.0
TRACK_GUIDS = [f"{{000000{n:02d}-AAAA-BBBB-CCCC-DDDDDDDDDD{n:02d}}}" for n in range(1, 11)]
SILENT_ITEM_GUID = "{99999999-2222-3333-4444-555555555599}"
QUIET_PEAK_DBFS = -40.0
RUMBLE_HZ = 31.0
HUM_HZ = 60.0
DRY = {91: 0, 93: 0}  # fluidsynth reverb and chorus sends off: dry multitrack recordings


@dataclass
class RenderedSession:
    project: object
    analysis: object
    folder: Path

    def guid(self, number: int) -> str:
        return TRACK_GUIDS[number - 1]


def _fit(audio: np.ndarray) -> np.ndarray:
    n_samples = int(DURATION_SEC * RATE_HZ)
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    mono = mono[:n_samples]
    return np.pad(mono, (0, n_samples - mono.size)).astype(np.float32)


def _at_peak(audio: np.ndarray, peak_dbfs: float) -> np.ndarray:
    return (audio / np.max(np.abs(audio)) * 10 ** (peak_dbfs / 20)).astype(np.float32)


def _render_tracks() -> list[np.ndarray]:
    from reaper_ext_testkit.datagen.render import Note, render_notes, speak

    beat = 0.5
    times = np.arange(0, DURATION_SEC - 1, beat)
    kick = render_notes([Note(t, 0.2, 36, 110) for t in times], is_drum=True, controls=DRY)
    bass_notes = [36, 36, 43, 43, 40, 40, 41, 43]
    bass = render_notes([Note(i * beat, 0.45, bass_notes[i % 8], 100) for i in range(18)], program=33, controls=DRY)
    words = "the morning light is falling on the quiet river and the day begins again with songs of hope"
    voice = speak(words, voice="en+f3", pitch=55)
    voice = np.concatenate([voice[:, 0], voice[:, 0]])
    chords = [(52, 56, 59, 64), (57, 60, 64, 69), (50, 54, 57, 62), (55, 59, 62, 67)]
    chord_notes = [Note(i * 2.0 + k * 0.02, 1.9, pitch, 90) for i in range(4) for k, pitch in enumerate(chords[i])]
    guitar = render_notes(chord_notes, program=25, controls=DRY)
    piano = render_notes([Note(n.start_sec, n.duration_sec, n.pitch + 12, 90) for n in chord_notes], program=0, controls=DRY)
    strings = render_notes(chord_notes, program=48, controls=DRY)
    lead = render_notes([Note(i * 0.5, 0.45, 72 + [0, 2, 4, 7, 9, 7, 4, 2][i % 8], 100) for i in range(18)], program=81, controls=DRY)
    organ = render_notes(chord_notes, program=19, controls=DRY)

    t = np.arange(int(DURATION_SEC * RATE_HZ)) / RATE_HZ
    rng = np.random.default_rng(7)
    voice = _at_peak(_fit(voice), -10.0)
    # rumble: a 31 Hz partial with a slowly wandering level, under the voice (as in a handled mic)
    rumble = 10 ** (-24 / 20) * np.sin(2 * np.pi * RUMBLE_HZ * t) * (0.75 + 0.25 * np.sin(2 * np.pi * 0.2 * t))
    organ = _at_peak(_fit(organ), -8.0)
    hum = sum(amp * np.sin(2 * np.pi * k * HUM_HZ * t) for k, amp in ((1, 1.0), (2, 0.5), (3, 0.35)))
    hum = 10 ** (-45 / 20) * hum / np.max(np.abs(hum))
    tracks = [
        _at_peak(_fit(kick), -8.0),
        _at_peak(_fit(bass), -12.0),
        voice + rumble.astype(np.float32) + 1e-4 * rng.standard_normal(t.size).astype(np.float32),
        _at_peak(_fit(guitar), -12.0),
        _at_peak(_fit(piano), -12.0),
        _at_peak(_fit(strings), -14.0),
        _at_peak(_fit(lead), QUIET_PEAK_DBFS),
        organ + hum.astype(np.float32),
    ]
    tracks.append(tracks[3][: tracks[3].size // 2])  # Audio 09, first item: the guitar's first 5 s
    tracks.append(-tracks[1])  # Audio 10: the bass with its polarity flipped
    return [np.clip(track, -1.0, 1.0) for track in tracks]


def _item_text(number: int, file_name: str, position_sec: float, length_sec: float, guid: str) -> str:
    return f"""    <ITEM
      POSITION {position_sec}
      LENGTH {length_sec}
      MUTE 0 0
      IGUID {guid}
      NAME {file_name}
      VOLPAN 1 0 1 -1
      SOFFS 0
      <SOURCE WAVE
        FILE "{file_name}"
      >
    >
"""


def _track_text(number: int, items: str) -> str:
    return f"""  <TRACK {TRACK_GUIDS[number - 1]}
    NAME "Audio {number:02d}"
    PEAKCOL 16576
    VOLPAN 1 0 -1 -1 1
    MUTESOLO 0 0 0
    IPHASE 0
    ISBUS 0 0
    NCHAN 2
    TRACKID {TRACK_GUIDS[number - 1]}
{items}  >
"""


def write_session(folder: Path, tracks: list[np.ndarray]) -> Path:
    """Write the WAVs and a small .RPP that points at them; returns the project path."""
    import soundfile

    parts = ['<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1717761600\n  TEMPO 120 4 4\n  SAMPLERATE 44100 0 0\n']
    for number, audio in enumerate(tracks, start=1):
        name = f"audio{number:02d}.wav"
        soundfile.write(str(folder / name), audio, RATE_HZ, subtype="FLOAT")
        length_sec = audio.size / RATE_HZ
        items = _item_text(number, name, 0.0, length_sec, f"{{11111111-2222-3333-4444-5555555555{number:02d}}}")
        if number == 9:  # a second item, all digital zero
            soundfile.write(str(folder / "silence.wav"), np.zeros(audio.size, dtype=np.float32), RATE_HZ, subtype="FLOAT")
            items += _item_text(number, "silence.wav", length_sec, length_sec, SILENT_ITEM_GUID)
        parts.append(_track_text(number, items))
    parts.append(">\n")
    path = folder / "session.RPP"
    path.write_text("".join(parts), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def rendered_session(tmp_path_factory) -> RenderedSession:
    from reaper_ext.pipeline.session import analyze_project
    from reaper_ext.session.rpp import load_project

    folder = tmp_path_factory.mktemp("suggest_session")
    path = write_session(folder, _render_tracks())
    _, project = load_project(path)
    return RenderedSession(project, analyze_project(project, cache=None), folder)


@pytest.fixture(scope="session")
def example_session():
    from reaper_ext.pipeline.session import analyze_project
    from reaper_ext.session.rpp import load_project

    path = Path(__file__).parents[2] / "examples" / "session" / "example.RPP"
    _, project = load_project(path)
    return project, analyze_project(project, cache=None)

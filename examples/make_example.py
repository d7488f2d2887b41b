"""Render the example session: a 30 s song on real sampled instruments.

Writes ``examples/session/media/*.flac`` and ``examples/session/example.RPP``.
The outputs are committed, so nobody needs fluidsynth to use them; this script
documents (and reproduces) how they were made. Deterministic: a fixed seed, fixed
sound font (FluidR3_GM), fixed espeak-ng voice.

The content, and the problems built in on purpose, are described in
``examples/README.md`` (tests use that description as ground truth).

Run from the repository root::

    .venv/bin/python examples/make_example.py
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

import numpy as np

# Runnable from a checkout without installing the package.

from reaper_ext_testkit.datagen.render import Note, render_notes, speak  # noqa: E402

__all__ = ["SONG", "TRACKS", "render_tracks", "write_rpp", "main"]

SEED = 20240607
SAMPLE_RATE_HZ = 44100
TEMPO_BPM = 128.0
BEAT_SEC = 60.0 / TEMPO_BPM
BAR_SEC = 4 * BEAT_SEC  # 1.875 s
LENGTH_SEC = 16 * BAR_SEC  # 30.0 s
SOUNDFONT = "fluidr3"
# No fluidsynth reverb/chorus send (GM CC 91 and 93): dry tracks, as recorded close-miked.
DRY = {91: 0, 93: 0}

# Song form in bars: (name, first bar, number of bars). 16 bars = 30 s at 128 BPM.
SONG: list[tuple[str, int, int]] = [
    ("intro", 0, 2),
    ("verse", 2, 4),
    ("chorus", 6, 4),
    ("verse", 10, 2),
    ("chorus", 12, 4),
]

# C major. Chords as root MIDI pitch (octave 3) and triad quality, one per bar.
VERSE_CHORDS = [(48, "maj"), (45, "min"), (41, "maj"), (43, "maj")]  # C Am F G
CHORUS_CHORDS = [(41, "maj"), (43, "maj"), (48, "maj"), (45, "min")]  # F G C Am
TRIADS = {"maj": (0, 4, 7), "min": (0, 3, 7)}

# Track order, generic names (as a client's session would have them), and what each is.
TRACKS: list[dict[str, object]] = [
    {"file": "audio01.flac", "start_bar": 2, "name": "Audio 01", "instrument": "kick", "class": "kick"},
    {"file": "audio02.flac", "start_bar": 2, "name": "Audio 02", "instrument": "snare", "class": "snare"},
    {"file": "audio03.flac", "start_bar": 0, "name": "Audio 03", "instrument": "hihat", "class": "hihat"},
    {"file": "audio04.flac", "start_bar": 2, "name": "Audio 04", "instrument": "bass", "class": "bass"},
    {"file": "audio05.flac", "start_bar": 0, "name": "Audio 05", "instrument": "piano", "class": "keys"},
    {"file": "audio06.flac", "start_bar": 6, "name": "Audio 06", "instrument": "strings", "class": "strings"},
    {"file": "audio07.flac", "start_bar": 2, "name": "Audio 07", "instrument": "vocal", "class": "vocals"},
    {"file": "audio08.flac", "start_bar": 6, "name": "Audio 08", "instrument": "synth lead", "class": "synth_lead"},
]

# Deliberate problems (documented in examples/README.md).
QUIET_TRACK = "audio08.flac"  # synth lead recorded far too quiet
QUIET_PEAK_DBFS = -40.0
HUM_TRACK = "audio07.flac"  # vocal mic with 50 Hz mains hum and low rumble
HUM_FREQ_HZ = 50.0
HUM_LEVEL_DBFS = -30.0  # peak level of the hum alone
RUMBLE_LEVEL_DBFS = -32.0  # peak level of the < 40 Hz rumble alone
CLIP_TRACK = "audio02.flac"  # snare: hits in the second chorus clipped at full scale
CLIP_BARS = (14, 15)  # bars whose snare hits are driven into clipping


def _bar_chords(bar: int) -> tuple[int, str]:
    for name, first_bar, n_bars in SONG:
        if first_bar <= bar < first_bar + n_bars:
            chords = CHORUS_CHORDS if name == "chorus" else VERSE_CHORDS
            return chords[(bar - first_bar) % 4]
    raise ValueError(f"bar {bar} is outside the song")


def _section(bar: int) -> str:
    for name, first_bar, n_bars in SONG:
        if first_bar <= bar < first_bar + n_bars:
            return name
    raise ValueError(f"bar {bar} is outside the song")


def _t(bar: int, beat: float) -> float:
    return bar * BAR_SEC + beat * BEAT_SEC


def _drum_notes(rng: np.random.Generator) -> dict[str, list[Note]]:
    kick, snare, hihat = [], [], []
    for bar in range(16):
        section = _section(bar)
        if section == "intro":
            # intro: hi-hat alone, quarter notes
            hihat += [Note(_t(bar, b), 0.1, 42, int(rng.integers(60, 80))) for b in range(4)]
            continue
        kick_beats = (0, 2) if section == "verse" else (0, 1, 2, 3)
        kick += [Note(_t(bar, b), 0.2, 36, int(rng.integers(105, 120))) for b in kick_beats]
        if section == "verse":
            kick.append(Note(_t(bar, 2.5), 0.2, 36, int(rng.integers(85, 100))))
        snare += [Note(_t(bar, b), 0.2, 38, int(rng.integers(100, 118))) for b in (1, 3)]
        # closed hat on eighths, pedal hat (44) on the off-beats in the chorus
        # verse: no hats (kick and snare only); chorus: eighths, pedal hat (44) off the beat
        if section == "chorus":
            hihat += [Note(_t(bar, 0.5 * k), 0.1, 44 if k % 2 else 42, int(rng.integers(55, 90)))
                      for k in range(8)]
    return {"kick": kick, "snare": snare, "hihat": hihat}


def _bass_notes(rng: np.random.Generator) -> list[Note]:
    notes = []
    for bar in range(2, 16):
        root, _ = _bar_chords(bar)
        pitch = root - 12  # octave 2
        beats = (0, 1.5, 2, 3) if _section(bar) == "verse" else (0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5)
        step = beats[1] - beats[0] if len(beats) > 1 else 1
        for b in beats:
            notes.append(Note(_t(bar, b), min(step, 0.5) * BEAT_SEC * 0.9, pitch + (7 if b == 3.5 else 0),
                              int(rng.integers(90, 110))))
    return notes


def _piano_notes(rng: np.random.Generator) -> list[Note]:
    notes = []
    for bar in range(16):
        root, quality = _bar_chords(bar) if bar >= 2 else VERSE_CHORDS[bar]
        chord = [root + 12 + interval for interval in TRIADS[quality]]
        if _section(bar) == "chorus":
            continue  # the piano drops out in the choruses (strings and lead take over)
        else:
            # intro and verse: arpeggio in eighths
            pattern = chord + [chord[0] + 12] + chord[::-1][1:] + [chord[1]]
            for k, p in enumerate(pattern[:8]):
                notes.append(Note(_t(bar, 0.5 * k), BEAT_SEC * 0.6, p, int(rng.integers(60, 85))))
    return notes


def _string_notes(rng: np.random.Generator) -> list[Note]:
    notes = []
    for bar in range(6, 16):
        if _section(bar) != "chorus":
            continue  # strings come in for the choruses only
        root, quality = _bar_chords(bar)
        chord = [root + 12 + interval for interval in TRIADS[quality]] + [root]
        velocity = 90
        notes += [Note(_t(bar, 0), BAR_SEC * 0.98, p, velocity + int(rng.integers(-5, 5))) for p in chord]
    return notes


# Melody: (bar offset in the section, beat, scale degree in C major from C5, beats long).
_SCALE = [72, 74, 76, 77, 79, 81, 83, 84]
_VERSE_WORDS = "we walk along the river light and we sing into the night".split()
_CHORUS_WORDS = "hold on hold on the morning comes hold on hold on".split()


def _vocal(rng: np.random.Generator) -> np.ndarray:
    """Sing a sung-like line: one espeak-ng word per note, its pitch set per note."""
    out = np.zeros((int(LENGTH_SEC * SAMPLE_RATE_HZ), 1), np.float32)
    for name, first_bar, n_bars in SONG:
        if name == "intro":
            continue
        words = _VERSE_WORDS if name == "verse" else _CHORUS_WORDS
        # three words at the start of each two-bar phrase, then a rest
        n_notes = 3 * (n_bars // 2)
        for k in range(n_notes):
            beat_pos = 8 * (k // 3) + 1.5 * (k % 3)
            bar = first_bar + int(beat_pos // 4)
            beat = beat_pos % 4
            degree = int(rng.integers(0, 5 if name == "verse" else 8))
            # espeak pitch 0-99 is a relative control; map the melody onto 35-85
            pitch = 35 + int(round(50 * degree / 7))
            word = words[k % len(words)]
            audio = speak(word, voice="en+f3", pitch=pitch, words_per_minute=110, sample_rate_hz=SAMPLE_RATE_HZ)
            start = int(_t(bar, beat) * SAMPLE_RATE_HZ)
            end = min(out.shape[0], start + audio.shape[0])
            out[start:end] += audio[: end - start]
    return out


def _lead_notes(rng: np.random.Generator) -> list[Note]:
    notes = []
    for name, first_bar, n_bars in SONG:
        if name != "chorus":
            continue
        for bar in range(first_bar, first_bar + n_bars):
            for b in (0, 1, 1.5, 2.5, 3):
                notes.append(Note(_t(bar, b), BEAT_SEC * 0.45, _SCALE[int(rng.integers(0, 8))],
                                  int(rng.integers(85, 110))))
    return notes


def _fit(audio: np.ndarray) -> np.ndarray:
    n_samples = int(round(LENGTH_SEC * SAMPLE_RATE_HZ))
    if audio.shape[0] >= n_samples:
        return audio[:n_samples]
    return np.pad(audio, ((0, n_samples - audio.shape[0]), (0, 0)))


def _peak_to(audio: np.ndarray, peak_dbfs: float) -> np.ndarray:
    peak = float(np.max(np.abs(audio)))
    return audio * (10.0 ** (peak_dbfs / 20.0) / max(peak, 1e-12))


def _gate_tails(audio: np.ndarray, *, threshold_dbfs: float = -66.0) -> np.ndarray:
    """Zero the tails below ``threshold_dbfs`` (a noise gate, 20 ms hold, 5 ms fades).

    Gated, close-miked tracks are normal in a session; here the gate mainly keeps the
    committed FLAC files small (digital silence costs FLAC almost nothing).
    """
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    level = np.max(np.abs(audio), axis=1)
    hold = int(0.02 * SAMPLE_RATE_HZ)
    is_open = maximum_filter1d(level, size=2 * hold + 1) >= 10.0 ** (threshold_dbfs / 20.0)
    gain = uniform_filter1d(is_open.astype(np.float32), size=int(0.005 * SAMPLE_RATE_HZ))
    return (audio * gain[:, None]).astype(np.float32)


def render_tracks(*, seed: int = SEED) -> dict[str, np.ndarray]:
    """Render every track of the song: file name -> float32 ``(n_samples, channels)``."""
    rng = np.random.default_rng(seed)
    drums = _drum_notes(rng)
    mono = {}
    for part in ("kick", "snare", "hihat"):
        mono[part] = render_notes(drums[part], is_drum=True, soundfont=SOUNDFONT, sample_rate_hz=SAMPLE_RATE_HZ, controls=DRY)
    mono["bass"] = render_notes(_bass_notes(rng), program=33, soundfont=SOUNDFONT, sample_rate_hz=SAMPLE_RATE_HZ, controls=DRY)
    piano = render_notes(_piano_notes(rng), program=0, soundfont=SOUNDFONT, sample_rate_hz=SAMPLE_RATE_HZ, controls=DRY)
    strings = render_notes(_string_notes(rng), program=48, soundfont=SOUNDFONT, sample_rate_hz=SAMPLE_RATE_HZ, controls=DRY)
    vocal = _vocal(rng)
    lead = render_notes(_lead_notes(rng), program=81, soundfont=SOUNDFONT, sample_rate_hz=SAMPLE_RATE_HZ, controls=DRY)

    n_samples = int(round(LENGTH_SEC * SAMPLE_RATE_HZ))
    tracks = {
        "audio01.flac": _peak_to(_fit(mono["kick"]).mean(axis=1, keepdims=True), -8.0),
        "audio02.flac": _peak_to(_fit(mono["snare"]).mean(axis=1, keepdims=True), -10.0),
        "audio03.flac": _peak_to(_fit(mono["hihat"]).mean(axis=1, keepdims=True), -32.0),
        "audio04.flac": _peak_to(_fit(mono["bass"]).mean(axis=1, keepdims=True), -14.0),
        "audio05.flac": _peak_to(_fit(piano).mean(axis=1, keepdims=True), -16.0),
        "audio06.flac": _peak_to(_fit(strings).mean(axis=1, keepdims=True), -18.0),
        "audio07.flac": _peak_to(_fit(vocal), -12.0),
        "audio08.flac": _peak_to(_fit(lead).mean(axis=1, keepdims=True), QUIET_PEAK_DBFS),
    }

    # Problem: hum + rumble on the vocal mic, through the whole take.
    time_sec = np.arange(n_samples) / SAMPLE_RATE_HZ
    hum = np.sin(2 * np.pi * HUM_FREQ_HZ * time_sec) + 0.3 * np.sin(2 * np.pi * 3 * HUM_FREQ_HZ * time_sec)
    hum = _peak_to(hum[:, None], HUM_LEVEL_DBFS)
    # Rumble (traffic, stand thumps): partials at 22 and 31 Hz whose level wanders
    # slowly; deterministic so the committed FLAC stays small.
    wander = 0.6 + 0.4 * np.sin(2 * np.pi * 0.23 * time_sec + 1.0)
    rumble = (wander * (np.sin(2 * np.pi * 22.0 * time_sec) + 0.7 * np.sin(2 * np.pi * 31.0 * time_sec + 0.5)))[:, None]
    rumble = _peak_to(rumble, RUMBLE_LEVEL_DBFS)
    tracks[HUM_TRACK] = tracks[HUM_TRACK] + hum + rumble

    # Problem: snare hits in bars 14-15 driven 6 dB over full scale, then clipped.
    snare = tracks[CLIP_TRACK].copy()
    start = int(_t(CLIP_BARS[0], 0) * SAMPLE_RATE_HZ)
    end = int(_t(CLIP_BARS[1] + 1, 0) * SAMPLE_RATE_HZ)
    snare[start:end] = np.clip(snare[start:end] * 10.0 ** ((6.0 + 10.0) / 20.0), -1.0, 1.0)
    tracks[CLIP_TRACK] = snare

    # Each file holds its track's item, from the bar where the part comes in to the end.
    first_sample = {str(t["file"]): int(round(_t(int(t["start_bar"]), 0) * SAMPLE_RATE_HZ)) for t in TRACKS}
    # Close-miked drums are gated tighter (24-36 dB under their peak) than the rest (60 dB).
    gate_range_db = {"audio01.flac": 36.0, "audio02.flac": 36.0, "audio03.flac": 24.0}
    out = {}
    for name, audio in tracks.items():
        audio = audio[first_sample[name]:].astype(np.float32)
        peak_dbfs = 20.0 * np.log10(max(float(np.max(np.abs(audio))), 1e-12))
        out[name] = _gate_tails(audio, threshold_dbfs=peak_dbfs - gate_range_db.get(name, 60.0))
    return out


def _guid(rng: np.random.Generator) -> str:
    return "{" + str(uuid.UUID(bytes=rng.bytes(16))).upper() + "}"


def write_rpp(path: Path, *, seed: int = SEED) -> None:
    """Write a REAPER 7 project referencing ``media/<file>`` for every track."""
    rng = np.random.default_rng(seed + 1)
    lines = [
        '<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1717761600',
        "  <NOTES 0 2",
        "  >",
        "  RIPPLE 0",
        "  GROUPOVERRIDE 0 0 0",
        "  AUTOXFADE 129",
        "  ENVATTACH 3",
        "  POOLEDENVATTACH 0",
        "  MIXERUIFLAGS 11 48",
        "  PEAKGAIN 1",
        "  FEEDBACK 0",
        "  PANLAW 1",
        "  PROJOFFS 0 0 0",
        "  MAXPROJLEN 0 0",
        "  GRID 3199 8 1 8 1 0 0 0",
        "  TIMEMODE 1 5 -1 30 0 0 -1",
        "  VIDEO_CONFIG 0 0 256",
        "  PANMODE 3",
        "  CURSOR 0",
        "  ZOOM 30 0 0",
        "  VZOOMEX 6 0",
        "  USE_REC_CFG 0",
        "  RECMODE 1",
        "  SMPTESYNC 0 30 100 40 1000 300 0 0 1 0 0",
        "  LOOP 0",
        "  LOOPGRAN 0 4",
        '  RECORD_PATH "media" ""',
        "  <RECORD_CFG",
        "    ZXZhdxgAAQ==",
        "  >",
        "  <APPLYFX_CFG",
        "  >",
        '  RENDER_FILE ""',
        "  RENDER_PATTERN example",
        "  RENDER_FMT 0 2 44100",
        "  RENDER_1X 0",
        "  RENDER_RANGE 1 0 0 18 1000",
        "  RENDER_RESAMPLE 3 0 1",
        "  RENDER_ADDTOPROJ 0",
        "  RENDER_STEMS 0",
        "  RENDER_DITHER 0",
        "  TIMELOCKMODE 1",
        "  TEMPOENVLOCKMODE 1",
        "  ITEMMIX 1",
        "  DEFPITCHMODE 589824 0",
        "  TAKELANE 1",
        "  SAMPLERATE 44100 0 0",
        "  LOCK 1",
        "  <METRONOME 6 2",
        "    VOL 0.25 0.125",
        "    FREQ 800 1600 1",
        "    BEATLEN 4",
        '    SAMPLES "" ""',
        "    PATTERN 2863311530 2863311529",
        "    MULT 1",
        "  >",
        "  GLOBAL_AUTO -1",
        f"  TEMPO {TEMPO_BPM:g} 4 4",
        "  PLAYRATE 1 0 0.25 4",
        "  SELECTION 0 0",
        "  SELECTION2 0 0",
        "  MASTERAUTOMODE 0",
        "  MASTERTRACKHEIGHT 0 0",
        "  MASTERPEAKCOL 16576",
        "  MASTERMUTESOLO 0",
        "  MASTERTRACKVIEW 0 0.6667 0.5 0.5 0 0 0 0 0 0 0 0 0 0",
        "  MASTERHWOUT 0 0 1 0 0 0 0 -1",
        "  MASTER_NCH 2 2",
        "  MASTER_VOLUME 1 0 -1 -1 1",
        "  MASTER_PANMODE 3",
        "  MASTER_FX 1",
        "  MASTER_SEL 0",
        "  <MASTERPLAYSPEEDENV",
        f"    EGUID {_guid(rng)}",
        "    ACT 0 -1",
        "    VIS 0 1 1",
        "    LANEHEIGHT 0 0",
        "    ARM 0",
        "    DEFSHAPE 0 -1 -1",
        "  >",
        "  <TEMPOENVEX",
        f"    EGUID {_guid(rng)}",
        "    ACT 0 -1",
        "    VIS 1 0 1",
        "    LANEHEIGHT 0 0",
        "    ARM 0",
        "    DEFSHAPE 1 -1 -1",
        "  >",
        "  <PROJBAY",
        "  >",
    ]
    for track in TRACKS:
        track_guid = _guid(rng)
        lines += [
            f"  <TRACK {track_guid}",
            f'    NAME "{track["name"]}"',
            "    PEAKCOL 16576",
            "    BEAT -1",
            "    AUTOMODE 0",
            "    VOLPAN 1 0 -1 -1 1",
            "    MUTESOLO 0 0 0",
            "    IPHASE 0",
            "    PLAYOFFS 0 1",
            "    ISBUS 0 0",
            "    BUSCOMP 0 0 0 0 0",
            "    SHOWINMIX 1 0.6667 0.5 1 0.5 0 0 0",
            "    FIXEDLANES 9 0 0",
            "    SEL 0",
            "    REC 0 0 1 0 0 0 0 0",
            "    VU 2",
            "    TRACKHEIGHT 0 0 0 0 0 0 0",
            "    INQ 0 0 0 0.5 100 0 0 100",
            "    NCHAN 2",
            "    FX 1",
            f"    TRACKID {track_guid}",
            "    PERF 0",
            "    MIDIOUT -1",
            "    MAINSEND 1 0",
            "    <ITEM",
            f"      POSITION {_t(int(track['start_bar']), 0):g}",
            "      SNAPOFFS 0",
            f"      LENGTH {LENGTH_SEC - _t(int(track['start_bar']), 0):g}",
            "      LOOP 0",
            "      ALLTAKES 0",
            "      FADEIN 1 0 0 1 0 0 0",
            "      FADEOUT 1 0 0 1 0 0 0",
            "      MUTE 0 0",
            "      SEL 0",
            f"      IGUID {_guid(rng)}",
            "      IID " + str(TRACKS.index(track) + 1),
            f"      NAME {track['file']}",
            "      VOLPAN 1 0 1 -1",
            "      SOFFS 0",
            "      PLAYRATE 1 1 0 -1 0 0.0025",
            "      CHANMODE 0",
            f"      GUID {_guid(rng)}",
            "      <SOURCE FLAC",
            f'        FILE "media/{track["file"]}"',
            "      >",
            "    >",
            "  >",
        ]
    lines += ["  <EXTENSIONS", "  >", ">", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def get_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "session",
                        help="session folder to write (default: examples/session)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Render the media and write the project; returns the exit status."""
    import soundfile

    args = get_parser().parse_args(argv)
    media = args.out / "media"
    media.mkdir(parents=True, exist_ok=True)
    for name, audio in render_tracks().items():
        soundfile.write(str(media / name), audio, SAMPLE_RATE_HZ, subtype="PCM_16", format="FLAC")
    write_rpp(args.out / "example.RPP")
    total_bytes = sum(p.stat().st_size for p in media.glob("*.flac"))
    print(f"wrote {args.out} ({total_bytes / 1e6:.2f} MB of media)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

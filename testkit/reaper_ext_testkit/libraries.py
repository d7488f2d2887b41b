"""The sample libraries test data may be made from, and the ones reserved for independent evaluation.

A *library* is one recorded or sampled instrument collection, as a Debian package
ships it. The leave-one-library-out protocol (``benchmarks/bench_realistic.py``,
``docs/evaluation.md``) trains without a library and tests on it, so every rendered
track records the library its source came from.

Allowed (training, tuning, tests):

* ``fluidr3``: FluidR3 GM (``fluid-soundfont-gm``) with its GS drum kits (bank 128:
  Standard 1-7, Room, Power, Jazz, Brush) and the GS extras (``fluid-soundfont-gs``);
* ``timgm6mb``: TimGM6mb (``timgm6mb-soundfont``);
* ``csound``: csound's GM bank ``sf_GMbank.sf2`` (``csound-soundfont``);
* ``avldrums``: two multi-sampled recorded acoustic kits, Black Pearl and Red
  Zeppelin (``avldrums.lv2-soundfont``); drums only;
* ``sonic_pi``: recorded one-shots and phrases of ``sonic-pi-samples`` (kick, snare,
  hi-hat, toms, cymbals, bass, guitar, piano).

Reserved (never train, tune or choose a model on them; only an extra, separately
reported test set): ``musescore`` (``musescore-general-soundfont`` in every size) and
``hydrogen`` (every ``hydrogen-drumkits`` package). :func:`allowed_libraries` never
returns them and :func:`check_allowed` refuses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reaper_ext.errors import ReaperExtError

__all__ = ["Library", "LIBRARIES", "RESERVED", "SONIC_PI_DIR", "allowed_libraries", "available", "check_allowed"]

SONIC_PI_DIR = Path("/usr/share/sonic-pi/samples")

_MELODIC = frozenset({"bass", "guitar", "keys", "strings", "brass", "woodwind", "synth_lead", "synth_pad",
                      "percussion", "fx", "other"})
_KIT = frozenset({"kick", "snare", "hihat", "toms", "overheads"})


@dataclass(frozen=True)
class Library:
    """One sample library.

    Attributes
    ----------
    name : str
        Short name recorded on every rendered track.
    package : str
        The Debian package that ships it.
    kind : str
        ``"soundfont"`` (rendered with fluidsynth) or ``"samples"`` (one-shot files).
    soundfonts : tuple of str
        Keys of :data:`reaper_ext_testkit.datagen.render.SOUNDFONTS` (sound font libraries).
    drum_kits : tuple of (str, int)
        ``(soundfont key, kit program)`` of its drum kits; program ``-1`` means a kit that
        is the font's only preset, played on a melodic channel (avldrums).
    classes : frozenset of str
        The fine classes it can play.
    reserved : bool
        Reserved for independent evaluation: never used for training or tuning.
    """

    name: str
    package: str
    kind: str
    soundfonts: tuple[str, ...] = ()
    drum_kits: tuple[tuple[str, int], ...] = ()
    classes: frozenset[str] = frozenset()
    reserved: bool = False
    check_file: str = ""


LIBRARIES: dict[str, Library] = {
    "fluidr3": Library("fluidr3", "fluid-soundfont-gm", "soundfont", ("fluidr3",),
                       (("fluidr3", 0), ("fluidr3", 1), ("fluidr3", 8), ("fluidr3", 16), ("fluidr3", 32),
                        ("fluidr3", 40)),
                       _KIT | _MELODIC, check_file="/usr/share/sounds/sf2/FluidR3_GM.sf2"),
    "timgm6mb": Library("timgm6mb", "timgm6mb-soundfont", "soundfont", ("timgm6mb",),
                        (("timgm6mb", 0), ("timgm6mb", 8), ("timgm6mb", 16), ("timgm6mb", 32)),
                        _KIT | _MELODIC, check_file="/usr/share/sounds/sf2/TimGM6mb.sf2"),
    "csound": Library("csound", "csound-soundfont", "soundfont", ("csound",),
                      (("csound", 0), ("csound", 8), ("csound", 16), ("csound", 32)),
                      _KIT | _MELODIC, check_file="/usr/share/sounds/sf2/sf_GMbank.sf2"),
    "avldrums": Library("avldrums", "avldrums.lv2-soundfont", "soundfont", (),
                        (("avl_black_pearl", -1), ("avl_red_zeppelin", -1)),
                        _KIT, check_file="/usr/share/sounds/sf2/Black_Pearl_4_LV2.sf2"),
    "sonic_pi": Library("sonic_pi", "sonic-pi-samples", "samples", (), (),
                        _KIT | frozenset({"bass", "guitar", "keys"}),
                        check_file=str(SONIC_PI_DIR / "bd_haus.flac")),
    "musescore": Library("musescore", "musescore-general-soundfont", "soundfont", reserved=True,
                         check_file="/usr/share/sounds/sf2/MuseScore_General.sf2"),
    "hydrogen": Library("hydrogen", "hydrogen-drumkits", "samples", reserved=True,
                        check_file="/usr/share/hydrogen/data/drumkits"),
}
RESERVED: frozenset[str] = frozenset(name for name, library in LIBRARIES.items() if library.reserved)


def check_allowed(name: str) -> Library:
    """The library called ``name``, if it may be used for training and tuning.

    Raises
    ------
    ReaperExtError
        If the name is unknown or the library is reserved for independent evaluation.
    """
    library = LIBRARIES.get(name)
    if library is None:
        raise ReaperExtError(f"unknown sample library {name!r}; known: {sorted(LIBRARIES)}")
    if library.reserved:
        raise ReaperExtError(f"sample library {name!r} is reserved for independent evaluation: "
                             "never train, tune or choose a model on it")
    return library


def available(name: str) -> bool:
    """Whether the library's files are installed."""
    return bool(LIBRARIES[name].check_file) and Path(LIBRARIES[name].check_file).exists()


def allowed_libraries(*, exclude: tuple[str, ...] | list[str] = (), installed_only: bool = True) -> list[str]:
    """Names of the libraries training may use (never the reserved ones), less ``exclude``."""
    for name in exclude:
        if name not in LIBRARIES:
            raise ReaperExtError(f"unknown sample library {name!r}; known: {sorted(LIBRARIES)}")
    return [name for name, library in LIBRARIES.items()
            if not library.reserved and name not in exclude and (available(name) or not installed_only)]

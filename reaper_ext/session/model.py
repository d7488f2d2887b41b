"""The session model: plain dataclasses, no REAPER handles.

Both backends (``rpp`` for files, ``live`` inside REAPER) produce exactly
these objects, so analysis and suggestions never know where a project came
from. Times are seconds, volumes linear gain (REAPER's ``D_VOL``), colours
``0x01BBGGRR`` integers as a project file's ``PEAKCOL`` holds them (0 = no
custom colour; the live backend converts REAPER's platform-dependent native
order with ``ColorFromNative``).

:mod:`reaper_ext.session.protocols` says what a backend must do; the contract
tests (``tests/contract/``) check that both backends give the same snapshot.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["FxInfo", "Item", "Marker", "Project", "Track", "MediaStatus", "LEDGER_SECTION", "SNAPSHOT_EXT_SECTIONS"]

#: Project ext-state sections a snapshot holds. REAPER lists the keys of a section it is
#: told (EnumProjExtState) but not the sections, so both backends snapshot these only.
LEDGER_SECTION = "REAPER_EXT"  # project ext state section holding reaper-ext's ledger
SNAPSHOT_EXT_SECTIONS = (LEDGER_SECTION,)


@dataclass(frozen=True)
class MediaStatus:
    """Where an item's source file was looked for and whether it was found."""

    file_as_written: str  # the FILE value exactly as the project holds it
    resolved_path: Path | None  # the file found on disk, None when missing
    tried_paths: tuple[Path, ...] = ()

    @property
    def is_found(self) -> bool:
        return self.resolved_path is not None


@dataclass(frozen=True)
class FxInfo:
    """One plug-in in a track's FX chain."""

    name: str  # as saved, e.g. "VST: ReaEQ (Cockos)"; a JSFX: its path offline, "JS: ..." live
    kind: str  # chunk tag: VST (VST2 and VST3), JS, AU, CLAP, DX, LV2, VIDEO_EFFECT
    is_enabled: bool  # False when BYPASS is set
    is_offline: bool = False
    custom_name: str = ""
    fx_guid: str = ""


@dataclass(frozen=True)
class Item:
    """One media item, described by its active take."""

    position_sec: float
    length_sec: float
    guid: str = ""
    take_name: str = ""
    source_type: str = ""  # WAVE, FLAC, MP3, VORBIS, MIDI, EMPTY, ... (innermost SOURCE)
    media: MediaStatus | None = None  # None for sources without a file (MIDI, EMPTY)
    start_offset_sec: float = 0.0  # SOFFS: where in the source the take starts
    playrate: float = 1.0
    item_gain: float = 1.0  # item volume, linear
    take_gain: float = 1.0  # take volume, linear (negative = polarity flipped)
    is_muted: bool = False
    section_start_sec: float = 0.0  # SOURCE SECTION offset into the file
    section_length_sec: float | None = None

    @property
    def end_sec(self) -> float:
        return self.position_sec + self.length_sec


@dataclass(frozen=True)
class Track:
    """One track, its FX chain and its items (in time order)."""

    index: int  # 0-based position in the project
    guid: str
    name: str
    color: int = 0
    volume_gain: float = 1.0
    pan: float = 0.0
    is_muted: bool = False
    is_phase_inverted: bool = False
    folder_depth: int = 0  # REAPER's I_FOLDERDEPTH: 1 opens a folder, -n closes n
    fx: tuple[FxInfo, ...] = ()
    items: tuple[Item, ...] = ()
    ext_state: dict[str, str] = field(default_factory=dict)  # P_EXT keys


@dataclass(frozen=True)
class Marker:
    """A marker, or a region when ``end_sec`` is set."""

    index: int  # REAPER's marker/region number (shown in the ruler)
    position_sec: float
    name: str
    end_sec: float | None = None
    color: int = 0
    guid: str = ""

    @property
    def is_region(self) -> bool:
        return self.end_sec is not None


@dataclass(frozen=True)
class Project:
    """A snapshot of a whole project."""

    path: Path | None
    reaper_version: str  # "7.27/win64": the REAPER that saved the file, or the one running (live); "" unknown
    sample_rate_hz: int | None  # None when the project follows the audio device
    tempo_bpm: float
    time_signature: tuple[int, int]
    tracks: tuple[Track, ...]
    markers: tuple[Marker, ...]  # in position order, as REAPER enumerates them
    ext_state: dict[str, dict[str, str]] = field(default_factory=dict)  # the SNAPSHOT_EXT_SECTIONS present
    notes: str = ""  # project notes, lines joined with "\n"

    @property
    def folder(self) -> Path | None:
        return None if self.path is None else self.path.parent

    def track_by_guid(self, guid: str) -> Track | None:
        for track in self.tracks:
            if track.guid == guid:
                return track
        return None

    def to_dict(self) -> dict:
        """JSON-able form (paths as strings)."""
        return _jsonable(asdict(self))


def _jsonable(value):
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    return value

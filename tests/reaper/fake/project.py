"""The fake REAPER's project: mutable objects loaded from an .RPP and saved back as one.

Loading uses the fake's own loader (:mod:`tests.reaper.fake.rpp_loader`), never the
product's ``.RPP`` reader, so comparing what the live backend reads through the fake
with what the ``.RPP`` backend reads is a comparison of two independent readings.
"""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from reaper_ext.fx.rpp_block import fx_to_rpp_lines
from reaper_ext.fx.spec import FxSpec, db_to_gain
from tests.reaper.fake import fx_params as fxp
from tests.reaper.fake import rpp_loader


def new_guid() -> str:
    return "{" + str(uuid.uuid4()).upper() + "}"


# A new ReaEQ has 5 bands (FACTS.md, decoded from real chunks); their kinds here are an assumption.
DEFAULT_EQ_BANDS = (("low_shelf", 100.0), ("band", 300.0), ("band", 1000.0), ("band", 4000.0), ("high_shelf", 8000.0))


@dataclass
class FakeSource:
    kind: str
    file: str = ""
    parent: FakeSource | None = None
    section_offset_sec: float = 0.0  # a SECTION source: where in its parent it starts
    section_length_sec: float = 0.0  # a SECTION source: its length (0 = to the end)


@dataclass
class FakeTake:
    name: str = ""
    volume: float = 1.0
    start_offset_sec: float = 0.0
    playrate: float = 1.0
    source: FakeSource | None = None
    guid: str = field(default_factory=new_guid)


@dataclass
class FakeItem:
    position_sec: float = 0.0
    length_sec: float = 0.0
    is_muted: bool = False
    volume: float = 1.0
    is_selected: bool = False
    guid: str = field(default_factory=new_guid)
    takes: list[FakeTake | None] = field(default_factory=list)  # None: an empty take (TAKE NULL)
    active_take: int = 0

    def take(self) -> FakeTake | None:
        """The active take (``GetActiveTake``)."""
        return self.takes[self.active_take] if 0 <= self.active_take < len(self.takes) else None


@dataclass
class FakeFx:
    display_name: str
    kind: str = "VST"  # the chunk tag the plug-in is saved under
    plugin: str = ""  # ReaEQ, ReaComp, JS:path, or "" for a loaded plug-in we keep as lines
    is_enabled: bool = True
    is_offline: bool = False
    renamed: str = ""
    guid: str = field(default_factory=new_guid)
    raw_lines: list[str] | None = None  # a loaded plug-in's own lines
    eq_bands: list[dict] = field(default_factory=list)
    eq_master_db: float = 0.0
    comp_raw: list[float] = field(default_factory=lambda: list(fxp.REACOMP_DEFAULTS))
    sliders: dict[str, float] = field(default_factory=dict)

    def spec(self) -> FxSpec:
        """A ReaGate's settings as an FxSpec, for saving it the product's way (no real ReaGate state is known)."""
        return FxSpec(self.plugin, params=dict(self.sliders), custom_name=self.renamed or None, bypassed=not self.is_enabled)


@dataclass
class FakeTrack:
    guid: str = field(default_factory=new_guid)
    name: str = ""
    color: int = 0
    volume: float = 1.0
    pan: float = 0.0
    is_muted: bool = False
    is_phase_inverted: bool = False
    folder_depth: int = 0
    is_selected: bool = False
    fx: list[FakeFx] = field(default_factory=list)
    items: list[FakeItem] = field(default_factory=list)
    chain_header: list[str] | None = None
    ext_state: dict[str, str] = field(default_factory=dict)  # P_EXT keys (the track's <EXT block)


@dataclass
class FakeMarker:
    number: int
    is_region: bool
    position_sec: float
    end_sec: float
    name: str
    color: int = 0
    guid: str = field(default_factory=new_guid)


@dataclass
class FakeProject:
    path: Path | None = None
    version: str = "7.27"
    platform: str = "win64"  # the REAPER build holding the project: its native colour order
    tempo_bpm: float = 120.0
    time_signature: tuple[int, int] = (4, 4)
    sample_rate_hz: int | None = None
    tracks: list[FakeTrack] = field(default_factory=list)
    markers: list[FakeMarker] = field(default_factory=list)
    ext_state: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: str = ""
    file_version: str = ""  # the "version/platform" of the REAPER that saved the file ("" = no header)
    master: FakeTrack = field(default_factory=lambda: FakeTrack(guid="", name="MASTER"))  # its FX: <MASTERFXLIST


def load_rpp(path: Path, *, platform: str = "win64") -> FakeProject:
    """Open a project file as REAPER on ``platform`` would (the parts reaper-ext touches), with the fake's own loader."""
    project = FakeProject()
    rpp_loader.load_into(project, Path(path), classes=sys.modules[__name__], platform=platform)
    return project


def _bus(depth: int) -> str:
    return "1 1" if depth > 0 else (f"2 {depth}" if depth < 0 else "0 0")


def fx_lines(fx: FakeFx) -> list[str]:
    """One plug-in as REAPER saves it in a chain (``BYPASS`` .. ``WAK``), from the fake's own state encoder.

    A plug-in loaded from a file keeps its lines (with its bypass state now); one added live is
    encoded by :mod:`tests.reaper.fake.fx_params` (written from FACTS.md), never by the product.
    """
    bypass = f"BYPASS {0 if fx.is_enabled else 1} {int(fx.is_offline)} 0"
    if fx.raw_lines is not None:
        lines = list(fx.raw_lines)
        if lines and lines[0].startswith("BYPASS"):
            lines[0] = bypass
        else:
            lines.insert(0, bypass)
        return lines
    name = '"' + fx.renamed.replace('"', "'") + '"'
    if fx.plugin == "ReaEQ":
        head = f'<VST "VST: ReaEQ (Cockos)" reaeq.dll 0 {name} {fxp.REAEQ_ID}<56535472656571726561657100000000> ""'
        body = fxp.vst_state_lines(fxp.REAEQ_ID, True, 2, fxp.reaeq_state(fx.eq_bands, 10 ** (fx.eq_master_db / 20.0)))
    elif fx.plugin in ("ReaComp", "ReaGate"):
        is_comp = fx.plugin == "ReaComp"
        plugin_id = fxp.REACOMP_ID if is_comp else fxp.REAGATE_ID
        dll = "reacomp.dll" if is_comp else "reagate.dll"
        head = f'<VST "VST: {fx.plugin} (Cockos)" {dll} 0 {name} {plugin_id}<00000000000000000000000000000000> ""'
        values = fx.comp_raw if is_comp else fx.gate_raw
        body = fxp.vst_state_lines(plugin_id, False, 4, fxp.param_list_state(values))
    elif fx.plugin == "ReaLimit":
        head, body = fxp.realimit_chunk(name, fx.limit_raw)
    elif fx.plugin.startswith("JS:"):
        head = f"<JS {fx.plugin[3:]} {name}"
        sliders = [fx.sliders.get(f"slider{n}") for n in range(1, 65)]
        body = [" ".join("-" if v is None else f"{v:.6f}" for v in sliders)]
    else:
        return []
    return [bypass, head, *body, ">", "FLOATPOS 0 0 0 0", f"FXID {fx.guid}", "WAK 0 0"]


PEAKCOL_NONE = 16576  # FACTS ".RPP format": PEAKCOL 16576 = no custom colour


def track_lines(track: FakeTrack, indent: str = "", platform: str = "win64") -> list[str]:
    """One track as REAPER writes it (``<TRACK`` ... ``>``); also what ``GetTrackStateChunk`` returns."""
    out = [f"<TRACK {track.guid}"]
    out.append("  " + rpp_loader.line(["NAME", track.name]))
    out.append(f"  PEAKCOL {rpp_loader.file_color(track.color, platform) if track.color else PEAKCOL_NONE}")
    out.append(f"  VOLPAN {rpp_loader.number(track.volume)} {rpp_loader.number(track.pan)} -1 -1 1")
    out.append(f"  MUTESOLO {int(track.is_muted)} 0 0")
    out.append(f"  IPHASE {int(track.is_phase_inverted)}")
    out.append(f"  ISBUS {_bus(track.folder_depth)}")
    out.append(f"  TRACKID {track.guid}")
    if track.ext_state:
        out.append("  <EXT")
        out += ["    " + rpp_loader.line([key, value]) for key, value in track.ext_state.items()]
        out.append("  >")
    if track.fx or track.chain_header is not None:
        out.append("  <FXCHAIN")
        out += ["    " + line for line in (track.chain_header if track.chain_header is not None else ["SHOW 0", "LASTSEL 0", "DOCKED 0"])]
        for fx in track.fx:
            if fx.plugin == "ReaGate" and fx.raw_lines is None:
                # no real ReaGate state is known (FACTS "ReaGate"): saved as the product writes it
                out += fx_to_rpp_lines(fx.spec(), indent="    ", fxid_guid=fx.guid)
            else:
                out += ["    " + line for line in fx_lines(fx)]
        out.append("  >")
    for item in track.items:
        take = item.take() or FakeTake()
        out += [
            "  <ITEM",
            f"    POSITION {rpp_loader.number(item.position_sec)}",
            f"    LENGTH {rpp_loader.number(item.length_sec)}",
            f"    MUTE {int(item.is_muted)} 0",
            f"    IGUID {item.guid}",
            "    " + rpp_loader.line(["NAME", take.name]),
            f"    VOLPAN {rpp_loader.number(item.volume)} 0 {rpp_loader.number(take.volume)} -1",
            f"    SOFFS {rpp_loader.number(take.start_offset_sec)}",
            f"    PLAYRATE {rpp_loader.number(take.playrate)} 1 0 -1 0 0.0025",
            f"    GUID {take.guid}",
        ]
        source = take.source
        if source is not None:
            pad = "    "
            if source.kind == "SECTION" and source.parent is not None:
                out += [pad + "<SOURCE SECTION", pad + f"  LENGTH {rpp_loader.number(source.section_length_sec)}",
                        pad + f"  STARTPOS {rpp_loader.number(source.section_offset_sec)}"]
                source, pad = source.parent, pad + "  "
            out += [pad + f"<SOURCE {source.kind}", pad + "  " + rpp_loader.line(["FILE", source.file]), pad + ">"]
            if pad != "    ":
                out.append("    >")
        out.append("  >")
    out.append(">")
    return [indent + line for line in out]


def save_rpp(project: FakeProject, path: Path) -> None:
    """Write the project the way REAPER does: the whole file, from its state."""
    out = [f'<REAPER_PROJECT 0.1 "{project.version}/linux-x86_64" 1700000000']
    if project.notes:
        out += ["  <NOTES 0 2"] + ["    |" + line for line in project.notes.split("\n")] + ["  >"]
    out.append(f"  TEMPO {rpp_loader.number(project.tempo_bpm)} {project.time_signature[0]} {project.time_signature[1]}")
    if project.sample_rate_hz:
        out.append(f"  SAMPLERATE {project.sample_rate_hz} 1 0")
    for marker in sorted(project.markers, key=lambda m: (m.position_sec, m.number)):
        flags = 1 if marker.is_region else 0
        # the byte-order flag names the order the colour is in (FACTS "Colours"): REAPER's native one
        order = "R" if project.platform.startswith("win") or project.platform == "x64" else "B"
        out.append("  " + rpp_loader.line(["MARKER", str(marker.number), rpp_loader.number(marker.position_sec), marker.name,
                                           str(flags), str(marker.color), "1", order, marker.guid, "0"]))
        if marker.is_region:
            out.append("  " + rpp_loader.line(["MARKER", str(marker.number), rpp_loader.number(marker.end_sec), "", "1"]))
    master = project.master
    if master.fx or master.chain_header is not None:  # REAPER writes the master's chain before the tracks
        out.append("  <MASTERFXLIST")
        out += ["    " + line for line in (master.chain_header if master.chain_header is not None
                                           else ["SHOW 0", "LASTSEL 0", "DOCKED 0"])]
        for fx in master.fx:
            out += ["    " + line for line in fx_lines(fx)]
        out.append("  >")
    for track in project.tracks:
        out += track_lines(track, "  ", project.platform)
    if project.ext_state:
        out.append("  <EXTSTATE")
        for section, values in project.ext_state.items():
            out.append(f"    <{section}")
            out += ["      " + rpp_loader.line([key, value]) for key, value in values.items()]
            out.append("    >")
        out.append("  >")
    out.append(">")
    Path(path).write_text("\n".join(out) + "\n", encoding="utf-8")


__all__ = ["FakeProject", "FakeTrack", "FakeItem", "FakeTake", "FakeSource", "FakeFx", "FakeMarker", "load_rpp", "save_rpp", "track_lines", "fx_lines",
           "new_guid", "DEFAULT_EQ_BANDS", "db_to_gain"]

"""The fake REAPER's project: mutable objects loaded from an .RPP and saved back as one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from reaper_ext.fx.reacomp import DEFAULT_RAW, raw_to_params
from reaper_ext.fx.rpp_block import fx_to_rpp_lines
from reaper_ext.fx.spec import EqBand, FxSpec, db_to_gain
from reaper_ext.session import reaper_keys as keys
from reaper_ext.session.rpp import load_project
from reaper_ext.session.rpp.edit import format_number
from reaper_ext.session.rpp.reader import FX_TAGS
from reaper_ext.session.rpp.tokens import join_tokens


def new_guid() -> str:
    return "{" + str(uuid.uuid4()).upper() + "}"


# A new ReaEQ has 5 bands (FACTS.md, decoded from real chunks); their kinds here are an assumption.
DEFAULT_EQ_BANDS = (("low_shelf", 100.0), ("band", 300.0), ("band", 1000.0), ("band", 4000.0), ("high_shelf", 8000.0))


@dataclass
class FakeSource:
    kind: str
    file: str = ""
    parent: FakeSource | None = None


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
    takes: list[FakeTake] = field(default_factory=list)
    section: tuple[float, float | None] | None = None


@dataclass
class FakeFx:
    display_name: str
    plugin: str = ""  # ReaEQ, ReaComp, JS:path, or "" for a loaded plug-in we keep as lines
    is_enabled: bool = True
    is_offline: bool = False
    renamed: str = ""
    guid: str = field(default_factory=new_guid)
    raw_lines: list[str] | None = None  # a loaded plug-in's own lines
    eq_bands: list[dict] = field(default_factory=list)
    eq_master_db: float = 0.0
    comp_raw: list[float] = field(default_factory=lambda: list(DEFAULT_RAW))
    sliders: dict[str, float] = field(default_factory=dict)

    def spec(self) -> FxSpec:
        """What this plug-in's settings are, as an FxSpec (for saving)."""
        custom = self.renamed or None
        if self.plugin == "ReaEQ":
            bands = [EqBand(b["kind"], b["freq_hz"], b["gain_db"], bw_oct=b["bw_oct"], enabled=b["enabled"]) for b in self.eq_bands]
            params = {"gain_db": self.eq_master_db} if self.eq_master_db else {}
            return FxSpec("ReaEQ", params=params, custom_name=custom, bypassed=not self.is_enabled, bands=bands)
        if self.plugin == "ReaComp":
            return FxSpec("ReaComp", params=raw_to_params(self.comp_raw), custom_name=custom, bypassed=not self.is_enabled)
        return FxSpec(self.plugin, params=dict(self.sliders), custom_name=custom, bypassed=not self.is_enabled)


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
    tempo_bpm: float = 120.0
    time_signature: tuple[int, int] = (4, 4)
    sample_rate_hz: int | None = None
    tracks: list[FakeTrack] = field(default_factory=list)
    markers: list[FakeMarker] = field(default_factory=list)
    ext_state: dict[str, dict[str, str]] = field(default_factory=dict)


def _fx_blocks(doc, chain) -> tuple[list[str], list[list[str]]]:
    """A chain's header lines and each plug-in's lines (BYPASS .. WAK), without line endings."""
    text = [line.rstrip("\r\n") for line in doc.lines]
    plugins = [child for child in chain.children if child.tag in FX_TAGS]
    starts = []
    for plugin in plugins:
        start = plugin.start - 1 if doc.first_word(plugin.start - 1) == "BYPASS" else plugin.start
        starts.append(start)
    header = [line.strip() for line in text[chain.start + 1:(starts[0] if starts else chain.end)]]
    blocks = []
    for n, start in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else chain.end
        blocks.append([line.strip() for line in text[start:stop]])
    return header, blocks


def load_rpp(path: Path) -> FakeProject:
    """Open a project file as REAPER would (the parts reaper-ext touches)."""
    doc, project = load_project(path)
    fake = FakeProject(path=Path(path), tempo_bpm=project.tempo_bpm, time_signature=project.time_signature,
                       sample_rate_hz=project.sample_rate_hz, ext_state={k: dict(v) for k, v in project.ext_state.items()})
    chunks = list(doc.root.find_all("TRACK"))
    for track, chunk in zip(project.tracks, chunks):
        fake_track = FakeTrack(guid=track.guid, name=track.name, color=track.color, volume=track.volume_gain, pan=track.pan,
                               is_muted=track.is_muted, is_phase_inverted=track.is_phase_inverted, folder_depth=track.folder_depth)
        chain = chunk.find("FXCHAIN")
        if chain is not None:
            header, blocks = _fx_blocks(doc, chain)
            fake_track.chain_header = header
            for info, lines in zip(track.fx, blocks):
                fake_track.fx.append(FakeFx(info.name, is_enabled=info.is_enabled, is_offline=info.is_offline,
                                            renamed=info.custom_name, guid=info.fx_guid or new_guid(), raw_lines=lines))
        for item in track.items:
            source = None
            if item.source_type:
                file_text = ""
                if item.media is not None:
                    file_text = str(item.media.resolved_path) if item.media.resolved_path else item.media.file_as_written
                source = FakeSource(item.source_type, file_text)
                if item.section_length_sec is not None or item.section_start_sec:
                    source = FakeSource("SECTION", "", parent=source)
            take = FakeTake(item.take_name, item.take_gain, item.start_offset_sec, item.playrate, source)
            fake_track.items.append(FakeItem(item.position_sec, item.length_sec, item.is_muted, item.item_gain, guid=item.guid or new_guid(),
                                             takes=[take], section=(item.section_start_sec, item.section_length_sec) if source and source.kind == "SECTION" else None))
        fake.tracks.append(fake_track)
    for marker in project.markers:
        fake.markers.append(FakeMarker(marker.index, marker.is_region, marker.position_sec, marker.end_sec or 0.0, marker.name,
                                       marker.color, marker.guid or new_guid()))
    return fake


def _bus(depth: int) -> str:
    return "1 1" if depth > 0 else (f"2 {depth}" if depth < 0 else "0 0")


def save_rpp(project: FakeProject, path: Path) -> None:
    """Write the project the way REAPER does: the whole file, from its state."""
    out = [f'<REAPER_PROJECT 0.1 "{project.version}/linux-x86_64" 1700000000']
    out.append(f"  TEMPO {format_number(project.tempo_bpm)} {project.time_signature[0]} {project.time_signature[1]}")
    if project.sample_rate_hz:
        out.append(f"  SAMPLERATE {project.sample_rate_hz} 1 0")
    for marker in sorted(project.markers, key=lambda m: (m.position_sec, m.number)):
        flags = 1 if marker.is_region else 0
        out.append("  " + join_tokens(["MARKER", str(marker.number), format_number(marker.position_sec), marker.name, str(flags),
                                       str(marker.color), "1", "R", marker.guid, "0"]))
        if marker.is_region:
            out.append("  " + join_tokens(["MARKER", str(marker.number), format_number(marker.end_sec), "", "1"]))
    for track in project.tracks:
        out.append(f"  <TRACK {track.guid}")
        out.append("    " + join_tokens(["NAME", track.name]))
        out.append(f"    PEAKCOL {track.color or keys.PEAKCOL_NONE}")
        out.append(f"    VOLPAN {format_number(track.volume)} {format_number(track.pan)} -1 -1 1")
        out.append(f"    MUTESOLO {int(track.is_muted)} 0 0")
        out.append(f"    IPHASE {int(track.is_phase_inverted)}")
        out.append(f"    ISBUS {_bus(track.folder_depth)}")
        out.append(f"    TRACKID {track.guid}")
        if track.fx or track.chain_header is not None:
            out.append("    <FXCHAIN")
            out += ["      " + line for line in (track.chain_header if track.chain_header is not None else ["SHOW 0", "LASTSEL 0", "DOCKED 0"])]
            for fx in track.fx:
                if fx.raw_lines is not None:
                    lines = list(fx.raw_lines)
                    bypass = f"BYPASS {0 if fx.is_enabled else 1} {int(fx.is_offline)} 0"
                    if lines and lines[0].startswith("BYPASS"):
                        lines[0] = bypass
                    else:
                        lines.insert(0, bypass)
                    out += ["      " + line for line in lines]
                else:
                    out += fx_to_rpp_lines(fx.spec(), indent="      ", fxid_guid=fx.guid)
            out.append("    >")
        for item in track.items:
            take = item.takes[0] if item.takes else FakeTake()
            out += [
                "    <ITEM",
                f"      POSITION {format_number(item.position_sec)}",
                f"      LENGTH {format_number(item.length_sec)}",
                f"      MUTE {int(item.is_muted)} 0",
                f"      IGUID {item.guid}",
                "      " + join_tokens(["NAME", take.name]),
                f"      VOLPAN {format_number(item.volume)} 0 {format_number(take.volume)} -1",
                f"      SOFFS {format_number(take.start_offset_sec)}",
                f"      PLAYRATE {format_number(take.playrate)} 1 0 -1 0 0.0025",
                f"      GUID {take.guid}",
            ]
            source = take.source
            if source is not None:
                indent = "      "
                if source.kind == "SECTION" and source.parent is not None:
                    start, length = item.section or (0.0, None)
                    out += [indent + "<SOURCE SECTION", indent + f"  LENGTH {format_number(length or 0)}",
                            indent + f"  STARTPOS {format_number(start)}"]
                    source, indent = source.parent, indent + "  "
                out += [indent + f"<SOURCE {source.kind}", indent + "  " + join_tokens(["FILE", source.file]), indent + ">"]
                if indent != "      ":
                    out.append("      >")
            out.append("    >")
        out.append("  >")
    if project.ext_state:
        out.append("  <EXTSTATE")
        for section, values in project.ext_state.items():
            out.append(f"    <{section}")
            out += ["      " + join_tokens([key, value]) for key, value in values.items()]
            out.append("    >")
        out.append("  >")
    out.append(">")
    Path(path).write_text("\n".join(out) + "\n", encoding="utf-8")


__all__ = ["FakeProject", "FakeTrack", "FakeItem", "FakeTake", "FakeSource", "FakeFx", "FakeMarker", "load_rpp", "save_rpp",
           "new_guid", "DEFAULT_EQ_BANDS", "db_to_gain"]

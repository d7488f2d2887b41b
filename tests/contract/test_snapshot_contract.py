"""The session contract: both backends give the same snapshot, field by field, of every corpus project.

The ``.RPP`` backend (:class:`RppSessionReader`) reads the file with the product's
reader. The live backend (:class:`LiveSession`) reads the same file through the fake
REAPER, which loaded it with its own loader (``tests/reaper/fake/rpp_loader.py``) and
answers through REAPER's ``RPR_`` calls as listed in ``tests/data/reaper_api/``. Every
field of every dataclass of the model is compared (the comparison walks
``dataclasses.fields``, so a field added to the model is compared too).

Each project runs twice: in the REAPER that saved it (version and platform from the file's
header; pre-6.02 REAPERs have no marker GUIDs, pre-7.72 no marker names in the API) and in
a current REAPER on Linux (native colours in the other byte order).

Where REAPER itself reports a value differently from the file, the difference is listed in
``KNOWN_DIFFERENCES`` with the reason, and the live value is checked against what REAPER
would report instead: nothing is skipped.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_PROJECT, corpus_files
from tests.reaper.fake.rpp_loader import tokenize

PROJECTS = [*corpus_files(), EXAMPLE_PROJECT]
CURRENT_REAPER = ("7.72", "linux-x86_64")  # the newest API the product uses (GetSetRegionOrMarkerInfo_String)
_GUID = re.compile(r"^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$")


def saved_by(path: Path) -> tuple[str, str]:
    """``(version, platform)`` from the file's first line (``"" ""`` for pre-versioned headers)."""
    head = tokenize(path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace").strip()[1:])
    version, _, platform = (head[2] if len(head) > 2 else "").partition("/")
    return version, platform


def _version(text: str) -> tuple[int, int]:
    match = re.match(r"(\d+)\.(\d+)", text)  # minors are hundredths: "6.1" is 6.10, "6.02" 6.2
    return (int(match.group(1)), int(match.group(2).ljust(2, "0")[:2])) if match else (0, 0)


def _file_name(text: str) -> str:
    return text.replace("\\", "/").rsplit("/", 1)[-1]


# (class name, field name) -> (why the live value differs, check of the live value given the offline one)
KNOWN_DIFFERENCES = {
    ("Project", "reaper_version"): (
        "live: the running REAPER's GetAppVersion; offline: the header of the REAPER that saved the file",
        lambda offline, live, run: live == run["app_version"],
    ),
    ("Track", "guid"): (
        "a track saved without a GUID (very old REAPER) is '#index' offline; REAPER gives it a new GUID on load",
        lambda offline, live, run: live == offline or (offline.startswith("#") and bool(_GUID.match(live))),
    ),
    ("Item", "guid"): (
        "an item saved without IGUID (very old REAPER) has none offline; REAPER gives it a GUID on load",
        lambda offline, live, run: live == offline or (offline == "" and bool(_GUID.match(live))),
    ),
    ("FxInfo", "fx_guid"): (
        "a plug-in saved without FXID (very old REAPER) has none offline; REAPER gives it a GUID on load",
        lambda offline, live, run: live == offline or (offline == "" and bool(_GUID.match(live))),
    ),
    ("Marker", "guid"): (
        "MARKER_GUID:X exists from REAPER 6.02 (FACTS 'Versions'); before, live has none. A marker saved "
        "without one gets a GUID from a REAPER >= 6.02 that loads it",
        lambda offline, live, run: (live == "" if run["version"] < (6, 2)
                                    else live == offline or (offline == "" and bool(_GUID.match(live)))),
    ),
    ("MediaStatus", "file_as_written"): (
        "GetMediaSourceFileName gives REAPER's full path, not the text in the file: the same file name",
        lambda offline, live, run: _file_name(live) == _file_name(offline),
    ),
    ("MediaStatus", "tried_paths"): (
        "the places looked at start from the path each backend is given (REAPER's full path live); "
        "where the file was found is compared exactly (resolved_path)",
        lambda offline, live, run: bool(live) and {_file_name(str(path)) for path in live} == {
            _file_name(str(path)) for path in offline},
    ),
    ("FxInfo", "name"): (
        "REAPER names a JSFX 'JS: <description>'; the file holds its path (the fake shows 'JS: <path>')",
        lambda offline, live, run: live == offline or live == "JS: " + offline,
    ),
}


def compare(offline: object, live: object, run: dict, where: str = "Project", owner: tuple[str, str] | None = None,
            found: list[str] | None = None, known: dict | None = None) -> list[str]:
    """Every difference between two snapshots that ``known`` (``KNOWN_DIFFERENCES``) does not explain, as text."""
    found = [] if found is None else found
    known = KNOWN_DIFFERENCES if known is None else known
    if owner in known:
        reason, check = known[owner]
        if not check(offline, live, run):
            found.append(f"{where}: offline {offline!r}, live {live!r} (allowed only where {reason})")
        return found
    if dataclasses.is_dataclass(offline) and not isinstance(offline, type):
        if type(live) is not type(offline):
            found.append(f"{where}: offline {type(offline).__name__}, live {type(live).__name__}")
            return found
        for field in dataclasses.fields(offline):
            compare(getattr(offline, field.name), getattr(live, field.name), run, f"{where}.{field.name}",
                    (type(offline).__name__, field.name), found, known)
    elif isinstance(offline, (tuple, list)):
        if not isinstance(live, (tuple, list)) or len(live) != len(offline):
            found.append(f"{where}: offline {offline!r}, live {live!r}")
            return found
        for n, (one, other) in enumerate(zip(offline, live, strict=True)):
            compare(one, other, run, f"{where}[{n}]", owner if not dataclasses.is_dataclass(one) else None, found, known)
    elif isinstance(offline, dict):
        if not isinstance(live, dict) or set(live) != set(offline):
            found.append(f"{where}: offline keys {sorted(offline)}, live keys {sorted(live) if isinstance(live, dict) else live!r}")
            return found
        for key in offline:
            compare(offline[key], live[key], run, f"{where}[{key!r}]", None, found, known)
    elif type(offline) is not type(live) or offline != live:
        found.append(f"{where}: offline {offline!r}, live {live!r}")
    return found


def snapshots(fake_module, path: Path, version: str, platform: str):
    """``(offline, live, run)``: the two snapshots of ``path`` and what the live run was."""
    from reaper_ext.session.live import LiveSession
    from reaper_ext.session.rpp import load_document
    from reaper_ext.session.rpp.reader import RppSessionReader

    offline = RppSessionReader(load_document(path)).snapshot()
    fake = fake_module.open_project(path, version=version, platform=platform)
    live = LiveSession().snapshot()
    run = {"version": _version(version), "app_version": fake_module.RPR_GetAppVersion(), "fake": fake}
    return offline, live, run


@pytest.mark.parametrize("path", PROJECTS, ids=lambda path: path.name)
def test_both_backends_snapshot_the_project_alike_in_the_reaper_that_saved_it(fake_module, path):
    offline, live, run = snapshots(fake_module, path, *saved_by(path))
    assert compare(offline, live, run) == []
    assert live.reaper_version == offline.reaper_version  # the same REAPER: the same version text


@pytest.mark.parametrize("path", PROJECTS, ids=lambda path: path.name)
def test_both_backends_snapshot_the_project_alike_in_a_current_reaper(fake_module, path):
    offline, live, run = snapshots(fake_module, path, *CURRENT_REAPER)
    assert compare(offline, live, run) == []


def test_the_corpus_exercises_what_the_contract_compares(fake_module):
    # The field-by-field comparison above only means something where the corpus has the values.
    from reaper_ext.session.rpp import load_project

    projects = [load_project(path)[1] for path in PROJECTS]
    items = [item for project in projects for track in project.tracks for item in track.items]
    markers = [marker for project in projects for marker in project.markers]
    fx = [info for project in projects for track in project.tracks for info in track.fx]
    assert any(item.section_start_sec > 0 for item in items)  # <SOURCE SECTION (navid-m)
    assert any(item.start_offset_sec > 0 for item in items) and any(item.playrate != 1 for item in items)
    assert any(item.media is not None and item.media.is_found for item in items)  # the example's media
    assert any(marker.guid for marker in markers) and any(marker.is_region for marker in markers)
    assert any(marker.name for marker in markers)
    assert any(project.notes for project in projects)
    assert any(track.color for project in projects for track in project.tracks)
    assert any(track.folder_depth for project in projects for track in project.tracks)
    assert any(info.kind == "JS" for info in fx) and any(not info.is_enabled for info in fx)
    assert any(project.sample_rate_hz for project in projects) and any(p.sample_rate_hz is None for p in projects)


def _with_more(source: Path, folder: Path) -> Path:
    """``source`` plus what the corpus lacks: a track ``<EXT`` block, coloured markers in both byte orders."""
    text = source.read_text(encoding="utf-8")
    text = text.replace("\n    TRACKID ", '\n    <EXT\n      role "lead vocal"\n      take 3\n    >\n    TRACKID ', 1)
    text = text.replace("\n  <TRACK ", (  # one colour (red 0x20, blue 0xC0) as R = 0x1BBGGRR and as B = 0x1RRGGBB
        '\n  MARKER 21 1.5 "blue-ish R" 0 29360160 1 R {6F3A41E5-8E2B-4C55-9A5E-35E3C02D84D1} 0'
        '\n  MARKER 22 2.5 "blue-ish B" 0 18874560 1 B {0B7C3D21-4A31-4E6E-8F21-8C6B33B0A9E2} 0'
        "\n  <TRACK "), 1)
    path = folder / source.name
    path.write_text(text, encoding="utf-8")
    for media in (source.parent / "media").glob("*"):
        (folder / "media").mkdir(exist_ok=True)
        (folder / "media" / media.name).symlink_to(media)
    return path


@pytest.mark.parametrize("reaper", [("7.27", "win64"), CURRENT_REAPER], ids=lambda reaper: "/".join(reaper))
def test_track_ext_state_and_marker_colours_read_alike(fake_module, tmp_path, reaper):
    path = _with_more(EXAMPLE_PROJECT, tmp_path)
    offline, live, run = snapshots(fake_module, path, *reaper)
    assert offline.tracks[0].ext_state == {"role": "lead vocal", "take": "3"}
    # both byte orders end up as the model's 0x01BBGGRR: the same colour twice
    assert [m.color for m in offline.markers if m.index in (21, 22)] == [0x1C00020, 0x1C00020]
    assert compare(offline, live, run) == []


def test_a_difference_in_any_field_is_reported(fake_module):
    # The comparison must be able to fail: change what the fake REAPER holds, one field at a time.
    path = next(path for path in PROJECTS if path.name.startswith("navid-m"))
    _, platform = saved_by(path)
    offline, _, run = snapshots(fake_module, path, *CURRENT_REAPER)
    from reaper_ext.session.live import LiveSession

    fake = run["fake"]
    section = next(item.take().source for track in fake.project.tracks for item in track.items
                   if item.take() is not None and item.take().source is not None and item.take().source.kind == "SECTION")
    section.section_offset_sec += 0.5
    fake.project.notes += "!"
    fake.project.tracks[0].ext_state["x"] = "1"
    found = compare(offline, LiveSession().snapshot(), run)
    assert any(".section_start_sec" in line for line in found), found
    assert any(line.startswith("Project.notes") for line in found), found
    assert any("Project.tracks[0].ext_state" in line for line in found), found
    assert len(found) == 3, found


def test_the_fake_loader_owes_nothing_to_the_product():
    # "live vs offline" must not compare the product with itself: the loader imports nothing of reaper_ext.
    import ast

    loader = Path(__file__).resolve().parents[1] / "reaper" / "fake" / "rpp_loader.py"
    tree = ast.parse(loader.read_text(encoding="utf-8"))
    imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert imported and not [name for name in imported if name and name.startswith("reaper_ext")]


@pytest.mark.parametrize("platform", ["win64", "linux-x86_64"])
def test_the_fake_saves_what_it_loaded(fake_module, tmp_path, platform):
    # The fake's save is how the end-to-end tests see what a live run left: what it writes must be
    # what it loaded, colours in the file's byte order whatever REAPER's native one.
    from reaper_ext.session.rpp import load_project

    def summary(project):
        tracks = [(t.name, t.color, t.volume_gain, t.pan, t.is_muted, t.folder_depth, t.ext_state) for t in project.tracks]
        markers = [(m.index, m.position_sec, m.name, m.end_sec, m.color) for m in project.markers]
        return tracks, markers, project.notes, project.tempo_bpm

    for path in [*PROJECTS, _with_more(EXAMPLE_PROJECT, tmp_path)]:
        fake = fake_module.open_project(path, version="7.27", platform=platform)
        saved = tmp_path / f"saved-{path.name}"
        fake.save(saved)
        assert summary(load_project(saved)[1]) == summary(load_project(path)[1]), path.name

"""The "reaper-ext - Check this REAPER" action: does this REAPER take what reaper-ext writes.

Nobody can test reaper-ext in every REAPER, so it checks itself where it runs:

1. **Environment**: the Python REAPER runs (>= 3.10), the ReaScript lines of
   ``reaper.ini`` (``reascript``, ``pythonlibpath64``, ``pythonlibdll64``), the
   REAPER version and what it gates (FX names from 6.78, marker GUIDs from
   6.02, marker names from 7.72).
2. **Every stock plug-in reaper-ext writes** (:data:`PLUGIN_CHECKS`: ReaEQ,
   ReaComp, ReaGate, the stock expander that stands in for ReaGate in
   ``.RPP`` files, and ReaLimit of the master chain) is inserted on a temporary
   track *through the live path* (:func:`reaper_ext.reaper.api.fx_insert`, what
   suggestions use; for ReaLimit that path follows
   :func:`reaper_ext.fx.realimit.realimit_live_calls`), with the settings the rules use; each setting is read back as REAPER shows it
   (``TrackFX_GetFormattedParamValue``; ReaEQ's through ``TrackFX_GetEQParam``)
   and from the FX state in the track chunk (decoded the way the ``.RPP``
   writer encodes it), and compared with what was meant ("-3.0 dB",
   "100 Hz", "4.0:1"). Then the track is deleted. ReaLimit is reported as
   **unverified** (:attr:`PluginCheck.unverified`): FACTS.md lists none of its
   parameters, so they are found by name and set by their display, and only
   this read-back says whether that worked on this REAPER.
3. **The worker**: a short no-op job (an analysis of an empty project) runs in
   the worker process, polled from ``defer`` like every job.

Nothing stays behind: the temporary track is removed in the same call that
made it (even when a check raises), under ``PreventUIRefresh`` and **without
an undo block**.
An undo block would leave an (empty-looking) "reaper-ext: ..." point in the
undo history; without one, API calls add no undo point of their own, and the
action returns through ``RPR_defer`` (polling the worker), which stops REAPER
from adding its automatic "ReaScript: Run" point (the usual ReaScript idiom).
The project is marked modified (REAPER's dirty flag), nothing else.

Results go to the private folder (``<jobs folder>/selfcheck/``): ``check.txt``
and ``check.html`` to read, ``check.json`` to attach to a bug report (it holds
each plug-in's raw chunk lines too). The live writer reads ``check.json``:
a plug-in whose last check **on this REAPER version** failed is refused by
:func:`refuse_if_check_failed`, with the reason.

Pure Python: it runs inside REAPER.
"""

from __future__ import annotations

import html
import math
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reaper_ext.errors import ReaperExtError, SuggestionError
from reaper_ext.fx.gate import REAGATE, gate_spec, rpp_fallback
from reaper_ext.fx.live_params import (
    EQ_MASTER_BANDTYPE,
    EQ_PARAM_BANDTYPES,
    EQ_PARAM_FREQ,
    EQ_PARAM_GAIN,
    EQ_PARAM_WIDTH,
)
from reaper_ext.fx.reacomp import REACOMP_PARAMS
from reaper_ext.fx.realimit import REALIMIT, REALIMIT_PARAM_WORDS, REALIMIT_UNITS, realimit_spec
from reaper_ext.fx.spec import EqBand, FxSpec, is_jsfx
from reaper_ext.jobs import protocol as jobs
from reaper_ext.reaper import api

__all__ = [
    "CHECK_FOLDER",
    "JSON_FILE",
    "TEXT_FILE",
    "HTML_FILE",
    "TRACK_NAME",
    "Reading",
    "PluginCheck",
    "CheckReport",
    "PLUGIN_CHECKS",
    "plugin_key",
    "check_dir",
    "run_check",
    "tick",
    "check_plugins",
    "environment_readings",
    "write_report",
    "last_check",
    "refuse_if_check_failed",
]

CHECK_FOLDER = "selfcheck"
JSON_FILE = "check.json"
TEXT_FILE = "check.txt"
HTML_FILE = "check.html"
TRACK_NAME = "reaper-ext self-check (temporary)"
FX_NAME = "reaper-ext: self-check"
MIN_PYTHON = (3, 10)  # pyproject.toml requires-python
WORKER_TIMEOUT_SEC = 120.0
TICK_CODE = "import reaper_ext.reaper.selfcheck as _reaper_ext_check; _reaper_ext_check.tick()"
_MS_ABS, _REL, _DB_ABS, _RATIO_ABS = 0.15, 0.02, 0.15, 0.06


@dataclass
class Reading:
    """One thing checked: what was meant, what REAPER shows, and whether they agree."""

    setting: str
    meant: str
    shown: str
    source: str
    is_ok: bool
    note: str = ""


@dataclass
class PluginCheck:
    """One plug-in inserted, set and read back."""

    plugin: str
    is_ok: bool
    readings: list[Reading] = field(default_factory=list)
    error: str = ""
    chunk: list[str] = field(default_factory=list)  # its lines in the track chunk, for bug reports
    name_reading: Reading | None = None  # its custom name read back (reported; not a reason to refuse)
    unverified: str = ""  # why FACTS.md cannot vouch for how it was written (ReaLimit); "" when it can

    def first_problem(self) -> str:
        """One line saying what failed first."""
        if self.error:
            return self.error
        for reading in self.readings:
            if not reading.is_ok:
                return f"{reading.setting}: meant {reading.meant}, REAPER shows {reading.shown!r} ({reading.source})"
        return ""


@dataclass
class CheckReport:
    """The whole check."""

    reaper_version: str
    python_version: str
    checked_at: str
    environment: list[Reading] = field(default_factory=list)
    plugins: list[PluginCheck] = field(default_factory=list)
    worker: Reading | None = None
    project_unchanged: Reading | None = None

    @property
    def is_ok(self) -> bool:
        readings = [*self.environment, *(r for r in (self.worker, self.project_unchanged) if r is not None),
                    *(p.name_reading for p in self.plugins if p.name_reading is not None)]
        return all(r.is_ok for r in readings) and all(p.is_ok for p in self.plugins)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["is_ok"] = self.is_ok
        data["format"] = 1
        return data


def plugin_key(plugin: str) -> str:
    """The name a check result is filed under (``"JS:sstillwell/expander"`` for any spelling of a JSFX)."""
    if is_jsfx(plugin):
        return "JS:" + (plugin[3:] if plugin.startswith("JS:") else plugin).strip()
    return plugin


# -- comparing what REAPER shows with what was meant ------------------------------------------------
def _close(meant: float, shown: float | None, unit: str, *, step: float = 0.0) -> bool:
    """Whether ``shown`` is ``meant`` within the unit's tolerance, or half a step of the display's last digit."""
    if shown is None:
        return False
    if math.isinf(meant) or math.isinf(shown):
        return meant == shown
    tolerance = {"dB": _DB_ABS, ":1": _RATIO_ABS, "ms": max(_MS_ABS, _REL * abs(meant))}.get(unit, max(1e-6, _REL * abs(meant)))
    return abs(shown - meant) <= max(tolerance, step / 2.0 + 1e-9)


def _display_step(text: str) -> float:
    """The value of one unit in the last digit REAPER printed ("0.05" -> 0.01, "100" -> 1)."""
    match = re.search(r"\d+(?:\.(\d+))?", text)
    if match is None:
        return 0.0
    step = 10.0 ** -len(match.group(1) or "")
    rest = text[match.end():].strip().lower()
    return step * (1000.0 if rest.startswith(("s", "k")) and not rest.startswith("sa") else 1.0)


def _meant_text(value: float, unit: str) -> str:
    if unit == ":1":
        return f"{value:.1f}:1"
    if unit == "dB":
        return f"{value:.1f} dB"
    return f"{value:.4g} {unit}".strip()


def _number_reading(setting: str, meant: float, unit: str, shown_text: str, source: str) -> Reading:
    shown = api.parse_display_number(shown_text, unit)
    return Reading(setting, _meant_text(meant, unit), shown_text, source, _close(meant, shown, unit, step=_display_step(shown_text)))


def _chunk_reading(setting: str, meant: float, unit: str, stored: float | None) -> Reading:
    shown = "missing" if stored is None else f"{stored:.6g}"
    return Reading(setting, _meant_text(meant, unit), shown, "FX state chunk", stored is not None and _close(meant, stored, unit))


# -- the plug-ins reaper-ext writes, with settings its rules use -------------------------------------
def _reaeq_spec() -> FxSpec:
    # what the EQ rules write: a high-pass, a cut, a hum notch; and an output gain
    return FxSpec("ReaEQ", params={"gain_db": -1.5}, custom_name=FX_NAME,
                  bands=[EqBand("highpass", 80.0, q=0.707), EqBand("band", 100.0, -3.0, bw_oct=1.0),
                         EqBand("notch", 60.0, q=30.0)])


def _reacomp_spec() -> FxSpec:
    # the compressor and de-esser rules' settings
    return FxSpec("ReaComp", custom_name=FX_NAME,
                  params={"threshold_db": -20.0, "ratio": 4.0, "attack_ms": 3.0, "release_ms": 100.0,
                          "detector_hipass_hz": 5000.0, "detector_lowpass_hz": 10000.0})


def _reagate_spec() -> FxSpec:
    return gate_spec(-45.0, attack_ms=1.0, release_ms=100.0, hold_ms=50.0, custom_name=FX_NAME)


def _expander_spec() -> FxSpec:
    spec = rpp_fallback(gate_spec(-45.0, attack_ms=1.0, release_ms=100.0))
    spec.custom_name = FX_NAME
    return spec


def _realimit_spec() -> FxSpec:
    # what the master chain writes: a threshold under 0 dB and a ceiling under the platforms' -1 dBTP
    return realimit_spec(-6.0, -1.5, release_ms=60.0, custom_name=FX_NAME)


_GAIN_KINDS = ("band", "low_shelf", "high_shelf")


def _read_reaeq(track: str, fx: int, spec: FxSpec, chunk_spec: FxSpec | None) -> list[Reading]:
    # Which parameter is which band's freq/gain/width: REAPER says, through TrackFX_GetEQParam.
    by_key: dict[tuple[int, int, int], int] = {}
    for param in range(api.fx_param_count(track, fx)):
        info = api.fx_eq_param_info(track, fx, param)
        if info is not None:
            by_key.setdefault((info[0], info[1], info[2]), param)
    readings = []
    seen: dict[str, int] = {}
    for number, band in enumerate(spec.bands, start=1):
        nth = seen.get(band.kind, 0)
        seen[band.kind] = nth + 1
        code = EQ_PARAM_BANDTYPES[band.kind]
        wanted = [(EQ_PARAM_FREQ, "freq", float(band.freq_hz), "Hz"), (EQ_PARAM_WIDTH, "bandwidth", band.bandwidth_oct(), "oct")]
        if band.kind in _GAIN_KINDS:
            wanted.insert(1, (EQ_PARAM_GAIN, "gain", float(band.gain_db), "dB"))
        for paramtype, label, meant, unit in wanted:
            setting = f"band {number} ({band.kind}) {label}"
            band_param = by_key.get((code, nth, paramtype))
            if band_param is None:
                readings.append(Reading(setting, _meant_text(meant, unit), "no such parameter", "TrackFX_GetEQParam", False))
                continue
            readings.append(_number_reading(setting, meant, unit, api.fx_formatted(track, fx, band_param),
                                            "TrackFX_GetEQParam + TrackFX_GetFormattedParamValue"))
        if chunk_spec is not None:
            stored = chunk_spec.bands[number - 1] if number <= len(chunk_spec.bands) else None
            # BANDTYPEn / BANDENABLEDn went through named config (FACTS: BANDENABLED's setter returns false)
            for label, meant_text, stored_text in (
                ("type", band.kind, stored.kind if stored else "missing"),
                ("enabled", str(band.enabled), str(stored.enabled) if stored else "missing"),
            ):
                readings.append(Reading(f"band {number} {label}", meant_text, stored_text, "FX state chunk",
                                        meant_text == stored_text))
            readings.append(_chunk_reading(f"band {number} freq", band.freq_hz, "Hz", stored.freq_hz if stored else None))
            if band.kind in _GAIN_KINDS:
                readings.append(_chunk_reading(f"band {number} gain", band.gain_db, "dB", stored.gain_db if stored else None))
            readings.append(_chunk_reading(f"band {number} bandwidth", band.bandwidth_oct(), "oct", stored.bw_oct if stored else None))
    gain_db = spec.params.get("gain_db")
    if gain_db is not None:
        master = next((p for (code, _, ptype), p in by_key.items() if code == EQ_MASTER_BANDTYPE and ptype == EQ_PARAM_GAIN), None)
        shown = api.fx_formatted(track, fx, master) if master is not None else "no such parameter"
        readings.append(_number_reading("output gain", gain_db, "dB", shown, "TrackFX_GetEQParam + TrackFX_GetFormattedParamValue"))
        if chunk_spec is not None:
            readings.append(_chunk_reading("output gain", gain_db, "dB", chunk_spec.params.get("gain_db")))
    return readings


_REACOMP_UNITS = {"threshold_db": "dB", "ratio": ":1", "attack_ms": "ms", "release_ms": "ms",
                  "detector_hipass_hz": "Hz", "detector_lowpass_hz": "Hz"}


def _read_reacomp(track: str, fx: int, spec: FxSpec, chunk_spec: FxSpec | None) -> list[Reading]:
    readings = []
    for key, meant in spec.params.items():
        unit = _REACOMP_UNITS[key]
        index = REACOMP_PARAMS[key].index
        readings.append(_number_reading(key, meant, unit, api.fx_formatted(track, fx, index),
                                        f"TrackFX_GetFormattedParamValue (param {index})"))
        if chunk_spec is not None:
            readings.append(_chunk_reading(key, meant, unit, chunk_spec.params.get(key)))
    return readings


_REAGATE_UNITS = {"threshold_db": "dB", "attack_ms": "ms", "release_ms": "ms", "hold_ms": "ms"}


def _read_by_name(track: str, fx: int, spec: FxSpec, words: dict[str, str], units: dict[str, str], plugin: str,
                  why_no_state: str) -> list[Reading]:
    """Each setting read as REAPER displays it, its parameter found by the word its name starts with.

    For the plug-ins whose saved state has no verified layout (ReaGate, ReaLimit): the chunk is
    kept for a bug report but not decoded, and the last reading says why.
    """
    readings = []
    for key, meant in spec.params.items():
        index = api.fx_param_index(track, fx, words[key])
        name = api.fx_param_name(track, fx, index)
        readings.append(_number_reading(key, meant, units[key], api.fx_formatted(track, fx, index),
                                        f"TrackFX_GetFormattedParamValue (param {index} {name!r})"))
    readings.append(Reading("saved state", f"{plugin}'s chunk kept for the bug report", "not decoded", "FX state chunk",
                            True, why_no_state))
    return readings


def _read_reagate(track: str, fx: int, spec: FxSpec, chunk_spec: FxSpec | None) -> list[Reading]:
    from reaper_ext.fx.gate import REAGATE_PARAM_WORDS

    return _read_by_name(track, fx, spec, REAGATE_PARAM_WORDS, _REAGATE_UNITS, "ReaGate",
                         "no verified ReaGate state layout exists: .RPP files get the expander instead")


#: Why the ReaLimit check cannot be more than a read-back (the report says it, FACTS.md has nothing more).
REALIMIT_UNVERIFIED = ("FACTS.md lists no ReaLimit parameters (order, names, scaling): they were found by the "
                       "words 'threshold', 'ceiling', 'release' and set by the value REAPER displays")


def _read_realimit(track: str, fx: int, spec: FxSpec, chunk_spec: FxSpec | None) -> list[Reading]:
    return _read_by_name(track, fx, spec, REALIMIT_PARAM_WORDS, REALIMIT_UNITS, "ReaLimit",
                         "no verified ReaLimit state layout exists: reaper-ext writes no ReaLimit into .RPP files")


# Expander sliders: the word each slider's name should start with, its unit, and enum labels (FACTS.md).
_EXPANDER = {
    "slider1": ("thresh", "dB", None),
    "slider2": ("ratio", ":1", None),
    "slider3": ("gain", "dB", None),
    "slider4": ("detector", "", {0: "Normal", 1: "Sidechain"}),
    "slider5": ("detection", "", {0: "Peak (blown capacitor)", 1: "RMS (blown capacitor)", 2: "Peak", 3: "RMS"}),
    "slider6": ("attack", "ms", None),
    "slider7": ("release", "ms", None),
}


def _read_expander(track: str, fx: int, spec: FxSpec, chunk_spec: FxSpec | None) -> list[Reading]:
    readings = []
    for key, meant in sorted(spec.params.items(), key=lambda item: int(item[0][len("slider"):])):
        word, unit, labels = _EXPANDER[key]
        index = int(key[len("slider"):]) - 1
        name = api.fx_param_name(track, fx, index)
        shown = api.fx_formatted(track, fx, index)
        source = f"TrackFX_GetFormattedParamValue (param {index} {name!r})"
        is_named = any(part.startswith(word) for part in re.split(r"[^0-9a-z]+", name.lower()) if part)
        if labels is not None:
            label = labels.get(int(meant), str(meant))
            reading = Reading(key, label, shown, source, shown.strip().lower() == label.lower())
        else:
            reading = _number_reading(key, meant, unit or "", shown, source)
            # a ratio slider shows "20.0", not "20.0:1": compare the number
            reading.is_ok = _close(meant, api.parse_display_number(shown), unit or "", step=_display_step(shown))
        if not is_named:
            reading.is_ok = False
            reading.note = f"parameter {index} is {name!r}, expected a name starting with {word!r}: slider order differs"
        readings.append(reading)
        if chunk_spec is not None:
            readings.append(_chunk_reading(key, meant, unit or "", chunk_spec.params.get(key)))
    return readings


#: (plug-in, the spec to write, how to read it back)
PLUGIN_CHECKS: list[tuple[str, Callable[[], FxSpec], Callable]] = [
    ("ReaEQ", _reaeq_spec, _read_reaeq),
    ("ReaComp", _reacomp_spec, _read_reacomp),
    (REAGATE, _reagate_spec, _read_reagate),
    (plugin_key("JS:sstillwell/expander"), _expander_spec, _read_expander),
    (REALIMIT, _realimit_spec, _read_realimit),
]


def _chunk_spec(lines: list[str], plugin: str) -> tuple[FxSpec | None, Reading | None]:
    """The plug-in's saved state decoded as the .RPP reader decodes it (None for ReaGate: no layout)."""
    if plugin in (REAGATE, REALIMIT):
        return None, None
    from reaper_ext.fx.rpp_block import rpp_lines_to_fx

    if not lines:
        return None, Reading("saved state", "the plug-in in the track chunk", "missing", "GetTrackStateChunk", False)
    try:
        return rpp_lines_to_fx(lines), None
    except ReaperExtError as error:
        return None, Reading("saved state", "decodable as reaper-ext writes it", str(error), "FX state chunk", False)


def _check_one(track: str, plugin: str, make_spec: Callable[[], FxSpec], read: Callable) -> PluginCheck:
    spec = make_spec()
    check = PluginCheck(plugin_key(plugin), True, unverified=REALIMIT_UNVERIFIED if plugin == REALIMIT else "")
    try:
        fx, is_named = api.fx_insert(track, spec)
        if fx < 0:
            check.is_ok, check.error = False, f"REAPER could not add {plugin} (TrackFX_AddByName returned {fx}): is it installed?"
            return check
        check.readings.append(Reading("switched off after insert", "bypassed", "bypassed" if not api.fx_enabled(track, fx)
                                      else "enabled", "TrackFX_GetEnabled", not api.fx_enabled(track, fx)))
        check.chunk = api.fx_chunk_lines(track, fx)
        chunk_spec, problem = _chunk_spec(check.chunk, plugin)
        if problem is not None:
            check.readings.append(problem)
        check.readings += read(track, fx, spec, chunk_spec)
        name = api.fx_custom_name(track, fx)
        # The name is the ledger's visible tag, not a setting: a failure here is reported, not a reason to refuse.
        check.name_reading = Reading(f"FX custom name ({plugin})", FX_NAME, name,
                                     "renamed_name" if api.has_fx_rename() else "track chunk (REAPER < 6.78)",
                                     name == FX_NAME, "" if is_named else "REAPER refused the name")
    except Exception as error:  # a diagnostic: whatever went wrong belongs in the report, not in a dialog
        check.error = f"{type(error).__name__}: {error}"
    check.is_ok = not check.error and all(reading.is_ok for reading in check.readings)
    return check


def check_plugins() -> list[PluginCheck]:
    """Insert each plug-in on a temporary track, set it through the live path, read it back; remove the track.

    No undo block (module docstring); ``PreventUIRefresh`` around it; the track
    is deleted even when a check raises.
    """
    api.prevent_ui_refresh(1)
    track = None
    try:
        track = api.insert_track(api.count_tracks())
        if track is None:
            return [PluginCheck(plugin_key(p), False, error="REAPER did not insert the temporary track") for p, _, _ in PLUGIN_CHECKS]
        api.set_track_string(track, "P_NAME", TRACK_NAME)
        return [_check_one(track, plugin, make_spec, read) for plugin, make_spec, read in PLUGIN_CHECKS]
    finally:
        if track is not None:
            api.delete_track(track)
        api.prevent_ui_refresh(-1)


# -- the environment ------------------------------------------------------------------------------------
def _reascript_settings() -> dict[str, str]:
    path = Path(api.resource_path()) / "reaper.ini"
    found: dict[str, str] = {}
    try:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition("=")
            if key.strip().lower() in ("reascript", "pythonlibpath64", "pythonlibdll64", "pythonlibpath32", "pythonlibdll32"):
                found[key.strip().lower()] = value.strip()
    except OSError:
        pass
    return found


def environment_readings() -> list[Reading]:
    """Python, ReaScript settings and the REAPER version's features."""
    python = ".".join(str(part) for part in sys.version_info[:3])
    readings = [Reading("Python inside REAPER", ">= " + ".".join(map(str, MIN_PYTHON)), python, "sys.version_info",
                        sys.version_info[:2] >= MIN_PYTHON)]
    settings = _reascript_settings()
    shown = ", ".join(f"{key}={value}" for key, value in sorted(settings.items())) or "no ReaScript lines in reaper.ini"
    readings.append(Reading("ReaScript settings", "reascript enabled, a Python library set", shown, "reaper.ini",
                            settings.get("reascript", "1") != "0",
                            "this check runs in REAPER's Python, so ReaScript works; the lines are for the bug report"))
    version = api.reaper_version()
    for feature, since in (("FX custom names (renamed_name)", api.FX_RENAME_SINCE),
                           ("marker GUIDs (MARKER_GUID:X)", api.MARKER_GUID_SINCE), ("marker names from Python", (7, 72))):
        has = version >= since
        readings.append(Reading(feature, f"REAPER >= {since[0]}.{since[1]:02d}", "available" if has else "not in this REAPER",
                                "GetAppVersion", True, "" if has else "reaper-ext uses its fallback (docs/reaper.md)"))
    return readings


def _project_state() -> tuple:
    tracks = tuple((api.track_guid(t), api.fx_count(t)) for t in (api.get_track(n) for n in range(api.count_tracks())) if t)
    return tracks, api.marker_counts()


# -- the worker, the defer loop, the report --------------------------------------------------------------------
@dataclass
class _Pending:
    report: CheckReport
    process: subprocess.Popen | None
    job_dir: Path | None
    started: float = field(default_factory=time.monotonic)


_pending: _Pending | None = None


def _say(text: str) -> None:
    api.console("reaper-ext: " + text)


def _start_worker_job() -> tuple[subprocess.Popen | None, Path | None, Reading | None]:
    """A no-op job: the worker analyses an empty project (imports, job files, result), about a second."""
    from reaper_ext.reaper import runner
    from reaper_ext.session.model import Project

    try:
        python = runner.find_worker_python()
    except ReaperExtError as error:
        return None, None, Reading("worker", "starts and finishes a no-op job", str(error), "find_worker_python", False)
    empty = Project(path=None, reaper_version=api.app_version(), sample_rate_hz=None, tempo_bpm=120.0,
                    time_signature=(4, 4), tracks=(), markers=(), ext_state={})
    job_dir = jobs.create_job("analyze", project=empty.to_dict(), selected_track_guids=[])
    try:
        return runner._start_worker(python, job_dir), job_dir, None
    except OSError as error:
        return None, job_dir, Reading("worker", "starts and finishes a no-op job", f"{python}: {error}", "subprocess", False)


def run_check() -> None:
    """The action: check the plug-ins now, start the worker job, finish from ``defer`` (never raises into REAPER)."""
    global _pending
    if _pending is not None:
        _say("the check is still waiting for the worker; its report follows")
        return
    report = CheckReport(api.app_version(), ".".join(str(p) for p in sys.version_info[:3]),
                         time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    report.environment = environment_readings()
    before = _project_state()
    report.plugins = check_plugins()
    after = _project_state()
    report.project_unchanged = Reading("project afterwards", "as before (temporary track gone)",
                                       "as before" if after == before else f"changed: {before} -> {after}",
                                       "CountTracks/TrackFX_GetCount/CountProjectMarkers", after == before)
    process, job_dir, problem = _start_worker_job()
    report.worker = problem
    _pending = _Pending(report, process, job_dir)
    if process is not None:
        _say("Check this REAPER: plug-ins checked; waiting for the worker's no-op job")
    # Always end through defer, even with no worker to wait for: a script that returns with
    # changes made and no undo block gets REAPER's automatic "ReaScript: Run" undo point.
    api.defer(TICK_CODE)


def tick() -> None:
    """Run one defer cycle: see whether the worker's no-op job has finished."""
    global _pending
    pending = _pending
    if pending is None:
        return
    try:
        if pending.process is None or pending.job_dir is None:  # the worker could not start: report.worker says why
            _pending = None
            _finish(pending.report)
            return
        elapsed = time.monotonic() - pending.started
        done = pending.process.poll() is not None
        if not done and elapsed < WORKER_TIMEOUT_SEC:
            api.defer(TICK_CODE)
            return
        _pending = None
        result = jobs.read_json(pending.job_dir / jobs.RESULT_FILE) if done else None
        if result is not None:
            shown, is_ok = f"finished in {elapsed:.1f} s", True
        elif done:
            error = jobs.read_json(pending.job_dir / jobs.ERROR_FILE) or {}
            shown, is_ok = f"exit {pending.process.returncode}: {error.get('message', 'no result')}", False
        else:
            pending.process.terminate()
            shown, is_ok = f"no result after {WORKER_TIMEOUT_SEC:.0f} s (stopped)", False
        pending.report.worker = Reading("worker", "starts and finishes a no-op job", shown,
                                        f"log: {pending.job_dir / jobs.LOG_FILE}", is_ok)
        _finish(pending.report)
    except Exception as error:  # never a traceback dialog inside REAPER
        _pending = None
        _say(f"Check this REAPER failed: {type(error).__name__}: {error}")


def _finish(report: CheckReport) -> None:
    paths = write_report(report)
    _say(f"Check this REAPER: {'all good' if report.is_ok else 'PROBLEMS FOUND'} (REAPER {report.reaper_version})")
    for plugin in report.plugins:
        state = "ok" if plugin.is_ok else "FAILED: " + plugin.first_problem() + " (live writing refused)"
        _say(f"  {plugin.plugin}: {state}" + (f" (unverified: {plugin.unverified})" if plugin.unverified else ""))
    names = [plugin.name_reading for plugin in report.plugins]
    for reading in [*report.environment, *names, report.worker, report.project_unchanged]:
        if reading is not None and not reading.is_ok:
            _say(f"  {reading.setting}: meant {reading.meant}, found {reading.shown}")
    _say(f"  report: {paths[TEXT_FILE]}; attach {paths[JSON_FILE]} to a bug report")


def check_dir() -> Path:
    """``<private folder>/selfcheck``."""
    folder = jobs.private_dir() / CHECK_FOLDER
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _text(report: CheckReport) -> str:
    lines = [f"reaper-ext: Check this REAPER -- {'all good' if report.is_ok else 'PROBLEMS FOUND'}",
             f"REAPER {report.reaper_version}, Python {report.python_version}, {report.checked_at}", ""]

    def row(reading: Reading) -> str:
        mark = "ok  " if reading.is_ok else "FAIL"
        note = f"  ({reading.note})" if reading.note else ""
        return f"  [{mark}] {reading.setting}: meant {reading.meant}; REAPER: {reading.shown}  <- {reading.source}{note}"

    lines.append("Environment")
    lines += [row(r) for r in report.environment]
    for plugin in report.plugins:
        lines += ["", f"{plugin.plugin}: {'ok' if plugin.is_ok else 'FAILED, live writing refused'}"]
        if plugin.unverified:
            lines.append(f"  unverified: {plugin.unverified}")
        if plugin.error:
            lines.append(f"  [FAIL] {plugin.error}")
        lines += [row(r) for r in plugin.readings]
        if plugin.name_reading is not None:
            lines.append(row(plugin.name_reading))
    lines.append("")
    lines += [row(r) for r in (report.worker, report.project_unchanged) if r is not None]
    return "\n".join(lines) + "\n"


def _html(report: CheckReport) -> str:
    def rows(readings: list[Reading]) -> str:
        out = []
        for r in readings:
            cells = ["ok" if r.is_ok else "FAIL", r.setting, r.meant, r.shown, r.source + (f" ({r.note})" if r.note else "")]
            style = "" if r.is_ok else ' style="background:#fdd"'
            out.append(f"<tr{style}>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
        return "\n".join(out)

    head = "<tr><th></th><th>setting</th><th>meant</th><th>REAPER shows</th><th>read with</th></tr>"
    parts = [f"<h1>reaper-ext: Check this REAPER: {'all good' if report.is_ok else 'problems found'}</h1>",
             f"<p>REAPER {html.escape(report.reaper_version)}, Python {html.escape(report.python_version)}, "
             f"{html.escape(report.checked_at)}</p>", "<h2>Environment</h2>", f"<table>{head}{rows(report.environment)}</table>"]
    for plugin in report.plugins:
        state = "ok" if plugin.is_ok else "FAILED: live writing refused"
        parts.append(f"<h2>{html.escape(plugin.plugin)}: {html.escape(state)}</h2>")
        if plugin.unverified:
            parts.append(f"<p>Unverified: {html.escape(plugin.unverified)}</p>")
        if plugin.error:
            parts.append(f"<p>{html.escape(plugin.error)}</p>")
        named = [plugin.name_reading] if plugin.name_reading is not None else []
        parts.append(f"<table>{head}{rows(plugin.readings + named)}</table>")
    others = [r for r in (report.worker, report.project_unchanged) if r is not None]
    parts += ["<h2>Worker and project</h2>", f"<table>{head}{rows(others)}</table>"]
    style = "body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}table{border-collapse:collapse}"
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>reaper-ext check</title><style>{style}</style></head>"
            f"<body>{''.join(parts)}</body></html>\n")


def write_report(report: CheckReport, folder: Path | None = None) -> dict[str, Path]:
    """Write ``check.json``, ``check.txt`` and ``check.html``; returns their paths by file name."""
    from reaper_ext.storage.atomic import write_atomic

    folder = check_dir() if folder is None else folder
    paths = {name: folder / name for name in (JSON_FILE, TEXT_FILE, HTML_FILE)}
    jobs.write_json_atomic(paths[JSON_FILE], report.to_dict())
    write_atomic(paths[TEXT_FILE], _text(report).encode("utf-8"))
    write_atomic(paths[HTML_FILE], _html(report).encode("utf-8"))
    return paths


# -- what the live writer asks --------------------------------------------------------------------------------
def last_check() -> dict | None:
    """The last check's JSON, or None (never checked, or unreadable)."""
    data = jobs.read_json(jobs.private_dir() / CHECK_FOLDER / JSON_FILE)
    return data if isinstance(data, dict) else None


def refuse_if_check_failed(plugin: str) -> None:
    """Refuse to write ``plugin`` live when its last check on this REAPER version failed.

    Raises
    ------
    SuggestionError
        Naming the failed setting and where the report is.
    """
    data = last_check()
    if data is None or data.get("reaper_version") != api.app_version():
        return  # never checked on this REAPER: write as usual
    key = plugin_key(plugin)
    for check in data.get("plugins", []):
        if check.get("plugin") != key or check.get("is_ok", True):
            continue
        problem = check.get("error") or next(
            (f"{r['setting']}: meant {r['meant']}, REAPER showed {r['shown']!r}" for r in check.get("readings", []) if not r.get("is_ok")),
            "a setting did not read back")
        raise SuggestionError(
            f"{plugin} is not written on this REAPER ({data['reaper_version']}): the last 'Check this REAPER' "
            f"({data.get('checked_at', '?')}) found {problem}; see {jobs.private_dir() / CHECK_FOLDER / TEXT_FILE}"
        )


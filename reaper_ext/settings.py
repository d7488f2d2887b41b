"""The user's settings: one TOML file, every key optional.

Location: ``$REAPER_EXT_CONFIG`` when set (a file, or a folder holding
``settings.toml``), else the platform's user configuration folder
(``%APPDATA%/reaper-ext/settings.toml`` on Windows,
``~/Library/Application Support/reaper-ext/settings.toml`` on macOS,
``$XDG_CONFIG_HOME`` or ``~/.config/reaper-ext/settings.toml`` elsewhere).
A missing file means the defaults. See ``docs/settings.example.toml`` and
``docs/suggestions.md`` for every key.
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from reaper_ext.errors import SettingsError

__all__ = [
    "Settings",
    "RULE_NAMES",
    "COARSE_CLASSES",
    "default_settings_path",
    "load_settings",
]

#: Every suggestion rule, in the order the engine runs them.
RULE_NAMES = ("naming", "folders", "gain", "highpass", "eq", "unmask", "dynamics", "corrective", "markers")

COARSE_CLASSES = ("drums", "bass", "guitar", "keys", "strings", "brass", "woodwind", "synth", "vocals", "other")

# A common console/DAW colour convention (drums red, bass purple, guitars orange,
# keys yellow, strings green, brass gold, woodwinds teal, synths cyan, vocals
# green-blue, other grey), as RGB.
_DEFAULT_COLORS: dict[str, list[int]] = {
    "drums": [204, 51, 51],
    "bass": [122, 72, 196],
    "guitar": [232, 132, 36],
    "keys": [226, 200, 48],
    "strings": [112, 170, 72],
    "brass": [196, 160, 40],
    "woodwind": [40, 160, 150],
    "synth": [40, 180, 210],
    "vocals": [60, 190, 110],
    "other": [140, 140, 140],
}

_DEFAULT_FOLDER_NAMES: dict[str, str] = {
    "drums": "Drums", "bass": "Bass", "guitar": "Guitars", "keys": "Keys", "strings": "Strings",
    "brass": "Brass", "woodwind": "Woodwinds", "synth": "Synths", "vocals": "Vocals", "other": "Other",
}

# High-pass corner per fine class (Hz); 0 = none unless the track carries rumble.
# Each sits under the class's lowest usual fundamental (voice ~85 Hz, guitar E2 82 Hz,
# cello C2 65 Hz...); the rule lowers it when a track's own content goes lower.
_DEFAULT_HIGHPASS_HZ: dict[str, float] = {
    "kick": 0.0, "snare": 100.0, "hihat": 250.0, "toms": 0.0, "overheads": 120.0, "percussion": 150.0,
    "bass": 0.0, "guitar": 80.0, "keys": 60.0, "strings": 60.0, "brass": 70.0, "woodwind": 100.0,
    "synth_lead": 100.0, "synth_pad": 60.0, "vocals": 90.0, "fx": 0.0, "other": 0.0,
}


def _default_rules() -> dict[str, bool]:
    return {name: True for name in RULE_NAMES}


@dataclass
class Settings:
    """Everything a user may change about the suggestions.

    Attributes
    ----------
    working_level_dbfs : float
        Level the gain rule brings every track's reference (``gain_reference``) to.
    gain_reference : str
        ``"rms"`` (the default, as engineers stage: the average level while the track
        plays goes to the working level, -18 dBFS RMS = 0 VU on analogue-modelled
        plug-ins, under a -6 dBFS peak ceiling, applied before the FX as take volume)
        or ``"peak"`` (the older rule: the sample peak goes to the working level).
    gain_tolerance_db : float
        No gain suggestion within this distance of the working level (the ``"rms"``
        rule never suggests less than 3 dB).
    loudness_target_lufs : float
        Integrated loudness of a finished mix (reported, not applied to tracks).
    true_peak_ceiling_dbtp : float
        Highest true peak of a finished mix.
    colors : dict of str to [r, g, b]
        Track colour per coarse class.
    folder_names : dict of str to str
        Folder track name per coarse class.
    highpass_hz : dict of str to float
        High-pass corner per fine class (0: none unless rumble).
    rules : dict of str to bool
        Which rules run (:data:`RULE_NAMES`).
    eq_tolerance_db : float
        A track within this of its class target (two-octave-smoothed) gets no tonal-balance EQ
        (resonances are judged against the track's own spectrum: ``suggest/rules/eq.py``).
    eq_max_cut_db, eq_max_boost_db : float
        Largest corrective cut and boost.
    gate_margin_db : float
        Gate threshold above the measured noise floor.
    separation_model : str
        Stem separation model: htdemucs (default), htdemucs_ft, htdemucs_6s, demucs_unittest.
    separation_model_repo : str or None
        A local folder holding the model files, for machines without internet.
    separation_device : str or None
        cuda, mps or cpu; None picks the fastest available.
    tuning : dict
        Table ``[tuning]``: ``enabled`` (``analyze`` checks the intonation of vocal and other
        monophonic tracks; default false) and the thresholds of
        :class:`reaper_ext.tuning.config.TuningSettings` (docs/tuning.md).
    denoise : dict
        Table ``[denoise]``: ``enabled`` (``analyze`` renders capped clean-ups as new takes;
        default false) and the thresholds of :class:`reaper_ext.cleanup.config.CleanupSettings`.
    references : list of dict
        Array of tables ``[[references]]``: reference tracks for ``compare`` and the
        *Compare with reference* action when no ``Reference`` track (or ``--reference``)
        gives any: ``path`` (relative paths from the settings file's folder) and
        ``weight`` (> 0, default 1) in the weighted average.
    platforms : list of dict
        Array of tables ``[[platforms]]``: the platform card's entries besides or instead
        of the defaults (Spotify -14 LUFS, Apple Music -16, YouTube -14, all -1 dBTP):
        ``name``, ``target_lufs``, ``ceiling_dbtp`` (default -1), ``turns_up`` (default
        true); an entry named like a default replaces it.
    source_path : str or None
        The file these settings came from (None for the defaults).
    """

    working_level_dbfs: float = -18.0
    gain_reference: str = "rms"
    gain_tolerance_db: float = 2.0
    loudness_target_lufs: float = -14.0
    true_peak_ceiling_dbtp: float = -1.0
    colors: dict[str, list[int]] = field(default_factory=lambda: {k: list(v) for k, v in _DEFAULT_COLORS.items()})
    folder_names: dict[str, str] = field(default_factory=lambda: dict(_DEFAULT_FOLDER_NAMES))
    highpass_hz: dict[str, float] = field(default_factory=lambda: dict(_DEFAULT_HIGHPASS_HZ))
    rules: dict[str, bool] = field(default_factory=_default_rules)
    eq_tolerance_db: float = 18.0
    eq_max_cut_db: float = 6.0
    eq_max_boost_db: float = 3.0
    gate_margin_db: float = 6.0
    separation_model: str = "htdemucs"
    separation_model_repo: str | None = None
    separation_device: str | None = None
    tuning: dict[str, Any] = field(default_factory=lambda: {"enabled": False})
    denoise: dict[str, Any] = field(default_factory=lambda: {"enabled": False})
    references: list[dict[str, Any]] = field(default_factory=list)
    platforms: list[dict[str, Any]] = field(default_factory=list)
    source_path: str | None = None

    def is_enabled(self, rule: str) -> bool:
        """Whether ``rule`` runs (unknown rules are off)."""
        return bool(self.rules.get(rule, False))

    def color_rgb(self, coarse_class: str) -> tuple[int, int, int]:
        """Return the colour of a coarse class, falling back to ``other``."""
        rgb = self.colors.get(coarse_class) or self.colors.get("other") or _DEFAULT_COLORS["other"]
        return int(rgb[0]), int(rgb[1]), int(rgb[2])

    def cache_key(self) -> str:
        """Return a string that changes whenever a setting that changes the suggestions changes."""
        data = asdict(self)
        for key in ("source_path", "separation_model", "separation_model_repo", "separation_device", "references",
                    "platforms"):
            data.pop(key, None)  # these don't change any analysis or suggestion
        return json.dumps(data, sort_keys=True)


def default_settings_path() -> Path:
    """Where the settings file is looked for (see the module docstring)."""
    override = os.environ.get("REAPER_EXT_CONFIG")
    if override:
        path = Path(override).expanduser()
        return path / "settings.toml" if path.is_dir() else path
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "reaper-ext" / "settings.toml"


def _bad(path: Path, key: str, value: Any, expected: str) -> SettingsError:
    return SettingsError(f"{path}: setting {key!r} = {value!r} is invalid: expected {expected}. Fix or remove it.")


def _number(path: Path, key: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise _bad(path, key, value, f"a number from {low:g} to {high:g}")
    return float(value)


def _table(path: Path, key: str, value: Any) -> dict:
    if not isinstance(value, dict):
        raise _bad(path, key, value, "a table ([" + key + "])")
    return value


_SEPARATION_MODELS = ("htdemucs", "htdemucs_ft", "htdemucs_6s", "demucs_unittest")
_NUMBER_RANGES: dict[str, tuple[float, float]] = {
    "working_level_dbfs": (-60.0, 0.0),
    "gain_tolerance_db": (0.0, 24.0),
    "loudness_target_lufs": (-60.0, 0.0),
    "true_peak_ceiling_dbtp": (-20.0, 0.0),
    "eq_tolerance_db": (0.0, 40.0),
    "eq_max_cut_db": (0.0, 24.0),
    "eq_max_boost_db": (0.0, 24.0),
    "gate_margin_db": (0.0, 40.0),
}


def _array_of_tables(path: Path, key: str, value: Any, entry_name: str, keys: tuple[str, ...]) -> list[tuple[int, dict]]:
    """``[[key]]`` entries, numbered from 1; an entry with a key not in ``keys`` is refused."""
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise _bad(path, key, value, f"an array of tables ([[{key}]] entries)")
    for n, entry in enumerate(value, start=1):
        unknown = set(entry) - set(keys)
        if unknown:
            listing = ", ".join(keys[:-1]) + " and " + keys[-1]
            raise SettingsError(f"{path}: unknown key(s) {', '.join(sorted(unknown))} in {entry_name} {n}: "
                                f"a {entry_name} has {listing}")
    return list(enumerate(value, start=1))


def _references(path: Path, value: Any) -> list[dict[str, Any]]:
    """``[[references]]``: ``path`` (from the settings file's folder when relative) and ``weight``."""
    out = []
    for n, entry in _array_of_tables(path, "references", value, "reference", ("path", "weight")):
        file = entry.get("path")
        if not isinstance(file, str) or not file.strip():
            raise _bad(path, f"references[{n}].path", file, "the path of an audio file")
        weight = _number(path, f"references[{n}].weight", entry.get("weight", 1.0), 0.0, 100.0)
        if weight <= 0.0:
            raise _bad(path, f"references[{n}].weight", weight, "a weight above 0")
        out.append({"path": str(path.parent / Path(file).expanduser()), "weight": weight})
    return out


def _platforms(path: Path, value: Any) -> list[dict[str, Any]]:
    """``[[platforms]]``: ``name``, ``target_lufs``, ``ceiling_dbtp`` (-1), ``turns_up`` (true)."""
    out: list[dict[str, Any]] = []
    for n, entry in _array_of_tables(path, "platforms", value, "platform", ("name", "target_lufs", "ceiling_dbtp", "turns_up")):
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _bad(path, f"platforms[{n}].name", name, "a non-empty name")
        if name.strip().lower() in (other["name"].lower() for other in out):
            raise _bad(path, f"platforms[{n}].name", name, "a name not used by another platform entry")
        if "target_lufs" not in entry:
            raise SettingsError(f"{path}: platform {n} ({name!r}) has no target_lufs: add its loudness target")
        turns_up = entry.get("turns_up", True)
        if not isinstance(turns_up, bool):
            raise _bad(path, f"platforms[{n}].turns_up", turns_up, "true or false")
        out.append({"name": name.strip(),
                    "target_lufs": _number(path, f"platforms[{n}].target_lufs", entry["target_lufs"], -60.0, 0.0),
                    "ceiling_dbtp": _number(path, f"platforms[{n}].ceiling_dbtp", entry.get("ceiling_dbtp", -1.0),
                                            -20.0, 0.0),
                    "turns_up": turns_up})
    return out


def _settings_from_dict(data: dict[str, Any], path: Path) -> Settings:
    settings = Settings(source_path=str(path))
    known = {item.name for item in fields(Settings)} - {"source_path"}
    for key, value in data.items():
        if key not in known:
            raise SettingsError(f"{path}: unknown setting {key!r}; known settings: {', '.join(sorted(known))}")
        if key in _NUMBER_RANGES:
            setattr(settings, key, _number(path, key, value, *_NUMBER_RANGES[key]))
        elif key == "separation_model":
            if value not in _SEPARATION_MODELS:
                raise _bad(path, key, value, "one of " + ", ".join(_SEPARATION_MODELS))
            settings.separation_model = value
        elif key == "separation_model_repo":
            if not isinstance(value, str) or not value.strip():
                raise _bad(path, key, value, "a folder path")
            settings.separation_model_repo = value
        elif key == "separation_device":
            if value not in ("cuda", "mps", "cpu"):
                raise _bad(path, key, value, '"cuda", "mps" or "cpu"')
            settings.separation_device = value
        elif key == "gain_reference":
            if value not in ("peak", "rms"):
                raise _bad(path, key, value, '"peak" or "rms"')
            settings.gain_reference = value
        elif key == "colors":
            for name, rgb in _table(path, key, value).items():
                if not (isinstance(rgb, list) and len(rgb) == 3
                        and all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in rgb)):
                    raise _bad(path, f"colors.{name}", rgb, "[red, green, blue] with integers 0-255")
                settings.colors[name] = list(rgb)
        elif key == "folder_names":
            for name, text in _table(path, key, value).items():
                if not isinstance(text, str) or not text.strip():
                    raise _bad(path, f"folder_names.{name}", text, "a non-empty string")
                settings.folder_names[name] = text
        elif key == "highpass_hz":
            for name, freq in _table(path, key, value).items():
                settings.highpass_hz[name] = _number(path, f"highpass_hz.{name}", freq, 0.0, 1000.0)
        elif key in ("tuning", "denoise"):
            table = dict(_table(path, key, value))
            enabled = table.pop("enabled", False)
            if not isinstance(enabled, bool):
                raise _bad(path, f"{key}.enabled", enabled, "true or false")
            if key == "tuning":
                from reaper_ext.tuning.config import TuningSettings as PassSettings
            else:
                from reaper_ext.cleanup.config import CleanupSettings as PassSettings  # type: ignore[assignment]
            try:
                PassSettings.from_dict(table)  # pure Python; names the key and the value
            except SettingsError as error:
                raise SettingsError(f"{path}: {error}") from None
            setattr(settings, key, {"enabled": enabled, **table})
        elif key == "references":
            settings.references = _references(path, value)
        elif key == "platforms":
            settings.platforms = _platforms(path, value)
        elif key == "rules":
            for name, enabled in _table(path, key, value).items():
                if name not in RULE_NAMES:
                    raise SettingsError(f"{path}: unknown rule {name!r} in [rules]; rules are: {', '.join(RULE_NAMES)}")
                if not isinstance(enabled, bool):
                    raise _bad(path, f"rules.{name}", enabled, "true or false")
                settings.rules[name] = enabled
    return settings


def load_settings(path: str | Path | None = None) -> Settings:
    """Read the settings file; defaults for every missing key (and a missing default file).

    Parameters
    ----------
    path : str or Path, optional
        The file to read; default :func:`default_settings_path`. A file named
        explicitly must exist.

    Raises
    ------
    SettingsError
        The file is unreadable, not valid TOML, or holds an unknown key or a bad value
        (the message names the file, the key and the value).
    """
    file_path = Path(path).expanduser() if path is not None else default_settings_path()
    explicit = path is not None
    if not file_path.exists():
        if explicit:
            raise SettingsError(f"settings file {file_path} does not exist: create it (see docs/settings.example.toml) or leave it out")
        return Settings()
    try:
        data = tomllib.loads(file_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{file_path}: not valid TOML ({error}): fix the file or delete it for the defaults") from error
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{file_path}: can't be read ({error})") from error
    return _settings_from_dict(data, file_path)

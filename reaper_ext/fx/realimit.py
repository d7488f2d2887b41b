"""ReaLimit, REAPER's stock brickwall limiter: the settings reaper-ext suggests for a master chain.

FACTS.md: ReaLimit is a stock plug-in with a threshold and a ceiling; its
parameter order, names and value scaling are **not listed there**, and there is
no evidence of a true-peak mode. So, like ReaGate's times, its parameters are
found live by the words their names start with (:data:`REALIMIT_PARAM_WORDS`)
and set to the normalised value REAPER *displays* as the wanted dB or ms
(:func:`realimit_live_calls`); the "Check this REAPER" action writes ReaLimit
that way and reads each setting back, and reports it as *unverified* by
FACTS.md (what it shows is what this REAPER does). No ``.RPP`` state is
written for it (no known layout): a ReaLimit spec is data in the master-chain
plan (``reaper-ext compare`` / ``master`` JSON and page), not written into projects.
"""

from __future__ import annotations

from reaper_ext.errors import SuggestionError
from reaper_ext.fx.live_params import FX, TRACK, ApiCall, DisplayValue, ParamNamed
from reaper_ext.fx.spec import FxSpec

__all__ = ["REALIMIT", "REALIMIT_ADD_NAME", "REALIMIT_PARAM_WORDS", "REALIMIT_UNITS", "realimit_spec",
           "realimit_live_calls"]

REALIMIT = "ReaLimit"
#: The name ``TrackFX_AddByName`` is given: the Cockos plug-ins' ``"VST: <name> (Cockos)"`` form
#: (as for ReaGate; not listed in FACTS.md for ReaLimit: the self-check reports whether REAPER adds it).
REALIMIT_ADD_NAME = "VST: ReaLimit (Cockos)"
#: Each setting and the word its parameter name is expected to start with (checked live).
REALIMIT_PARAM_WORDS = {"threshold_db": "threshold", "ceiling_db": "ceiling", "release_ms": "release"}
#: The unit each setting is displayed in (what the display calibration reads).
REALIMIT_UNITS = {"threshold_db": "dB", "ceiling_db": "dB", "release_ms": "ms"}


def realimit_spec(threshold_db: float, ceiling_db: float, *, release_ms: float = 60.0,
                  custom_name: str | None = None) -> FxSpec:
    """A bypassed ReaLimit with these settings.

    Raises
    ------
    SuggestionError
        A threshold above 0 dB or a ceiling above 0 dBFS (a limiter cannot do either).
    """
    if threshold_db > 0.0 or ceiling_db > 0.0:
        raise SuggestionError(f"ReaLimit threshold and ceiling must be <= 0 dB, got {threshold_db} and {ceiling_db}")
    return FxSpec(REALIMIT, params={"threshold_db": round(threshold_db, 1), "ceiling_db": round(ceiling_db, 1),
                                    "release_ms": release_ms}, custom_name=custom_name)


def realimit_live_calls(spec: FxSpec) -> list[ApiCall]:
    """The calls that add ``spec``'s ReaLimit, switched off, named, with each setting set by its display.

    The same plan form as :func:`reaper_ext.fx.live_params.live_calls` (first call's
    result is :data:`~reaper_ext.fx.live_params.FX`); every parameter is found by
    name and set to the normalised value whose display reads the wanted value,
    since FACTS.md publishes no ReaLimit scaling.

    Raises
    ------
    SuggestionError
        For a spec that is not a ReaLimit or has a setting ReaLimit lacks.
    """
    if spec.plugin != REALIMIT:
        raise SuggestionError(f"realimit_live_calls is for ReaLimit, not {spec.plugin!r}")
    unknown = set(spec.params) - set(REALIMIT_PARAM_WORDS)
    if unknown:
        raise SuggestionError(f"ReaLimit takes {sorted(REALIMIT_PARAM_WORDS)}, not {sorted(unknown)}")
    calls = [ApiCall("TrackFX_AddByName", (TRACK, REALIMIT_ADD_NAME, False, -1)),
             ApiCall("TrackFX_SetEnabled", (TRACK, FX, not spec.bypassed))]
    if spec.custom_name:
        calls.append(ApiCall("TrackFX_SetNamedConfigParm", (TRACK, FX, "renamed_name", spec.custom_name)))
    for key, value in spec.params.items():
        param = ParamNamed(REALIMIT_PARAM_WORDS[key])
        calls.append(ApiCall("TrackFX_SetParam", (TRACK, FX, param, DisplayValue(param, float(value), REALIMIT_UNITS[key]))))
    return calls

"""Stock REAPER plug-ins with real settings: ``.RPP`` lines and live API calls.

Modules: :mod:`~reaper_ext.fx.spec` (the data), :mod:`~reaper_ext.fx.vst_state`
(REAPER's base64 VST state), :mod:`~reaper_ext.fx.reaeq`,
:mod:`~reaper_ext.fx.reacomp`, :mod:`~reaper_ext.fx.jsfx` (each plug-in's state),
:mod:`~reaper_ext.fx.rpp_block` (the lines in an ``<FXCHAIN``) and
:mod:`~reaper_ext.fx.live_params` (the ReaScript calls). See ``docs/fx.md``.
"""

from __future__ import annotations

from reaper_ext.fx.live_params import FX, TRACK, ApiCall, live_calls, polarity_calls
from reaper_ext.fx.rpp_block import fx_to_rpp_lines, rpp_lines_to_fx
from reaper_ext.fx.spec import EqBand, FxSpec, bw_oct_to_q, q_to_bw_oct

__all__ = [
    "FxSpec",
    "EqBand",
    "q_to_bw_oct",
    "bw_oct_to_q",
    "fx_to_rpp_lines",
    "rpp_lines_to_fx",
    "ApiCall",
    "TRACK",
    "FX",
    "live_calls",
    "polarity_calls",
]

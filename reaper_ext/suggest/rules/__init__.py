"""The suggestion rules, one module each; :data:`RULES` in the order the engine runs them."""

from __future__ import annotations

from collections.abc import Callable

from reaper_ext.suggest.rules.corrective import suggest_corrective
from reaper_ext.suggest.rules.dynamics import suggest_dynamics
from reaper_ext.suggest.rules.eq import suggest_eq
from reaper_ext.suggest.rules.folders import suggest_folders
from reaper_ext.suggest.rules.gain import suggest_gain
from reaper_ext.suggest.rules.highpass import suggest_highpass
from reaper_ext.suggest.rules.markers import suggest_markers
from reaper_ext.suggest.rules.naming import suggest_naming
from reaper_ext.suggest.rules.unmask import suggest_unmask

__all__ = [
    "RULES",
    "suggest_naming",
    "suggest_folders",
    "suggest_gain",
    "suggest_highpass",
    "suggest_eq",
    "suggest_unmask",
    "suggest_dynamics",
    "suggest_corrective",
    "suggest_markers",
]

#: Rule name (as in ``settings.rules``) to function, in running order.
RULES: dict[str, Callable] = {
    "naming": suggest_naming,
    "folders": suggest_folders,
    "gain": suggest_gain,
    "highpass": suggest_highpass,
    "eq": suggest_eq,
    "unmask": suggest_unmask,
    "dynamics": suggest_dynamics,
    "corrective": suggest_corrective,
    "markers": suggest_markers,
}

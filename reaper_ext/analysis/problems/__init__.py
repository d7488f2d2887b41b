"""Problem detectors: one module per kind, all returning :class:`Problem` records.

Kinds: ``clipping``, ``silence``, ``silent_item``, ``dc_offset``, ``hum``,
``noise_floor``, ``polarity`` (cross-track), ``level_low``, ``level_hot``,
``sibilance`` (voices). :func:`find_problems` runs the per-track ones.
"""

from reaper_ext.analysis.problems.base import SEVERITIES, Problem, severity_from_excess
from reaper_ext.analysis.problems.clipping import find_clipping
from reaper_ext.analysis.problems.dc_offset import find_dc_offset
from reaper_ext.analysis.problems.find import find_problems
from reaper_ext.analysis.problems.hum import find_hum
from reaper_ext.analysis.problems.level import find_level_problems
from reaper_ext.analysis.problems.noise_floor import find_noisy_gaps
from reaper_ext.analysis.problems.polarity import find_polarity_problems
from reaper_ext.analysis.problems.sibilance import find_sibilance
from reaper_ext.analysis.problems.silence import find_silence, find_silent_items

__all__ = [
    "Problem",
    "SEVERITIES",
    "severity_from_excess",
    "find_problems",
    "find_clipping",
    "find_dc_offset",
    "find_hum",
    "find_level_problems",
    "find_noisy_gaps",
    "find_polarity_problems",
    "find_sibilance",
    "find_silence",
    "find_silent_items",
]

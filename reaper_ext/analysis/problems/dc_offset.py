"""DC offset: a channel's mean above ``threshold_dbfs`` (default -40 dBFS, 1 % of full scale).

Severity: medium from 10 dB past the threshold, high from 20 dB.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.levels import dc_offset
from reaper_ext.analysis.problems.base import Problem, severity_from_excess
from reaper_ext.analysis.validate import amplitude_to_db

__all__ = ["find_dc_offset"]


def find_dc_offset(samples: np.ndarray, sample_rate_hz: float, *, threshold_dbfs: float = -40.0) -> list[Problem]:
    """One ``dc_offset`` problem over the whole track when a channel's mean is too far from 0."""
    offsets = dc_offset(samples)
    if offsets.size == 0:
        return []
    worst = int(np.argmax(np.abs(offsets)))
    level_dbfs = amplitude_to_db(float(abs(offsets[worst])))
    if level_dbfs < threshold_dbfs:
        return []
    return [
        Problem(
            kind="dc_offset",
            start_sec=0.0,
            end_sec=samples.shape[0] / sample_rate_hz,
            severity=severity_from_excess(level_dbfs - threshold_dbfs, 10.0, 20.0),
            measured={
                "dc_offset_dbfs": level_dbfs,
                "dc_offset_fraction": float(offsets[worst]),
                "channel": worst,
                "dc_offset_per_channel": [float(value) for value in offsets],
            },
        )
    ]

"""Instrument labelling from audio alone (a track name, when clear, only helps)."""

from reaper_ext.labels.classes import COARSE_CLASSES, COARSE_OF, FINE_CLASSES, label_from_name
from reaper_ext.labels.model import Label, classify_track

__all__ = ["COARSE_CLASSES", "COARSE_OF", "FINE_CLASSES", "Label", "classify_track", "label_from_name"]

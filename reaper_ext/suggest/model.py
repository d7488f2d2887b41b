"""A suggestion is data: what to change, on what, why, and how sure we are.

Writing a suggestion into a session is the backend's job
(``reaper_ext.session.writer``); rules only make these records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from reaper_ext.storage.cache import digest_bytes

__all__ = ["Suggestion", "KINDS", "TARGET_PROJECT", "make_suggestion_id"]

TARGET_PROJECT = "project"

# Every kind a rule may emit, and what its params hold (units in key names).
KINDS: dict[str, str] = {
    "name": "params: name (str), fine_class, coarse_class",
    "color": "params: color (REAPER native int with 0x1000000), rgb ([r, g, b])",
    "folder": "params: folder_name, member_guids (list), coarse_class: put these tracks in a new folder track",
    "order": "params: new_index (int): move the track here",
    "gain": "params: gain_db (float, change to apply to the track volume), target_dbfs",
    "highpass": "params: fx (FxSpec dict: ReaEQ with one highpass band), freq_hz",
    "eq": "params: fx (FxSpec dict: ReaEQ, at most 4 bands)",
    "unmask": "params: fx (FxSpec dict: ReaEQ cut), other_track_guid, freq_hz, gain_db",
    "gate": "params: fx (FxSpec dict), threshold_db",
    "deesser": "params: fx (FxSpec dict: ReaComp sidechain-filtered), freq_hz, threshold_db",
    "compressor": "params: fx (FxSpec dict: ReaComp), threshold_db, ratio, attack_ms, release_ms",
    "notch": "params: fx (FxSpec dict: ReaEQ notches), freq_hz (list)",
    "polarity": "params: is_inverted (bool): flip the track's phase button",
    "mute_track": "params: is_muted (bool): the track is silent",
    "mute_item": "params: item_guid, is_muted (bool): a silent item",
    "marker": "params: position_sec, end_sec (None for a marker), name, problem_kind",
    "section": "params: position_sec, end_sec, name (A/B/C...)",
    "tempo": "params: tempo_bpm (suggestion only: never applied without accept)",
    "key": "params: key (e.g. 'F# minor'): written as a project marker at 0",
}


def make_suggestion_id(kind: str, target: str, discriminator: Any = None) -> str:
    """A stable id: the same kind on the same target (and discriminator) gets the same id.

    Analysing again therefore replaces a pending suggestion instead of stacking a duplicate.
    """
    text = json.dumps([kind, target, discriminator], sort_keys=True, default=str)
    return f"{kind}-{digest_bytes(text.encode())[:10]}"


@dataclass(frozen=True)
class Suggestion:
    """One suggestion for a track or the project.

    Attributes
    ----------
    id : str
        Stable id (see :func:`make_suggestion_id`).
    kind : str
        One of :data:`KINDS`.
    target : str
        A track GUID, or ``"project"``.
    track_name : str
        The target track's current name ("" for the project).
    params : dict
        The suggested values, units in the key names (``gain_db``, ``freq_hz``).
    why : str
        One or two plain sentences quoting the measurement behind it.
    confidence : float
        0..1.
    """

    id: str
    kind: str
    target: str
    track_name: str
    params: dict[str, Any] = field(default_factory=dict)
    why: str = ""
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "track": self.track_name,
            "target": self.target,
            "params": self.params,
            "why": self.why,
            "confidence": round(float(self.confidence), 3),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Suggestion:
        return cls(
            id=data["id"], kind=data["kind"], target=data["target"], track_name=data.get("track", ""),
            params=dict(data.get("params", {})), why=data.get("why", ""), confidence=float(data.get("confidence", 1.0)),
        )

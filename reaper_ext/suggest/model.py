"""A suggestion is data: what to change, on what, why, and how sure we are.

Writing a suggestion into a session is the backend's job
(``reaper_ext.session.writer``); rules only make these records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from reaper_ext.storage.cache import digest_bytes
from reaper_ext.suggest.kinds import SUGGESTION_KINDS, check_kind

__all__ = ["Suggestion", "KINDS", "TARGET_PROJECT", "TARGET_MASTER", "make_suggestion_id"]

TARGET_PROJECT = "project"
#: The master track (its FX chain): the id the session writers take for it (session.protocols.MASTER_TRACK).
TARGET_MASTER = "master"

#: Every kind a suggestion may have, and what its params hold (units in key names):
#: a view of the one registry, :data:`reaper_ext.suggest.kinds.SUGGESTION_KINDS`.
KINDS: dict[str, str] = {kind.name: "params: " + kind.params for kind in SUGGESTION_KINDS}


def make_suggestion_id(kind: str, target: str, discriminator: Any = None) -> str:
    """Make a stable id: the same kind on the same target (and discriminator) gets the same id.

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
        A registered kind (:mod:`reaper_ext.suggest.kinds`); any other raises
        :class:`~reaper_ext.suggest.kinds.UnknownKindError`.
    target : str
        A track GUID, ``"project"`` or ``"master"`` (the master track's FX chain).
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

    def __post_init__(self) -> None:
        check_kind(self.kind)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (the ``--json`` output, job results and ledger entries)."""
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
        """Read :meth:`to_dict`'s form back; an unknown kind raises :class:`~reaper_ext.suggest.kinds.UnknownKindError`."""
        return cls(
            id=data["id"], kind=data["kind"], target=data["target"], track_name=data.get("track", ""),
            params=dict(data.get("params", {})), why=data.get("why", ""), confidence=float(data.get("confidence", 1.0)),
        )

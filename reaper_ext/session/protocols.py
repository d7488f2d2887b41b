"""The two interfaces every session backend satisfies: one to read, one to write.

Two backends implement them: the ``.RPP`` file backend
(:class:`~reaper_ext.session.rpp.reader.RppSessionReader`,
:class:`~reaper_ext.session.rpp.writer.RppSessionWriter`) and the live REAPER
backend (:class:`~reaper_ext.session.live.LiveSession`). Analysis works on the
:class:`~reaper_ext.session.model.Project` a :class:`SessionReader` snapshots;
``reaper_ext.suggest.ledger.core`` applies, accepts and rejects suggestions only
through :class:`SessionWriter`.
So a project gives the same snapshot, and the same suggestions give the same
session, whichever backend holds it. That is checked twice:

- by the type checker: ``reaper_ext/session/_conformance.py`` assigns each
  backend to the protocol it must satisfy, so ``mypy reaper_ext`` fails as soon
  as a backend's signature drifts from the protocol;
- by the contract tests (``tests/contract/``), which snapshot every corpus
  project through both backends and compare every field of the model, and
  write the same suggestions through both and compare the results.

Restore tokens: a method that changes something returns an opaque string the
backend can use to put back exactly what was there (the ``.RPP`` backend
returns the original line, so rejecting gives back the same bytes; the live
backend returns None and restores from the value). Tokens are stored in the
ledger with the value they replace.
"""

from __future__ import annotations

from typing import Any, Protocol

from reaper_ext.fx.spec import FxSpec
from reaper_ext.session.model import LEDGER_SECTION, Project

__all__ = ["SessionReader", "SessionWriter", "TRACK_FIELDS", "LEDGER_SECTION", "MASTER_TRACK"]

#: The track id the FX methods take for the project's master track (its chain is
#: ``<MASTERFXLIST`` in an ``.RPP``, ``GetMasterTrack`` live); no other method takes it.
MASTER_TRACK = "master"

# Track properties a suggestion may change, with their value types.
TRACK_FIELDS = {
    "name": str,  # P_NAME
    "color": int,  # I_CUSTOMCOLOR (0 = none)
    "volume": float,  # D_VOL, linear
    "phase": bool,  # B_PHASE
    "mute": bool,  # B_MUTE
    "folder_depth": int,  # I_FOLDERDEPTH
}


class SessionReader(Protocol):
    """What a backend must give for a project to be analysed: a snapshot and its ext state."""

    def snapshot(self) -> Project:
        """The whole project as it is now, in the backend-neutral model."""

    def read_ext_state(self, section: str) -> dict[str, str]:
        """Every key of one project ext-state section (empty when absent)."""


class SessionWriter(SessionReader, Protocol):
    """What a backend must do for suggestions to be written, accepted and rejected."""

    # -- project ext state (the ledger lives here) ------------------------
    def write_ext_state(self, section: str, key: str, value: str) -> None:
        """Set one key (``SetProjExtState``)."""

    def delete_ext_state(self, section: str, key: str | None = None, *, drop_container: bool = False) -> None:
        """Delete one key, or the whole section; ``drop_container`` also drops an emptied ``<EXTSTATE``."""

    def has_ext_state_container(self) -> bool:
        """Whether the project has any ext state at all (``<EXTSTATE`` in a file)."""

    # -- project -----------------------------------------------------------------
    def set_tempo(self, tempo_bpm: float) -> str | None:
        """Set the project tempo; returns a restore token."""

    # -- tracks and items ----------------------------------------------------
    def get_track_value(self, track_guid: str, field: str) -> Any:
        """Current value of one of :data:`TRACK_FIELDS`, or None when the track is gone."""

    def set_track_value(self, track_guid: str, field: str, value: Any) -> str | None:
        """Change a track property; returns a restore token."""

    def restore_track_value(self, track_guid: str, field: str, value: Any, token: str | None) -> None:
        """Put back what :meth:`set_track_value` replaced."""

    def get_item_mute(self, item_guid: str) -> bool | None:
        """An item's mute state, or None when the item is gone."""

    def set_item_mute(self, item_guid: str, is_muted: bool) -> str | None:
        """Mute or unmute an item; returns a restore token."""

    def restore_item_mute(self, item_guid: str, is_muted: bool, token: str | None) -> None:
        """Put back what :meth:`set_item_mute` replaced."""

    def get_take_volumes(self, item_guid: str) -> list[float] | None:
        """Each take's volume (linear, ``D_VOL``; negative = polarity flipped), in take order; None when the item is gone."""

    def set_take_volume(self, item_guid: str, take: int, volume: float) -> str | None:
        """Set one take's volume (linear): gain *before* the track's FX; returns a restore token."""

    def restore_take_volume(self, item_guid: str, take: int, volume: float, token: str | None) -> None:
        """Put back what :meth:`set_take_volume` replaced."""

    def move_track(self, track_guid: str, new_index: int) -> None:
        """Move a track so it ends up at ``new_index``."""

    def add_track(
        self, *, index: int, name: str, color: int = 0, folder_depth: int = 0, items: list[dict] | None = None
    ) -> str:
        """Insert a new track (items: dicts with position_sec, length_sec, file); returns its GUID."""

    def remove_track(self, track_guid: str) -> bool:
        """Delete a track; False when it is already gone."""

    # -- FX (``track_guid`` may be :data:`MASTER_TRACK`) --------------------------------
    def add_fx(self, track_guid: str, spec: FxSpec) -> tuple[str, str]:
        """Append a plug-in with its settings (bypassed when ``spec.bypassed``).

        Returns
        -------
        tuple of str
            ``(fx_guid, token)``: the plug-in's FX GUID and a restore token for
            :meth:`remove_fx` (the ``.RPP`` backend says whether it created the chain).
        """

    def fx_state(self, track_guid: str, fx_guid: str) -> tuple[bool, str] | None:
        """``(is_enabled, custom_name)`` of a plug-in, or None when it is gone."""

    def set_fx_enabled(self, track_guid: str, fx_guid: str, is_enabled: bool) -> None:
        """Switch a plug-in on or off (bypass)."""

    def set_fx_name(self, track_guid: str, fx_guid: str, name: str) -> None:
        """Set a plug-in's custom name."""

    def remove_fx(self, track_guid: str, fx_guid: str, token: str | None = None) -> bool:
        """Delete a plug-in (``token`` from :meth:`add_fx`); False when it is already gone."""

    # -- markers and regions ---------------------------------------------------
    def add_marker(
        self, *, number: int, position_sec: float, name: str, end_sec: float | None = None, color: int = 0
    ) -> str:
        """Add a marker (or region); returns an id the other marker methods take."""

    def marker_name(self, marker_id: str) -> str | None:
        """A marker's name, or None when it is gone."""

    def rename_marker(self, marker_id: str, name: str) -> None:
        """Rename a marker or region."""

    def remove_marker(self, marker_id: str) -> bool:
        """Delete a marker or region; False when it is already gone."""

    def marker_numbers(self) -> set[int]:
        """Numbers already used by markers and regions."""

"""The ledger's take-level forms: a bypassed take pitch envelope (``tuning``), an extra inactive take (``denoise``).

Changes recorded in the ledger entry:

- ``{"op": "take_envelope", "item_guid", "envelope_guid"}``: accept switches the
  envelope on (``ACT 1``), reject removes it;
- ``{"op": "take", "item_guid", "take_guid"}``: accept makes the take the
  item's active one, reject removes it (unless the user made it active: their
  choice stands); the rendered file is a ``files`` change next to it, proposed
  for removal on reject under the rules of :mod:`reaper_ext.suggest.ledger.files`.

The edits go through the backend's ``take_editor()`` when it has one, else,
for the ``.RPP`` backend, straight to its document
(:mod:`reaper_ext.session.rpp.takes`). Pure Python (runs inside REAPER too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from reaper_ext.errors import ProjectError, SuggestionError

__all__ = ["TAKE_OPS", "TakeEditor", "RppTakeEditor", "take_editor", "has_take_editor", "NO_TAKE_EDITOR", "apply_take_suggestion", "accept_take_change", "reject_take_change"]

TAKE_OPS = frozenset({"take_envelope", "take"})


class TakeEditor(Protocol):
    """What the ledger needs from a backend for the take-level forms (both backends implement it)."""

    def add_pitch_envelope(self, item_guid: str, points: list[tuple[float, float]]) -> str:
        """A bypassed pitch envelope on the item's active take; its ``EGUID``."""
        ...

    def envelope_active(self, item_guid: str, envelope_guid: str) -> bool | None:
        """Whether the envelope is on; None when it is gone."""
        ...

    def set_envelope_active(self, item_guid: str, envelope_guid: str, is_active: bool) -> bool:
        """Switch the envelope; False when it is gone."""
        ...

    def remove_envelope(self, item_guid: str, envelope_guid: str) -> bool:
        """Delete the envelope; False when it is gone."""
        ...

    def add_take(self, item_guid: str, file: str, *, name: str, source_type: str) -> str:
        """Append a take playing ``file``, not active; its ``GUID``."""
        ...

    def activate_take(self, item_guid: str, take_guid: str) -> bool:
        """Make the take the active one; False when it is gone."""
        ...

    def remove_take(self, item_guid: str, take_guid: str) -> bool:
        """Delete the take; False when it is gone (SuggestionError when the user made it active)."""
        ...


class RppTakeEditor:
    """Take edits on an offline ``.RPP`` document (see :mod:`reaper_ext.session.rpp.takes`)."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc

    def add_pitch_envelope(self, item_guid: str, points: list[tuple[float, float]]) -> str:
        from reaper_ext.session.rpp.takes import add_take_pitch_envelope

        return add_take_pitch_envelope(self.doc, item_guid, points)

    def envelope_active(self, item_guid: str, envelope_guid: str) -> bool | None:
        from reaper_ext.session.rpp.takes import take_envelope_active

        return take_envelope_active(self.doc, item_guid, envelope_guid)

    def set_envelope_active(self, item_guid: str, envelope_guid: str, is_active: bool) -> bool:
        from reaper_ext.session.rpp.takes import set_take_envelope_active

        return set_take_envelope_active(self.doc, item_guid, envelope_guid, is_active)

    def remove_envelope(self, item_guid: str, envelope_guid: str) -> bool:
        from reaper_ext.session.rpp.takes import remove_take_envelope

        return remove_take_envelope(self.doc, item_guid, envelope_guid)

    def add_take(self, item_guid: str, file: str, *, name: str, source_type: str) -> str:
        from reaper_ext.session.rpp.takes import add_take

        return add_take(self.doc, item_guid, file, name=name, source_type=source_type)

    def activate_take(self, item_guid: str, take_guid: str) -> bool:
        from reaper_ext.session.rpp.takes import set_active_take, take_index

        index = take_index(self.doc, item_guid, take_guid)
        if index is None:
            return False
        set_active_take(self.doc, item_guid, index)
        return True

    def remove_take(self, item_guid: str, take_guid: str) -> bool:
        from reaper_ext.session.rpp.takes import remove_take

        return remove_take(self.doc, item_guid, take_guid)


NO_TAKE_EDITOR = "this backend cannot write take envelopes or takes yet: run it on the .RPP from the command line"


def has_take_editor(writer: Any) -> bool:
    """Whether the backend can write, accept and reject the take-level forms."""
    from reaper_ext.session.rpp.document import RppDocument

    return callable(getattr(writer, "take_editor", None)) or isinstance(getattr(writer, "doc", None), RppDocument)


def take_editor(writer: Any) -> TakeEditor:
    """The backend's take editor; SuggestionError when the backend has none."""
    make = getattr(writer, "take_editor", None)
    if callable(make):
        return make()
    from reaper_ext.session.rpp.document import RppDocument

    doc = getattr(writer, "doc", None)
    if isinstance(doc, RppDocument):
        return RppTakeEditor(doc)
    raise SuggestionError(NO_TAKE_EDITOR)


def apply_take_suggestion(writer: Any, suggestion: Any) -> list[dict]:
    """Write a ``tuning`` or ``denoise`` suggestion switched off; returns its ledger changes."""
    editor = take_editor(writer)
    params = suggestion.params
    item_guid = params["item_guid"]
    try:
        if suggestion.kind == "tuning":
            points = [(float(t), float(v)) for t, v in params["points"]]
            envelope_guid = editor.add_pitch_envelope(item_guid, points)
            return [{"op": "take_envelope", "item_guid": item_guid, "envelope_guid": envelope_guid}]
        if suggestion.kind == "denoise":
            take_guid = editor.add_take(item_guid, params["file"], name=params.get("take_name", "reaper-ext: cleaned"),
                                        source_type=params.get("source_type", "WAVE"))
            return [{"op": "take", "item_guid": item_guid, "take_guid": take_guid},
                    {"op": "files", "paths": list(params.get("created_files", []))}]
    except ProjectError as error:
        raise SuggestionError(str(error)) from None
    raise SuggestionError(f"{suggestion.kind!r} is not a take-level kind")


def accept_take_change(writer: Any, suggestion: Any, change: dict) -> str | None:
    """Switch the envelope on / make the take active; a message when it is gone."""
    editor = take_editor(writer)
    if change["op"] == "take_envelope":
        if not editor.set_envelope_active(change["item_guid"], change["envelope_guid"], True):
            return f"{suggestion.id}: its pitch envelope was removed; nothing to accept"
        return None
    if not editor.activate_take(change["item_guid"], change["take_guid"]):
        return f"{suggestion.id}: its cleaned take was removed; nothing to accept"
    return None


def reject_take_change(writer: Any, suggestion: Any, change: dict) -> str | None:
    """Remove the envelope / the take; a message when it is gone or the user chose it."""
    editor = take_editor(writer)
    if change["op"] == "take_envelope":
        if not editor.remove_envelope(change["item_guid"], change["envelope_guid"]):
            return f"{suggestion.id}: its pitch envelope was already removed"
        return None
    try:
        if not editor.remove_take(change["item_guid"], change["take_guid"]):
            return f"{suggestion.id}: its cleaned take was already removed"
    except SuggestionError as error:
        return f"{suggestion.id}: {error}"
    return None


if TYPE_CHECKING:  # both backends' editors implement the protocol (checked by mypy)
    from reaper_ext.session.live_takes import LiveTakeEditor

    def _conforms(live: LiveTakeEditor, rpp: RppTakeEditor) -> tuple[TakeEditor, TakeEditor]:
        return live, rpp

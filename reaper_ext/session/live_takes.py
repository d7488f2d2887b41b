"""Take-level edits in the open REAPER project: a bypassed take pitch envelope, an extra take.

The live twin of :class:`reaper_ext.suggest.ledger.takes.RppTakeEditor`, with the
same methods and outcomes. Each edit reads the item's state chunk
(``GetItemStateChunk``), edits it with the ``.RPP`` functions of
:mod:`reaper_ext.session.rpp.takes` (the chunk wrapped by
:func:`~reaper_ext.session.rpp.takes.item_document`), and sets it back
(``SetItemStateChunk``) only when something changed. The chunk is the only way
in for the envelope: ``GetTakeEnvelopeByName(take, "Pitch")`` returns nothing
until the take has a ``<PITCHENV`` (FACTS.md, take envelopes).

The extra take is written through the chunk too, not with ``AddTakeToMediaItem``
+ ``PCM_Source_CreateFromFile`` + ``SetMediaItemTake_Source``: the new take must
copy the active take's start offset and play rate (to line up to the sample),
must not become the active take, and its ``GUID`` must be known for the ledger,
which the chunk gives in one edit, the same lines the ``.RPP`` backend writes.
A relative file name (the suggestion's, relative to the project's folder) is
made absolute first, so REAPER finds it whatever its own media path settings.

Pure Python: it runs inside REAPER. No undo block of its own (the runner's
block covers the action).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from reaper_ext.errors import ProjectError, SuggestionError
from reaper_ext.reaper import api
from reaper_ext.session.rpp import takes as chunk_takes
from reaper_ext.session.rpp.document import RppDocument

__all__ = ["LiveTakeEditor"]

_Result = TypeVar("_Result")


class LiveTakeEditor:
    """Take envelopes and takes on the open project's items, through their state chunks.

    Parameters
    ----------
    find_item : callable
        An item GUID to REAPER's item pointer, or None when the project has no such item.
    project_folder : Path, optional
        Where relative media names are taken from (default: the open project's folder).
    """

    def __init__(self, find_item: Callable[[str], str | None], *, project_folder: Path | None = None) -> None:
        self._find_item = find_item
        self._project_folder = project_folder

    def _edit(self, item_guid: str, edit: Callable[[RppDocument], _Result], *, when_gone: _Result) -> _Result:
        """Run ``edit`` on the item's chunk; write the chunk back when it changed."""
        item = self._find_item(item_guid)
        if item is None:
            return when_gone
        before = api.item_chunk(item)
        if not before:
            raise SuggestionError(f"REAPER gave no state chunk for item {item_guid}")
        try:
            doc = chunk_takes.item_document(before)
        except ProjectError as error:
            raise SuggestionError(f"the state chunk of item {item_guid} could not be read: {error}") from None
        try:
            result = edit(doc)
        except ProjectError:  # the chunk's IGUID is not the item's (REAPER gave another item)
            return when_gone
        after = chunk_takes.item_chunk_text(doc)
        if after != before and not api.set_item_chunk(item, after):
            raise SuggestionError(f"REAPER refused the edited state chunk of item {item_guid}")
        return result

    def _require_item(self, item_guid: str) -> None:
        if self._find_item(item_guid) is None:
            raise SuggestionError(f"no item with GUID {item_guid} in the open project")

    def add_pitch_envelope(self, item_guid: str, points: list[tuple[float, float]]) -> str:
        """A bypassed pitch envelope on the item's active take; returns its ``EGUID``."""
        self._require_item(item_guid)
        guid = self._edit(item_guid, lambda doc: chunk_takes.add_take_pitch_envelope(doc, item_guid, points), when_gone="")
        if not guid:
            raise SuggestionError(f"item {item_guid}: its state chunk names another item")
        return guid

    def envelope_active(self, item_guid: str, envelope_guid: str) -> bool | None:
        """Whether the envelope is active; None when it is gone."""
        item = self._find_item(item_guid)
        if item is None:
            return None
        doc = chunk_takes.item_document(api.item_chunk(item))
        return chunk_takes.take_envelope_active(doc, item_guid, envelope_guid)

    def set_envelope_active(self, item_guid: str, envelope_guid: str, is_active: bool) -> bool:
        """Switch the envelope on or off; False when it is gone."""
        return self._edit(item_guid, lambda doc: chunk_takes.set_take_envelope_active(doc, item_guid, envelope_guid, is_active),
                          when_gone=False)

    def remove_envelope(self, item_guid: str, envelope_guid: str) -> bool:
        """Delete the envelope; False when it is already gone."""
        return self._edit(item_guid, lambda doc: chunk_takes.remove_take_envelope(doc, item_guid, envelope_guid), when_gone=False)

    def add_take(self, item_guid: str, file: str, *, name: str, source_type: str) -> str:
        """Append a take playing ``file``, not active; returns its ``GUID``."""
        self._require_item(item_guid)
        path = self._absolute(file)
        guid = self._edit(item_guid, lambda doc: chunk_takes.add_take(doc, item_guid, path, name=name, source_type=source_type),
                          when_gone="")
        if not guid:
            raise SuggestionError(f"item {item_guid}: its state chunk names another item")
        return guid

    def activate_take(self, item_guid: str, take_guid: str) -> bool:
        """Make the take the item's active one; False when it is gone."""

        def activate(doc: RppDocument) -> bool:
            index = chunk_takes.take_index(doc, item_guid, take_guid)
            if index is None:
                return False
            chunk_takes.set_active_take(doc, item_guid, index)
            return True

        return self._edit(item_guid, activate, when_gone=False)

    def remove_take(self, item_guid: str, take_guid: str) -> bool:
        """Delete the take; False when it is gone; SuggestionError when it is active or now first."""
        return self._edit(item_guid, lambda doc: chunk_takes.remove_take(doc, item_guid, take_guid), when_gone=False)

    def _absolute(self, file: str) -> str:
        if os.path.isabs(file) or file.startswith("\\\\"):
            return file
        folder = self._project_folder
        if folder is None:
            project = api.project_file()
            folder = Path(project).parent if project else None
        return file if folder is None else str(Path(folder) / file)

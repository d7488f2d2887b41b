"""Write suggestions into a session, and accept or reject them later.

The ledger lives inside the project (project ext state, section
``REAPER_EXT``), so accept/reject survives save, reload and a trip between
the live and the offline backend. Each suggestion is one key, ``s_<id>``,
whose value is base64 of a JSON entry: the suggestion, and every change
written for it with the original value and the backend's restore token.

How each kind arrives ("switched off"):
- ``name``, ``color``: written at once (labels only; the original is kept).
- FX kinds: the plug-in is inserted bypassed, its name tagged "reaper-ext: ";
  ``master_chain`` inserts its plug-ins (ReaEQ, ReaComp, ReaLimit) that way on the
  master track (target ``"master"``: ``<MASTERFXLIST`` in a file, ``GetMasterTrack``
  live); accept enables them all, reject removes them all.
- ``marker``, ``section``, ``key``: a marker/region in the suggestion colour,
  its name tagged "reaper-ext: ".
- ``stems``: the stem tracks are added in a folder under the source track,
  muted; accept unmutes them and mutes the source; reject removes the tracks
  and *proposes* the stem files for deletion (:attr:`LedgerResult.removals`);
  the caller deletes them only after saving, and only those that pass the
  checks of :mod:`reaper_ext.suggest.ledger.files` (a project file is
  untrusted input: its ledger alone can never delete anything).
- ``gain``, ``polarity``, ``mute_track``, ``mute_item``, ``folder``, ``order``,
  ``tempo``: nothing audible changes until accepted; they wait in the ledger.
  Accepting ``gain`` changes the take volume of the track's audio items (before
  its FX), not the fader.

Accept makes a suggestion ordinary content (FX enabled, tags removed, pending
changes applied). Reject removes what was written and restores the
originals; rejecting everything gives back the project's exact bytes.
Analysing again replaces pending suggestions, except that a pending ``name``,
``color`` or ``stems`` suggestion is only ever replaced by one with the same
id: an analysis of the renamed project makes no name suggestion for a track
that already carries the suggested name, and no analysis makes stems, so
replacing those by "whatever the new run suggests" would lose them.
Where the user changed something after the analysis, their edit wins and the
result says which suggestions could not be accepted or rejected as planned.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from reaper_ext.errors import LedgerError, SuggestionError
from reaper_ext.fx.spec import FxSpec
from reaper_ext.session.model import Project
from reaper_ext.session.writer import LEDGER_SECTION, SessionWriter
from reaper_ext.suggest.kinds import kinds_of_form
from reaper_ext.suggest.ledger.files import FileRemoval
from reaper_ext.suggest.ledger.takes import (
    NO_TAKE_EDITOR,
    TAKE_OPS,
    accept_take_change,
    apply_take_suggestion,
    has_take_editor,
    reject_take_change,
)
from reaper_ext.suggest.model import Suggestion

__all__ = [
    "TAG",
    "MARKER_COLOR",
    "LedgerEntry",
    "LedgerResult",
    "Selection",
    "apply_suggestions",
    "accept",
    "reject",
    "read_ledger",
    "resolve_track",
    "reject_where",
    "disown_created_files",
    "is_positional",
    "POSITION_CHANGING_KINDS",
    "REPLACED_ONLY_BY_SAME_ID",
]

TAG = "reaper-ext: "
# Suggestion markers: a violet no REAPER default uses (native 0x00BBGGRR | custom flag).
MARKER_COLOR = 0x1000000 | (0xD0 << 16) | (0x40 << 8) | 0xB0
# How each kind arrives, from the one registry of kinds (reaper_ext.suggest.kinds)
FX_KINDS = kinds_of_form("fx") | kinds_of_form("master")  # plug-ins on a track, or on the master track
MARKER_KINDS = kinds_of_form("marker")
PENDING_KINDS = kinds_of_form("pending")
LABEL_KINDS = kinds_of_form("label")
TAKE_KINDS = kinds_of_form("envelope") | kinds_of_form("take")  # tuning, denoise: ledger/takes.py
STEM_COLORS = {"drums": 0x1000000 | 0x3030C0, "bass": 0x1000000 | 0xB04060, "vocals": 0x1000000 | 0x40B040,
               "other": 0x1000000 | 0x909090, "guitar": 0x1000000 | 0x2080E0, "piano": 0x1000000 | 0x20C0E0}
FIRST_MARKER_NUMBER = 900  # suggestion markers are numbered from here, clear of the user's
# pending suggestions a new run replaces only with the same id (see the module docstring)
REPLACED_ONLY_BY_SAME_ID = frozenset({"name", "color", "stems"})
# suggestions that add, move or remove tracks: they would shift tracks known only by position
POSITION_CHANGING_KINDS = frozenset({"order", "folder", "stems"})
_ENTRY_PREFIX = "s_"
_META_KEY = "meta"


@dataclass
class LedgerEntry:
    """One suggestion in the ledger and what was written for it."""

    suggestion: Suggestion
    changes: list[dict] = field(default_factory=list)

    def encode(self) -> str:
        data = {"suggestion": self.suggestion.to_dict(), "changes": self.changes}
        return base64.b64encode(json.dumps(data, separators=(",", ":")).encode()).decode("ascii")

    @classmethod
    def decode(cls, key: str, value: str) -> LedgerEntry:
        try:
            data = json.loads(base64.b64decode(value.encode("ascii"), validate=True))
            return cls(Suggestion.from_dict(data["suggestion"]), list(data["changes"]))
        except (binascii.Error, ValueError, KeyError, TypeError, UnicodeError) as error:
            raise LedgerError(
                f"ledger entry {key!r} is damaged ({type(error).__name__}: {error}); "
                "it was left in the project untouched: reject it with --id or remove the key by hand"
            ) from None


@dataclass
class LedgerResult:
    """What an apply/accept/reject did."""

    done: list[str] = field(default_factory=list)  # suggestion ids
    messages: list[str] = field(default_factory=list)  # what could not be done, and why
    # files of rejected suggestions: delete (files.delete_created_files) only after the change is saved
    removals: list[FileRemoval] = field(default_factory=list)


@dataclass(frozen=True)
class Selection:
    """Which suggestions an accept/reject acts on (all given criteria must match)."""

    ids: tuple[str, ...] = ()
    track: str | None = None  # a track name (current, or the name a pending suggestion gives it) or GUID
    kind: str | None = None
    is_all: bool = False
    track_guids: frozenset[str] = frozenset()  # what ``track`` names now (see resolve_track)

    def matches(self, suggestion: Suggestion) -> bool:
        if self.is_all:
            return True
        if not (self.ids or self.track or self.kind):
            return False
        if self.ids and suggestion.id not in self.ids:
            return False
        if self.track and self.track not in (suggestion.track_name, suggestion.target) and suggestion.target not in self.track_guids:
            return False
        if self.kind and suggestion.kind != self.kind:
            return False
        return True


def resolve_track(writer: SessionWriter, selection: Selection, entries: list[LedgerEntry]) -> Selection:
    """Return ``selection`` with the GUIDs its ``track`` names: by GUID, current name, or a pending suggested name."""
    if not selection.track:
        return selection
    wanted = selection.track
    if wanted.startswith(("{", "#")):  # a GUID or a position: no need to read the whole project
        guids = {wanted}
    else:
        guids = {track.guid for track in writer.snapshot().tracks if track.name == wanted}
    guids |= {entry.suggestion.target for entry in entries  # the name before or after a pending rename
              if entry.suggestion.kind == "name" and wanted in (entry.suggestion.params.get("name"), entry.suggestion.track_name)}
    return Selection(selection.ids, selection.track, selection.kind, selection.is_all, frozenset(guids))


def read_ledger(writer: SessionWriter) -> tuple[list[LedgerEntry], list[str]]:
    """Entries in the order they were written, and messages about damaged ones."""
    entries: list[LedgerEntry] = []
    messages: list[str] = []
    for key, value in writer.read_ext_state(LEDGER_SECTION).items():
        if not key.startswith(_ENTRY_PREFIX):
            continue
        try:
            entries.append(LedgerEntry.decode(key, value))
        except LedgerError as error:
            messages.append(str(error))
    return entries, messages


def _read_meta(writer: SessionWriter) -> dict:
    value = writer.read_ext_state(LEDGER_SECTION).get(_META_KEY)
    if not value:
        return {}
    try:
        return json.loads(base64.b64decode(value.encode("ascii"), validate=True))
    except (binascii.Error, ValueError, UnicodeError):
        return {}


def is_positional(track_id: str) -> bool:
    """Whether a track id is a position (``#3``): tracks of projects saved without track GUIDs."""
    return track_id.startswith("#")


def _moved_track_message(writer: SessionWriter, suggestion: Suggestion, entries: list[LedgerEntry]) -> str | None:
    """For a target known only by its position: why it is not the track the suggestion was made for, or None.

    Without a GUID the only identity of a track is its position, so before any
    change the track there must still carry the name it had (or the name a
    suggestion of this ledger gave it); otherwise the change would land on
    another track.
    """
    target = suggestion.target
    if not is_positional(target):
        return None
    current = writer.get_track_value(target, "name")
    if current is None:
        return f"{suggestion.id}: track {suggestion.track_name!r} (position {target[1:]}) is gone; left pending"
    expected: set[object] = {suggestion.track_name}
    for entry in entries:
        if entry.suggestion.kind == "name" and entry.suggestion.target == target:
            expected.add(entry.suggestion.params.get("name"))
    if current in expected:
        return None
    return (f"{suggestion.id}: this project's tracks have no GUIDs, and the track at position {int(target[1:]) + 1} is now "
            f"{current!r}, not {suggestion.track_name!r} (tracks moved?); nothing changed, left pending")


def _fx_track(writer: SessionWriter, target: str, fx_guid: str) -> str:
    """Find the track holding the FX ``fx_guid``: the target, or (targets known by position) wherever it is now."""
    if not is_positional(target) or writer.fx_state(target, fx_guid) is not None:
        return target
    for track in writer.snapshot().tracks:
        if any(fx.fx_guid == fx_guid for fx in track.fx):
            return track.guid
    return target


def _untag(name: str) -> str:
    return name[len(TAG):] if name.startswith(TAG) else name


# -- apply ---------------------------------------------------------------------
def _apply_one(writer: SessionWriter, suggestion: Suggestion, marker_numbers: set[int]) -> list[dict]:
    kind, target, params = suggestion.kind, suggestion.target, suggestion.params
    if kind in LABEL_KINDS:
        field_name = "name" if kind == "name" else "color"
        value = params["name"] if kind == "name" else int(params["color"])
        before = writer.get_track_value(target, field_name)
        if before is None:
            raise SuggestionError(f"track {suggestion.track_name!r} ({target}) is gone")
        token = writer.set_track_value(target, field_name, value)
        return [{"op": "track", "field": field_name, "before": before, "after": value, "token": token}]
    if kind in FX_KINDS:
        # one plug-in, or a chain of them (master_chain): each bypassed, tagged, one change each
        changes: list[dict] = []
        required = params["fx"] if isinstance(params["fx"], list) else [params["fx"]]
        # the master chain's plug-ins with no verified saved state (ReaLimit): inserted where the backend can
        # (inside REAPER, set by their displayed values); a .RPP refuses them and they stay described in the why
        optional = params.get("by_hand", []) if kind == "master_chain" else []
        for fx, is_optional in [(fx, False) for fx in required] + [(fx, True) for fx in optional]:
            spec = FxSpec.from_dict(fx)
            spec.bypassed = True
            if not (spec.custom_name or "").startswith(TAG):
                spec.custom_name = TAG + (spec.custom_name or kind)
            try:
                fx_guid, token = writer.add_fx(target, spec)
            except SuggestionError:
                if is_optional:
                    continue
                for change in reversed(changes):  # all of the chain or none of it
                    writer.remove_fx(target, change["fx_guid"], change["token"])
                raise
            changes.append({"op": "fx", "fx_guid": fx_guid, "token": token, "name": spec.custom_name})
        return changes
    if kind in MARKER_KINDS:
        number = max(marker_numbers | {FIRST_MARKER_NUMBER - 1}) + 1
        marker_numbers.add(number)
        name = params.get("name") or (f"key {params['key']}" if kind == "key" else kind)
        name = name if name.startswith(TAG) else TAG + name
        end_sec = params.get("end_sec")
        position_sec = float(params.get("position_sec", 0.0))
        marker_id = writer.add_marker(number=number, position_sec=position_sec, name=name, end_sec=end_sec, color=MARKER_COLOR)
        return [{"op": "marker", "marker_id": marker_id, "name": name}]
    if kind == "sparks":
        return _apply_sparks(writer, suggestion)
    if kind == "stems":
        return _apply_stems(writer, suggestion)
    if kind in TAKE_KINDS:
        return apply_take_suggestion(writer, suggestion)
    if kind in PENDING_KINDS:
        return []
    raise SuggestionError(f"unknown suggestion kind {kind!r} ({suggestion.id})")


def _apply_stems(writer: SessionWriter, suggestion: Suggestion) -> list[dict]:
    """Stem tracks in a folder under the source track, muted until accepted."""
    project = writer.snapshot()
    source = project.track_by_guid(suggestion.target)
    if source is None:
        raise SuggestionError(f"track {suggestion.track_name!r} is gone")
    stems = suggestion.params["stems"]
    changes: list[dict] = []
    token = writer.set_track_value(source.guid, "folder_depth", 1)
    changes.append({"op": "track", "field": "folder_depth", "before": source.folder_depth, "after": 1, "token": token})
    for n, stem in enumerate(stems):
        is_last = n == len(stems) - 1
        guid = writer.add_track(
            index=source.index + 1 + n, name=f"{source.name or 'Mix'} - {stem['stem']}",
            color=STEM_COLORS.get(stem["stem"], STEM_COLORS["other"]),
            folder_depth=(source.folder_depth - 1) if is_last else 0, items=stem["items"],
        )
        writer.set_track_value(guid, "mute", True)
        changes.append({"op": "add_track", "track_guid": guid})
    # records (path, size, sha256) made when the files were written: see ledger.files
    changes.append({"op": "files", "paths": list(suggestion.params.get("created_files", []))})
    return changes


def _apply_sparks(writer: SessionWriter, suggestion: Suggestion) -> list[dict]:
    """A muted track of inline MIDI items after the last track (accept unmutes it, reject removes it)."""
    params = suggestion.params
    guid = writer.add_track(index=len(writer.snapshot().tracks), name=params["track_name"],
                            color=int(params.get("color", 0)), items=params["items"])
    writer.set_track_value(guid, "mute", True)
    return [{"op": "add_track", "track_guid": guid}]


def apply_suggestions(
    writer: SessionWriter,
    suggestions: Iterable[Suggestion],
    *,
    replace_where: Callable[[Suggestion], bool] | None = None,
) -> LedgerResult:
    """Write suggestions (switched off) and record them in the ledger.

    Pending suggestions from an earlier run are rejected first, so running
    again replaces them instead of stacking duplicates: every pending one by
    default, or those ``replace_where`` selects (an action that only marks
    problems replaces only problem markers); one with the same id as a new
    suggestion is always replaced, and a pending ``name``, ``color`` or
    ``stems`` suggestion only by one with the same id (see the module
    docstring). Files of replaced suggestions are never deleted here (they are
    not even proposed: the result's ``removals`` stays empty).
    """
    suggestions = list(suggestions)
    result = LedgerResult()
    new_ids = {suggestion.id for suggestion in suggestions}

    def is_replaced(old: Suggestion) -> bool:
        if old.id in new_ids:
            return True
        if old.kind in REPLACED_ONLY_BY_SAME_ID:
            return False
        return replace_where is None or replace_where(old)

    previous = _reject_where(writer, is_replaced)
    result.messages += previous.messages
    meta = _read_meta(writer)
    if not meta:
        meta = {"version": 1, "created_container": not writer.has_ext_state_container()}
        writer.write_ext_state(LEDGER_SECTION, _META_KEY, base64.b64encode(json.dumps(meta).encode()).decode("ascii"))
    marker_numbers = writer.marker_numbers()
    # (from the ids at hand, not a snapshot: inside REAPER every track has a GUID and a snapshot costs a defer tick)
    has_positional_tracks = any(
        is_positional(s.target) or any(is_positional(str(g)) for g in s.params.get("member_guids", []))
        for s in suggestions + [entry.suggestion for entry in read_ledger(writer)[0]]
    )
    seen: set[str] = set()
    for suggestion in suggestions:
        if suggestion.id in seen:
            continue
        seen.add(suggestion.id)
        if has_positional_tracks and suggestion.kind in POSITION_CHANGING_KINDS:
            result.messages.append(
                f"{suggestion.id}: not written: this project's tracks have no GUIDs (saved by an old REAPER), so a "
                f"{suggestion.kind} suggestion would move other tracks' suggestions onto the wrong tracks; "
                "open and save the project in a current REAPER first"
            )
            continue
        try:
            changes = _apply_one(writer, suggestion, marker_numbers)
        except SuggestionError as error:
            result.messages.append(f"{suggestion.id}: not written: {error}")
            continue
        writer.write_ext_state(LEDGER_SECTION, _ENTRY_PREFIX + suggestion.id, LedgerEntry(suggestion, changes).encode())
        result.done.append(suggestion.id)
    if not result.done:
        _drop_ledger_if_empty(writer)
    return result


def _drop_ledger_if_empty(writer: SessionWriter) -> None:
    state = writer.read_ext_state(LEDGER_SECTION)
    if any(key.startswith(_ENTRY_PREFIX) for key in state):
        return
    meta = _read_meta(writer)
    if state:
        writer.delete_ext_state(LEDGER_SECTION, None, drop_container=bool(meta.get("created_container")))


# -- accept ----------------------------------------------------------------------
def _accept_pending(writer: SessionWriter, suggestion: Suggestion, snapshot: Callable[[], Project]) -> str | None:
    """Apply a pending suggestion now; returns a message when it can't be."""
    kind, target, params = suggestion.kind, suggestion.target, suggestion.params
    if kind == "gain":
        return _accept_gain(writer, suggestion, snapshot)
    if kind == "polarity":
        writer.set_track_value(target, "phase", bool(params.get("is_inverted", True)))
    elif kind == "mute_track":
        writer.set_track_value(target, "mute", bool(params.get("is_muted", True)))
    elif kind == "mute_item":
        if writer.get_item_mute(params["item_guid"]) is None:
            return f"{suggestion.id}: the item is gone; nothing muted"
        writer.set_item_mute(params["item_guid"], bool(params.get("is_muted", True)))
    elif kind == "tempo":
        set_tempo = getattr(writer, "set_tempo", None)
        if set_tempo is None:
            return f"{suggestion.id}: this backend can't set the tempo"
        set_tempo(float(params["tempo_bpm"]))
    elif kind == "order":
        writer.move_track(target, int(params["new_index"]))
    elif kind == "folder":
        return _accept_folder(writer, suggestion)
    return None


def _accept_gain(writer: SessionWriter, suggestion: Suggestion, snapshot: Callable[[], Project]) -> str | None:
    """Stage the track before its FX: every take of its audio items times ``10^(gain_db/20)``.

    The take volume (``D_VOL`` of each take, ``VOLPAN``/``TAKEVOLPAN`` in a file) acts
    before the track's FX, so a suggested EQ, compressor or gate hears the staged
    level; every take moves, so switching takes keeps the staging. MIDI items are
    left alone (their volume is not audio gain before an instrument). A ledger entry
    written before gain went pre-FX (no ``stage`` in its params) still moves the fader.
    ``snapshot`` gives the project as this accept found it (read once for all its gains:
    a live snapshot reads every track; accepting never changes which items a track has).
    """
    target, params = suggestion.target, suggestion.params
    factor = 10 ** (float(params["gain_db"]) / 20)
    if params.get("stage") != "pre_fx":
        volume = writer.get_track_value(target, "volume")
        if volume is None:
            return f"{suggestion.id}: track {suggestion.track_name!r} is gone; gain not applied"
        writer.set_track_value(target, "volume", volume * factor)
        return None
    track = snapshot().track_by_guid(target)
    if track is None:
        return f"{suggestion.id}: track {suggestion.track_name!r} is gone; gain not applied"
    n_takes = 0
    for item in track.items:
        if item.source_type.upper() == "MIDI":
            continue
        for take, volume in enumerate(writer.get_take_volumes(item.guid) or []):
            writer.set_take_volume(item.guid, take, volume * factor)
            n_takes += 1
    if not n_takes:
        return f"{suggestion.id}: track {suggestion.track_name!r} has no audio items; gain not applied"
    return None


def _accept_folder(writer: SessionWriter, suggestion: Suggestion) -> str | None:
    params = suggestion.params
    project = writer.snapshot()
    index_of = {track.guid: track.index for track in project.tracks}
    members = [guid for guid in params.get("member_guids", []) if guid in index_of]
    if not members:
        return f"{suggestion.id}: none of the folder's tracks exist any more"
    first_index = min(index_of[guid] for guid in members)
    # gather the members right after the first one, in their current order
    ordered = sorted(members, key=lambda guid: index_of[guid])
    for offset, guid in enumerate(ordered):
        writer.move_track(guid, first_index + offset)
    folder_guid = writer.add_track(index=first_index, name=params.get("folder_name", "Folder"), color=int(params.get("color", 0)), folder_depth=1)
    last = ordered[-1]
    depth = writer.get_track_value(last, "folder_depth") or 0
    writer.set_track_value(last, "folder_depth", depth - 1)
    del folder_guid
    return None


def accept(writer: SessionWriter, selection: Selection) -> LedgerResult:
    """Make the selected suggestions ordinary project content."""
    result = LedgerResult()
    taken: list[Project] = []

    def snapshot() -> Project:
        if not taken:
            taken.append(writer.snapshot())
        return taken[0]

    entries, damaged = read_ledger(writer)
    result.messages += damaged
    selection = resolve_track(writer, selection, entries)
    for entry in entries:
        suggestion = entry.suggestion
        if not selection.matches(suggestion):
            continue
        if suggestion.kind in TAKE_KINDS and not has_take_editor(writer):
            result.messages.append(f"{suggestion.id}: {NO_TAKE_EDITOR}; left pending")
            continue
        moved = _moved_track_message(writer, suggestion, entries)
        if moved and (suggestion.kind in PENDING_KINDS or suggestion.kind in LABEL_KINDS):
            result.messages.append(moved)
            continue
        for change in entry.changes:
            if change["op"] == "fx":
                holder = _fx_track(writer, suggestion.target, change["fx_guid"])
                state = writer.fx_state(holder, change["fx_guid"])
                if state is None:
                    result.messages.append(f"{suggestion.id}: its FX was removed from {suggestion.track_name!r}; nothing to accept")
                    continue
                writer.set_fx_enabled(holder, change["fx_guid"], True)
                writer.set_fx_name(holder, change["fx_guid"], _untag(state[1]))
            elif change["op"] == "marker":
                name = writer.marker_name(change["marker_id"])
                if name is None:
                    result.messages.append(f"{suggestion.id}: its marker was deleted; nothing to accept")
                    continue
                writer.rename_marker(change["marker_id"], _untag(name))
            elif change["op"] == "add_track":
                if writer.get_track_value(change["track_guid"], "mute") is not None:
                    writer.set_track_value(change["track_guid"], "mute", False)
            elif change["op"] in TAKE_OPS:
                message = accept_take_change(writer, suggestion, change)
                if message:
                    result.messages.append(message)
        if suggestion.kind == "stems" and writer.get_track_value(suggestion.target, "mute") is not None:
            writer.set_track_value(suggestion.target, "mute", True)
        if suggestion.kind in PENDING_KINDS:
            message = _accept_pending(writer, suggestion, snapshot)
            if message:
                result.messages.append(message)
        writer.delete_ext_state(LEDGER_SECTION, _ENTRY_PREFIX + suggestion.id)
        result.done.append(suggestion.id)
    _drop_ledger_if_empty(writer)
    return result


# -- reject ------------------------------------------------------------------------
def _reject_changes(writer: SessionWriter, entry: LedgerEntry, removals: list[FileRemoval]) -> list[str]:
    suggestion = entry.suggestion
    messages = []
    for change in reversed(entry.changes):
        op = change["op"]
        if op == "track":
            current = writer.get_track_value(suggestion.target, change["field"])
            if current is None:
                messages.append(f"{suggestion.id}: track {suggestion.track_name!r} is gone; nothing to restore")
            elif current != change["after"]:
                messages.append(
                    f"{suggestion.id}: the track's {change['field']} was changed to {current!r} after the analysis; "
                    "your edit is kept"
                )
            else:
                writer.restore_track_value(suggestion.target, change["field"], change["before"], change["token"])
        elif op == "fx":
            if not writer.remove_fx(_fx_track(writer, suggestion.target, change["fx_guid"]), change["fx_guid"], change.get("token")):
                messages.append(f"{suggestion.id}: its FX was already removed")
        elif op == "marker":
            if not writer.remove_marker(change["marker_id"]):
                messages.append(f"{suggestion.id}: its marker was already deleted")
        elif op == "add_track":
            if not writer.remove_track(change["track_guid"]):
                messages.append(f"{suggestion.id}: a stem track was already deleted")
        elif op in TAKE_OPS:
            message = reject_take_change(writer, suggestion, change)
            if message:
                messages.append(message)
        elif op == "files":
            # never deleted here: only proposed (see ledger.files for when one may go)
            paths = change.get("paths")
            removals += [FileRemoval(suggestion.id, record) for record in (paths if isinstance(paths, list) else [])]
    return messages


def reject(writer: SessionWriter, selection: Selection) -> LedgerResult:
    """Remove the selected suggestions and restore what they replaced (newest first).

    Files the rejected suggestions created are listed in the result's
    ``removals``, not deleted: see :mod:`reaper_ext.suggest.ledger.files`.
    """
    entries, _ = read_ledger(writer)
    return _reject_where(writer, resolve_track(writer, selection, entries).matches)


def reject_where(writer: SessionWriter, is_selected: Callable[[Suggestion], bool]) -> LedgerResult:
    """Reject every pending suggestion ``is_selected`` picks (newest first); see :func:`reject`."""
    return _reject_where(writer, is_selected)


def disown_created_files(writer: SessionWriter, *, except_ids: Iterable[str] = ()) -> int:
    """Mark the created-file records of this ledger as a copy's: they will never be deleted from it.

    Called when a project is written to *another* file (``--write OUT``): the
    pending entries are copies, and the files they list still belong to the
    project they were made for (which keeps using them). Returns how many
    entries changed.
    """
    keep = set(except_ids)
    changed = 0
    for entry in read_ledger(writer)[0]:
        if entry.suggestion.id in keep:
            continue
        touched = False
        for change in entry.changes:
            if change.get("op") == "files" and isinstance(change.get("paths"), list):
                change["paths"] = [{"path": record.get("path") if isinstance(record, dict) else record, "copied": True}
                                   for record in change["paths"]]
                touched = True
        if touched:
            writer.write_ext_state(LEDGER_SECTION, _ENTRY_PREFIX + entry.suggestion.id, entry.encode())
            changed += 1
    return changed


def _reject_where(writer: SessionWriter, is_selected: Callable[[Suggestion], bool]) -> LedgerResult:
    result = LedgerResult()
    entries, damaged = read_ledger(writer)
    result.messages += damaged
    for entry in reversed(entries):
        if not is_selected(entry.suggestion):
            continue
        if entry.suggestion.kind in TAKE_KINDS and not has_take_editor(writer):
            result.messages.append(f"{entry.suggestion.id}: {NO_TAKE_EDITOR}; left pending")
            continue
        moved = _moved_track_message(writer, entry.suggestion, entries)
        if moved and any(change.get("op") == "track" for change in entry.changes):
            result.messages.append(moved)
            continue
        result.messages += _reject_changes(writer, entry, result.removals)
        writer.delete_ext_state(LEDGER_SECTION, _ENTRY_PREFIX + entry.suggestion.id)
        result.done.append(entry.suggestion.id)
    _drop_ledger_if_empty(writer)
    return result

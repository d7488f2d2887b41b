"""The suggestion inbox: review, audition, accept and reject suggestions inside REAPER (ReaImGui).

A dockable ReaImGui window, "reaper-ext - Suggestion inbox", lists the
pending suggestions of the open project from its ledger
(:func:`reaper_ext.suggest.ledger.read_ledger` over
:class:`~reaper_ext.session.live.LiveSession`), grouped by track (track
order) or by kind, filtered by kind and confidence, with a count per group.
Each row shows the title, the confidence and the *why*; **Audition** lets you
hear it (un-bypass the FX, solo the stems, play from the marker, try the gain)
until toggled off, **Accept**/**Reject** call the ledger exactly as the
command line does (one undo point named after the suggestion), **Go to**
selects the track/item and scrolls to it. Groups are accepted or rejected in
bulk; "Reject the N below X%" drops the low-confidence ones.

Cheap to draw: rows go through a ``ListClipper`` (only the rows in view are
submitted, so 2,000 suggestions cost what 20 do); per frame the REAPER side
costs one ``GetProjectStateChangeCount`` call, a project-path check twice a
second and, while a worker runs, one ``stat`` of its ``progress.json`` (read
only when its mtime moves). The ledger is read again only when the project
changed and the change has settled, never after the inbox's own decisions
(it drops what it decided from its list instead).

Keyboard first: Up/Down move, A accept, R reject, Space audition on/off,
G go to (the help line in the window says so).

Pure Python (stdlib only) and ReaImGui's generated binding: it runs inside
REAPER's Python. Without ReaImGui the action prints one line on how to
install it (:data:`reaper_ext.reaper.imgui.INSTALL_HINT`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from reaper_ext.reaper import api
from reaper_ext.suggest.model import TARGET_MASTER

__all__ = [
    "WINDOW_TITLE",
    "HELP_LINE",
    "LOOP_CODE",
    "IMGUI_FUNCTIONS",
    "GOTO_SCROLL_COMMAND",
    "Pending",
    "Row",
    "InboxModel",
    "Inbox",
    "open_inbox",
    "tick",
    "current_inbox",
    "suggestion_title",
    "pending_from_ledger",
]

WINDOW_TITLE = "reaper-ext - Suggestion inbox"
HELP_LINE = "Keys: Up/Down move  |  A accept  |  R reject  |  Space audition on/off  |  G go to  |  hover a row for its why"
LOOP_CODE = "import reaper_ext.reaper.inbox as _reaper_ext_inbox; _reaper_ext_inbox.tick()"
PROJECT_PATH_EVERY_SEC = 0.5  # EnumProjects allocates a 4 MiB buffer in Python: not every frame
RELOAD_SETTLE_SEC = 0.3  # a fader drag changes the project every frame: reload once it settles
TITLE_WIDTH_PX = 260.0  # the row's selectable title; buttons and the why follow it
MAX_STAGES_SHOWN = 4
DETAILS_LINES = 9.0  # below the list: the selected suggestion (title, wrapped why, buttons), messages, help
# "Track: Vertical scroll selected tracks into view" (REAPER's action list; SWS Find and
# many ReaTeam scripts call Main_OnCommand(40913, 0) right after SetOnlyTrackSelected).
GOTO_SCROLL_COMMAND = 40913
GROUP_BY = ("track", "kind")
PROJECT_GROUP = "project"

#: every ReaImGui function the inbox calls (checked against ReaImGui's declarations by a test)
IMGUI_FUNCTIONS = (
    "Attach", "Begin", "BeginChild", "BeginCombo", "BeginDisabled", "Button", "CreateContext", "CreateListClipper",
    "End", "EndChild", "EndCombo", "EndDisabled", "GetScrollY", "GetTextLineHeightWithSpacing", "GetWindowHeight",
    "IsAnyItemActive", "IsItemHovered", "IsKeyPressed", "IsWindowFocused", "ListClipper_Begin", "ListClipper_GetDisplayRange",
    "ListClipper_IncludeItemByIndex", "ListClipper_Step", "PopID", "ProgressBar", "PushID", "RadioButton", "SameLine",
    "Selectable", "Separator", "SetNextItemWidth", "SetNextWindowSize", "SetScrollY", "SetTooltip", "SliderDouble",
    "SmallButton", "Text", "TextDisabled", "TextWrapped",
    # constants
    "ConfigFlags_DockingEnable", "Cond_FirstUseEver", "FocusedFlags_RootAndChildWindows", "Key_A", "Key_DownArrow",
    "Key_G", "Key_R", "Key_Space", "Key_UpArrow",
)

KIND_LABELS = {
    "name": "Rename", "color": "Colour", "folder": "Folder", "order": "Move", "gain": "Gain", "highpass": "High-pass",
    "eq": "EQ", "unmask": "Unmask EQ", "gate": "Gate", "deesser": "De-esser", "compressor": "Compressor",
    "notch": "Notch", "polarity": "Polarity", "mute_track": "Mute track", "mute_item": "Mute item", "marker": "Marker",
    "section": "Section", "tempo": "Tempo", "key": "Key", "stems": "Stems", "master_chain": "Master chain",
    "tuning": "Tuning", "denoise": "Clean-up", "sparks": "Spark", "label_doubt": "Unsure label",
}
_FX_KINDS = frozenset({"highpass", "eq", "unmask", "gate", "deesser", "compressor", "notch", "master_chain"})
_MARKER_KINDS = frozenset({"marker", "section", "key"})


def suggestion_title(suggestion: Any) -> str:
    """Return a short title: what the suggestion does, with its main number (``"High-pass 90 Hz: Vox"``)."""
    params = suggestion.params or {}
    label = KIND_LABELS.get(suggestion.kind, suggestion.kind)
    detail = ""
    kind = suggestion.kind
    if kind == "name":
        detail = f"to '{params.get('name', '')}'"
    elif kind == "gain" and "gain_db" in params:
        detail = f"{float(params['gain_db']):+.1f} dB"
    elif kind in ("highpass", "unmask") and isinstance(params.get("freq_hz"), (int, float)):
        detail = f"{float(params['freq_hz']):.0f} Hz"
    elif kind == "compressor" and "ratio" in params:
        detail = f"{float(params['ratio']):g}:1"
    elif kind in ("marker", "section"):
        detail = str(params.get("name", ""))
    elif kind == "key":
        detail = str(params.get("key", ""))
    elif kind == "tempo" and "tempo_bpm" in params:
        detail = f"{float(params['tempo_bpm']):.1f} BPM"
    elif kind == "folder":
        detail = f"'{params.get('folder_name', '')}'"
    elif kind == "order" and "new_index" in params:
        detail = f"to position {int(params['new_index']) + 1}"
    head = f"{label} {detail}".strip()
    where = suggestion.track_name
    return f"{head}: {where}" if where else head


@dataclass(frozen=True)
class Pending:
    """One pending suggestion as the inbox shows it."""

    suggestion: Any  # reaper_ext.suggest.model.Suggestion
    changes: tuple  # what the ledger wrote for it (FX GUIDs, marker ids, stem tracks)
    track_index: int  # its track's position (-1: the project, or a track that is gone)
    title: str

    @property
    def id(self) -> str:
        return self.suggestion.id

    @property
    def confidence_pct(self) -> float:
        return 100.0 * float(self.suggestion.confidence)


@dataclass(frozen=True)
class Row:
    """A line in the list: a group header (``pending`` None) or one suggestion."""

    group: str
    label: str
    pending: Pending | None = None
    count: int = 0


def pending_from_ledger(entries: list, track_order: dict[str, int]) -> list[Pending]:
    """Turn the ledger's entries into :class:`Pending` rows (ledger order kept)."""
    out = []
    for entry in entries:
        suggestion = entry.suggestion
        out.append(Pending(suggestion, tuple(entry.changes), track_order.get(suggestion.target, -1), suggestion_title(suggestion)))
    return out


class InboxModel:
    """What the window shows, without ReaImGui or REAPER: filters, groups, rows, the selection."""

    def __init__(self) -> None:
        self.pending: list[Pending] = []
        self.group_by = "track"
        self.kind_filter: str | None = None
        self.min_confidence_pct = 0.0
        self.collapsed: set[str] = set()
        self.selected_id: str | None = None
        self._rows: list[Row] | None = None
        self._row_of: dict[str, int] = {}
        self._shown: list[Pending] | None = None
        self._below: list[Pending] | None = None

    # -- content --------------------------------------------------------------------------------
    def set_pending(self, pending: list[Pending]) -> None:
        """Replace the list (a reload); the selection stays on the same suggestion, or the same place."""
        position = self.selected_row()
        self.pending = list(pending)
        self._invalidate()
        self._reselect(position if position is not None else 0)

    def remove(self, ids: set[str]) -> None:
        """Drop decided suggestions (no reload needed: the inbox knows what it did)."""
        position = self.selected_row()
        self.pending = [p for p in self.pending if p.id not in ids]
        self._invalidate()
        self._reselect(position)

    def _reselect(self, position: int | None) -> None:
        rows = self.rows()
        if self.selected_id is not None and self.selected_id in self._row_of:
            return
        self.selected_id = None
        if position is None:
            return
        for index in list(range(position, len(rows))) + list(range(min(position, len(rows)) - 1, -1, -1)):
            found = rows[index].pending
            if found is not None:
                self.selected_id = found.id
                return

    def _invalidate(self) -> None:
        # everything derived from the list is cached until the list or a filter changes:
        # a frame then costs the rows in view, not the length of the list
        self._rows = self._shown = self._below = None

    # -- filters ----------------------------------------------------------------------------------
    def set_group_by(self, group_by: str) -> None:
        if group_by in GROUP_BY and group_by != self.group_by:
            self.group_by = group_by
            self._invalidate()

    def set_kind_filter(self, kind: str | None) -> None:
        if kind != self.kind_filter:
            self.kind_filter = kind
            self._invalidate()
            self._reselect(0)

    def set_min_confidence(self, pct: float) -> None:
        pct = min(max(float(pct), 0.0), 100.0)
        if pct != self.min_confidence_pct:
            self.min_confidence_pct = pct
            self._invalidate()
            self._reselect(0)

    def toggle_group(self, group: str) -> None:
        self.collapsed ^= {group}
        self._invalidate()

    def kinds(self) -> list[str]:
        """Kinds present, in the order KIND_LABELS lists them."""
        present = {p.suggestion.kind for p in self.pending}
        return [kind for kind in KIND_LABELS if kind in present] + sorted(present - set(KIND_LABELS))

    def _kind_ok(self, pending: Pending) -> bool:
        return self.kind_filter is None or pending.suggestion.kind == self.kind_filter

    def shown(self) -> list[Pending]:
        """Pending suggestions that pass both filters."""
        if self._shown is None:
            self._shown = [p for p in self.pending if self._kind_ok(p) and p.confidence_pct >= self.min_confidence_pct]
        return self._shown

    def below(self) -> list[Pending]:
        """Those of the chosen kind hidden by the confidence filter (what "Reject ... below" rejects)."""
        if self._below is None:
            self._below = [p for p in self.pending if self._kind_ok(p) and p.confidence_pct < self.min_confidence_pct]
        return self._below

    # -- groups and rows ---------------------------------------------------------------------------
    def groups(self) -> list[tuple[str, str, list[Pending]]]:
        """``(key, label, members)`` in track order (the project first) or kind order."""
        groups: dict[str, list[Pending]] = {}
        labels: dict[str, str] = {}
        order: dict[str, tuple] = {}
        kind_rank = {kind: n for n, kind in enumerate(KIND_LABELS)}
        for pending in self.shown():
            suggestion = pending.suggestion
            if self.group_by == "kind":
                key = suggestion.kind
                labels[key] = KIND_LABELS.get(key, key)
                order[key] = (kind_rank.get(key, len(kind_rank)), key)
            elif suggestion.target == PROJECT_GROUP:
                key, labels[key], order[key] = PROJECT_GROUP, "Project", (-1, "")
            elif suggestion.target == TARGET_MASTER:  # the master track: listed after the project, before the tracks
                key, labels[key], order[key] = TARGET_MASTER, "Master track", (-0.5, "")
            else:
                key = suggestion.target
                gone = pending.track_index < 0
                labels[key] = (suggestion.track_name or "(unnamed track)") + (" (track gone)" if gone else "")
                order[key] = (pending.track_index if not gone else 1 << 30, labels[key])
            groups.setdefault(key, []).append(pending)
        return [(key, labels[key], groups[key]) for key in sorted(groups, key=lambda k: order[k])]

    def rows(self) -> list[Row]:
        """Headers and suggestion rows (collapsed groups show their header only); cached until something changes."""
        if self._rows is None:
            rows: list[Row] = []
            for key, label, members in self.groups():
                rows.append(Row(key, label, None, len(members)))
                if key not in self.collapsed:
                    rows += [Row(key, label, member) for member in members]
            self._rows = rows
            self._row_of = {row.pending.id: n for n, row in enumerate(rows) if row.pending is not None}
        return self._rows

    def group_members(self, key: str) -> list[Pending]:
        return next((members for k, _, members in self.groups() if k == key), [])

    # -- selection --------------------------------------------------------------------------------------
    def selected_row(self) -> int | None:
        self.rows()
        return self._row_of.get(self.selected_id) if self.selected_id is not None else None

    def selected(self) -> Pending | None:
        index = self.selected_row()
        return None if index is None else self.rows()[index].pending

    def select(self, suggestion_id: str) -> None:
        self.selected_id = suggestion_id

    def move(self, step: int) -> bool:
        """Select the next (``step`` 1) or previous (-1) suggestion row; returns whether it moved."""
        rows = self.rows()
        index = self.selected_row()
        if index is None:
            candidates = range(len(rows)) if step > 0 else range(len(rows) - 1, -1, -1)
        else:
            candidates = range(index + step, len(rows) if step > 0 else -1, step)
        for n in candidates:
            found = rows[n].pending
            if found is not None:
                self.selected_id = found.id
                return True
        return False


# -- REAPER calls the adapter has no helper for (all return plain values) -----------------------------
def _state_change_count() -> int:
    return int(api.rpr().RPR_GetProjectStateChangeCount(api.ACTIVE_PROJECT))


def _ledger_session(cache: dict[str, str] | None, messages: list[str]):
    """Make a :class:`LiveSession` whose ledger reads come from ``cache`` (kept in step with its own writes).

    REAPER's Python gives ext state one key at a time (two calls per key, each
    with a 4 MiB string buffer): reading a 2,000-entry ledger for every
    decision would stall the UI. The inbox read the ledger when it last
    reloaded and knows every change it made since; it uses this only while
    ``GetProjectStateChangeCount`` says nothing else changed the project.
    """
    from reaper_ext.session.live import LiveSession
    from reaper_ext.session.writer import LEDGER_SECTION

    class _CachedLedgerSession(LiveSession):
        def read_ext_state(self, section: str) -> dict[str, str]:
            if section == LEDGER_SECTION and cache is not None:
                return dict(cache)
            return super().read_ext_state(section)

        def write_ext_state(self, section: str, key: str, value: str) -> None:
            super().write_ext_state(section, key, value)
            if section == LEDGER_SECTION and cache is not None:
                cache[key] = value

        def delete_ext_state(self, section: str, key: str | None = None, *, drop_container: bool = False) -> None:
            super().delete_ext_state(section, key, drop_container=drop_container)
            if section == LEDGER_SECTION and cache is not None:
                if key:
                    cache.pop(key, None)
                else:
                    cache.clear()

        def has_ext_state_container(self) -> bool:
            return bool(cache) if cache is not None else super().has_ext_state_container()

    return _CachedLedgerSession(messages=messages)


@dataclass
class _Audition:
    """A suggestion being heard, and how to put everything back."""

    suggestion_id: str
    restore: list[Callable[[], None]] = field(default_factory=list)


@dataclass
class _Decision:
    verb: str  # "accept" / "reject"
    ids: tuple[str, ...]
    title: str


class Inbox:
    """The window: one :meth:`frame` per defer cycle.

    Parameters
    ----------
    imgui : module
        ReaImGui's Python binding (``import imgui``), or a test double of it.
    """

    def __init__(self, imgui: Any) -> None:
        self.ImGui = imgui
        ImGui = imgui
        self.ctx = ImGui.CreateContext(WINDOW_TITLE, ImGui.ConfigFlags_DockingEnable())
        self.clipper = ImGui.CreateListClipper(self.ctx)
        ImGui.Attach(self.ctx, self.clipper)  # kept alive with the context, not per frame
        # constants: the binding caches them, but one attribute lookup here beats a call per frame
        self.k_up, self.k_down = ImGui.Key_UpArrow(), ImGui.Key_DownArrow()
        self.k_accept, self.k_reject, self.k_audition, self.k_goto = ImGui.Key_A(), ImGui.Key_R(), ImGui.Key_Space(), ImGui.Key_G()
        self.cond_first_use = ImGui.Cond_FirstUseEver()
        self.focus_flags = ImGui.FocusedFlags_RootAndChildWindows()
        self.model = InboxModel()
        self.messages: list[str] = []
        self.project_path: str | None = None
        self.n_reloads = 0
        self._seen_count: int | None = None  # the state count the list (and our ledger copy) matches
        self._last_count: int | None = None  # the last count seen, to wait for changes to settle
        self._count_changed_at: float = 0.0
        self._path_checked_at = -1e9
        self._tracks: dict[str, str] = {}  # track GUID -> pointer, from the last reload
        self._ledger: dict[str, str] | None = None  # the ledger section as of the last reload + our own changes
        self._audition: _Audition | None = None
        self._decision: _Decision | None = None
        self._action: Callable[[], None] | None = None
        self._scroll_to_selected = False
        self._progress_mtime: float | None = None
        self._progress: dict = {}
        self._stages: list[tuple[str, float]] = []  # (stage, overall fraction when it began)
        self._job_dir: Any = None
        self.is_open = True

    # -- the project and its ledger -------------------------------------------------------------------
    def poll_project(self, *, now: float | None = None) -> bool:
        """Reload the ledger when the project changed (and settled) or another project became active."""
        now = time.monotonic() if now is None else now
        count = _state_change_count()
        switched = False
        if now - self._path_checked_at >= PROJECT_PATH_EVERY_SEC:
            self._path_checked_at = now
            path = api.project_file()
            switched = path != self.project_path
            self.project_path = path
        if switched or self._seen_count is None:
            self.stop_audition()  # its pointers belong to the project we left
            self._reload(count)
            return True
        if count != self._seen_count:
            if count != self._last_count:  # still moving (a fader drag): wait until it has been quiet a while
                self._last_count, self._count_changed_at = count, now
            if now - self._count_changed_at >= RELOAD_SETTLE_SEC:
                self._reload(count)
                return True
        return False

    def _reload(self, count: int) -> None:
        from reaper_ext.session.writer import LEDGER_SECTION
        from reaper_ext.suggest.ledger import read_ledger

        self._tracks = {}
        order = {}
        for index in range(api.count_tracks()):
            track = api.get_track(index)
            if track is not None:
                guid = api.track_guid(track)
                self._tracks[guid] = track
                order[guid] = index
        self._ledger = api.enum_ext_state(LEDGER_SECTION)
        entries, damaged = read_ledger(_ledger_session(self._ledger, []))
        self.model.set_pending(pending_from_ledger(entries, order))
        if damaged:
            self.messages = damaged[:3]
        self._seen_count = self._last_count = count
        self.n_reloads += 1

    def _track(self, guid: str) -> str | None:
        if guid == TARGET_MASTER:
            return api.master_track()
        track = self._tracks.get(guid)
        if track is not None and api.track_index(track) >= 0:
            return track
        for index in range(api.count_tracks()):
            candidate = api.get_track(index)
            if candidate is not None and api.track_guid(candidate) == guid:
                self._tracks[guid] = candidate
                return candidate
        return None

    # -- decisions ---------------------------------------------------------------------------------------
    def decide(self, verb: str, members: list[Pending], title: str) -> None:
        """Accept or reject ``members`` as one undo point ``"reaper-ext: <verb> <title>"`` (runs after the frame)."""
        if members:
            self._decision = _Decision(verb, tuple(p.id for p in members), title)

    def _run_decision(self, decision: _Decision) -> None:
        from reaper_ext.suggest.ledger import Selection, accept, reject

        self.stop_audition()  # decide on the project as the ledger wrote it
        count = _state_change_count()
        if count != self._seen_count:  # changed behind our back (an edit, an undo): read it again first
            self._reload(count)
        messages: list[str] = []
        session = _ledger_session(self._ledger, messages)
        act = accept if decision.verb == "accept" else reject
        api.undo_begin()
        api.prevent_ui_refresh(1)
        try:
            result = act(session, Selection(ids=decision.ids))
        finally:
            api.prevent_ui_refresh(-1)
            api.undo_end(f"reaper-ext: {decision.verb} {decision.title}")
        api.refresh_ui()
        self.model.remove(set(result.done))
        self.messages = (messages + result.messages)[:6] or [f"{decision.verb}ed: {decision.title}"]
        # our own change: no reload (2,000 ledger keys are costly to enumerate); an edit by the user still reloads
        self._seen_count = self._last_count = _state_change_count()

    # -- audition ------------------------------------------------------------------------------------------
    def toggle_audition(self, pending: Pending) -> None:
        was = self._audition.suggestion_id if self._audition else None
        self.stop_audition()
        if was != pending.id:
            self._start_audition(pending)

    def stop_audition(self) -> None:
        audition, self._audition = self._audition, None
        if audition is None:
            return
        for restore in reversed(audition.restore):
            restore()
        self._after_own_change()

    def auditioning(self) -> str | None:
        return self._audition.suggestion_id if self._audition else None

    def _after_own_change(self) -> None:
        # only when nothing else was pending: a change by the user must still be read
        if self._seen_count is not None and self._last_count == self._seen_count:
            self._seen_count = self._last_count = _state_change_count()

    def _start_audition(self, pending: Pending) -> None:
        suggestion = pending.suggestion
        kind = suggestion.kind
        audition = _Audition(suggestion.id)
        rpr = api.rpr()
        if kind in _FX_KINDS:
            track = self._track(suggestion.target)
            fx_guids = [change["fx_guid"] for change in pending.changes if change.get("op") == "fx"]
            for fx_guid in fx_guids:
                index = None if track is None else _fx_index(track, fx_guid)
                if track is None or index is None:
                    continue
                was_enabled = api.fx_enabled(track, index)
                api.fx_set_enabled(track, index, True)
                audition.restore.append(partial(_restore_fx, track, fx_guid, was_enabled))
            if not audition.restore:
                self.messages = [f"{pending.title}: its plug-in is not on the track any more"]
                return
        elif kind == "stems":
            for change in pending.changes:
                if change.get("op") != "add_track":
                    continue
                track = self._track(change["track_guid"])
                if track is None:
                    continue
                before = [("I_SOLO", api.get_track_value(track, "I_SOLO")), ("B_MUTE", api.get_track_value(track, "B_MUTE"))]
                api.set_track_value(track, "B_MUTE", 0.0)
                api.set_track_value(track, "I_SOLO", 1.0)
                audition.restore.append(partial(_restore_track_values, track, before))
        elif kind in _MARKER_KINDS:
            position_sec = float(suggestion.params.get("position_sec", 0.0))
            rpr.RPR_SetEditCurPos(position_sec, True, True)
            rpr.RPR_OnPlayButton()
            audition.restore.append(_stop_playback)
        elif kind in ("gain", "polarity", "mute_track"):
            track = self._track(suggestion.target)
            if track is None:
                self.messages = [f"{pending.title}: the track is gone"]
                return
            if kind == "gain" and (suggestion.params or {}).get("stage") == "pre_fx":
                # as the ledger's accept: every take of the track's audio items, before the FX
                factor = 10 ** (float(suggestion.params.get("gain_db", 0.0)) / 20)
                takes = _audio_takes(track)
                if not takes:
                    self.messages = [f"{pending.title}: the track has no audio takes to stage"]
                    return
                volumes = [(take, api.take_value(take, "D_VOL")) for take in takes]
                for take, volume in volumes:
                    api.set_take_value(take, "D_VOL", volume * factor)
                audition.restore.append(partial(_restore_take_volumes, volumes))
                self._audition = audition
                self.messages = [f"auditioning {pending.title} (Space or Audition again to stop)"]
                self._after_own_change()
                return
            key = {"gain": "D_VOL", "polarity": "B_PHASE", "mute_track": "B_MUTE"}[kind]
            was = api.get_track_value(track, key)
            if kind == "gain":  # a ledger entry from before gain went pre-FX: the fader, as its accept does
                value = was * 10 ** (float(suggestion.params.get("gain_db", 0.0)) / 20)
            else:
                value = 1.0 if suggestion.params.get("is_inverted" if kind == "polarity" else "is_muted", True) else 0.0
            api.set_track_value(track, key, value)
            audition.restore.append(partial(_restore_track_values, track, [(key, was)]))
        else:
            self.messages = [f"{KIND_LABELS.get(kind, kind)} changes nothing you can hear: use Go to (G) to see it"]
            return
        self._audition = audition
        self.messages = [f"auditioning {pending.title} (Space or Audition again to stop)"]
        self._after_own_change()

    # -- go to ---------------------------------------------------------------------------------------------
    def go_to(self, pending: Pending) -> None:
        """Select the suggestion's track (or item) and scroll to it; markers move the edit cursor."""
        suggestion = pending.suggestion
        rpr = api.rpr()
        params = suggestion.params or {}
        if suggestion.kind in _MARKER_KINDS:
            rpr.RPR_SetEditCurPos(float(params.get("position_sec", 0.0)), True, False)
            return
        guid = suggestion.target
        if suggestion.kind == "folder" and params.get("member_guids"):
            guid = params["member_guids"][0]
        track = self._track(guid) if guid != PROJECT_GROUP else None
        if track is None:
            self.messages = [f"{pending.title}: nothing to go to in the arrangement"]
            return
        rpr.RPR_SetOnlyTrackSelected(track)
        if suggestion.kind == "mute_item":
            for item in api.track_items(track):
                if api.item_guid(item) == params.get("item_guid"):
                    rpr.RPR_SelectAllMediaItems(api.ACTIVE_PROJECT, False)
                    rpr.RPR_SetMediaItemSelected(item, True)
                    rpr.RPR_SetEditCurPos(api.item_value(item, "D_POSITION"), True, False)
                    break
        rpr.RPR_Main_OnCommand(GOTO_SCROLL_COMMAND, 0)
        api.refresh_ui()
        self._after_own_change()

    # -- the worker's progress -------------------------------------------------------------------------------
    def poll_job(self) -> Any:
        """Return the running job (if any); its progress file is read only when its mtime moved."""
        from reaper_ext.jobs import protocol as jobs
        from reaper_ext.reaper import runner

        job = runner.current_job()
        if job is None:
            self._job_dir, self._stages, self._progress_mtime, self._progress = None, [], None, {}
            return None
        if job.job_dir != self._job_dir:
            self._job_dir, self._stages, self._progress_mtime, self._progress = job.job_dir, [], None, {}
        try:
            mtime = os.stat(job.job_dir / jobs.PROGRESS_FILE).st_mtime_ns
        except OSError:
            return job
        if mtime != self._progress_mtime:
            self._progress_mtime = mtime
            self._progress = jobs.read_progress(job.job_dir)
            stage = str(self._progress.get("stage", ""))
            fraction = float(self._progress.get("fraction", 0.0) or 0.0)
            if stage and (not self._stages or self._stages[-1][0] != stage):
                self._stages.append((stage, fraction))
                del self._stages[:-MAX_STAGES_SHOWN]
        return job

    # -- drawing ------------------------------------------------------------------------------------------------
    def frame(self) -> bool:
        """One defer cycle: poll, draw, then run what was clicked. Returns whether the window stays open."""
        ImGui, ctx = self.ImGui, self.ctx
        self.poll_project()
        job = self.poll_job()
        ImGui.SetNextWindowSize(ctx, 760, 540, self.cond_first_use)
        visible, is_open = ImGui.Begin(ctx, WINDOW_TITLE, True)
        if visible:
            try:
                self._draw(job)
            finally:
                ImGui.End(ctx)
        self.is_open = bool(is_open)
        decision, self._decision = self._decision, None
        action, self._action = self._action, None
        if decision is not None:
            self._run_decision(decision)
        if action is not None:
            action()
        return self.is_open

    def _later(self, action: Callable[[], None]) -> None:
        # project changes run after the frame: the rows being drawn stay as they are
        self._action = action

    def _draw(self, job: Any) -> None:
        ImGui, ctx, model = self.ImGui, self.ctx, self.model
        shown = len(model.shown())
        name = os.path.basename(self.project_path) if self.project_path else "(unsaved project)"
        ImGui.Text(ctx, f"{name}: {len(model.pending)} pending, {shown} shown")
        ImGui.SameLine(ctx)
        if ImGui.SmallButton(ctx, "Open report"):
            self._later(lambda: _run_action("open_report"))
        self._draw_filters()
        if job is not None:
            self._draw_progress(job)
        ImGui.Separator(ctx)
        line_px = ImGui.GetTextLineHeightWithSpacing(ctx)
        if ImGui.BeginChild(ctx, "rows", 0.0, -DETAILS_LINES * line_px):
            try:
                self._draw_rows(line_px)
            finally:
                ImGui.EndChild(ctx)
        ImGui.Separator(ctx)
        self._draw_details()
        for message in self.messages[:2]:
            ImGui.TextWrapped(ctx, message)
        ImGui.TextDisabled(ctx, HELP_LINE)
        # the keys are the window's while it has the focus and no widget (a slider being typed in) has them
        if ImGui.IsWindowFocused(ctx, self.focus_flags) and not ImGui.IsAnyItemActive(ctx):
            self._keys()

    def _draw_filters(self) -> None:
        ImGui, ctx, model = self.ImGui, self.ctx, self.model
        ImGui.Text(ctx, "Group by")
        ImGui.SameLine(ctx)
        if ImGui.RadioButton(ctx, "track", model.group_by == "track"):
            model.set_group_by("track")
        ImGui.SameLine(ctx)
        if ImGui.RadioButton(ctx, "kind", model.group_by == "kind"):
            model.set_group_by("kind")
        ImGui.SameLine(ctx)
        ImGui.SetNextItemWidth(ctx, 130.0)
        preview = KIND_LABELS.get(model.kind_filter, model.kind_filter) if model.kind_filter else "all kinds"
        if ImGui.BeginCombo(ctx, "Kind", preview):
            try:
                if ImGui.Selectable(ctx, "all kinds", model.kind_filter is None)[0]:
                    model.set_kind_filter(None)
                for kind in model.kinds():
                    if ImGui.Selectable(ctx, KIND_LABELS.get(kind, kind), model.kind_filter == kind)[0]:
                        model.set_kind_filter(kind)
            finally:
                ImGui.EndCombo(ctx)
        ImGui.SameLine(ctx)
        ImGui.SetNextItemWidth(ctx, 150.0)
        changed, pct = ImGui.SliderDouble(ctx, "Min confidence", model.min_confidence_pct, 0.0, 100.0, "%.0f%%")
        if changed:
            model.set_min_confidence(pct)
        below = model.below()
        ImGui.SameLine(ctx)
        ImGui.BeginDisabled(ctx, not below)
        if ImGui.Button(ctx, f"Reject the {len(below)} below {model.min_confidence_pct:.0f}%##below"):
            self.decide("reject", below, f"{len(below)} suggestions below {model.min_confidence_pct:.0f}% confidence")
        ImGui.EndDisabled(ctx)

    def _draw_progress(self, job: Any) -> None:
        ImGui, ctx = self.ImGui, self.ctx
        progress = self._progress
        fraction = min(max(float(progress.get("fraction", 0.0) or 0.0), 0.0), 1.0)
        eta = progress.get("eta_sec")
        left = f", about {eta:.0f} s left" if isinstance(eta, (int, float)) else ""
        ImGui.Text(ctx, f"Analysis running: {100 * fraction:.0f}%{left}")
        ImGui.SameLine(ctx)
        if ImGui.SmallButton(ctx, "Cancel"):
            self._later(lambda: _run_action("cancel"))
        ImGui.ProgressBar(ctx, fraction, -1.0, 0.0, f"{100 * fraction:.0f}% overall")
        for n, (stage, began) in enumerate(self._stages):
            is_current = n == len(self._stages) - 1
            # a stage's bar: full once the next stage began; the current one from where it began to now
            share = 1.0 if not is_current else (fraction - began) / max(1e-9, 1.0 - began)
            ImGui.ProgressBar(ctx, min(max(share, 0.0), 1.0), -1.0, 0.0, stage)
        current = self._stages[-1][0] if self._stages else ""
        if ":" in current:
            ImGui.Text(ctx, "Current track: " + current.split(":", 1)[0])

    def _draw_rows(self, line_px: float) -> None:
        ImGui, ctx, model = self.ImGui, self.ctx, self.model
        rows = model.rows()
        selected_row = model.selected_row()
        if self._scroll_to_selected and selected_row is not None:
            self._scroll_to_selected = False
            top_px, height_px = ImGui.GetScrollY(ctx), ImGui.GetWindowHeight(ctx)
            row_px = selected_row * line_px
            if row_px < top_px or row_px + line_px > top_px + height_px:
                ImGui.SetScrollY(ctx, max(0.0, row_px - 0.5 * height_px))
        clipper = self.clipper
        ImGui.ListClipper_Begin(clipper, len(rows))
        if selected_row is not None:
            ImGui.ListClipper_IncludeItemByIndex(clipper, selected_row)  # its keys act on it: keep it submitted
        auditioning = self.auditioning()
        while ImGui.ListClipper_Step(clipper):
            start, end = ImGui.ListClipper_GetDisplayRange(clipper)
            for index in range(start, end):
                row = rows[index]
                if row.pending is None:
                    self._draw_group(row)
                else:
                    self._draw_row(row.pending, index == selected_row, row.pending.id == auditioning)

    def _draw_group(self, row: Row) -> None:
        ImGui, ctx = self.ImGui, self.ctx
        ImGui.PushID(ctx, "group:" + row.group)
        is_collapsed = row.group in self.model.collapsed
        if ImGui.SmallButton(ctx, "+" if is_collapsed else "-"):
            self.model.toggle_group(row.group)
        ImGui.SameLine(ctx)
        ImGui.Text(ctx, f"{row.label} ({row.count})")
        ImGui.SameLine(ctx)
        if ImGui.SmallButton(ctx, "Accept group"):
            members = self.model.group_members(row.group)
            self.decide("accept", members, f"{len(members)} suggestions: {row.label}")
        ImGui.SameLine(ctx)
        if ImGui.SmallButton(ctx, "Reject group"):
            members = self.model.group_members(row.group)
            self.decide("reject", members, f"{len(members)} suggestions: {row.label}")
        ImGui.PopID(ctx)

    def _draw_row(self, pending: Pending, is_selected: bool, is_auditioning: bool) -> None:
        ImGui, ctx = self.ImGui, self.ctx
        why = pending.suggestion.why
        ImGui.PushID(ctx, pending.id)
        if ImGui.Selectable(ctx, pending.title, is_selected, 0, TITLE_WIDTH_PX, 0.0)[0]:
            self.model.select(pending.id)
        if ImGui.IsItemHovered(ctx):
            ImGui.SetTooltip(ctx, why or pending.title)
        ImGui.SameLine(ctx)
        ImGui.Text(ctx, f"{pending.confidence_pct:3.0f}%")
        ImGui.SameLine(ctx)
        self._row_buttons(pending, is_auditioning, small=True)
        ImGui.SameLine(ctx)
        ImGui.Text(ctx, why)
        ImGui.PopID(ctx)

    def _row_buttons(self, pending: Pending, is_auditioning: bool, *, small: bool) -> None:
        ImGui, ctx = self.ImGui, self.ctx
        button = ImGui.SmallButton if small else ImGui.Button
        if button(ctx, "Stop##audition" if is_auditioning else "Audition"):
            self._later(lambda: self.toggle_audition(pending))
        ImGui.SameLine(ctx)
        if button(ctx, "Accept"):
            self.decide("accept", [pending], pending.title)
        ImGui.SameLine(ctx)
        if button(ctx, "Reject"):
            self.decide("reject", [pending], pending.title)
        ImGui.SameLine(ctx)
        if button(ctx, "Go to"):
            self._later(lambda: self.go_to(pending))

    def _draw_details(self) -> None:
        ImGui, ctx = self.ImGui, self.ctx
        pending = self.model.selected()
        if pending is None:
            ImGui.TextDisabled(ctx, "No suggestion selected" if self.model.pending else "No suggestions waiting in this project")
            return
        suggestion = pending.suggestion
        ImGui.PushID(ctx, "details")
        ImGui.Text(ctx, f"{pending.title}  ({suggestion.kind}, {pending.confidence_pct:.0f}% sure, id {suggestion.id})")
        ImGui.TextWrapped(ctx, suggestion.why or "(no reason recorded)")
        self._row_buttons(pending, pending.id == self.auditioning(), small=False)
        ImGui.PopID(ctx)

    def _keys(self) -> None:
        ImGui, ctx, model = self.ImGui, self.ctx, self.model
        for key, step in ((self.k_down, 1), (self.k_up, -1)):
            if ImGui.IsKeyPressed(ctx, key) and model.move(step):
                self._scroll_to_selected = True
                self._later(self.stop_audition)  # moving on stops what was being heard
        pending = model.selected()
        if pending is None:
            return
        if ImGui.IsKeyPressed(ctx, self.k_accept, False):
            self.decide("accept", [pending], pending.title)
        elif ImGui.IsKeyPressed(ctx, self.k_reject, False):
            self.decide("reject", [pending], pending.title)
        elif ImGui.IsKeyPressed(ctx, self.k_audition, False):
            self._later(lambda: self.toggle_audition(pending))
        elif ImGui.IsKeyPressed(ctx, self.k_goto, False):
            self._later(lambda: self.go_to(pending))

    def close(self) -> None:
        """Put back what was being auditioned (the window closed)."""
        self.stop_audition()


def _fx_index(track: str, fx_guid: str) -> int | None:
    for index in range(api.fx_count(track)):
        if api.fx_guid(track, index) == fx_guid:
            return index
    return None


def _audio_takes(track: str) -> list[str]:
    """Every take of the track's audio items (MIDI items left alone, as the ledger's gain accept does)."""
    takes = []
    for item in api.track_items(track):
        for take in api.item_takes(item):
            source = None if take is None else api.take_source(take)
            if take is not None and (source is None or api.source_type(source).upper() != "MIDI"):
                takes.append(take)
    return takes


def _restore_take_volumes(volumes: list[tuple[str, float]]) -> None:
    for take, volume in volumes:
        api.set_take_value(take, "D_VOL", volume)


def _restore_track_values(track: str, values: list[tuple[str, float]]) -> None:
    for key, value in values:
        api.set_track_value(track, key, value)


def _stop_playback() -> None:
    api.rpr().RPR_OnStopButton()


def _restore_fx(track: str, fx_guid: str, is_enabled: bool) -> None:
    index = _fx_index(track, fx_guid)
    if index is not None:
        api.fx_set_enabled(track, index, is_enabled)


def _run_action(kind: str) -> None:
    from reaper_ext.reaper.runner import run_action

    run_action(kind)


# -- the action and its defer loop ------------------------------------------------------------------------
_inbox: Inbox | None = None


def current_inbox() -> Inbox | None:
    return _inbox


def open_inbox() -> Inbox | None:
    """Open the window (what the action runs), or say in one line how to get ReaImGui."""
    global _inbox
    from reaper_ext.reaper.imgui import load_imgui

    if _inbox is not None and _inbox.is_open:
        return _inbox  # already open: its defer loop is running
    imgui, problem = load_imgui(IMGUI_FUNCTIONS)
    if imgui is None:
        api.console("reaper-ext: " + problem)
        return None
    try:
        _inbox = Inbox(imgui)
    except Exception as error:  # never a traceback dialog in REAPER
        api.console(f"reaper-ext: the Suggestion inbox could not start: {type(error).__name__}: {error}")
        return None
    api.defer(LOOP_CODE)
    return _inbox


def tick() -> None:
    """One defer cycle of the window; reschedules itself while the window is open."""
    global _inbox
    inbox = _inbox
    if inbox is None:
        return
    try:
        is_open = inbox.frame()
    except Exception as error:
        is_open = False
        api.console(f"reaper-ext: the Suggestion inbox stopped: {type(error).__name__}: {error}")
    if is_open:
        api.defer(LOOP_CODE)
        return
    try:
        inbox.close()
    finally:
        _inbox = None

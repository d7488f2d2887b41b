"""A ReaImGui test double built from ReaImGui's own API declarations.

``reaimgui_api.json`` (made by ``extract_api.py`` from cfillion/reaimgui's
``api/*.cpp``, commit recorded in the file) declares every function the Python
binding has. :class:`ImGuiDouble` turns each into a Python function that
behaves like the generated binding (``tools/genbinding.cpp``,
``pythonBinding``):

- the parameters are the declared inputs (buffer sizes and pure outputs are
  not parameters), optional ones default to ``None``; a wrong count is a
  ``TypeError`` as in Python;
- each argument is packed as the binding packs it (``c_bool``/``c_int``/
  ``c_double`` for scalars and scalar pointers, ``str(v).encode()`` for
  strings, ``c_void_p`` for objects), so a wrong type fails the same way;
  an object argument must be a live object of the declared type (ReaImGui's
  ``assertValid`` raises otherwise);
- it returns the result and every output in order, a bare value when that is
  one element, ``int`` for ``bool``/``int`` outputs, ``float`` for ``double``.

On top of the binding's rules, the double checks what Dear ImGui asserts and
ReaImGui turns into script errors: ``End*`` only after a ``Begin*`` that
returned true (ReaImGui's ``Begin`` ends a hidden window itself), push/pop
balance, an empty stack when a frame ends, widgets only inside a window, a
context and unattached objects dying after a defer cycle without use.

A test drives it frame by frame (:meth:`ImGuiDouble.end_frame` after each
defer cycle), scripts input (:meth:`click`, :meth:`press`, :meth:`set_value`,
:meth:`open_combo`, :meth:`close_window`) and reads what was drawn
(:attr:`calls`, :meth:`frame_calls`, :meth:`texts`). Constants get values of
the double's own (distinct per name; bit flags per ``*Flags_*`` group): code
must read them through the functions, never hard-code them, exactly as with
the real binding.
"""

from __future__ import annotations

import ctypes
import json
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

API_JSON = Path(__file__).resolve().parent / "reaimgui_api.json"

#: Begin-like function -> (its End, whether End is due only when Begin returned true)
PAIRS = {
    "Begin": ("End", True), "BeginChild": ("EndChild", True), "BeginCombo": ("EndCombo", True),
    "BeginTable": ("EndTable", True), "BeginListBox": ("EndListBox", True), "BeginMenu": ("EndMenu", True),
    "BeginMenuBar": ("EndMenuBar", True), "BeginPopup": ("EndPopup", True), "BeginPopupModal": ("EndPopup", True),
    "BeginPopupContextItem": ("EndPopup", True), "BeginPopupContextWindow": ("EndPopup", True),
    "BeginTooltip": ("EndTooltip", True), "BeginItemTooltip": ("EndTooltip", True), "BeginTabBar": ("EndTabBar", True),
    "BeginTabItem": ("EndTabItem", True), "TreeNode": ("TreePop", True), "TreeNodeEx": ("TreePop", True),
    "BeginGroup": ("EndGroup", False), "BeginDisabled": ("EndDisabled", False), "PushID": ("PopID", False),
    "PushItemWidth": ("PopItemWidth", False), "PushTextWrapPos": ("PopTextWrapPos", False),
    "PushFont": ("PopFont", False), "PushClipRect": ("PopClipRect", False),
}
ENDS = {end: begin for begin, (end, _) in PAIRS.items()}
#: functions that draw an item with a label (for clicks and records)
CLICKABLE = {"Button", "SmallButton", "ArrowButton", "InvisibleButton", "Selectable", "Checkbox", "RadioButton",
             "MenuItem", "CollapsingHeader", "TreeNode"}
#: widgets (they need a current window: the inbox never relies on Dear ImGui's implicit debug window)
WIDGET_PREFIXES = ("Text", "Button", "SmallButton", "ArrowButton", "InvisibleButton", "Selectable", "Checkbox",
                   "Radio", "Slider", "Drag", "Input", "Combo", "BeginCombo", "BeginChild", "BeginTable", "BeginListBox",
                   "Separator", "SameLine", "ProgressBar", "Bullet", "Spacing", "Dummy", "NewLine", "Indent", "Image",
                   "Plot", "ColorEdit", "ColorPicker", "ColorButton", "CollapsingHeader", "TreeNode", "LabelText")
RESOURCE_TYPES = {"Context", "ListClipper", "DrawListSplitter", "Font", "Function", "Image", "Bitmap", "ImageSet",
                  "TextFilter", "DrawListProxy", "ViewportProxy"}
SUBTYPES = {"Image": {"Image", "Bitmap", "ImageSet"}, "Resource": RESOURCE_TYPES}


class ImGuiScriptError(RuntimeError):
    """What ReaImGui reports to REAPER (and aborts the script with)."""


@dataclass
class Call:
    frame: int
    name: str
    args: dict[str, Any]
    id_path: tuple[str, ...] = ()
    result: Any = None


@dataclass
class Resource:
    kind: str
    handle: int
    context: int | None
    created_frame: int
    used_frame: int
    is_attached: bool = False
    is_alive: bool = True
    state: dict = field(default_factory=dict)


def load_api(path: Path = API_JSON) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def visible_label(label: str) -> str:
    """The text Dear ImGui shows for a label: what precedes ``##`` (``###`` too)."""
    return str(label).split("##", 1)[0]


class ImGuiDouble:
    """The state behind the double's ``imgui`` module.

    Parameters
    ----------
    visible_rows : int
        How many list rows a ``ListClipper`` shows (the child window's height in rows).
    reaimgui_version : str
        What ``GetVersion`` reports.
    missing : set of str, optional
        Functions this (older) ReaImGui lacks: they are absent from the module.
    """

    ROW_HEIGHT_PX = 21.0  # what GetFrameHeightWithSpacing / GetTextLineHeightWithSpacing answer

    def __init__(self, *, visible_rows: int = 20, reaimgui_version: str = "0.10.0.2", missing: set[str] | None = None,
                 api: dict | None = None) -> None:
        self.api = api or load_api()
        self.functions: dict[str, dict] = self.api["functions"]
        self.visible_rows = visible_rows
        self.reaimgui_version = reaimgui_version
        self.missing = set(missing or ())
        self.frame = 0
        self.calls: list[Call] = []
        self.errors: list[str] = []
        self.resources: dict[int, Resource] = {}
        self._next_handle = 0x7F000000
        self.constants = self._assign_constants()
        self.key_names = {value: name for name, value in self.constants.items() if name.startswith("Key_")}
        self.stack: list[tuple[str, Any]] = []
        self.id_stack: list[str] = []
        self.window_depth = 0
        # scripted input, consumed by the next frame that matches
        self._clicks: list[tuple[str, str | None]] = []
        self._pressed: set[int] = set()
        self._values: dict[str, Any] = {}
        self._open_combos: set[str] = set()
        self._close_requested = False
        self.is_window_visible = True
        self.is_focused = True
        self.is_item_active = False  # a widget (e.g. a slider typed into) holds the keyboard
        self.hovered: str | None = None
        self.scroll_y_px: dict[str, float] = {}
        self._current_child: list[str] = []
        self.module = self._build_module()

    # -- constants ---------------------------------------------------------------------------
    def _assign_constants(self) -> dict[str, int]:
        values: dict[str, int] = {}
        bit_per_group: dict[str, int] = {}
        serial = 1000
        for name, entry in self.functions.items():
            if not entry["is_constant"]:
                continue
            group, _, member = name.partition("_")
            if group.endswith("Flags"):
                if member == "None":
                    values[name] = 0
                else:
                    bit = bit_per_group.get(group, 0)
                    bit_per_group[group] = bit + 1
                    values[name] = 1 << bit
            else:
                serial += 1
                values[name] = serial
        return values

    # -- scripted input ---------------------------------------------------------------------------
    def click(self, label: str, *, scope: str | None = None) -> None:
        """The next frame's first clickable widget showing ``label`` (and ``scope`` in its ID path) is clicked."""
        self._clicks.append((label, scope))

    def press(self, key: str) -> None:
        """``key`` (e.g. ``"Key_DownArrow"``) is pressed in the next frame."""
        self._pressed.add(self.constants[key])

    def set_value(self, label: str, value: Any) -> None:
        """The next frame's slider/input with ``label`` changes to ``value``."""
        self._values[label] = value

    def open_combo(self, label: str) -> None:
        self._open_combos.add(label)

    def close_window(self) -> None:
        """The user clicks the window's close button (Begin's p_open comes back false)."""
        self._close_requested = True

    # -- records -----------------------------------------------------------------------------------
    def frame_calls(self, frame: int | None = None) -> list[Call]:
        """Calls of ``frame`` (default: the last finished frame)."""
        frame = self.frame - 1 if frame is None else frame
        return [call for call in self.calls if call.frame == frame]

    def texts(self, frame: int | None = None) -> list[str]:
        """Every text drawn in a frame (labels of widgets included, without their ``##`` ids)."""
        out = []
        for call in self.frame_calls(frame):
            for key in ("text", "label", "overlay", "preview_value"):
                if call.args.get(key) is not None:
                    out.append(visible_label(call.args[key]) if key == "label" else str(call.args[key]))
        return out

    def widgets(self, name: str, frame: int | None = None) -> list[Call]:
        return [call for call in self.frame_calls(frame) if call.name == name]

    # -- frames ------------------------------------------------------------------------------------
    def end_frame(self) -> None:
        """The defer cycle ended: check the frame, collect unused objects, start the next frame."""
        problems = []
        if self.stack:
            problems.append(f"frame {self.frame} ended with {[kind for kind, _ in self.stack]} still open (missing End/Pop)")
        for resource in self.resources.values():
            if not resource.is_alive:
                continue
            if resource.used_frame < self.frame and not resource.is_attached:
                resource.is_alive = False  # ReaImGui: destroyed when left unused for a defer cycle
            elif resource.kind != "Context" and resource.context is not None:
                context = self.resources.get(resource.context)
                if context is None or not context.is_alive:
                    resource.is_alive = False
        for resource in self.resources.values():
            if resource.kind == "ListClipper" and resource.state.get("active"):
                resource.state["active"] = False
                problems.append("a ListClipper was still stepping at the end of the frame")
        self.stack.clear()
        self.id_stack.clear()
        self.window_depth = 0
        self._clicks.clear()
        self._pressed.clear()
        self._values.clear()
        self._open_combos.clear()
        self._close_requested = False
        self._current_child.clear()
        self.frame += 1
        if problems:  # after the clean-up: the next frame starts sane either way
            self._fail("; ".join(problems))

    def _fail(self, message: str) -> None:
        self.errors.append(message)
        raise ImGuiScriptError(message)

    # -- the module -----------------------------------------------------------------------------------
    def _build_module(self) -> types.ModuleType:
        module = types.ModuleType("imgui")
        module.__doc__ = f"ReaImGui test double (API of cfillion/reaimgui@{self.api['source']['commit'][:12]})"
        for name, entry in self.functions.items():
            if name in self.missing:
                continue
            setattr(module, name, self._make_function(name, entry))
        return module

    def _make_function(self, name: str, entry: dict) -> Callable:
        params = entry["python_params"]
        n_required = entry["n_required"]
        inputs = [a for a in entry["arguments"] if a["is_input"]]
        outputs = [a for a in entry["arguments"] if a["is_output"]]
        impl = getattr(self, "_impl_" + name, None)
        is_constant = entry["is_constant"]

        def function(*args, **kwargs):
            if len(args) > len(params):
                raise TypeError(f"{name}() takes {len(params)} positional arguments but {len(args)} were given")
            values = dict(zip(params, args, strict=False))
            for key, value in kwargs.items():
                if key not in params:
                    raise TypeError(f"{name}() got an unexpected keyword argument {key!r}")
                if key in values:
                    raise TypeError(f"{name}() got multiple values for argument {key!r}")
                values[key] = value
            missing = [p for p in params[:n_required] if p not in values]
            if missing:
                raise TypeError(f"{name}() missing required positional arguments: {missing}")
            if is_constant:
                return self.constants[name]
            unpacked: dict[str, Any] = {}
            for argument in inputs:
                value = values.get(argument["name"])
                unpacked[argument["name"]] = self._pack(name, argument, value)
            self._check_context(name, entry, unpacked)
            call = Call(self.frame, name, unpacked, tuple(self.id_stack))
            self.calls.append(call)
            result = impl(unpacked) if impl is not None else self._neutral(entry, unpacked)
            returned = self._returns(entry, outputs, unpacked, result)
            call.result = returned
            return returned

        function.__name__ = name
        function.__qualname__ = name
        return function

    def _pack(self, name: str, argument: dict, value: Any) -> Any:
        """Pack as ``pythonBinding`` does; a type the binding can't pack raises as ctypes would."""
        kind = argument["python_kind"]
        if value is None and argument["is_optional"]:
            return None
        if kind == "bool":
            return bool(ctypes.c_bool(value).value)
        if kind == "int":
            return ctypes.c_int(value).value
        if kind == "float":
            return ctypes.c_double(value).value
        if kind == "str":
            return str(value)  # rpr_packsc / rpr_packs: str(v).encode()
        if kind == "pointer":
            handle = ctypes.c_void_p(value).value
            expected = argument["c_type"].replace("class ", "").rstrip("*")
            if expected in ("void", "reaper_array", "LICE_IBitmap"):
                return handle
            resource = self.resources.get(handle) if handle is not None else None
            allowed = SUBTYPES.get(expected, {expected})
            if resource is None or not resource.is_alive or resource.kind not in allowed:
                self._fail(f"ImGui_{name}: expected a valid ImGui_{expected}*, got {value!r}")
            resource.used_frame = self.frame
            return handle
        raise TypeError(f"{name}: cannot pack {kind}")

    def _check_context(self, name: str, entry: dict, unpacked: dict) -> None:
        context = unpacked.get("ctx")
        if context is not None:
            self.resources[context].used_frame = self.frame
        if name.startswith(WIDGET_PREFIXES) and self.window_depth == 0:
            self._fail(f"ImGui_{name}: a widget outside of a Begin/End window")
        if name in PAIRS and not PAIRS[name][1]:
            self.stack.append((name, unpacked.get("disabled", True) if name == "BeginDisabled" else None))
        elif name in ENDS:
            begin = ENDS[name]
            if not self.stack or not (self.stack[-1][0] == begin or PAIRS.get(self.stack[-1][0], ("",))[0] == name):
                self._fail(f"ImGui_{name}: no matching {begin} on the stack (stack: {[k for k, _ in self.stack]})")
            self.stack.pop()
            if name == "End" or name == "EndChild":
                self.window_depth -= 1
            if name == "PopID":
                self.id_stack.pop()

    def _neutral(self, entry: dict, unpacked: dict) -> Any:
        """What an un-modelled call gives: nothing happened (false, zero, empty)."""
        return {"bool": False, "int": 0, "float": 0.0, "str": "", "pointer": None, "none": None}[entry["return_kind"]]

    def _returns(self, entry: dict, outputs: list[dict], unpacked: dict, result: Any) -> Any:
        """The binding's return: result (if not void) then every output; bare when one element."""
        out_values = {}
        if isinstance(result, _WithOutputs):
            out_values, result = result.outputs, result.value
        elements = []
        if entry["return_type"] != "void":
            kind = entry["return_kind"]
            elements.append(bool(result) if kind == "bool" else int(result) if kind == "int" else float(result)
                            if kind == "float" else str(result) if kind == "str" else result)
        for argument in outputs:
            name = argument["name"]
            if argument["is_optional"] and unpacked.get(name) is None:
                elements.append(None)
                continue
            value = out_values.get(name, unpacked.get(name))
            kind = argument["python_kind"]
            if kind in ("bool", "int"):
                elements.append(int(value or 0))  # pythonScalarType: bool and int both come back as int
            elif kind == "float":
                elements.append(float(value or 0.0))
            elif kind == "str":
                elements.append(str(value or ""))
            else:
                elements.append(value)
        if not elements:
            return None
        return elements[0] if len(elements) == 1 else tuple(elements)

    # -- helpers for implementations ---------------------------------------------------------------------
    def _new_resource(self, kind: str, context: int | None) -> int:
        self._next_handle += 0x100
        self.resources[self._next_handle] = Resource(kind, self._next_handle, context, self.frame, self.frame)
        return self._next_handle

    def _is_disabled(self) -> bool:
        return any(kind == "BeginDisabled" and is_disabled for kind, is_disabled in self.stack)

    def _take_click(self, label: str) -> bool:
        if self._is_disabled():
            return False  # Dear ImGui: items between BeginDisabled(true) and EndDisabled don't react
        shown = visible_label(label)
        for n, (wanted, scope) in enumerate(self._clicks):
            if wanted == shown and (scope is None or scope in self.id_stack or scope in str(label)):
                del self._clicks[n]
                return True
        return False

    # -- modelled functions ---------------------------------------------------------------------------------
    def _impl_CreateContext(self, a):
        return self._new_resource("Context", None)

    def _impl_CreateListClipper(self, a):
        return self._new_resource("ListClipper", a["ctx"])

    def _impl_Attach(self, a):
        self.resources[a["obj"]].is_attached = True

    def _impl_Detach(self, a):
        self.resources[a["obj"]].is_attached = False

    def _impl_ValidatePtr(self, a):
        resource = self.resources.get(a["pointer"])
        wanted = str(a["type"]).replace("ImGui_", "").rstrip("*")
        return bool(resource and resource.is_alive and resource.kind in SUBTYPES.get(wanted, {wanted}))

    def _impl_GetVersion(self, a):
        return _WithOutputs(None, {"imgui_version": "1.91.9b", "imgui_version_num": 19191,
                                   "reaimgui_version": self.reaimgui_version})

    def _impl_Begin(self, a):
        is_visible = self.is_window_visible
        p_open = a.get("p_open")
        outputs = {}
        if p_open is not None:
            outputs["p_open"] = bool(p_open) and not self._close_requested
        if is_visible:
            self.stack.append(("Begin", a["name"]))
            self.window_depth += 1
        return _WithOutputs(is_visible, outputs)

    def _impl_BeginChild(self, a):
        self.stack.append(("BeginChild", a["str_id"]))
        self.window_depth += 1
        self._current_child.append(a["str_id"])
        return True

    def _impl_EndChild(self, a):
        if self._current_child:
            self._current_child.pop()

    def _impl_BeginCombo(self, a):
        is_open = visible_label(a["label"]) in self._open_combos
        if is_open:
            self.stack.append(("BeginCombo", a["label"]))
        return is_open

    def _impl_BeginTable(self, a):
        self.stack.append(("BeginTable", a["str_id"]))
        return True

    def _impl_PushID(self, a):
        self.id_stack.append(str(a["str_id"]))

    def _impl_Button(self, a):
        return self._take_click(a["label"])

    _impl_SmallButton = _impl_Button

    def _impl_Selectable(self, a):
        clicked = self._take_click(a["label"])
        selected = a.get("p_selected")
        return _WithOutputs(clicked, {"p_selected": (not selected) if clicked else selected})

    def _impl_Checkbox(self, a):
        clicked = self._take_click(a["label"])
        return _WithOutputs(clicked, {"v": (not a["v"]) if clicked else a["v"]})

    def _impl_RadioButton(self, a):
        return self._take_click(a["label"])

    def _slider(self, a, key="v"):
        label = visible_label(a["label"])
        if label in self._values:
            return _WithOutputs(True, {key: self._values.pop(label)})
        return _WithOutputs(False, {key: a[key]})

    def _impl_SliderDouble(self, a):
        return self._slider(a)

    _impl_SliderInt = _impl_SliderDouble
    _impl_DragDouble = _impl_SliderDouble

    def _impl_IsKeyPressed(self, a):
        return a["key"] in self._pressed

    def _impl_IsWindowFocused(self, a):
        return self.is_focused

    def _impl_IsAnyItemActive(self, a):
        return self.is_item_active

    def _impl_IsItemHovered(self, a):
        last = next((call for call in reversed(self.calls) if call.name in CLICKABLE or call.name.startswith("Text")), None)
        return bool(self.hovered and last is not None and self.hovered in str(last.args.get("label") or last.args.get("text")))

    def _impl_GetFrameHeightWithSpacing(self, a):
        return self.ROW_HEIGHT_PX

    _impl_GetTextLineHeightWithSpacing = _impl_GetFrameHeightWithSpacing

    def _impl_GetFrameHeight(self, a):
        return self.ROW_HEIGHT_PX - 4.0

    def _impl_GetTextLineHeight(self, a):
        return self.ROW_HEIGHT_PX - 4.0

    def _impl_GetContentRegionAvail(self, a):
        return _WithOutputs(None, {"x": 600.0, "y": self.visible_rows * self.ROW_HEIGHT_PX + 200.0})

    def _impl_GetWindowHeight(self, a):
        if self._current_child:
            return self.visible_rows * self.ROW_HEIGHT_PX
        return self.visible_rows * self.ROW_HEIGHT_PX + 200.0

    def _child_key(self) -> str:
        return self._current_child[-1] if self._current_child else ""

    def _impl_GetScrollY(self, a):
        return self.scroll_y_px.get(self._child_key(), 0.0)

    def _impl_SetScrollY(self, a):
        self.scroll_y_px[self._child_key()] = max(0.0, a["scroll_y"])

    def _impl_GetTime(self, a):
        return self.frame / 30.0

    def _impl_NumericLimits_Float(self, a):
        return _WithOutputs(None, {"min": 1.175494e-38, "max": 3.402823e38})

    # ListClipper: the rows in view (from the child's scroll position) plus those included by index
    def _impl_ListClipper_Begin(self, a):
        state = self.resources[a["clipper"]].state
        if state.get("active"):
            self._fail("ListClipper_Begin while the clipper is still stepping")
        if self.window_depth == 0:
            self._fail("ListClipper_Begin outside a window")
        count = a["items_count"]
        first = int(self.scroll_y_px.get(self._child_key(), 0.0) // self.ROW_HEIGHT_PX)
        first = max(0, min(first, max(0, count - self.visible_rows)))
        state.update(active=True, count=count, ranges=[(first, min(count, first + self.visible_rows))], started=False)

    def _impl_ListClipper_IncludeItemByIndex(self, a):
        state = self.resources[a["clipper"]].state
        if not state.get("active") or state.get("started"):
            self._fail("ListClipper_IncludeItemByIndex must come after Begin and before the first Step")
        index = a["item_index"]
        if 0 <= index < state["count"] and not any(lo <= index < hi for lo, hi in state["ranges"]):
            state["ranges"].append((index, index + 1))

    def _impl_ListClipper_Step(self, a):
        state = self.resources[a["clipper"]].state
        if not state.get("active"):
            return False
        state["started"] = True
        ranges = [r for r in state["ranges"] if r[1] > r[0]]
        if not ranges:
            state.update(active=False, display=(0, 0))
            return False
        state["display"] = ranges.pop(0)
        state["ranges"] = ranges
        return True

    def _impl_ListClipper_GetDisplayRange(self, a):
        start, end = self.resources[a["clipper"]].state.get("display", (0, 0))
        return _WithOutputs(None, {"display_start": start, "display_end": end})

    def _impl_ListClipper_End(self, a):
        self.resources[a["clipper"]].state["active"] = False


@dataclass
class _WithOutputs:
    value: Any
    outputs: dict


def frames_per_defer(fake, double: ImGuiDouble, n: int = 1) -> None:
    """Run ``n`` REAPER defer cycles, each one ImGui frame."""
    for _ in range(n):
        fake.run_defer_cycle()
        double.end_frame()

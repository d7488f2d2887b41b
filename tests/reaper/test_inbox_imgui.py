"""ReaImGui's declarations, the double built from them, and the inbox's calls checked against both."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reaper.imgui.double import API_JSON, ImGuiDouble, ImGuiScriptError
from tests.reaper.imgui.extract_api import parse_file

REPO = Path(__file__).resolve().parents[2]
INBOX = REPO / "reaper_ext" / "reaper" / "inbox.py"

# Declarations copied verbatim from cfillion/reaimgui (commit fa64fae, api/button.cpp,
# api/listclipper.cpp, api/utility.cpp, api/context.cpp): the extractor must read them as
# tools/genbinding.cpp does.
REAL_DECLARATIONS = r'''
#define API_CONFIGVAR(vernum, name, doc) \
  API_FUNC(vernum, int, ConfigVar##_##name, API_NO_ARGS, doc) \
    { return __COUNTER__ - baseConfigVar - 1; }

API_FUNC(0_1, bool, Button, (Context*,ctx)
(const char*,label) (RO<double*>,size_w,0.0) (RO<double*>,size_h,0.0),
"")
{
  FRAME_GUARD;
  return ImGui::Button(label, ImVec2(API_GET(size_w), API_GET(size_h)));
}

API_FUNC(0_1, bool, Checkbox, (Context*,ctx)
(const char*,label) (RW<bool*>,v),
"")

API_FUNC(0_1, bool, RadioButton, (Context*,ctx)
(const char*,label) (bool,active),
R"(Use with e.g. if (RadioButton("one", my_value==1)) { my_value = 1; })")

API_FUNC(0_3, void, ListClipper_GetDisplayRange, (ListClipper*,clipper)
(W<int*>,display_start) (W<int*>,display_end),
"")

API_FUNC(0_1, void, ProgressBar, (Context*,ctx)
(double,fraction)
(RO<double*>,size_arg_w,-FLT_MIN) (RO<double*>,size_arg_h,0.0)
(RO<const char*>,overlay),
R"(Fraction < 0.0 displays an indeterminate progress bar animation since v0.9.1.
The value must be animated along with time, for example `-1.0 * ImGui.GetTime()`.)")

API_FUNC(0_7, void, GetVersion,
(W<char*>,imgui_version) (WS<int>,imgui_version_sz)
(W<int*>,imgui_version_num)
(W<char*>,reaimgui_version) (WS<int>,reaimgui_version_sz),
"")

NUMERIC_LIMITS(0_4,   Float,  double, FLT_MIN, FLT_MAX);
API_CONFIGVAR(0_7, Flags, "ConfigFlags_*");
API_ENUM(0_6, Key_UpArrow,    "");
static_assert(true, "forgot to API_CONFIGVAR() a config var?");
'''


def _by_name(entries):
    return {entry["name"]: entry for entry in entries}


def test_extractor_reads_declarations_as_the_binding_generator_does():
    found, eel = parse_file("api/sample.cpp", REAL_DECLARATIONS)
    functions = _by_name(found)
    assert eel == [] and sorted(functions) == ["Button", "Checkbox", "ConfigVar_Flags", "GetVersion", "Key_UpArrow",
                                                "ListClipper_GetDisplayRange", "NumericLimits_Float", "ProgressBar",
                                                "RadioButton"]
    button = functions["Button"]
    assert (button["python_params"], button["n_required"], button["python_returns"]) == (["ctx", "label", "size_w", "size_h"], 2, "value")
    checkbox = functions["Checkbox"]  # RW<bool*>: an input that comes back
    assert checkbox["python_params"] == ["ctx", "label", "v"] and checkbox["python_return_names"] == ["retval", "v"]
    assert functions["RadioButton"]["python_params"] == ["ctx", "label", "active"]  # raw-string help with parens and commas
    display = functions["ListClipper_GetDisplayRange"]  # W<int*>: outputs only, not parameters
    assert display["python_params"] == ["clipper"] and display["python_return_names"] == ["display_start", "display_end"]
    progress = functions["ProgressBar"]
    assert progress["n_required"] == 2 and progress["n_params"] == 5 and progress["python_returns"] == "none"
    assert [a["default"] for a in progress["arguments"]] == [None, None, "-FLT_MIN", "0.0", None]
    version = functions["GetVersion"]  # WS<int> buffer sizes are neither parameters nor results
    assert version["python_params"] == [] and version["python_return_names"] == ["imgui_version", "imgui_version_num", "reaimgui_version"]
    assert functions["NumericLimits_Float"]["python_return_names"] == ["min", "max"]
    assert functions["ConfigVar_Flags"]["is_constant"] and functions["Key_UpArrow"]["is_constant"]
    assert [a["decorated_name"] for a in checkbox["arguments"]] == ["ctx", "label", "vInOut"]


def test_declarations_file_names_its_source_and_agrees_with_reaimgui_own_python_example():
    data = json.loads(API_JSON.read_text(encoding="utf-8"))
    assert data["source"]["repository"] == "cfillion/reaimgui" and re.fullmatch(r"[0-9a-f]{40}", data["source"]["commit"])
    assert data["n_functions"] == len(data["functions"]) > 900
    functions = data["functions"]

    def n_returned(name):
        return len(functions[name]["python_return_names"])

    # examples/track_manager.py at the same commit unpacks these results:
    #   visible, open = ImGui.Begin(ctx, "Track manager", True)
    #   displayStart, displayEnd = ImGui.ListClipper_GetDisplayRange(clipper)
    #   changed, checked = ImGui.Checkbox(ctx, "##" + param, value)
    #   changed, name = ImGui.InputText(ctx, "##name", name, 0)
    #   FLT_MIN, FLT_MAX = ImGui.NumericLimits_Float()
    #   selectable = ImGui.Selectable(ctx, ti + 1, selected, flags); selectable[0]
    #   if ImGui.BeginTable(ctx, "tracks", 12, flags): ...; ImGui.ListClipper_Begin(clipper, trackCount)
    assert [n_returned(n) for n in ("Begin", "ListClipper_GetDisplayRange", "Checkbox", "InputText", "NumericLimits_Float",
                                    "Selectable")] == [2, 2, 2, 2, 2, 2]
    assert functions["BeginTable"]["n_required"] <= 4 <= functions["BeginTable"]["n_params"]
    assert functions["ListClipper_Begin"]["n_required"] == 2 and functions["InputText"]["n_required"] == 3
    assert functions["ColorEditFlags_NoInputs"]["is_constant"] and functions["Cond_FirstUseEver"]["is_constant"]


def _imgui_calls(path: Path) -> list[tuple[str, int, set[str]]]:
    """``(name, positional count, keyword names)`` of every ``ImGui.X(...)`` call in a file."""
    calls = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                and node.func.value.id == "ImGui":
            calls.append((node.func.attr, len(node.args), {kw.arg for kw in node.keywords}))
    return calls


def test_every_imgui_call_in_the_inbox_is_declared_with_a_valid_arity():
    from reaper_ext.reaper.inbox import IMGUI_FUNCTIONS

    functions = json.loads(API_JSON.read_text(encoding="utf-8"))["functions"]
    calls = _imgui_calls(INBOX)
    assert len({name for name, _, _ in calls}) > 30, "the scan found too few ImGui calls"
    wrong = [(name, n) for name, n, keywords in calls
             if name not in functions or not functions[name]["n_required"] <= n + len(keywords) <= functions[name]["n_params"]
             or not keywords <= set(functions[name]["python_params"])]
    assert not wrong, wrong
    # the list load_imgui checks before opening is exactly what the code calls (SmallButton/Button via a variable too)
    called = {name for name, _, _ in calls} | {"SmallButton", "Button"}
    assert set(IMGUI_FUNCTIONS) == called
    assert all(name in functions for name in IMGUI_FUNCTIONS)


def test_double_is_as_strict_as_the_binding():
    double = ImGuiDouble()
    ImGui = double.module
    ctx = ImGui.CreateContext("test")
    with pytest.raises(AttributeError):
        ImGui.ImGui_Button  # noqa: B018 (the Python module has no ImGui_ prefix)
    with pytest.raises(TypeError):
        ImGui.Button(ctx)  # label is required
    with pytest.raises(TypeError):
        ImGui.Button(ctx, "x", 0.0, 0.0, 1)  # one argument too many
    with pytest.raises(TypeError):
        ImGui.SetNextItemWidth(ctx, "wide")  # c_double("wide")
    with pytest.raises(TypeError):
        ImGui.ListClipper_Begin("(ListClipper*)0x1", 3)  # objects are integers in the Python binding
    with pytest.raises(ImGuiScriptError):
        ImGui.Text(ctx, "outside")  # a widget without a window
    visible, is_open = ImGui.Begin(ctx, "w", True)
    assert visible is True and is_open == 1 and type(is_open) is int  # bool outputs come back as int
    assert ImGui.Begin(ctx, "no close button")[1] is None  # an optional output not passed stays None
    ImGui.End(ctx)
    assert ImGui.Button(ctx, "b") is False and ImGui.Checkbox(ctx, "c", True) == (False, 1)
    assert ImGui.Key_A() != ImGui.Key_R() and ImGui.WindowFlags_None() == 0
    ImGui.PushID(ctx, "x")
    with pytest.raises(ImGuiScriptError):
        ImGui.End(ctx)  # PopID is due first
    ImGui.PopID(ctx)
    with pytest.raises(ImGuiScriptError):
        double.end_frame()  # Begin("w") was never ended
    # a context not used during a defer cycle is gone (ReaImGui: valid while used every cycle)
    double.end_frame()
    with pytest.raises(ImGuiScriptError):
        ImGui.Begin(ctx, "w")
    assert not ImGui.ValidatePtr(ctx, "ImGui_Context*")


def test_clipper_yields_the_rows_in_view_and_the_included_one():
    double = ImGuiDouble(visible_rows=5)
    ImGui = double.module
    ctx = ImGui.CreateContext("t")
    clipper = ImGui.CreateListClipper(ctx)
    ImGui.Attach(ctx, clipper)
    ImGui.Begin(ctx, "w")
    ImGui.ListClipper_Begin(clipper, 1000)
    ImGui.ListClipper_IncludeItemByIndex(clipper, 700)
    ranges = []
    while ImGui.ListClipper_Step(clipper):
        ranges.append(ImGui.ListClipper_GetDisplayRange(clipper))
    ImGui.End(ctx)
    double.end_frame()
    assert ranges == [(0, 5), (700, 701)]
    loose = ImGui.CreateListClipper(ctx)  # not attached
    double.end_frame()
    ImGui.Begin(ctx, "w")  # the context is used, neither clipper is
    ImGui.End(ctx)
    double.end_frame()
    assert ImGui.ValidatePtr(clipper, "ImGui_ListClipper*") and not ImGui.ValidatePtr(loose, "ImGui_ListClipper*")
    double.end_frame()  # a cycle without the context: it is gone, and so is what it owned
    assert not ImGui.ValidatePtr(ctx, "ImGui_Context*") and not ImGui.ValidatePtr(clipper, "ImGui_ListClipper*")


def test_inbox_side_loads_no_c_extension():
    probe = r"""
import json, sys, sysconfig, tempfile, os
sys.path.insert(0, REPO)
os.environ["REAPER_EXT_JOBS_DIR"] = tempfile.mkdtemp()
from tests.reaper.fake import reaper_python
sys.modules["reaper_python"] = reaper_python
from tests.reaper.imgui.double import ImGuiDouble
from tests.reaper.imgui.harness import frames, open_inbox
fake = reaper_python.open_project(REPO + "/examples/session/example.RPP")
before = set(sys.modules)
double = ImGuiDouble()
inbox = open_inbox(fake, double)
frames(fake, double, 3)
stdlib = sysconfig.get_paths()["stdlib"]
heavy = sorted(n for n in sys.modules if n.split(".")[0] in ("numpy", "scipy", "soundfile", "torch", "librosa", "reapy"))
mine = [n for n in set(sys.modules) - before if n.startswith("reaper_ext")]
ext = sorted(n for n in mine if (getattr(sys.modules[n], "__file__", "") or "").endswith((".so", ".pyd")))
print(json.dumps({"heavy": heavy, "ext": ext, "inbox": "reaper_ext.reaper.inbox" in sys.modules, "errors": double.errors}))
"""
    completed = subprocess.run([sys.executable, "-c", f"REPO = {str(REPO)!r}\n" + probe], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report == {"heavy": [], "ext": [], "inbox": True, "errors": []}

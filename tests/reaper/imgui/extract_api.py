"""Extract ReaImGui's script API from its sources into ``reaimgui_api.json``.

Run it against a checkout (or a bare mirror) of cfillion/reaimgui::

    python tests/reaper/imgui/extract_api.py GIT_DIR [--commit HEAD] [--out tests/reaper/imgui/reaimgui_api.json]

What it reads, and why each rule holds (all in that repository):

- ``api/*.cpp``: every ``API_FUNC(version, return type, Name, (Type,arg[,default]) ..., help)``;
  ``API_ENUM(version, Name, doc)`` / ``API_ENUM_NS(version, prefix, Name, doc)`` and
  ``API_CONFIGVAR(version, Name, doc)`` (an ``int`` function without arguments,
  named ``ConfigVar_Name``), and the three ``NUMERIC_LIMITS`` functions of
  ``api/utility.cpp``. ``API_EELFUNC`` is EEL-only (``src/api.cpp``: only
  ``ReaScriptFunc`` carries ``TargetScript``) and is left out, as are names that
  start with ``_`` (``tools/genbinding.cpp`` skips them).
- ``api/types.hpp``: the tags ``RO``, ``RW``, ``RWO``, ``W``, ``WS``, ``WB``, ``WBS``,
  ``RWB``, ``RWBS``, ``S`` decorate the argument name with ``In``, ``Out``,
  ``NeedBig``, ``Optional``, ``_sz`` in that bit order.
- ``tools/genbinding.cpp`` (``pythonBinding``): a Python function takes the
  arguments whose decorated name has no ``_sz`` suffix and that are inputs
  (no ``Out``, or ``In`` as well), optional ones (``Optional``) default to
  ``None``; it returns the result (if not void) followed by every output that
  is not a buffer size: a bare value when that is one element, a tuple when
  more. A ``bool``/``int`` output comes back as ``int(...)``, a ``double`` as
  ``float``, a string buffer as ``str``; a function of type ``int`` without
  arguments is a constant (cached).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "reaimgui_api.json"
MACROS = ("API_FUNC", "API_ENUM_NS", "API_ENUM", "API_CONFIGVAR", "NUMERIC_LIMITS", "API_EELFUNC")
# api/types.hpp: tag alias -> tag letters (bit order R, W, B, O, S)
TAGS = {"RO": "RO", "RW": "RW", "RWO": "RWO", "W": "W", "WS": "WS", "WB": "WB", "WBS": "WBS",
        "RWB": "RWB", "RWBS": "RWBS", "S": "S"}
SUFFIX = {"R": "In", "W": "Out", "B": "NeedBig", "O": "Optional", "S": "_sz"}
BIT_ORDER = "RWBOS"
# api/utility.cpp: NUMERIC_LIMITS(vernum, name, type, min, max)
NUMERIC_LIMITS_RE = re.compile(r"^NUMERIC_LIMITS\((\w+),\s*(\w+),\s*(\w+),")


def git(git_dir: str, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", git_dir, *args], check=True, capture_output=True, text=True).stdout


def strip_defines_and_comments(text: str) -> str:
    """Remove ``#define`` bodies (macro templates are not declarations) and comments, keeping strings."""
    lines, out, in_define = text.split("\n"), [], False
    for line in lines:
        if in_define or line.lstrip().startswith("#define"):
            in_define = line.rstrip().endswith("\\")
            out.append("")
            continue
        out.append(line)
    text = "\n".join(out)
    result, i, n = [], 0, len(text)
    while i < n:
        if text.startswith('R"', i):
            open_paren = text.index("(", i)
            delimiter = text[i + 2:open_paren]
            close = text.index(")" + delimiter + '"', open_paren)
            end = close + len(delimiter) + 2
            result.append(text[i:end])
            i = end
        elif text[i] == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            result.append(text[i:j + 1])
            i = j + 1
        elif text[i] == "'":
            j = i + 1
            while text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            result.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 2
        else:
            result.append(text[i])
            i += 1
    return "".join(result)


def balanced(text: str, start: int) -> int:
    """Index just past the ``)`` matching the ``(`` at ``start`` (string literals skipped)."""
    depth, i = 0, start
    while True:
        char = text[i]
        if text.startswith('R"', i):
            open_paren = text.index("(", i)
            delimiter = text[i + 2:open_paren]
            i = text.index(")" + delimiter + '"', open_paren) + len(delimiter) + 2
            continue
        if char == '"':
            i += 1
            while text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


def split_top(text: str) -> list[str]:
    """Split at top-level commas (parentheses, angle brackets and strings respected)."""
    parts, depth, current, i = [], 0, [], 0
    while i < len(text):
        char = text[i]
        if text.startswith('R"', i):
            open_paren = text.index("(", i)
            delimiter = text[i + 2:open_paren]
            end = text.index(")" + delimiter + '"', open_paren) + len(delimiter) + 2
            current.append(text[i:end])
            i = end
            continue
        if char == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            current.append(text[i:j + 1])
            i = j + 1
            continue
        if char in "(<":
            depth += 1
        elif char in ")>":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        i += 1
    parts.append("".join(current).strip())
    return parts


def version(vernum: str) -> str:
    return vernum.replace("_", ".")


def parse_argument(group: str) -> dict:
    """``(Type,name[,default])`` -> the argument as the binding sees it."""
    type_text, name, *rest = [part.strip() for part in split_top(group)]
    default = rest[0] if rest else None
    tags = ""
    match = re.match(r"^(\w+)<(.+)>$", type_text)
    if match and match.group(1) in TAGS:
        tags, type_text = TAGS[match.group(1)], match.group(2).strip()
    base = name
    if "S" in tags and base.endswith("_sz"):
        base = base[:-3]
    decorated = base + "".join(SUFFIX[bit] for bit in BIT_ORDER if bit in tags)
    is_bufsize = len(decorated) > 3 and decorated.endswith("_sz")
    is_output = "Out" in decorated
    is_input = (not is_output) or "In" in decorated
    c_type = type_text.replace(" *", "*")
    if c_type == "std::string_view":  # api/types.hpp: API_REGISTER_TYPE(std::string_view, "const char*")
        c_type = "const char*"
    return {
        "name": name,
        "decorated_name": decorated,
        "c_type": c_type,
        "tags": tags,
        "default": default,
        "is_input": is_input and not is_bufsize,
        "is_output": is_output and not is_bufsize,
        "is_optional": "Optional" in decorated,
        "is_bufsize": is_bufsize,
    }


def python_kind(c_type: str) -> str:
    """How ``pythonBinding`` packs an argument: str, bool, int, float (scalar or scalar pointer), or pointer."""
    if c_type in ("const char*", "char*"):
        return "str"
    base = c_type[:-1] if c_type.endswith("*") else c_type
    if base in ("bool", "int", "double"):
        return {"bool": "bool", "int": "int", "double": "float"}[base]
    if c_type.endswith("*"):
        return "pointer"
    if c_type == "void":
        return "none"
    raise ValueError(f"unknown type {c_type!r}")


def make_function(name: str, vernum: str, return_type: str, arguments: list[dict], source: str, line: int) -> dict:
    for argument in arguments:
        argument["python_kind"] = python_kind(argument["c_type"])
        argument["is_scalar_pointer"] = argument["c_type"].endswith("*") and argument["python_kind"] in ("bool", "int", "float")
    inputs = [a for a in arguments if a["is_input"]]
    outputs = [a for a in arguments if a["is_output"]]
    return_type = return_type.replace(" *", "*")
    n_returned = (0 if return_type == "void" else 1) + len(outputs)
    is_constant = return_type == "int" and not arguments
    return {
        "name": name,
        "since": version(vernum),
        "return_type": return_type,
        "return_kind": python_kind(return_type),
        "arguments": arguments,
        "python_params": [a["name"] for a in inputs],
        "n_required": sum(not a["is_optional"] for a in inputs),
        "n_params": len(inputs),
        "python_returns": ("none" if n_returned == 0 else "value" if n_returned == 1 else "tuple"),
        "python_return_names": (["retval"] if return_type != "void" else []) + [a["name"] for a in outputs],
        "is_constant": is_constant,
        "source": f"{source}:{line}",
    }


def parse_file(path: str, raw: str) -> tuple[list[dict], list[str]]:
    """Every script function one ``api/*.cpp`` file declares, and the EEL-only names it has."""
    functions: list[dict] = []
    eel_only: list[str] = []
    text = strip_defines_and_comments(raw)
    for match in re.finditer(r"\b(" + "|".join(MACROS) + r")\(", text):
        macro = match.group(1)
        start = match.end() - 1
        end = balanced(text, start)
        body = text[start + 1:end - 1]
        line = text.count("\n", 0, match.start()) + 1
        parts = split_top(body)
        if not body.strip():  # a mention inside a string, e.g. "forgot to API_CONFIGVAR() ..."
            continue
        if macro in ("API_FUNC", "API_EELFUNC"):
            vernum, return_type, name, args_text = parts[0], parts[1], parts[2], parts[3]
            groups = []
            if args_text.strip() != "API_NO_ARGS":
                i = 0
                while i < len(args_text):
                    if args_text[i] == "(":
                        close = balanced(args_text, i)
                        groups.append(args_text[i + 1:close - 1])
                        i = close
                    else:
                        i += 1
            entry = make_function(name, vernum, return_type, [parse_argument(g) for g in groups], path, line)
            if macro == "API_EELFUNC":
                eel_only.append(name)
                continue
        elif macro == "API_ENUM":
            entry = make_function(parts[1], parts[0], "int", [], path, line)
        elif macro == "API_ENUM_NS":
            entry = make_function(parts[2], parts[0], "int", [], path, line)
        elif macro == "API_CONFIGVAR":
            entry = make_function("ConfigVar_" + parts[1], parts[0], "int", [], path, line)
        else:  # NUMERIC_LIMITS(vernum, name, type, min, max): void NumericLimits_name(W<type*> min, W<type*> max)
            c_type = parts[2] + "*"
            arguments = [parse_argument(f"W<{c_type}>,min"), parse_argument(f"W<{c_type}>,max")]
            entry = make_function("NumericLimits_" + parts[1], parts[0], "void", arguments, path, line)
        if not entry["name"].startswith("_"):
            functions.append(entry)
    return functions, eel_only


def extract(git_dir: str, commit: str) -> dict:
    resolved = git(git_dir, "rev-parse", commit).strip()
    files = [path for path in git(git_dir, "ls-tree", "--name-only", resolved, "api/").split() if path.endswith(".cpp")]
    functions: dict[str, dict] = {}
    eel_only: list[str] = []
    for path in sorted(files):
        found, eel = parse_file(path, git(git_dir, "show", f"{resolved}:{path}"))
        eel_only += eel
        for entry in found:
            if entry["name"] in functions:
                raise ValueError(f"{entry['name']} declared twice ({functions[entry['name']]['source']}, {entry['source']})")
            functions[entry["name"]] = entry
    return {
        "source": {
            "repository": "cfillion/reaimgui",
            "commit": resolved,
            "commit_date": git(git_dir, "show", "-s", "--format=%cI", resolved).strip(),
            "files": sorted(files),
            "binding_rules": "tools/genbinding.cpp pythonBinding(); api/types.hpp tags; api/helper.hpp API_FUNC",
        },
        "n_functions": len(functions),
        "eel_only": sorted(eel_only),
        "functions": dict(sorted(functions.items())),
    }


def dump(data: dict) -> str:
    """JSON with one function per line (diffs stay readable when ReaImGui changes)."""
    head = {key: value for key, value in data.items() if key != "functions"}
    lines = ["{"] + [f" {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()] + [' "functions": {']
    items = list(data["functions"].items())
    for n, (name, entry) in enumerate(items):
        lines.append(f"  {json.dumps(name)}: {json.dumps(entry, separators=(',', ':'))}" + ("," if n + 1 < len(items) else ""))
    return "\n".join(lines + [" }", "}"]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("git_dir")
    parser.add_argument("--commit", default="HEAD")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    data = extract(args.git_dir, args.commit)
    Path(args.out).write_text(dump(data), encoding="utf-8")
    print(f"{data['n_functions']} functions from cfillion/reaimgui@{data['source']['commit'][:12]} -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

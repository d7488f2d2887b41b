"""Build ``RPR_*`` functions from REAPER's Python API list, the way REAPER's wrapper behaves.

For each function in ``tests/data/reaper_api/reaper_python_api.json`` that the
fake implements: the exact parameter count (a wrong count is a TypeError, as
in REAPER), pointer strings checked by type (a wrong type or a dead pointer
becomes NULL, i.e. None for the implementation), ``c_byte``/``c_int``/
``c_double`` conversions, and the return convention (a bare value, or a
tuple of the result and every argument with outputs filled in).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

API_JSON = Path(__file__).resolve().parents[2] / "data" / "reaper_api" / "reaper_python_api.json"
_POINTER = re.compile(r"^\((\w+\*|HWND)\)0x([0-9A-F]+)$")
_T_INDEX = re.compile(r"t\[(\d+)\]")
_P_INDEX = re.compile(r"^p(\d+)$")


def load_api() -> dict[str, dict]:
    """Every function of the list by its C name."""
    return {entry["c_name"]: entry for entry in json.loads(API_JSON.read_text())}


class Pointers:
    """Objects handed to Python as ``"(Type*)0x..."`` strings."""

    def __init__(self) -> None:
        self._by_address: dict[int, tuple[str, object]] = {}
        self._by_object: dict[int, int] = {}
        self._next = 0x10000

    def pointer(self, ptr_type: str, obj: object | None) -> str:
        if obj is None:
            return "(%s)0x%08X%08X" % (ptr_type, 0, 0)
        address = self._by_object.get(id(obj))
        if address is None:
            self._next += 0x40
            address = self._next
            self._by_object[id(obj)] = address
            self._by_address[address] = (ptr_type, obj)
        return "(%s)0x%08X%08X" % (ptr_type, address >> 32, address & 0xFFFFFFFF)

    def forget(self, obj: object) -> None:
        address = self._by_object.pop(id(obj), None)
        if address is not None:
            self._by_address.pop(address, None)

    def resolve(self, expected: str, value: object) -> object | None:
        """The object behind ``value``, or None (NULL) as REAPER's rpr_packp gives it."""
        match = _POINTER.match(str(value)) if value not in (None, 0) else None
        if match is None:
            return None
        given_type, hex_address = match.groups()
        if given_type != expected and expected != "void*":
            return None
        found = self._by_address.get(int(hex_address, 16))
        if found is None or (found[0] != given_type):
            return None
        return found[1]


def _param_kind(param: dict) -> str:
    pack = param["pack"]
    if pack.startswith("rpr_packp(") and param.get("pointer_type") != "char**":
        return "pointer"
    if pack.startswith("rpr_packsc("):
        return "string"
    if pack.startswith("rpr_packs("):
        return "buffer"
    if param["type"] == "c_void_p":
        return "byref"
    return "value"


def _convert(param: dict, value: object) -> object:
    pack = param["pack"]
    if pack.startswith("c_int("):
        return int(value)
    if pack.startswith("c_double("):
        return float(value)
    if pack.startswith("c_byte("):
        return 1 if value else 0
    return value


def _split_tuple(expr: str) -> list[str]:
    body, parts, depth, current = expr.strip()[1:-1], [], 0, ""
    for char in body:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return parts + [current.strip()] if current.strip() else parts


def make_function(entry: dict, impl, pointers: Pointers):
    """One ``RPR_`` function calling ``impl`` with unpacked arguments.

    ``impl`` returns the value for value-form functions and ``(value, outs)``
    for tuple-form ones, ``outs`` mapping parameter index to its new value.
    """
    name, params, returns = entry["name"], entry["params"], entry["returns"]
    kinds = [_param_kind(p) for p in params]
    ctype, form, expr = returns["ctype"], returns["form"], returns.get("expr")

    def wrap_result(value):
        if expr is None:
            return None
        match = re.match(r"rpr_unpackp\('([^']+)',r\)", expr) if form == "value" else None
        if match:
            return pointers.pointer(match.group(1), value)
        if ctype == "c_byte":
            return 1 if value else 0
        if ctype == "c_int":
            return int(value)
        if ctype == "c_double":
            return float(value)
        return value

    def function(*args):
        if len(args) != len(params):
            raise TypeError(f"{name}() takes {len(params)} positional arguments but {len(args)} were given")
        unpacked = []
        for param, kind, value in zip(params, kinds, args):
            if kind == "pointer":
                unpacked.append(pointers.resolve(param["pointer_type"], value))
            elif kind in ("string", "buffer"):
                unpacked.append(str(value))
            else:
                unpacked.append(_convert(param, value))
        result = impl(*unpacked)
        if form != "tuple":
            return wrap_result(result) if form == "value" else None
        value, outs = result
        elements = []
        parts = _split_tuple(expr)
        for part in parts:
            if part == "r":
                elements.append(wrap_result(value))
                continue
            if part.startswith("rpr_unpackp("):
                elements.append(pointers.pointer(re.match(r"rpr_unpackp\('([^']+)'", part).group(1), value))
                continue
            p_match = _P_INDEX.match(part)
            if p_match:
                elements.append(args[int(p_match.group(1))])
                continue
            index = int(_T_INDEX.search(part).group(1))
            out = outs.get(index, unpacked[index])
            if part.startswith("rpr_unpacks"):
                elements.append(str(out))
            elif part.startswith("int("):
                elements.append(int(out))
            else:
                elements.append(float(out))
        return tuple(elements)

    function.__name__ = name
    return function

"""One plug-in's lines inside an ``<FXCHAIN`` block, written and read back.

What REAPER 6 and 7 write for one plug-in (Ultraschall ``test.rpp``, 7.27)::

    BYPASS 1 0 0
    <VST "VST: ReaComp (Cockos)" reacomp.dll 0 DeEsser 1919247213<5653547265636D726561636F6D700000> ""
      bWNlcu9e7f4EAAAA...            (base64, see reaper_ext.fx.vst_state)
    >
    FLOATPOS 0 0 0 0
    FXID {B54EBE1B-1529-4ACC-9893-5700BE3174BF}
    WAK 0 0

``BYPASS bypassed offline 0``; on the ``<VST`` line: the display name, the
plug-in file, ``0``, the custom name (``""`` for none), the VST id followed by
``<`` the 16-byte id REAPER uses to match a VST2 to its VST3 form ``>``, and
``""``. REAPER 5 wrote the id alone (``1919247213``) and no last field; both
are read. A JSFX is ``<JS path custom-name`` and one line of slider values.
A ReaGate is written as the stock downward expander that stands in for it
(:func:`reaper_ext.fx.gate.rpp_fallback`): no real ReaGate state is known.
"""

from __future__ import annotations

import re

from reaper_ext.errors import SuggestionError
from reaper_ext.fx.gate import REAGATE, rpp_fallback
from reaper_ext.fx.jsfx import line_to_sliders, sliders_to_line
from reaper_ext.fx.reacomp import REACOMP_PLUGIN_ID, reacomp_vst_to_spec, spec_to_reacomp_vst
from reaper_ext.fx.reaeq import REAEQ_PLUGIN_ID, reaeq_vst_to_spec, spec_to_reaeq_vst
from reaper_ext.fx.spec import FxSpec, is_jsfx
from reaper_ext.fx.vst_state import VstState, decode_state_lines, encode_state_lines
from reaper_ext.session.rpp.tokens import quote, split_line

__all__ = ["COCKOS_VSTS", "CockosVst", "fx_to_rpp_lines", "rpp_lines_to_fx", "jsfx_path"]

_GUID = re.compile(r"^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$")


class CockosVst:
    """How one Cockos VST is named on its ``<VST`` line."""

    def __init__(self, display_name: str, file_name: str, plugin_id: int, vst3_id_hex: str) -> None:
        self.display_name = display_name
        self.file_name = file_name
        self.plugin_id = plugin_id
        self.vst3_id_hex = vst3_id_hex

    def id_field(self) -> str:
        return f"{self.plugin_id}<{self.vst3_id_hex}>"


#: The Cockos plug-ins this package writes; names and ids as REAPER 6.02/7.27 saved them (corpus).
COCKOS_VSTS = {
    "ReaEQ": CockosVst("VST: ReaEQ (Cockos)", "reaeq.dll", REAEQ_PLUGIN_ID, "56535472656571726561657100000000"),
    "ReaComp": CockosVst("VST: ReaComp (Cockos)", "reacomp.dll", REACOMP_PLUGIN_ID, "5653547265636D726561636F6D700000"),
}
_UNSUPPORTED = {
    "ReaXcomp": "its opaque chunk (per-band f64 records) is not decoded yet",
}


def jsfx_path(plugin: str) -> str:
    """Return the effect path of a JSFX plug-in name (``"JS:utility/volume"`` gives ``utility/volume``)."""
    return plugin[3:].strip() if plugin.startswith("JS:") else plugin


def _check_spec(spec: FxSpec) -> None:
    if spec.plugin in _UNSUPPORTED:
        raise SuggestionError(
            f"{spec.plugin} can't be written into an .RPP yet: {_UNSUPPORTED[spec.plugin]} "
            "(see docs/fx.md; use ReaComp, or a JSFX with known sliders)"
        )
    if spec.plugin not in COCKOS_VSTS and not is_jsfx(spec.plugin):
        raise SuggestionError(f"unknown plug-in {spec.plugin!r}: use one of {sorted(COCKOS_VSTS)} or 'JS:path'")
    if spec.custom_name is not None and ("\n" in spec.custom_name or "\r" in spec.custom_name):
        raise SuggestionError(f"FX custom name {spec.custom_name!r} has a line break: REAPER can't store it")


def _vst_state(spec: FxSpec) -> VstState:
    if spec.plugin == "ReaEQ":
        return spec_to_reaeq_vst(spec)
    return spec_to_reacomp_vst(spec)


def fx_to_rpp_lines(spec: FxSpec, *, indent: str, fxid_guid: str) -> list[str]:
    """Write the lines REAPER saves inside ``<FXCHAIN`` for one plug-in.

    Parameters
    ----------
    spec : FxSpec
        The plug-in and its settings.
    indent : str
        The indent of the lines (that of the chain's own lines, e.g. 6 spaces).
    fxid_guid : str
        The plug-in instance's GUID, ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}``, upper case.

    Returns
    -------
    list of str
        Lines without line endings.
    """
    if spec.plugin == REAGATE:
        # No real ReaGate state is known: write the honestly named stock expander (fx/gate.py).
        spec = rpp_fallback(spec)
    _check_spec(spec)
    if not _GUID.match(fxid_guid):
        raise SuggestionError(f"FXID {fxid_guid!r} is not an upper-case {{8-4-4-4-12}} GUID")
    name = quote(spec.custom_name or "")
    lines = [f"{indent}BYPASS {1 if spec.bypassed else 0} 0 0"]
    if is_jsfx(spec.plugin):
        if spec.bands:
            raise SuggestionError(f"JSFX {spec.plugin!r} takes sliders in params, not EQ bands")
        lines.append(f"{indent}<JS {quote(jsfx_path(spec.plugin))} {name}")
        lines.append(f"{indent}  {sliders_to_line(spec.params)}")
    else:
        vst = COCKOS_VSTS[spec.plugin]
        lines.append(f'{indent}<VST {quote(vst.display_name)} {quote(vst.file_name)} 0 {name} {vst.id_field()} ""')
        lines.extend(f"{indent}  {line}" for line in encode_state_lines(_vst_state(spec)))
    lines += [f"{indent}>", f"{indent}FLOATPOS 0 0 0 0", f"{indent}FXID {fxid_guid}", f"{indent}WAK 0 0"]
    return lines


def rpp_lines_to_fx(lines: list[str]) -> FxSpec:
    """Read one plug-in's lines (as :func:`fx_to_rpp_lines` writes them) back into an :class:`FxSpec`.

    ``BYPASS`` is optional (absent means enabled); lines after the closing
    ``>`` (``PRESETNAME``, ``FLOATPOS``, ``FXID``, ``WAK``) are ignored.
    """
    stripped = [line.strip() for line in lines]
    bypassed = False
    start = None
    for index, line in enumerate(stripped):
        if line.startswith("BYPASS"):
            values = line.split()
            bypassed = len(values) > 1 and values[1] == "1"
        elif line.startswith("<VST") or line.startswith("<JS "):
            start = index
            break
    if start is None:
        raise SuggestionError("no <VST or <JS line among the FX lines given")
    try:
        end = stripped.index(">", start + 1)
    except ValueError as exc:
        raise SuggestionError(f"the block opened by {stripped[start][:40]!r} has no closing '>'") from exc
    tokens = split_line(stripped[start][1:])
    body = stripped[start + 1 : end]
    if tokens[0] == "JS":
        custom = tokens[2] if len(tokens) > 2 and tokens[2] else None
        params = line_to_sliders(body[0]) if body else {}
        return FxSpec(plugin=f"JS:{tokens[1]}", params=params, custom_name=custom, bypassed=bypassed)
    if len(tokens) < 6:
        raise SuggestionError(f"<VST line has {len(tokens)} fields, expected at least 6: {stripped[start]!r}")
    custom = tokens[4] or None
    plugin_id = int(tokens[5].split("<", 1)[0])
    vst = decode_state_lines(body)
    if vst.plugin_id != plugin_id:
        raise SuggestionError(f"<VST line says id {plugin_id} but its state is for id {vst.plugin_id}")
    if plugin_id == REAEQ_PLUGIN_ID:
        return reaeq_vst_to_spec(vst, custom_name=custom, bypassed=bypassed)
    if plugin_id == REACOMP_PLUGIN_ID:
        return reacomp_vst_to_spec(vst, custom_name=custom, bypassed=bypassed)
    raise SuggestionError(f"plug-in {tokens[1]!r} (id {plugin_id}) is not one this package decodes")

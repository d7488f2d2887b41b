"""How the fake REAPER's stock plug-ins expose parameters, display them and save their state.

Everything here is written from ``tests/data/reaper_api/FACTS.md``, never from
the product's constants, so the self-check and the live writer are tested
against REAPER's behaviour as documented, not against themselves:

- ``TrackFX_SetEQParam(isnorm=False)``: Hz, **linear** gain, octaves; ReaEQ's
  own parameters are 3 per band (freq, gain, width) in band order, then its
  output gain (FACTS "ReaEQ": params 3b..3b+2; layout of the rest assumed).
- ReaComp: the verified indices and scalings (threshold linear, ratio
  ``(r-1)/99``), attack ``ms/500`` and release ``ms/5000`` (FACTS: uncertain,
  the fake adopts them).
- ReaGate: 0 threshold (linear), 1 attack, 2 release, 7 SignIn, 9 dry
  (FACTS, medium); the other names and every time scaling are the fake's own
  choice, on purpose not what the product assumes: the product must find
  them by name and calibrate with the display.
- Display texts as REAPER shows them for Cockos plug-ins (the issue's
  examples): ReaEQ gain ``"-3.0"``, ReaComp ratio ``"4.0:1"``, threshold
  ``"-20.0"``, times ``"3.0"`` ms, long releases ``"1.2 s"``.
- State blobs: FACTS "ReaEQ" (60-byte VST header, magic ``0xFEED5EEE``, version
  33, per band ``u32 u32 f64 f64 f64 u8``, trailer ``u32 1, u32 1, f64``) and
  the parameter list (``0xFEED5EEF``, ``0xDEADBEEF 0xDEADF00D``, f32 each),
  three base64 blobs wrapped at 128 characters.

A quirk set (``FakeReaper.fx_quirks``) makes a plug-in behave *wrongly* on
purpose, to prove the self-check catches it: ``"eq_gain_db"`` (SetEQParam
reads its gain as dB, the bug of issue 10 item 14), ``"comp_ratio_precomp_swapped"``
(ReaComp's ratio and pre-comp swapped, a shipped bug FACTS names).
"""

from __future__ import annotations

import base64
import math
import struct

# FACTS "ReaEQ": BANDTYPEn codes, and TrackFX_SetEQParam's own bandtype numbers.
BANDTYPE_BY_KIND = {"low_shelf": 0, "high_shelf": 1, "lowpass": 3, "highpass": 4, "allpass": 5, "notch": 6,
                    "bandpass": 7, "band": 8}
KIND_BY_BANDTYPE = {**{code: kind for kind, code in BANDTYPE_BY_KIND.items()}, 2: "band", 9: "band"}
EQPARAM_BY_KIND = {"highpass": 0, "low_shelf": 1, "band": 2, "notch": 3, "high_shelf": 4, "lowpass": 5, "bandpass": 6}
KIND_BY_EQPARAM = {code: kind for kind, code in EQPARAM_BY_KIND.items()}

REAEQ_ID = int.from_bytes(b"reeq", "big")  # 1919247729: the <VST line's id, the header's little-endian u32
REACOMP_ID = int.from_bytes(b"recm", "big")
REAGATE_ID = int.from_bytes(b"regt", "big")  # the fake's own: no real ReaGate chunk is known


def db(linear: float) -> float:
    return -math.inf if linear <= 0.0 else 20.0 * math.log10(linear)


def show_db(linear: float) -> str:
    value = db(linear)
    return "-inf" if value < -149.9 else f"{value:.1f}"


def show_ms(ms: float) -> str:
    return f"{ms / 1000.0:.1f} s" if ms >= 1000.0 else f"{ms:.1f}"


# ReaComp (FACTS "ReaComp"): name, value -> display.
REACOMP = [
    ("Thresh", show_db),
    ("Ratio", lambda v: "inf:1" if v >= 1.0 else f"{1.0 + 99.0 * v:.1f}:1"),
    ("Attack", lambda v: show_ms(500.0 * v)),
    ("Release", lambda v: show_ms(5000.0 * v)),
    ("Pre-comp", lambda v: f"{250.0 * v:.1f}"),
    ("resvd", lambda v: f"{v:.2f}"),
    ("Lowpass", lambda v: f"{20000.0 * v:.0f}"),
    ("Hipass", lambda v: f"{20000.0 * v:.0f}"),
    ("SignIn", lambda v: f"{round(v * 1084)}"),
    ("AudIn", lambda v: f"{v:.2f}"),
    ("Dry", show_db),
    ("Wet", show_db),
    ("PreviewF", lambda v: f"{v:.2f}"),
    ("RMS size", lambda v: f"{100.0 * v:.1f}"),
    ("Knee", lambda v: f"{24.0 * v:.1f}"),
    ("AutoMkUp", lambda v: "on" if v >= 0.5 else "off"),
    ("AutoRel", lambda v: "on" if v >= 0.5 else "off"),
    ("ClsAttk", lambda v: f"{v:.2f}"),
    ("AntiAls", lambda v: f"{v:.2f}"),
    ("Mode", lambda v: f"{v:.2f}"),
    ("Extra", lambda v: f"{v:.2f}"),
]
REACOMP_DEFAULTS = [1.0, 3.0 / 99.0, 0.006, 0.02, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 10 ** (-150 / 20), 1.0, 0.0, 0.05,
                    0.0, 0.0, 0.0, 0.25, 0.0, 0.0, 0.0]

# ReaGate: FACTS gives 0 threshold (linear), 1 attack, 2 release, 7 SignIn, 9 dry; the rest and the
# time scalings are the fake's (attack 0..250 ms, release 0..4 s, hold 0..1 s).
REAGATE = [
    ("Threshold", show_db),
    ("Attack", lambda v: show_ms(250.0 * v)),
    ("Release", lambda v: show_ms(4000.0 * v)),
    ("Pre-open", lambda v: show_ms(250.0 * v)),
    ("Hold", lambda v: show_ms(1000.0 * v)),
    ("Hysteresis", lambda v: f"{-24.0 * v:.1f}"),
    ("Lowpass", lambda v: f"{20000.0 * v:.0f}"),
    ("SignIn", lambda v: f"{round(v * 1084)}"),
    ("Hipass", lambda v: f"{20000.0 * v:.0f}"),
    ("Dry", show_db),
    ("Wet", show_db),
]
REAGATE_DEFAULTS = [0.0, 0.004, 0.025, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]

# Stock JSFX sstillwell/expander (FACTS): sliders in order; enum sliders show their labels.
_DETECTION = ["Peak (blown capacitor)", "RMS (blown capacitor)", "Peak", "RMS"]
EXPANDER = [
    ("Threshold (dB)", lambda v: f"{v:.1f}"),
    ("Ratio", lambda v: f"{v:.1f}"),
    ("Gain (dB)", lambda v: f"{v:.1f}"),
    ("Detector Input", lambda v: ["Normal", "Sidechain"][min(1, max(0, round(v)))]),
    ("Detection", lambda v: _DETECTION[min(3, max(0, round(v)))]),
    ("Attack (ms)", lambda v: f"{v:.1f}"),
    ("Release (ms)", lambda v: f"{v:.1f}"),
]
EXPANDER_DEFAULTS = [-120.0, 1.0, 0.0, 0.0, 2.0, 10.0, 50.0]


def _wrap(blob: bytes) -> list[str]:
    text = base64.b64encode(blob).decode("ascii")
    return [text[i : i + 128] for i in range(0, len(text), 128)]


def vst_state_lines(plugin_id: int, opaque: bool, n_inputs: int, state: bytes) -> list[str]:
    """The three base64 blobs REAPER saves for a VST2 (FACTS "ReaEQ": header, state, trailer)."""
    magic = 0xFEED5EEE if opaque else 0xFEED5EEF
    header = struct.pack("<III", plugin_id, magic, n_inputs)
    header += b"".join(struct.pack("<Q", 1 << n) for n in range(n_inputs))
    header += struct.pack("<I", 2) + struct.pack("<QQ", 1, 2)
    header += struct.pack("<III", len(state), 1 if opaque else 0, 0x00100000)
    trailer = b"\0\0" + struct.pack("<I", 0x10)
    return _wrap(header) + _wrap(state) + _wrap(trailer)


def reaeq_state(bands: list[dict], master_gain: float) -> bytes:
    out = struct.pack("<II", 33, len(bands))
    for band in bands:
        gain = 0.0 if band["gain_db"] == -math.inf else 10.0 ** (band["gain_db"] / 20.0)
        out += struct.pack("<IIdddB", BANDTYPE_BY_KIND[band["kind"]], int(band["enabled"]), band["freq_hz"], gain,
                           band["bw_oct"], 1)
    return out + struct.pack("<IId", 1, 1, master_gain) + struct.pack("<III", 0, 596, 368)


def param_list_state(values: list[float]) -> bytes:
    return struct.pack("<II", 0xDEADBEEF, 0xDEADF00D) + struct.pack(f"<{len(values)}f", *values)


# ReaLimit. FACTS.md says only: "ReaLimit is a stock plug-in (threshold and ceiling); no evidence
# of a true-peak mode." It lists no parameter order, names or scaling. The fake's ReaLimit has
# parameters named with FACTS's two words; their order, the release parameter and every scaling
# are the fake's own choice, on purpose not something the product may assume (it must find the
# parameters by name and set them by their display, as for ReaGate): threshold a linear amplitude
# (shown in dB), ceiling -20..0 dB linear in the normalised value, release 0..1000 ms.
REALIMIT = [
    ("Threshold", show_db),
    ("Ceiling", lambda v: f"{-20.0 + 20.0 * v:.1f}"),
    ("Release", lambda v: show_ms(1000.0 * v)),
]
REALIMIT_DEFAULTS = [1.0, 1.0, 0.1]
REALIMIT_ADD_NAMES = ("VST: ReaLimit (Cockos)", "ReaLimit")  # the Cockos plug-ins' "VST: <name> (Cockos)" form
REALIMIT_ID = int.from_bytes(b"relm", "big")  # the fake's own: no real ReaLimit chunk is known


def realimit_chunk(quoted_name: str, values: list[float]) -> tuple[str, list[str]]:
    """The fake's ReaLimit in a chain: a ``<VST`` line like the other Cockos plug-ins' and a parameter list.

    Only the opener's form (custom name the 4th field, FACTS "Versions") matters to the product,
    which renames through it before REAPER 6.78; the state is the fake's own and nobody decodes it.
    """
    head = f'<VST "{REALIMIT_ADD_NAMES[0]}" realimit.dll 0 {quoted_name} {REALIMIT_ID}<00000000000000000000000000000000> ""'
    return head, vst_state_lines(REALIMIT_ID, False, 2, param_list_state(values))

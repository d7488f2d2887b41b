"""ReaEQ's saved state: bands in, bytes out, and back.

ReaEQ saves an opaque chunk (magic ``0xFEED5EEE``), all little-endian:

- ``u32`` 33 (format version), ``u32`` band count;
- per band: ``u32`` type (the ``BANDTYPEn`` codes of :data:`BANDTYPE_CODES`),
  ``u32`` enabled, ``f64`` frequency in Hz, ``f64`` gain as a linear factor,
  ``f64`` bandwidth in octaves, ``u8`` "log-scale automated frequency" (1);
- a tail: ``u32`` 1, ``u32`` 1, ``f64`` output gain (linear), then bytes REAPER
  keeps for its window (``u32`` 0, ``u32`` 596, ``u32`` 368 in every corpus
  chunk; REAPER 7.27 appends ``u32`` 2).

Verified by decoding the two ReaEQ chunks of the corpus (REAPER 6.02 and 7.27)
and re-encoding them byte for byte (``tests/fx/test_reaeq.py``). The field order
agrees with perivar/PresetConverter's ``ReaEQ`` reader/writer.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from reaper_ext.errors import SuggestionError
from reaper_ext.fx.spec import EqBand, FxSpec, db_to_gain, gain_to_db
from reaper_ext.fx.vst_state import MAGIC_OPAQUE, VstState

__all__ = [
    "REAEQ_PLUGIN_ID",
    "BANDTYPE_CODES",
    "KIND_BY_CODE",
    "ReaEqBandState",
    "ReaEqState",
    "decode_reaeq_state",
    "encode_reaeq_state",
    "spec_to_reaeq_vst",
    "reaeq_vst_to_spec",
]

#: ``'reeq'``: ReaEQ's VST unique id (1919247729).
REAEQ_PLUGIN_ID = 0x72656571
_FORMAT_VERSION = 33

#: ReaEQ's ``BANDTYPEn`` codes (also the type field of its chunk).
BANDTYPE_CODES = {
    "low_shelf": 0,
    "high_shelf": 1,
    "lowpass": 3,
    "highpass": 4,
    "allpass": 5,
    "notch": 6,
    "bandpass": 7,
    "band": 8,
}
#: Code to kind; 2 and 9 are alternative "band" types REAPER also accepts.
KIND_BY_CODE = {**{code: kind for kind, code in BANDTYPE_CODES.items()}, 2: "band", 9: "band"}

# The window tail REAPER 6.02 wrote after the output gain (u32 0, 596, 368). The
# shorter, older form is chosen on purpose: REAPER 7 reads it (it loaded the
# 6.02 chunk in the corpus project it re-saved), older REAPERs never saw 7's extra u32.
_DEFAULT_TAIL = struct.pack("<III", 0, 596, 368)
_BAND = struct.Struct("<IIdddB")


@dataclass
class ReaEqBandState:
    """One band exactly as ReaEQ stores it."""

    type_code: int
    enabled: int
    freq_hz: float
    gain: float
    bw_oct: float
    log_scale: int = 1


@dataclass
class ReaEqState:
    """ReaEQ's whole chunk, field by field, so it re-encodes to the same bytes."""

    bands: list[ReaEqBandState]
    output_gain: float = 1.0
    version: int = _FORMAT_VERSION
    tail_ints: tuple[int, int] = (1, 1)
    window_tail: bytes = field(default=_DEFAULT_TAIL)


def decode_reaeq_state(state: bytes) -> ReaEqState:
    """Read ReaEQ's chunk (blob 2 of its saved state)."""
    try:
        version, n_bands = struct.unpack_from("<II", state, 0)
        offset = 8
        bands = []
        for _ in range(n_bands):
            bands.append(ReaEqBandState(*_BAND.unpack_from(state, offset)))
            offset += _BAND.size
        one_a, one_b, output_gain = struct.unpack_from("<IId", state, offset)
        offset += 16
    except struct.error as exc:
        raise SuggestionError(f"ReaEQ state is truncated ({len(state)} bytes): {exc}") from exc
    if version != _FORMAT_VERSION:
        raise SuggestionError(f"ReaEQ state version {version} is not the known version 33")
    return ReaEqState(bands, output_gain, version, (one_a, one_b), state[offset:])


def encode_reaeq_state(eq: ReaEqState) -> bytes:
    """Write ReaEQ's chunk; the inverse of :func:`decode_reaeq_state`."""
    out = struct.pack("<II", eq.version, len(eq.bands))
    for band in eq.bands:
        out += _BAND.pack(band.type_code, band.enabled, band.freq_hz, band.gain, band.bw_oct, band.log_scale)
    out += struct.pack("<IId", eq.tail_ints[0], eq.tail_ints[1], eq.output_gain)
    return out + eq.window_tail


def _check_band(band: EqBand, index: int) -> None:
    if band.kind not in BANDTYPE_CODES:
        raise SuggestionError(f"EQ band {index}: kind {band.kind!r} is not one of {sorted(BANDTYPE_CODES)}")
    # ReaEQ's ranges (its UI; perivar/PresetConverter notes the same).
    if not 1.0 <= band.freq_hz <= 24000.0:
        raise SuggestionError(f"EQ band {index}: freq_hz {band.freq_hz} is outside ReaEQ's 1..24000 Hz")
    if band.gain_db > 24.0:
        raise SuggestionError(f"EQ band {index}: gain_db {band.gain_db} is above ReaEQ's +24 dB")
    bw_oct = band.bandwidth_oct()
    if not 0.01 <= bw_oct <= 4.0 + 1e-9:  # REAPER itself saves 4.000000000000001
        raise SuggestionError(f"EQ band {index}: bandwidth {bw_oct:.3f} octaves is outside ReaEQ's 0.01..4")


def spec_to_reaeq_vst(spec: FxSpec) -> VstState:
    """Build the saved state of a ReaEQ with ``spec.bands`` (and ``params['gain_db']``, its output gain)."""
    unknown = set(spec.params) - {"gain_db"}
    if unknown:
        raise SuggestionError(f"ReaEQ takes only params['gain_db'] (output gain), not {sorted(unknown)}")
    if not spec.bands:
        raise SuggestionError("ReaEQ spec has no bands: give at least one EqBand")
    for index, band in enumerate(spec.bands):
        _check_band(band, index)
    eq = ReaEqState(
        bands=[
            ReaEqBandState(
                BANDTYPE_CODES[b.kind], int(b.enabled), float(b.freq_hz), db_to_gain(b.gain_db), b.bandwidth_oct()
            )
            for b in spec.bands
        ],
        output_gain=db_to_gain(spec.params.get("gain_db", 0.0)),
    )
    return VstState(
        plugin_id=REAEQ_PLUGIN_ID,
        magic=MAGIC_OPAQUE,
        input_pins=[1, 2],
        output_pins=[1, 2],
        state=encode_reaeq_state(eq),
    )


def reaeq_vst_to_spec(vst: VstState, *, custom_name: str | None, bypassed: bool) -> FxSpec:
    """Read a saved ReaEQ state into an :class:`FxSpec` (gain in dB, bandwidth in octaves)."""
    eq = decode_reaeq_state(vst.state)
    bands = []
    for index, band in enumerate(eq.bands):
        if band.type_code not in KIND_BY_CODE:
            raise SuggestionError(f"ReaEQ band {index} has unknown type code {band.type_code}")
        bands.append(
            EqBand(
                kind=KIND_BY_CODE[band.type_code],
                freq_hz=band.freq_hz,
                gain_db=gain_to_db(band.gain),
                bw_oct=band.bw_oct,
                enabled=bool(band.enabled),
            )
        )
    return FxSpec(
        plugin="ReaEQ",
        params={"gain_db": gain_to_db(eq.output_gain)},
        custom_name=custom_name,
        bypassed=bypassed,
        bands=bands,
    )

"""The base64 state REAPER saves inside a ``<VST`` block, and its wrapping.

REAPER saves a VST2 plug-in's state as three base64 blobs, each encoded on its
own and cut into lines of 128 characters (96 bytes), so a blob always starts
on a fresh line (seen in every Cockos chunk of the corpus, REAPER 5.50 to 7.27):

1. REAPER's header: ``u32`` plug-in id, ``u32`` magic (``0xFEED5EEE``: the
   plug-in's own opaque chunk follows; ``0xFEED5EEF``: its parameter list
   follows), ``u32`` input pin count and a ``u64`` channel mask per input pin,
   the same for outputs, ``u32`` size of blob 2, ``u32`` 1 if opaque else 0, and
   a ``u32`` of flags (``0x00100000`` in almost all chunks).
2. The plug-in's state. A parameter list starts with the markers ``0xDEADBEEF``
   ``0xDEADF00D`` followed by one ``f32`` per parameter (the VST ``getParameter``
   values).
3. A trailer: the program name and preset name, each ``NUL``-terminated, and a
   ``u32`` (``0x10`` where the header's flags are ``0x00100000``).

Sources: decoded from the corpus files; the same layout is read and written by
git-moss ProjectConverter (``VstChunkHandler.java``, LGPL, consulted, not copied).
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass

from reaper_ext.errors import SuggestionError

__all__ = [
    "MAGIC_OPAQUE",
    "MAGIC_PARAMS",
    "PARAM_LIST_MARKER",
    "LINE_WIDTH_CHARS",
    "VstState",
    "decode_state_lines",
    "encode_state_lines",
    "wrap_base64",
]

MAGIC_OPAQUE = 0xFEED5EEE
MAGIC_PARAMS = 0xFEED5EEF
#: ``0xDEADBEEF 0xDEADF00D``: starts a parameter-list state.
PARAM_LIST_MARKER = struct.pack("<II", 0xDEADBEEF, 0xDEADF00D)
#: REAPER wraps each base64 blob at this many characters (96 bytes).
LINE_WIDTH_CHARS = 128
_DEFAULT_FLAGS = 0x00100000


@dataclass
class VstState:
    """The decoded state of one VST2 plug-in as REAPER saves it.

    Parameters
    ----------
    plugin_id : int
        The VST unique id (``'reeq'`` read as a little-endian ``u32``...).
    magic : int
        :data:`MAGIC_OPAQUE` or :data:`MAGIC_PARAMS`.
    input_pins, output_pins : list of int
        One channel bit mask per pin.
    state : bytes
        The plug-in's own state (blob 2).
    flags : int
        The header's last ``u32``.
    program_name, preset_name : bytes
        From the trailer.
    trailer_flags : int
        The trailer's last ``u32``.
    """

    plugin_id: int
    magic: int
    input_pins: list[int]
    output_pins: list[int]
    state: bytes
    flags: int = _DEFAULT_FLAGS
    program_name: bytes = b""
    preset_name: bytes = b""
    trailer_flags: int = 0x10

    @property
    def is_opaque(self) -> bool:
        """Whether blob 2 is the plug-in's own chunk rather than a parameter list."""
        return self.magic == MAGIC_OPAQUE

    def header_bytes(self) -> bytes:
        out = struct.pack("<III", self.plugin_id, self.magic, len(self.input_pins))
        out += b"".join(struct.pack("<Q", mask) for mask in self.input_pins)
        out += struct.pack("<I", len(self.output_pins))
        out += b"".join(struct.pack("<Q", mask) for mask in self.output_pins)
        out += struct.pack("<III", len(self.state), 1 if self.is_opaque else 0, self.flags)
        return out

    def trailer_bytes(self) -> bytes:
        return self.program_name + b"\0" + self.preset_name + b"\0" + struct.pack("<I", self.trailer_flags)


def wrap_base64(blob: bytes) -> list[str]:
    """Base64 of one blob, cut into REAPER's 128-character lines."""
    text = base64.b64encode(blob).decode("ascii")
    return [text[i : i + LINE_WIDTH_CHARS] for i in range(0, len(text), LINE_WIDTH_CHARS)]


def encode_state_lines(vst: VstState) -> list[str]:
    """Encode the base64 lines (no indent) REAPER writes for ``vst``."""
    return wrap_base64(vst.header_bytes()) + wrap_base64(vst.state) + wrap_base64(vst.trailer_bytes())


def decode_state_lines(lines: list[str]) -> VstState:
    """Decode the base64 lines of one ``<VST`` block (indent allowed).

    Every line holds a whole number of base64 quanta (128 characters, or the
    padded end of a blob), so lines decode one by one; the header then says
    where blob 2 ends.
    """
    raw = b""
    for number, line in enumerate(lines, start=1):
        try:
            raw += base64.b64decode(line.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SuggestionError(f"VST state line {number} is not base64 ({line.strip()[:40]!r}): {exc}") from exc
    try:
        plugin_id, magic, n_in = struct.unpack_from("<III", raw, 0)
        offset = 12
        input_pins = list(struct.unpack_from(f"<{n_in}Q", raw, offset))
        offset += 8 * n_in
        (n_out,) = struct.unpack_from("<I", raw, offset)
        offset += 4
        output_pins = list(struct.unpack_from(f"<{n_out}Q", raw, offset))
        offset += 8 * n_out
        size, _is_opaque, flags = struct.unpack_from("<III", raw, offset)
        offset += 12
    except struct.error as exc:
        raise SuggestionError(f"VST state header is truncated ({len(raw)} bytes): {exc}") from exc
    if magic not in (MAGIC_OPAQUE, MAGIC_PARAMS):
        raise SuggestionError(f"VST state magic is 0x{magic:08X}, expected 0xFEED5EEE or 0xFEED5EEF")
    state = raw[offset : offset + size]
    if len(state) != size:
        raise SuggestionError(f"VST state says {size} bytes of plug-in data but only {len(state)} follow")
    trailer = raw[offset + size :]
    program_name, preset_name, trailer_flags = b"", b"", 0x10
    parts = trailer.split(b"\0", 2)
    if len(parts) == 3 and len(parts[2]) == 4:
        program_name, preset_name = parts[0], parts[1]
        (trailer_flags,) = struct.unpack("<I", parts[2])
    elif trailer:
        raise SuggestionError(f"VST state trailer has an unknown form: {trailer.hex()}")
    return VstState(
        plugin_id=plugin_id,
        magic=magic,
        input_pins=input_pins,
        output_pins=output_pins,
        state=state,
        flags=flags,
        program_name=program_name,
        preset_name=preset_name,
        trailer_flags=trailer_flags,
    )

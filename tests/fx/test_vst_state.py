from __future__ import annotations

import base64

import pytest
from fx_corpus import CORPUS, fx_blocks

from reaper_ext.errors import SuggestionError
from reaper_ext.fx.vst_state import LINE_WIDTH_CHARS, decode_state_lines, encode_state_lines, wrap_base64

# Every VST2 block of the corpus, Cockos or not: REAPER's header/state/trailer framing is the same.
VST2_BLOCKS = [
    (path.name, number, body)
    for path in sorted(CORPUS.glob("*.[rR][pP][pP]"))
    for number, (_lines, body) in enumerate(fx_blocks(path, '<VST "VST'))
    if not _lines[1 if _lines[0].strip().startswith("BYPASS") else 0].strip().startswith('<VST "VST3')
]


def test_corpus_has_vst2_blocks() -> None:
    assert len(VST2_BLOCKS) >= 8


@pytest.mark.parametrize(("name", "number", "body"), VST2_BLOCKS, ids=lambda v: str(v)[:30])
def test_corpus_state_reencodes_line_for_line(name: str, number: int, body: list[str]) -> None:
    vst = decode_state_lines(body)
    assert encode_state_lines(vst) == body


def test_wrap_width_matches_reaper() -> None:
    blob = bytes(range(256)) * 2
    lines = wrap_base64(blob)
    assert all(len(line) == LINE_WIDTH_CHARS for line in lines[:-1])
    assert b"".join(base64.b64decode(line) for line in lines) == blob


def test_truncated_state_is_an_error() -> None:
    body = VST2_BLOCKS[0][2]
    with pytest.raises(SuggestionError, match="truncated|bytes"):
        decode_state_lines(body[:1] + [body[1][:8]])


def test_not_base64_is_an_error() -> None:
    with pytest.raises(SuggestionError, match="not base64"):
        decode_state_lines(["@@@@"])

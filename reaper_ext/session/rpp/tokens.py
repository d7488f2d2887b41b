"""Split and quote the values on one ``.RPP`` line, as REAPER does.

REAPER separates values with spaces. A value that holds spaces is quoted with
``"``; one that holds ``"`` is quoted with ``'``; one that holds both with a
backtick. Quotes only open a string at the start of a value.
"""

from __future__ import annotations

__all__ = ["split_line", "quote", "join_tokens"]

_QUOTES = "\"'`"


def split_line(text: str) -> list[str]:
    """Split one line's content (no line ending) into its values, unquoted."""
    tokens: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == " " or char == "\t":
            i += 1
            continue
        if char in _QUOTES:
            close = text.find(char, i + 1)
            if close < 0:  # REAPER takes an unterminated string to the end of the line
                tokens.append(text[i + 1 :])
                break
            tokens.append(text[i + 1 : close])
            i = close + 1
            continue
        j = i
        while j < n and text[j] != " " and text[j] != "\t":
            j += 1
        tokens.append(text[i:j])
        i = j
    return tokens


def quote(value: str) -> str:
    """Quote ``value`` the way REAPER writes it (bare when it can be)."""
    if value and not any(c in value for c in " \t") and value[0] not in _QUOTES:
        return value
    for mark in _QUOTES:
        if mark not in value:
            return f"{mark}{value}{mark}"
    # All three quote characters present: REAPER turns backticks into quotes.
    return "`" + value.replace("`", "'") + "`"


def join_tokens(tokens: list[str]) -> str:
    """Join values into one line's content, quoting each as needed."""
    return " ".join(quote(token) for token in tokens)

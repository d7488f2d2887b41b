"""A JSFX's saved state: one line of slider values.

REAPER saves a JSFX as ``<JS path ""`` and one line of 64 values, slider 1
first, ``-`` for a slider the effect does not define (seen in every JS block
of the corpus, REAPER 5.50 to 7.59). REAPER 5/6 print ``%f`` (``0.000000``),
REAPER 7 prints the shortest form (``0.266``); both read back the same. Some
REAPER 7 effects append extra fields (quoted strings) after the 64 values:
those are not sliders and are not handled here.
"""

from __future__ import annotations

import math

from reaper_ext.errors import SuggestionError

__all__ = ["N_SLIDERS", "sliders_to_line", "line_to_sliders", "format_slider"]

N_SLIDERS = 64


def format_slider(value: float) -> str:
    """Format a slider value as REAPER 7 writes it: ``%f`` with the trailing zeros dropped."""
    if not math.isfinite(value):
        raise SuggestionError(f"JSFX slider value must be finite, got {value!r}")
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def sliders_to_line(params: dict[str, float]) -> str:
    """Build the values line for sliders given as ``{"slider1": v, ...}`` (1-based, as in JSFX)."""
    values = ["-"] * N_SLIDERS
    for key, value in params.items():
        number = key[len("slider") :] if key.startswith("slider") else ""
        if not number.isdigit() or not 1 <= int(number) <= N_SLIDERS:
            raise SuggestionError(f"JSFX params take keys slider1..slider64, got {key!r}")
        values[int(number) - 1] = format_slider(float(value))
    return " ".join(values)


def line_to_sliders(line: str) -> dict[str, float]:
    """Read the defined sliders of a saved values line (``-`` entries left out)."""
    params: dict[str, float] = {}
    for index, token in enumerate(line.split()[:N_SLIDERS]):
        if token == "-":
            continue
        try:
            params[f"slider{index + 1}"] = float(token)
        except ValueError as exc:
            raise SuggestionError(
                f"JSFX slider {index + 1} holds {token!r}, not a number (a file or string slider): not supported"
            ) from exc
    return params

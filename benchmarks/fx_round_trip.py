"""Measure the FX round trips: spec -> .RPP lines -> spec, and corpus state re-encoding.

Run: ``.venv/bin/python benchmarks/fx_round_trip.py``. Prints the worst relative
error per parameter over random specs (seeded) and how many real corpus VST
states re-encode byte for byte.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from reaper_ext.fx import EqBand, FxSpec, fx_to_rpp_lines, rpp_lines_to_fx
from reaper_ext.fx.vst_state import decode_state_lines, encode_state_lines

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus" / "rpp"
GUID = "{7467B940-741E-DD49-B2D4-16E38B7EF01D}"


def _rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-9)


def main(n_specs: int = 1000) -> None:
    rng = np.random.default_rng(0)
    worst: dict[str, float] = {}
    start = time.perf_counter()
    for _ in range(n_specs):
        band = EqBand(
            "band",
            float(np.exp(rng.uniform(np.log(20), np.log(20000)))),
            float(rng.uniform(-24, 24)),
            q=float(rng.uniform(0.3, 40)),
        )
        eq = rpp_lines_to_fx(fx_to_rpp_lines(FxSpec("ReaEQ", bands=[band]), indent="  ", fxid_guid=GUID)).bands[0]
        for key, got, want in (
            ("eq.freq_hz", eq.freq_hz, band.freq_hz),
            ("eq.gain_db", eq.gain_db, band.gain_db),
            ("eq.q", eq.quality(), band.q),
        ):
            worst[key] = max(worst.get(key, 0.0), _rel(got, want))
        params = {
            "threshold_db": float(rng.uniform(-60, -0.1)),
            "ratio": float(rng.uniform(1, 100)),
            "attack_ms": float(rng.uniform(0.1, 500)),
            "release_ms": float(rng.uniform(1, 5000)),
        }
        back = rpp_lines_to_fx(fx_to_rpp_lines(FxSpec("ReaComp", params), indent="  ", fxid_guid=GUID)).params
        for key, value in params.items():
            worst[f"comp.{key}"] = max(worst.get(f"comp.{key}", 0.0), _rel(back[key], value))
    elapsed = time.perf_counter() - start
    for key, value in sorted(worst.items()):
        print(f"{key:22s} worst relative error {value:.2e}")
    print(f"{2 * n_specs} specs round-tripped in {elapsed:.2f} s ({elapsed / (2 * n_specs) * 1e6:.0f} us each)")
    total = exact = 0
    for path in sorted(CORPUS.glob("*.[rR][pP][pP]")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if line.strip().startswith('<VST "VST') and not line.strip().startswith('<VST "VST3'):
                end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == ">")
                body = [x.strip() for x in lines[i + 1 : end]]
                total += 1
                exact += encode_state_lines(decode_state_lines(body)) == body
    print(f"corpus VST2 states re-encoded byte for byte: {exact}/{total}")


if __name__ == "__main__":
    main()

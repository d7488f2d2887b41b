"""The comparison page: overlaid 1/3-octave curves (loudness-matched), sections, stem balance, platform card.

One self-contained HTML file (inline SVG and CSS, no scripts, nothing fetched),
written through the one atomic writer. Every figure on it comes from
:class:`reaper_ext.reference.compare.Comparison` and
:class:`reaper_ext.reference.chain.ChainPlan`.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from reaper_ext.reference.tonal import BROAD_BANDS, THIRD_OCTAVE_CENTRES_HZ
from reaper_ext.storage.atomic import write_atomic

__all__ = ["comparison_page", "write_comparison_page"]

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
.note{color:#555}.bar{display:inline-block;height:12px}.mix{background:#d9534f}.ref{background:#337ab7}
"""


def _curve_svg(mix_db: np.ndarray, ref_db: np.ndarray, spread_db: np.ndarray) -> str:
    width, height, pad = 860, 300, 40
    finite = np.concatenate([mix_db[np.isfinite(mix_db)], ref_db[np.isfinite(ref_db)]])
    if finite.size == 0:
        return "<p>No spectrum to draw.</p>"
    top = float(np.ceil(finite.max() / 10) * 10)
    bottom = max(float(np.floor(finite.min() / 10) * 10), top - 80)
    log_f = np.log10(THIRD_OCTAVE_CENTRES_HZ)

    def x(i: int) -> float:
        return pad + (log_f[i] - log_f[0]) / (log_f[-1] - log_f[0]) * (width - 2 * pad)

    def y(db: float) -> float:
        return pad + (top - min(max(db, bottom), top)) / (top - bottom) * (height - 2 * pad)

    def path(values: np.ndarray) -> str:
        points = [f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values) if np.isfinite(v)]
        return " ".join(points)

    band = [f"{x(i):.1f},{y(v + s):.1f}" for i, (v, s) in enumerate(zip(ref_db, spread_db, strict=True)) if np.isfinite(v)]
    band += [f"{x(i):.1f},{y(v - s):.1f}" for i, (v, s) in reversed(list(enumerate(zip(ref_db, spread_db, strict=True))))
             if np.isfinite(v)]
    grid = []
    for db in range(int(bottom), int(top) + 1, 10):
        grid.append(f'<line x1="{pad}" x2="{width - pad}" y1="{y(db):.1f}" y2="{y(db):.1f}" stroke="#eee"/>'
                    f'<text x="2" y="{y(db) + 4:.1f}" font-size="10">{db} dB</text>')
    for i, centre in enumerate(THIRD_OCTAVE_CENTRES_HZ):
        if centre in (31.5, 63, 125, 250, 500, 1000, 2000, 4000, 8000, 16000):
            label = f"{centre / 1000:g}k" if centre >= 1000 else f"{centre:g}"
            grid.append(f'<text x="{x(i) - 8:.1f}" y="{height - 10}" font-size="10">{label}</text>')
    return (f'<svg width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">{"".join(grid)}'
            f'<polygon points="{" ".join(band)}" fill="#337ab7" fill-opacity="0.15"/>'
            f'<polyline points="{path(ref_db)}" fill="none" stroke="#337ab7" stroke-width="2"/>'
            f'<polyline points="{path(mix_db)}" fill="none" stroke="#d9534f" stroke-width="2"/></svg>'
            '<p class="note">Red: your mix. Blue: the reference (loudness-matched), shaded: the references\' spread. '
            'Levels per 1/3 octave, dBFS.</p>')


def _cell(value) -> str:
    return "–" if value is None else f"{value:+.1f}" if isinstance(value, float) else html.escape(str(value))


def _pair_text(mine: float | None, reference: float | None) -> str:
    return "–" if mine is None or reference is None else f"{mine:.1f} / {reference:.1f} dB"


def comparison_page(comparison, plan=None) -> str:
    """The page as a string."""
    data = comparison.to_dict()
    third = data["third_octave"]
    to_array = lambda values: np.array([np.nan if v is None else v for v in values], dtype=float)  # noqa: E731
    parts = [f"<!doctype html><meta charset='utf-8'><title>Comparison: {html.escape(comparison.mix.name)}</title>"
             f"<style>{_STYLE}</style><h1>{html.escape(comparison.mix.name)} against "
             f"{html.escape(', '.join(r.name for r in comparison.references))}</h1>"]
    parts += [f'<p class="note">{html.escape(note)}</p>' for note in comparison.notes]
    parts.append("<h2>Tonal balance</h2>" + _curve_svg(to_array(third["mix_db"]), to_array(third["reference_db"]),
                                                       np.nan_to_num(to_array(third["spread_db"]))))
    header = "".join(f"<th>{html.escape(name)} Δ dB</th>" for name, _, _ in BROAD_BANDS)
    rows = []
    for section in data["sections"]:
        deltas = "".join(f"<td>{_cell(v)}</td>" for v in section["delta_db"])
        width = section["mix_width"][0]
        ref_width = section["reference_width"][0]
        vmr = section["vocal_to_music_db"]
        ref_vmr = section["reference_vocal_to_music_db"]
        rows.append(f"<tr><td>{html.escape(section['section'])} ({section['start_sec']:.0f}-{section['end_sec']:.0f} s)</td>"
                    f"<td>{html.escape('; '.join(section['reference_sections']))}</td>{deltas}"
                    f"<td>{'–' if width is None else f'{100 * width:.0f} % / {100 * ref_width:.0f} %'}</td>"
                    f"<td>{'–' if vmr is None or ref_vmr is None else f'{vmr:.1f} / {ref_vmr:.1f} dB'}</td>"
                    f"<td>{_pair_text(section['psr_db'], section['reference_psr_db'])}</td></tr>")
    parts.append("<h2>Sections</h2><table><tr><th>your section</th><th>matched with</th>" + header
                 + "<th>lows side share (you / ref)</th><th>vocal to music (you / ref)</th><th>PSR (you / ref)</th></tr>" + "".join(rows) + "</table>")
    mix_balance = comparison.mix.balance()
    ref_balance = comparison.references[0].balance()
    if mix_balance is not None and ref_balance is not None:
        bars = []
        for stem, share in mix_balance.shares_db.items():
            ref_share = ref_balance.shares_db.get(stem)
            bar = lambda value, css: (f'<span class="bar {css}" style="width:{max(2.0, 8 * (30 + value)):.0f}px"></span>'  # noqa: E731
                                      f" {value:.1f} dB")
            bars.append(f"<tr><td>{html.escape(stem)}</td><td>{bar(share, 'mix')}</td>"
                        f"<td>{'–' if ref_share is None else bar(ref_share, 'ref')}</td></tr>")
        parts.append("<h2>Stem balance (share of the mix's loudness)</h2><table><tr><th>stem</th><th>you</th>"
                     "<th>reference</th></tr>" + "".join(bars) + "</table>")
    card = "".join(f"<tr><td>{html.escape(v['platform'])}</td><td>{v['target_lufs']:.1f} LUFS</td><td>{v['gain_db']:+.1f} dB</td>"
                   f"<td>{v['peak_after_dbtp']:.1f} dBTP</td><td>{'yes' if v['would_clip'] else 'no'}</td></tr>"
                   for v in data["master"]["platforms"])
    parts.append("<h2>Platforms</h2><table><tr><th>platform</th><th>target</th><th>normalisation</th>"
                 "<th>true peak after</th><th>may clip after encoding</th></tr>" + card + "</table>")
    parts.append("<h2>In words</h2><ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in comparison.sentences) + "</ul>")
    if plan is not None:
        parts.append(f"<h2>Master chain (suggested, switched off)</h2><p>{html.escape(plan.note)}</p>")
    if comparison.suggestions:
        parts.append("<h2>Suggestions (switched off)</h2><ul>"
                     + "".join(f"<li>{html.escape(s.why)}</li>" for s in comparison.suggestions) + "</ul>")
    return "\n".join(parts) + "\n"


def write_comparison_page(path: Path, comparison, plan=None) -> None:
    """Write :func:`comparison_page` atomically."""
    write_atomic(Path(path), comparison_page(comparison, plan).encode("utf-8"), mode=0o644)

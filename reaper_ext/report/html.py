"""One self-contained HTML page: what was measured, and every suggestion with its why.

Inline CSS and inline SVG only (no script, no network, no fonts to fetch):
per-track spectra against the class target with the suggested EQ drawn on
them, loudness and peak bars, the masking pairs, the problems on a timeline,
and the suggestions. Every text from the session is escaped (``html.escape``).
The file is written atomically (temp file, then rename).
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import numpy as np

from reaper_ext.analysis.biquad import BIQUAD_KINDS, rbj_biquad
from reaper_ext.errors import ProjectWriteError
from reaper_ext.pipeline.results import SessionAnalysis, TrackAnalysis
from reaper_ext.session.model import Project
from reaper_ext.settings import Settings
from reaper_ext.storage.atomic import write_atomic
from reaper_ext.suggest.model import Suggestion
from reaper_ext.suggest.rules.common import level_or_none

__all__ = ["write_report", "render_report", "eq_response_db"]

_FS_HZ = 48000.0
_PROBLEM_COLORS = {
    "clipping": "#d62728", "silence": "#7f7f7f", "silent_item": "#aaaaaa", "dc_offset": "#8c564b", "hum": "#9467bd",
    "noise_floor": "#bcbd22", "polarity": "#17becf", "level_low": "#1f77b4", "level_hot": "#ff7f0e", "sibilance": "#e377c2",
}
_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
h3{font-size:1.05em;margin:1.2em 0 .3em}.muted{color:#666}table{border-collapse:collapse;width:100%;font-size:.92em}
td,th{border-bottom:1px solid #eee;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#f6f6f6}
.num{text-align:right;font-variant-numeric:tabular-nums}.kind{font-family:ui-monospace,monospace;font-size:.9em}
.track{display:grid;grid-template-columns:1fr 1fr;gap:1em;border:1px solid #eee;border-radius:6px;padding:.6em 1em;margin:.8em 0}
svg text{font:11px system-ui,sans-serif;fill:#444}.legend span{margin-right:1.2em;white-space:nowrap}
.sw{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:-.1em;margin-right:.3em}
"""


def eq_response_db(bands: list[dict], freqs_hz: np.ndarray) -> np.ndarray:
    """Magnitude response (dB) of ``bands`` (FxSpec dict bands) in series, at ``freqs_hz``."""
    z = np.exp(-1j * 2 * np.pi * np.asarray(freqs_hz, dtype=float) / _FS_HZ)
    total = np.zeros(z.shape)
    for band in bands:
        if not band.get("enabled", True):
            continue
        if band["kind"] not in BIQUAD_KINDS:  # allpass, bandpass: no level change drawn
            continue
        b, a = rbj_biquad(band["kind"], min(float(band["freq_hz"]), _FS_HZ * 0.49), _FS_HZ,
                          gain_db=float(band.get("gain_db", 0.0)), q=max(float(band.get("q") or 0.707), 1e-3))
        response = (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)
        total += 20 * np.log10(np.maximum(np.abs(response), 1e-6))
    return total


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _fmt(value: float | None, unit: str = "", digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:.{digits}f}{unit}"


def _spectrum_svg(result: TrackAnalysis, suggestions: list[Suggestion]) -> str:
    from reaper_ext.suggest.rules.eq import target_curve_db

    m = result.measurements
    if m is None:
        return '<p class="muted">no spectrum</p>'
    centres = np.asarray(m.ltas_centres_hz, dtype=float)
    levels = np.asarray(m.ltas_level_db, dtype=float)
    levels = np.where(np.isfinite(levels), levels, np.nan)  # a silent band is not drawn
    width, height, left, top = 480, 200, 34, 10
    plot_w, plot_h = width - left - 8, height - top - 24
    if centres.size == 0 or not np.isfinite(levels).any():
        return '<p class="muted">no spectrum</p>'
    lo, hi = math.log10(20), math.log10(20000)

    def x(freq):
        return left + (math.log10(freq) - lo) / (hi - lo) * plot_w

    def y(level_db):  # 0 dB at the top, -60 dB at the bottom
        return top + min(max(-level_db, -12), 60) / 60 * plot_h

    rel = levels - np.nanmax(levels)
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="spectrum">']
    for freq in (50, 100, 200, 500, 1000, 2000, 5000, 10000):
        parts.append(f'<line x1="{x(freq):.1f}" y1="{top}" x2="{x(freq):.1f}" y2="{top + plot_h}" stroke="#eee"/>'
                     f'<text x="{x(freq):.1f}" y="{height - 8}" text-anchor="middle">{freq if freq < 1000 else f"{freq // 1000}k"}</text>')
    for level in (0, -20, -40, -60):
        parts.append(f'<line x1="{left}" y1="{y(level):.1f}" x2="{left + plot_w}" y2="{y(level):.1f}" stroke="#eee"/>'
                     f'<text x="{left - 4}" y="{y(level) + 4:.1f}" text-anchor="end">{level}</text>')

    def polyline(values, color, dash=""):
        points = " ".join(f"{x(f):.1f},{y(v):.1f}" for f, v in zip(centres, values, strict=True) if np.isfinite(v))
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        return f'<polyline fill="none" stroke="{color}" stroke-width="2"{extra} points="{points}"/>'

    parts.append(polyline(rel, "#1f77b4"))
    target = target_curve_db("other" if result.label is None else result.label.coarse_class, centres)
    if target is not None:
        finite = np.isfinite(rel)
        offset = float(np.nanmedian(rel[finite] - target[finite]))
        parts.append(polyline(target + offset, "#999", "5,4"))
    bands = [band for s in suggestions if isinstance(s.params.get("fx"), dict) for band in s.params["fx"].get("bands", [])]
    if bands:
        fine = np.geomspace(20, 20000, 200)
        response = eq_response_db(bands, fine)
        mid = -30.0  # the EQ curve is drawn around the -30 dB line, 1 dB of EQ = 1 dB of the scale
        points = " ".join(f"{x(f):.1f},{y(mid + r):.1f}" for f, r in zip(fine, response, strict=True))
        parts.append(f'<line x1="{left}" y1="{y(mid):.1f}" x2="{left + plot_w}" y2="{y(mid):.1f}" stroke="#d62728" stroke-opacity=".3"/>'
                     f'<polyline fill="none" stroke="#d62728" stroke-width="2" points="{points}"/>')
    parts.append("</svg>")
    return "".join(parts)


def _level_bars_svg(results: list[TrackAnalysis]) -> str:
    rows = [(r, r.measurements) for r in results if r.measurements is not None]
    width, row_h, left = 760, 22, 180
    height = row_h * len(rows) + 30
    scale_lo, scale_hi = -60.0, 0.0

    def x(level):
        return left + (min(max(level, scale_lo), scale_hi) - scale_lo) / (scale_hi - scale_lo) * (width - left - 10)

    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="levels">']
    for level in range(-60, 1, 10):
        parts.append(f'<line x1="{x(level):.1f}" y1="0" x2="{x(level):.1f}" y2="{height - 20}" stroke="#eee"/>'
                     f'<text x="{x(level):.1f}" y="{height - 6}" text-anchor="middle">{level}</text>')
    for row, (result, m) in enumerate(rows):
        y0 = row * row_h + 4
        parts.append(f'<text x="{left - 6}" y="{y0 + 12}" text-anchor="end">{_e(result.name or "(no name)")}</text>')
        loud, peak = level_or_none(m.loudness_lufs), level_or_none(m.sample_peak_dbfs)
        if loud is not None:
            parts.append(f'<rect x="{x(scale_lo):.1f}" y="{y0}" width="{x(loud) - x(scale_lo):.1f}" height="8" fill="#1f77b4"/>')
        if peak is not None:
            parts.append(f'<rect x="{x(scale_lo):.1f}" y="{y0 + 9}" width="{x(peak) - x(scale_lo):.1f}" height="6" fill="#ff7f0e"/>')
    parts.append("</svg>")
    return "".join(parts)


def _timeline_svg(results: list[TrackAnalysis]) -> str:
    end_sec = max([p.end_sec for r in results for p in r.problems] + [
        r.start_sec + (0.0 if r.measurements is None else r.measurements.duration_sec) for r in results] + [1.0])
    width, lane_h, left = 760, 20, 180
    height = lane_h * len(results) + 30

    def x(sec):
        return left + sec / end_sec * (width - left - 10)

    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="problems">']
    step = max(1, round(end_sec / 10))
    for sec in range(0, int(end_sec) + 1, step):
        parts.append(f'<line x1="{x(sec):.1f}" y1="0" x2="{x(sec):.1f}" y2="{height - 20}" stroke="#eee"/>'
                     f'<text x="{x(sec):.1f}" y="{height - 6}" text-anchor="middle">{sec}s</text>')
    for row, result in enumerate(results):
        y0 = row * lane_h + 3
        parts.append(f'<text x="{left - 6}" y="{y0 + 11}" text-anchor="end">{_e(result.name or "(no name)")}</text>'
                     f'<rect x="{left}" y="{y0}" width="{width - left - 10}" height="14" fill="#fafafa"/>')
        for problem in result.problems:
            x0, x1 = x(problem.start_sec), x(problem.end_sec)
            color = _PROBLEM_COLORS.get(problem.kind, "#333")
            parts.append(f'<rect x="{x0:.1f}" y="{y0}" width="{max(x1 - x0, 2):.1f}" height="14" fill="{color}" fill-opacity=".75">'
                         f'<title>{_e(problem.kind)} {problem.start_sec:.2f}-{problem.end_sec:.2f} s</title></rect>')
    parts.append("</svg>")
    legend = "".join(f'<span><i class="sw" style="background:{c}"></i>{_e(k)}</span>' for k, c in _PROBLEM_COLORS.items())
    return "".join(parts) + f'<p class="legend">{legend}</p>'


def render_report(project: Project, analysis: SessionAnalysis, suggestions: list[Suggestion], settings: Settings) -> str:
    """Render the report as one HTML string (see the module docstring)."""
    from reaper_ext.suggest.rules.unmask import masking_pairs

    title = Path(project.path).name if project.path else "project"
    by_target: dict[str, list[Suggestion]] = {}
    for suggestion in suggestions:
        by_target.setdefault(suggestion.target, []).append(suggestion)
    out = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>reaper-ext: {_e(title)}</title>"
           f"<style>{_CSS}</style></head><body>",
           f"<h1>reaper-ext report: {_e(title)}</h1>",
           f'<p class="muted">{len(analysis.tracks)} tracks, {len(suggestions)} suggestions (all arrive switched off). '
           f"Project tempo {project.tempo_bpm:.1f} BPM; measured {_fmt(analysis.tempo_bpm, ' BPM')}; key {_e(analysis.key or '–')}. "
           f"Working level {settings.working_level_dbfs:.0f} dBFS ({_e(settings.gain_reference)}).</p>"]
    out.append("<h2>Levels</h2><p class=\"legend\"><span><i class=\"sw\" style=\"background:#1f77b4\"></i>loudness (LUFS)</span>"
               "<span><i class=\"sw\" style=\"background:#ff7f0e\"></i>sample peak (dBFS)</span></p>")
    out.append(_level_bars_svg(analysis.tracks))
    out.append("<h2>Problems on the timeline</h2>" + _timeline_svg(analysis.tracks))
    pairs = masking_pairs(project, analysis)
    out.append("<h2>Masking pairs</h2>")
    if pairs:
        out.append("<table><tr><th>leads</th><th>gives way</th><th>bands both are strong in (Hz)</th></tr>")
        for pair in pairs:
            out.append(f"<tr><td>{_e(pair['leader'].name)}</td><td>{_e(pair['follower'].name)}</td>"
                       f"<td>{_e(', '.join(f'{f:.0f}' for f in pair['collide_hz']))}</td></tr>")
        out.append("</table>")
    else:
        out.append('<p class="muted">none found</p>')
    out.append("<h2>Tracks</h2><p class=\"legend\"><span><i class=\"sw\" style=\"background:#1f77b4\"></i>spectrum (LTAS, 0 dB = loudest band)</span>"
               "<span><i class=\"sw\" style=\"background:#999\"></i>class target</span>"
               "<span><i class=\"sw\" style=\"background:#d62728\"></i>suggested EQ (around the -30 dB line)</span></p>")
    for result in analysis.tracks:
        label, m = result.label, result.measurements
        out.append(f'<div class="track"><div><h3>{_e(result.name or "(no name)")}</h3>')
        if result.error:
            out.append(f"<p><b>Not analysed:</b> {_e(result.error)}</p></div><div></div></div>")
            continue
        if label is not None:
            out.append(f"<p>{_e(label.fine_class)} / {_e(label.coarse_class)}, {label.confidence:.0%} sure</p>")
        if m is None:
            out.append("<p>Loudness –, peak –, true peak –, crest –, noise floor –</p>")
        else:
            out.append(f"<p>Loudness {_fmt(m.loudness_lufs, ' LUFS')}, peak {_fmt(m.sample_peak_dbfs, ' dBFS')}, "
                       f"true peak {_fmt(m.true_peak_dbtp, ' dBTP')}, crest {_fmt(m.crest_factor_db, ' dB')}, "
                       f"noise floor {_fmt(m.noise_floor_dbfs, ' dBFS')}</p>")
        mine = by_target.get(result.guid, [])
        if mine:
            out.append("<ul>" + "".join(f'<li><span class="kind">{_e(s.kind)}</span> {_e(s.why)}</li>' for s in mine) + "</ul>")
        out.append(f"</div><div>{_spectrum_svg(result, mine)}</div></div>")
    out.append("<h2>All suggestions</h2><table><tr><th>kind</th><th>track</th><th>why</th><th class=\"num\">confidence</th></tr>")
    for suggestion in suggestions:
        out.append(f'<tr><td class="kind">{_e(suggestion.kind)}</td><td>{_e(suggestion.track_name or "project")}</td>'
                   f'<td>{_e(suggestion.why)}</td><td class="num">{suggestion.confidence:.0%}</td></tr>')
    out.append("</table></body></html>\n")
    return "".join(out)


def write_report(path: str | Path, project: Project, analysis: SessionAnalysis, suggestions: list[Suggestion],
                 settings: Settings) -> Path:
    """Write the report to ``path`` atomically; returns the path.

    Raises
    ------
    ProjectWriteError
        The file could not be written (the previous one, if any, is untouched).
    """
    path = Path(path)
    text = render_report(project, analysis, suggestions, settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"), mode=0o644)  # a report is for reading
    except OSError as error:
        raise ProjectWriteError(f"can't write the report {path}: {error}") from error
    return path

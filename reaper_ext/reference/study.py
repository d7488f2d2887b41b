"""Study a reference track: a new REAPER project and a study sheet of how it was mixed.

The project (``study.RPP`` in the output folder) holds the reference on one
track, its stems (when a separation model is given) on muted tracks below it,
a region per section (named by role: verse 1, chorus 1...), the estimated tempo
and a marker at 0 naming the key. The ``.RPP`` lines follow FACTS.md (``<TRACK``,
``VOLPAN``, ``MUTESOLO``, ``<ITEM`` / ``<SOURCE WAVE`` / ``FILE``; a region is two
``MARKER`` lines with the same index, flags 1, the second with an empty name).

The sheet (``study.html``) shows per section: loudness relative to the song, the
four broad bands, the lows' side share, PSR (peak to short-term loudness), and (with stems) each stem's share
of the loudness; and the song's energy curve (short-term loudness).
"""

from __future__ import annotations

import html
import io
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reaper_ext.errors import MediaError
from reaper_ext.storage.atomic import write_atomic

__all__ = ["StudyResult", "build_study", "study_rpp_text"]

_RATE_HZ = 44100


@dataclass(frozen=True)
class StudyResult:
    """Where the study went."""

    project_path: Path
    sheet_path: Path
    stem_paths: tuple[Path, ...]
    notes: tuple[str, ...] = ()


def _guid() -> str:
    return "{" + str(uuid.uuid4()).upper() + "}"


def _quote(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def study_rpp_text(reference_file: str, length_sec: float, stems: list[tuple[str, str]], regions: list[tuple[str, float, float]],
                   tempo_bpm: float, key_name: str) -> str:
    """The study project's ``.RPP`` text (see the module docstring for the lines used)."""
    lines = ["<REAPER_PROJECT 0.1 \"7.0\" 0", f"  TEMPO {tempo_bpm:.3f} 4 4"]
    lines.append(f"  MARKER 1 0 {_quote('key: ' + key_name)} 0 0")
    for index, (name, start, end) in enumerate(regions, start=2):
        lines.append(f"  MARKER {index} {start:.6f} {_quote(name)} 1 0")
        lines.append(f"  MARKER {index} {end:.6f} \"\" 1")

    def track(name: str, file_name: str, muted: bool) -> list[str]:
        return ["  <TRACK " + _guid(), f"    NAME {_quote(name)}", "    VOLPAN 1 0 -1 -1 1",
                f"    MUTESOLO {1 if muted else 0} 0 0", "    <ITEM", "      POSITION 0", f"      LENGTH {length_sec:.6f}",
                f"      IGUID {_guid()}", f"      NAME {_quote(file_name)}", "      <SOURCE WAVE",
                f"        FILE {_quote(file_name)}", "      >", "    >", "  >"]

    lines += track("Reference", reference_file, False)
    for stem_name, file_name in stems:
        lines += track(f"Stem: {stem_name}", file_name, True)
    lines.append(">")
    return "\n".join(lines) + "\n"


def _wav_bytes(samples: np.ndarray) -> bytes:
    import soundfile

    buffer = io.BytesIO()
    soundfile.write(buffer, samples, _RATE_HZ, format="WAV", subtype="FLOAT")
    return buffer.getvalue()


def build_study(reference: Path, out_dir: Path, *, separation_model: str | None = None, model_repo: Path | None = None,
                device: str | None = None, stems_optional: bool = False, progress=None) -> StudyResult:
    """Build the study project and sheet for ``reference`` in ``out_dir``.

    Parameters
    ----------
    reference : Path
        The track to study (any file libsndfile reads).
    out_dir : Path
        Created if missing; ``reference.wav``, ``study.RPP``, ``study.html`` and the stems go there.
    separation_model : str, optional
        Separate the stems with this model (none: no stem tracks).
    model_repo, device
        Where the model's files are, and cuda/mps/cpu (:func:`reaper_ext.separation.arrays.separate_array`).
    stems_optional : bool
        A failed separation becomes a note in :attr:`StudyResult.notes` (the study is made
        without stems) instead of an error: the action's choice, where the model may be missing.
    progress : callable, optional
        ``progress(fraction, stage)`` between the stages (it may raise to cancel).

    Raises
    ------
    MediaError
        The reference cannot be read.
    SeparationError, ModelNotFoundError
        Separation was asked for and failed (and ``stems_optional`` is false).
    """
    from reaper_ext.errors import SeparationError

    def report(fraction: float, stage: str) -> None:
        if progress is not None:
            progress(fraction, stage)

    import soundfile

    from reaper_ext.analysis.song import analyze_song
    from reaper_ext.audio.resample import resample
    from reaper_ext.reference.dynamics import loudness_series
    from reaper_ext.reference.sections import section_roles
    from reaper_ext.reference.stems import separate_stems, stem_balance
    from reaper_ext.reference.tonal import BROAD_BANDS, spectral_profile

    try:
        audio, rate_hz = soundfile.read(str(reference), dtype="float32", always_2d=True)
    except Exception as error:  # libsndfile's errors are not one class
        raise MediaError(f"{reference}: can't read this audio file ({error})") from None
    audio = audio[:, :2]
    if rate_hz != _RATE_HZ:
        audio = resample(audio, int(rate_hz), _RATE_HZ)
    out_dir.mkdir(parents=True, exist_ok=True)
    reference_name = "reference.wav"
    write_atomic(out_dir / reference_name, _wav_bytes(audio), mode=0o644)
    report(0.1, "sections, tempo and key")
    song = analyze_song(audio, _RATE_HZ)
    series = loudness_series(audio, _RATE_HZ)
    roles = section_roles(song.sections, series)
    profile = spectral_profile(audio, _RATE_HZ)
    stems: dict[str, np.ndarray] = {}
    stem_files: list[tuple[str, str]] = []
    notes: list[str] = []
    if separation_model:
        report(0.4, f"separating the stems ({separation_model})")
        try:
            stems = separate_stems(audio, _RATE_HZ, model=separation_model, model_repo=model_repo, device=device)
        except SeparationError as error:
            if not stems_optional:
                raise
            notes.append(f"no stem tracks: separation with {separation_model} failed ({error})")
        for name, stem in stems.items():
            file_name = f"stem-{name}.wav"
            write_atomic(out_dir / file_name, _wav_bytes(stem), mode=0o644)
            stem_files.append((name, file_name))
    report(0.9, "writing the study project and sheet")
    length_sec = audio.shape[0] / _RATE_HZ
    regions = [(r.name, r.section.start_sec, r.section.end_sec) for r in roles]
    project_path = out_dir / "study.RPP"
    write_atomic(project_path, study_rpp_text(reference_name, length_sec, stem_files, regions, song.tempo.bpm,
                                              song.key.name).encode("utf-8"), mode=0o644)
    rows = []
    for roled in roles:
        summary = profile.summary(roled.section.start_sec, roled.section.end_sec)
        bands = "".join(f"<td>{v:.1f}</td>" for v in summary.broad_db)
        balance = (stem_balance(stems, audio, _RATE_HZ, start_sec=roled.section.start_sec, end_sec=roled.section.end_sec)
                   if stems else None)
        shares = ", ".join(f"{k} {v:.1f} dB" for k, v in balance.shares_db.items()) if balance else "no stems"
        psr = series.span_psr_db(roled.section.start_sec, roled.section.end_sec)
        rows.append(f"<tr><td>{html.escape(roled.name)}</td><td>{roled.section.start_sec:.1f}-{roled.section.end_sec:.1f} s</td>"
                    f"<td>{roled.relative_lu:+.1f} LU</td>{bands}<td>{100 * summary.width[0]:.0f} %</td>"
                    f"<td>{'–' if psr is None else f'{psr:.1f} dB'}</td><td>{html.escape(shares)}</td></tr>")
    short_term = series.short_term_lufs()
    finite = np.where(np.isfinite(short_term), short_term, -70.0)
    points = " ".join(f"{10 + 840 * i / max(1, finite.size - 1):.1f},{10 + 180 * (0 - max(v, -60)) / 60:.1f}"
                      for i, v in enumerate(finite[:: max(1, finite.size // 800)]))
    band_heads = "".join(f"<th>{html.escape(name)} dBFS</th>" for name, _, _ in BROAD_BANDS)
    sheet = (f"<!doctype html><meta charset='utf-8'><title>Study: {html.escape(reference.name)}</title>"
             "<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto}td,th{border:1px solid #ccc;"
             "padding:3px 8px}table{border-collapse:collapse}</style>"
             f"<h1>Study: {html.escape(reference.name)}</h1><p>Tempo {song.tempo.bpm:.1f} BPM, key {html.escape(song.key.name)}, "
             f"{len(roles)} sections, {length_sec:.0f} s.</p>"
             f"<h2>Sections</h2><table><tr><th>section</th><th>time</th><th>loudness vs song</th>{band_heads}"
             f"<th>lows side share</th><th>PSR</th><th>stem shares</th></tr>{''.join(rows)}</table>"
             "<h2>Energy curve (short-term loudness, 0 to -60 LUFS)</h2>"
             f'<svg width="860" height="200" xmlns="http://www.w3.org/2000/svg"><polyline points="{points}" fill="none" '
             'stroke="#337ab7"/></svg>\n')
    sheet_path = out_dir / "study.html"
    write_atomic(sheet_path, sheet.encode("utf-8"), mode=0o644)
    return StudyResult(project_path, sheet_path, tuple(out_dir / f for _, f in stem_files), tuple(notes))

"""Compare a mix with one or more references: measurements in sentences, with numbers and units.

Order of work (each step's module says how it measures):

1. every reference is loudness-matched to the mix (:mod:`~reaper_ext.reference.loudness_match`,
   BS.1770-4, within 0.1 LU), so tonal levels compare like with like;
2. each signal gets its dynamics (:mod:`~reaper_ext.reference.dynamics`), one STFT
   profile (:mod:`~reaper_ext.reference.tonal`), its sections
   (:mod:`reaper_ext.analysis.song`) and, when stems are given, their balance
   (:mod:`~reaper_ext.reference.stems`);
3. sections are paired by structure (:mod:`~reaper_ext.reference.sections`);
4. with several references, each figure of the references is their weighted mean
   and the spread is their weighted standard deviation;
5. every difference becomes a sentence: "your X is N unit above/below the
   reference (a vs b unit)". Measurements, not judgements; a suggestion (switched
   off, as always) only where an action follows: a gain on the vocal or bass track.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from reaper_ext.analysis.song.results import Section, SongAnalysis
from reaper_ext.reference.dynamics import Dynamics, LoudnessSeries, loudness_series, measure_dynamics
from reaper_ext.reference.loudness_match import loudness_match
from reaper_ext.reference.master import PLATFORMS, MasterCheck, Platform, platform_card
from reaper_ext.reference.sections import RoledSection, SectionPair, align_sections, section_roles
from reaper_ext.reference.stems import StemBalance, stem_balance
from reaper_ext.reference.tonal import BROAD_BANDS, BandSummary, SpectralProfile, spectral_profile

__all__ = ["AudioAnalysis", "SectionComparison", "Comparison", "analyse_audio", "compare", "BAND_REPORT_DB",
           "WIDTH_REPORT", "UNIT_PATTERN"]

BAND_REPORT_DB = 1.0  # band differences smaller than this are summed up in one sentence
WIDTH_REPORT = 0.05  # side-share differences smaller than this are not reported
STEM_REPORT_DB = 1.0
#: What a sentence's number must be followed by (the test of "every sentence carries a number and a unit").
UNIT_PATTERN = r"[-+]?\d+(\.\d+)?\s?(dBTP|dBFS|dB|LUFS|LU|%|kHz|Hz|s|BPM|tracks?)\b"


@dataclass
class AudioAnalysis:
    """Everything measured on one signal (a mix or a loudness-matched reference)."""

    name: str
    samples: np.ndarray
    sample_rate_hz: int
    dynamics: Dynamics
    series: LoudnessSeries
    profile: SpectralProfile
    sections: list[RoledSection]
    song: SongAnalysis | None
    stems: dict[str, np.ndarray] | None = None
    match_gain_db: float = 0.0

    def whole(self) -> BandSummary:
        """Tonal and stereo figures of the whole signal."""
        return self.profile.summary()

    def balance(self, section: Section | None = None) -> StemBalance | None:
        """Stem balance of the whole signal or of one section (None without stems)."""
        if not self.stems:
            return None
        if section is None:
            return stem_balance(self.stems, self.samples, self.sample_rate_hz)
        return stem_balance(self.stems, self.samples, self.sample_rate_hz, start_sec=section.start_sec,
                            end_sec=section.end_sec)


def analyse_audio(name: str, samples: np.ndarray, sample_rate_hz: int, *, stems: dict[str, np.ndarray] | None = None,
                  song: SongAnalysis | None = None, analyse_sections: bool = True, match_gain_db: float = 0.0) -> AudioAnalysis:
    """Measure one signal (see the module docstring); ``song`` skips the song analysis when known."""
    from reaper_ext.analysis.song import analyze_song

    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim == 1:
        samples = samples[:, None]
    series = loudness_series(samples, sample_rate_hz)
    dynamics = measure_dynamics(samples, sample_rate_hz, series=series)
    profile = spectral_profile(samples, sample_rate_hz)
    if song is None and analyse_sections:
        song = analyze_song(samples, sample_rate_hz)
    sections = list(song.sections) if song is not None else [Section("A", 0.0, samples.shape[0] / sample_rate_hz, 1.0)]
    return AudioAnalysis(name, samples, sample_rate_hz, dynamics, series, profile, section_roles(sections, series),
                         song, stems, match_gain_db)


@dataclass
class SectionComparison:
    """One mix section against its references' matched sections."""

    mix_name: str
    reference_names: list[str]
    start_sec: float
    end_sec: float
    mix: BandSummary
    reference_broad_db: np.ndarray
    reference_width: np.ndarray
    reference_spread_db: np.ndarray
    mix_balance: StemBalance | None = None
    reference_vocal_to_music_db: float | None = None
    mix_psr_db: float | None = None
    reference_psr_db: float | None = None

    @property
    def broad_delta_db(self) -> np.ndarray:
        """Mix minus reference per broad band, dB."""
        return self.mix.broad_db - self.reference_broad_db

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"section": self.mix_name, "reference_sections": self.reference_names,
                "start_sec": round(self.start_sec, 2), "end_sec": round(self.end_sec, 2),
                "bands": [band for band, _, _ in BROAD_BANDS],
                "mix_db": _rounded(self.mix.broad_db), "reference_db": _rounded(self.reference_broad_db),
                "delta_db": _rounded(self.broad_delta_db), "spread_db": _rounded(self.reference_spread_db),
                "mix_width": _rounded(self.mix.width, 3), "reference_width": _rounded(self.reference_width, 3),
                "vocal_to_music_db": None if self.mix_balance is None or self.mix_balance.vocal_to_music_db is None
                else round(self.mix_balance.vocal_to_music_db, 2),
                "reference_vocal_to_music_db": None if self.reference_vocal_to_music_db is None
                else round(self.reference_vocal_to_music_db, 2),
                "psr_db": None if self.mix_psr_db is None else round(self.mix_psr_db, 2),
                "reference_psr_db": None if self.reference_psr_db is None else round(self.reference_psr_db, 2)}


def _rounded(values: np.ndarray, digits: int = 2) -> list[float | None]:
    return [None if not np.isfinite(v) else round(float(v), digits) for v in np.asarray(values, dtype=float)]


@dataclass
class Comparison:
    """The comparison of a mix with its references."""

    mix: AudioAnalysis
    references: list[AudioAnalysis]
    weights: np.ndarray
    sections: list[SectionComparison]
    master: MasterCheck
    sentences: list[str] = field(default_factory=list)
    suggestions: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def reference_third_octave_db(self) -> tuple[np.ndarray, np.ndarray]:
        """Weighted mean and spread of the references' matched third-octave curves, dB."""
        return _weighted([ref.whole().third_octave_db for ref in self.references], self.weights)

    def to_dict(self) -> dict:
        """JSON-ready form (the ``--json`` output)."""
        mean_third, spread_third = self.reference_third_octave_db()
        return {
            "mix": self.mix.name, "references": [r.name for r in self.references],
            "weights": [round(float(w), 3) for w in self.weights],
            "match_gains_db": [round(r.match_gain_db, 2) for r in self.references],
            "mix_dynamics": self.mix.dynamics.to_dict(),
            "reference_dynamics": [r.dynamics.to_dict() for r in self.references],
            "third_octave": {"mix_db": _rounded(self.mix.whole().third_octave_db), "reference_db": _rounded(mean_third),
                             "spread_db": _rounded(spread_third)},
            "sections": [s.to_dict() for s in self.sections],
            "master": self.master.to_dict(),
            "sentences": self.sentences, "notes": self.notes,
            "suggestions": [s.to_dict() for s in self.suggestions],
        }


def _weighted(values: Sequence[np.ndarray], weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    stacked = np.array([np.asarray(v, dtype=float) for v in values])
    w = np.asarray(weights, dtype=float)[:, None] / float(np.sum(weights))
    with np.errstate(invalid="ignore"):
        mean = np.sum(w * stacked, axis=0)
        spread = np.sqrt(np.sum(w * (stacked - mean) ** 2, axis=0))
    return mean, spread


def _band_label(index: int) -> str:
    name, low, high = BROAD_BANDS[index]
    high_text = f"{high / 1000:.0f} kHz" if high >= 1000 else f"{high:.0f} Hz"
    low_text = f"{low / 1000:.0f}" if low >= 1000 else f"{low:.0f}"
    return f"{name} ({low_text}-{high_text})"


def _band_sentences(where: str, delta: np.ndarray, mix_db: np.ndarray, ref_db: np.ndarray, spread: np.ndarray,
                    several: bool) -> list[str]:
    lines = []
    quiet = []
    for index in range(len(BROAD_BANDS)):
        if not np.isfinite(delta[index]):
            continue
        if abs(delta[index]) < BAND_REPORT_DB:
            quiet.append(index)
            continue
        spread_text = f", references spread {spread[index]:.1f} dB" if several else ""
        lines.append(f"{where} your {_band_label(index)} sit {abs(delta[index]):.1f} dB "
                     f"{'above' if delta[index] > 0 else 'below'} the reference "
                     f"({mix_db[index]:.1f} vs {ref_db[index]:.1f} dBFS{spread_text}).")
    if quiet:
        names = ", ".join(BROAD_BANDS[i][0] for i in quiet)
        lines.append(f"{where} your {names} are within {BAND_REPORT_DB:.1f} dB of the reference.")
    return lines


def compare(
    mix: np.ndarray,
    references: Sequence[np.ndarray],
    sample_rate_hz: int,
    *,
    weights: Sequence[float] | None = None,
    mix_stems: dict[str, np.ndarray] | None = None,
    reference_stems: Sequence[dict[str, np.ndarray] | None] | None = None,
    reference_names: Sequence[str] | None = None,
    mix_name: str = "mix",
    platforms: Sequence[Platform] = PLATFORMS,
    stem_tracks: dict[str, tuple[str, str]] | None = None,
    analyse_sections: bool = True,
) -> Comparison:
    """Compare ``mix`` with ``references`` (all at ``sample_rate_hz``).

    Parameters
    ----------
    mix : np.ndarray, shape (n_samples, n_channels)
        The mix.
    references : sequence of np.ndarray
        One or more references (any length).
    sample_rate_hz : int
        Sample rate of all of them.
    weights : sequence of float, optional
        Each reference's weight in the average (equal by default).
    mix_stems, reference_stems : optional
        Stems (``vocals``, ``drums``, ``bass``, ``other``) aligned with each signal.
        A reference's stems are scaled by its loudness-match gain.
    reference_names, mix_name : optional
        Names in the sentences and the report.
    platforms : sequence of Platform
        The platform card's rows.
    stem_tracks : dict of stem to (track GUID, track name), optional
        The session's tracks behind each mix stem: gain suggestions go there.
    analyse_sections : bool
        False compares the whole songs only (no song analysis).
    """
    if not references:
        from reaper_ext.errors import AnalysisError

        raise AnalysisError("give at least one reference to compare with")
    weights_arr = np.ones(len(references)) if weights is None else np.asarray(weights, dtype=float)
    names = list(reference_names or [f"reference {i + 1}" for i in range(len(references))])
    mix_analysis = analyse_audio(mix_name, mix, sample_rate_hz, stems=mix_stems, analyse_sections=analyse_sections)
    target = mix_analysis.dynamics.integrated_lufs
    analysed = []
    for index, reference in enumerate(references):
        matched, gain_db = loudness_match(np.asarray(reference, dtype=np.float32), sample_rate_hz, target)
        stems = None
        given = reference_stems[index] if reference_stems is not None else None
        if given:
            factor = np.float32(10 ** (gain_db / 20))
            stems = {name: stem * factor for name, stem in given.items()}
        analysed.append(analyse_audio(names[index], matched, sample_rate_hz, stems=stems,
                                      analyse_sections=analyse_sections, match_gain_db=gain_db))
    # the mix's dynamics as measured, the references' before matching would differ only in level:
    # PLR, PSR, LRA and crest do not depend on the gain
    master = MasterCheck(mix_analysis.dynamics, platform_card(mix_analysis.dynamics, platforms))
    comparison = Comparison(mix_analysis, analysed, weights_arr, [], master)
    comparison.sections = _compare_sections(mix_analysis, analysed, weights_arr)
    comparison.sentences = _sentences(comparison)
    comparison.suggestions = _suggestions(comparison, stem_tracks or {})
    return comparison


def _compare_sections(mix: AudioAnalysis, references: list[AudioAnalysis], weights: np.ndarray) -> list[SectionComparison]:
    pairs_per_ref: list[list[SectionPair]] = [align_sections(mix.sections, ref.sections) for ref in references]
    results = []
    for index, roled in enumerate(mix.sections):
        summary = mix.profile.summary(roled.section.start_sec, roled.section.end_sec)
        ref_summaries, ref_names, ref_vmr, ref_psr = [], [], [], []
        for ref, pairs in zip(references, pairs_per_ref, strict=True):
            matched = pairs[index].reference
            ref_summaries.append(ref.profile.summary(matched.section.start_sec, matched.section.end_sec))
            ref_names.append(f"{ref.name}: {matched.name}")
            balance = ref.balance(matched.section)
            ref_vmr.append(None if balance is None else balance.vocal_to_music_db)
            ref_psr.append(ref.series.span_psr_db(matched.section.start_sec, matched.section.end_sec))
        broad, spread = _weighted([s.broad_db for s in ref_summaries], weights)
        width, _ = _weighted([s.width for s in ref_summaries], weights)
        vmr_values = [(v, w) for v, w in zip(ref_vmr, weights, strict=True) if v is not None]
        reference_vmr = (float(sum(v * w for v, w in vmr_values) / sum(w for _, w in vmr_values))
                         if vmr_values else None)
        psr_values = [(v, w) for v, w in zip(ref_psr, weights, strict=True) if v is not None]
        reference_psr = (float(sum(v * w for v, w in psr_values) / sum(w for _, w in psr_values))
                         if psr_values else None)
        results.append(SectionComparison(roled.name, ref_names, roled.section.start_sec, roled.section.end_sec, summary,
                                         broad, width, spread, mix.balance(roled.section), reference_vmr,
                                         mix.series.span_psr_db(roled.section.start_sec, roled.section.end_sec),
                                         reference_psr))
    return results


def _sentences(comparison: Comparison) -> list[str]:
    mix = comparison.mix
    refs = comparison.references
    several = len(refs) > 1
    lines = []
    for ref in refs:
        lines.append(f"{ref.name} was turned {'down' if ref.match_gain_db < 0 else 'up'} by {abs(ref.match_gain_db):.1f} dB "
                     f"to the mix's {mix.dynamics.integrated_lufs:.1f} LUFS before comparing (matched within 0.1 LU).")
    whole = mix.whole()
    ref_broad, spread = _weighted([r.whole().broad_db for r in refs], comparison.weights)
    lines += _band_sentences("Over the whole song", whole.broad_db - ref_broad, whole.broad_db, ref_broad, spread, several)
    whole_delta = whole.broad_db - ref_broad
    for section in comparison.sections:
        if len(comparison.sections) < 2:
            break
        # only what this section adds to the whole-song picture: a band that differs from the
        # reference by BAND_REPORT_DB more (or less) here than over the whole song
        deltas = section.broad_delta_db
        for index in range(len(BROAD_BANDS)):
            if not (np.isfinite(deltas[index]) and np.isfinite(whole_delta[index])):
                continue
            extra = deltas[index] - whole_delta[index]
            if abs(deltas[index]) >= BAND_REPORT_DB and abs(extra) >= BAND_REPORT_DB:
                lines.append(f"In the {section.mix_name} ({section.start_sec:.0f}-{section.end_sec:.0f} s) your "
                             f"{_band_label(index)} sit {abs(deltas[index]):.1f} dB {'above' if deltas[index] > 0 else 'below'} "
                             f"the reference ({section.mix.broad_db[index]:.1f} vs {section.reference_broad_db[index]:.1f} dBFS), "
                             f"{abs(extra):.1f} dB {'more' if extra * deltas[index] > 0 else 'less'} than over the whole song.")
    ref_width, _ = _weighted([r.whole().width for r in refs], comparison.weights)
    ref_corr, _ = _weighted([r.whole().correlation for r in refs], comparison.weights)
    for index in range(len(BROAD_BANDS)):
        if np.isfinite(whole.width[index]) and np.isfinite(ref_width[index]) and abs(whole.width[index] - ref_width[index]) >= WIDTH_REPORT:
            lines.append(f"Your {_band_label(index)} carry {100 * whole.width[index]:.0f} % of their energy in the side "
                         f"signal against {100 * ref_width[index]:.0f} % in the reference (correlation "
                         f"{whole.correlation[index]:.2f} vs {ref_corr[index]:.2f}, where 1.00 is mono at 0 % side).")
    d = mix.dynamics

    def mean_of(attribute: str) -> float:
        return float(np.average([getattr(r.dynamics, attribute) for r in refs], weights=comparison.weights))

    lines.append(f"Your peak-to-loudness ratio (PLR) is {d.plr_db:.1f} dB against {mean_of('plr_db'):.1f} dB in the reference; "
                 f"peak-to-short-term ratio {d.psr_db:.1f} vs {mean_of('psr_db'):.1f} dB; crest factor {d.crest_db:.1f} vs "
                 f"{mean_of('crest_db'):.1f} dB; loudness range {d.lra_lu:.1f} vs {mean_of('lra_lu'):.1f} LU.")
    whole_psr_delta = d.psr_db - mean_of("psr_db")
    for section in comparison.sections:
        if len(comparison.sections) < 2 or section.mix_psr_db is None or section.reference_psr_db is None:
            continue
        delta = section.mix_psr_db - section.reference_psr_db
        if abs(delta) >= BAND_REPORT_DB and abs(delta - whole_psr_delta) >= BAND_REPORT_DB:
            lines.append(f"In the {section.mix_name} your peak-to-short-term ratio is {section.mix_psr_db:.1f} dB against "
                         f"{section.reference_psr_db:.1f} dB in the reference ({delta:+.1f} dB, {whole_psr_delta:+.1f} dB "
                         "over the whole song).")
    lines += _stem_sentences(comparison)
    lines += comparison.master.sentences()
    return lines


def _stem_sentences(comparison: Comparison) -> list[str]:
    mix_balance = comparison.mix.balance()
    ref_balances: list[tuple[StemBalance, float]] = []
    for reference, weight in zip(comparison.references, comparison.weights, strict=True):
        balance = reference.balance()
        if balance is not None:
            ref_balances.append((balance, float(weight)))
    if mix_balance is None or not ref_balances:
        return []
    lines = []
    for stem, share in mix_balance.shares_db.items():
        values = [(b.shares_db[stem], w) for b, w in ref_balances if stem in b.shares_db]
        if not values:
            continue
        ref_share = sum(v * w for v, w in values) / sum(w for _, w in values)
        delta = share - ref_share
        relation = (f"{abs(delta):.1f} dB {'more' if delta > 0 else 'less'} than in the reference"
                    if abs(delta) >= 0.05 else "the same as in the reference (0.0 dB)")
        lines.append(f"Your {stem} carry {share:.1f} dB of the mix's loudness against {ref_share:.1f} dB in the reference: "
                     f"{relation}.")
    for section in comparison.sections:
        section_balance = section.mix_balance
        if (section_balance is None or section_balance.vocal_to_music_db is None
                or section.reference_vocal_to_music_db is None):
            continue
        delta = section_balance.vocal_to_music_db - section.reference_vocal_to_music_db
        if abs(delta) >= STEM_REPORT_DB:
            lines.append(f"In the {section.mix_name} your vocal sits {abs(delta):.1f} dB {'higher' if delta > 0 else 'lower'} "
                         f"against the music than in the reference ({section_balance.vocal_to_music_db:.1f} vs "
                         f"{section.reference_vocal_to_music_db:.1f} dB).")
    overlaps = [(b.low_overlap_pct, w) for b, w in ref_balances if b.low_overlap_pct is not None]
    if mix_balance.low_overlap_pct is not None and overlaps:
        ref_overlap = sum(v * w for v, w in overlaps) / sum(w for _, w in overlaps)
        lines.append(f"Kick and bass share {mix_balance.low_overlap_pct:.0f} % of the drums' 40-150 Hz energy at the same "
                     f"time and frequency, against {ref_overlap:.0f} % in the reference.")
    return lines


def _suggestions(comparison: Comparison, stem_tracks: dict[str, tuple[str, str]]) -> list:
    """A gain on the session's vocal or bass track where its share differs by a dB or more (pending, as always)."""
    from reaper_ext.suggest.model import Suggestion, make_suggestion_id

    mix_balance = comparison.mix.balance()
    if mix_balance is None:
        return []
    suggestions = []
    for stem in ("vocals", "bass"):
        if stem not in stem_tracks or stem not in mix_balance.shares_db:
            continue
        values = [(b.shares_db[stem], w) for r, w in zip(comparison.references, comparison.weights, strict=True)
                  if (b := r.balance()) is not None and stem in b.shares_db]
        if not values:
            continue
        ref_share = sum(v * w for v, w in values) / sum(w for _, w in values)
        delta = ref_share - mix_balance.shares_db[stem]
        if abs(delta) < STEM_REPORT_DB:
            continue
        # two thirds of the difference, in half dB: moving one stem also moves the mix it is a share of
        gain_db = float(np.round(delta * 2 / 3 * 2) / 2)
        guid, track_name = stem_tracks[stem]
        suggestions.append(Suggestion(
            id=make_suggestion_id("gain", guid, "reference"), kind="gain", target=guid, track_name=track_name,
            params={"gain_db": gain_db, "target_dbfs": None},
            why=(f"Your {stem} carry {mix_balance.shares_db[stem]:.1f} dB of the mix's loudness against {ref_share:.1f} dB "
                 f"in the reference: {gain_db:+.1f} dB on the {track_name} track."),
            confidence=0.6))
    return suggestions

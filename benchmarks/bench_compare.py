"""Benchmark the comparison (issue 15): section alignment and speed.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_compare.py [--quick]``

0. Known-edit recovery (the pair of ``reaper_ext_testkit.references``): the
   largest error of the band deltas, stem-share deltas (true stems), PLR and
   per-band width against independent measurements.
1. Chorus to chorus: songs from ``reaper_ext_testkit.songbook`` (``B`` is the
   chorus: full kit, strings, lead) at different tempi and with different
   arrangements (structures) are paired; each mix section that truly is a chorus
   (by majority overlap with the written truth) must be matched to a reference
   section that truly is one. Done when >= 80 % of the pairs get every chorus right.
2. Speed: a 4-minute mix and a 4-minute reference (the known-edit pair, tiled),
   compared with sections, no separation, on 2 threads (done when <= 60 s).
   Separation is not part of it (reported apart by ``reaper-ext compare --separate``).
"""

from __future__ import annotations

import os
import sys
import time

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "2")

import numpy as np  # noqa: E402

from reaper_ext.analysis.song import analyze_song  # noqa: E402
from reaper_ext.reference.dynamics import loudness_series  # noqa: E402
from reaper_ext.reference.sections import CHORUS, align_sections, section_roles  # noqa: E402

STRUCTURES = ("ABAB", "ABCB", "ABABCB", "ACBAB", "ABACB", "AABB", "ABCBB", "ABAB")


def truth_letter(song, start_sec: float, end_sec: float) -> str:
    overlaps = {}
    for index, letter in enumerate(song.structure):
        low, high = song.boundaries_sec[index], song.boundaries_sec[index + 1]
        overlaps[letter] = overlaps.get(letter, 0.0) + max(0.0, min(high, end_sec) - max(low, start_sec))
    return max(overlaps, key=overlaps.get)


def bench_alignment(n_songs: int) -> bool:
    from reaper_ext_testkit import songbook

    songs, roles = [], []
    for index in range(n_songs):
        song = songbook.compose_song(tempo_bpm=84 + 11 * index, tonic=songbook.PITCH_CLASSES[(7 * index) % 12],
                                     mode=("major", "minor")[index % 2], structure=STRUCTURES[index % len(STRUCTURES)],
                                     bars_per_section=4, soundfont=("fluidr3", "timgm6mb")[index % 2], seed=700 + index)
        analysis = analyze_song(song.mix, song.sample_rate_hz)
        songs.append(song)
        roles.append(section_roles(analysis.sections, loudness_series(song.mix, song.sample_rate_hz)))
    hits = n_pairs = 0
    for i in range(n_songs):
        j = (i + 1) % n_songs
        pairs = align_sections(roles[i], roles[j])
        chorus_pairs = [p for p in pairs if truth_letter(songs[i], p.mix.section.start_sec, p.mix.section.end_sec) == "B"]
        right = [truth_letter(songs[j], p.reference.section.start_sec, p.reference.section.end_sec) == "B"
                 for p in chorus_pairs]
        ok = bool(chorus_pairs) and all(right)
        hits += ok
        n_pairs += 1
        found = "".join(r.section.label for r in roles[i])
        print(f"  {songs[i].structure:>7} @{songs[i].tempo_bpm:.0f} vs {songs[j].structure:>7} @{songs[j].tempo_bpm:.0f}: "
              f"found {found}, chorus sections {sum(right)}/{len(chorus_pairs)} matched to a chorus"
              f"{'' if ok else '  MISS'}; roles {[r.role for r in roles[i]].count(CHORUS)} chorus")
    print(f"alignment: chorus matched to chorus on {hits}/{n_pairs} pairs ({100 * hits / n_pairs:.0f} %)")
    return hits >= 0.8 * n_pairs


def bench_speed(minutes: float) -> bool:
    from reaper_ext_testkit.references import make_pair

    from reaper_ext.reference.compare import compare

    pair = make_pair(tempo_bpm=120.0, structure="ABAB", bars_per_section=4, seed=11)
    n = int(minutes * 60 * pair.sample_rate_hz)
    tile = lambda audio: np.tile(audio, (int(np.ceil(n / audio.shape[0])), 1))[:n]  # noqa: E731
    mix, reference = tile(pair.student), tile(pair.reference)
    from reaper_ext.reference.chain import solve_chain

    start = time.perf_counter()
    comparison = compare(mix, [reference], pair.sample_rate_hz)
    compared = time.perf_counter() - start
    plan = solve_chain(mix, pair.sample_rate_hz)  # what `reaper-ext compare` adds: the master chain
    elapsed = time.perf_counter() - start
    print(f"speed: {minutes:.0f}-minute mix and reference compared in {compared:.1f} s, with the master chain "
          f"{elapsed:.1f} s ({len(comparison.sections)} sections, {len(comparison.sentences)} sentences, chain "
          f"{'note' if plan.is_note_only else 'solved'}; no separation; OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    return elapsed <= 60.0


def bench_known_edits() -> bool:
    """The known-edit pair (tests/reference/test_compare.py holds the same bounds): print the errors."""
    import pyloudnorm
    from reaper_ext_testkit.references import make_pair
    from scipy.signal import resample_poly

    from reaper_ext.reference.compare import compare

    pair = make_pair(tempo_bpm=120.0, structure="AB", bars_per_section=2, seed=3)
    sr = pair.sample_rate_hz
    meter = pyloudnorm.Meter(sr)
    lufs = lambda audio: meter.integrated_loudness(audio.astype(np.float64))  # noqa: E731
    comparison = compare(pair.student, [pair.reference], sr, mix_stems=pair.student_stems,
                         reference_stems=[pair.reference_stems], analyse_sections=False)
    gain_db = lufs(pair.student) - lufs(pair.reference)
    bands = ((20.0, 200.0), (200.0, 2000.0), (2000.0, 6000.0), (6000.0, 20000.0))

    def fft_band(audio, low, high, width=False):
        spectra = np.fft.rfft(audio.astype(np.float64), axis=0)
        freqs = np.fft.rfftfreq(audio.shape[0], 1 / sr)
        spectra[(freqs < low) | (freqs >= high)] = 0
        left, right = np.fft.irfft(spectra, n=audio.shape[0], axis=0).T
        mid, side = np.sum(((left + right) / 2) ** 2), np.sum(((left - right) / 2) ** 2)
        return side / (mid + side) if width else 10 * np.log10(mid / audio.shape[0])

    band_errors = [comparison.sections[0].broad_delta_db[i] - (fft_band(pair.student, *b) - fft_band(pair.reference, *b) - gain_db)
                   for i, b in enumerate(bands)]
    mix_shares = comparison.mix.balance().shares_db
    ref_shares = comparison.references[0].balance().shares_db
    share_errors = [mix_shares["vocals"] - ref_shares["vocals"] - (-3.0 - gain_db),
                    mix_shares["bass"] - ref_shares["bass"] - (2.0 - gain_db)]
    plr_errors, width_errors = [], []
    for analysis, audio in ((comparison.mix, pair.student), (comparison.references[0], pair.reference)):
        true_peak = 20 * np.log10(np.abs(resample_poly(audio.astype(np.float64), 32, 1, axis=0)).max())
        plr_errors.append(analysis.dynamics.plr_db - (true_peak - lufs(audio)))
        width_errors += [analysis.whole().width[i] - fft_band(audio, *b, width=True) for i, b in enumerate(bands)]
    worst = lambda values: float(np.max(np.abs(values)))  # noqa: E731
    print(f"known edits: band deltas max error {worst(band_errors):.2f} dB (bound 0.5); stem share deltas "
          f"{worst(share_errors):.2f} dB (bound 1.0, true stems); PLR {worst(plr_errors):.2f} dB (bound 0.5); "
          f"per-band width {worst(width_errors):.3f} (bound 0.05)")
    return worst(band_errors) <= 0.5 and worst(share_errors) <= 1.0 and worst(plr_errors) <= 0.5 and worst(width_errors) <= 0.05


def main() -> int:
    quick = "--quick" in sys.argv
    ok = bench_known_edits()
    ok &= bench_alignment(4 if quick else 10)
    ok &= bench_speed(1 if quick else 4)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

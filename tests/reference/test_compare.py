"""Known-edit recovery (issue 15): a reference and a "student mix" of the same rendered parts.

The student mix (``reaper_ext_testkit.references``) has vocal -3 dB, bass +2 dB, a
+3 dB shelf at 10 kHz, the lows under 200 Hz collapsed to mono and 4 dB more
limiting. The truths are computed here with independent code (pyloudnorm,
whole-signal FFTs, 32x oversampling) or follow from the edits themselves.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

pytestmark = pytest.mark.slow  # renders through fluidsynth and espeak-ng (about 20 s once per session)

SR = 44100
BANDS = ((20.0, 200.0), (200.0, 2000.0), (2000.0, 6000.0), (6000.0, 20000.0))


@pytest.fixture(scope="module")
def pair():
    from reaper_ext_testkit.references import make_pair

    return make_pair(tempo_bpm=120.0, structure="AB", bars_per_section=2, seed=3)


@pytest.fixture(scope="module")
def comparison(pair):
    from reaper_ext.reference.compare import compare

    return compare(pair.student, [pair.reference], SR, mix_stems=pair.student_stems,
                   reference_stems=[pair.reference_stems], analyse_sections=False)


def lufs(samples):
    import pyloudnorm

    return pyloudnorm.Meter(SR).integrated_loudness(np.asarray(samples, dtype=np.float64))


def fft_band_db(samples, low, high):
    """Mid-signal level in a band from one whole-signal FFT (dBFS, RMS convention)."""
    mid = samples.astype(np.float64).mean(axis=1)
    spectrum = np.abs(np.fft.rfft(mid)) ** 2
    freqs = np.fft.rfftfreq(mid.size, 1 / SR)
    band = (freqs >= low) & (freqs < high)
    return 10 * np.log10(2 * spectrum[band].sum() / mid.size ** 2)


def fft_band_width(samples, low, high):
    """Side share of a band's energy from brickwall band-passed L and R."""
    spectra = np.fft.rfft(samples.astype(np.float64), axis=0)
    freqs = np.fft.rfftfreq(samples.shape[0], 1 / SR)
    spectra[(freqs < low) | (freqs >= high)] = 0
    left, right = np.fft.irfft(spectra, n=samples.shape[0], axis=0).T
    mid, side = np.sum(((left + right) / 2) ** 2), np.sum(((left - right) / 2) ** 2)
    return side / (mid + side)


def test_loudness_matched_within_a_tenth(pair, comparison):
    reference = comparison.references[0]
    assert lufs(reference.samples) == pytest.approx(lufs(pair.student), abs=0.1)


def test_band_deltas_within_half_a_db(pair, comparison):
    gain_db = lufs(pair.student) - lufs(pair.reference)
    section = comparison.sections[0]
    assert len(comparison.sections) == 1  # whole song (no section analysis asked)
    for index, (low, high) in enumerate(BANDS):
        truth = fft_band_db(pair.student, low, high) - (fft_band_db(pair.reference, low, high) + gain_db)
        assert section.broad_delta_db[index] == pytest.approx(truth, abs=0.5), BANDS[index]
    # the shelf shows where it should: the highs rise against the low mids by about the shelf's gain
    highs_minus_mids = section.broad_delta_db[3] - section.broad_delta_db[1]
    assert 1.0 < highs_minus_mids < 3.5


def test_stem_shares_recover_the_gains(pair, comparison):
    """With the true stems: share deltas = the stem edit minus the mix's loudness change, within 1 dB."""
    mix_change = lufs(pair.student) - lufs(pair.reference)
    mix_shares = comparison.mix.balance().shares_db
    ref_shares = comparison.references[0].balance().shares_db
    assert mix_shares["vocals"] - ref_shares["vocals"] == pytest.approx(-3.0 - mix_change, abs=1.0)
    assert mix_shares["bass"] - ref_shares["bass"] == pytest.approx(2.0 - mix_change, abs=1.0)
    assert mix_shares["drums"] - ref_shares["drums"] == pytest.approx(0.0 - mix_change, abs=1.0)


def test_plr_within_half_a_db(pair, comparison):
    from scipy.signal import resample_poly

    for analysis, audio in ((comparison.mix, pair.student), (comparison.references[0], pair.reference)):
        true_peak = 20 * np.log10(np.abs(resample_poly(audio.astype(np.float64), 32, 1, axis=0)).max())
        assert analysis.dynamics.plr_db == pytest.approx(true_peak - lufs(audio), abs=0.5)
    # 4 dB more limiting: the student's PLR is lower
    assert comparison.mix.dynamics.plr_db < comparison.references[0].dynamics.plr_db - 1.0


def test_band_widths_within_five_hundredths(pair, comparison):
    for analysis, audio in ((comparison.mix, pair.student), (comparison.references[0], pair.reference)):
        whole = analysis.whole()
        for index, (low, high) in enumerate(BANDS):
            assert whole.width[index] == pytest.approx(fft_band_width(audio, low, high), abs=0.05), BANDS[index]
    assert comparison.mix.whole().width[0] < 0.02  # the lows were collapsed to mono
    assert comparison.references[0].whole().width[0] > 0.05  # and were not in the reference


def test_every_sentence_carries_a_number_and_a_unit(comparison):
    from reaper_ext.reference.compare import UNIT_PATTERN

    assert len(comparison.sentences) >= 6
    for sentence in comparison.sentences:
        assert re.search(UNIT_PATTERN, sentence), sentence
        for word in ("bad", "wrong", "terrible", "poor"):
            assert not re.search(rf"\b{word}\b", sentence, re.IGNORECASE), sentence


def test_unit_check_rejects_a_bare_judgement():
    from reaper_ext.reference.compare import UNIT_PATTERN

    assert not re.search(UNIT_PATTERN, "Your vocal is too quiet.")
    assert not re.search(UNIT_PATTERN, "Step 3 of the mix.")
    assert re.search(UNIT_PATTERN, "The vocal sits 3.1 dB lower.")


def test_sentences_with_sections_carry_units_and_the_page_draws_them(pair):
    """With the song's sections (and several references): still a number and a unit in every sentence."""
    from reaper_ext.reference.compare import UNIT_PATTERN, compare
    from reaper_ext.report.compare import comparison_page

    quieter = pair.reference * np.float32(0.5)  # a second reference: same balance, another level (matched away)
    result = compare(pair.student, [pair.reference, quieter], SR, weights=[2.0, 1.0], mix_stems=pair.student_stems,
                     reference_stems=[pair.reference_stems, None])
    assert len(result.sections) >= 1
    for sentence in result.sentences:
        assert re.search(UNIT_PATTERN, sentence), sentence
    assert any("spread" in sentence for sentence in result.sentences) or all(
        abs(d) < 1.0 for d in result.sections[0].broad_delta_db)
    page = comparison_page(result)
    assert page.count("<tr>") >= len(result.sections) + 1 and "<polyline" in page

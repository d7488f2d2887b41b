"""Song-level analysis of a whole mix: tempo, key, chords and sections.

The input is the sum of all tracks, a float array of shape
``(n_samples, n_channels)`` plus its sample rate. Everything is measured on a
mono downmix resampled to 22.05 kHz (11.025 kHz for mixes longer than
:data:`LONG_MIX_SEC`), with a 512-sample hop, from three short-time features
computed once, in chunks of frames so memory stays bounded for long mixes:

* a log-mel spectrogram (window ~93 ms): spectral-flux onset strength for the
  tempo (the whole spectrum, and the kick, snare-body and hi-hat bands for its
  octave), MFCCs (timbre / instrumentation) for the sections;
* a chroma vector (window ~186 ms, harmonic part only: the time-median half of
  median-filter HPSS, Fitzgerald 2010) for the key and the sections.

Tempo: autocorrelation of the onset strength (Ellis 2007; the ``tempogram``
averaged over time), octave errors folded into 70-180 BPM, the period refined on
its multiples (bar, two bars...) to a fraction of a frame; where a tempo and its
double both fit that range, the drums decide (backbeat on the beat or between
beats, hi-hat in eighths or sixteenths: :mod:`~reaper_ext.analysis.song.tempo`).

Bars and chords: 4/4 bars at that tempo, the bar line where the harmony changes;
the chord of every bar from :mod:`reaper_ext.sparks.harmony`'s recogniser, with
the bass on each downbeat (:mod:`~reaper_ext.analysis.song.chords`).

Key: the harmonic chroma correlated with the 24 rotations of the
Krumhansl-Kessler key profiles (Krumhansl 1990, the Krumhansl-Schmuckler
algorithm), with the bars' scale, their chords and the tonic's weight in the bass
and on the first and last chords deciding between relative and neighbouring keys
(:mod:`~reaper_ext.analysis.song.key`).

Sections: beat-synchronous MFCCs (timbre: instrumentation, loudness) and, at a
10 % share, chroma, their self-similarity matrix, Foote's checkerboard novelty
(Foote 2000) for the boundaries, boundaries moved onto bar lines when one is
within a beat, sections shorter than :data:`MIN_SECTION_SEC` merged, and the
segments clustered (average linkage on cosine distance) so that repeats share a
letter (segment descriptors: mean beat-synchronous chroma and MFCCs),
lettered in order of first appearance.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.analysis.song.chords import bar_harmony, chords_in_key
from reaper_ext.analysis.song.features import ANALYSIS_RATE_HZ, LONG_MIX_SEC, compute_features
from reaper_ext.analysis.song.key import estimate_key, key_from_features, key_from_harmony
from reaper_ext.analysis.song.results import (
    PITCH_CLASS_NAMES,
    ChordEstimate,
    KeyEstimate,
    Section,
    SongAnalysis,
    TempoEstimate,
)
from reaper_ext.analysis.song.sections import MIN_SECTION_SEC, find_sections, sections_from_features
from reaper_ext.analysis.song.tempo import estimate_tempo, tempo_from_features

__all__ = [
    "TempoEstimate",
    "KeyEstimate",
    "ChordEstimate",
    "Section",
    "SongAnalysis",
    "estimate_tempo",
    "estimate_key",
    "find_sections",
    "analyze_song",
    "PITCH_CLASS_NAMES",
    "ANALYSIS_RATE_HZ",
    "LONG_MIX_SEC",
    "MIN_SECTION_SEC",
]


def analyze_song(mix: np.ndarray, sample_rate_hz: float) -> SongAnalysis:
    """Tempo, key, the chord of every bar and sections of a mix, from one pass of feature extraction.

    Parameters
    ----------
    mix : np.ndarray, shape (n_samples, n_channels) or (n_samples,)
        The whole mix (sum of all tracks), floating point, full scale 1.0.
    sample_rate_hz : float
        Sample rate of ``mix``.

    Returns
    -------
    SongAnalysis

    Raises
    ------
    AnalysisError
        If the mix is invalid, empty or silent.
    """
    features = compute_features(mix, sample_rate_hz)
    tempo = tempo_from_features(features)
    harmony = bar_harmony(features, tempo.bpm)
    if harmony is None:
        key, chords = key_from_features(features), []
    else:
        key = key_from_harmony(features, harmony)
        chords = chords_in_key(features, harmony, key)
    sections = sections_from_features(features, tempo.bpm or None)
    return SongAnalysis(tempo, key, sections, chords)

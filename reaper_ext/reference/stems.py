"""Stem balance: each stem's share of the loudness, the vocal-to-music ratio, kick/bass low-end overlap.

* share: the stem's integrated loudness minus the mix's (BS.1770-4), LU; a stem
  that is a quarter of the mix's power reads -6.0.
* vocal-to-music ratio: loudness of the vocal stem minus that of the sum of the
  other stems, dB.
* low-end overlap: over 40-150 Hz, per STFT bin and frame, the energy the drums
  and the bass hold at the same time and frequency, ``sum min(P_drums, P_bass)``,
  as a share of the drums' low-end energy, %. 100 % means every bit of the
  kick's low end sits under bass energy at least as strong.

The stems come from the session's own labelled tracks (the mix) or from
separation (:func:`separate_stems`, :mod:`reaper_ext.separation.arrays`).
Stem names follow demucs: ``drums``, ``bass``, ``vocals``, ``other``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reaper_ext.analysis.loudness import integrated_loudness

__all__ = ["StemBalance", "stem_balance", "separate_stems", "stem_of_track_name", "LOW_OVERLAP_HZ"]

LOW_OVERLAP_HZ = (40.0, 150.0)
_N_FFT = 4096
_HOP = 2048
_VOCALS, _DRUMS, _BASS = "vocals", "drums", "bass"


@dataclass(frozen=True)
class StemBalance:
    """Stem shares and ratios of one span of a mix."""

    shares_db: dict[str, float] = field(default_factory=dict)
    vocal_to_music_db: float | None = None
    low_overlap_pct: float | None = None

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"shares_db": {k: round(v, 2) for k, v in self.shares_db.items()},
                "vocal_to_music_db": None if self.vocal_to_music_db is None else round(self.vocal_to_music_db, 2),
                "low_overlap_pct": None if self.low_overlap_pct is None else round(self.low_overlap_pct, 1)}


def _low_power(samples: np.ndarray, sample_rate_hz: float) -> np.ndarray:
    mono = np.asarray(samples, dtype=np.float32).mean(axis=1) if samples.ndim == 2 else samples
    if mono.size < _N_FFT:
        mono = np.pad(mono, (0, _N_FFT - mono.size))
    from numpy.lib.stride_tricks import sliding_window_view

    frames = sliding_window_view(mono, _N_FFT)[::_HOP] * np.hanning(_N_FFT).astype(np.float32)
    freqs = np.fft.rfftfreq(_N_FFT, 1.0 / sample_rate_hz)
    band = (freqs >= LOW_OVERLAP_HZ[0]) & (freqs < LOW_OVERLAP_HZ[1])
    first, last = int(np.argmax(band)), int(np.flatnonzero(band)[-1]) + 1
    # only the low bins: a DFT restricted to them costs less than a full FFT of every frame
    basis = np.exp(-2j * np.pi * np.outer(np.arange(_N_FFT), np.arange(first, last)) / _N_FFT).astype(np.complex64)
    return np.abs(frames @ basis) ** 2


def stem_balance(stems: dict[str, np.ndarray], mix: np.ndarray, sample_rate_hz: float,
                 *, start_sec: float = 0.0, end_sec: float | None = None) -> StemBalance:
    """Shares, vocal-to-music ratio and low-end overlap over ``[start_sec, end_sec)``.

    Parameters
    ----------
    stems : dict of str to np.ndarray
        Stem audio, each the mix's shape and alignment.
    mix : np.ndarray, shape (n_samples, n_channels)
        The mix the shares are relative to.
    sample_rate_hz : float
        Sample rate.
    start_sec, end_sec : float
        The span (a section); the whole mix by default.
    """
    first = int(round(start_sec * sample_rate_hz))
    last = mix.shape[0] if end_sec is None else int(round(end_sec * sample_rate_hz))
    mix_lufs = integrated_loudness(mix[first:last], sample_rate_hz)
    shares = {}
    loudness = {}
    for name, stem in stems.items():
        value = integrated_loudness(stem[first:last], sample_rate_hz)
        loudness[name] = value
        if np.isfinite(value) and np.isfinite(mix_lufs):
            shares[name] = float(value - mix_lufs)
    vocal_to_music = None
    if _VOCALS in stems and len(stems) > 1 and np.isfinite(loudness[_VOCALS]):
        music = sum(stem[first:last] for name, stem in stems.items() if name != _VOCALS)
        music_lufs = integrated_loudness(np.asarray(music), sample_rate_hz)
        if np.isfinite(music_lufs):
            vocal_to_music = float(loudness[_VOCALS] - music_lufs)
    overlap = None
    if _DRUMS in stems and _BASS in stems:
        drums = _low_power(stems[_DRUMS][first:last], sample_rate_hz)
        bass = _low_power(stems[_BASS][first:last], sample_rate_hz)
        total = float(drums.sum())
        if total > 0:
            overlap = 100.0 * float(np.minimum(drums, bass).sum()) / total
    return StemBalance(shares, vocal_to_music, overlap)


#: Words in a track name that say which stem it belongs to (the session's own tracks).
_STEM_WORDS = {
    _VOCALS: ("vox", "vocal", "voc", "voice", "sing", "lead vox", "bv", "choir"),
    _DRUMS: ("kick", "snare", "drum", "hat", "hh", "tom", "overhead", "oh", "cymbal", "perc", "room"),
    _BASS: ("bass", "sub", "808"),
}


def stem_of_track_name(name: str) -> str:
    """The stem a track belongs to from its name (``vocals``, ``drums``, ``bass``, else ``other``)."""
    lowered = name.lower()
    for stem, words in _STEM_WORDS.items():
        if any(word in lowered.replace("_", " ").split() or (len(word) > 3 and word in lowered) for word in words):
            return stem
    return "other"


def separate_stems(samples: np.ndarray, sample_rate_hz: int, *, model: str, model_repo=None,
                   device: str | None = None) -> dict[str, np.ndarray]:
    """Separate a reference into stems (:func:`reaper_ext.separation.arrays.separate_array`)."""
    from reaper_ext.separation.arrays import separate_array

    return separate_array(samples, sample_rate_hz, model=model, model_repo=model_repo, device=device)

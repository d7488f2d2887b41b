"""The drummer's groove fingerprint: swing, micro-timing per drum, accents per bar position.

Onsets are found on each drum track (kick, snare, hats... each its own track, as
a multitrack session has them): a 0.73 ms peak envelope, a rise of at least
9 dB within 6 ms starts a hit, and the hit's time is the first sample that
reaches a quarter of its peak (the attack of a drum sample is a few samples
long, so this is within a fraction of a millisecond of the note-on).

Every onset is placed against the project's tempo map (quarter-note beats).
Off-beat positions are clustered; the cluster nearest the middle of the beat
is the off-beat eighth and its median position is the **eighth swing** (0.5
straight, 0.667 triplet); clusters before/after it are the sixteenths, whose
position inside their eighth is the **sixteenth swing**. Each hit then gets
its nearest slot on the swung sixteenth grid and its **offset** from that slot
in ms; the fingerprint keeps the median offset per (drum, slot in the bar) and
the median level per (drum, slot) for the **accents**.

Transfer: a new pattern's notes are placed on the same swung grid plus the
measured offset of their (drum, slot), and their velocities follow the
measured accents (General MIDI's velocity curve: level = 40 log10(v/127) dB,
DLS Level 1 / GM2 recommendation).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reaper_ext.errors import AnalysisError

__all__ = ["DrumOnset", "GrooveFingerprint", "detect_onsets", "measure_groove", "swung_qn", "velocity_for_level"]

_BLOCK = 32  # samples per envelope block: 0.73 ms at 44.1 kHz
_RISE_DB = 9.0  # a hit rises at least this much above ...
_HOLD_SEC = 0.030  # ... the loudest the track was in this long before it (longer than a 33 Hz cycle, so a
_HOLD_GAP_SEC = 0.003  # kick's own oscillation never looks like a new hit), up to this long before it
_FLOOR_BELOW_PEAK_DB = 35.0  # hits quieter than this under the track's loud hits are ignored
_REFRACTORY_SEC = 0.035  # two hits of one drum closer than this are one hit
_ATTACK_FRACTION = 0.05  # a hit starts where it first reaches this fraction of its peak
_CLUSTER_GAP_QN = 0.05  # off-beat positions further apart than this are different slots
_ONBEAT_TOLERANCE_QN = 0.12  # a hit this early still belongs to the beat
_TOP_VELOCITY = 112


@dataclass(frozen=True)
class DrumOnset:
    """One detected hit."""

    drum: str
    time_sec: float
    level_db: float  # peak level, dBFS


@dataclass
class GrooveFingerprint:
    """How the drummer plays against the grid.

    Attributes
    ----------
    swing_8th : float or None
        Position of the off-beat eighth as a fraction of the beat (0.5 straight); None without off-beats.
    swing_16th : float or None
        Position of the off-beat sixteenths inside their eighth (0.5 straight); None without them.
    offsets_ms : dict
        ``(drum, slot) -> median offset`` from the swung grid in ms (slot: sixteenth in the bar, 0-based;
        positive = late).
    levels_db : dict
        ``(drum, slot) -> median level`` relative to that drum's loudest slot (<= 0).
    drum_offsets_ms : dict
        ``drum -> (median offset, spread)``: the spread is the median absolute deviation of its hits, ms.
    beats_per_bar : int
    n_hits : int
    """

    swing_8th: float | None
    swing_16th: float | None
    offsets_ms: dict[tuple[str, int], float] = field(default_factory=dict)
    levels_db: dict[tuple[str, int], float] = field(default_factory=dict)
    drum_offsets_ms: dict[str, tuple[float, float]] = field(default_factory=dict)
    beats_per_bar: int = 4
    n_hits: int = 0

    def offset_for(self, drum: str, slot: int) -> float:
        """The measured offset of (drum, slot); the drum's median for a slot it never played; 0 for an unknown drum."""
        if (drum, slot) in self.offsets_ms:
            return self.offsets_ms[(drum, slot)]
        if drum in self.drum_offsets_ms:
            return self.drum_offsets_ms[drum][0]
        return 0.0

    def velocity_for(self, drum: str, slot: int, *, default_db: float = -6.0) -> int:
        """A velocity that reproduces the measured accent of (drum, slot)."""
        return velocity_for_level(self.levels_db.get((drum, slot), default_db))

    def describe(self) -> str:
        """One line for the item notes: swing and timing, with the numbers."""
        parts = []
        if self.swing_8th is not None:
            parts.append(f"swing {self.swing_8th * 100:.0f}% (8ths)")
        if self.swing_16th is not None:
            parts.append(f"{self.swing_16th * 100:.0f}% (16ths)")
        for drum, (median, spread) in sorted(self.drum_offsets_ms.items()):
            parts.append(f"{drum} {median:+.0f} ms ±{spread:.0f} ms")
        return ", ".join(parts) + f" measured from {self.n_hits} hits"

    def to_dict(self) -> dict:
        return {
            "swing_8th": None if self.swing_8th is None else round(self.swing_8th, 4),
            "swing_16th": None if self.swing_16th is None else round(self.swing_16th, 4),
            "drum_offsets_ms": {drum: [round(a, 2), round(b, 2)] for drum, (a, b) in self.drum_offsets_ms.items()},
            "offsets_ms": {f"{drum}@{slot}": round(value, 2) for (drum, slot), value in sorted(self.offsets_ms.items())},
            "levels_db": {f"{drum}@{slot}": round(value, 2) for (drum, slot), value in sorted(self.levels_db.items())},
            "beats_per_bar": self.beats_per_bar, "n_hits": self.n_hits,
        }


def velocity_for_level(level_db: float) -> int:
    """MIDI velocity for a level relative to the loudest hit (GM curve: 40 log10(v / v_max) dB)."""
    return int(np.clip(round(_TOP_VELOCITY * 10 ** (min(0.0, level_db) / 40.0)), 1, 127))


def detect_onsets(audio: np.ndarray, sample_rate_hz: float, *, drum: str = "drum") -> list[DrumOnset]:
    """Hits of one drum track.

    Parameters
    ----------
    audio : np.ndarray, shape (n_samples,) or (n_samples, n_channels)
        The drum track, full scale 1.0.
    sample_rate_hz : float
    drum : str
        A name for the drum ("kick", "snare", "hats").

    Returns
    -------
    list of DrumOnset, in time order.
    """
    samples = np.asarray(audio, dtype=np.float32)
    if samples.ndim == 2:
        samples = samples.mean(axis=1)
    n_blocks = len(samples) // _BLOCK
    if n_blocks < 4:
        return []
    magnitude = np.abs(samples[: n_blocks * _BLOCK])
    envelope = magnitude.reshape(n_blocks, _BLOCK).max(axis=1)
    loud = float(np.percentile(envelope, 99.5))
    if loud <= 1e-6:
        return []
    env_db = 20 * np.log10(np.maximum(envelope, loud * 1e-6).astype(np.float64))
    block_sec = _BLOCK / sample_rate_hz
    hold = max(2, int(round(_HOLD_SEC / block_sec)))
    lag = max(1, int(round(_HOLD_GAP_SEC / block_sec)))
    # the loudest level in the window that ends `lag` blocks before each block: a hit rises above it
    padded = np.concatenate([np.full(hold + lag, env_db.min()), env_db])
    before = np.lib.stride_tricks.sliding_window_view(padded, hold)[:n_blocks].max(axis=1)
    rise = env_db - before
    floor_db = 20 * np.log10(loud) - _FLOOR_BELOW_PEAK_DB
    candidates = np.flatnonzero((rise >= _RISE_DB) & (env_db >= floor_db))
    onsets = []
    refractory = int(round(_REFRACTORY_SEC / block_sec))
    peak_blocks = int(round(0.015 / block_sec))
    last = -refractory - 1
    for block in (int(b) for b in candidates):
        if block - last <= refractory:
            continue
        last = block
        first_sample = max(0, (block - lag) * _BLOCK)
        stop_sample = min(len(magnitude), (block + peak_blocks) * _BLOCK)
        peak = float(magnitude[first_sample:stop_sample].max())
        reached = np.flatnonzero(magnitude[first_sample:stop_sample] >= _ATTACK_FRACTION * peak)
        start = first_sample + int(reached[0])
        onsets.append(DrumOnset(drum, start / sample_rate_hz, 20 * np.log10(max(peak, 1e-9))))
    return onsets


def swung_qn(beat_qn: float, sub: int, swing_8th: float, swing_16th: float) -> float:
    """Quarter-note position of sixteenth ``sub`` (0-3) of the beat starting at ``beat_qn`` on a swung grid."""
    if sub == 0:
        return beat_qn
    if sub == 1:
        return beat_qn + swing_16th * swing_8th
    if sub == 2:
        return beat_qn + swing_8th
    return beat_qn + swing_8th + swing_16th * (1.0 - swing_8th)


def _clusters(values: np.ndarray, min_count: int) -> list[np.ndarray]:
    if len(values) == 0:
        return []
    ordered = np.sort(values)
    splits = np.flatnonzero(np.diff(ordered) > _CLUSTER_GAP_QN) + 1
    return [group for group in np.split(ordered, splits) if len(group) >= min_count]


def measure_groove(
    tracks: dict[str, np.ndarray],
    sample_rate_hz: float,
    tempo_map,
    *,
    start_sec: float = 0.0,
    end_sec: float | None = None,
) -> GrooveFingerprint:
    """The groove fingerprint of drum tracks against the project's tempo map.

    Parameters
    ----------
    tracks : dict of str to np.ndarray
        ``drum name -> audio`` (each starting at project time 0).
    sample_rate_hz : float
    tempo_map : TempoMap
        The project's (``reaper_ext.session.rpp.midi.TempoMap``).
    start_sec, end_sec : float
        Only hits in this span count.

    Raises
    ------
    AnalysisError
        No drum track, or no hits in them.
    """
    if not tracks:
        raise AnalysisError("no drum tracks to measure a groove from")
    onsets = []
    for drum, audio in tracks.items():
        onsets += [o for o in detect_onsets(audio, sample_rate_hz, drum=drum)
                   if o.time_sec >= start_sec and (end_sec is None or o.time_sec < end_sec)]
    if not onsets:
        raise AnalysisError(f"no drum hits found in {', '.join(tracks)}")
    qn = np.array([tempo_map.sec_to_qn(o.time_sec) for o in onsets])
    beat = np.floor(qn + _ONBEAT_TOLERANCE_QN)
    fraction = qn - beat
    is_on = fraction <= 0.15
    # Off-beat positions are measured from each drum's own on-beat hits: a drum's sound takes a
    # moment to rise (and a drummer may sit behind the beat), which moves both alike, so the
    # swing is the distance between them, not the off-beats' distance from the click.
    drums = np.array([o.drum for o in onsets])
    on_median = float(np.median(fraction[is_on])) if is_on.any() else 0.0
    for drum in set(drums.tolist()):
        mine = drums == drum
        reference = float(np.median(fraction[mine & is_on])) if (mine & is_on).any() else on_median
        fraction[mine] -= reference
    off = fraction[(fraction > 0.15) & (fraction < 1.0 - _ONBEAT_TOLERANCE_QN)]
    clusters = _clusters(off, max(3, int(0.03 * len(onsets))))
    medians = [float(np.median(group)) for group in clusters]
    swing_8th = swing_16th = None
    middle = [m for m in medians if 0.4 <= m <= 0.76]
    if middle:
        swing_8th = min(middle, key=lambda m: abs(m - 0.58))
    eighth = swing_8th if swing_8th is not None else 0.5
    sixteenths = []
    for m in medians:
        if swing_8th is not None and m == swing_8th:
            continue
        if m < eighth:
            sixteenths.append(m / eighth)
        else:
            sixteenths.append((m - eighth) / (1.0 - eighth))
    if sixteenths:
        swing_16th = float(np.median(sixteenths))
    sixteenth = swing_16th if swing_16th is not None else 0.5

    numerator, denominator = tempo_map.time_signature_at_qn(float(qn[0]))
    beats_per_bar = max(1, int(round(numerator * 4 / denominator)))
    by_slot: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for onset, position in zip(onsets, qn, strict=True):
        beat_qn = float(np.floor(position + _ONBEAT_TOLERANCE_QN))
        grid = [swung_qn(beat_qn, sub, eighth, sixteenth) for sub in range(4)] + [beat_qn + 1.0]
        sub = int(np.argmin([abs(position - g) for g in grid]))
        if sub == 4:
            beat_qn, sub = beat_qn + 1.0, 0
        grid_sec = tempo_map.qn_to_sec(swung_qn(beat_qn, sub, eighth, sixteenth))
        bar = tempo_map.qn_to_bar(beat_qn)
        beat_in_bar = int(round((bar - np.floor(bar + 1e-6)) * beats_per_bar)) % beats_per_bar
        slot = beat_in_bar * 4 + sub
        by_slot.setdefault((onset.drum, slot), []).append(((onset.time_sec - grid_sec) * 1000.0, onset.level_db))
    offsets = {key: float(np.median([o for o, _ in hits])) for key, hits in by_slot.items()}
    levels = {key: float(np.median([level for _, level in hits])) for key, hits in by_slot.items()}
    loudest: dict[str, float] = {}
    for (drum, _), level in levels.items():
        loudest[drum] = max(loudest.get(drum, -np.inf), level)
    levels = {key: level - loudest[key[0]] for key, level in levels.items()}
    drum_offsets = {}
    for drum in tracks:
        values = np.array([o for (d, _), hits in by_slot.items() if d == drum for o, _ in hits])
        if len(values):
            median = float(np.median(values))
            drum_offsets[drum] = (median, float(np.median(np.abs(values - median))))
    return GrooveFingerprint(swing_8th, swing_16th, offsets, levels, drum_offsets, beats_per_bar, len(onsets))

"""Notes from a pitch track, and what each note is made of.

Segmentation
    Voiced runs (gaps up to 40 ms bridged) are split where the pitch steps:
    the mean pitch over the 150 ms before a frame and the 150 ms after it
    differ by more than ``step_cents`` (a window that spans a whole vibrato
    cycle at 6.7 Hz, so vibrato averages out and does not read as steps), and
    at re-articulations (the level dips 9 dB or more under both sides inside
    a run). Pieces shorter than ``min_piece_sec`` (160 ms, just over the
    longest scoop that counts as expression) that glide at least 15 cents
    toward a neighbour (a scoop or a fall) are joined to that neighbour.

Decomposition (per note, in cents from the note's centre)
    * scoop / fall: the leading / trailing frames further than
      ``max(35, 1.5 x vibrato extent)`` cents from the centre, with the
      distance shrinking toward the note (ms and cents at the far end); on a
      note without vibrato, continued while the pitch still closes in at
      300 cents/s or more;
    * centre: the median of the body (the note without scoop and fall);
    * drift: slope of a least-squares line through the body (cents per second);
    * vibrato: the strongest periodicity of the detrended body between 3 and
      10 Hz (periodogram peak); extent is the sinusoid's amplitude,
      sqrt(2) x RMS of the detrended body (and the centre is then the mean
      over whole vibrato cycles, which a cut-off cycle does not bias);
      it counts as vibrato when the peak holds at least 40% of the
      detrended body's power.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reaper_ext.tuning.pitch import PitchTrack

__all__ = ["NoteShape", "segment_notes", "describe_note"]


@dataclass
class NoteShape:
    """One sung/played note, before it is judged against a target.

    Times are seconds from the start of the audio; cents are relative to the
    note's own centre unless named otherwise.
    """

    start_sec: float
    end_sec: float
    body_start_sec: float
    body_end_sec: float
    centre_midi: float  # the body's median pitch, fractional MIDI number
    drift_cents_per_sec: float
    vibrato_rate_hz: float | None
    vibrato_extent_cents: float | None  # +- cents
    scoop_sec: float
    scoop_cents: float  # where the scoop starts, from the centre (negative: from below)
    fall_sec: float
    fall_cents: float
    first_frame: int
    last_frame: int  # inclusive

    @property
    def duration_sec(self) -> float:
        return self.end_sec - self.start_sec

    @property
    def body_sec(self) -> float:
        return self.body_end_sec - self.body_start_sec


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last+1) of each run of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=False))


def _window_means(values: np.ndarray, half: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the ``half`` values before each index and of the ``half`` from it on (truncated at the edges)."""
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    n = values.shape[0]
    index = np.arange(n)
    lo = np.maximum(index - half, 0)
    hi = np.minimum(index + half, n)
    before = (cumulative[index] - cumulative[lo]) / np.maximum(index - lo, 1)
    after = (cumulative[hi] - cumulative[index]) / np.maximum(hi - index, 1)
    return before, after


def segment_notes(
    track: PitchTrack,
    *,
    step_cents: float = 50.0,
    window_sec: float = 0.15,
    min_piece_sec: float = 0.16,
    bridge_sec: float = 0.04,
    dip_db: float = 9.0,
    min_note_sec: float = 0.05,
) -> list[tuple[int, int]]:
    """Frame ranges ``(first, last+1)`` of the notes in ``track``."""
    hop = track.hop_sec
    voiced = track.voiced.copy()
    # bridge short unvoiced gaps inside phrases (a consonant, a dropped frame)
    for first, stop in _runs(~voiced):
        if first > 0 and stop < voiced.size and (stop - first) * hop <= bridge_sec:
            voiced[first:stop] = True
    cents = np.where(np.isnan(track.midi), np.nan, track.midi * 100.0)
    pieces: list[tuple[int, int]] = []
    half = max(2, int(round(window_sec / hop)))
    for first, stop in _runs(voiced):
        run = cents[first:stop].copy()
        good = ~np.isnan(run)
        if good.sum() < 2:
            continue
        run[~good] = np.interp(np.flatnonzero(~good), np.flatnonzero(good), run[good])
        before, after = _window_means(run, half)
        jump = np.abs(after - before)
        jump[0] = 0.0
        cuts: list[int] = []
        # local maxima of the before/after difference above the step threshold
        edge = min(half, max(2, int(round(0.08 / hop))))  # a cut needs 80 ms on each side: truncated windows are noisy
        jump[:edge] = 0.0
        jump[max(edge, jump.size - edge) :] = 0.0
        for index in np.flatnonzero(jump > step_cents).tolist():
            lo, hi = max(index - half // 2, 1), min(index + half // 2 + 1, jump.size)
            if jump[index] >= jump[lo:hi].max() and (not cuts or index - cuts[-1] >= 3):
                cuts.append(int(index))
        # re-articulations: a level dip under both sides
        level = track.level_dbfs[first:stop].astype(float)
        if level.size > 2 * half:
            for index in range(half, level.size - half):
                left, right = level[index - half : index].max(), level[index + 1 : index + 1 + half].max()
                if level[index] <= min(left, right) - dip_db and level[index] <= level[index - 1] and level[index] < level[index + 1]:
                    if not any(abs(index - cut) < half for cut in cuts):
                        cuts.append(index)
        cuts.sort()
        bounds = [0, *cuts, stop - first]
        run_pieces = [(first + a, first + b) for a, b in zip(bounds[:-1], bounds[1:], strict=False) if b > a]
        pieces += _join_glides(run_pieces, cents, hop, min_piece_sec)
    return [(a, b) for a, b in pieces if (b - a) * hop >= min_note_sec]


def _join_glides(pieces: list[tuple[int, int]], cents: np.ndarray, hop: float, min_piece_sec: float) -> list[tuple[int, int]]:
    """Join short pieces that glide toward a neighbour (scoops, falls) to that neighbour."""
    pieces = list(pieces)
    changed = True
    while changed and len(pieces) > 1:
        changed = False
        for n, (a, b) in enumerate(pieces):
            if (b - a) * hop >= min_piece_sec:
                continue
            values = cents[a:b]
            values = values[~np.isnan(values)]
            if values.size < 2 or abs(values[-1] - values[0]) < 15.0:
                continue  # a steady short piece is a passing tone, not a glide
            candidates = []
            if n + 1 < len(pieces):  # a scoop: moves toward the next piece's level at its end
                nxt = np.nanmedian(cents[pieces[n + 1][0] : pieces[n + 1][1]])
                if abs(values[-1] - nxt) < abs(values[0] - nxt):
                    candidates.append((abs(values[-1] - nxt), n + 1))
            if n > 0:  # a fall: moves away from the previous piece's level
                prev = np.nanmedian(cents[pieces[n - 1][0] : pieces[n - 1][1]])
                if abs(values[0] - prev) < abs(values[-1] - prev):
                    candidates.append((abs(values[0] - prev), n - 1))
            if not candidates:
                continue
            _, other = min(candidates)
            lo, hi = min(a, pieces[other][0]), max(b, pieces[other][1])
            keep = min(n, other)
            pieces[keep] = (lo, hi)
            del pieces[max(n, other)]
            changed = True
            break
    return pieces


def _vibrato(times: np.ndarray, detrended: np.ndarray, low_hz: float, high_hz: float) -> tuple[float | None, float | None]:
    """Rate (Hz) and extent (+- cents) of the vibrato in a detrended body, or (None, None)."""
    n = detrended.size
    duration = times[-1] - times[0] if n > 1 else 0.0
    if duration < 1.5 / max(low_hz, 1e-6) * 0.75 or n < 8:
        return None, None
    hop = float(np.median(np.diff(times)))
    n_fft = max(1024, int(2 ** np.ceil(np.log2(n * 4))))
    window = np.hanning(n)
    spectrum = np.abs(np.fft.rfft(detrended * window, n_fft)) ** 2
    freqs = np.fft.rfftfreq(n_fft, hop)
    band = (freqs >= 3.0) & (freqs <= 10.0)
    if not band.any():
        return None, None
    peak = int(np.flatnonzero(band)[np.argmax(spectrum[band])])
    rate_hz = float(freqs[peak])
    # share of the body's (detrended) power near the peak (+-1.5 Hz)
    near = np.abs(freqs - rate_hz) <= 1.5
    total = spectrum[freqs > 0.5].sum()
    if total <= 0 or spectrum[near].sum() / total < 0.4:
        return None, None
    if not (low_hz <= rate_hz <= high_hz):
        return rate_hz, None  # periodic, but not at a vibrato rate
    extent = float(np.sqrt(2.0) * np.sqrt(np.mean(np.square(detrended))))
    return rate_hz, extent


def describe_note(
    track: PitchTrack,
    first: int,
    stop: int,
    *,
    vibrato_min_hz: float = 4.0,
    vibrato_max_hz: float = 8.0,
    max_glide_sec: float = 0.3,
) -> NoteShape:
    """Decompose frames ``[first, stop)`` of ``track`` into centre, drift, vibrato, scoop and fall."""
    hop = track.hop_sec
    times = track.times_sec[first:stop]
    cents = track.midi[first:stop] * 100.0
    good = ~np.isnan(cents)
    times_good, cents_good = times[good], cents[good]
    centre = float(np.median(cents_good))
    # first pass vibrato estimate on the whole note, for the glide threshold
    detrended = cents_good - np.polyval(np.polyfit(times_good, cents_good, 1), times_good) if cents_good.size > 2 else cents_good - centre
    _, extent0 = _vibrato(times_good, detrended, vibrato_min_hz, vibrato_max_hz)
    threshold = max(35.0, 1.5 * (extent0 or 0.0))
    max_glide = int(round(max_glide_sec / hop))

    def glide_length(values: np.ndarray) -> int:
        """Leading frames far from the centre and closing in on it."""
        far = np.abs(values[:max_glide] - centre) > threshold
        length = int(np.argmin(far)) if not far.all() else far.size
        if length >= 2 and abs(values[0] - centre) <= abs(values[length - 1] - centre):
            return 0  # not closing in: no glide
        if length and extent0 is None:
            # without vibrato, the glide goes on while the pitch still closes in on the centre at
            # 300 cents/s or more and is 8 cents or more away: its tail must not bias the centre
            rate = 300.0 * hop
            while (length < min(max_glide, values.size // 2) and abs(values[length] - centre) >= 8.0
                   and abs(values[length - 1] - centre) - abs(values[length] - centre) >= rate):
                length += 1
        return length if length < values.size // 2 else 0

    scoop_n = glide_length(cents_good)
    fall_n = glide_length(cents_good[::-1])
    body = slice(scoop_n, cents_good.size - fall_n)
    body_times, body_cents = times_good[body], cents_good[body]
    if body_cents.size < 3:
        body_times, body_cents, scoop_n, fall_n = times_good, cents_good, 0, 0
    centre = float(np.median(body_cents))
    slope = float(np.polyfit(body_times, body_cents, 1)[0]) if body_cents.size > 2 and np.ptp(body_times) > 0 else 0.0
    detrended = body_cents - (centre + slope * (body_times - np.median(body_times)))
    rate_hz, extent = _vibrato(body_times, detrended, vibrato_min_hz, vibrato_max_hz)
    if extent is None or rate_hz is None:
        rate_hz = None
    else:
        # The median of a sinusoid cut off mid-cycle is biased by up to its extent; its mean
        # over whole cycles is exact, so the centre of a note with vibrato is the (drift-
        # corrected) mean over the largest whole number of cycles in the middle of the body.
        n_cycles = int(np.floor((body_times[-1] - body_times[0]) * rate_hz))
        if n_cycles >= 1:
            middle = (body_times[0] + body_times[-1]) / 2
            half = n_cycles / rate_hz / 2
            inside = np.abs(body_times - middle) <= half
            centre = float(np.mean(body_cents[inside] - slope * (body_times[inside] - middle)) + slope * (np.median(body_times) - middle))
        detrended = body_cents - (centre + slope * (body_times - np.median(body_times)))
        extent = float(np.sqrt(2.0) * np.sqrt(np.mean(np.square(detrended))))
    return NoteShape(
        start_sec=float(times[0]),
        end_sec=float(times[-1] + hop),
        body_start_sec=float(body_times[0]),
        body_end_sec=float(body_times[-1] + hop),
        centre_midi=centre / 100.0,
        drift_cents_per_sec=slope,
        vibrato_rate_hz=rate_hz,
        vibrato_extent_cents=extent,
        scoop_sec=scoop_n * hop,
        scoop_cents=float(cents_good[0] - centre) if scoop_n else 0.0,
        fall_sec=fall_n * hop,
        fall_cents=float(cents_good[-1] - centre) if fall_n else 0.0,
        first_frame=first,
        last_frame=stop - 1,
    )

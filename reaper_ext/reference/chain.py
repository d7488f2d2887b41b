"""A master chain (ReaEQ shelves, ReaComp glue, ReaLimit), solved by simulating it offline.

The chain is simulated on the mix itself, and its settings are searched until
the simulated output meets the target: integrated loudness within
:data:`LOUDNESS_TOLERANCE_LU` of the target and true peak (BS.1770-4 Annex 2)
at or under the ceiling. The suggestion's why quotes that prediction.

The models, and how far they are from REAPER's plug-ins (said here so nobody is
surprised; REAPER's own code is not available to check them against):

* **EQ**: RBJ Audio EQ Cookbook shelving biquads (S = 1): a low shelf at
  :data:`LOW_SHELF_HZ` and a high shelf at :data:`HIGH_SHELF_HZ`, each within
  +-3 dB. ReaEQ's shelves are close to these but not proven identical.
* **Glue compressor**: feed-forward, RMS detector over 5 ms blocks, one-pole
  attack and release on the detector level, hard knee, ``ratio`` 1.5-2:1; the
  threshold is solved so the mean gain reduction over the louder half of the
  music is :data:`GLUE_REDUCTION_DB`. Used only when the mix has to come up by
  more than :data:`GLUE_MIN_LIFT_DB`.
* **Limiter**: a look-ahead brickwall on sample peaks (gain = the minimum of the
  needed gains over the look-ahead, held for the release time and smoothed with
  a box as long as the look-ahead, so no sample passes the ceiling). FACTS.md:
  ReaLimit shows no true-peak mode, so the sample-peak ceiling is lowered until
  the simulated *true* peak is under the target ceiling (checked with the BS.1770
  4x meter and with 8x oversampling around the loudest samples, since the 4x
  interpolator reads up to ~0.7 dB low near Nyquist). The drive is
  ``ceiling - threshold`` (peaks at the threshold come out at the ceiling).
* A mix that is too loud is turned down with the master fader (a gain), not
  limited.

"Do no harm": a mix within :data:`NO_HARM_LU` of the target with its true peak
under the ceiling gets a note and no settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reaper_ext.analysis.biquad import rbj_biquad
from reaper_ext.analysis.loudness import integrated_loudness
from reaper_ext.analysis.peak import true_peak_dbtp
from reaper_ext.analysis.validate import valid_audio
from reaper_ext.errors import AnalysisError

__all__ = [
    "LOUDNESS_TOLERANCE_LU",
    "NO_HARM_LU",
    "MAX_SHELF_DB",
    "LOW_SHELF_HZ",
    "HIGH_SHELF_HZ",
    "GLUE_RATIO",
    "GLUE_REDUCTION_DB",
    "GLUE_MIN_LIFT_DB",
    "WRITTEN_PLUGINS",
    "ChainSettings",
    "ChainPlan",
    "shelf_sos",
    "apply_eq",
    "apply_glue",
    "apply_limiter",
    "simulate_chain",
    "solve_chain",
    "checked_true_peak_dbtp",
]

LOUDNESS_TOLERANCE_LU = 0.5  # the target: +-0.5 LU
NO_HARM_LU = 1.0  # within this of the target (and under the ceiling): a note only
MAX_SHELF_DB = 3.0  # broad moves only
LOW_SHELF_HZ = 120.0
HIGH_SHELF_HZ = 8000.0
GLUE_RATIO = 2.0
GLUE_REDUCTION_DB = 1.5  # "about 1-2 dB of reduction"
GLUE_MIN_LIFT_DB = 3.0
GLUE_ATTACK_MS = 30.0
GLUE_RELEASE_MS = 200.0
LIMITER_LOOKAHEAD_MS = 1.5
LIMITER_RELEASE_MS = 60.0
_DETECTOR_BLOCK_SEC = 0.005  # ReaComp's default RMS size is 5 ms
_SOLVE_ITERATIONS = 12
#: Plug-ins a master_chain suggestion inserts (their settings are verified in .RPP and live); others are described.
WRITTEN_PLUGINS = ("ReaEQ", "ReaComp")
_SOLVE_AIM_LU = 0.2  # aim well inside the tolerance


def shelf_sos(kind: str, freq_hz: float, gain_db: float, sample_rate_hz: float) -> np.ndarray:
    """One RBJ cookbook shelving biquad (shelf slope S = 1) as a (1, 6) SOS row.

    Parameters
    ----------
    kind : str
        ``"low_shelf"`` or ``"high_shelf"``.
    freq_hz : float
        Corner (mid-gain) frequency.
    gain_db : float
        Shelf gain.
    sample_rate_hz : float
        Sample rate.
    """
    if kind not in ("low_shelf", "high_shelf"):
        raise AnalysisError(f"shelf kind must be low_shelf or high_shelf, got {kind!r}")
    b, a = rbj_biquad(kind, freq_hz, sample_rate_hz, gain_db=gain_db, q=1 / np.sqrt(2))  # S = 1
    return np.array([[*b, *a]])


def apply_eq(samples: np.ndarray, sample_rate_hz: float, low_shelf_db: float, high_shelf_db: float) -> np.ndarray:
    """The two shelves (a 0 dB shelf is skipped)."""
    from scipy.signal import sosfilt

    rows = []
    if abs(low_shelf_db) > 1e-6:
        rows.append(shelf_sos("low_shelf", LOW_SHELF_HZ, low_shelf_db, sample_rate_hz))
    if abs(high_shelf_db) > 1e-6:
        rows.append(shelf_sos("high_shelf", HIGH_SHELF_HZ, high_shelf_db, sample_rate_hz))
    if not rows:
        return samples
    return sosfilt(np.vstack(rows), samples, axis=0).astype(np.float32)


def _detector_db(samples: np.ndarray, sample_rate_hz: float) -> tuple[np.ndarray, int]:
    """RMS level per 5 ms block (loudest channel), dBFS, and the block length."""
    block = max(1, int(round(_DETECTOR_BLOCK_SEC * sample_rate_hz)))
    n_blocks = samples.shape[0] // block
    power = np.zeros(n_blocks, dtype=np.float32)
    for channel in range(samples.shape[1]):  # contiguous per-channel reductions: much faster than a strided 3-D mean
        column = np.ascontiguousarray(samples[: n_blocks * block, channel])
        power = np.maximum(power, np.square(column).reshape(n_blocks, block).mean(axis=1))
    return 10.0 * np.log10(np.maximum(power, 1e-12)), block


def _envelope_db(level_db: np.ndarray, sample_rate_hz: float, block: int) -> np.ndarray:
    """One-pole attack/release follower on the detector level (a short loop over 5 ms blocks)."""
    block_sec = block / sample_rate_hz
    attack = float(np.exp(-block_sec / (GLUE_ATTACK_MS / 1000.0)))
    release = float(np.exp(-block_sec / (GLUE_RELEASE_MS / 1000.0)))
    out = np.empty_like(level_db)
    state = float(level_db[0]) if level_db.size else -120.0
    for i, value in enumerate(level_db.tolist()):
        coefficient = attack if value > state else release
        state = coefficient * state + (1.0 - coefficient) * value
        out[i] = state
    return out


def _glue_reduction_db(envelope_db: np.ndarray, threshold_db: float, ratio: float) -> np.ndarray:
    return np.maximum(envelope_db - threshold_db, 0.0) * (1.0 - 1.0 / ratio)


def apply_glue(samples: np.ndarray, sample_rate_hz: float, threshold_db: float, ratio: float,
               *, envelope: tuple[np.ndarray, int] | None = None) -> np.ndarray:
    """The glue compressor (no make-up: the limiter's drive sets the level)."""
    if envelope is None:
        level, block = _detector_db(samples, sample_rate_hz)
        envelope = (_envelope_db(level, sample_rate_hz, block), block)
    envelope_db, block = envelope
    from scipy.ndimage import uniform_filter1d

    gain = (10.0 ** (-_glue_reduction_db(envelope_db, threshold_db, ratio) / 20.0)).astype(np.float32)
    # block steps smoothed by a box one block long: straight ramps from block to block
    per_sample = np.repeat(gain, block)
    if per_sample.size < samples.shape[0]:
        per_sample = np.pad(per_sample, (0, samples.shape[0] - per_sample.size), mode="edge")
    per_sample = uniform_filter1d(per_sample, size=block)
    return samples * per_sample[:, None]


def _glue_threshold_db(envelope_db: np.ndarray, ratio: float) -> float:
    """The threshold giving :data:`GLUE_REDUCTION_DB` mean reduction over the louder half of the music."""
    active = envelope_db[envelope_db > envelope_db.max() - 40.0]
    loud = active[active >= np.median(active)]
    low, high = float(loud.min()) - 30.0, float(loud.max())
    for _ in range(40):
        middle = 0.5 * (low + high)
        if _glue_reduction_db(loud, middle, ratio).mean() > GLUE_REDUCTION_DB:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


def apply_limiter(samples: np.ndarray, sample_rate_hz: float, drive_db: float, ceiling_dbfs: float) -> np.ndarray:
    """Look-ahead brickwall: ``samples`` raised by ``drive_db``, no sample above ``ceiling_dbfs``."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    driven = samples * np.float32(10.0 ** (drive_db / 20.0))
    ceiling = 10.0 ** (ceiling_dbfs / 20.0)
    magnitude = np.abs(driven[:, 0])
    for channel in range(1, driven.shape[1]):
        np.maximum(magnitude, np.abs(driven[:, channel]), out=magnitude)
    if magnitude.max() <= ceiling:
        return driven
    needed = np.minimum(1.0, ceiling / np.maximum(magnitude, 1e-12)).astype(np.float32)
    lookahead = max(1, int(round(LIMITER_LOOKAHEAD_MS / 1000.0 * sample_rate_hz)))
    # every gain under the box below comes from a window that covers the sample it scales
    held = minimum_filter1d(needed, size=2 * lookahead + 1)
    hold = max(1, int(round(LIMITER_RELEASE_MS / 1000.0 * sample_rate_hz)))
    released = minimum_filter1d(held, size=hold, origin=(hold - 1) // 2)  # stays down for the release time after a peak
    released = np.minimum(released, uniform_filter1d(released, size=2 * hold + 1))  # ease back up
    gain = uniform_filter1d(released, size=lookahead + 1)
    gain = np.minimum(gain, held)  # the box's float rounding must not let a sample through
    return driven * gain[:, None]


@dataclass
class ChainSettings:
    """The chain's settings; ``None`` for a stage not used."""

    low_shelf_db: float = 0.0
    high_shelf_db: float = 0.0
    glue_threshold_db: float | None = None
    glue_ratio: float = GLUE_RATIO
    drive_db: float = 0.0
    limiter_ceiling_dbfs: float | None = None
    trim_db: float = 0.0

    @property
    def limiter_threshold_db(self) -> float | None:
        """ReaLimit's threshold: peaks there come out at the ceiling (drive = ceiling - threshold)."""
        if self.limiter_ceiling_dbfs is None:
            return None
        return self.limiter_ceiling_dbfs - self.drive_db


@dataclass
class ChainPlan:
    """What the solver found.

    Attributes
    ----------
    settings : ChainSettings
    input_lufs, input_true_peak_dbtp : float
        The mix as it is.
    predicted_lufs, predicted_true_peak_dbtp : float
        The simulated output.
    target_lufs, ceiling_dbtp : float
        What was asked.
    is_note_only : bool
        "Do no harm": nothing to change.
    note : str
        One sentence with the numbers.
    """

    settings: ChainSettings
    input_lufs: float
    input_true_peak_dbtp: float
    predicted_lufs: float
    predicted_true_peak_dbtp: float
    target_lufs: float
    ceiling_dbtp: float
    is_note_only: bool
    note: str
    glue_reduction_db: float = 0.0
    messages: list[str] = field(default_factory=list)

    @property
    def meets_target(self) -> bool:
        """Predicted loudness within the tolerance and true peak under the ceiling."""
        return (abs(self.predicted_lufs - self.target_lufs) <= LOUDNESS_TOLERANCE_LU
                and self.predicted_true_peak_dbtp <= self.ceiling_dbtp + 1e-6)

    def largest_change_db(self) -> float:
        """The largest gain any stage applies (0 for a note), dB."""
        s = self.settings
        if self.is_note_only:
            return 0.0
        return float(max(abs(s.low_shelf_db), abs(s.high_shelf_db), abs(s.drive_db), abs(s.trim_db),
                         self.glue_reduction_db if s.glue_threshold_db is not None else 0.0))

    def fx_specs(self) -> list[dict]:
        """The chain as stock plug-in settings (``FxSpec.to_dict()``), bypassed, in chain order; none for a note.

        The master fader move of a too-loud mix is not a plug-in: it is ``trim_db``.
        """
        from reaper_ext.fx.realimit import realimit_spec
        from reaper_ext.fx.spec import EqBand, FxSpec

        s = self.settings
        if self.is_note_only:
            return []
        specs = []
        if s.low_shelf_db or s.high_shelf_db:
            bands = [EqBand("low_shelf", LOW_SHELF_HZ, round(s.low_shelf_db, 1), q=0.707),
                     EqBand("high_shelf", HIGH_SHELF_HZ, round(s.high_shelf_db, 1), q=0.707)]
            specs.append(FxSpec("ReaEQ", custom_name="reaper-ext: master shelves", bands=bands).to_dict())
        if s.glue_threshold_db is not None:
            specs.append(FxSpec("ReaComp", params={"threshold_db": round(s.glue_threshold_db, 1), "ratio": s.glue_ratio,
                                                   "attack_ms": GLUE_ATTACK_MS, "release_ms": GLUE_RELEASE_MS,
                                                   "rms_ms": _DETECTOR_BLOCK_SEC * 1000.0},
                                custom_name=f"reaper-ext: glue {s.glue_ratio:.1f}:1").to_dict())
        if s.limiter_ceiling_dbfs is not None and s.limiter_threshold_db is not None:
            specs.append(realimit_spec(min(0.0, s.limiter_threshold_db), s.limiter_ceiling_dbfs,
                                       release_ms=LIMITER_RELEASE_MS, custom_name="reaper-ext: limiter").to_dict())
        return specs

    def suggestion(self):
        """The chain as a ``master_chain`` suggestion on the master track (switched off), or None.

        None for a note ("do no harm") and for a mix that only needs the master fader
        turned down (no plug-in to insert: the note says how far). Accepting it enables
        the plug-ins; the why quotes the simulated prediction.
        """
        from reaper_ext.suggest.model import TARGET_MASTER, Suggestion, make_suggestion_id

        specs = self.fx_specs()
        if not specs:
            return None
        s = self.settings
        # ReaLimit's saved state and parameter layout are not verified (fx/realimit.py): it is
        # not inserted; its settings stay in the params and the why, for the user to set
        written = [spec for spec in specs if spec["plugin"] in WRITTEN_PLUGINS]
        by_hand = [spec for spec in specs if spec["plugin"] not in WRITTEN_PLUGINS]
        params = {"fx": written, "by_hand": by_hand, "target_lufs": self.target_lufs, "ceiling_dbtp": self.ceiling_dbtp,
                  "predicted_lufs": round(self.predicted_lufs, 2),
                  "predicted_true_peak_dbtp": round(self.predicted_true_peak_dbtp, 2), "trim_db": round(s.trim_db, 2)}
        why = "Master chain, simulated offline on the mix: " + self.note
        if by_hand:
            names = " and ".join(spec["plugin"] for spec in by_hand)
            why += (f" Inside REAPER {names} is inserted too (found by name, set by its displayed values); "
                    "a saved .RPP gets it described only (its saved state is not verified): add it after the "
                    "suggested plug-ins with the settings above.")
        confidence = 0.8 if self.meets_target else 0.5
        return Suggestion(make_suggestion_id("master_chain", TARGET_MASTER), "master_chain", TARGET_MASTER, "MASTER",
                          params, why, confidence)

    def to_dict(self) -> dict:
        """JSON-ready form."""
        s = self.settings
        return {
            "note_only": self.is_note_only, "note": self.note, "fx": self.fx_specs(),
            "input_lufs": round(self.input_lufs, 2), "input_true_peak_dbtp": round(self.input_true_peak_dbtp, 2),
            "predicted_lufs": round(self.predicted_lufs, 2),
            "predicted_true_peak_dbtp": round(self.predicted_true_peak_dbtp, 2),
            "target_lufs": self.target_lufs, "ceiling_dbtp": self.ceiling_dbtp,
            "low_shelf_db": round(s.low_shelf_db, 2), "high_shelf_db": round(s.high_shelf_db, 2),
            "glue_threshold_db": None if s.glue_threshold_db is None else round(s.glue_threshold_db, 2),
            "glue_ratio": s.glue_ratio, "glue_reduction_db": round(self.glue_reduction_db, 2),
            "limiter_threshold_db": None if s.limiter_threshold_db is None else round(s.limiter_threshold_db, 2),
            "limiter_ceiling_dbfs": None if s.limiter_ceiling_dbfs is None else round(s.limiter_ceiling_dbfs, 2),
            "trim_db": round(s.trim_db, 2),
        }


def simulate_chain(samples: np.ndarray, sample_rate_hz: float, settings: ChainSettings) -> np.ndarray:
    """The mix through the simulated chain (EQ, glue, limiter or trim)."""
    out = apply_eq(samples, sample_rate_hz, settings.low_shelf_db, settings.high_shelf_db)
    if settings.glue_threshold_db is not None:
        out = apply_glue(out, sample_rate_hz, settings.glue_threshold_db, settings.glue_ratio)
    if settings.limiter_ceiling_dbfs is not None:
        out = apply_limiter(out, sample_rate_hz, settings.drive_db, settings.limiter_ceiling_dbfs)
    if settings.trim_db:
        out = out * np.float32(10.0 ** (settings.trim_db / 20.0))
    return out


def solve_chain(
    samples: np.ndarray,
    sample_rate_hz: float,
    *,
    target_lufs: float = -14.0,
    ceiling_dbtp: float = -1.0,
    low_shelf_db: float = 0.0,
    high_shelf_db: float = 0.0,
    allow_note: bool = True,
) -> ChainPlan:
    """Find chain settings whose simulated output meets the target.

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels)
        The mix, full scale 1.0.
    sample_rate_hz : float
        Sample rate.
    target_lufs : float
        Integrated loudness wanted (BS.1770-4).
    ceiling_dbtp : float
        True peak not to pass.
    low_shelf_db, high_shelf_db : float
        Broad EQ toward a reference or a target curve (clipped to +-3 dB).
    allow_note : bool
        False solves the chain even for a mix "do no harm" would leave alone
        (the benchmark uses it to test the solver on every mix).

    Raises
    ------
    AnalysisError
        Silent or invalid audio.
    """
    samples = np.asarray(valid_audio(samples, sample_rate_hz), dtype=np.float32)
    input_lufs = integrated_loudness(samples, sample_rate_hz)
    if not np.isfinite(input_lufs):
        raise AnalysisError("the mix is silent: there is no loudness to bring to the target")
    input_peak = true_peak_dbtp(samples, sample_rate_hz)
    low = float(np.clip(low_shelf_db, -MAX_SHELF_DB, MAX_SHELF_DB))
    high = float(np.clip(high_shelf_db, -MAX_SHELF_DB, MAX_SHELF_DB))
    has_eq = abs(low) >= 0.5 or abs(high) >= 0.5
    if allow_note and abs(input_lufs - target_lufs) <= NO_HARM_LU and input_peak <= ceiling_dbtp and not has_eq:
        note = (f"The mix is at {input_lufs:.1f} LUFS with true peak {input_peak:.1f} dBTP, within {NO_HARM_LU:.0f} LU of "
                f"the {target_lufs:.1f} LUFS target and under the {ceiling_dbtp:.1f} dBTP ceiling: no master chain needed.")
        return ChainPlan(ChainSettings(), input_lufs, input_peak, input_lufs, input_peak, target_lufs, ceiling_dbtp, True, note)
    if not has_eq:
        low = high = 0.0
    settings = ChainSettings(low_shelf_db=low, high_shelf_db=high)
    staged = apply_eq(samples, sample_rate_hz, low, high)
    staged_lufs = integrated_loudness(staged, sample_rate_hz) if has_eq else input_lufs
    lift_db = target_lufs - staged_lufs
    glue_reduction = 0.0
    staged_peak = true_peak_dbtp(staged, sample_rate_hz) if has_eq else input_peak
    if lift_db <= 0 and staged_peak + lift_db <= ceiling_dbtp:
        # too loud: the fader, no limiter (turning down cannot raise the peak)
        settings.trim_db = float(lift_db)
        # a gain moves BS.1770 loudness and the peak by exactly that gain (module loudness_match)
        return _plan(settings, input_lufs, input_peak, staged_lufs + lift_db, staged_peak + lift_db, target_lufs,
                     ceiling_dbtp, 0.0)
    if lift_db > GLUE_MIN_LIFT_DB:
        level, block = _detector_db(staged, sample_rate_hz)
        envelope_db = _envelope_db(level, sample_rate_hz, block)
        settings.glue_threshold_db = _glue_threshold_db(envelope_db, GLUE_RATIO)
        reduction = _glue_reduction_db(envelope_db, settings.glue_threshold_db, GLUE_RATIO)
        loud = envelope_db >= np.median(envelope_db[envelope_db > envelope_db.max() - 40.0])
        glue_reduction = float(reduction[loud].mean())
        staged = apply_glue(staged, sample_rate_hz, settings.glue_threshold_db, GLUE_RATIO,
                            envelope=(envelope_db, block))
        staged_lufs = integrated_loudness(staged, sample_rate_hz)
    # sample-peak ceiling lowered until the true peak is under the target ceiling (no true-peak mode)
    ceiling_dbfs = ceiling_dbtp - 0.1
    drive = target_lufs - staged_lufs
    loudness = peak = float("nan")
    proxy = _proxy(staged, sample_rate_hz)
    for _ in range(4):
        if proxy is not None:
            # most of the search on a quarter of the song; the full song then needs a step or two
            drive, _, _ = _solve_drive(proxy, sample_rate_hz, drive, ceiling_dbfs, target_lufs, aim_lu=0.05)
        drive, out, loudness = _solve_drive(staged, sample_rate_hz, drive, ceiling_dbfs, target_lufs)
        peak = max(true_peak_dbtp(out, sample_rate_hz), checked_true_peak_dbtp(out))
        if peak <= ceiling_dbtp:
            break
        ceiling_dbfs -= peak - ceiling_dbtp + 0.05
    settings.drive_db = float(drive)
    settings.limiter_ceiling_dbfs = float(ceiling_dbfs)
    return _plan(settings, input_lufs, input_peak, loudness, peak, target_lufs, ceiling_dbtp, glue_reduction)


_CHECK_OVERSAMPLE = 8  # worst case at Nyquist 1 - cos(pi/16): 0.17 dB low, against 0.69 dB at 4x
_CHECK_REACH = 12  # input samples either side of a candidate that resample_poly's 161-tap filter reaches (10)
_CHECK_BELOW = 10.0 ** (-3.5 / 20.0)  # inter-sample peaks rise at most ~3 dB over their samples (fs/4 at 45 deg)


def checked_true_peak_dbtp(samples: np.ndarray) -> float:
    """True peak with 8x oversampling around the loudest samples (the chain's own safety check).

    The BS.1770 4x interpolator can read up to about 0.7 dB low for content near
    Nyquist (noise, cymbals, clipped edges); a limiter tuned against it lands
    over the ceiling. Only the neighbourhoods of samples within 3.5 dB of the
    sample peak are interpolated (band-limited inter-sample peaks of music stand
    at most about 3 dB over the samples around them).
    """
    from scipy.signal import resample_poly

    magnitude = np.abs(samples).max(axis=1)
    peak = float(magnitude.max()) if magnitude.size else 0.0
    if peak <= 0.0:
        return float("-inf")
    candidates = np.flatnonzero(magnitude >= peak * _CHECK_BELOW)
    mask = np.zeros(magnitude.size + 1, dtype=np.int32)
    np.add.at(mask, np.maximum(candidates - _CHECK_REACH, 0), 1)
    np.add.at(mask, np.minimum(candidates + _CHECK_REACH + 1, magnitude.size), -1)
    keep = np.cumsum(mask[:-1]) > 0
    # zeros between kept runs: a run's interpolation never reads another run
    starts = np.flatnonzero(np.diff(np.r_[0, keep.astype(np.int8)]) == 1)
    gathered = samples[keep]
    run_index = np.cumsum(np.isin(np.flatnonzero(keep), starts)) - 1
    spaced = np.zeros((gathered.shape[0] + 2 * _CHECK_REACH * (starts.size + 1), samples.shape[1]), dtype=np.float32)
    spaced[np.arange(gathered.shape[0]) + 2 * _CHECK_REACH * (run_index + 1)] = gathered
    upsampled = resample_poly(spaced, _CHECK_OVERSAMPLE, 1, axis=0)
    return float(20.0 * np.log10(max(peak, float(np.abs(upsampled).max()))))


_PROXY_MIN_SEC = 60.0  # shorter mixes are searched whole
_PROXY_CHUNK_SEC = 3.0
_PROXY_EVERY_SEC = 12.0


def _proxy(staged: np.ndarray, sample_rate_hz: float) -> np.ndarray | None:
    """Every fourth 3 s stretch of a long mix, end to end: loudness reacts to the drive as the whole song does."""
    if staged.shape[0] < _PROXY_MIN_SEC * sample_rate_hz:
        return None
    chunk = int(_PROXY_CHUNK_SEC * sample_rate_hz)
    every = int(_PROXY_EVERY_SEC * sample_rate_hz)
    return np.concatenate([staged[start:start + chunk] for start in range(0, staged.shape[0] - chunk, every)])


def _solve_drive(staged: np.ndarray, sample_rate_hz: float, drive_db: float, ceiling_dbfs: float,
                 target_lufs: float, *, aim_lu: float = _SOLVE_AIM_LU) -> tuple[float, np.ndarray, float]:
    """Secant search on the drive: loudness rises with it (ever more slowly as the limiter works)."""
    history: list[tuple[float, float]] = []
    best: tuple[float, float, np.ndarray] | None = None
    for _ in range(_SOLVE_ITERATIONS):
        out = apply_limiter(staged, sample_rate_hz, drive_db, ceiling_dbfs)
        loudness = integrated_loudness(out, sample_rate_hz)
        error = target_lufs - loudness
        if best is None or abs(error) < abs(target_lufs - best[1]):
            best = (drive_db, loudness, out)
        if abs(error) <= aim_lu:
            break
        history.append((drive_db, loudness))
        slope = 1.0
        if len(history) >= 2:
            (d0, l0), (d1, l1) = history[-2], history[-1]
            if abs(d1 - d0) > 1e-6:
                slope = float(np.clip((l1 - l0) / (d1 - d0), 0.05, 1.0))
        drive_db = drive_db + float(np.clip(error / slope, -12.0, 12.0))
    assert best is not None
    return best[0], best[2], best[1]


def _plan(settings: ChainSettings, input_lufs: float, input_peak: float, predicted: float, predicted_peak: float,
          target_lufs: float, ceiling_dbtp: float, glue_reduction: float) -> ChainPlan:
    parts = []
    if settings.low_shelf_db or settings.high_shelf_db:
        parts.append(f"ReaEQ shelves {settings.low_shelf_db:+.1f} dB at {LOW_SHELF_HZ:.0f} Hz and "
                     f"{settings.high_shelf_db:+.1f} dB at {HIGH_SHELF_HZ / 1000:.0f} kHz")
    if settings.glue_threshold_db is not None:
        parts.append(f"ReaComp {settings.glue_ratio:.1f}:1 from {settings.glue_threshold_db:.1f} dB "
                     f"(about {glue_reduction:.1f} dB of reduction)")
    if settings.limiter_ceiling_dbfs is not None:
        parts.append(f"ReaLimit threshold {settings.limiter_threshold_db:.1f} dB, ceiling {settings.limiter_ceiling_dbfs:.1f} dB")
    if settings.trim_db:
        parts.append(f"the master fader {settings.trim_db:+.1f} dB")
    note = (f"From {input_lufs:.1f} LUFS and {input_peak:.1f} dBTP, " + ", then ".join(parts)
            + f" predicts {predicted:.1f} LUFS and {predicted_peak:.1f} dBTP (target {target_lufs:.1f} LUFS, "
            f"ceiling {ceiling_dbtp:.1f} dBTP).")
    return ChainPlan(settings, input_lufs, input_peak, predicted, predicted_peak, target_lufs, ceiling_dbtp,
                     False, note, glue_reduction)

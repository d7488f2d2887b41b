"""Planted problems on realistic sessions: each kind found, and false alarms per session (issue 11).

Sessions from :func:`reaper_ext_testkit.sessions.render_session` (multi-mic kits with
bleed, a band, a voice, mix processing), cycling through the allowed libraries. Each
session is analysed twice, track by track, as the session analysis does
(:func:`reaper_ext.analysis.measure.analyse_track`; the voice, noise-content and
close-drum flags from the track's truth, where the product takes them from a confident
label). A false
alarm is a problem kind reported on a track that does not have it (a noise floor
found in five gaps of one track is one false alarm):

* clean: every problem reported is a false alarm;
* with one problem planted on one track (the kinds in turn: clipping, mains hum at
  50 or 60 Hz, DC offset, hiss in the gaps of a phrased part, a track recorded far
  too low, sibilance bursts on the voice): found means that kind reported on that
  track; anything else reported beyond the clean pass's is a false alarm.

Polarity has its own benchmark (``bench_realistic_detectors.py``). Seeds 7000+; no
detector was tuned on these sessions.

    .venv/bin/python benchmarks/bench_realistic_problems.py [--sessions 12] [--duration 12]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import numpy as np
from reaper_ext_testkit.inject import add_band_noise_bursts, add_dc_offset, add_hum, add_noise, inject_clipping
from reaper_ext_testkit.libraries import allowed_libraries
from reaper_ext_testkit.sessions import render_session

from reaper_ext.analysis.measure import analyse_track

SEED = 7000
KINDS = ("clipping", "hum", "dc_offset", "noise_floor", "level_low", "sibilance")
#: What a plant itself causes on its own track (a part boosted into clipping, or bursts at -12 dBFS, is hot too):
#: reported, but not a false alarm.
CONSEQUENCES = {"clipping": {"level_hot"}, "sibilance": {"level_hot"}}
_CLOSE_DRUM_ROLES = ("kick_in", "kick_out", "snare_top", "snare_bottom", "hihat", "tom")
_DRUM_ROLES = (*_CLOSE_DRUM_ROLES, "overheads", "room")


def _phrased(audio: np.ndarray, rate_hz: int, rng: np.random.Generator) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """The track with two 1.5 s gaps cut into it (a part that stops and starts), and the gaps."""
    out = audio.copy()
    length_sec = out.shape[0] / rate_hz
    gaps = []
    for centre in (length_sec / 3, 2 * length_sec / 3):
        start = float(centre + rng.uniform(-0.5, 0.5))
        first, last = int(start * rate_hz), int((start + 1.5) * rate_hz)
        fade = int(0.01 * rate_hz)
        out[first - fade:first] *= np.linspace(1, 0, fade, dtype=np.float32)[:, None]
        out[first:last] = 0.0
        out[last:last + fade] *= np.linspace(0, 1, fade, dtype=np.float32)[:, None]
        gaps.append((start, start + 1.5))
    return out, gaps


def _plant(kind: str, tracks: list, rate_hz: int, rng: np.random.Generator) -> tuple[int, list[np.ndarray]]:
    """Index of the planted track and every track's audio with the problem in it."""
    audio = [t.audio for t in tracks]
    roles = [t.role for t in tracks]
    band = [k for k, role in enumerate(roles) if role not in _DRUM_ROLES and tracks[k].fine_class != "vocals"]
    voice = [k for k, t in enumerate(tracks) if t.fine_class == "vocals"]
    duration_sec = audio[0].shape[0] / rate_hz
    if kind == "clipping":
        k = int(rng.choice(band))
        start = float(rng.uniform(1.0, duration_sec - 3.0))
        audio[k] = inject_clipping(audio[k], rate_hz, start, start + 1.5, gain_db=24.0)
    elif kind == "hum":
        k = int(rng.choice(band + voice))
        audio[k] = add_hum(audio[k], rate_hz, base_hz=float(rng.choice([50.0, 60.0])), level_dbfs=-50.0)
    elif kind == "dc_offset":
        k = int(rng.integers(len(tracks)))
        audio[k] = add_dc_offset(audio[k], 0.02)
    elif kind == "noise_floor":
        k = int(rng.choice(band))
        phrased, gaps = _phrased(audio[k], rate_hz, rng)
        audio[k] = add_noise(phrased, rate_hz, [(0.0, duration_sec)], level_dbfs=-50.0, seed=int(rng.integers(1 << 30)))
    elif kind == "level_low":
        k = int(rng.choice(band))
        peak = float(np.max(np.abs(audio[k]))) or 1.0
        audio[k] = (audio[k] * (10 ** (-40 / 20) / peak)).astype(np.float32)
    elif kind == "sibilance":
        k = voice[0]
        starts = sorted(rng.uniform(0.5, duration_sec - 0.5, size=4))
        audio[k] = add_band_noise_bursts(audio[k], rate_hz, [(s, s + 0.15) for s in starts], level_dbfs=-12.0)
    else:
        raise ValueError(kind)
    return k, audio


def _problems(audio: np.ndarray, rate_hz: int, track) -> Counter:
    """The kinds reported on one track, once each (a noise floor found in five gaps is one verdict).

    The voice, noise-content and close-drum flags come from ``track``'s truth.
    """
    _, found = analyse_track(audio, rate_hz, is_voice=track.fine_class == "vocals", is_noise_content=track.fine_class == "fx",
                             is_close_drum=track.role in _CLOSE_DRUM_ROLES)
    return Counter({p.kind: 1 for p in found if p.kind != "polarity"})


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=12)
    parser.add_argument("--duration", type=float, default=12.0)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--only", type=int, nargs="+", default=None, help="run only these session numbers")
    args = parser.parse_args(argv)
    libraries = allowed_libraries()
    found: Counter = Counter()
    planted: Counter = Counter()
    clean_alarms: list[int] = []
    planted_alarms: list[int] = []
    started = time.time()
    for s in range(args.sessions):
        if args.only is not None and s not in args.only:
            continue
        library = libraries[s % len(libraries)]
        kind = KINDS[s % len(KINDS)]
        rng = np.random.default_rng(args.seed + s)
        session = render_session(library, args.seed + s, duration_sec=args.duration)
        attempt = 0
        while kind == "sibilance" and not any(t.fine_class == "vocals" for t in session.tracks):
            attempt += 1  # a session without a voice (15% of them): the next seed of this session's own series
            session = render_session(library, args.seed + s + 1000 * attempt, duration_sec=args.duration)
        rate = session.sample_rate_hz
        tracks = session.tracks
        clean = [_problems(t.audio, rate, t) for t in tracks]
        k, audio = _plant(kind, tracks, rate, rng)
        after = [_problems(a, rate, t) if n == k or a is not t.audio else clean[n]
                 for n, (a, t) in enumerate(zip(audio, tracks, strict=True))]
        planted[kind] += 1
        hit = after[k][kind] > 0
        found[kind] += hit
        n_clean = sum(sum(c.values()) for c in clean)
        extra_kinds = [f"{tracks[n].name}:{name}" for n in range(len(tracks)) for name in after[n]
                       for _ in range(max(0, after[n][name] - clean[n][name]))
                       if not (n == k and (name == kind or name in CONSEQUENCES.get(kind, ())))]
        extra = len(extra_kinds)
        clean_alarms.append(n_clean)
        planted_alarms.append(n_clean + extra)
        kinds_clean = sorted({f"{t.name}:{name}" for t, c in zip(tracks, clean, strict=True) for name in c})
        print(f"session {s:2d} {library:9s} {len(tracks):2d} tracks  planted {kind:11s} on {tracks[k].name!r:14s} "
              f"{'found' if hit else 'MISSED'}; false alarms: clean {n_clean} {kinds_clean if kinds_clean else ''}, "
              f"extra with the plant {extra} {extra_kinds if extra_kinds else ''}", flush=True)
    print("\nplanted kind   found")
    for kind in KINDS:
        if planted[kind]:
            print(f"  {kind:12s} {found[kind]}/{planted[kind]}")
    print(f"false alarms per session: clean mean {np.mean(clean_alarms):.2f}, max {max(clean_alarms)}; "
          f"with the plant mean {np.mean(planted_alarms):.2f}, max {max(planted_alarms)} "
          f"(sessions over 1: {sum(a > 1 for a in planted_alarms)}/{len(planted_alarms)})")
    print(f"total {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

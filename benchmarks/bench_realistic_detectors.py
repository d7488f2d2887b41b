"""Polarity and gain staging on realistic sessions (issue 11; docs/evaluation.md).

Sessions from :func:`reaper_ext_testkit.sessions.render_session`, cycling through the
allowed libraries and through four cases: clean, snare bottom upside down, kick out
upside down, bass amp upside down. Tracks reach the polarity detector as the session
analysis hands them over: block means at :data:`reaper_ext.audio.mixdown.POLARITY_RATE_HZ`.

Reported: flipped twins found and missed, and false alarms (any other pair flagged),
per rate; and for the ``"rms"`` gain rule, the share of tracks of the (clean, staged)
sessions that get a gain change. With ``--song``, the tempo (within 4 %, and how many
octave or 2:3 errors) and key of every session's mix (``analyze_song``, issue 11 item 4).

The song analysis's tempo-octave and key weights were tuned on seeds 1000-1199 (seeds
1200-1299 were kept for a check); seed 9000 is the held-out figure. A note on the key truth: one of the sessions' four major
progressions (vi-IV-I-V) plays exactly the chords, bass and scale of one of the four minor
ones (i-VI-III-VII) in the relative minor. Since SESSION_VERSION 4 every session ends on its
tonic chord, as songs do, so the key can be told from the audio (before, about one session
in eight had a key no listener or detector could tell from its relative).

    .venv/bin/python benchmarks/bench_realistic_detectors.py [--sessions 20] [--rates 8000 1000] [--song] [--seed 9000]
"""

from __future__ import annotations

import argparse
import time

from reaper_ext_testkit.libraries import allowed_libraries
from reaper_ext_testkit.sessions import FLIPPABLE_ROLES, render_session

from reaper_ext.analysis.measure import measure_track
from reaper_ext.analysis.problems.polarity import find_polarity_problems
from reaper_ext.audio.mixdown import POLARITY_RATE_HZ, block_means
from reaper_ext.settings import Settings
from reaper_ext.suggest.rules.gain import staged_gain_db

SEED = 4000
FLIPS = (None, "snare_bottom", "kick_out", "bass_amp")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--duration", type=float, default=12.0)
    parser.add_argument("--rates", type=int, nargs="+", default=[POLARITY_RATE_HZ])
    parser.add_argument("--song", action="store_true", help="also tempo and key of every session's mix")
    parser.add_argument("--seed", type=int, default=SEED,
                        help=f"first session seed (default {SEED}: the sessions the detector was tuned on; use another for a held-out figure)")
    args = parser.parse_args(argv)
    song_rows: list[tuple[float, float, str, str]] = []
    libraries = allowed_libraries()
    started = time.time()
    counts = {rate: {"found": 0, "missed": [], "false": []} for rate in args.rates}
    settings = Settings()
    settings.gain_reference = "rms"
    n_tracks = n_changed = 0
    for k in range(args.sessions):
        library, flip, seed = libraries[k % len(libraries)], FLIPS[(k // len(libraries)) % len(FLIPS)], args.seed + k
        session = render_session(library, seed, duration_sec=args.duration, flip=flip)
        flipped = {t.name for t in session.tracks if t.flipped}
        partners = {t.name for t in session.tracks if flip and t.role == FLIPPABLE_ROLES[flip]}
        for rate in args.rates:
            tracks = {t.name: block_means(t.audio.mean(axis=1), session.sample_rate_hz, rate)[:, None] for t in session.tracks}
            pairs = {frozenset((name, p.measured["partner_track"]))
                     for name, problems in find_polarity_problems(tracks, rate).items() for p in problems}
            hit = any(pair & flipped and pair & partners for pair in pairs)
            counts[rate]["found"] += int(hit)
            if flipped and not hit:
                counts[rate]["missed"].append(f"{library}:{seed}:{flip}")
            counts[rate]["false"] += [f"{library}:{seed}:{'/'.join(sorted(pair))}" for pair in pairs
                                      if not (pair & flipped and pair & partners)]
        if args.song:
            from reaper_ext.analysis.song import PITCH_CLASS_NAMES, analyze_song

            song = analyze_song(session.mix(), session.sample_rate_hz)
            truth_key = f"{PITCH_CLASS_NAMES[session.tonic]} {session.mode}"
            song_rows.append((session.tempo_bpm, song.tempo.bpm, truth_key, f"{song.key.tonic} {song.key.mode}"))
        if flip is None:  # gain staging on the clean sessions
            for track in session.tracks:
                n_tracks += 1
                n_changed += staged_gain_db(measure_track(track.audio, session.sample_rate_hz), settings) is not None
    n_flipped = sum(1 for k in range(args.sessions) if FLIPS[(k // len(libraries)) % len(FLIPS)])
    print(f"{args.sessions} sessions ({n_flipped} with a flipped twin), {args.duration:g} s, seeds from {args.seed}, "
          f"libraries {', '.join(libraries)}")
    for rate, c in counts.items():
        print(f"polarity at {rate} Hz: flipped twins found {c['found']}/{n_flipped}, missed {c['missed']}; "
              f"false alarms {len(c['false'])} in {len({f.rsplit(':', 1)[0] for f in c['false']})} sessions {c['false']}")
    if n_tracks:
        print(f"gain staging (rms, -18 dBFS, ceiling -6 dBFS, +-3 dB) on clean sessions: {n_changed}/{n_tracks} tracks "
              f"changed ({n_changed / n_tracks:.0%})")
    if song_rows:
        errors = [abs(found - truth) / truth for truth, found, _, _ in song_rows]
        octave = sum(1 for truth, found, _, _ in song_rows if min(abs(found / truth - r) for r in (0.5, 2.0, 1 / 3, 3.0, 2 / 3, 1.5)) < 0.04)
        keys_right = sum(1 for *_, truth, found in song_rows if truth == found)
        print(f"tempo within 4%: {sum(e <= 0.04 for e in errors)}/{len(errors)} (octave or 2:3 errors {octave}); "
              f"key right: {keys_right}/{len(song_rows)}; misses {[(round(t), round(f), tk, fk) for t, f, tk, fk in song_rows if abs(f - t) / t > 0.04 or tk != fk]}")
    print(f"total {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

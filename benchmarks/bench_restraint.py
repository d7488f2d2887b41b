"""Restraint: how often each suggestion rule fires on clean, well-recorded tracks (issue 11, item 6).

Sessions from :func:`reaper_ext_testkit.sessions.render_session` with ``processing=0``:
every track as recorded, no mix processing, no planted problem, no flipped mic,
each staged near -18 dBFS RMS with peaks under -6.5 dBFS (a careful engineer's
levels). The drum close mics carry the rest of the kit as bleed (a real kit's
mics do); the band and the voice are clean. Drums come from every allowed library
in turn (the reserved ones are refused by the testkit), the band from the
session's own library or a General MIDI one.

Each session is written as a ``.RPP`` with one WAV item per track, analysed by
:func:`reaper_ext.pipeline.session.analyze_project` and run through every enabled
rule (:func:`reaper_ext.suggest.engine.suggest`, default settings) as ``analyze``
does. A track's *false suggestion* of a kind is any suggestion of that kind on it,
except for the kinds a clean track may rightly get:

* ``gate`` on a tom track: its energy between hits is bleed (issue 11, item 4 asks for it);
* labels and organisation (``name``, ``color``, ``label_doubt``, ``folder``, ``order``),
  and the song's own ``section``, ``key`` and ``tempo``: not processing.

Reported per kind: tracks with a false suggestion / tracks, also split by coarse
class for the kinds that fire, and each false EQ/compressor suggestion's why.
The issue's goal: no EQ and no compressor suggestion on a clean track.

Restraint is only worth something if the rule still acts on a real problem, so each
tonal track (a class with an EQ target) is also run once with a **planted resonance**:
its audio through a +15 dB, Q 4 peak (RBJ cookbook) at a band between 200 Hz and 5 kHz
within 20 dB of its loudest, drawn per session seed; its measurements replaced by those
of the ringing audio (label and problems kept), then :func:`suggest_eq`. Found = an EQ
cut within 1/3 octave of the planted frequency. Reported: found / planted (tracks whose
label is under 50 % sure get no EQ by design and are counted apart). ``--no-plant`` skips it.

Seeds 5000 and up developed the rules; 6000 and up are held out.

    .venv/bin/python benchmarks/bench_restraint.py [--sessions 10] [--seed 5000] [--duration 12] [--no-plant]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter, defaultdict

from reaper_ext_testkit.libraries import allowed_libraries
from reaper_ext_testkit.sessions import render_session, write_tracks_project

from reaper_ext.settings import Settings

SEED = 5000
#: kinds that are not processing: never counted as false
NOT_PROCESSING = ("name", "color", "label_doubt", "folder", "order", "section", "key", "tempo")
#: the issue's restraint goal: none of these on a clean track
MUST_BE_ZERO = ("eq", "compressor")


def is_false(kind: str, role: str) -> bool:
    """Whether a suggestion of ``kind`` on a clean track of ``role`` is a false one (module docstring)."""
    if kind in NOT_PROCESSING:
        return False
    return not (kind == "gate" and role == "tom")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    from reaper_ext.pipeline.session import analyze_project
    from reaper_ext.session.rpp import load_project
    from reaper_ext.suggest.engine import suggest

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seed", type=int, default=SEED, help=f"first session seed (default {SEED})")
    parser.add_argument("--duration", type=float, default=12.0)
    parser.add_argument("--no-plant", action="store_true", help="skip the planted-resonance check")
    args = parser.parse_args(argv)
    planted: Counter[str] = Counter()
    planted_misses: list[str] = []
    libraries = allowed_libraries()
    started = time.time()
    n_tracks = 0
    tracks_by_class: Counter[str] = Counter()
    false_by_kind: Counter[str] = Counter()
    false_by_kind_class: dict[str, Counter[str]] = defaultdict(Counter)
    expected_by_kind: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for k in range(args.sessions):
        library, seed = libraries[k % len(libraries)], args.seed + k
        session = render_session(library, seed, duration_sec=args.duration, processing=0.0)
        with tempfile.TemporaryDirectory() as folder:
            path = write_tracks_project([(t.name, t.audio) for t in session.tracks], session.sample_rate_hz, folder,
                                        name="clean.RPP")
            _, project = load_project(path)
            analysis = analyze_project(project, cache=None)
            suggestions = suggest(project, analysis, Settings())
        by_guid = {track.guid: session.tracks[n] for n, track in enumerate(project.tracks)}
        kinds_on: dict[str, set[str]] = defaultdict(set)
        for suggestion in suggestions:
            truth = by_guid.get(suggestion.target)
            if truth is None:
                continue  # the master, the project (markers of the song), a new folder
            if suggestion.kind in kinds_on[suggestion.target]:
                continue
            kinds_on[suggestion.target].add(suggestion.kind)
            coarse = _coarse(truth.fine_class)
            if is_false(suggestion.kind, truth.role):
                false_by_kind[suggestion.kind] += 1
                false_by_kind_class[suggestion.kind][coarse] += 1
                if suggestion.kind in MUST_BE_ZERO or len(examples[suggestion.kind]) < 3:
                    examples[suggestion.kind].append(f"{library}:{seed} {truth.name} ({truth.fine_class}): {suggestion.why}")
            elif suggestion.kind not in NOT_PROCESSING:
                expected_by_kind[suggestion.kind] += 1
        for track in session.tracks:
            n_tracks += 1
            tracks_by_class[_coarse(track.fine_class)] += 1
        if not args.no_plant:
            _plant_resonances(session, project, analysis, planted, planted_misses)
        print(f"session {k + 1}/{args.sessions} {library}:{seed}: {len(session.tracks)} tracks, "
              f"{sum(1 for s in suggestions if s.kind not in NOT_PROCESSING)} processing suggestions", flush=True)

    print(f"\n{args.sessions} clean sessions, {n_tracks} tracks, {args.duration:g} s, seeds from {args.seed}, "
          f"libraries {', '.join(libraries[: args.sessions])}; tracks by class: {dict(sorted(tracks_by_class.items()))}")
    print(f"{'kind':<12} {'false':>6} {'rate':>6}  by class")
    from reaper_ext.suggest.kinds import SUGGESTION_KINDS

    for kind in (info.name for info in SUGGESTION_KINDS):
        if kind in NOT_PROCESSING:
            continue
        count = false_by_kind[kind]
        split = ", ".join(f"{c} {n}/{tracks_by_class[c]}" for c, n in sorted(false_by_kind_class[kind].items()))
        flag = "  <- goal 0" if kind in MUST_BE_ZERO and count else ""
        print(f"{kind:<12} {count:>6} {count / max(n_tracks, 1):>6.1%}  {split}{flag}")
    if expected_by_kind:
        print(f"not counted (a clean track may rightly get them): {dict(expected_by_kind)}")
    if not args.no_plant:
        print(f"planted resonance (+15 dB, Q 4, 200 Hz-5 kHz) on tonal tracks: EQ cut found {planted['found']}/"
              f"{planted['planted']}; not looked at (label under 50% sure) {planted['unsure']}")
        for line in planted_misses[:6]:
            print(f"  missed: {line}")
    for kind, lines in sorted(examples.items()):
        print(f"\n{kind}:")
        for line in lines[:12]:
            print(f"  {line}")
    print(f"\ntotal {time.time() - started:.0f} s")
    return 0


def _plant_resonances(session, project, analysis, planted: Counter[str], misses: list[str]) -> None:
    """Run :func:`suggest_eq` on each tonal track with a resonance planted in its audio (module docstring)."""
    import copy

    import numpy as np
    from scipy.signal import lfilter

    from reaper_ext.analysis.biquad import rbj_biquad
    from reaper_ext.analysis.measure import measure_track
    from reaper_ext.suggest.rules.eq import MIN_LABEL_CONFIDENCE, TARGET_SHAPES, suggest_eq

    rng = np.random.default_rng(session.seed)
    for n, track in enumerate(project.tracks):
        truth = session.tracks[n]
        result = analysis.track(track.guid)
        if _coarse(truth.fine_class) not in TARGET_SHAPES or result is None or result.measurements is None:
            continue
        centres = np.asarray(result.measurements.ltas_centres_hz)
        levels = np.asarray(result.measurements.ltas_level_db)
        top = float(np.max(levels[np.isfinite(levels)]))
        where = np.flatnonzero((centres >= 200) & (centres <= 5000) & (levels >= top - 20))
        if not where.size:
            continue
        freq_hz = float(centres[rng.choice(where)]) * 2 ** rng.uniform(-1 / 6, 1 / 6)
        if result.label is None or result.label.confidence < MIN_LABEL_CONFIDENCE:
            planted["unsure"] += 1
            continue
        b, a = rbj_biquad("band", freq_hz, session.sample_rate_hz, gain_db=15.0, q=4.0)
        ringing = measure_track(lfilter(b, a, truth.audio, axis=0).astype(np.float32), session.sample_rate_hz)
        changed = copy.deepcopy(analysis)
        changed.track(track.guid).measurements = ringing
        made = [s for s in suggest_eq(project, changed, Settings()) if s.target == track.guid]
        hit = any(gain < 0 and abs(np.log2(freq / freq_hz)) <= 1 / 3
                  for s in made for freq, gain in zip(s.params["freq_hz"], s.params["gain_db"], strict=True))
        planted["planted"] += 1
        planted["found"] += hit
        if not hit:
            misses.append(f"{session.library}:{session.seed} {truth.name} ({truth.fine_class}) at {freq_hz:.0f} Hz"
                          + (f": got {made[0].why}" if made else ""))


def _coarse(fine_class: str) -> str:
    """The coarse class of a fine class."""
    from reaper_ext.labels import COARSE_OF

    return COARSE_OF.get(fine_class, fine_class)


if __name__ == "__main__":
    raise SystemExit(main())

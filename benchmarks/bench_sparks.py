"""Benchmark the sparks (issue 16) on songs rendered with fluidsynth, whose chords, melody, key and feel are known.

Run: ``.venv/bin/python benchmarks/bench_sparks.py [--songs 50] [--bars 16] [--jobs 2]``

Every song (60-170 BPM, 3/4 and 4/4, all keys, both modes, FluidR3/TimGM6mb,
swing 50-66 %, a drummer's feel of ±5 ms per slot and ±2 ms per hit) is laid out
as a multitrack project (Keys, Bass, Lead, Kick, Snare, Hats), read by
``reaper_ext.sparks.project.project_sparks``, and its sparks are written into
the project as inline MIDI items and **read back from the written file** for the
checks, which use the song's truth, not what the analysis found:

- chords: bars whose detected root and quality are right (per song; >= 80 %);
- key: the sparks' pitch-class profile (durations, drums excluded) correlated with
  the Krumhansl-Kessler profiles picks the song's key (>= 90 % of songs);
- timing: every chord note-on within ±1 tick of the sixteenth grid; every bass and
  drum note-on within ±1 tick of its swung slot plus the measured offset;
- diatonic idea: only pitch classes of the key (minor: natural minor plus the
  leading tone);
- melody: the strong-beat notes read from the Lead track (the tuning's CREPE tracker)
  against the written ones: right, missing (no voiced window), wrong;
- strong-beat melody notes (the written melody) that are chord tones of each chord
  idea (>= 70 %); mean voice movement (<= 4 semitones); ranges (chords 48-79,
  bass 28-55, drums 35-81); every chord idea differs from the detected chords;
- groove transfer: drum parts with 62 % swing and ±8 ms (±6 ms per slot, ±2 ms
  per hit): measured swing within 2 points, transferred offsets vs the source's
  per-slot offsets correlate >= 0.8;
- speed: all sparks of a 4-minute song (reading its 6 tracks included) on 2 cores, after a
  warm-up run (imports, filter banks, the CREPE weights); torch on one thread.

A song's ``sec`` column includes, for the first song of each worker process, importing
torch and loading the CREPE weights.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import numpy as np  # noqa: E402

KEYS = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])  # Krumhansl 1990
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
TPQ = 960
CHORD_RANGE, BASS_RANGE, DRUM_RANGE = (48, 79), (28, 55), (35, 81)


def song_parameters(index: int) -> dict:
    rng = np.random.default_rng(7000 + index)
    # 60-170 BPM: 53 is coprime with 111, so the tempos spread over the whole range
    return dict(tempo_bpm=float(60 + (index * 53) % 111), tonic=KEYS[(index * 5) % 12], mode=("major", "minor")[index % 2],
                beats_per_bar=(4, 3)[(index // 2) % 2], swing=float(rng.choice([0.5, 0.55, 0.6, 0.62, 0.66])),
                feel_ms=5.0, jitter_ms=2.0, soundfont=("fluidr3", "timgm6mb")[(index // 4) % 2], seed=9000 + index)


def key_of_profile(profile: np.ndarray) -> tuple[int, str]:
    best, best_r = (0, "major"), -2.0
    for tonic in range(12):
        rotated = np.roll(profile, -tonic)
        for mode, reference in (("major", MAJOR_PROFILE), ("minor", MINOR_PROFILE)):
            r = np.corrcoef(rotated, reference)[0, 1]
            if r > best_r:
                best, best_r = (tonic, mode), r
    return best


def scale_of(tonic: int, mode: str) -> set[int]:
    steps = (0, 2, 4, 5, 7, 9, 11) if mode == "major" else (0, 2, 3, 5, 7, 8, 10, 11)
    return {(tonic + s) % 12 for s in steps}


def read_back(path: Path) -> dict[str, list[tuple[float, list]]]:
    """Sparks track name -> [(item position_sec, notes)] from the written project."""
    from reaper_ext.session.rpp import load_document
    from reaper_ext.session.rpp.midi import read_midi_source

    doc = load_document(path)
    found: dict[str, list] = {}
    for track in doc.root.find_all("TRACK"):
        name = (doc.field(track, "NAME") or [""])[0]
        if not name.startswith("Sparks: "):
            continue
        for item in track.find_all("ITEM"):
            ticks_per_qn, notes, _ = read_midi_source(doc, item.find("SOURCE"))
            assert ticks_per_qn == TPQ
            found.setdefault(name, []).append((float(doc.field(item, "POSITION")[0]), notes))
    return found


def evaluate_song(index: int, n_bars: int, soundfont: str | None = None) -> dict:
    from reaper_ext_testkit.progressions import compose_progression_song, write_song_project

    from reaper_ext.session.rpp import save_document
    from reaper_ext.session.rpp.midi import tempo_map_from_document
    from reaper_ext.session.rpp.writer import RppSessionWriter
    from reaper_ext.sparks.melody import strong_beats
    from reaper_ext.sparks.project import project_sparks, sparks_suggestions

    params = song_parameters(index)
    if soundfont is not None:
        params["soundfont"] = soundfont
    song = compose_progression_song(n_bars=n_bars, **params)
    with tempfile.TemporaryDirectory(prefix="bench-sparks-") as tmp:
        path = write_song_project(song, Path(tmp))
        started = time.perf_counter()
        doc, result = project_sparks(path)
        elapsed = time.perf_counter() - started
        tempo_map = tempo_map_from_document(doc)
        writer = RppSessionWriter(doc)
        for suggestion in sparks_suggestions(result, tempo_map):
            params_ = suggestion.params
            writer.add_track(index=len(doc.root.find_all("TRACK")), name=params_["track_name"], items=params_["items"])
        out = Path(tmp) / "out.RPP"
        save_document(doc, out, keep_backup=False)
        written = read_back(out)

    bpb, bpm = song.beats_per_bar, song.tempo_bpm
    bar_ticks = bpb * TPQ
    truth_chords = [(c.root_pc, c.quality) for c in song.chords]
    detected = [(c.root_pc, c.quality) for c in result.chords[: song.n_bars]]
    chord_accuracy = float(np.mean([a == b for a, b in zip(detected, truth_chords, strict=False)]))
    melody = {round(q, 6): p for q, _, p in song.melody if round(q % bpb, 6) in strong_beats(bpb)}
    scale = scale_of(song.tonic_pc, song.mode)
    groove = result.groove
    swing = groove.swing_8th if groove and groove.swing_8th else 0.5
    sixteenth = groove.swing_16th if groove and groove.swing_16th else 0.5

    profile = np.zeros(12)
    timing_bad = timing_total = 0
    per_idea: dict[str, dict] = {}
    range_bad = 0
    for name, items in written.items():
        idea = name.split(": ", 1)[1]
        stats = per_idea.setdefault(idea, {"covered": 0, "melody": 0, "moves": [], "non_diatonic": 0, "same_as_detected": 0,
                                           "n_items": 0})
        for position_sec, notes in items:
            stats["n_items"] += 1
            item_qn = position_sec * bpm / 60.0
            first_bar = int(round(item_qn / bpb))
            is_drums = idea == "drum groove"
            low, high = DRUM_RANGE if is_drums else (BASS_RANGE if idea == "bass line" else CHORD_RANGE)
            range_bad += sum(not (low <= n.pitch <= high) for n in notes)
            for n in notes:
                if not is_drums:
                    profile[n.pitch % 12] += n.length_ticks
                timing_total += 1
                if idea in ("bass line", "drum groove"):
                    beat_tick = (n.start_tick // TPQ) * TPQ
                    candidates = []
                    for base in (beat_tick - TPQ, beat_tick, beat_tick + TPQ):
                        for sub, frac in enumerate((0.0, sixteenth * swing, swing, swing + sixteenth * (1 - swing))):
                            slot = int(((base // TPQ) % bpb) * 4 + sub)
                            drum = {36: "kick", 38: "snare"}.get(n.pitch, "hats") if is_drums else "kick"
                            offset_ms = groove.offset_for(drum, slot) if groove else 0.0
                            candidates.append(base + frac * TPQ + offset_ms / 1000.0 * bpm / 60.0 * TPQ)
                    # a note pushed before the item start is held at tick 0 (the item cannot start earlier)
                    distance = min(abs(n.start_tick - max(0.0, c)) for c in candidates)
                else:
                    distance = min(abs(n.start_tick - g) for g in np.arange(0, (n_bars + 1) * bar_ticks, TPQ / 4))
                timing_bad += distance > 1.0
            if idea in ("bass line", "drum groove"):
                continue
            onsets: dict[int, list[int]] = {}
            for n in notes:
                onsets.setdefault(n.start_tick, []).append(n.pitch)
            voicings = [sorted(onsets[t]) for t in sorted(onsets)]
            bar_chords = {}
            for tick in sorted(onsets):
                bar_chords.setdefault(first_bar + tick // bar_ticks, set(p % 12 for p in onsets[tick]))
            for a, b in zip(voicings, voicings[1:], strict=False):
                if len(a) == len(b):
                    stats["moves"] += [abs(x - y) for x, y in zip(a, b, strict=True)]
            for tick in sorted(onsets):
                pcs = {p % 12 for p in onsets[tick]}
                stats["non_diatonic"] += not pcs <= scale
            same = all(bar_chords.get(b) == set((truth_pc + i) % 12 for i in ({"maj": (0, 4, 7), "min": (0, 3, 7), "dim": (0, 3, 6), "7": (0, 4, 7, 10)}[detected[b][1]]) for truth_pc in [detected[b][0]])
                       for b in bar_chords if b < len(detected))
            stats["same_as_detected"] += same
            for bar, pcs in bar_chords.items():
                for beat in strong_beats(bpb):
                    pitch = melody.get(round(bar * bpb + beat, 6))
                    if pitch is not None:
                        stats["melody"] += 1
                        stats["covered"] += pitch % 12 in pcs
    key = key_of_profile(profile)
    found = {round(q, 6): p for q, p in result.melody.items()}
    melody_found = sum(q in found for q in melody)
    melody_right = sum(found.get(q) == p for q, p in melody.items())
    return {"melody_tracker": result.melody_tracker, "melody_total": len(melody), "melody_found": melody_found,
            "melody_right": melody_right, "index": index, **{k: params[k] for k in ("tempo_bpm", "tonic", "mode", "beats_per_bar", "swing", "soundfont")},
            "chord_accuracy": chord_accuracy, "key_match": key == (song.tonic_pc, song.mode),
            "sparks_key": f"{KEYS[key[0]]} {key[1]}", "timing_bad": timing_bad, "timing_total": timing_total,
            "range_bad": range_bad, "ideas": per_idea, "seconds": elapsed,
            "measured_swing": groove.swing_8th if groove else None}


def groove_transfer(seed: int, tempo_bpm: float, beats_per_bar: int = 4) -> dict:
    """Render a drum part with 62 % swing and ±8 ms; measure it; transfer it; compare."""
    from reaper_ext_testkit.progressions import _drum_hits, render_drum_part

    from reaper_ext.session.rpp.midi import TempoMap
    from reaper_ext.sparks.generate import SectionContext, generate_sparks
    from reaper_ext.sparks.groove import measure_groove, swung_qn

    rng = np.random.default_rng(seed)
    hits, feel = _drum_hits(rng, 16, beats_per_bar, 0.62, 6.0, 2.0)
    parts = render_drum_part(hits, tempo_bpm)
    tempo_map = TempoMap.constant(tempo_bpm, (beats_per_bar, 4))
    groove = measure_groove(parts, 44100, tempo_map)
    context = SectionContext("A", 0, 8, beats_per_bar, 0, "major", [(0, "maj")] * 8, {}, tempo_map, groove)
    drums = generate_sparks(context, ("drums",))[0]
    names = {36: "kick", 38: "snare", 42: "hats", 46: "hats", 51: "hats"}
    transferred, on_source_grid, source = [], [], []
    beat_sec = 60.0 / tempo_bpm
    for note in drums.notes:
        qn = note.start_tick / TPQ
        beat = int(np.floor(qn + 0.1))
        subs = [swung_qn(beat, k, groove.swing_8th, groove.swing_16th or 0.5) for k in range(4)]
        sub = int(np.argmin([abs(qn - s) for s in subs]))
        slot = (beat % beats_per_bar) * 4 + sub
        drum = names[note.pitch]
        if sub % 2 == 0 and (drum, slot // 2) in feel and any(h.drum == drum and h.slot == slot // 2 for h in hits):
            transferred.append((qn - subs[sub]) * beat_sec * 1000.0)
            # the same note against the grid the source was played on (62 % swing, straight 16ths)
            on_source_grid.append((qn - swung_qn(beat, sub, 0.62, 0.5)) * beat_sec * 1000.0)
            source.append(feel[(drum, slot // 2)])
    r = float(np.corrcoef(transferred, source)[0, 1]) if len(transferred) > 2 else float("nan")
    r_source_grid = float(np.corrcoef(on_source_grid, source)[0, 1]) if len(transferred) > 2 else float("nan")
    return {"tempo_bpm": tempo_bpm, "beats_per_bar": beats_per_bar, "swing": groove.swing_8th, "r": r,
            "r_source_grid": r_source_grid, "n_notes": len(transferred)}


def speed_4_minutes() -> float:
    from reaper_ext_testkit.progressions import compose_progression_song, write_song_project

    from reaper_ext.sparks.project import project_sparks

    song = compose_progression_song(tempo_bpm=120, tonic="E", mode="minor", n_bars=120, swing=0.6, feel_ms=5, jitter_ms=2,
                                    seed=77)
    with tempfile.TemporaryDirectory(prefix="bench-sparks-4min-") as tmp:
        path = write_song_project(song, Path(tmp))
        project_sparks(path)  # warm-up: imports and filter banks
        started = time.perf_counter()
        project_sparks(path)
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--songs", type=int, default=50)
    parser.add_argument("--bars", type=int, default=16)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--soundfont", help="render every song with this sound font (testkit name, e.g. csound: one "
                                            "the chord recogniser was not tuned on) instead of FluidR3/TimGM6mb")
    parser.add_argument("--json", metavar="OUT.json", help="also write every song's figures as JSON")
    args = parser.parse_args(argv)

    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(evaluate_song, range(args.songs), [args.bars] * args.songs, [args.soundfont] * args.songs))
    if args.json:
        import json

        Path(args.json).write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(f"{'#':>3} {'bpm':>4} {'m':>2} {'key':>9} {'sw':>5} {'chords':>7} {'sparks key':>10} {'timing':>8} "
          f"{'dia cov':>7} {'mod cov':>7} {'re cov':>7} {'move':>5} {'dia out':>7} {'melody':>7} {'sec':>5}")
    idea_names = ("diatonic chords", "modal interchange", "re-harmonisation")
    totals = {idea: {"covered": 0, "melody": 0, "moves": [], "non_diatonic": 0, "same": 0, "items": 0} for idea in idea_names}
    for r in results:
        cov = []
        for idea in idea_names:
            stats = r["ideas"].get(idea, {"covered": 0, "melody": 0, "moves": [], "non_diatonic": 0, "same_as_detected": 0, "n_items": 0})
            t = totals[idea]
            t["covered"] += stats["covered"]
            t["melody"] += stats["melody"]
            t["moves"] += stats["moves"]
            t["non_diatonic"] += stats["non_diatonic"]
            t["same"] += stats["same_as_detected"]
            t["items"] += stats["n_items"]
            cov.append(stats["covered"] / stats["melody"] if stats["melody"] else float("nan"))
        moves = r["ideas"].get("diatonic chords", {}).get("moves", [])
        print(f"{r['index']:>3} {r['tempo_bpm']:>4.0f} {r['beats_per_bar']:>2} {r['tonic'] + ' ' + r['mode'][:3]:>9} "
              f"{r['swing']:>5.2f} {r['chord_accuracy']:>7.1%} {r['sparks_key']:>10} "
              f"{r['timing_total'] - r['timing_bad']:>4}/{r['timing_total']:<4} {cov[0]:>7.1%} {cov[1]:>7.1%} {cov[2]:>7.1%} "
              f"{np.mean(moves) if moves else float('nan'):>5.2f} "
              f"{r['ideas'].get('diatonic chords', {}).get('non_diatonic', 0):>7} "
              f"{r['melody_right']:>3}/{r['melody_total']:<3} {r['seconds']:>5.1f}")
    n = len(results)
    accuracies = [r["chord_accuracy"] for r in results]
    print()
    print(f"chord recognition (root+quality): mean {np.mean(accuracies):.1%}, worst song {min(accuracies):.1%}, "
          f"songs >= 80%: {sum(a >= 0.8 for a in accuracies)}/{n}")
    print(f"sparks' pitch-class profile gives the song's key: {sum(r['key_match'] for r in results)}/{n} "
          f"({sum(r['key_match'] for r in results) / n:.0%})")
    bad = sum(r["timing_bad"] for r in results)
    total = sum(r["timing_total"] for r in results)
    print(f"note-ons within ±1 tick of their grid/swing position: {total - bad}/{total}")
    print(f"notes outside their range: {sum(r['range_bad'] for r in results)}")
    trackers = sorted({str(r["melody_tracker"]) for r in results})
    m_total = sum(r["melody_total"] for r in results)
    print(f"strong-beat melody notes read from the Lead track ({'/'.join(trackers)}): "
          f"{sum(r['melody_right'] for r in results)}/{m_total} right, "
          f"{m_total - sum(r['melody_found'] for r in results)} without a note, "
          f"{sum(r['melody_found'] - r['melody_right'] for r in results)} wrong")
    for idea in idea_names:
        t = totals[idea]
        print(f"{idea}: strong-beat melody notes that are chord tones {t['covered']}/{t['melody']} "
              f"({t['covered'] / max(1, t['melody']):.1%}); mean voice movement {np.mean(t['moves']):.2f} semitones; "
              f"chords outside the key {t['non_diatonic']}; items identical to the detected chords {t['same']}/{t['items']}")
    transfer = [groove_transfer(500 + k, tempo) for k, tempo in enumerate((84.0, 92.0, 100.0, 108.0, 116.0, 124.0, 132.0, 140.0))]
    transfer += [groove_transfer(600 + k, tempo, 3) for k, tempo in enumerate((90.0, 120.0))]
    print(f"groove transfer: swing within 2 points in {sum(abs(g['swing'] - 0.62) <= 0.02 for g in transfer)}/{len(transfer)}; "
          f"r >= 0.8 on the source grid in {sum(g['r_source_grid'] >= 0.8 for g in transfer)}/{len(transfer)}, "
          f"on the measured grid in {sum(g['r'] >= 0.8 for g in transfer)}/{len(transfer)}")
    for g in transfer:
        print(f"groove transfer {g['tempo_bpm']:.0f} BPM {g['beats_per_bar']}/4: measured swing {g['swing'] * 100:.1f}% "
              f"(truth 62%); transferred offsets vs the source's: r = {g['r_source_grid']:.2f} on the source's 62% grid, "
              f"r = {g['r']:.2f} on the measured grid, over {g['n_notes']} notes")
    if not args.skip_speed:
        print(f"all sparks of a 4-minute song (6 tracks read, 120 bars): {speed_4_minutes():.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

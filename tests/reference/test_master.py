"""Master check: LRA (EBU Tech 3342 signals), PLR/PSR, the platform card, and the solved chain.

Expected values come from the standards' own test signals and from arithmetic on
levels we set, never from the product's constants.
"""

from __future__ import annotations

import numpy as np
import pytest

from reaper_ext.reference.chain import apply_limiter, simulate_chain, solve_chain
from reaper_ext.reference.dynamics import loudness_series, measure_dynamics
from reaper_ext.reference.master import Platform, check_master, platform_card, platform_from_text

SR = 48000


def sine_at_lufs(level_lufs: float, seconds: float, freq_hz: float = 1000.0) -> np.ndarray:
    """A stereo 1 kHz sine; EBU Tech 3341 test 1: a stereo 1 kHz sine of peak -23 dBFS reads -23 LUFS."""
    t = np.arange(int(seconds * SR)) / SR
    amplitude = 10 ** (level_lufs / 20)
    tone = (amplitude * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)
    return np.stack([tone, tone], axis=1)


@pytest.mark.parametrize(("levels", "expected_lu"), [((-20, -30), 10), ((-20, -15), 5), ((-40, -20), 20),
                                                      ((-50, -35, -20, -35, -50), 15)])
def test_lra_tech_3342_cases(levels, expected_lu):
    """EBU Tech 3342 test signals 1-4: 20 s stretches of stereo 1 kHz sine at these levels; LRA +-1 LU."""
    audio = np.concatenate([sine_at_lufs(level, 20) for level in levels])
    dynamics = measure_dynamics(audio, SR)
    assert dynamics.lra_lu == pytest.approx(expected_lu, abs=1.0)


def test_steady_sine_figures():
    """A steady stereo sine of peak -20 dBFS: -20 LUFS (Tech 3341), LRA 0, PLR and PSR 0 dB, crest 3.01 dB (a sine's)."""
    audio = sine_at_lufs(-20, 10)
    dynamics = measure_dynamics(audio, SR)
    assert dynamics.integrated_lufs == pytest.approx(-20.0, abs=0.1)
    assert dynamics.short_term_max_lufs == pytest.approx(-20.0, abs=0.1)
    assert dynamics.lra_lu == pytest.approx(0.0, abs=0.1)
    assert dynamics.plr_db == pytest.approx(0.0, abs=0.1)
    assert dynamics.psr_db == pytest.approx(0.0, abs=0.1)
    assert dynamics.crest_db == pytest.approx(3.01, abs=0.05)


def test_short_term_follows_a_step():
    """Short-term loudness is a 3 s window: 1.5 s into a -10 dB step it reads the power mean of the two halves."""
    audio = np.concatenate([sine_at_lufs(-20, 5), sine_at_lufs(-30, 5)])
    short_term = loudness_series(audio, SR).short_term_lufs()
    # window i covers steps i .. i+29 (100 ms each): window 35 is 1.5 s at -20 and 1.5 s at -30
    expected = 10 * np.log10((10 ** (-2.0) + 10 ** (-3.0)) / 2)
    assert short_term[35] == pytest.approx(expected, abs=0.15)


def test_platform_card_turns_down_and_flags_clipping():
    """A -8 LUFS master (peak -8 dBTP): Spotify turns it down 6 dB; a -6 LUFS platform turns it up 2 dB."""
    audio = sine_at_lufs(-8, 5)
    dynamics = measure_dynamics(audio, SR)
    card = platform_card(dynamics, [Platform("S", -14.0, -1.0, True), Platform("Loud", -6.0, -1.0, True),
                                    Platform("Y", -14.0, -1.0, False)])
    assert card[0].gain_db == pytest.approx(-6.0, abs=0.1)
    assert not card[0].would_clip
    assert card[1].gain_db == pytest.approx(2.0, abs=0.1)
    assert not card[1].would_clip
    quiet = measure_dynamics(sine_at_lufs(-30, 5), SR)
    spotify, louder, youtube = platform_card(quiet, [Platform("S", -14.0, -1.0, True), Platform("L", 0.0),
                                                     Platform("Y", -14.0, -1.0, False)])
    assert youtube.gain_db == 0.0  # YouTube never turns up
    assert spotify.gain_db == pytest.approx(16.0, abs=0.1)
    assert louder.gain_db == pytest.approx(29.0, abs=0.1)  # wants +30 dB; the peak (-30 dBTP) stops it at -1 dBTP
    hot = measure_dynamics(sine_at_lufs(-0.5, 3), SR)  # true peak -0.5 dBTP
    assert all(verdict.would_clip for verdict in platform_card(hot, [Platform("X", 0.0, -1.0, False)]))


def test_custom_platform_text():
    platform = platform_from_text("Broadcast:-23:-2")
    assert (platform.name, platform.target_lufs, platform.ceiling_dbtp) == ("Broadcast", -23.0, -2.0)
    with pytest.raises(ValueError):
        platform_from_text("nonsense")


def test_master_sentences_carry_numbers():
    check = check_master(sine_at_lufs(-18, 5), SR)
    for sentence in check.sentences():
        assert any(unit in sentence for unit in ("LUFS", "dBTP", "dB", "LU"))
        assert any(ch.isdigit() for ch in sentence)


def music_like(seconds: float, seed: int) -> np.ndarray:
    """Drum-like bursts over a bass and noise: peaky, so the limiter has work to do."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SR)
    t = np.arange(n) / SR
    out = 0.2 * np.sin(2 * np.pi * 55 * t)[:, None] * np.ones((1, 2))
    out += 0.02 * rng.standard_normal((n, 2))
    for start in np.arange(0, seconds, 0.5):
        i = int(start * SR)
        length = min(4000, n - i)
        out[i:i + length] += (0.8 * np.exp(-np.arange(length) / 600) * rng.standard_normal(length))[:, None]
    return (out / np.abs(out).max() * 0.5).astype(np.float32)


@pytest.mark.parametrize("gain_db", [-22.0, -6.0, 10.0])
def test_solved_chain_meets_target_measured_independently(gain_db):
    """The simulated output, measured with pyloudnorm, is within 0.5 LU of the target and under the ceiling."""
    import pyloudnorm
    from scipy.signal import resample_poly

    mix = music_like(8, 1) * np.float32(10 ** (gain_db / 20))
    plan = solve_chain(mix, SR, target_lufs=-14.0, ceiling_dbtp=-1.0, allow_note=False)
    out = simulate_chain(mix, SR, plan.settings)
    assert pyloudnorm.Meter(SR).integrated_loudness(out.astype(np.float64)) == pytest.approx(-14.0, abs=0.5)
    assert 20 * np.log10(np.abs(resample_poly(out, 16, 1, axis=0)).max()) <= -1.0 + 0.05
    if plan.settings.limiter_ceiling_dbfs is not None:
        assert plan.settings.limiter_threshold_db == pytest.approx(plan.settings.limiter_ceiling_dbfs - plan.settings.drive_db)
    assert str(round(plan.predicted_lufs, 1)) in plan.note


def test_do_no_harm_gives_a_note_only():
    """-14.6 LUFS peaking at -14.6 dBTP: a note; 2.5 LU off, or 0.6 LU off but peaking over the ceiling: a chain."""
    plan = solve_chain(sine_at_lufs(-14.6, 6), SR, target_lufs=-14.0, ceiling_dbtp=-1.0)
    assert plan.is_note_only and plan.largest_change_db() == 0.0
    assert "no master chain needed" in plan.note
    assert not solve_chain(sine_at_lufs(-16.5, 6), SR, target_lufs=-14.0, ceiling_dbtp=-1.0).is_note_only
    hot = sine_at_lufs(-14.6, 6)
    hot[::4800] = 0.99  # clicks over the ceiling barely change the loudness
    assert not solve_chain(hot, SR, target_lufs=-14.0, ceiling_dbtp=-1.0).is_note_only


def test_limiter_never_passes_its_ceiling():
    mix = music_like(3, 3)
    out = apply_limiter(mix, SR, 12.0, -3.0)
    assert np.abs(out).max() <= 10 ** (-3.0 / 20) + 1e-6
    assert np.abs(out).max() > 10 ** (-3.5 / 20)  # it is driven into the ceiling, not silenced


def test_eq_shelves_move_the_bands():
    """A +3 dB high shelf at 8 kHz raises a 16 kHz tone by about 3 dB and leaves 100 Hz alone."""
    from reaper_ext.reference.chain import apply_eq

    t = np.arange(SR) / SR
    for freq_hz, expected_db in ((16000, 3.0), (100, 0.0)):
        tone = np.sin(2 * np.pi * freq_hz * t).astype(np.float32)[:, None]
        out = apply_eq(tone, SR, 0.0, 3.0)
        ratio_db = 20 * np.log10(np.std(out[SR // 2:]) / np.std(tone[SR // 2:]))
        assert ratio_db == pytest.approx(expected_db, abs=0.3)


def test_chain_as_stock_plugin_specs():
    """The solved chain as bypassed FxSpec dicts: ReaComp glue and ReaLimit (threshold = ceiling - drive)."""
    from reaper_ext.fx.spec import FxSpec

    mix = music_like(8, 4) * np.float32(10 ** (-22 / 20))
    plan = solve_chain(mix, SR, target_lufs=-14.0, ceiling_dbtp=-1.0, allow_note=False, high_shelf_db=2.0)
    specs = [FxSpec.from_dict(data) for data in plan.to_dict()["fx"]]
    assert [spec.plugin for spec in specs] == ["ReaEQ", "ReaComp", "ReaLimit"]
    assert all(spec.bypassed for spec in specs)
    assert specs[0].bands[1].kind == "high_shelf" and specs[0].bands[1].gain_db == 2.0
    assert 1.5 <= specs[1].params["ratio"] <= 2.0
    limiter = specs[2].params
    assert limiter["ceiling_db"] == pytest.approx(plan.settings.limiter_ceiling_dbfs, abs=0.05)
    assert limiter["threshold_db"] == pytest.approx(limiter["ceiling_db"] - plan.settings.drive_db, abs=0.1)
    note_only = solve_chain(sine_at_lufs(-14.2, 4), SR)
    assert note_only.is_note_only and note_only.to_dict()["fx"] == []


@pytest.fixture(scope="module")
def chain_suggestion():
    mix = music_like(8, 4) * np.float32(10 ** (-22 / 20))
    plan = solve_chain(mix, SR, target_lufs=-14.0, ceiling_dbtp=-1.0, allow_note=False, high_shelf_db=2.0)
    return plan, plan.suggestion()


def test_master_chain_suggestion_quotes_the_prediction(chain_suggestion):
    from reaper_ext.fx.spec import FxSpec

    plan, suggestion = chain_suggestion
    assert suggestion.kind == "master_chain" and suggestion.target == "master"
    assert [FxSpec.from_dict(fx).plugin for fx in suggestion.params["fx"]] == ["ReaEQ", "ReaComp"]
    assert [fx["plugin"] for fx in suggestion.params["by_hand"]] == ["ReaLimit"]  # no verified saved state
    assert f"{plan.predicted_lufs:.1f} LUFS" in suggestion.why and "ReaLimit" in suggestion.why
    assert solve_chain(sine_at_lufs(-14.2, 4), SR).suggestion() is None  # do no harm: a note, no suggestion


def _corpus(name):
    from tests.conftest import corpus_files

    return next(path for path in corpus_files() if path.name == name)


@pytest.mark.parametrize(("name", "n_before"), [("ZoeB__midi-tools__test.RPP", 0),  # an empty <MASTERFXLIST
                                               ("Ultraschall__ultraschall-portable__StudioLink.RPP", 1),  # a bypassed JS limiter
                                               ("trainer17__filtros2__test.rpp", 1),  # a VST3 analyser
                                               ("Perlence__rpp__vst.RPP", None)])  # no <MASTERFXLIST at all
def test_master_chain_goes_into_masterfxlist_bypassed(chain_suggestion, name, n_before):
    from reaper_ext.session.rpp import parse_rpp
    from reaper_ext.session.rpp.writer import RppSessionWriter
    from reaper_ext.suggest.ledger.core import TAG, Selection, accept, apply_suggestions, read_ledger, reject

    _, suggestion = chain_suggestion
    path = _corpus(name)
    original = path.read_bytes()
    doc = parse_rpp(original, path=path)
    had_chain = doc.root.find("MASTERFXLIST") is not None
    assert had_chain == (n_before is not None)
    result = apply_suggestions(RppSessionWriter(doc), [suggestion])
    assert result.done == [suggestion.id], result.messages
    written = parse_rpp(doc.to_bytes(), path=path)  # parses again
    chain = written.root.find("MASTERFXLIST")
    assert chain is not None and not any(track.find("FXCHAIN") is not None and TAG in "".join(written.chunk_lines(track))
                                         for track in written.root.find_all("TRACK"))
    text = "".join(written.chunk_lines(chain))
    assert text.count(TAG) == 2 and "ReaEQ" in text and "ReaComp" in text
    assert text.count("\n    BYPASS ") == (n_before or 0) + 2  # the user's FX stay
    writer = RppSessionWriter(written)
    changes = read_ledger(writer)[0][0].changes
    assert [writer.fx_state("master", c["fx_guid"])[0] for c in changes] == [False, False]  # switched off
    assert reject(writer, Selection(is_all=True)).done == [suggestion.id]
    assert written.to_bytes() == original  # reject-all: the exact bytes, an added <MASTERFXLIST gone again
    doc = parse_rpp(original, path=path)
    apply_suggestions(RppSessionWriter(doc), [suggestion])
    writer = RppSessionWriter(doc)
    changes = read_ledger(writer)[0][0].changes
    assert not accept(writer, Selection(is_all=True)).messages
    states = [writer.fx_state("master", c["fx_guid"]) for c in changes]
    assert all(is_enabled and not custom.startswith(TAG) for is_enabled, custom in states)
    tracks_before = [track for track in parse_rpp(original).root.find_all("TRACK")]
    assert len(doc.root.find_all("TRACK")) == len(tracks_before)
    if not had_chain:  # a new chain goes where REAPER writes it: before the tracks
        tracks = doc.root.find_all("TRACK")
        assert not tracks or doc.root.find("MASTERFXLIST").start < tracks[0].start


def test_master_chain_live_goes_on_getmastertrack(chain_suggestion, fake_module):
    from reaper_ext.session.live import LiveSession
    from reaper_ext.suggest.ledger.core import Selection, accept, apply_suggestions, reject
    from tests.reaper.fake.project import load_rpp

    _, suggestion = chain_suggestion
    fake = fake_module.install(fake_module.FakeReaper(load_rpp(_corpus("Ultraschall__ultraschall-portable__StudioLink.RPP"))))
    master = fake.project.master
    before = [fx.display_name for fx in master.fx]
    assert before == ["JS: loser/MGA_JSLimiter"]  # the project's own master FX, loaded by the fake
    session = LiveSession()
    assert apply_suggestions(session, [suggestion]).done == [suggestion.id]
    added = master.fx[len(before):]
    # inside REAPER ReaLimit goes in too (found by name, set by its display), after the written two
    assert [fx.plugin for fx in added] == ["ReaEQ", "ReaComp", "ReaLimit"] and not any(fx.is_enabled for fx in added)
    assert all(not any(fx in track.fx for fx in added) for track in fake.project.tracks)
    assert reject(session, Selection(is_all=True)).done == [suggestion.id]
    assert [fx.display_name for fx in master.fx] == before
    apply_suggestions(session, [suggestion])
    accept(session, Selection(is_all=True))
    assert all(fx.is_enabled for fx in master.fx[len(before):])


def test_master_command_records_the_chain_in_the_project_and_reject_gives_the_bytes_back(tmp_path, capsys):
    import soundfile

    from reaper_ext.cli.main import main
    from reaper_ext.session.rpp import load_document
    from reaper_ext.session.rpp.writer import RppSessionWriter
    from reaper_ext.suggest.ledger.core import read_ledger

    mix = music_like(6, 5) * np.float32(10 ** (-20 / 20))  # quiet: the chain has to lift it
    soundfile.write(tmp_path / "mix.wav", mix, SR)
    guid = "{00000000-0000-0000-0000-000000000001}"
    path = tmp_path / "song.RPP"
    path.write_text('<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1700000000\n  TEMPO 120 4 4\n  MASTER_VOLUME 1 0 -1 -1 1\n'
                    f'  <TRACK {guid}\n    NAME "Mix"\n    VOLPAN 1 0 -1 -1 1\n    MUTESOLO 0 0 0\n    ISBUS 0 0\n'
                    f"    TRACKID {guid}\n    <ITEM\n      POSITION 0\n      LENGTH 6\n"
                    "      IGUID {10000000-0000-0000-0000-000000000001}\n      NAME mix.wav\n      VOLPAN 1 0 1 -1\n"
                    '      <SOURCE WAVE\n        FILE "mix.wav"\n      >\n    >\n  >\n>\n')
    original = path.read_bytes()
    copy = tmp_path / "copy.RPP"
    assert main(["master", str(path), "--write", str(copy)]) == 0
    assert path.read_bytes() == original  # --write leaves the project alone
    assert main(["master", str(path), "--in-place"]) == 0
    assert "master chain recorded" in capsys.readouterr().out
    for written in (path, copy):
        doc = load_document(written)
        (entry,), _ = read_ledger(RppSessionWriter(doc))
        assert entry.suggestion.kind == "master_chain" and entry.changes
        chain = doc.root.find("MASTERFXLIST")
        assert chain is not None and chain.start < doc.root.find("TRACK").start
        assert all(RppSessionWriter(doc).fx_state("master", c["fx_guid"])[0] is False for c in entry.changes)
    assert main(["master", str(path), "--in-place"]) == 0  # again: replaced, not stacked
    (entry,), _ = read_ledger(RppSessionWriter(load_document(path)))
    assert main(["reject", str(path), "--all"]) == 0
    assert path.read_bytes() == original
    assert main(["master", str(tmp_path / "mix.wav"), "--in-place"]) == 1  # a plain file has no master track

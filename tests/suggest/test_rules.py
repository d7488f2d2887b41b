"""The rules on a session of real rendered instruments (see conftest.py) and on the example session."""

from __future__ import annotations

import copy
import re
from dataclasses import replace

import numpy as np
import pytest
import soundfile
from scipy.signal import lfilter

from reaper_ext.analysis.biquad import rbj_biquad
from reaper_ext.analysis.measure import measure_track
from reaper_ext.fx import FxSpec
from reaper_ext.settings import Settings
from reaper_ext.suggest.engine import suggest
from reaper_ext.suggest.model import KINDS
from reaper_ext.suggest.rules import suggest_eq, suggest_highpass
from reaper_ext.suggest.rules.dynamics import suggest_dynamics
from reaper_ext.suggest.rules.eq import find_resonances
from reaper_ext.suggest.rules.gain import PEAK_CEILING_DBFS, active_rms_dbfs
from reaper_ext.suggest.rules.naming import is_generic_name

from .conftest import QUIET_PEAK_DBFS, RUMBLE_HZ, SILENT_ITEM_GUID

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def session_suggestions(rendered_session):
    return suggest(rendered_session.project, rendered_session.analysis, Settings())


def _of(suggestions, kind, guid=None):
    return [s for s in suggestions if s.kind == kind and (guid is None or s.target == guid)]


def test_every_suggestion_is_well_formed(session_suggestions):
    assert session_suggestions
    ids = [s.id for s in session_suggestions]
    assert len(ids) == len(set(ids))
    for s in session_suggestions:
        assert s.kind in KINDS
        assert 0.0 <= s.confidence <= 1.0
        assert s.why and re.search(r"\d", s.why), s
        if "fx" in s.params:
            spec = FxSpec.from_dict(s.params["fx"])
            assert spec.bypassed and spec.custom_name.startswith("reaper-ext: ")


def test_ids_are_stable_across_runs(rendered_session, session_suggestions):
    again = suggest(rendered_session.project, rendered_session.analysis, Settings())
    assert [s.id for s in again] == [s.id for s in session_suggestions]


def test_too_quiet_track_is_raised_to_the_working_level(rendered_session, session_suggestions):
    # the default stages the average level (-18 dBFS RMS) under the -6 dBFS peak ceiling, before the FX
    (gain,) = _of(session_suggestions, "gain", rendered_session.guid(7))
    measured = rendered_session.analysis.track(rendered_session.guid(7)).measurements
    assert measured.sample_peak_dbfs == pytest.approx(QUIET_PEAK_DBFS, abs=0.5)
    settings = Settings()
    expected_db = min(settings.working_level_dbfs - active_rms_dbfs(measured), PEAK_CEILING_DBFS - measured.sample_peak_dbfs)
    assert gain.params["gain_db"] == pytest.approx(expected_db, abs=0.1)
    assert gain.params["stage"] == "pre_fx" and gain.params["reference"] == "rms"
    assert "RMS" in gain.why and "before its FX" in gain.why and f"{abs(gain.params['gain_db']):.0f} dB" in gain.why


def test_peak_reference_still_stages_the_peak(rendered_session):
    settings = Settings()
    settings.gain_reference = "peak"
    (gain,) = _of(suggest(rendered_session.project, rendered_session.analysis, settings), "gain", rendered_session.guid(7))
    assert abs(gain.params["gain_db"] - (settings.working_level_dbfs - QUIET_PEAK_DBFS)) <= 1.0
    assert "-40 dBFS" in gain.why and "22 dB" in gain.why and gain.params["stage"] == "pre_fx"


def test_gain_accounts_for_the_track_volume_only_by_peak(rendered_session):
    project = rendered_session.project
    tracks = tuple(replace(t, volume_gain=10 ** (10 / 20)) if t.guid == rendered_session.guid(7) else t for t in project.tracks)
    changed = replace(project, tracks=tracks)
    peak = Settings()
    peak.gain_reference = "peak"
    (gain,) = _of(suggest(changed, rendered_session.analysis, peak), "gain", rendered_session.guid(7))
    assert abs(gain.params["gain_db"] - (peak.working_level_dbfs - QUIET_PEAK_DBFS - 10)) <= 1.0
    # staging by the average level happens before the FX: the fader after them does not count
    (staged,) = _of(suggest(changed, rendered_session.analysis, Settings()), "gain", rendered_session.guid(7))
    (unchanged,) = _of(suggest(project, rendered_session.analysis, Settings()), "gain", rendered_session.guid(7))
    assert staged.params["gain_db"] == unchanged.params["gain_db"]


def test_rumble_gets_a_highpass_between_rumble_and_content(rendered_session, session_suggestions):
    result = rendered_session.analysis.track(rendered_session.guid(3))
    assert result.label.coarse_class == "vocals", result.label
    (hpf,) = _of(session_suggestions, "highpass", rendered_session.guid(3))
    freq_hz = hpf.params["freq_hz"]
    assert RUMBLE_HZ * 1.2 < freq_hz < hpf.params["lowest_content_hz"]
    assert freq_hz <= 120
    band = FxSpec.from_dict(hpf.params["fx"]).bands[0]
    assert band.kind == "highpass" and band.freq_hz == freq_hz
    assert f"{freq_hz:.0f} Hz" in hpf.why and "%" in hpf.why


def test_no_highpass_on_tracks_whose_content_goes_low(rendered_session, session_suggestions):
    for number in (1, 2):  # kick, bass: clean
        assert not _of(session_suggestions, "highpass", rendered_session.guid(number))


def test_clean_tracks_get_no_corrective_eq(rendered_session, session_suggestions):
    # bass, voice (its rumble is the high-pass's), guitar, piano, strings, synth lead, organ (its hum is the notch's)
    for number in (2, 3, 4, 5, 6, 7, 8):
        assert not _of(session_suggestions, "eq", rendered_session.guid(number)), number


def test_a_resonance_gets_a_cut_near_it(rendered_session):
    """The guitar's measured spectrum with a +15 dB resonance at 500-630 Hz gets a cut there."""
    analysis = copy.deepcopy(rendered_session.analysis)
    result = analysis.track(rendered_session.guid(4))
    levels = result.measurements.ltas_level_db
    centres = result.measurements.ltas_centres_hz
    result.measurements = replace(
        result.measurements, ltas_level_db=tuple(v + 15 if 500 <= c <= 630 else v for c, v in zip(centres, levels, strict=True)))
    (eq,) = _of(suggest_eq(rendered_session.project, analysis, Settings()), "eq", rendered_session.guid(4))
    bands = FxSpec.from_dict(eq.params["fx"]).bands
    assert len(bands) <= 4
    near = [band for band in bands if 400 <= band.freq_hz <= 800]
    assert near and near[0].gain_db <= -2.0 and all(abs(band.gain_db) <= 6 for band in bands)
    assert "resonance" in eq.why.lower() and "500-630 Hz" in eq.why


def _with_measurements(rendered_session, number, measurements):
    analysis = copy.deepcopy(rendered_session.analysis)
    analysis.track(rendered_session.guid(number)).measurements = measurements
    return analysis


def test_a_resonance_planted_in_the_audio_gets_a_narrow_cut(rendered_session, session_suggestions):
    """The strings through a +15 dB, Q 4 peak at 400 Hz (a ringing body): a narrow cut there, nothing else."""
    assert rendered_session.analysis.track(rendered_session.guid(6)).label.confidence >= 0.5  # EQ trusts the class
    audio, rate_hz = soundfile.read(str(rendered_session.folder / "audio06.wav"), dtype="float32", always_2d=True)
    b, a = rbj_biquad("band", 400.0, rate_hz, gain_db=15.0, q=4.0)
    ringing = measure_track(lfilter(b, a, audio, axis=0).astype(np.float32), rate_hz)
    analysis = _with_measurements(rendered_session, 6, ringing)
    (eq,) = _of(suggest_eq(rendered_session.project, analysis, Settings()), "eq", rendered_session.guid(6))
    (band,) = FxSpec.from_dict(eq.params["fx"]).bands
    assert 355 <= band.freq_hz <= 450 and -6.0 <= band.gain_db <= -3.0 and band.q >= 4.0
    assert "400 Hz" in eq.why and "own spectrum" in eq.why
    assert not _of(session_suggestions, "eq", rendered_session.guid(6))  # the same strings, clean: nothing


def test_find_resonances_tells_a_peak_from_a_part_over_silence():
    centres = np.array([20, 25, 31.5, 40, 50, 63, 80, 100, 125, 160, 200, 250, 315, 400, 500, 630, 800, 1000, 1250,
                        1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500, 16000, 20000], dtype=float)
    sloped = -20.0 - 3.0 * np.log2(centres / 1000.0)  # a smooth, gently falling spectrum
    peaked = sloped + np.where(centres == 800, 14.0, 0.0)
    (found,) = find_resonances(centres, peaked)
    assert found.freq_hz == pytest.approx(800, rel=0.01) and found.n_bands == 1
    # over the higher side's median: the band 2/3 octave below (500 Hz), 2 dB up the slope
    assert found.prominence_db == pytest.approx(14.0 - 3.0 * np.log2(800 / 500), abs=0.1)
    assert not find_resonances(centres, sloped)
    # a part playing one octave over nothing (a pad's notes, a woodwind's range) is no peak
    plateau = np.where((centres >= 250) & (centres <= 500), 0.0, -45.0)
    assert not find_resonances(centres, plateau)
    # below 100 Hz (a bass's notes, rumble) and on a hum line: not looked at
    assert not find_resonances(centres, sloped + np.where(centres == 63, 15.0, 0.0))
    assert not find_resonances(centres, peaked, excluded=centres == 800)


def test_only_a_very_large_imbalance_gets_a_broad_correction(rendered_session):
    """The guitar made harsh by a shelf over 2 kHz: +20 dB gets a broad cut up there, +10 dB (character) nothing."""
    result = rendered_session.analysis.track(rendered_session.guid(4))
    assert result.label.coarse_class == "guitar" and result.label.confidence >= 0.5
    centres = np.asarray(result.measurements.ltas_centres_hz)
    levels = np.asarray(result.measurements.ltas_level_db)
    shelf = 1.0 / (1.0 + np.exp(-3.0 * np.log2(centres / 2000.0)))  # 0 well below 2 kHz, 1 well above
    made = {}
    for gain_db in (10.0, 20.0):
        harsh = replace(result.measurements, ltas_level_db=tuple(levels + gain_db * shelf))
        analysis = _with_measurements(rendered_session, 4, harsh)
        made[gain_db] = _of(suggest_eq(rendered_session.project, analysis, Settings()), "eq", rendered_session.guid(4))
    assert not made[10.0]
    (eq,) = made[20.0]
    bands = FxSpec.from_dict(eq.params["fx"]).bands
    assert bands and all(band.freq_hz >= 2000 and band.gain_db <= -2.0 and band.q <= 1.0 for band in bands)
    assert "typical guitar spectrum" in eq.why and "tolerance 18 dB" in eq.why and "resonance" not in eq.why.lower()


def test_clean_bass_and_voice_get_no_compressor(rendered_session, session_suggestions):
    for number in (2, 3, 4, 5, 6):  # bass, voice, guitar, piano, strings as rendered
        assert not _of(session_suggestions, "compressor", rendered_session.guid(number)), number


def test_only_a_bass_far_more_dynamic_than_a_di_gets_a_compressor(rendered_session):
    """Unprocessed music reads 18-20 dB peak to RMS: a bass at 20 dB is left alone, at 23 dB it is compressed 4:1."""
    measured = rendered_session.analysis.track(rendered_session.guid(2)).measurements
    crest_db = measured.sample_peak_dbfs - active_rms_dbfs(measured)
    made = {}
    for wanted_db in (20.0, 23.0):  # the same bass with peaks standing further out
        spiky = replace(measured, sample_peak_dbfs=measured.sample_peak_dbfs + wanted_db - crest_db)
        analysis = _with_measurements(rendered_session, 2, spiky)
        settings = Settings()
        settings.rules["gain"] = False  # thresholds for the level as it is
        made[wanted_db] = _of(suggest_dynamics(rendered_session.project, analysis, settings), "compressor",
                              rendered_session.guid(2))
    assert not made[20.0]
    (comp,) = made[23.0]
    assert comp.params["ratio"] == 4.0 and comp.params["crest_factor_db"] == pytest.approx(23.0, abs=0.05)
    assert comp.params["threshold_db"] == pytest.approx(measured.loudness_lufs + 6.0, abs=0.1)
    assert "23 dB" in comp.why


def test_kick_and_bass_get_complementary_cuts(rendered_session, session_suggestions):
    kick, bass = rendered_session.guid(1), rendered_session.guid(2)
    (bass_cut,) = [s for s in _of(session_suggestions, "unmask", bass) if s.params["other_track_guid"] == kick]
    (kick_cut,) = [s for s in _of(session_suggestions, "unmask", kick) if s.params["other_track_guid"] == bass]
    assert 50 <= bass_cut.params["freq_hz"] <= 110 and -4 <= bass_cut.params["gain_db"] <= -1.5
    assert kick_cut.params["gain_db"] < 0
    # complementary: each is cut where the other leads, at least 2/3 octave apart
    assert kick_cut.params["freq_hz"] / bass_cut.params["freq_hz"] >= 2 ** (2 / 3) - 0.01
    assert f"{bass_cut.params['freq_hz']:.0f} Hz" in bass_cut.why


def test_hum_gets_notches_at_mains_and_harmonics(rendered_session, session_suggestions):
    (notch,) = _of(session_suggestions, "notch", rendered_session.guid(8))
    assert notch.params["base_hz"] == 60.0
    assert 60.0 in notch.params["freq_hz"] and len(notch.params["freq_hz"]) >= 2
    assert all(band.kind == "notch" for band in FxSpec.from_dict(notch.params["fx"]).bands)
    assert "60 Hz" in notch.why
    assert not _of(session_suggestions, "notch", rendered_session.guid(4))


def test_generic_tracks_are_named_and_coloured(rendered_session, session_suggestions):
    names = _of(session_suggestions, "name")
    assert len(names) >= 6
    assert all(s.params["name"] != s.track_name for s in names)
    assert len({s.params["name"] for s in names}) == len(names)
    # issue 11: a doubtful label colours nothing and says what it heard instead (label_doubt)
    coloured = {s.target for s in _of(session_suggestions, "color")}
    doubtful = {s.target for s in _of(session_suggestions, "label_doubt")}
    assert not coloured & doubtful and len(coloured | doubtful) == len(rendered_session.project.tracks)
    assert all("?" in s.why and "%" in s.why for s in _of(session_suggestions, "label_doubt"))


def test_a_label_sure_only_of_its_group_names_the_track_by_the_group(rendered_session):
    """Kick or tom, 55/40: "Drums", coloured as drums, the why naming both; kick or bass, 55/40: only a doubt."""
    from reaper_ext.labels.doubt import group_rename_confidence, rename_confidence
    from reaper_ext.labels.model import Label
    from reaper_ext.suggest.rules.naming import suggest_naming

    guid = rendered_session.guid(1)
    analysis = copy.deepcopy(rendered_session.analysis)
    split = {"kick": 0.55, "toms": 0.40, "bass": 0.05}
    assert split["kick"] < rename_confidence() and group_rename_confidence() <= split["kick"] + split["toms"]
    analysis.track(guid).label = Label("kick", "drums", split["kick"], "audio", tuple(split.items()))
    made = [s for s in suggest_naming(rendered_session.project, analysis, Settings()) if s.target == guid]
    (name,) = [s for s in made if s.kind == "name"]
    assert re.fullmatch(r"Drums( \d+)?", name.params["name"]) and name.params["named_by_group"] == "drums"
    assert "kick or toms" in name.why and "95%" in name.why
    assert [s.kind for s in made if s.kind == "color"] == ["color"] and not [s for s in made if s.kind == "label_doubt"]
    # the same doubt across groups renames nothing
    analysis.track(guid).label = Label("kick", "drums", 0.55, "audio", (("kick", 0.55), ("bass", 0.40), ("toms", 0.05)))
    made = [s for s in suggest_naming(rendered_session.project, analysis, Settings()) if s.target == guid]
    assert [s.kind for s in made] == ["label_doubt"]
    # sure of the group with one member in sight: the why names no class from another group
    lead = {"synth_lead": 0.90, "woodwind": 0.08, "brass": 0.02}
    assert lead["synth_lead"] < rename_confidence() and group_rename_confidence() <= lead["synth_lead"]
    analysis.track(guid).label = Label("synth_lead", "synth", 0.90, "audio", tuple(lead.items()))
    (name,) = [s for s in suggest_naming(rendered_session.project, analysis, Settings()) if s.target == guid and s.kind == "name"]
    assert re.fullmatch(r"Synth( \d+)?", name.params["name"]) and "most likely synth lead" in name.why and "woodwind" not in name.why


def test_silent_item_is_muted(rendered_session, session_suggestions):
    (mute,) = _of(session_suggestions, "mute_item", rendered_session.guid(9))
    assert mute.params == {"item_guid": SILENT_ITEM_GUID, "is_muted": True}
    assert "5.00 s" in mute.why and not _of(session_suggestions, "mute_track")
    assert len(_of(session_suggestions, "mute_item")) == 1


def test_inverted_twin_gets_a_polarity_flip(rendered_session, session_suggestions):
    (flip,) = _of(session_suggestions, "polarity", rendered_session.guid(10))
    assert flip.params["is_inverted"] is True and '"Audio 02"' in flip.why
    assert not _of(session_suggestions, "polarity", rendered_session.guid(1))


def test_meaningful_names_are_kept():
    for name in ("", "Audio 01", "Track 3", "audio01.wav", "REC_0012", "Untitled"):
        assert is_generic_name(name), name
    for name in ("Kick In", "Lead Vox", "Gtr L", "Bass DI", "Piano"):
        assert not is_generic_name(name), name


def test_disabled_rules_do_not_run(rendered_session):
    settings = Settings()
    settings.rules["gain"] = False
    made = suggest(rendered_session.project, rendered_session.analysis, settings)
    assert not _of(made, "gain") and _of(made, "highpass")


def test_tracks_with_errors_are_skipped(rendered_session):
    analysis = copy.deepcopy(rendered_session.analysis)
    analysis.track(rendered_session.guid(7)).error = "media missing"
    made = suggest(rendered_session.project, analysis, Settings())
    assert not [s for s in made if s.target == rendered_session.guid(7)]


def test_highpass_threshold_setting_moves_the_corner(rendered_session):
    settings = Settings()
    settings.highpass_hz["vocals"] = 70.0
    (hpf,) = _of(suggest_highpass(rendered_session.project, rendered_session.analysis, settings), "highpass",
                 rendered_session.guid(3))
    assert hpf.params["freq_hz"] == 70.0


# -- the example session (truth in examples/README.md) -------------------------------------------------

def test_example_session(example_session):
    project, analysis = example_session
    made = suggest(project, analysis, Settings())
    by_name = {t.name: t.guid for t in project.tracks}
    (gain,) = _of(made, "gain", by_name["Audio 08"])  # synth lead peaking at -40 dBFS: raised to the -6 dBFS ceiling
    assert gain.params["peak_dbfs"] == pytest.approx(-40.0, abs=0.5)
    assert gain.params["gain_db"] == pytest.approx(PEAK_CEILING_DBFS - gain.params["peak_dbfs"], abs=0.1)
    (notch,) = _of(made, "notch", by_name["Audio 07"])  # vocal with 50 Hz hum
    assert notch.params["base_hz"] == 50.0 and 50.0 in notch.params["freq_hz"]
    (hpf,) = _of(made, "highpass", by_name["Audio 07"])  # rumble at 22 + 31 Hz
    assert 40 <= hpf.params["freq_hz"] <= 120
    clip_markers = [s for s in _of(made, "marker", by_name["Audio 02"]) if s.params["problem_kind"] == "clipping"]
    assert len(clip_markers) == 4
    assert all(26.5 <= s.params["position_sec"] <= 29.6 and "samples at 0 dBFS" in s.params["name"] for s in clip_markers)
    assert not _of(made, "tempo")  # measured ~128 BPM = the project's 128
    assert [s.params["key"] for s in _of(made, "key")] == ["C major"]
    folders = _of(made, "folder")
    drums = [f for f in folders if f.params["coarse_class"] == "drums"]
    assert drums and set(drums[0].params["member_guids"]) >= {by_name["Audio 01"], by_name["Audio 02"]}

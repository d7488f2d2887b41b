"""The offline project render, the compare/master/study commands and the comparison page.

Projects are written here as REAPER saves them (FACTS.md: ``VOLPAN vol pan``,
``MUTESOLO``, ``ISBUS 1 1`` opens a folder and ``ISBUS 2 -1`` closes it).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile

from reaper_ext.cli.main import main
from reaper_ext.reference.render import pan_gains, render_project
from reaper_ext.session.rpp import load_project

SR = 44100


def _track(n: int, name: str, file_name: str, *, volume: float = 1.0, pan: float = 0.0, muted: bool = False,
           bus: str = "0 0") -> str:
    guid = f"{{00000000-0000-0000-0000-{n:012d}}}"
    return (f"  <TRACK {guid}\n    NAME \"{name}\"\n    VOLPAN {volume} {pan} -1 -1 1\n    MUTESOLO {int(muted)} 0 0\n"
            f"    ISBUS {bus}\n    TRACKID {guid}\n    <ITEM\n      POSITION 0\n      LENGTH 2\n"
            f"      IGUID {{10000000-0000-0000-0000-{n:012d}}}\n      NAME {file_name}\n      VOLPAN 1 0 1 -1\n"
            f"      <SOURCE WAVE\n        FILE \"{file_name}\"\n      >\n    >\n  >\n")


@pytest.fixture
def session(tmp_path):
    t = np.arange(2 * SR) / SR
    for name, freq_hz in (("a.wav", 220.0), ("b.wav", 330.0), ("c.wav", 440.0), ("d.wav", 550.0)):
        soundfile.write(tmp_path / name, (0.25 * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32), SR)
    tracks = [
        _track(1, "Lead Vocal", "a.wav", volume=0.5),
        _track(2, "Bass", "b.wav", pan=-1.0),
        _track(3, "Muted keys", "c.wav", muted=True),
        _track(4, "Drums bus", "c.wav", volume=0.5, bus="1 1"),
        _track(5, "Kick", "d.wav", volume=1.0, bus="2 -1"),
    ]
    path = tmp_path / "session.RPP"
    path.write_text('<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1700000000\n  TEMPO 120 4 4\n' + "".join(tracks) + ">\n")
    return path


def _amplitude_at(signal: np.ndarray, freq_hz: float) -> float:
    """Amplitude of one sine component (a whole number of cycles in 2 s)."""
    t = np.arange(signal.size) / SR
    return 2 * abs(np.mean(signal * np.exp(-2j * np.pi * freq_hz * t)))


def test_pan_gains_balance():
    assert pan_gains(0.0) == (1.0, 1.0)
    assert pan_gains(-1.0) == (1.0, 0.0)
    assert pan_gains(0.5) == (0.5, 1.0)


def test_render_applies_faders_pans_mutes_and_folders(session):
    _, project = load_project(session)
    rendered = render_project(project, sample_rate_hz=SR)
    left, right = rendered.samples[:, 0], rendered.samples[:, 1]
    assert _amplitude_at(left, 220) == pytest.approx(0.125, abs=0.002)  # fader 0.5
    assert _amplitude_at(left, 330) == pytest.approx(0.25, abs=0.002)  # panned hard left
    assert _amplitude_at(right, 330) == pytest.approx(0.0, abs=0.002)
    # 440 Hz: the muted track is out; the folder parent plays it at 0.5
    assert _amplitude_at(left, 440) == pytest.approx(0.125, abs=0.002)
    assert _amplitude_at(left, 550) == pytest.approx(0.125, abs=0.002)  # the child takes the parent's fader
    assert "FX on 0 tracks" in rendered.notes[0] and "4 tracks" in rendered.notes[0]


def test_compare_and_master_commands(session, tmp_path, capsys):
    t = np.arange(3 * SR) / SR
    reference = np.stack([0.3 * np.sin(2 * np.pi * 330 * t), 0.3 * np.sin(2 * np.pi * 331 * t)], axis=1)
    soundfile.write(tmp_path / "ref.wav", reference.astype(np.float32), SR)
    out_json = tmp_path / "out.json"
    page = tmp_path / "page.html"
    code = main(["compare", str(session), "--reference", str(tmp_path / "ref.wav"), "--no-sections",
                 "--json", str(out_json), "--report", str(page), "--platform", "Broadcast:-23:-1"])
    assert code == 0
    data = json.loads(out_json.read_text())
    assert [row["platform"] for row in data["master"]["platforms"]] == ["Spotify", "Apple Music", "YouTube", "Broadcast"]
    assert data["notes"][0].startswith("The mix was summed offline from 4 tracks")
    text = page.read_text()
    assert "<svg" in text and "<script" not in text and "Broadcast" in text
    assert "compared in" in capsys.readouterr().out
    assert main(["master", str(session), "--json", str(tmp_path / "m.json")]) == 0
    master = json.loads((tmp_path / "m.json").read_text())
    assert master["chain"]["target_lufs"] == -14.0 and "sentences" in master


def test_compare_refuses_mismatched_weights(session, tmp_path):
    soundfile.write(tmp_path / "ref.wav", np.zeros((SR, 2), np.float32), SR)
    assert main(["compare", str(session), "--reference", str(tmp_path / "ref.wav"), "--weight", "1", "--weight", "2"]) == 1


def test_study_project_has_regions_tempo_and_key(tmp_path):
    from reaper_ext.reference.study import study_rpp_text

    text = study_rpp_text("reference.wav", 30.0, [("vocals", "stem-vocals.wav")],
                          [("verse 1", 0.0, 10.0), ("chorus 1", 10.0, 30.0)], 123.5, "A minor")
    path = tmp_path / "study.RPP"
    path.write_text(text)
    (tmp_path / "reference.wav").write_bytes(b"")
    _, project = load_project(path)
    assert project.tempo_bpm == pytest.approx(123.5)
    regions = [(m.name, m.position_sec, m.end_sec) for m in project.markers if m.end_sec is not None]
    assert regions == [("verse 1", 0.0, 10.0), ("chorus 1", 10.0, 30.0)]
    assert [m.name for m in project.markers if m.end_sec is None] == ["key: A minor"]
    names = [(t.name, t.is_muted) for t in project.tracks]
    assert names == [("Reference", False), ("Stem: vocals", True)]


def test_compare_job_takes_the_reference_track(session, tmp_path, monkeypatch):
    """The action's worker side: references are the items on the track named 'Reference'; the mix is the rest."""
    from reaper_ext.reference.job import reference_files, run_compare_job

    t = np.arange(2 * SR) / SR
    soundfile.write(tmp_path / "ref.wav", (0.3 * np.sin(2 * np.pi * 660 * t)).astype(np.float32), SR)
    text = session.read_text().rstrip().rstrip(">") + _track(9, " reference ", "ref.wav", muted=True) + ">\n"
    session.write_text(text)
    _, project = load_project(session)
    assert [p.name for p in reference_files(project)] == ["ref.wav"]
    monkeypatch.setenv("REAPER_EXT_JOBS_DIR", str(tmp_path / "jobs"))
    stages = []
    result = run_compare_job({"project": project.to_dict()}, lambda fraction, stage, eta_sec=None: stages.append(stage))
    assert result["suggestions"] == []  # nothing pending is replaced by a comparison
    page = result["report"]
    assert page.startswith(str(tmp_path / "jobs")) and "ref.wav" in open(page, encoding="utf-8").read()
    assert result["messages"][0].startswith("The mix was summed offline from 4 tracks")  # the Reference track is not in it
    assert stages[0] == "rendering the mix"


@pytest.mark.slow  # loads torch and the weight-free demucs_unittest model (tens of seconds on a busy machine)
def test_compare_with_separated_reference_stems(session, tmp_path, capsys):
    """--separate: the reference's stems come from separation (time reported apart), the mix's from its tracks."""
    t = np.arange(3 * SR) / SR
    reference = np.stack([0.3 * np.sin(2 * np.pi * 330 * t), 0.2 * np.sin(2 * np.pi * 110 * t)], axis=1)
    soundfile.write(tmp_path / "ref.wav", reference.astype(np.float32), SR)
    out_json = tmp_path / "out.json"
    assert main(["compare", str(session), "--reference", str(tmp_path / "ref.wav"), "--no-sections",
                 "--separate", "demucs_unittest", "--json", str(out_json)]) == 0
    data = json.loads(out_json.read_text())
    assert data["timing_sec"]["separation"] > 0
    output = capsys.readouterr().out
    assert "separation" in output and "Your vocals carry" in output


def test_study_command_builds_project_and_sheet(tmp_path, capsys):
    rng = np.random.default_rng(5)
    quiet = rng.standard_normal((6 * SR, 2)) * 0.02
    loud = rng.standard_normal((6 * SR, 2)) * 0.2
    soundfile.write(tmp_path / "song.wav", np.concatenate([quiet, loud, quiet, loud]).astype(np.float32), SR)
    assert main(["study", str(tmp_path / "song.wav"), "--out", str(tmp_path / "study")]) == 0
    _, project = load_project(tmp_path / "study" / "study.RPP")
    assert [t.name for t in project.tracks] == ["Reference"]
    assert project.tracks[0].items[0].media.is_found  # reference.wav written beside the project
    regions = [m for m in project.markers if m.end_sec is not None]
    assert regions and regions[0].position_sec == 0.0 and regions[-1].end_sec == pytest.approx(24.0, abs=0.1)
    sheet = (tmp_path / "study" / "study.html").read_text()
    assert sheet.count("<tr>") == len(regions) + 1 and "BPM" in sheet and "<polyline" in sheet

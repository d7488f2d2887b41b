"""Media whose file names are not UTF-8 (old projects, other systems' disks) is still heard."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest
import soundfile

from reaper_ext.pipeline.session import analyze_project
from reaper_ext.session.rpp import load_project

RATE_HZ = 44100


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Windows and macOS file names are always Unicode")
def test_a_latin1_file_name_is_read_and_analysed(tmp_path):
    raw_name = b"caf\xe9 take.wav"  # Latin-1 e-acute: not valid UTF-8
    t = np.arange(2 * RATE_HZ) / RATE_HZ
    tone = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)[:, None]
    soundfile.write(os.fsencode(tmp_path) + b"/" + raw_name, tone, RATE_HZ)
    project_bytes = (
        b'<REAPER_PROJECT 0.1 "7.07/linux-x86_64" 1700000000\n  TEMPO 120 4 4\n'
        b"  <TRACK {00000000-0000-0000-0000-000000000001}\n    NAME \"Audio 01\"\n"
        b"    <ITEM\n      POSITION 0\n      LENGTH 2\n      <SOURCE WAVE\n        FILE \"" + raw_name + b"\"\n      >\n    >\n  >\n>\n"
    )
    (tmp_path / "session.RPP").write_bytes(project_bytes)
    _, project = load_project(tmp_path / "session.RPP")
    item = project.tracks[0].items[0]
    assert item.media is not None and item.media.is_found
    track = analyze_project(project, cache=None).tracks[0]
    assert track.error is None, track.messages
    assert track.measurements is not None
    # a -10.5 dBFS sine (0.3 peak): the file's audio really was read
    assert track.measurements.sample_peak_dbfs == pytest.approx(-10.46, abs=0.05)

"""One track's analysis job: read, label, measure, find problems, and keep the copies the session needs.

Runs in a worker process when there are several tracks, so it returns plain data.
"""

from __future__ import annotations

import numpy as np

from reaper_ext.audio.mixdown import block_means, to_mono
from reaper_ext.errors import AnalysisError, MediaError
from reaper_ext.session.model import Track

__all__ = ["analyse_audio", "analyse_one", "session_copies", "shift_problem"]


def _label_track(samples: np.ndarray, sample_rate_hz: int, name: str) -> dict:
    from reaper_ext.labels import classify_track

    return classify_track(samples, sample_rate_hz, track_name=name).to_dict()

def shift_problem(problem: dict, offset_sec: float) -> dict:
    shifted = dict(problem)
    shifted["start_sec"] = round(problem["start_sec"] + offset_sec, 3)
    shifted["end_sec"] = round(problem["end_sec"] + offset_sec, 3)
    return shifted

def analyse_audio(samples: np.ndarray, sample_rate_hz: int, name: str, item_spans_sec) -> tuple[dict, dict, list[dict]]:
    from reaper_ext.analysis.measure import analyse_track

    label = _label_track(samples, sample_rate_hz, name)
    is_voice = label.get("coarse_class") == "vocals"
    measurements, problems = analyse_track(samples, sample_rate_hz, is_voice=is_voice, item_spans_sec=item_spans_sec)
    return label, measurements.to_dict(), [problem.to_dict() for problem in problems]

def analyse_one(track: Track, spill_dir: str | None = None) -> dict:
    """Everything one track needs: run in a worker process when there are several.

    Returns a plain dict (it crosses process boundaries): ``label``,
    ``measurements``, ``problems`` (project time), ``messages``, ``start_sec``,
    ``mono`` (the track mono at its own rate, for the song's mix), ``rate_hz``,
    ``polarity`` (its 1 ms block means), both None for long tracks; or ``error``.
    With ``spill_dir``, ``mono`` is the path of a ``.npy`` file there instead:
    a worker's pipe moves tens of megabytes far slower than a file write does.
    """
    from reaper_ext.audio import read_track_audio, track_duration_sec
    from reaper_ext.pipeline.windows import LONG_TRACK_SEC, analyse_long_track

    try:
        duration_sec = track_duration_sec(track)
        if duration_sec > LONG_TRACK_SEC:
            label, measurements, problems, messages, start_sec = analyse_long_track(track, duration_sec)
            return {"label": label, "measurements": measurements, "messages": messages, "start_sec": start_sec,
                    "problems": [shift_problem(problem, start_sec) for problem in problems], "mono": None,
                    "rate_hz": None, "polarity": None}
        audio = read_track_audio(track)
        label, measurements, problems = analyse_audio(audio.samples, audio.sample_rate_hz, track.name, audio.item_spans_sec)
        copies = session_copies(audio.samples, audio.sample_rate_hz)
        if spill_dir is not None:
            import os
            import uuid

            path = os.path.join(spill_dir, f"{uuid.uuid4().hex}.npy")
            np.save(path, copies["mono"])
            copies["mono"] = path
        return {
            "label": label, "measurements": measurements, "messages": list(audio.messages),
            "problems": [shift_problem(problem, audio.start_sec) for problem in problems],
            "start_sec": audio.start_sec, **copies,
        }
    except (MediaError, AnalysisError) as error:
        return {"error": str(error)}

def session_copies(samples: np.ndarray, sample_rate_hz: int) -> dict:
    """What the cross-track analyses need of a track: its mono (for the mix) and its polarity copy."""
    mono = to_mono(samples)
    return {"mono": mono, "rate_hz": int(sample_rate_hz), "polarity": block_means(mono, int(sample_rate_hz))}

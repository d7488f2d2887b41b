"""The project's mix, rendered offline by the product: faders, pans, mutes, item gains; no FX.

What it does (and does not), so the comparison can say so:

* each track plays what :func:`reaper_ext.audio.track_audio.read_track_audio`
  builds (items placed, item and take volume, polarity of a negative take volume);
* the track's fader (``VOLPAN`` volume), its phase button and its mute apply; a
  track inside a folder also takes its folder parents' faders and mutes;
* pan is a balance: a pan of ``p`` (-1 left .. +1 right) keeps the near side at
  unity and scales the far side by ``1 - |p|`` (REAPER's "stereo balance" mode with
  a 0 dB pan law; other pan modes and laws are not modelled);
* solo, sends, receives, automation, folder pans and **all FX** are ignored;
  :attr:`RenderedMix.notes` says how many tracks had FX.

Tracks are read one at a time and added into one stereo buffer, so memory is the
mix plus one track.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reaper_ext.audio.track_audio import read_track_audio
from reaper_ext.errors import MediaError
from reaper_ext.session.model import Project, Track

__all__ = ["RenderedMix", "render_project", "pan_gains"]


@dataclass
class RenderedMix:
    """The rendered mix and what went into it.

    Attributes
    ----------
    samples : np.ndarray, shape (n_samples, 2)
        The mix from project time 0.
    sample_rate_hz : int
    track_audio : dict of str to np.ndarray
        Each audible track's contribution (post-fader, post-pan), by GUID.
    track_names : dict of str to str
        GUID to name.
    notes : list of str
        Sentences about what was ignored or could not be read.
    """

    samples: np.ndarray
    sample_rate_hz: int
    track_audio: dict[str, np.ndarray] = field(default_factory=dict)
    track_names: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def pan_gains(pan: float) -> tuple[float, float]:
    """Left and right gains of a balance pan (-1 left .. +1 right), 0 dB law."""
    pan = float(np.clip(pan, -1.0, 1.0))
    return min(1.0, 1.0 - pan), min(1.0, 1.0 + pan)


def _audible_tracks(project: Project) -> list[tuple[Track, float]]:
    """Each track with its gain through its folder parents; muted (or under a muted parent) left out."""
    result = []
    stack: list[tuple[float, bool]] = []  # open folders: (gain, muted) accumulated
    for track in project.tracks:
        parent_gain, parent_muted = stack[-1] if stack else (1.0, False)
        gain = parent_gain * track.volume_gain * (-1.0 if track.is_phase_inverted else 1.0)
        muted = parent_muted or track.is_muted
        if not muted and track.items:
            result.append((track, gain))
        if track.folder_depth > 0:
            stack.append((gain, muted))
        elif track.folder_depth < 0:
            del stack[len(stack) + track.folder_depth:]
    return result


def render_project(project: Project, *, sample_rate_hz: int = 44100, keep_tracks: bool = True) -> RenderedMix:
    """Sum the project's audible tracks into a stereo mix at ``sample_rate_hz``.

    Raises
    ------
    MediaError
        No track could be read.
    """
    mix = np.zeros((0, 2), dtype=np.float32)
    placed_tracks: dict[str, tuple[int, np.ndarray]] = {}
    names: dict[str, str] = {}
    notes: list[str] = []
    n_with_fx = 0
    for track, gain in _audible_tracks(project):
        if any(fx.is_enabled for fx in track.fx):
            n_with_fx += 1
        try:
            audio = read_track_audio(track, sample_rate_hz=sample_rate_hz)
        except MediaError as error:
            notes.append(f"Track {track.name!r} was left out of the mix: {error}.")
            continue
        samples = audio.samples if audio.samples.shape[1] == 2 else np.repeat(audio.samples, 2, axis=1)
        left, right = pan_gains(track.pan)
        placed = samples * np.array([[gain * left, gain * right]], dtype=np.float32)
        start = int(round(audio.start_sec * sample_rate_hz))
        stop = start + placed.shape[0]
        if stop > mix.shape[0]:
            mix = np.pad(mix, ((0, stop - mix.shape[0]), (0, 0)))
        mix[start:stop] += placed
        if keep_tracks:
            placed_tracks[track.guid] = (start, placed)
        names[track.guid] = track.name
    if not names:
        raise MediaError("no track of the project could be read: there is no mix to compare")
    # each track's contribution over the whole mix, so stems line up with it
    contributions: dict[str, np.ndarray] = {}
    for guid, (start, placed) in placed_tracks.items():
        buffer = np.zeros_like(mix)
        buffer[start:start + placed.shape[0]] = placed
        contributions[guid] = buffer
    notes.insert(0, f"The mix was summed offline from {len(names)} tracks (faders, pans, mutes, item gains); "
                    f"FX on {n_with_fx} tracks were not rendered.")
    return RenderedMix(mix, sample_rate_hz, contributions, names, notes)

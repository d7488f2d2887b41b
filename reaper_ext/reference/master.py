"""Check the master: loudness, peaks, dynamics, and what each streaming platform will do to it.

The platform card applies each platform's loudness normalisation to the measured
integrated loudness (ITU-R BS.1770-4, which all of them use or approximate):

* a mix louder than the platform's target is turned down by the difference;
* a quieter mix is turned up only where the platform does so, and only as far as
  its peak limit allows (Spotify: "positive gain ... limited so the true peak
  stays below -1 dBTP" for its default setting; Apple Music's Sound Check
  behaves the same way); YouTube never turns up;
* "would clip after encoding": the true peak after normalisation is above the
  platform's ceiling. Spotify's guidance is to keep true peak under -1 dBTP
  because lossy encoders (Ogg Vorbis, AAC) add overshoot; the ceiling is that
  margin, not a model of a particular encoder.

Targets (settings may replace them): Spotify -14 LUFS / -1 dBTP, Apple Music
-16 LUFS / -1 dBTP, YouTube -14 LUFS / -1 dBTP, and a custom entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reaper_ext.reference.dynamics import Dynamics, measure_dynamics

__all__ = ["Platform", "PLATFORMS", "PlatformVerdict", "MasterCheck", "check_master", "platform_card", "platform_from_text",
           "write_master_chain"]


@dataclass(frozen=True)
class Platform:
    """A platform's loudness normalisation.

    Attributes
    ----------
    name : str
        Shown on the card.
    target_lufs : float
        Integrated loudness it normalises to.
    ceiling_dbtp : float
        True-peak level it asks masters to stay under.
    turns_up : bool
        Whether it raises quieter masters (peak-limited) or only turns loud ones down.
    """

    name: str
    target_lufs: float
    ceiling_dbtp: float = -1.0
    turns_up: bool = True


#: The default card (the issue's figures; the settings may add a custom one).
PLATFORMS: tuple[Platform, ...] = (
    Platform("Spotify", -14.0, -1.0, True),
    Platform("Apple Music", -16.0, -1.0, True),
    Platform("YouTube", -14.0, -1.0, False),
)


def platform_from_text(text: str) -> Platform:
    """A custom platform from ``"NAME:LUFS[:DBTP]"`` (e.g. ``"Broadcast:-23:-1"``).

    Raises
    ------
    ValueError
        The text is not in that form.
    """
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise ValueError(f"a platform is NAME:LUFS[:DBTP], got {text!r}")
    ceiling = float(parts[2]) if len(parts) == 3 else -1.0
    return Platform(parts[0] or "custom", float(parts[1]), ceiling, True)


@dataclass(frozen=True)
class PlatformVerdict:
    """What one platform does to the master.

    Attributes
    ----------
    platform : Platform
    gain_db : float
        The normalisation gain it applies (negative: turned down).
    peak_after_dbtp : float
        True peak after that gain.
    would_clip : bool
        ``peak_after_dbtp`` above the platform's ceiling.
    """

    platform: Platform
    gain_db: float
    peak_after_dbtp: float
    would_clip: bool

    def sentence(self, integrated_lufs: float) -> str:
        """One sentence with the numbers."""
        name = self.platform.name
        target = f"{self.platform.target_lufs:.1f} LUFS"
        if self.gain_db < -0.05:
            move = f"{name} turns the mix down by {-self.gain_db:.1f} dB ({integrated_lufs:.1f} LUFS to {target})"
        elif self.gain_db > 0.05:
            move = f"{name} turns the mix up by {self.gain_db:.1f} dB toward {target}"
        else:
            move = f"{name} leaves the level as it is (0.0 dB, target {target})"
        clip = (f"; its true peak would reach {self.peak_after_dbtp:.1f} dBTP, above the {self.platform.ceiling_dbtp:.1f} dBTP "
                "the platform asks for, so encoding may clip it") if self.would_clip else (
            f"; true peak after that {self.peak_after_dbtp:.1f} dBTP (ceiling {self.platform.ceiling_dbtp:.1f} dBTP)")
        return move + clip + "."

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"platform": self.platform.name, "target_lufs": self.platform.target_lufs,
                "ceiling_dbtp": self.platform.ceiling_dbtp, "gain_db": round(self.gain_db, 2),
                "peak_after_dbtp": round(self.peak_after_dbtp, 2), "would_clip": self.would_clip}


def platform_card(dynamics: Dynamics, platforms: Sequence[Platform] = PLATFORMS) -> list[PlatformVerdict]:
    """Each platform's normalisation gain and the true peak after it."""
    verdicts = []
    for platform in platforms:
        gain_db = platform.target_lufs - dynamics.integrated_lufs
        if gain_db > 0:
            # turned up only where the platform does, and only up to its peak limit
            headroom_db = max(0.0, platform.ceiling_dbtp - dynamics.true_peak_dbtp)
            gain_db = min(gain_db, headroom_db) if platform.turns_up else 0.0
        peak_after = dynamics.true_peak_dbtp + gain_db
        verdicts.append(PlatformVerdict(platform, float(gain_db), float(peak_after),
                                        bool(peak_after > platform.ceiling_dbtp + 1e-9)))
    return verdicts


@dataclass(frozen=True)
class MasterCheck:
    """The master's measurements and the platform card."""

    dynamics: Dynamics
    card: list[PlatformVerdict]

    def sentences(self) -> list[str]:
        """The check in words, every sentence with its numbers and units."""
        d = self.dynamics
        lines = [
            f"Integrated loudness {d.integrated_lufs:.1f} LUFS, short-term maximum {d.short_term_max_lufs:.1f} LUFS, "
            f"loudness range {d.lra_lu:.1f} LU.",
            f"True peak {d.true_peak_dbtp:.1f} dBTP (sample peak {d.sample_peak_dbfs:.1f} dBFS), "
            f"peak-to-loudness ratio {d.plr_db:.1f} dB, peak-to-short-term ratio {d.psr_db:.1f} dB.",
        ]
        lines += [verdict.sentence(d.integrated_lufs) for verdict in self.card]
        return lines

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"dynamics": self.dynamics.to_dict(), "platforms": [v.to_dict() for v in self.card],
                "sentences": self.sentences()}


def check_master(samples: np.ndarray, sample_rate_hz: float, *, platforms: Sequence[Platform] = PLATFORMS) -> MasterCheck:
    """Measure a master and fill in the platform card.

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples, n_channels)
        The mix, full scale 1.0.
    sample_rate_hz : float
        Sample rate.
    platforms : sequence of Platform
        The card's rows.

    Raises
    ------
    AnalysisError
        Silent or invalid audio.
    """
    dynamics = measure_dynamics(samples, sample_rate_hz)
    return MasterCheck(dynamics, platform_card(dynamics, platforms))


def write_master_chain(project_path: str | Path, plan, *, out: str | Path | None = None) -> tuple[list[str], Path | None]:
    """Record a solved master chain in a project's ledger: its plug-ins on the master track, bypassed.

    The plan's ``master_chain`` suggestion (:meth:`reaper_ext.reference.chain.ChainPlan.suggestion`)
    is written like every other suggestion (``reaper_ext.suggest.ledger.core``): the plug-ins
    arrive bypassed in the project's ``<MASTERFXLIST``; ``reaper-ext accept`` enables them,
    ``reject`` removes them. A pending master chain from an earlier run is replaced (also by
    nothing, when the mix now needs no chain); every other suggestion stays. The project is
    saved (atomically, with a backup) to ``out``, or in place, only when something changed.

    Returns
    -------
    tuple
        ``(messages, backup path or None)``; the messages say what was written.
    """
    from reaper_ext.session.rpp import load_document, read_project, save_document
    from reaper_ext.session.rpp.project_file import rebase_media_paths
    from reaper_ext.session.rpp.writer import RppSessionWriter
    from reaper_ext.suggest.ledger.core import apply_suggestions

    project_path = Path(project_path)
    target = Path(out) if out else project_path
    doc = load_document(project_path)
    before = doc.to_bytes()
    suggestion = plan.suggestion()
    result = apply_suggestions(RppSessionWriter(doc), [suggestion] if suggestion is not None else [],
                               replace_where=lambda old: old.kind == "master_chain")
    messages = list(result.messages)
    if suggestion is not None and suggestion.id in result.done:
        names = ", ".join(fx["plugin"] for fx in suggestion.params["fx"]) or "no plug-in (see the why)"
        messages.insert(0, f"master chain recorded in {target}: {names} on the master track, bypassed "
                           f"(accept: reaper-ext accept {target} --kind master_chain)")
    if doc.to_bytes() == before and target == project_path:
        return messages or ["nothing to write: no master chain suggested"], None
    if target != project_path:
        folder = read_project(doc).folder
        if folder is not None:
            rebase_media_paths(doc, folder, target.parent if str(target.parent) else Path("."))
    return messages, save_document(doc, target, keep_backup=True)

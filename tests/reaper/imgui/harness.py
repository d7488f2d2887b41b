"""Driving the suggestion inbox on the fake REAPER with the ReaImGui double (tests and the benchmark)."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.reaper.imgui.double import ImGuiDouble

REPO = Path(__file__).resolve().parents[3]
INBOX_ACTION = REPO / "actions" / "reaper-ext - Suggestion inbox.py"


def run_action_file(path: Path) -> None:
    """Run an action file as REAPER does (in ``__main__``, beside ``RPR_defer``)."""
    import __main__

    code = compile(path.read_text(encoding="utf-8"), str(path), "exec")
    namespace = __main__.__dict__
    previous = namespace.get("__file__")
    namespace["__file__"] = str(path)
    try:
        exec(code, namespace)  # noqa: S102
    finally:
        namespace["__file__"] = previous


def install_double(double: ImGuiDouble) -> None:
    """Make the double what ``import imgui`` finds (ReaImGui's module inside REAPER)."""
    sys.modules["imgui"] = double.module


def remove_double() -> None:
    import reaper_ext.reaper.inbox as inbox

    sys.modules.pop("imgui", None)
    inbox._inbox = None


def frames(fake, double: ImGuiDouble, n: int = 1) -> None:
    """``n`` REAPER defer cycles, each one ImGui frame."""
    for _ in range(n):
        fake.run_defer_cycle()
        double.end_frame()


def open_inbox(fake, double: ImGuiDouble):
    """Run the inbox action and its first frame; returns the inbox."""
    import reaper_ext.reaper.inbox as inbox

    install_double(double)
    run_action_file(INBOX_ACTION)
    assert fake.deferred, "".join(fake.console)
    frames(fake, double)
    opened = inbox.current_inbox()
    assert opened is not None, "".join(fake.console)
    return opened


class DeterministicGuids:
    """``uuid.uuid4`` counting from 1 (reset per load), so two loads of equal files invent equal GUIDs.

    The fake gives a take without a GUID in the file a new random one on every
    load; reset before each load, the same structure gets the same GUIDs.
    """

    def __init__(self) -> None:
        self.n = 0

    def reset(self) -> None:
        self.n = 0

    def __call__(self):
        import uuid

        self.n += 1
        return uuid.UUID(int=self.n)


def pending_suggestions(project, n_total: int) -> list:
    """``n_total`` suggestions that wait in the ledger (gain, polarity, mute), spread over the tracks."""
    from reaper_ext.suggest.model import Suggestion

    tracks = project.tracks
    out = []
    for n in range(n_total):
        track = tracks[n % len(tracks)]
        kind = ("gain", "polarity", "mute_track")[n % 3]
        params = {"gain": {"gain_db": -0.5 - (n % 12) * 0.5, "target_dbfs": -18.0}, "polarity": {"is_inverted": True},
                  "mute_track": {"is_muted": True}}[kind]
        confidence = 0.3 + 0.7 * ((n * 37) % 100) / 100.0
        why = (f"suggestion {n}: the track measures {-12.0 - n % 9:.1f} dBFS RMS against a -18 dBFS target "
               f"(crest factor {8 + n % 7} dB), so {kind} #{n}")
        out.append(Suggestion(f"{kind}-{n:05d}", kind, track.guid, track.name, params, why, round(confidence, 3)))
    return out


def write_ledger(fake, suggestions) -> None:
    """Put pending suggestions in the fake project's ledger as the ledger writes them (no changes recorded)."""
    from reaper_ext.session.writer import LEDGER_SECTION
    from reaper_ext.suggest.ledger import LedgerEntry

    section = fake.project.ext_state.setdefault(LEDGER_SECTION, {})
    for suggestion in suggestions:
        section["s_" + suggestion.id] = LedgerEntry(suggestion, []).encode()
    fake.state_change_count += 1


def save_like_reaper(fake, path: Path) -> bytes:
    """Save the fake's project, with each loaded plug-in's custom name as REAPER would write it.

    The fake keeps a loaded plug-in's own lines and rewrites only its BYPASS
    line; REAPER writes the current custom name (``renamed_name``) into the
    ``<VST``/``<JS`` line too (FACTS.md: 4th field after ``<VST``, 2nd after ``<JS``).

    A chain left without plug-ins is saved without its ``<FXCHAIN`` block: its
    only lines are window state (``SHOW``, ``LASTSEL``, ``DOCKED``), and
    whether a track ever had a chain is not what accept/reject decide (the
    ``.RPP`` backend removes a chain it created; live, REAPER keeps the
    empty one until it saves).
    """
    from reaper_ext.session.rpp.tokens import join_tokens, split_line

    for track in fake.project.tracks:
        if not track.fx:
            track.chain_header = None
        for fx in track.fx:
            if not fx.raw_lines:
                continue
            for n, line in enumerate(fx.raw_lines):
                tokens = split_line(line.strip())
                if tokens and tokens[0] in ("<VST", "<JS"):
                    position = 2 if tokens[0] == "<JS" else 4
                    if len(tokens) > position and tokens[position] != fx.renamed:
                        tokens[position] = fx.renamed
                        fx.raw_lines[n] = join_tokens(tokens)
                    break
    fake.save(path)
    return Path(path).read_bytes()

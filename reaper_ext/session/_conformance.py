"""Type-checker proof that both backends satisfy the session protocols (never run).

``mypy reaper_ext`` checks the body of :func:`_backends_satisfy_the_protocols`:
each assignment of a backend to a protocol-typed name fails to type-check as
soon as a backend's method is missing or its signature drifts from
:mod:`reaper_ext.session.protocols` (a parameter renamed, a return type
changed...). The function is never called; importing this module costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__: list[str] = []

if TYPE_CHECKING:
    from reaper_ext.session.live import LiveSession
    from reaper_ext.session.protocols import SessionReader, SessionWriter
    from reaper_ext.session.rpp.reader import RppSessionReader
    from reaper_ext.session.rpp.writer import RppSessionWriter


def _backends_satisfy_the_protocols(
    rpp_reader: RppSessionReader, rpp_writer: RppSessionWriter, live: LiveSession
) -> None:
    readers: list[SessionReader] = [rpp_reader, rpp_writer, live]
    writers: list[SessionWriter] = [rpp_writer, live]
    del readers, writers

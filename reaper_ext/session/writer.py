"""Where :class:`SessionWriter` used to live: kept so existing imports keep working.

The protocols are defined once, in :mod:`reaper_ext.session.protocols`.
"""

from __future__ import annotations

from reaper_ext.session.protocols import LEDGER_SECTION, TRACK_FIELDS, SessionReader, SessionWriter

__all__ = ["SessionReader", "SessionWriter", "TRACK_FIELDS", "LEDGER_SECTION"]

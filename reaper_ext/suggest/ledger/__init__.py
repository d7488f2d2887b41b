"""The ledger: what was suggested, what it replaced, and accept/reject (stored inside the project)."""

from reaper_ext.suggest.ledger.core import LedgerEntry, LedgerResult, MARKER_COLOR, Selection, TAG, accept, apply_suggestions, read_ledger, reject

__all__ = ["LedgerEntry", "LedgerResult", "MARKER_COLOR", "Selection", "TAG", "accept", "apply_suggestions", "read_ledger", "reject"]

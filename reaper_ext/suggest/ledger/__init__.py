"""The ledger: what was suggested, what it replaced, and accept/reject (stored inside the project)."""

from reaper_ext.suggest.ledger.core import (
    MARKER_COLOR,
    REPLACED_ONLY_BY_SAME_ID,
    TAG,
    LedgerEntry,
    LedgerResult,
    Selection,
    accept,
    apply_suggestions,
    disown_created_files,
    read_ledger,
    reject,
    reject_where,
    resolve_track,
)
from reaper_ext.suggest.ledger.files import FileRemoval, delete_created_files, record_file

__all__ = [
    "LedgerEntry",
    "LedgerResult",
    "MARKER_COLOR",
    "REPLACED_ONLY_BY_SAME_ID",
    "Selection",
    "TAG",
    "accept",
    "apply_suggestions",
    "read_ledger",
    "reject",
    "resolve_track",
    "reject_where",
    "disown_created_files",
    "FileRemoval",
    "delete_created_files",
    "record_file",
]

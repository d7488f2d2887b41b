"""The ``reaper-ext`` command line: a thin shell over the API (:func:`main`)."""

from reaper_ext.cli.main import get_parser, main, main_entry

__all__ = ["get_parser", "main", "main_entry"]

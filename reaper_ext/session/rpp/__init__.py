"""The offline backend: lossless reading and editing of ``.RPP`` project files."""

from reaper_ext.session.rpp.document import Chunk, RppDocument, parse_rpp
from reaper_ext.session.rpp.project_file import load_document, save_document, write_bytes_atomic
from reaper_ext.session.rpp.reader import read_project

__all__ = [
    "Chunk",
    "RppDocument",
    "parse_rpp",
    "load_document",
    "save_document",
    "write_bytes_atomic",
    "read_project",
    "load_project",
]


def load_project(path):
    """Read a ``.RPP`` file: returns ``(document, project)``."""
    doc = load_document(path)
    return doc, read_project(doc)

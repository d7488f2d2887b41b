"""Fixtures for the FX tests (helpers live in ``fx_corpus``)."""

from __future__ import annotations

from fx_corpus import corpus_dir

__all__ = ["corpus_dir"]

"""Suggestions: the data (:mod:`~reaper_ext.suggest.model`), the rules and the engine that runs them."""

from reaper_ext.suggest.model import KINDS, TARGET_PROJECT, Suggestion, make_suggestion_id

__all__ = ["KINDS", "TARGET_PROJECT", "Suggestion", "make_suggestion_id"]

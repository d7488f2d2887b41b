"""Run the enabled rules over an analysed session."""

from __future__ import annotations

from reaper_ext.pipeline.results import SessionAnalysis
from reaper_ext.session.model import Project
from reaper_ext.settings import RULE_NAMES, Settings
from reaper_ext.suggest.model import Suggestion
from reaper_ext.suggest.rules import RULES

__all__ = ["suggest"]


def suggest(project: Project, analysis: SessionAnalysis, settings: Settings | None = None) -> list[Suggestion]:
    """Every suggestion of the enabled rules, in a fixed order, each id once.

    Parameters
    ----------
    project : Project
        The snapshot that was analysed.
    analysis : SessionAnalysis
        Its analysis; tracks with an ``error`` (unreadable media) are skipped by every rule.
    settings : Settings, optional
        Default :class:`Settings()`.

    Returns
    -------
    list of Suggestion
        Rule by rule in :data:`reaper_ext.settings.RULE_NAMES` order; a later duplicate
        of an id is dropped (the first rule to suggest it wins). Every kind is a
        registered one: :class:`Suggestion` refuses any other when it is made.
    """
    settings = settings or Settings()
    seen: set[str] = set()
    result: list[Suggestion] = []
    for name in RULE_NAMES:
        if not settings.is_enabled(name):
            continue
        for suggestion in RULES[name](project, analysis, settings):
            if suggestion.id in seen:
                continue
            seen.add(suggestion.id)
            result.append(suggestion)
    return result

"""ReaLimit, REAPER's stock brickwall limiter: the settings reaper-ext suggests for a master chain.

FACTS.md: ReaLimit is a stock plug-in with a threshold and a ceiling; its
parameter order and value scaling are **not verified**, and there is no
evidence of a true-peak mode. So, like ReaGate's, its parameters are to be
found live by the words their names start with (:data:`REALIMIT_PARAM_WORDS`),
and no ``.RPP`` state is written for it (no verified layout). Until the live
path and the self-check cover it, a ReaLimit spec is data in the master-chain
plan (``reaper-ext compare`` / ``master`` JSON and page), not written into projects.
"""

from __future__ import annotations

from reaper_ext.errors import SuggestionError
from reaper_ext.fx.spec import FxSpec

__all__ = ["REALIMIT", "REALIMIT_PARAM_WORDS", "realimit_spec"]

REALIMIT = "ReaLimit"
#: Each setting and the word its parameter name is expected to start with (to be checked live).
REALIMIT_PARAM_WORDS = {"threshold_db": "threshold", "ceiling_db": "ceiling", "release_ms": "release"}


def realimit_spec(threshold_db: float, ceiling_db: float, *, release_ms: float = 60.0,
                  custom_name: str | None = None) -> FxSpec:
    """A bypassed ReaLimit with these settings.

    Raises
    ------
    SuggestionError
        A threshold above 0 dB or a ceiling above 0 dBFS (a limiter cannot do either).
    """
    if threshold_db > 0.0 or ceiling_db > 0.0:
        raise SuggestionError(f"ReaLimit threshold and ceiling must be <= 0 dB, got {threshold_db} and {ceiling_db}")
    return FxSpec(REALIMIT, params={"threshold_db": round(threshold_db, 1), "ceiling_db": round(ceiling_db, 1),
                                    "release_ms": release_ms}, custom_name=custom_name)

"""The one registry of suggestion kinds: each kind once, with its params, how it arrives and which jobs make it.

Everything that lists kinds derives from :data:`SUGGESTION_KINDS`: the ledger's
kind sets (``reaper_ext.suggest.ledger.core``), the job filters
(:data:`reaper_ext.jobs.protocol.KIND_FILTERS`), the validation of
:class:`reaper_ext.suggest.model.Suggestion`, the kinds table in
``docs/suggestions.md`` (:func:`markdown_table`, checked by a test) and the tests.

How a kind arrives in a session (its *form*), as the ledger writes it:

- ``label``: written at once (names, colours: labels only; the original is kept);
- ``fx``: a stock plug-in inserted bypassed, named ``reaper-ext: ...``;
- ``master``: stock plug-ins inserted bypassed on the *master track* (target ``"master"``), named ``reaper-ext: ...``;
- ``marker``: a marker or region in the suggestion colour, named ``reaper-ext: ...``;
- ``pending``: nothing audible changes until accepted; it waits in the ledger;
- ``stems``: stem tracks in a folder under the source track, muted;
- ``sparks``: a muted ``Sparks: ...`` track of inline MIDI items (chord, bass and groove ideas);
- ``envelope``: a take pitch envelope on an item's active take, bypassed (``ACT 0``);
- ``take``: a new take on an item, not active, playing a file the product rendered.

Pure standard library: the ledger and the job protocol import it inside REAPER.
"""

from __future__ import annotations

from dataclasses import dataclass

from reaper_ext.errors import SuggestionError

__all__ = [
    "FORMS",
    "FILTERED_JOBS",
    "SuggestionKind",
    "SUGGESTION_KINDS",
    "UnknownKindError",
    "kind_info",
    "kinds_of_form",
    "kinds_of_job",
    "check_kind",
    "markdown_table",
]

#: How a suggestion arrives in a session (see the module docstring), in the order the docs list them.
FORMS = ("label", "fx", "master", "marker", "pending", "stems", "sparks", "envelope", "take")

#: Job kinds (``reaper_ext.jobs.protocol.JOB_KINDS``) that make only some suggestion kinds;
#: ``analyze`` makes every kind and has no filter.
FILTERED_JOBS = (
    "label", "suggest_fx", "mark_problems", "mark_sections", "cleanup", "separate", "sparks", "compare",
    "tuning", "denoise",
)


class UnknownKindError(SuggestionError, ValueError):
    """A suggestion kind that is not in the registry.

    A ``ValueError`` too: the ledger reads a project's entries as untrusted data
    and reports an entry of an unknown kind as damaged instead of failing.
    """


@dataclass(frozen=True)
class SuggestionKind:
    """One kind of suggestion.

    Attributes
    ----------
    name : str
        The kind, as in ``Suggestion.kind`` (``"highpass"``).
    params : str
        What its ``params`` hold, units in the key names.
    form : str
        How it arrives in a session: one of :data:`FORMS`.
    jobs : tuple of str
        The filtered jobs (:data:`FILTERED_JOBS`) whose results include it.
    """

    name: str
    params: str
    form: str
    jobs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.form not in FORMS:
            raise ValueError(f"kind {self.name!r}: form {self.form!r} is not one of {', '.join(FORMS)}")
        unknown = set(self.jobs) - set(FILTERED_JOBS)
        if unknown:
            raise ValueError(f"kind {self.name!r}: unknown job(s) {', '.join(sorted(unknown))}")


_FX = ("suggest_fx",)

#: Every kind a rule (or the separation) may emit, in the order the docs list them.
SUGGESTION_KINDS: tuple[SuggestionKind, ...] = (
    SuggestionKind("name", "name (str), fine_class, coarse_class; named_by_group (str) when only the group is sure", "label", ("label", "cleanup")),
    SuggestionKind("color", "color (REAPER native int with 0x1000000), rgb ([r, g, b])", "label", ("label", "cleanup")),
    SuggestionKind("label_doubt", "heard (e.g. 'drums? (48%): kick or toms'), fine_class, confidence, alternatives: "
                   "a label too unsure to rename or colour (accepting changes nothing)", "pending", ("label", "cleanup")),
    SuggestionKind("highpass", "fx (FxSpec dict: ReaEQ with one highpass band), freq_hz", "fx", _FX),
    SuggestionKind("eq", "fx (FxSpec dict: ReaEQ, at most 4 bands), freq_hz (list), gain_db (list)", "fx", _FX),
    SuggestionKind("unmask", "fx (FxSpec dict: ReaEQ cut), other_track_guid, freq_hz, gain_db", "fx", _FX),
    SuggestionKind("gate", "fx (FxSpec dict), threshold_db, attack_ms, release_ms, ratio, floor_dbfs", "fx", _FX),
    SuggestionKind("deesser", "fx (FxSpec dict: ReaComp sidechain-filtered), freq_hz, threshold_db, n_bursts", "fx", _FX),
    SuggestionKind("compressor", "fx (FxSpec dict: ReaComp), threshold_db, ratio, attack_ms, release_ms", "fx", _FX),
    SuggestionKind("master_chain", "fx (list of FxSpec dicts in chain order: ReaEQ shelves, ReaComp glue), by_hand "
                   "(ReaLimit: described, not inserted), target_lufs, ceiling_dbtp, predicted_lufs, "
                   "predicted_true_peak_dbtp, trim_db: on the master track (target 'master')", "master", ("compare",)),
    SuggestionKind("notch", "fx (FxSpec dict: ReaEQ notches), freq_hz (list), base_hz", "fx", (*_FX, "denoise")),
    SuggestionKind("marker", "position_sec, end_sec (None for a marker), name, problem_kind", "marker", ("mark_problems", "tuning")),
    SuggestionKind("section", "position_sec, end_sec, name (A/B/C...)", "marker", ("mark_sections",)),
    SuggestionKind("key", "key (e.g. 'F# minor'): written as a project marker at 0", "marker", ("mark_sections",)),
    SuggestionKind("gain", "gain_db (float, change to the take volume of the track's audio items: before its FX), "
                   "target_dbfs, measured_dbfs, peak_dbfs, reference (rms or peak), stage ('pre_fx')", "pending",
                   ("cleanup",)),
    SuggestionKind("polarity", "is_inverted (bool): flip the track's phase button; partner", "pending"),
    SuggestionKind("mute_track", "is_muted (bool): the track is silent", "pending", ("cleanup",)),
    SuggestionKind("mute_item", "item_guid, is_muted (bool): a silent item", "pending", ("cleanup",)),
    SuggestionKind("folder", "folder_name, member_guids (list), coarse_class: put these tracks in a new folder track",
                   "pending", ("cleanup",)),
    SuggestionKind("order", "new_index (int): move the track here", "pending", ("cleanup",)),
    SuggestionKind("tempo", "tempo_bpm (suggestion only: never applied without accept)", "pending", ("mark_sections",)),
    SuggestionKind("stems", "model, stems (list of {stem, items}), created_files: the separated stems of a track's items",
                   "stems", ("separate",)),
    SuggestionKind("sparks", "idea (diatonic, modal, reharm, bass, drums), track_name, color, program, items (list of "
                   "{position_sec, length_sec, name, notes_text, color, midi: {length_ticks, notes}}): a muted track of "
                   "inline MIDI items", "sparks", ("sparks",)),
    SuggestionKind("tuning", "item_guid, points (list of [time_sec from the item start, semitones]), n_flagged, summary: "
                   "a take pitch envelope that moves only the off notes' centres", "envelope", ("tuning",)),
    SuggestionKind("denoise", "item_guid, file (the cleaned render), take_name, source_type, max_reduction_db, n_clicks, "
                   "created_files", "take", ("denoise",)),
)

_BY_NAME = {kind.name: kind for kind in SUGGESTION_KINDS}
if len(_BY_NAME) != len(SUGGESTION_KINDS):  # a kind listed twice is a bug in this file
    raise ValueError("a suggestion kind is listed twice in SUGGESTION_KINDS")


def kind_info(name: str) -> SuggestionKind:
    """Return the registry entry of kind ``name``.

    Raises
    ------
    UnknownKindError
        ``name`` is not a registered kind.
    """
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        raise UnknownKindError(
            f"unknown suggestion kind {name!r}: one of {', '.join(_BY_NAME)}"
        ) from None


def check_kind(name: str) -> str:
    """Return ``name`` if it is a registered kind, else raise :class:`UnknownKindError`."""
    return kind_info(name).name


def kinds_of_form(form: str) -> frozenset[str]:
    """Names of the kinds that arrive as ``form`` (one of :data:`FORMS`)."""
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}: one of {', '.join(FORMS)}")
    return frozenset(kind.name for kind in SUGGESTION_KINDS if kind.form == form)


def kinds_of_job(job: str) -> frozenset[str]:
    """Names of the kinds a filtered job (one of :data:`FILTERED_JOBS`) keeps."""
    if job not in FILTERED_JOBS:
        raise ValueError(f"job {job!r} has no kind filter: one of {', '.join(FILTERED_JOBS)}")
    return frozenset(kind.name for kind in SUGGESTION_KINDS if job in kind.jobs)


def markdown_table() -> str:
    """Write the kinds as a Markdown table (kind, how it arrives, params, jobs), as ``docs/suggestions.md`` shows it."""
    lines = ["| kind | arrives as | params | jobs (besides analyze) |", "|---|---|---|---|"]
    for kind in SUGGESTION_KINDS:
        jobs = ", ".join(f"`{job}`" for job in kind.jobs) or "–"
        lines.append(f"| `{kind.name}` | {kind.form} | {kind.params.replace('|', '/')} | {jobs} |")
    return "\n".join(lines) + "\n"

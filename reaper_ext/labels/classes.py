"""Instrument classes, their coarse groups, and labels read from track names."""

from __future__ import annotations

import re

__all__ = ["FINE_CLASSES", "COARSE_CLASSES", "COARSE_OF", "CLOSE_DRUM_CLASSES", "label_from_name"]

FINE_CLASSES: tuple[str, ...] = (
    "kick", "snare", "hihat", "toms", "overheads", "percussion", "bass", "guitar", "keys",
    "strings", "brass", "woodwind", "synth_lead", "synth_pad", "vocals", "fx", "other",
)
COARSE_OF: dict[str, str] = {
    **{name: "drums" for name in ("kick", "snare", "hihat", "toms", "overheads", "percussion")},
    "bass": "bass", "guitar": "guitar", "keys": "keys", "strings": "strings", "brass": "brass",
    "woodwind": "woodwind", "synth_lead": "synth", "synth_pad": "synth", "vocals": "vocals",
    "fx": "other", "other": "other",
}
COARSE_CLASSES: tuple[str, ...] = tuple(dict.fromkeys(COARSE_OF.values()))
#: Classes recorded by a close mic on one drum: what lies between its hits is the rest of the kit (bleed).
CLOSE_DRUM_CLASSES: tuple[str, ...] = ("kick", "snare", "hihat", "toms")

# Words engineers put in track names, as whole words (case-insensitive), per class.
# Order matters: the first pattern that matches wins ("Bass Drum" is a kick).
_NAME_PATTERNS: tuple[tuple[str, str], ...] = (
    ("kick", r"kick|kik|kck|bd|bass ?drum|k ?in|k ?out"),
    ("snare", r"snare|snr|sn|sd|rim"),
    ("hihat", r"hi ?-?hats?|hh|hat"),
    ("toms", r"toms?|floor ?tom|rack ?tom|ft|rt"),
    ("overheads", r"oh|overheads?|over|cymbals?|ride|crash|room|kit|drums?"),
    ("percussion", r"perc|percussion|shaker|tamb|tambourine|conga|bongo|clap|cowbell|cabasa|guiro"),
    ("vocals", r"vox|vocals?|voc|vocal|lead ?vox|bv|bvs|backing|choir|voice|harmony|ld ?vox"),
    ("bass", r"bass|bas|bss|sub|bass ?di|bass ?amp"),
    ("guitar", r"gtr|gtrs|guitars?|git|ac ?gtr|eg|ag"),
    ("keys", r"keys?|pno|piano|rhodes|wurli|organ|hammond|clav|ep|epiano|e ?piano"),
    ("strings", r"str|strings?|violins?|vln|viola|vla|cello|vc|celli|contrabass|orch|fiddle"),
    ("brass", r"brass|tpt|trumpets?|trombones?|tbn|horns?|tuba|flugel"),
    ("woodwind", r"sax|saxophone|flute|fl|clarinet|clar|oboe|bassoon|woodwinds?|ww|bagpipes?|recorder"),
    ("synth_pad", r"pad|pads"),
    ("synth_lead", r"synth|syn|lead ?synth|arp|pluck"),
    ("fx", r"fx|sfx|riser|sweep|impact|whoosh|noise"),
)
_COMPILED = tuple((fine, re.compile(rf"(?:^|[^a-z])(?:{pattern})(?:$|[^a-z])")) for fine, pattern in _NAME_PATTERNS)
_GENERIC = re.compile(r"^\s*(audio|track|trk|tr|untitled|new track|input|in|ch|channel|mono|stereo)?\s*[-_#]?\s*\d*\s*$")


def label_from_name(name: str | None) -> tuple[str, float] | None:
    """Read a fine class from a track name that clearly says what it is.

    Parameters
    ----------
    name : str or None
        The track name ("Kick In", "Gtr L", "Lead Vox", "OH", "Bass DI", "Pno").

    Returns
    -------
    (str, float) or None
        The fine class and a confidence in 0-1; ``None`` for generic names
        ("Audio 01", "Track 3") and names that say nothing known.
    """
    if not name or _GENERIC.match(name.lower()):
        return None
    # split camelCase and digits from letters so "KickIn2" reads as "kick in 2"
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    text = re.sub(r"(\d)", r" \1 ", text).lower().replace("_", " ").replace(".", " ")
    for fine_class, pattern in _COMPILED:
        if pattern.search(text):
            # short abbreviations (bd, sn, ep, fl ...) are less certain than full words
            is_word = any(len(word) >= 4 for word in re.findall(r"[a-z]+", text))
            return fine_class, 0.9 if is_word else 0.75
    return None

"""Real instrument audio for tests, training and the example session.

MIDI is rendered through fluidsynth with the General MIDI sample libraries
Debian ships (FluidR3_GM, TimGM6mb); a voice comes from espeak-ng.
``musescore-general-soundfont`` and ``hydrogen-drumkits`` are reserved for
independent evaluation and are never used here.
"""

from reaper_ext_testkit.datagen.render import (
    Note,
    find_soundfont,
    render_notes,
    speak,
    write_midi,
)

__all__ = ["Note", "find_soundfont", "render_notes", "speak", "write_midi"]

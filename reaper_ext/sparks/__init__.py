"""Sparks: chord, bass and groove ideas built from this song, written as muted MIDI items.

- :mod:`reaper_ext.sparks.harmony`: chords bar by bar (chroma templates + key-aware HMM);
- :mod:`reaper_ext.sparks.groove`: the drummer's swing, micro-timing and accents;
- :mod:`reaper_ext.sparks.melody`: the lead's strong-beat notes (a YIN pitch tracker);
- :mod:`reaper_ext.sparks.generate`: per section, the ideas (diatonic re-voicing, modal
  interchange, re-harmonisation, bass line, drum groove) as MIDI notes with their why;
- :mod:`reaper_ext.sparks.project`: a ``.RPP`` in, ``sparks`` suggestions out.

Nothing here is imported by REAPER-side code: it needs numpy.
"""

__all__: list[str] = []

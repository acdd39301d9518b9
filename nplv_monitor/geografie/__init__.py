"""Geography (group ``referentie``): the CBS regions per indeling year, the 20 focus areas as buurt
sets per year, their comparison areas, the 2022 wijk crosswalk and the population check.

Pure polars functions live in ``indeling``, ``register``, ``vergelijking`` and
``bevolkingscontrole``; ``assets`` writes the ref.* tables, ``commando`` adds
``nplv-monitor gebieden``. See docs/geografie.md.
"""

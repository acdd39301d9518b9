"""Gebiedsrealisatie: the areas' yearly return (uitvraag) and the national schemes' figures.

Modules: ``uitvraag`` (the declarative question definition), ``template`` (the fill-in workbook),
``intake`` (reading and checking returns), ``regelingen`` (published scheme figures and the
ministry's per-area exports), ``indicatoren`` (the gebiedsrealisatie indicators), ``assets`` and
``commando``. The focus-area codes and names come from ``geografie.gebieden``. See
docs/realisatie.md.
"""

"""Gebiedsrealisatie: the areas' yearly return (uitvraag) and the national schemes' figures.

Modules: ``gebieden`` (the 20 focus-area codes and names), ``uitvraag`` (the declarative question
definition), ``template`` (the fill-in workbook), ``intake`` (reading and checking returns),
``regelingen`` (published scheme figures and the ministry's per-area exports), ``indicatoren``
(the gebiedsrealisatie indicators), ``assets`` and ``commando``. See docs/realisatie.md.
"""

"""« Règles en vigueur »: the rules every app declares (rulebook) and the school calendar."""

from itertools import groupby

from django.shortcuts import render
from django.utils import timezone

from accounts.perms import SCOPED, access
from notifications import calendar
from rulebook import registry
from territories.models import Academie

SOURCES = {calendar.ACADEMIE: "", calendar.NATIONAL: "national", calendar.DEFAULT: "par défaut"}


def _calendar_rows(today):
    """The calendar dates in use, per académie, for the running and the coming school year."""
    current = today.year if today.month >= 9 else today.year - 1
    academies = list(Academie.objects.order_by("name").values_list("id", "name"))
    years = []
    with calendar.memo():
        for year in (current, current + 1):
            rows = []
            for academie_id, name in academies or [(None, "Toutes les académies")]:
                cells = [
                    calendar.rentree_with_source(academie_id, year),
                    calendar.end_of_classes_with_source(academie_id, year),
                    calendar.results_day_with_source(academie_id, year + 1),
                ]
                rows.append(
                    {"name": name, "cells": [(day, SOURCES[source]) for day, source in cells]}
                )
            years.append({"year": year, "rows": rows})
    return years


@access(SCOPED, nominative=False)
def rules_in_force(request):
    """« Règles en vigueur »: every rule with its current value, default, source and status."""
    rows = [
        {
            "rule": rule,
            "value": registry.display(rule, rule.value),
            "default": registry.display(rule, rule.default),
            "changed": rule.is_overridden,
        }
        for rule in registry.all_rules()
    ]
    sections = [
        {"title": title, "rows": list(items)}
        for title, items in groupby(rows, key=lambda r: r["rule"].section)
    ]
    return render(
        request,
        "rulebook/rules_in_force.html",
        {
            "sections": sections,
            "statuses": registry.Status,
            "count": len(rows),
            "calendar_years": _calendar_rows(timezone.localdate()),
            "can_edit_calendar": request.user.is_staff,
        },
    )

from itertools import groupby

from django.shortcuts import render

from accounts.perms import SCOPED, access

from . import registry


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
        {"sections": sections, "statuses": registry.Status, "count": len(rows)},
    )

"""French figures and labels in templates: {{ n|nombre }} → "16 019", {{ rate|pourcent }}
→ "1,3 %", {{ code|voie }} → "Voie générale", {{ code|niveau }} → "Première générale"."""

from django import template

from ..charts import format_count, format_rate, level_label, voie_label

register = template.Library()


@register.filter
def nombre(value):
    return format_count(value)


@register.filter
def pourcent(value):
    return format_rate(value)


@register.filter
def voie(value):
    return voie_label(value) if value else "—"


@register.filter
def niveau(value):
    return level_label(value) if value else "—"

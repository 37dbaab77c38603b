"""French wording about a pupil: elision and agreement with the pupil's recorded sex.

{{ student|de }} → "d'Assia MARTIN" / "de Léa DURAND"; {{ student|accord:"admise,admis" }}
→ the feminine or masculine form when the sex is known, "admis(e)" only when it is not.
"""

from django import template

register = template.Library()
VOWELS = set("aeiouyàâäéèêëîïôöùûüÿæœAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸÆŒ")


@register.filter
def de(value):
    """ "de" before a name, elided before a vowel ("d'Assia", "d'ADAM Chloé")."""
    text = str(value)
    return f"d\u2019{text}" if text[:1] in VOWELS else f"de {text}"


@register.filter
def accord(student, forms):
    """The word agreed with the pupil's sex: `forms` is "feminine,masculine"."""
    feminine, _, masculine = forms.partition(",")
    sex = getattr(student, "sex", "")
    if sex == "F":
        return feminine
    if sex == "M":
        return masculine
    if feminine.startswith(masculine):
        return f"{masculine}({feminine[len(masculine) :]})"
    return f"{masculine} / {feminine}"

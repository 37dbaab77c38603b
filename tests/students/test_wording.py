from types import SimpleNamespace

from django.template import Context, Template


def render(text, **context):
    return Template("{% load wording %}" + text).render(Context(context))


def test_agreement_follows_the_known_sex_and_elision_before_a_vowel():
    she, he, unknown = (SimpleNamespace(sex=s) for s in ("F", "M", ""))
    word = '{{ p|accord:"admise,admis" }}'
    assert render(word, p=she) == "admise"
    assert render(word, p=he) == "admis"
    assert render(word, p=unknown) == "admis(e)"
    assert render("représentants légaux {{ n|de }}", n="Assia") == "représentants légaux d’Assia"
    assert render("{{ n|de }}", n="Élodie") == "d’Élodie"
    assert render("{{ n|de }}", n="Léa") == "de Léa"

from django import forms
from dsfr.forms import DsfrBaseForm

from .enums import Dimension, TerritoryLevel


class IndicatorPageForm(DsfrBaseForm):
    famille = forms.ChoiceField(label="Indicateur")
    territoire = forms.ChoiceField(label="Regrouper par territoire")
    par = forms.ChoiceField(
        label="Détailler par",
        required=False,
        choices=[("", "Aucun détail"), *Dimension.choices],
    )
    annee = forms.IntegerField(label="Année scolaire (rentrée)", required=False, min_value=1990,
                               max_value=2100)  # fmt: skip

    def __init__(self, *args, families, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["famille"].choices = [(f.slug, f.label) for f in families]
        self.fields["territoire"].choices = [
            (v, label) for v, label in TerritoryLevel.choices if v in levels
        ]

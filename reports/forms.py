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
    annee = forms.TypedChoiceField(
        label="Année scolaire", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, families, levels, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [
            *[(y, f"{y}-{y + 1}") for y in years],
            ("", "Toutes les années (cumul)"),
        ]
        self.fields["famille"].choices = [(f.slug, f.label) for f in families]
        self.fields["territoire"].choices = [
            (v, label) for v, label in TerritoryLevel.choices if v in levels
        ]

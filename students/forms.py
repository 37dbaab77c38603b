from django import forms
from dsfr.forms import DsfrBaseForm

from territories.enums import Voie

from .enums import AgeBand, Level


class StudentFilterForm(DsfrBaseForm):
    q = forms.CharField(label="Nom, prénom ou INE", required=False)
    school = forms.ModelChoiceField(
        label="Établissement", queryset=None, required=False, empty_label="Tous"
    )
    level = forms.ChoiceField(
        label="Niveau", choices=[("", "Tous"), *Level.choices], required=False
    )
    voie = forms.ChoiceField(label="Voie", choices=[("", "Toutes"), *Voie.choices], required=False)
    age_band = forms.ChoiceField(
        label="Âge", choices=[("", "Tous"), *AgeBand.choices], required=False
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools

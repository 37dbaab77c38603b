from django import forms
from dsfr.forms import DsfrBaseForm


class SuspendForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif de la suspension",
        max_length=500,
        help_text="Par exemple : élève hospitalisé, famille injoignable jusqu'au 15/09.",
    )


class ResumeForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif de la reprise (facultatif)", max_length=500, required=False
    )

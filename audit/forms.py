from django import forms


class AccessLogFilterForm(forms.Form):
    """Filters of the traceability page; NUL characters and oversized values are refused."""

    objet = forms.CharField(label="Identifiant de la fiche", required=False, max_length=64)
    compte = forms.CharField(label="Identifiant du compte", required=False, max_length=150)

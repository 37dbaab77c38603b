from django import forms


class AccessLogFilterForm(forms.Form):
    """Filters of the traceability page; NUL characters and oversized values are refused."""

    objet = forms.CharField(
        label="Élève",
        help_text="Nom et prénom, INE ou identifiant de la fiche",
        required=False,
        max_length=100,
    )
    compte = forms.CharField(
        label="Agent",
        help_text="Nom, prénom ou identifiant du compte",
        required=False,
        max_length=150,
    )

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from dsfr.forms import DsfrBaseForm


class LoginForm(DsfrBaseForm, AuthenticationForm):
    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Identifiant"
        self.fields["password"].label = "Mot de passe"
        self._bound_fields_cache.clear()


class ExceptionalAccessForm(DsfrBaseForm):
    uai = forms.CharField(label="UAI de l'établissement", max_length=20)
    reason = forms.CharField(
        label="Justification",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Situation, élève concerné et raison de l'urgence. Cette justification est "
        "visible des administrateurs et conservée.",
    )
    hours = forms.IntegerField(
        label="Durée (heures)",
        min_value=1,
        max_value=72,
        initial=24,
        help_text="72 heures au plus ; l'accès peut être clos avant.",
    )

    def clean_uai(self):
        from territories.models import Etablissement
        from territories.validators import normalize_uai

        uai = normalize_uai(self.cleaned_data["uai"])
        school = Etablissement.objects.filter(uai=uai).first()
        if school is None:
            raise forms.ValidationError(
                "Aucun établissement ne porte l'UAI « %(uai)s ».", params={"uai": uai}
            )
        return school

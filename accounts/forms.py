from django import forms
from django.contrib.auth.forms import AuthenticationForm
from dsfr.forms import DsfrBaseForm

from .enums import AccessCategory


class LoginForm(DsfrBaseForm, AuthenticationForm):
    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
        "password_disabled": "La connexion par mot de passe est désactivée : utilisez le "
        "bouton « S'identifier avec ProConnect ».",
    }

    def get_invalid_login_error(self):
        from .services import password_login_allowed

        if not password_login_allowed(self.cleaned_data.get("username", "")):
            return forms.ValidationError(
                self.error_messages["password_disabled"], code="password_disabled"
            )
        return super().get_invalid_login_error()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Identifiant"
        self.fields["password"].label = "Mot de passe"
        self._bound_fields_cache.clear()


class ExceptionalAccessForm(DsfrBaseForm):
    uai = forms.CharField(label="UAI de l'établissement", max_length=20)
    category = forms.ChoiceField(label="Motif", choices=AccessCategory.choices)
    reason = forms.CharField(
        label="Justification",
        max_length=2000,
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

    def clean_reason(self):
        from .rules import check_justification

        return check_justification(self.cleaned_data["reason"])

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

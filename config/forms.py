"""Form pieces shared by every app for parameters a user or a script can forge."""

from functools import cached_property
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrDjangoTemplates

BIGINT = 2**63
UNREADABLE_FILE = (
    "Le fichier n'a pas pu être lu : enregistrez-le au format CSV (séparateur « ; », encodage "
    "UTF-8 ou Windows-1252, une ligne par enregistrement) puis déposez-le à nouveau. "
    "Rien n'a été importé."
)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Treats a key no database integer can hold as an unknown choice (SQLite would raise
    OverflowError on it in the `IN (...)` lookup)."""

    def _check_values(self, value):
        for key in value:
            text = str(key).strip()
            if text.lstrip("-").isdigit() and not -BIGINT <= int(text) < BIGINT:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text[:20] + "…"},
                )
        return super()._check_values(value)


class FormRenderer(DsfrDjangoTemplates):
    """django-dsfr's form templates, with the project's overrides first (the empty choice of
    a select reads « Sélectionner une option », never Django's "---------")."""

    @cached_property
    def engine(self):
        engine = super().engine
        engine.engine.dirs = [str(Path(__file__).resolve().parents[1] / "templates")] + list(
            engine.engine.dirs
        )
        return engine

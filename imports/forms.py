"""The upload field every import form uses: a size limit per kind of file, checked before
anything is read, and binary files (images, PDF, office documents) refused in French."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from .sources import ImportFileError, _sniff


class ImportFileField(forms.FileField):
    def __init__(self, *args, kind: str, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is None:
            return upload
        limit = settings.IMPORT_MAX_BYTES[self.kind]
        if upload.size == 0:
            raise forms.ValidationError(f"Le fichier « {upload.name} » est vide.")
        if upload.size > limit:
            raise forms.ValidationError(
                f"Le fichier « {upload.name} » dépasse la taille autorisée pour cet import "
                f"({filesizeformat(limit)}) : découpez-le."
            )
        upload.seek(0)
        head = upload.read(512)
        upload.seek(0)
        if head.startswith(b"PK\x03\x04"):
            raise forms.ValidationError(
                f"« {upload.name} » est une archive ZIP ou un classeur Excel : enregistrez la "
                "feuille au format CSV puis déposez ce fichier."
            )
        try:
            _sniff(head, upload.name)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload

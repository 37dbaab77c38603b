"""Recognising a young person already known: same INE, or same names and birth date."""

import unicodedata

from django.core.exceptions import ValidationError

from students.models import Student


def normalize_name(value: str) -> str:
    """Upper case, no accents nor punctuation: "Lefèvre-d'Ornano" → "LEFEVRE D ORNANO"."""
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(c if c.isalnum() else " " for c in text.upper())
    return " ".join(text.split())


def identity_key(last_name: str, first_name: str, birth_date) -> tuple:
    return (normalize_name(last_name), normalize_name(first_name), birth_date)


def find_young_person(*, ine, last_name, first_name, birth_date) -> Student | None:
    """The known young person, or None. Refuses an INE already carried by someone else."""
    key = identity_key(last_name, first_name, birth_date)
    if ine:
        found = Student.objects.filter(ine=ine).first()
        if found is not None:
            if found.birth_date != birth_date:
                raise ValidationError(
                    f"L'INE {ine} est déjà celui de {found} (né le {found.birth_date:%d/%m/%Y}) : "
                    "vérifiez l'INE ou la date de naissance."
                )
            return found
    for candidate in Student.objects.filter(birth_date=birth_date).only(
        "id", "ine", "last_name", "first_name", "birth_date", "current_school_id"
    ):
        if identity_key(candidate.last_name, candidate.first_name, candidate.birth_date) == key:
            if ine and candidate.ine and candidate.ine != ine:
                continue
            return Student.objects.select_related("current_school").get(pk=candidate.pk)
    return None


def find_or_create_young_person(
    *, ine, last_name, first_name, birth_date, phone="", email=""
) -> tuple[Student, bool]:
    found = find_young_person(
        ine=ine, last_name=last_name, first_name=first_name, birth_date=birth_date
    )
    if found is not None:
        if ine and not found.ine:
            found.ine = ine
            found.save(update_fields=["ine", "updated_at"])
        return found, False
    student = Student.objects.create(
        ine=ine or None,
        last_name=last_name.strip(),
        first_name=first_name.strip(),
        birth_date=birth_date,
        phone=phone,
        email=email,
    )
    return student, True

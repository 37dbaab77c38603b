"""INE (identifiant national élève) validation by format only, domain.md §1.3.

No check character is verified: its algorithm is not published, and rejecting a real
INE on a guessed checksum would lose a pupil.
"""

import re

from django.core.exceptions import ValidationError

INE_FORMATS = {
    "rnie": re.compile(r"^[0-9]{9}[A-Z]{2}$"),
    "bea": re.compile(r"^[0-9]{10}[A-Z]$"),
    "apprentissage": re.compile(r"^[0-9]{4}A[0-9]{5}[A-Z]$"),
}


# The three formats in one pattern, for checking many values quickly (imports).
INE_RE = re.compile("|".join(f"(?:{rx.pattern[1:-1]})" for rx in INE_FORMATS.values()))


def is_ine(normalized: str) -> bool:
    """True if an already normalised value (see `normalize_ine`) has one of the INE formats."""
    return INE_RE.fullmatch(normalized) is not None


def normalize_ine(value: str) -> str:
    return "".join((value or "").split()).upper()


def ine_format(value: str) -> str | None:
    ine = normalize_ine(value)
    return next((name for name, rx in INE_FORMATS.items() if rx.match(ine)), None)


def validate_ine(value: str) -> None:
    if ine_format(value) is None:
        raise ValidationError(
            "INE « %(value)s » invalide : 11 caractères attendus (9 chiffres + 2 lettres, "
            "10 chiffres + 1 lettre, ou format apprenti NNNNANNNNNL).",
            code="ine_format",
            params={"value": value},
        )

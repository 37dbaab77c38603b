"""UAI (ex-RNE) validation: 7 digits + a key letter, domain.md §1.2."""

import re

from django.core.exceptions import ValidationError

UAI_KEY_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ"  # 23 letters, no I, O, Q
UAI_PATTERN = re.compile(r"^(0[0-8][0-9]|09[0-5]|9[78][0-9]|[67]20)[0-9]{4}[A-Z]$")


def normalize_uai(value: str) -> str:
    return "".join((value or "").split()).upper()


def uai_key(digits: str) -> str:
    return UAI_KEY_ALPHABET[int(digits) % 23]


def is_valid_uai(value: str) -> bool:
    uai = normalize_uai(value)
    return bool(UAI_PATTERN.match(uai)) and uai[7] == uai_key(uai[:7])


def validate_uai(value: str) -> None:
    uai = normalize_uai(value)
    if not UAI_PATTERN.match(uai):
        raise ValidationError(
            "UAI « %(value)s » invalide : 7 chiffres (code département sur 3 positions) "
            "suivis d'une lettre clé sont attendus.",
            code="uai_format",
            params={"value": value},
        )
    if uai[7] != uai_key(uai[:7]):
        raise ValidationError(
            "UAI « %(value)s » invalide : la lettre clé devrait être %(key)s.",
            code="uai_key",
            params={"value": value, "key": uai_key(uai[:7])},
        )

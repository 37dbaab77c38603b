"""Exceptional access ("bris de glace") limits. Local policy, to validate with the DPO.

Each limit can be changed in the settings (name in capitals below).
"""

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError

EXCEPTIONAL_ACCESS_MAX_DURATION = dt.timedelta(
    hours=getattr(settings, "EXCEPTIONAL_ACCESS_MAX_HOURS", 72)
)
EXCEPTIONAL_ACCESS_DEFAULT_DURATION = dt.timedelta(hours=24)
EXCEPTIONAL_ACCESS_MIN_REASON_LENGTH = 30
# A justification names a situation: at least this many different words of two letters or
# more, each with a vowel, and no character typed four times in a row ("aaaa", "!!!!").
EXCEPTIONAL_ACCESS_MIN_DISTINCT_WORDS = 5
_REPEATED_CHARACTER = re.compile(r"(.)\1{3,}")
_WORD = re.compile(r"[^\W\d_]{2,}")
_VOWELS = set("aeiouyàâäéèêëîïôöùûüÿœæ")


def max_open_grants() -> int:
    """Grants one account may have running at once (EXCEPTIONAL_ACCESS_MAX_OPEN)."""
    return getattr(settings, "EXCEPTIONAL_ACCESS_MAX_OPEN", 3)


def max_grants_per_day() -> int:
    """Grants one account may open in 24 hours, closed or not (EXCEPTIONAL_ACCESS_MAX_PER_DAY),
    so that opening and closing in a loop cannot walk through every school either."""
    return getattr(settings, "EXCEPTIONAL_ACCESS_MAX_PER_DAY", 5)


def check_justification(text: str) -> str:
    """The stripped justification, or a French ValidationError saying what is missing."""
    text = " ".join((text or "").split())
    if len(text) < EXCEPTIONAL_ACCESS_MIN_REASON_LENGTH:
        raise ValidationError(
            "Justifiez l'accès en au moins %(n)d caractères (situation, élève concerné, urgence).",
            params={"n": EXCEPTIONAL_ACCESS_MIN_REASON_LENGTH},
        )
    if _REPEATED_CHARACTER.search(text):
        raise ValidationError(
            "La justification contient un caractère répété (« aaaa ») : décrivez la situation "
            "avec des mots."
        )
    words = {w for w in _WORD.findall(text.lower()) if _VOWELS & set(w)}
    if len(words) < EXCEPTIONAL_ACCESS_MIN_DISTINCT_WORDS:
        raise ValidationError(
            "La justification doit décrire la situation en mots (au moins %(n)d mots "
            "différents), par exemple « Élève arrivé hier du collège voisin, entretien de "
            "situation à préparer ».",
            params={"n": EXCEPTIONAL_ACCESS_MIN_DISTINCT_WORDS},
        )
    return text

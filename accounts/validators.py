from django.core.exceptions import ValidationError

STAFF_MIN_LENGTH = 12
ADMIN_MIN_LENGTH = 16


class RoleAwareMinimumLengthValidator:
    """12 characters for staff, 16 for administrators (superusers or the administrator role)."""

    def _min_length(self, user) -> int:
        if user is None:
            return STAFF_MIN_LENGTH
        if getattr(user, "is_superuser", False) or getattr(user, "is_administrator", False):
            return ADMIN_MIN_LENGTH
        return STAFF_MIN_LENGTH

    def validate(self, password, user=None):
        minimum = self._min_length(user)
        if len(password) < minimum:
            raise ValidationError(
                "Ce mot de passe est trop court : il doit contenir au moins %(min)d caractères.",
                code="password_too_short",
                params={"min": minimum},
            )

    def get_help_text(self):
        return (
            f"Au moins {STAFF_MIN_LENGTH} caractères ({ADMIN_MIN_LENGTH} pour les administrateurs)."
        )


# zxcvbn's warnings, in French (matched on their beginning).
_WARNINGS_FR = [
    ("Repeats like", "les répétitions (« aaaa », « abcabc ») se devinent facilement"),
    ("Sequences like", "les suites (« abcd », « 6543 ») se devinent facilement"),
    ("Straight rows of keys", "les rangées de touches (« azerty ») se devinent facilement"),
    ("Short keyboard patterns", "les motifs de clavier courts se devinent facilement"),
    ("This is a top-10", "c'est l'un des mots de passe les plus utilisés"),
    ("This is a top-100", "c'est l'un des mots de passe les plus utilisés"),
    ("This is a very common", "c'est un mot de passe très courant"),
    ("This is similar to a commonly", "il ressemble à un mot de passe courant"),
    ("A word by itself", "un mot seul se devine facilement"),
    ("Names and surnames by themselves", "un nom ou un prénom seul se devine facilement"),
    ("Common names and surnames", "les noms et prénoms courants se devinent facilement"),
    ("Dates are often", "les dates se devinent facilement"),
    ("Recent years", "les années récentes se devinent facilement"),
]
# Words an attacker of this service tries first, beyond zxcvbn's (English) dictionaries.
_LOCAL_WORDS = [
    "secuparcours",
    "motdepasse",
    "education",
    "nationale",
    "academie",
    "rectorat",
    "college",
    "lycee",
    "bonjour",
    "soleil",
    "azerty",
]


class PasswordStrengthValidator:
    """Refuses guessable passwords, whatever their length (zxcvbn estimate).

    zxcvbn estimates how many guesses an attacker needs (dictionaries, keyboard patterns,
    repetitions, dates, the account's own names). Staff need a score of
    PASSWORD_MIN_SCORE (3 of 4 by default, about 10^8 guesses or more), administrators 4
    (10^10 or more), in line with the ANSSI's advice to judge a password by the effort
    needed to guess it rather than by composition rules.
    """

    def _min_score(self, user) -> int:
        from django.conf import settings

        staff = getattr(settings, "PASSWORD_MIN_SCORE", 3)
        if user is not None and (
            getattr(user, "is_superuser", False) or getattr(user, "is_administrator", False)
        ):
            return max(staff, 4)
        return staff

    def validate(self, password, user=None):
        from zxcvbn import zxcvbn

        inputs = list(_LOCAL_WORDS)
        if user is not None:
            for attr in ("username", "first_name", "last_name", "email"):
                value = str(getattr(user, attr, "") or "")
                inputs += [part for part in value.replace("@", ".").split(".") if part]
        result = zxcvbn(password[:128], user_inputs=inputs)
        minimum = self._min_score(user)
        if result["score"] >= minimum:
            return
        warning = result["feedback"].get("warning") or ""
        reason = next((fr for en, fr in _WARNINGS_FR if warning.startswith(en)), "")
        raise ValidationError(
            "Ce mot de passe est trop facile à deviner (robustesse %(score)d sur 4, %(min)d "
            "exigé)%(reason)s. Allongez-le avec plusieurs mots inhabituels, sans répétition ni "
            "suite de touches, et sans votre nom.",
            code="password_too_guessable",
            params={
                "score": result["score"],
                "min": minimum,
                "reason": f" : {reason}" if reason else "",
            },
        )

    def get_help_text(self):
        return (
            "Difficile à deviner : plusieurs mots inhabituels, sans répétition (« aaaa »), "
            "suite de touches (« azerty ») ni nom propre."
        )

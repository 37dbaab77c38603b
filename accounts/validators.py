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

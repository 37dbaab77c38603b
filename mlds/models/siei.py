"""A SIEI / RIO list imported by a coordinator (one row per file, for traceability)."""

import uuid

from django.conf import settings
from django.db import models

from accounts.roles import active_role

from .base import departement_q


class SieiImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        role = active_role(user, nominative=True)
        if role is None:
            return self.none()
        return self.filter(departement_q(role))


class SieiImport(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="département",
    )
    file_name = models.CharField("fichier", max_length=250)
    checksum = models.CharField("empreinte SHA-256", max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField("importé le", auto_now_add=True)
    row_count = models.PositiveIntegerField("lignes", default=0)
    created_students = models.PositiveIntegerField("jeunes créés", default=0)
    matched_students = models.PositiveIntegerField("jeunes déjà connus", default=0)
    created_follow_ups = models.PositiveIntegerField("suivis ouverts", default=0)
    already_followed = models.PositiveIntegerField("déjà suivis", default=0)
    duplicate_rows = models.PositiveIntegerField("doublons dans le fichier", default=0)
    profile = models.CharField("profil de colonnes", max_length=100, blank=True, default="")

    objects = SieiImportQuerySet.as_manager()

    class Meta:
        verbose_name = "import de liste SIEI"
        verbose_name_plural = "imports de listes SIEI"
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.file_name} ({self.imported_at:%d/%m/%Y})"


class SieiNumber(models.Model):
    """The SIEI internal number of a young person: the natural key from one monthly list to
    the next (and the identifier the missions locales reuse)."""

    number = models.CharField("numéro SIEI", max_length=40, unique=True)
    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="siei_numbers"
    )
    first_import = models.ForeignKey(
        SieiImport, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "numéro SIEI"
        verbose_name_plural = "numéros SIEI"

    def __str__(self):
        return self.number

"""Log of reads of personal records (who, when, which record, from which role).

Changes are kept by django-simple-history on each model; this table adds the reads.
"""

from django.conf import settings
from django.db import models


class AccessLog(models.Model):
    class Channel(models.TextChoices):
        PAGE = "page", "Page"
        API = "api", "API"
        EXPORT = "export", "Export"
        PDF = "pdf", "PDF"

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="compte"
    )
    role = models.CharField("rôle actif", max_length=200, blank=True)
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    object_type = models.CharField("type", max_length=50)
    object_id = models.CharField("identifiant", max_length=64, db_index=True)
    path = models.CharField("adresse", max_length=300, blank=True)

    class Meta:
        verbose_name = "consultation"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.user} {self.object_type} {self.object_id}"


class RetentionNotice(models.Model):
    """A record due for anonymisation: the warning comes first, the anonymisation later."""

    student = models.OneToOneField(
        "students.Student",
        on_delete=models.CASCADE,
        related_name="retention_notice",
        verbose_name="élève",
    )
    warned_on = models.DateField("avertissement le")
    anonymise_on = models.DateField("anonymisation prévue le")
    last_activity_on = models.DateField("dernière activité")

    class Meta:
        verbose_name = "anonymisation programmée"
        verbose_name_plural = "anonymisations programmées"
        ordering = ["anonymise_on"]

    def __str__(self):
        return f"{self.student_id} → {self.anonymise_on:%d/%m/%Y}"

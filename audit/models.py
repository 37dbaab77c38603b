"""Log of reads of personal records (who, when, which record, from which role).

Changes are kept by django-simple-history on each model; this table adds the reads.
"""

from django.conf import settings
from django.db import models
from django.utils.text import capfirst


class AccessLogQuerySet(models.QuerySet):
    def naming_student(self, student_pk: int, public_id: str):
        """Reads that showed this pupil: their record (any channel), or a list that named them.

        List rows keep the pupils' internal ids as ",12,40,977," (see `compact_ids`), so one
        LIKE finds them on SQLite and PostgreSQL alike; it scans the table, which is fine for a
        DPO's search, never done by a page a user opens often."""
        return self.filter(
            models.Q(student_ids__contains=f",{student_pk},")
            | models.Q(object_type="student", object_id=public_id)
        )

    def naming_students(self, students):
        """Reads that showed any of these pupils, given as (pk, public id) pairs."""
        students = list(students)
        query = models.Q(object_type="student", object_id__in=[p for _, p in students])
        for pk, _ in students:
            query |= models.Q(student_ids__contains=f",{pk},")
        return self.filter(query)


# What each kind of read is called on the traceability page (the rest: the model's name).
OBJECT_TYPE_LABELS = {
    "student": "Fiche élève",
    "followup": "Suivi MLDS",
    "repreparationdossier": "Dossier de re-préparation",
    "ambitionemploi": "Parcours Ambition emploi",
    "droitretour": "Droit au retour en formation",
    "flag": "Signaux de décrochage",
    "board": "Tableau de prévention",
    "reminder": "Rappels",
    "docket": "Ordre du jour de commission",
    "validation": "Validations des parcours",
    "gpdsmeeting": "Réunion du GPDS",
    "generateddocument": "Document (PDF)",
    "decrochage_inscriptions": "Indicateurs de décrochage (inscriptions)",
    "exit_signal": "Sorties sans solution",
}


def object_type_label(object_type: str) -> str:
    if object_type in OBJECT_TYPE_LABELS:
        return OBJECT_TYPE_LABELS[object_type]
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.model_name == object_type:
            return capfirst(model._meta.verbose_name)
    return object_type


class AccessLog(models.Model):
    """One row per read: of one record (`object_id`), or of a list, export or batch (`row_count`
    rows, the pupils in `student_ids`), with the filter that produced it."""

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
    query = models.CharField("filtre", max_length=500, blank=True)
    row_count = models.PositiveIntegerField("lignes lues", null=True, blank=True)
    student_ids = models.TextField("élèves (identifiants internes)", blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = "consultation"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.user} {self.object_type} {self.object_id}"

    @property
    def object_type_label(self) -> str:
        return object_type_label(self.object_type)

    @property
    def is_list(self) -> bool:
        return self.row_count is not None

    @property
    def student_pks(self) -> list[int]:
        return [int(pk) for pk in self.student_ids.strip(",").split(",") if pk]


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

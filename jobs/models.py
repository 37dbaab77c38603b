import uuid
from typing import Any

from django.db import models
from django.db.models import Q


class UploadJobQuerySet(models.QuerySet):
    def visible_to(self, user, *, kind: str, structure_q: Q | None = None):
        """The uploads of one kind its author sees, and those of the structures in `structure_q`
        (given by the app, which knows who may import that kind: it checks the role first)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        q = Q(created_by=user)
        if structure_q is not None:
            q |= structure_q
        return self.filter(q, kind=kind)


class TrackedJob(models.Model):
    """What every background processing of an uploaded file keeps for its progress page and
    its error report: the file's name, the counts, the errors, and the life of the job in the
    queue (enqueued, started, last heartbeat, attempts, finished). Concrete jobs add their
    `Status` (with at least DONE, REJECTED and FAILED), their author and their structure.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    filename = models.CharField("nom du fichier", max_length=255)
    rows_total = models.PositiveIntegerField("lignes", default=0)
    error_count = models.PositiveIntegerField("erreurs", default=0)
    errors = models.JSONField("erreurs par ligne", default=list, blank=True)
    created_at = models.DateTimeField("déposé le", auto_now_add=True)
    enqueued_at = models.DateTimeField("mis en file le", null=True, blank=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    Status: Any
    status: Any

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"  # type: ignore[attr-defined]

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)


class UploadJob(TrackedJob):
    """One uploaded file (exam results, SIEI list, absences) and its processing in the
    background: the progress page and the error report read it. The file is deleted once
    processed; only the counts and the errors stay.
    """

    class Kind(models.TextChoices):
        RESULTS = "resultats", "Résultats d'examen"
        SIEI = "siei", "Liste SIEI / RIO"
        ABSENCES = "absences", "Absences"

    class Status(models.TextChoices):
        PENDING = "en_attente", "En attente"
        RUNNING = "en_cours", "Import en cours"
        DONE = "termine", "Importé"
        REJECTED = "refuse", "Refusé : rien n'a été enregistré"
        FAILED = "echec", "Échec technique : rien n'a été enregistré"

    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        related_name="upload_jobs",
        verbose_name="déposé par",
    )
    role = models.ForeignKey(
        "accounts.RoleAssignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="rôle du dépôt",
        help_text="Le périmètre de l'import : celui du rôle actif au dépôt.",
    )
    school = models.ForeignKey(
        "territories.Etablissement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="upload_jobs",
        verbose_name="établissement",
    )
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="upload_jobs",
        verbose_name="département",
    )
    stored_name = models.CharField("fichier stocké", max_length=255, blank=True)
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.PENDING)
    summary = models.TextField("bilan", blank=True)

    objects = UploadJobQuerySet.as_manager()

    class Meta:
        verbose_name = "fichier importé"
        verbose_name_plural = "fichiers importés"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "enqueued_at"], name="upload_job_waiting")]

    @property
    def is_refused(self) -> bool:
        return self.status in (self.Status.REJECTED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        """No row-level progress inside these imports: waiting, running, done."""
        if self.is_finished:
            return 100
        return 50 if self.status == self.Status.RUNNING else 0

    def progress(self) -> dict:
        """What the polling script reads (static/js/poll.js)."""
        return {
            "status": self.status,
            "status_label": self.get_status_display(),
            "finished": self.is_finished,
            "percent": self.percent,
            "rows_total": self.rows_total,
            "error_count": self.error_count,
        }

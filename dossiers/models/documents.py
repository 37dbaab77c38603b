"""Generated PDFs and the batches that render them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.roles import COMMISSION_ROLES, DOSSIER_READ_ROLES, MLDS_ROLES

from ..enums import BatchState, DocumentKind
from .commission import CommissionSession
from .dossier import RepreparationDossier

# --- Documents and batches ------------------------------------------------------------------


class ScopedByStructureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Commission roles: their départements; school side: documents of their schools."""
        role = getattr(user, "active_role", None)
        if role is None or not role.is_nominative:
            return self.none()
        if role.role in COMMISSION_ROLES:
            # A letter names the origin school: its département's commission reads it too
            # when another département's commission decided (circulaire 2017-066).
            deps = role.departement_ids()
            return self.filter(Q(departement_id__in=deps) | Q(school__departement_id__in=deps))
        if role.role in DOSSIER_READ_ROLES and role.role not in MLDS_ROLES:
            return self.filter(school__isnull=False).filter(role.school_q("school__"))
        return self.none()


def document_path(instance, filename):
    return f"dossiers/{timezone.now():%Y/%m}/{instance.public_id}.pdf"


class GeneratedDocument(models.Model):
    """Every PDF generated is stored and listed on its dossiers."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("document", max_length=20, choices=DocumentKind.choices)
    title = models.CharField("titre", max_length=250)
    file = models.FileField("fichier", upload_to=document_path)
    dossiers = models.ManyToManyField(RepreparationDossier, related_name="documents", blank=True)
    session = models.ForeignKey(
        CommissionSession, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    school = models.ForeignKey(
        "territories.Etablissement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.CASCADE, related_name="+"
    )
    pages = models.PositiveIntegerField("pages", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("généré le", auto_now_add=True)

    objects = ScopedByStructureQuerySet.as_manager()

    class Meta:
        verbose_name = "document généré"
        verbose_name_plural = "documents générés"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("dossiers:document", args=[self.public_id])


class BatchJob(models.Model):
    """A batch of letters rendered by a worker; the page polls it for progress."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("document", max_length=20, choices=DocumentKind.choices)
    state = models.CharField(
        "état", max_length=20, choices=BatchState.choices, default=BatchState.PENDING
    )
    dossier_ids = models.JSONField("dossiers", default=list)
    session = models.ForeignKey(
        CommissionSession, null=True, blank=True, on_delete=models.CASCADE, related_name="batches"
    )
    school = models.ForeignKey(
        "territories.Etablissement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.CASCADE, related_name="+"
    )
    total = models.PositiveIntegerField("total", default=0)
    done_count = models.PositiveIntegerField("faits", default=0)
    document = models.ForeignKey(
        GeneratedDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField("erreur", blank=True)
    seconds = models.FloatField("durée de rendu (s)", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A durable job (jobs.runner): sent again by the sweep while waiting, or once every
    # worker rendering it has stopped beating.
    enqueued_at = models.DateTimeField("mis en file le", null=True, blank=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedByStructureQuerySet.as_manager()

    class Meta:
        verbose_name = "lot de documents"
        verbose_name_plural = "lots de documents"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_count__lte=models.F("total")), name="batch_progress_bounded"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.done_count}/{self.total}"

    def get_absolute_url(self):
        return reverse("dossiers:batch", args=[self.public_id])

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done_count / self.total)

    @property
    def is_finished(self) -> bool:
        return bool(self.document_id) or self.state == BatchState.FAILED


class BatchChunk(models.Model):
    """A slice of a batch (a few hundred letters) that any worker claims, renders to its own
    file and marks done; the last one done triggers the merge into the batch's PDF."""

    class Status(models.TextChoices):
        PENDING = "en_attente", "En attente"
        RUNNING = "en_cours", "En cours"
        DONE = "termine", "Terminé"
        FAILED = "echec", "Échec"

    batch = models.ForeignKey(BatchJob, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField("rang")
    dossier_ids = models.JSONField("dossiers", default=list)
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.PENDING)
    # The claim of the worker rendering it: its writes count only while it holds the claim.
    token = models.CharField("jeton", max_length=32, blank=True)
    worker = models.CharField("processus", max_length=200, blank=True)
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    done_count = models.PositiveIntegerField("faits", default=0)
    letters = models.JSONField("lettres écrites", default=list)
    pages = models.PositiveIntegerField("pages", default=0)
    file = models.CharField("fichier", max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "part d'un lot"
        verbose_name_plural = "parts d'un lot"
        ordering = ["batch", "index"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "index"], name="batch_chunk_unique_index")
        ]

    def __str__(self):
        return f"{self.batch_id} · part {self.index + 1} ({self.get_status_display()})"

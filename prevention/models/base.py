"""What every prevention path shares: scope, explicit transitions and their log."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.roles import (
    INSPECTION_ROLES,
    PREVENTION_SCHOOL_READ_ROLES,
    PREVENTION_WRITE_ROLES,
    active_role,
)
from workflows.engine import Workflow
from workflows.models import TransitionLog

from ..enums import PathKind


def can_write(user) -> bool:
    role = active_role(user)
    return role is not None and role.role in PREVENTION_WRITE_ROLES


class SchoolScopedQuerySet(models.QuerySet):
    """Rows anchored on a school (`school` field), read by the school, its CIO, the admin."""

    def visible_to(self, user):
        role = active_role(user)
        if role is None or not role.is_nominative or role.role not in PREVENTION_SCHOOL_READ_ROLES:
            return self.none()
        return self.filter(role.school_q("school__"))

    def writable_by(self, user):
        role = active_role(user)
        if role is None or role.role not in PREVENTION_WRITE_ROLES:
            return self.none()
        return self.filter(school_id=role.etablissement_id)


class PathQuerySet(SchoolScopedQuerySet):
    def visible_to(self, user):
        role = active_role(user)
        if role is not None and role.role in INSPECTION_ROLES:
            statuses = self.model.DEPARTEMENT_VISIBLE_STATUSES
            if not statuses:
                return self.none()
            return self.filter(
                school__departement_id__in=role.departement_ids(), status__in=statuses
            )
        return super().visible_to(user)

    def active(self):
        return self.exclude(status__in=self.model.TERMINAL_STATUSES)


class PathEvent(TransitionLog):
    """One transition of one path: the case's history and the pupil's timeline."""

    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="prevention_events"
    )
    pafi = models.ForeignKey(
        "prevention.Pafi", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    derogatoire = models.ForeignKey(
        "prevention.Derogatoire",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    tdo = models.ForeignKey(
        "prevention.Tdo", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("parcours", max_length=20, choices=PathKind.choices)
    from_state = models.CharField("de", max_length=20, blank=True)
    to_state = models.CharField("vers", max_length=20)
    label = models.CharField("étape", max_length=200)

    class Meta(TransitionLog.Meta):
        verbose_name = "étape de parcours"
        verbose_name_plural = "étapes de parcours"
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                name="path_event_has_exactly_one_path",
                condition=(
                    Q(pafi__isnull=False, derogatoire__isnull=True, tdo__isnull=True)
                    | Q(pafi__isnull=True, derogatoire__isnull=False, tdo__isnull=True)
                    | Q(pafi__isnull=True, derogatoire__isnull=True, tdo__isnull=False)
                ),
            )
        ]
        indexes = [models.Index(fields=["student", "at"])]

    def __str__(self):
        return self.label


class PathBase(models.Model):
    """Abstract base: a pupil's individual path with an explicit state machine.

    Subclasses define `Status`, `TRANSITIONS` ({from: {to, ...}}), `KIND`, `URL_NAME`,
    `TERMINAL_STATUSES`, `DEPARTEMENT_VISIBLE_STATUSES` and `deadline_specs()`.
    Transition methods must run on a row locked with `select_for_update` (see `services.locked`).
    """

    TRANSITIONS: dict[str, set[str]] = {}
    TERMINAL_STATUSES: set[str] = set()
    DEPARTEMENT_VISIBLE_STATUSES: set[str] = set()
    KIND = ""
    URL_NAME = ""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="+", verbose_name="élève"
    )
    school = models.ForeignKey(
        "territories.Etablissement",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="établissement",
    )
    review = models.ForeignKey(
        "prevention.GpdsReview",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="décision GPDS d'origine",
    )
    referent = models.CharField("référent / tuteur", max_length=150, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = PathQuerySet.as_manager()

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return reverse(self.URL_NAME, args=[self.public_id])

    @property
    def kind_label(self) -> str:
        return PathKind(self.KIND).label

    @property
    def is_terminal(self) -> bool:
        return self.status in self.TERMINAL_STATUSES

    def allowed_targets(self) -> set[str]:
        return self.TRANSITIONS.get(self.status, set())

    def _event_fk(self) -> dict:
        return {self.KIND: self}

    @classmethod
    def lifecycle(cls) -> Workflow:
        """The path's lifecycle, declared in `prevention/workflow.py`: one transition per
        target status of `TRANSITIONS` (named after it) and the page's actions."""
        from ..workflow import path_workflow

        return path_workflow(cls.KIND)

    def log(self, *, by, from_state: str, to_state: str, label: str, comment: str = ""):
        """An event outside the transitions (opening, a bilan, a signature)."""
        PathEvent.objects.create(
            student_id=self.student_id,
            kind=self.KIND,
            from_state=from_state,
            to_state=to_state,
            label=label,
            comment=comment,
            by=by if by and by.is_authenticated else None,
            **self._event_fk(),
        )
        if by is not None and by.is_authenticated:
            from notifications.services import record_human_action

            record_human_action(subject=self, by=by)

    def _move(self, to: str, *, by, comment: str = "", label: str = ""):
        """Apply one allowed transition through the engine: locked, saved, logged, deadlines
        resynced, in one transaction."""
        if to not in self.allowed_targets():
            raise ValidationError(
                f"Passage impossible de « {self.get_status_display()} » à "
                f"« {self.Status(to).label} »."
            )
        self.lifecycle().apply(
            self,
            str(to),
            by=by,
            comment=comment,
            log_fields={
                "student_id": self.student_id,
                "kind": self.KIND,
                "label": label or self.Status(to).label,
            },
        )

    def note(self, *, by, label: str, comment: str = ""):
        """Log an event that does not change the status (a bilan, a visit, a signature)."""
        self.log(by=by, from_state=self.status, to_state=self.status, label=label, comment=comment)

    def deadline_specs(self) -> list:
        return []

    def sync_deadlines(self) -> None:
        from notifications.services import sync_deadlines

        sync_deadlines(subject=self, specs=self.deadline_specs())

    def spec_kwargs(self) -> dict:
        return {
            "url": self.get_absolute_url(),
            "student_id": self.student_id,
            "school_id": self.school_id,
            "departement_id": self.school.departement_id,
        }

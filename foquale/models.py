"""FoQualE networks (réseaux Formation Qualification Emploi, domain.md §3), their offer of
remediation actions, and the académie's calls for projects (seed 004)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from accounts.roles import ACADEMIE_REVIEW_ROLES, SCHOOL_ROLES, active_role
from territories.enums import ScopeLevel
from territories.models import Network, Partner
from workflows.models import TransitionLog

from . import rules
from .enums import (
    ActionKind,
    Axis,
    CallStatus,
    ProjectStatus,
    ReferralStatus,
)
from .workflow import CALL_WORKFLOW, PROJECT_WORKFLOW


def role_academie_ids(role) -> list[int]:
    from territories.models import Departement

    if role.scope_level == ScopeLevel.ACADEMIE:
        return [role.academie_id]
    return list(
        Departement.objects.filter(id__in=role.departement_ids())
        .values_list("academie_id", flat=True)
        .distinct()
    )


class RemediationActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(network__in=Network.objects.visible_to(user))

    def with_places_used(self):
        return self.annotate(
            places_used=Count("referrals", filter=Q(referrals__status=ReferralStatus.ACTIVE))
        ).annotate(places_left=models.F("places") - models.F("places_used"))


class RemediationAction(models.Model):
    """One action of the network's remediation offer (seed 004: "construire et développer une
    offre de remédiation"), with a fixed number of places that referrals consume."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="actions", verbose_name="réseau"
    )
    title = models.CharField("intitulé", max_length=200)
    kind = models.CharField("type d'action", max_length=30, choices=ActionKind.choices)
    description = models.TextField("description", blank=True)
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name="partenaire",
    )
    host_school = models.ForeignKey(
        "territories.Etablissement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_remediation_actions",
        verbose_name="établissement d'accueil",
    )
    places = models.PositiveSmallIntegerField("places", validators=[MinValueValidator(1)])
    start_date = models.DateField("début")
    end_date = models.DateField("fin")
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = RemediationActionQuerySet.as_manager()

    class Meta:
        verbose_name = "action de remédiation"
        verbose_name_plural = "actions de remédiation"
        ordering = ["start_date", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="action_has_places"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="action_end_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "La fin doit suivre le début de l'action."})

    def is_open_on(self, day) -> bool:
        return day <= self.end_date


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Referrals of pupils from schools in scope; aggregate-only roles see none."""
        role = active_role(user)
        if role is None or not role.is_nominative:
            return self.none()
        return self.filter(role.school_q("school__"))

    def active(self):
        return self.filter(status=ReferralStatus.ACTIVE)


class Referral(models.Model):
    """A pupil referred to an action; it holds one place until cancelled."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    action = models.ForeignKey(
        RemediationAction, on_delete=models.CASCADE, related_name="referrals", verbose_name="action"
    )
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.CASCADE,
        related_name="foquale_referrals",
        verbose_name="élève",
    )
    # The pupil's school when referred: it decides who sees the referral.
    school = models.ForeignKey(
        "territories.Etablissement",
        on_delete=models.PROTECT,
        related_name="foquale_referrals",
        verbose_name="établissement d'origine",
    )
    status = models.CharField(
        "statut", max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.ACTIVE
    )
    comment = models.CharField("commentaire", max_length=300, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="orienté par",
    )
    created_at = models.DateTimeField("orienté le", auto_now_add=True)
    cancelled_at = models.DateTimeField("annulé le", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="annulé par",
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "orientation vers une action"
        verbose_name_plural = "orientations vers une action"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "student"],
                condition=Q(status=ReferralStatus.ACTIVE),
                name="referral_once_per_action",
            ),
            models.CheckConstraint(
                condition=Q(status=ReferralStatus.ACTIVE, cancelled_at__isnull=True)
                | Q(status=ReferralStatus.CANCELLED, cancelled_at__isnull=False),
                name="referral_cancel_date_matches_status",
            ),
        ]

    def __str__(self):
        return f"{self.student} → {self.action}"

    def cancel(self, *, by) -> None:
        """Free the place. A conditional UPDATE, so a double submit cancels once."""
        now = timezone.now()
        updated = Referral.objects.filter(pk=self.pk, status=ReferralStatus.ACTIVE).update(
            status=ReferralStatus.CANCELLED, cancelled_at=now, cancelled_by=by
        )
        if not updated:
            raise ValidationError("Cette orientation est déjà annulée.")
        self.status, self.cancelled_at, self.cancelled_by = ReferralStatus.CANCELLED, now, by


# --- Calls for projects (seed 004) ---


class CallQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Calls of the académie(s) of the scope; drafts only for the académie's reviewers."""
        role = active_role(user)
        if role is None:
            return self.none()
        qs = self.filter(academie_id__in=role_academie_ids(role))
        if role.role not in ACADEMIE_REVIEW_ROLES:
            qs = qs.exclude(status=CallStatus.DRAFT)
        return qs


class CallForProjects(models.Model):
    """An appel à projets opened by the académie on its priority axes."""

    TRANSITIONS = {
        CallStatus.DRAFT: {CallStatus.OPEN},
        CallStatus.OPEN: {CallStatus.REVIEW},
        CallStatus.REVIEW: {CallStatus.PUBLISHED},
        CallStatus.PUBLISHED: set(),
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    academie = models.ForeignKey(
        "territories.Academie",
        on_delete=models.PROTECT,
        related_name="calls_for_projects",
        verbose_name="académie",
    )
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("présentation", blank=True)
    axes = models.JSONField("axes", default=list)
    closes_on = models.DateField("date limite de dépôt")
    status = models.CharField(
        "statut", max_length=15, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="créé par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    published_at = models.DateTimeField("résultats publiés le", null=True, blank=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = "appel à projets"
        verbose_name_plural = "appels à projets"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=CallStatus.PUBLISHED, published_at__isnull=False)
                | (~Q(status=CallStatus.PUBLISHED) & Q(published_at__isnull=True)),
                name="call_published_at_matches_status",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def axes_display(self) -> list[str]:
        return [Axis(a).label for a in self.axes if a in Axis.values]

    def clean(self):
        unknown = [a for a in self.axes if a not in Axis.values]
        if unknown:
            raise ValidationError({"axes": "Axe inconnu : " + ", ".join(map(str, unknown))})

    def is_open_for_submission(self, day) -> bool:
        return self.status == CallStatus.OPEN and day <= self.closes_on

    def _move(self, to, *, by, comment="", fields=()):
        """Through the lifecycle engine: locked, in one transaction, one log row."""
        name = {
            CallStatus.OPEN: "ouvrir",
            CallStatus.REVIEW: "cloturer",
            CallStatus.PUBLISHED: "publier",
        }[to]
        if to not in self.TRANSITIONS[CallStatus(self.status)]:
            raise ValidationError(
                f"Passage impossible de « {self.get_status_display()} » "
                f"à « {CallStatus(to).label} »."
            )
        CALL_WORKFLOW.apply(
            self,
            name,
            by=by,
            comment=comment,
            target=to,
            changes={field: getattr(self, field) for field in fields},
        )

    def open(self, *, by, today) -> None:
        if len(self.axes) < rules.CALL_MIN_AXES:
            raise ValidationError("Choisissez au moins un axe avant d'ouvrir l'appel.")
        if self.closes_on < today:
            raise ValidationError("La date limite de dépôt est déjà passée.")
        self._move(CallStatus.OPEN, by=by)

    def close_submissions(self, *, by) -> None:
        self._move(CallStatus.REVIEW, by=by, comment="Clôture des dépôts, instruction.")

    def publish(self, *, by) -> None:
        if self.status == CallStatus.REVIEW:
            pending = self.projects.filter(status=ProjectStatus.SUBMITTED).count()
            if pending:
                raise ValidationError(
                    f"{pending} projet(s) déposé(s) attendent encore une décision de la commission."
                )
        self.published_at = timezone.now()
        try:
            self._move(
                CallStatus.PUBLISHED,
                by=by,
                comment="Publication des résultats.",
                fields=["published_at"],
            )
        except ValidationError:
            self.published_at = None
            raise


class CallTransition(TransitionLog):
    call = models.ForeignKey(
        CallForProjects, on_delete=models.CASCADE, related_name="transitions", verbose_name="appel"
    )
    from_state = models.CharField("de", max_length=15, choices=CallStatus.choices)
    to_state = models.CharField("vers", max_length=15, choices=CallStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "étape d'un appel à projets"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The académie's reviewers see every submitted project of their calls; other roles
        see the projects of the schools in their scope (drafts only for the school itself)."""
        role = active_role(user)
        if role is None:
            return self.none()
        if role.role in ACADEMIE_REVIEW_ROLES:
            return self.filter(call__academie_id__in=role_academie_ids(role)).exclude(
                status=ProjectStatus.DRAFT
            )
        qs = self.filter(role.school_q("school__"))
        if role.role not in SCHOOL_ROLES:
            qs = qs.exclude(status=ProjectStatus.DRAFT)
        return qs


class Project(models.Model):
    """A school's answer to a call for projects."""

    TRANSITIONS = {
        ProjectStatus.DRAFT: {ProjectStatus.SUBMITTED, ProjectStatus.WITHDRAWN},
        ProjectStatus.SUBMITTED: {
            ProjectStatus.ACCEPTED,
            ProjectStatus.REJECTED,
            ProjectStatus.WITHDRAWN,
        },
        ProjectStatus.ACCEPTED: set(),
        ProjectStatus.REJECTED: set(),
        ProjectStatus.WITHDRAWN: set(),
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    call = models.ForeignKey(
        CallForProjects, on_delete=models.PROTECT, related_name="projects", verbose_name="appel"
    )
    school = models.ForeignKey(
        "territories.Etablissement",
        on_delete=models.PROTECT,
        related_name="foquale_projects",
        verbose_name="établissement porteur",
    )
    title = models.CharField("intitulé du projet", max_length=200)
    axis = models.CharField("axe", max_length=30, choices=Axis.choices)
    summary = models.TextField("description du projet")
    pupils_expected = models.PositiveSmallIntegerField("nombre d'élèves concernés", default=0)
    budget_requested = models.DecimalField(
        "budget demandé (€)",
        max_digits=9,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        "statut", max_length=15, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    decision_comment = models.TextField("motivation de la décision", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="décidé par",
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    submitted_at = models.DateTimeField("déposé le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="créé par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    version = models.PositiveIntegerField(default=0)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "projet"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=[ProjectStatus.ACCEPTED, ProjectStatus.REJECTED])
                | Q(decided_at__isnull=False, decided_by__isnull=False),
                name="project_decision_is_signed",
            ),
            models.CheckConstraint(
                condition=Q(status=ProjectStatus.DRAFT)
                | Q(submitted_at__isnull=False)
                | Q(status=ProjectStatus.WITHDRAWN),
                name="project_submitted_at_set",
            ),
            models.CheckConstraint(
                condition=Q(budget_requested__gte=0), name="project_budget_positive"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.call_id and self.axis and self.axis not in self.call.axes:
            raise ValidationError({"axis": "Cet axe ne fait pas partie de l'appel à projets."})

    @property
    def is_decided(self) -> bool:
        return self.status in (ProjectStatus.ACCEPTED, ProjectStatus.REJECTED)

    def decision_visible_to(self, user) -> bool:
        """Schools learn the decision when the académie publishes the results."""
        role = active_role(user)
        if role is not None and role.role in ACADEMIE_REVIEW_ROLES:
            return True
        return self.call.status == CallStatus.PUBLISHED

    def _move(self, to, *, by, comment="", fields=(), expected_version=None):
        """Through the lifecycle engine: locked, in one transaction, one log row; refused as
        stale when `expected_version` (the version the page was loaded with) has moved."""
        if to not in self.TRANSITIONS[ProjectStatus(self.status)]:
            raise ValidationError(
                f"Passage impossible de « {self.get_status_display()} » "
                f"à « {ProjectStatus(to).label} »."
            )
        name = {ProjectStatus.SUBMITTED: "deposer", ProjectStatus.WITHDRAWN: "retirer"}.get(
            to, "decider"
        )
        PROJECT_WORKFLOW.apply(
            self,
            name,
            by=by,
            comment=comment,
            target=to,
            changes={field: getattr(self, field) for field in fields},
            expected_version=expected_version,
        )

    def submit(self, *, by, today, expected_version=None) -> None:
        if not self.call.is_open_for_submission(today):
            raise ValidationError("L'appel à projets n'accepte plus de dépôt.")
        if self.axis not in self.call.axes:
            raise ValidationError("L'axe choisi ne fait pas partie de l'appel à projets.")
        self.submitted_at = timezone.now()
        self._move(
            ProjectStatus.SUBMITTED,
            by=by,
            fields=["submitted_at"],
            expected_version=expected_version,
        )

    def withdraw(self, *, by, expected_version=None) -> None:
        if self.call.status not in (CallStatus.DRAFT, CallStatus.OPEN):
            raise ValidationError("L'instruction a commencé : le projet ne peut plus être retiré.")
        self._move(ProjectStatus.WITHDRAWN, by=by, expected_version=expected_version)

    def decide(self, *, by, accepted: bool, comment: str, expected_version=None) -> None:
        if self.call.status != CallStatus.REVIEW:
            raise ValidationError("La commission ne décide que pendant l'instruction de l'appel.")
        if not self.reviews.exists():
            raise ValidationError("Notez le projet avant de rendre la décision.")
        if not comment.strip():
            raise ValidationError("Motivez la décision : elle sera communiquée à l'établissement.")
        self.decision_comment = comment
        self.decided_by = by
        self.decided_at = timezone.now()
        self._move(
            ProjectStatus.ACCEPTED if accepted else ProjectStatus.REJECTED,
            by=by,
            comment=comment,
            fields=["decision_comment", "decided_by", "decided_at"],
            expected_version=expected_version,
        )


class ProjectTransition(TransitionLog):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="transitions", verbose_name="projet"
    )
    from_state = models.CharField("de", max_length=15, choices=ProjectStatus.choices)
    to_state = models.CharField("vers", max_length=15, choices=ProjectStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "étape d'un projet"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


class ProjectReview(models.Model):
    """One commission member's score of one project (one per member, changeable until the
    decision)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="reviews", verbose_name="projet"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="membre"
    )
    score = models.PositiveSmallIntegerField(
        "note",
        validators=[
            MinValueValidator(rules.PROJECT_SCORE_MIN),
            MaxValueValidator(rules.PROJECT_SCORE_MAX),
        ],
    )
    comment = models.TextField("appréciation", blank=True)
    at = models.DateTimeField("le", auto_now=True)

    class Meta:
        verbose_name = "notation d'un projet"
        constraints = [
            models.UniqueConstraint(fields=["project", "reviewer"], name="review_once_per_member"),
            models.CheckConstraint(
                condition=Q(score__gte=rules.PROJECT_SCORE_MIN, score__lte=rules.PROJECT_SCORE_MAX),
                name="review_score_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.project} : {self.score}/{rules.PROJECT_SCORE_MAX}"

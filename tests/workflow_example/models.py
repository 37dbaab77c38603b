"""Step 1 of the recipe: the case (a state field, a version) and its log (TransitionLog)."""

import uuid

from django.db import models
from django.utils import timezone

from accounts.roles import active_role
from workflows.engine import refuse
from workflows.models import TransitionLog

from .workflow import CERTIFICATE_WORKFLOW, REQUESTED, STATE_CHOICES


class CertificateRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        role = active_role(user, nominative=True)
        return self.none() if role is None else self.filter(role.school_q("school__"))


class CertificateRequest(models.Model):
    """A family asks the school for a schooling certificate."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("territories.Etablissement", on_delete=models.CASCADE)
    pupil_name = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=20, choices=STATE_CHOICES, default=REQUESTED)
    delivered_on = models.DateField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = CertificateRequestQuerySet.as_manager()

    def __str__(self):
        return f"Attestation — {self.pupil_name}"

    def get_absolute_url(self):
        return f"/exemple/{self.public_id}/"

    # Step 3: one method per transition, its guard, and the engine's apply.
    def deliver(self, *, by, on, expected_version=None):
        def guard():
            if on > timezone.localdate():
                refuse("La date de délivrance ne peut pas être dans le futur.")

        return CERTIFICATE_WORKFLOW.apply(
            self,
            "deliver",
            by=by,
            guard=guard,
            changes={"delivered_on": on},
            expected_version=expected_version,
        )

    def refuse(self, *, by, reason, expected_version=None):
        return CERTIFICATE_WORKFLOW.apply(
            self,
            "refuse",
            by=by,
            comment=reason,
            changes={"refusal_reason": reason},
            expected_version=expected_version,
        )


class CertificateRequestLog(TransitionLog):
    request = models.ForeignKey(CertificateRequest, on_delete=models.CASCADE, related_name="logs")

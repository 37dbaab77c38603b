"""Step 2 of the recipe: declare the transitions once."""

from django import forms as django_forms
from dsfr.forms import DsfrBaseForm

from accounts.roles import HEAD_ROLES, holds
from workflows.engine import Transition, Workflow

REQUESTED, DELIVERED, REFUSED = "demandee", "delivree", "refusee"
STATE_CHOICES = [(REQUESTED, "Demandée"), (DELIVERED, "Délivrée"), (REFUSED, "Refusée")]


class DeliverForm(DsfrBaseForm):
    on = django_forms.DateField(label="Délivrée le")


class RefuseForm(DsfrBaseForm):
    reason = django_forms.CharField(label="Motif du refus")


def _no_pupil_name(request, today):
    if not request.pupil_name.strip():
        return "Indiquez d'abord le nom de l'élève sur la demande."
    return None


CERTIFICATE_WORKFLOW = Workflow(
    name="certificate",
    label="Demande d'attestation",
    log_model="workflow_example.CertificateRequestLog",
    log_fk="request",
    version_field="version",
    transitions={
        "deliver": Transition(
            "Délivrer l'attestation",
            (REQUESTED,),
            DELIVERED,
            may=holds(HEAD_ROLES),
            form=DeliverForm,
            blocker=_no_pupil_name,
        ),
        "refuse": Transition(
            "Refuser la demande", (REQUESTED,), REFUSED, may=holds(HEAD_ROLES), form=RefuseForm
        ),
    },
    next_actions={REQUESTED: ("deliver",)},
    waiting={DELIVERED: "Aucune : demande close", REFUSED: "Aucune : demande close"},
)

"""The FoQualE calls for projects and projects, declared once for the lifecycle engine.

Transition names are the slugs of the page's action URLs (`/foquale/appels/<id>/ouvrir/`,
`/foquale/projets/<id>/action/deposer/`) and of the API's
(`/api/v1/foquale/projets/{id}/actions/deposer/`). The model methods apply them through
`Workflow.apply`: locked row, one transaction, one log row; a project's `version` is checked
(a stale page is refused, nothing is lost).
"""

from django.utils import timezone

from accounts.roles import ACADEMIE_REVIEW_ROLES, FOQUALE_PROJECT_WRITE_ROLES, active_role, holds
from workflows.engine import Transition, Workflow

from .enums import CallStatus, ProjectStatus

C, P = CallStatus, ProjectStatus
SCHOOL_HEAD = holds(FOQUALE_PROJECT_WRITE_ROLES)


def REVIEWERS(user) -> bool:  # noqa: N802 - a predicate named like the other role groups
    """The académie's reviewers, the academic pilot included (an aggregate-only role that
    still runs the calls for projects)."""
    role = active_role(user)
    return role is not None and role.role in ACADEMIE_REVIEW_ROLES


REVIEWERS.roles = ACADEMIE_REVIEW_ROLES  # type: ignore[attr-defined]


# --- What blocks an action today (the model's guards, said before the user tries) -----------


def _open_blocker(call, today):
    from . import rules

    if len(call.axes) < rules.CALL_MIN_AXES:
        return "Choisissez au moins un axe avant d'ouvrir l'appel."
    if call.closes_on < today:
        return "La date limite de dépôt est déjà passée."
    return None


def _publish_blocker(call, today):
    pending = call.projects.filter(status=P.SUBMITTED).count()
    if pending:
        return f"{pending} projet(s) déposé(s) attendent encore une décision de la commission."
    return None


def _submit_blocker(project, today):
    if not project.call.is_open_for_submission(today):
        return "L'appel à projets n'accepte plus de dépôt."
    return None


def _withdraw_blocker(project, today):
    if project.call.status not in (C.DRAFT, C.OPEN):
        return "L'instruction a commencé : le projet ne peut plus être retiré."
    return None


def _decide_blocker(project, today):
    if project.call.status != C.REVIEW:
        return "La commission ne décide que pendant l'instruction de l'appel."
    if not project.reviews.exists():
        return "Notez le projet avant de rendre la décision."
    return None


CALL_WORKFLOW = Workflow(
    name="foquale_call",
    label="Appel à projets",
    log_model="foquale.CallTransition",
    log_fk="call",
    state_field="status",
    strict_state=True,
    transitions={
        "ouvrir": Transition(
            "Ouvrir aux dépôts",
            (C.DRAFT,),
            C.OPEN,
            may=REVIEWERS,
            method=lambda call, *, by: call.open(by=by, today=timezone.localdate()),
            blocker=_open_blocker,
            success="Appel à projets ouvert aux dépôts.",
        ),
        "cloturer": Transition(
            "Clore les dépôts et instruire",
            (C.OPEN,),
            C.REVIEW,
            may=REVIEWERS,
            method="close_submissions",
            success="Appel à projets : dépôts clos, instruction.",
        ),
        "publier": Transition(
            "Publier les résultats aux établissements",
            (C.REVIEW,),
            C.PUBLISHED,
            may=REVIEWERS,
            method="publish",
            blocker=_publish_blocker,
            success="Appel à projets : résultats publiés.",
        ),
    },
    next_actions={C.DRAFT: ("ouvrir",), C.OPEN: ("cloturer",), C.REVIEW: ("publier",)},
    waiting={
        C.DRAFT: "Ouverture de l'appel aux dépôts (académie)",
        C.OPEN: "Dépôt des projets par les établissements",
        C.REVIEW: "Notation et décision de la commission, puis publication",
        C.PUBLISHED: "Aucune : les résultats sont publiés",
    },
)

PROJECT_WORKFLOW = Workflow(
    name="foquale_project",
    label="Projet",
    log_model="foquale.ProjectTransition",
    log_fk="project",
    state_field="status",
    version_field="version",
    strict_state=True,
    transitions={
        "deposer": Transition(
            "Déposer le projet",
            (P.DRAFT,),
            P.SUBMITTED,
            may=SCHOOL_HEAD,
            method=lambda project, *, by, expected_version=None: project.submit(
                by=by, today=timezone.localdate(), expected_version=expected_version
            ),
            blocker=_submit_blocker,
            success="Projet déposé : la commission l'examinera après la clôture.",
        ),
        "retirer": Transition(
            "Retirer le projet",
            (P.DRAFT, P.SUBMITTED),
            P.WITHDRAWN,
            may=SCHOOL_HEAD,
            method="withdraw",
            blocker=_withdraw_blocker,
            success="Projet retiré.",
        ),
        # Accepted or rejected: the decision picks the target.
        "decider": Transition(
            "Rendre la décision de la commission",
            (P.SUBMITTED,),
            P.ACCEPTED,
            may=REVIEWERS,
            form="foquale.forms.DecisionForm",
            method="decide",
            blocker=_decide_blocker,
            success="Décision enregistrée.",
        ),
    },
    next_actions={P.DRAFT: ("deposer",), P.SUBMITTED: ("decider",)},
    waiting={
        P.DRAFT: "Dépôt du projet par le chef d'établissement",
        P.SUBMITTED: "Instruction par la commission académique",
        P.ACCEPTED: "Aucune : le projet est retenu",
        P.REJECTED: "Aucune : le projet n'est pas retenu",
        P.WITHDRAWN: "Aucune : le projet a été retiré",
    },
)

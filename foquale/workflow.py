"""The FoQualE calls for projects and projects, declared once for the lifecycle engine.

Their pages keep their own buttons (one per step); every state change goes through
`Workflow.apply`: locked row, one transaction, one log row.
"""

from workflows.engine import Transition, Workflow

from .enums import CallStatus, ProjectStatus

C, P = CallStatus, ProjectStatus

CALL_WORKFLOW = Workflow(
    name="foquale_call",
    label="Appel à projets",
    log_model="foquale.CallTransition",
    log_fk="call",
    state_field="status",
    strict_state=True,
    transitions={
        "open": Transition("Ouvrir l'appel aux dépôts", (C.DRAFT,), C.OPEN),
        "close_submissions": Transition("Clore les dépôts", (C.OPEN,), C.REVIEW),
        "publish": Transition("Publier les résultats", (C.REVIEW,), C.PUBLISHED),
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
        "submit": Transition("Déposer le projet", (P.DRAFT,), P.SUBMITTED),
        "withdraw": Transition("Retirer le projet", (P.DRAFT, P.SUBMITTED), P.WITHDRAWN),
        # Accepted or rejected: the decision picks the target.
        "decide": Transition("Décision de la commission", (P.SUBMITTED,), P.ACCEPTED),
    },
)

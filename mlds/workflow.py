"""The MLDS lifecycles, declared once: follow-up, Parcours Ambition emploi, droit au retour.

Transition names are the slugs of the page's action URLs (`/mlds/suivis/<id>/action/contact/`);
`method` names the model method that applies them through the engine. Forms are named by
dotted path because `mlds.forms` imports the models.
"""

from accounts.roles import AMBITION_WRITE_ROLES, MLDS_WRITE_ROLES, holds
from students.enums import AgeEvent
from workflows.engine import Transition, Workflow

from .enums import AmbitionEmploiStatus, DroitRetourStatus, FollowUpStatus
from .enums import MldsDeadline as K

S, A, D = FollowUpStatus, AmbitionEmploiStatus, DroitRetourStatus
MLDS = holds(MLDS_WRITE_ROLES)
AMBITION = holds(AMBITION_WRITE_ROLES)
F = "mlds.forms."

FOLLOW_UP_OPEN = tuple(s for s in S if s != S.CLOS)
IN_SOLUTION = (S.EN_SOLUTION, S.SUIVI_TRANSITION)


def _with_follow_up(follow_up) -> dict:
    return {"follow_up": follow_up}


FOLLOW_UP_WORKFLOW = Workflow(
    name="mlds_follow_up",
    label="Suivi MLDS",
    log_model="mlds.FollowUpLog",
    log_fk="follow_up",
    state_field="status",
    version_field="version",
    strict_state=True,
    transitions={
        "attribuer": Transition(
            "Attribuer le suivi",
            FOLLOW_UP_OPEN,
            may=MLDS,
            form=F + "AssignForm",
            form_kwargs=_with_follow_up,
            method="assign",
            success="Attribution enregistrée.",
        ),
        # Reached or not decides the target (contacté / injoignable) in the method.
        "contact": Transition(
            "Enregistrer une tentative de contact",
            FOLLOW_UP_OPEN,
            may=MLDS,
            form=F + "ContactForm",
            method="record_contact",
            deadlines=(K.MLDS_CONTACT,),
            success="Tentative de contact enregistrée.",
        ),
        "bilan": Transition(
            "Enregistrer le temps de bilan",
            (S.CONTACTE, S.BILAN),
            S.BILAN,
            may=MLDS,
            form=F + "BilanForm",
            method="record_bilan",
            deadlines=(K.MLDS_BILAN,),
            success="Temps de bilan enregistré.",
        ),
        "proposer": Transition(
            "Proposer une solution",
            (S.BILAN,),
            S.SOLUTION_PROPOSEE,
            may=MLDS,
            form=F + "SolutionForm",
            form_kwargs=_with_follow_up,
            method="propose_solution",
            success="Solution proposée au jeune.",
        ),
        "decliner": Transition(
            "Le jeune décline la solution",
            (S.SOLUTION_PROPOSEE,),
            S.BILAN,
            may=MLDS,
            form=F + "CommentForm",
            method="decline_solution",
            success="Solution déclinée : le suivi revient au temps de bilan.",
        ),
        "entree": Transition(
            "Entrée en solution",
            (S.SOLUTION_PROPOSEE,),
            S.EN_SOLUTION,
            may=MLDS,
            form=F + "TakeSolutionForm",
            method="take_solution",
            deadlines=(K.MLDS_TRANSITION,),
            success="Entrée en solution enregistrée : le suivi conjoint de 4 mois commence.",
        ),
        "point": Transition(
            "Point de suivi conjoint",
            IN_SOLUTION,
            may=MLDS,
            form=F + "JointReviewForm",
            method="record_joint_review",
            success="Point de suivi conjoint enregistré.",
        ),
        "rupture": Transition(
            "Rupture de la solution",
            IN_SOLUTION,
            S.BILAN,
            may=MLDS,
            form=F + "CommentForm",
            method="report_rupture",
            deadlines=(K.MLDS_TRANSITION,),
            success="Rupture enregistrée : un nouveau temps de bilan est à prévoir.",
        ),
        "issue": Transition(
            "Enregistrer l'issue du suivi",
            FOLLOW_UP_OPEN,
            may=MLDS,
            form=F + "OutcomeForm",
            method="record_outcome",
            deadlines=(K.MLDS_TRANSITION,),
            success="Issue du suivi enregistrée.",
        ),
        "clore": Transition(
            "Clore le suivi",
            FOLLOW_UP_OPEN,
            S.CLOS,
            may=MLDS,
            form=F + "CloseForm",
            method="close",
            deadlines=(K.MLDS_CONTACT, K.MLDS_BILAN, K.MLDS_TRANSITION, AgeEvent.AGE_25),
            success="Suivi clos.",
        ),
    },
)

AMBITION_WORKFLOW = Workflow(
    name="mlds_ambition_emploi",
    label="Parcours Ambition emploi",
    log_model="mlds.AmbitionEmploiLog",
    log_fk="parcours",
    state_field="status",
    version_field="version",
    strict_state=True,
    transitions={
        "accepter": Transition(
            "Le jeune accepte le parcours",
            (A.PROPOSE,),
            A.ACCEPTE,
            may=AMBITION,
            form=F + "ConfirmForm",
            method="accept",
            success="Le jeune accepte le parcours.",
        ),
        "refuser": Transition(
            "Le jeune refuse le parcours",
            (A.PROPOSE, A.ACCEPTE),
            A.REFUSE,
            may=AMBITION,
            form=F + "CommentForm",
            method="refuse",
            success="Refus enregistré.",
        ),
        "demarrer": Transition(
            "Démarrer le parcours",
            (A.ACCEPTE,),
            A.EN_COURS,
            may=AMBITION,
            form=F + "AmbitionStartForm",
            method="start",
            success="Parcours démarré.",
        ),
        "fin-prevue": Transition(
            "Modifier la fin prévue",
            (A.EN_COURS,),
            may=AMBITION,
            form=F + "AmbitionEndForm",
            method="change_end",
            success="Fin prévue modifiée.",
        ),
        "pfmp": Transition(
            "Ajouter une PFMP",
            (A.ACCEPTE, A.EN_COURS),
            may=AMBITION,
            form=F + "PfmpForm",
            method="add_pfmp",
            success="PFMP ajoutée.",
        ),
        "clore": Transition(
            "Clore le parcours",
            (A.EN_COURS,),
            A.CLOS,
            may=AMBITION,
            form=F + "AmbitionCloseForm",
            method="close",
            success="Parcours clos.",
        ),
    },
)

DROIT_RETOUR_WORKFLOW = Workflow(
    name="mlds_droit_retour",
    label="Droit au retour en formation",
    log_model="mlds.DroitRetourLog",
    log_fk="request",
    state_field="status",
    version_field="version",
    strict_state=True,
    transitions={
        "entretien": Transition(
            "Enregistrer l'entretien",
            (D.DEMANDE,),
            D.ENTRETIEN,
            may=MLDS,
            form=F + "InterviewForm",
            method="record_interview",
            success="Entretien enregistré.",
        ),
        "proposition": Transition(
            "Enregistrer la proposition",
            (D.ENTRETIEN,),
            D.PROPOSITION,
            may=MLDS,
            form=F + "ProposalForm",
            form_kwargs=lambda item: {"departement_id": item.departement_id},
            method="make_proposal",
            success="Proposition enregistrée.",
        ),
        "inscription": Transition(
            "Enregistrer l'inscription",
            (D.PROPOSITION,),
            D.INSCRIT,
            may=MLDS,
            form=F + "EnrolForm",
            method="enrol",
            success="Inscription enregistrée.",
        ),
        "refus": Transition(
            "Enregistrer le refus",
            (D.DEMANDE, D.ENTRETIEN, D.PROPOSITION),
            D.REFUSE,
            may=MLDS,
            form=F + "RefuseForm",
            method="refuse",
            success="Refus enregistré.",
        ),
    },
)

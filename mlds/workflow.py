"""The MLDS lifecycles, declared once: follow-up, Parcours Ambition emploi, droit au retour.

Transition names are the slugs of the page's action URLs (`/mlds/suivis/<id>/action/contact/`);
`method` names the model method that applies them through the engine. Forms are named by
dotted path because `mlds.forms` imports the models.
"""

from django.utils import timezone

from accounts.roles import AMBITION_WRITE_ROLES, MLDS_WRITE_ROLES, holds
from students.enums import AgeEvent
from workflows.engine import Transition, Workflow, reason_of

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


def _version(case) -> dict:
    """Every MLDS form carries the version the page was loaded with."""
    return {"version": case.version}


# --- What blocks an action today (the French reason the model's guard would give) ------------


def _close_blocker(follow_up, today):
    if not follow_up.outcome:
        return (
            "Issue manquante : enregistrez d'abord l'issue du suivi (situation du jeune) ; "
            "un suivi ne se clôt qu'une fois l'issue connue."
        )
    return None


def _bilan_blocker(follow_up, today):
    if follow_up.status in (S.SIGNALE, S.INJOIGNABLE):
        return "Premier contact manquant : le temps de bilan suit un premier contact réussi."
    return None


def _close_initial(follow_up) -> dict:
    from .enums import ClosureReason

    if follow_up.age_limit_reached(timezone.localdate()):
        return {"reason": ClosureReason.AGE_25}
    return {}


def _ambition_accept_blocker(parcours, today):
    if not parcours.is_volunteer:
        return "Le parcours repose sur le volontariat : l'accord du jeune n'est pas recueilli."
    return None


def _ambition_start_blocker(parcours, today):
    return reason_of(parcours.check_eligibility)


def _pfmp_blocker(parcours, today):
    limit = parcours.pfmp_max_days
    if limit is not None and parcours.pfmp_days >= limit:
        return (
            f"Plafond atteint : les PFMP comptent déjà {parcours.pfmp_days} jours, les deux "
            f"tiers du parcours ({limit} jours ouvrés au plus)."
        )
    return None


def _interview_missing(item, today):
    if item.interview_on is None:
        return (
            "Entretien manquant : l'entretien avec le jeune (dans les 15 jours suivant la "
            f"demande, avant le {item.interview_due_on:%d/%m/%Y}) précède toute proposition."
        )
    return None


def _proposal_missing(item, today):
    if not item.proposal:
        return "Proposition manquante : enregistrez d'abord la formation proposée au jeune."
    return None


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
            initial=lambda f: {"coordinator": f.assigned_to_id, "paqi_site": f.paqi_site_id},
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
            (S.SIGNALE, S.INJOIGNABLE, S.CONTACTE, S.BILAN),
            S.BILAN,
            may=MLDS,
            blocker=_bilan_blocker,
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
            initial=lambda f: {"outcome": f.outcome, "note": f.outcome_note} if f.outcome else {},
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
            initial=_close_initial,
            blocker=_close_blocker,
            method="close",
            deadlines=(K.MLDS_CONTACT, K.MLDS_BILAN, K.MLDS_TRANSITION, AgeEvent.AGE_25),
            success="Suivi clos.",
        ),
    },
    form_initial=_version,
    next_actions={
        S.SIGNALE: ("contact",),
        S.INJOIGNABLE: ("contact",),
        S.CONTACTE: ("bilan",),
        S.BILAN: ("proposer",),
        S.SOLUTION_PROPOSEE: ("entree", "decliner"),
        S.EN_SOLUTION: ("point", "issue"),
        S.SUIVI_TRANSITION: ("issue", "clore"),
    },
    waiting={
        S.SIGNALE: "Premier contact avec le jeune (coordonnateur MLDS)",
        S.INJOIGNABLE: "Nouvelle tentative de contact (coordonnateur MLDS)",
        S.CONTACTE: "Temps de bilan avec le jeune (coordonnateur MLDS)",
        S.BILAN: "Proposition d'une solution (coordonnateur MLDS)",
        S.SOLUTION_PROPOSEE: "Réponse du jeune à la solution proposée",
        S.EN_SOLUTION: "Suivi conjoint avec la structure d'accueil",
        S.SUIVI_TRANSITION: "Issue du suivi puis clôture (coordonnateur MLDS)",
        S.CLOS: "Aucune : le suivi est clos",
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
            blocker=_ambition_accept_blocker,
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
            initial=lambda p: {"start_date": p.default_start(timezone.localdate())},
            blocker=_ambition_start_blocker,
            method="start",
            success="Parcours démarré.",
        ),
        "fin-prevue": Transition(
            "Modifier la fin prévue",
            (A.EN_COURS,),
            may=AMBITION,
            form=F + "AmbitionEndForm",
            initial=lambda p: {"planned_end_date": p.planned_end_date},
            method="change_end",
            success="Fin prévue modifiée.",
        ),
        "pfmp": Transition(
            "Ajouter une PFMP",
            (A.ACCEPTE, A.EN_COURS),
            may=AMBITION,
            form=F + "PfmpForm",
            blocker=_pfmp_blocker,
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
    form_initial=_version,
    next_actions={
        A.PROPOSE: ("accepter", "refuser"),
        A.ACCEPTE: ("demarrer",),
        A.EN_COURS: ("clore",),
    },
    waiting={
        A.PROPOSE: "Réponse du jeune au parcours proposé",
        A.ACCEPTE: "Début du parcours (à partir de la rentrée)",
        A.EN_COURS: "Issue du parcours à sa fin prévue",
        A.REFUSE: "Aucune : le jeune a refusé le parcours",
        A.CLOS: "Aucune : le parcours est clos",
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
            (D.DEMANDE, D.ENTRETIEN),
            D.PROPOSITION,
            may=MLDS,
            form=F + "ProposalForm",
            form_kwargs=lambda item: {"departement_id": item.departement_id},
            blocker=_interview_missing,
            method="make_proposal",
            success="Proposition enregistrée.",
        ),
        "inscription": Transition(
            "Enregistrer l'inscription",
            (D.ENTRETIEN, D.PROPOSITION),
            D.INSCRIT,
            may=MLDS,
            form=F + "EnrolForm",
            blocker=_proposal_missing,
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
    form_initial=_version,
    next_actions={
        D.DEMANDE: ("entretien",),
        D.ENTRETIEN: ("proposition",),
        D.PROPOSITION: ("inscription",),
    },
    waiting={
        D.DEMANDE: "Entretien avec le jeune dans les 15 jours (coordonnateur MLDS)",
        D.ENTRETIEN: "Proposition d'une formation (coordonnateur MLDS)",
        D.PROPOSITION: "Inscription du jeune dans la formation proposée",
        D.INSCRIT: "Aucune : le jeune est inscrit",
        D.REFUSE: "Aucune : la demande est close (refus)",
    },
)

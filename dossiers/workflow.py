"""The re-preparation dossier's lifecycle, declared once (domain.md §4.5, derived from seed 000).

The page's actions, the API's actions and the model's transition methods all read this table.
"""

from django.utils import timezone

from accounts.roles import HEAD_ROLES, TRAIL_ROLES, holds
from workflows.engine import Transition, Workflow, reason_of

from . import forms
from .enums import NEXT_STEP, DossierState
from .enums import DossierDeadline as K

S = DossierState
HEAD = holds(HEAD_ROLES)
TRAIL = holds(TRAIL_ROLES)


def _with_dossier(dossier) -> dict:
    return {"dossier": dossier}


def _initial(dossier) -> dict:
    today = timezone.localdate()
    return {"on": today, "held_on": today}


def _wrong_state(transition, current, in_memory) -> str:
    allowed = ", ".join(f"« {S(s).label} »" for s in transition.sources)
    return (
        f"Action impossible : « {transition.label} » n'est possible que si le dossier est "
        f"{allowed} ; il est actuellement « {S(current).label} »."
    )


TRANSITIONS = {
    "plan_entretien": Transition(
        "Planifier l'entretien",
        (S.REMIS, S.ENTRETIEN_PLANIFIE, S.CONTACT_IMPOSSIBLE),
        S.ENTRETIEN_PLANIFIE,
        may=TRAIL,
        form=forms.PlanEntretienForm,
        deadlines=(K.ENTRETIEN_SITUATION,),
    ),
    "record_entretien": Transition(
        "Enregistrer l'entretien de situation",
        (S.REMIS, S.ENTRETIEN_PLANIFIE, S.CONTACT_IMPOSSIBLE),
        S.ENTRETIEN_REALISE,
        may=TRAIL,
        form=forms.EntretienForm,
        deadlines=(K.ENTRETIEN_SITUATION,),
    ),
    "mark_contact_impossible": Transition(
        "Constater le contact impossible ou le refus d'entretien",
        (S.REMIS, S.ENTRETIEN_PLANIFIE),
        S.CONTACT_IMPOSSIBLE,
        may=TRAIL,
        form=forms.CommentForm,
        blocker=lambda d, today: reason_of(d.check_contact_trail),
        deadlines=(K.ENTRETIEN_SITUATION,),
    ),
    "express_wish": Transition(
        "Enregistrer le souhait",
        (S.ENTRETIEN_REALISE, S.CONTACT_IMPOSSIBLE, S.SOUHAIT_EXPRIME),
        S.SOUHAIT_EXPRIME,
        may=HEAD,
        form=forms.WishForm,
    ),
    "reenrol": Transition(
        "Réinscrire dans l'établissement d'origine",
        (S.SOUHAIT_EXPRIME,),
        S.REINSCRIT,
        may=HEAD,
        form=forms.CommentForm,
        blocker=lambda d, today: reason_of(lambda: d.check_reenrol(today)),
        deadlines=(K.DECISION_REINSCRIPTION, K.REPREPARATION_RIGHT_END),
    ),
    "transmit_to_commission": Transition(
        "Transmettre à la commission d'affectation",
        (S.SOUHAIT_EXPRIME,),
        S.TRANSMIS_COMMISSION,
        may=HEAD,
        form=forms.TransmitForm,
        form_kwargs=_with_dossier,
        blocker=lambda d, today: reason_of(lambda: d.check_transmit(today)),
        deadlines=(K.DECISION_REINSCRIPTION, K.COMMISSION_SESSION),
    ),
    "orient_elsewhere": Transition(
        "Orienter vers une autre voie",
        (S.SOUHAIT_EXPRIME,),
        S.ORIENTE_AILLEURS,
        may=HEAD,
        form=forms.CommentForm,
        blocker=lambda d, today: reason_of(d.check_orient),
        deadlines=(K.DECISION_REINSCRIPTION,),
    ),
    # Commission only, through dossiers.services (the docket), never a dossier-page action.
    "record_commission_decision": Transition(
        "Décision de la commission",
        (S.TRANSMIS_COMMISSION,),
        S.DECIDE_COMMISSION,
        deadlines=(K.COMMISSION_SESSION, K.FAMILY_INFORMED),
    ),
    # The commission proposes an assignment; only the IA-DASEN (by delegation of the
    # recteur) or a delegate pronounces it (domain.md §4.5), unless rules.CHAIR_PRONOUNCES.
    "propose_assignment": Transition(
        "Affectation proposée par la commission",
        (S.TRANSMIS_COMMISSION,),
        S.PROPOSITION_AFFECTATION,
        deadlines=(K.COMMISSION_SESSION,),
    ),
    "pronounce_assignment": Transition(
        "Affectation prononcée",
        (S.PROPOSITION_AFFECTATION,),
        S.DECIDE_COMMISSION,
        deadlines=(K.FAMILY_INFORMED,),
    ),
    # The family declines the assigned place; a waiting pupil gets a freed place (a new
    # proposal).
    "record_withdrawal": Transition(
        "Désistement de la famille",
        (S.PROPOSITION_AFFECTATION, S.DECIDE_COMMISSION, S.FAMILLE_INFORMEE),
        S.SANS_SOLUTION,
        deadlines=(K.FAMILY_INFORMED, K.SANS_SOLUTION_SWEEP),
    ),
    "promote_from_waiting_list": Transition(
        "Affectation proposée depuis la liste d'attente",
        (S.DECIDE_COMMISSION, S.FAMILLE_INFORMEE, S.SANS_SOLUTION),
        S.PROPOSITION_AFFECTATION,
        deadlines=(K.FAMILY_INFORMED,),
    ),
    "inform_family": Transition(
        "Famille informée de la décision",
        (S.REINSCRIT, S.DECIDE_COMMISSION, S.ORIENTE_AILLEURS),
        S.FAMILLE_INFORMEE,
        may=HEAD,
        form=forms.InformFamilyForm,
        deadlines=(K.FAMILY_INFORMED,),
    ),
    "confirm_enrolment": Transition(
        "Confirmer l'inscription à la rentrée",
        (S.FAMILLE_INFORMEE, S.SANS_SOLUTION),
        S.INSCRIT_RENTREE,
        may=HEAD,
        form=forms.EnrolmentForm,
        form_kwargs=_with_dossier,
        deadlines=(K.SANS_SOLUTION_SWEEP,),
    ),
    "declare_without_solution": Transition(
        "Déclarer sans solution à la rentrée",
        (
            S.REMIS,
            S.ENTRETIEN_PLANIFIE,
            S.CONTACT_IMPOSSIBLE,
            S.ENTRETIEN_REALISE,
            S.SOUHAIT_EXPRIME,
            S.REINSCRIT,
            S.DECIDE_COMMISSION,
            S.ORIENTE_AILLEURS,
            S.FAMILLE_INFORMEE,
        ),
        S.SANS_SOLUTION,
        may=HEAD,
        form=forms.CommentForm,
        deadlines=(K.SANS_SOLUTION_SWEEP,),
    ),
}

DOSSIER_WORKFLOW = Workflow(
    name="dossier",
    label="Dossier de re-préparation",
    log_model="dossiers.DossierTransition",
    log_fk="dossier",
    transitions=TRANSITIONS,
    form_initial=_initial,
    wrong_state=_wrong_state,
    next_actions={
        S.REMIS: ("plan_entretien", "record_entretien"),
        S.ENTRETIEN_PLANIFIE: ("record_entretien",),
        S.CONTACT_IMPOSSIBLE: ("plan_entretien", "record_entretien"),
        S.ENTRETIEN_REALISE: ("express_wish",),
        S.SOUHAIT_EXPRIME: ("reenrol", "transmit_to_commission", "orient_elsewhere"),
        S.REINSCRIT: ("inform_family",),
        S.DECIDE_COMMISSION: ("inform_family",),
        S.ORIENTE_AILLEURS: ("inform_family",),
        S.FAMILLE_INFORMEE: ("confirm_enrolment",),
    },
    waiting=NEXT_STEP,
)

"""The prevention paths (PAFI, parcours dérogatoire, Tous droits ouverts), declared once.

Each path's lifecycle holds two kinds of transitions:
- one per target status, named after it (`soumis`, `valide`…), derived from the model's
  `TRANSITIONS` table: the moves the model methods apply through `PathBase._move`;
- the page's actions (`transmettre`, `decider`, `bilan`…), with who may start them, their form,
  what blocks them today and the code they run on the row locked for update. The generic
  action view (`workflows.views.action_view`) and the API (`workflows.api`) are generated from
  them.

Forms are named by dotted path because `prevention.forms` imports the models.
"""

from django.utils import timezone

from accounts.enums import Role
from accounts.roles import PREVENTION_WRITE_ROLES, holds, role_in
from workflows.engine import Transition, Workflow, reason_of

from . import conf
from .enums import DerogatoireStatus, PafiStatus, PathKind, TdoStatus

F = "prevention.forms."
SCHOOL = holds(PREVENTION_WRITE_ROLES)
IEN_IO = holds({Role.IEN_IO})
IA_DASEN = holds({Role.IA_DASEN})


def pafi_validator(user) -> bool:
    """The département's role that validates a PAFI (a setting, domain §10.8)."""
    return role_in(user, {conf.pafi_validator_role()} & {Role.IEN_IO, Role.IA_DASEN})


pafi_validator.roles = frozenset({Role.IEN_IO, Role.IA_DASEN})  # for the API schema


def _locked(path):
    from .services import locked

    return locked(path)


def _today_initial(path) -> dict:
    today = timezone.localdate()
    return {
        "started_on": today,
        "date": today,
        "closed_on": today,
        "done_on": today,
        "answered_on": today,
        "start_date": today,
        "kind": "etape",
    }


def _status_transitions(model) -> dict[str, Transition]:
    """One services-only transition per target status of the model's `TRANSITIONS`."""
    targets = dict.fromkeys(t for ts in model.TRANSITIONS.values() for t in ts)
    return {
        str(t): Transition(
            model.Status(t).label,
            tuple(s for s, ts in model.TRANSITIONS.items() if t in ts),
            t,
        )
        for t in targets
    }


def _path_workflow(model, actions, *, next_actions, waiting) -> Workflow:
    return Workflow(
        name=f"prevention_{model.KIND}",
        label=PathKind(model.KIND).label,
        log_model="prevention.PathEvent",
        log_fk=model.KIND,
        state_field="status",
        strict_state=True,
        save_whole_row=True,
        transitions={**_status_transitions(model), **actions},
        form_initial=_today_initial,
        next_actions=next_actions,
        waiting=waiting,
    )


# --- Services the page actions run (on the row locked for update) ----------------------------


def _service(name: str, *, subject: str = "path"):
    """Run `prevention.services.<name>` on the locked row, passed as `subject`."""

    def run(path, *, by, **data):
        from . import services

        return getattr(services, name)(**{subject: _locked(path)}, by=by, **data)

    run.__name__ = name
    return run


def _update_contract(path, *, by, **data):
    from .services import update_contract

    return update_contract(path=_locked(path), data=data, by=by)


def _call(method: str, *, now: bool = False):
    """Run the model method `method` on the locked row (with `now` when it takes it)."""

    def run(path, *, by, **data):
        if now:
            data["now"] = timezone.now()
        return getattr(_locked(path), method)(by=by, **data)

    run.__name__ = method
    return run


# --- What blocks an action today ------------------------------------------------------------


def _pafi_close_blocker(path, today):
    if not path.bilans.exists():
        return "Bilan manquant : enregistrez au moins un bilan avant de clore le PAFI."
    return None


def _derogatoire_transmit_blocker(path, today):
    missing = path.missing_for_transmission()
    if missing:
        return "Transmission impossible, il manque : " + " ; ".join(missing) + "."
    return None


def _visit_blocker(path, today):
    if not path.has_placement:
        return "Ce parcours ne comporte pas de stage."
    return None


def _contract_initial(path) -> dict:
    from .models import Derogatoire

    return {f: getattr(path, f) for f in (*Derogatoire.CONTRACT_FIELDS, "referent")}


def _placement_initial(path) -> dict:
    from .forms import PlacementForm

    values = {f: getattr(path, f) for f in PlacementForm.base_fields if hasattr(path, f)}
    values["has_placement"] = "1" if path.has_placement else "0"
    return values


def _signatures_initial(path) -> dict:
    return {
        "young": path.signed_by_young_on,
        "family": path.signed_by_family_on,
        "head": path.signed_by_head_on,
    }


P, D, T = PafiStatus, DerogatoireStatus, TdoStatus


def _declare():
    from .models import Derogatoire, Pafi, Tdo

    pafi = _path_workflow(
        Pafi,
        {
            "transmettre": Transition(
                "Transmettre au département pour validation",
                (P.PROJECT,),
                P.SUBMITTED,
                may=SCHOOL,
                method=_call("submit", now=True),
                blocker=lambda p, today: reason_of(p.check_dates),
                success="PAFI transmis au département pour validation.",
            ),
            "decider": Transition(
                "Enregistrer la décision du département",
                (P.SUBMITTED,),
                may=pafi_validator,
                form=F + "DecisionForm",
                method=_call("decide", now=True),
                success="Décision enregistrée.",
            ),
            "demarrer": Transition(
                "Enregistrer le début du PAFI",
                (P.VALIDATED,),
                P.RUNNING,
                may=SCHOOL,
                form=F + "StartForm",
                method=_call("start"),
                success="Début du PAFI enregistré.",
            ),
            "bilan": Transition(
                "Ajouter un bilan",
                (P.RUNNING,),
                may=SCHOOL,
                form=F + "BilanForm",
                method=_service("add_bilan"),
                success="Bilan enregistré.",
            ),
            "clore": Transition(
                "Clore le PAFI",
                (P.RUNNING,),
                P.CLOSED,
                may=SCHOOL,
                form=F + "PafiCloseForm",
                method=_call("close"),
                blocker=_pafi_close_blocker,
                success="PAFI clos.",
            ),
            "abandonner": Transition(
                "Abandonner le PAFI",
                (P.PROJECT, P.VALIDATED),
                P.CANCELLED,
                may=SCHOOL,
                form=F + "CancelForm",
                method=_call("cancel"),
                success="PAFI abandonné.",
            ),
        },
        next_actions={
            P.PROJECT: ("transmettre",),
            P.SUBMITTED: ("decider",),
            P.VALIDATED: ("demarrer",),
            P.RUNNING: ("bilan", "clore"),
        },
        waiting={
            P.PROJECT: "Transmission du projet au département (établissement)",
            P.SUBMITTED: "Décision du département",
            P.VALIDATED: "Début du PAFI (établissement)",
            P.RUNNING: "Bilans puis clôture du PAFI (établissement)",
            P.REFUSED: "Aucune : le PAFI a été refusé",
            P.CLOSED: "Aucune : le PAFI est clos",
            P.CANCELLED: "Aucune : le PAFI a été abandonné",
        },
    )
    draft = (D.DRAFT,)
    derogatoire = _path_workflow(
        Derogatoire,
        {
            "objectif": Transition(
                "Ajouter un objectif",
                draft,
                may=SCHOOL,
                form=F + "ObjectiveForm",
                method=_service("add_objective"),
                success="Objectif ajouté.",
            ),
            "signatures": Transition(
                "Enregistrer les signatures du contrat",
                draft,
                may=SCHOOL,
                form=F + "SignaturesForm",
                initial=_signatures_initial,
                method=_service("record_signatures"),
                success="Signatures enregistrées.",
            ),
            "stage": Transition(
                "Enregistrer le stage",
                draft,
                may=SCHOOL,
                form=F + "PlacementForm",
                initial=_placement_initial,
                method=_update_contract,
                success="Stage mis à jour.",
            ),
            "contrat": Transition(
                "Modifier le contrat (les signatures seront à recueillir de nouveau)",
                draft,
                may=SCHOOL,
                form=F + "DerogatoireForm",
                initial=_contract_initial,
                method=_update_contract,
                success="Contrat mis à jour.",
            ),
            "transmettre": Transition(
                "Transmettre à la DSDEN sous le timbre IEN-IO",
                draft,
                D.TRANSMITTED,
                may=SCHOOL,
                method=_call("transmit", now=True),
                blocker=_derogatoire_transmit_blocker,
                success="Projet transmis à la DSDEN sous le timbre IEN-IO.",
            ),
            "avis": Transition(
                "Rendre l'avis de l'IEN-IO",
                (D.TRANSMITTED,),
                D.OPINION_GIVEN,
                may=IEN_IO,
                form=F + "OpinionForm",
                method=_call("give_opinion", now=True),
                success="Avis enregistré.",
            ),
            "decider": Transition(
                "Enregistrer la décision de l'IA-DASEN",
                (D.OPINION_GIVEN,),
                may=IA_DASEN,
                form=F + "DecisionForm",
                method=_call("decide", now=True),
                success="Décision enregistrée.",
            ),
            "demarrer": Transition(
                "Enregistrer le début du parcours",
                (D.VALIDATED,),
                D.RUNNING,
                may=SCHOOL,
                form=F + "StartForm",
                method=_call("start"),
                success="Début du parcours enregistré.",
            ),
            "visite": Transition(
                "Enregistrer la visite de stage",
                (D.RUNNING,),
                may=SCHOOL,
                form=F + "VisitForm",
                method=_call("record_visit"),
                blocker=_visit_blocker,
                success="Visite enregistrée.",
            ),
            "bilan": Transition(
                "Ajouter un bilan",
                (D.RUNNING,),
                may=SCHOOL,
                form=F + "BilanForm",
                method=_service("add_bilan"),
                success="Bilan enregistré.",
            ),
            "abandonner": Transition(
                "Abandonner le parcours",
                (D.DRAFT, D.VALIDATED, D.RUNNING),
                D.CANCELLED,
                may=SCHOOL,
                form=F + "CancelForm",
                method=_call("cancel"),
                success="Parcours abandonné.",
            ),
        },
        next_actions={
            D.DRAFT: ("transmettre",),
            D.TRANSMITTED: ("avis",),
            D.OPINION_GIVEN: ("decider",),
            D.VALIDATED: ("demarrer",),
            D.RUNNING: ("bilan",),
        },
        waiting={
            D.DRAFT: "Contrat complet et signé, puis transmission (établissement)",
            D.TRANSMITTED: "Avis de l'IEN-IO",
            D.OPINION_GIVEN: "Décision de l'IA-DASEN",
            D.VALIDATED: "Début du parcours (établissement)",
            D.RUNNING: "Bilans jusqu'au bilan final (établissement)",
            D.REFUSED: "Aucune : le parcours a été refusé",
            D.FINISHED: "Aucune : le parcours est terminé",
            D.CANCELLED: "Aucune : le parcours a été abandonné",
        },
    )
    tdo = _path_workflow(
        Tdo,
        {
            "reponse": Transition(
                "Enregistrer la réponse de l'élève et de sa famille",
                (T.PROPOSED,),
                may=SCHOOL,
                form=F + "TdoAnswerForm",
                method=_call("answer"),
                success="Réponse enregistrée.",
            ),
            "demarrer": Transition(
                "Enregistrer le début du parcours",
                (T.ACCEPTED,),
                T.RUNNING,
                may=SCHOOL,
                form=F + "TdoStartForm",
                # The partners offered are those serving the path's school.
                form_kwargs=lambda path: {"path": path},
                method=_call("start"),
                success="Début du parcours enregistré.",
            ),
            "suivi": Transition(
                "Enregistrer un point de suivi conjoint",
                (T.RUNNING,),
                may=SCHOOL,
                form=F + "TdoFollowUpForm",
                method=_service("add_tdo_follow_up", subject="tdo"),
                success="Point de suivi enregistré.",
            ),
            "clore": Transition(
                "Clore avec le bilan et l'issue",
                (T.RUNNING,),
                T.CLOSED,
                may=SCHOOL,
                form=F + "TdoCloseForm",
                method=_call("close"),
                success="Tous droits ouverts clos.",
            ),
        },
        next_actions={
            T.PROPOSED: ("reponse",),
            T.ACCEPTED: ("demarrer",),
            T.RUNNING: ("suivi", "clore"),
        },
        waiting={
            T.PROPOSED: "Réponse de l'élève et de sa famille",
            T.ACCEPTED: "Début du parcours chez le partenaire (établissement)",
            T.RUNNING: "Suivi conjoint puis bilan et issue (établissement)",
            T.REFUSED: "Aucune : la proposition a été refusée",
            T.CLOSED: "Aucune : le parcours est clos",
        },
    )
    return {PathKind.PAFI: pafi, PathKind.DEROGATOIRE: derogatoire, PathKind.TDO: tdo}


_WORKFLOWS: dict = {}


def path_workflow(kind: str) -> Workflow:
    """The declared lifecycle of a path kind (built once, on first use: the declaration
    reads the models' `TRANSITIONS`)."""
    if not _WORKFLOWS:
        _WORKFLOWS.update(_declare())
    return _WORKFLOWS[kind]

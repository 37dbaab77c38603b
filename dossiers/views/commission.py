"""Commission d'affectation: sessions, docket, decisions, capacity board, minutes, letters."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_POST

from accounts.perms import SCOPED, access
from accounts.roles import COMMISSION_PAGE_ROLES, COMMISSION_ROLES, role_in
from audit.services import log_list_read
from territories.models import Departement

from .. import forms, rules, services
from ..enums import DecisionOutcome
from ..models import (
    Capacity,
    CommissionDecision,
    CommissionSession,
    RepreparationDossier,
    can_pronounce,
    who_pronounces,
)
from ..perms import get_session_for_user

DOCKET_PAGE_SIZE = 100


def _departements(user):
    return Departement.objects.filter(id__in=user.active_role.departement_ids())


@access(SCOPED, roles=COMMISSION_PAGE_ROLES)
def commission_home(request, session_form=None, status=200):
    sessions = CommissionSession.objects.visible_to(request.user).select_related(
        "commission__departement"
    )
    deps = list(_departements(request.user))
    pending = RepreparationDossier.objects.on_docket_of([d.pk for d in deps]).count()
    return render(
        request,
        "dossiers/commission.html",
        {
            "sessions": sessions,
            "departements": deps,
            "pending": pending,
            "can_write": role_in(request.user, COMMISSION_ROLES),
            "session_form": session_form or forms.SessionForm(),
        },
        status=status,
    )


@access(SCOPED, roles=COMMISSION_ROLES)
@require_POST
def session_create(request):
    form = forms.SessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "La séance n'a pas été créée : corrigez le formulaire.")
        return commission_home(request, session_form=form, status=400)
    departement = request.user.active_role.departement
    session = CommissionSession.objects.create(
        commission=services.commission_for(departement),
        created_by=request.user,
        **form.cleaned_data,
    )
    messages.success(request, f"Séance du {session.date:%d/%m/%Y} créée.")
    return redirect(session)


def _options(capacities, *, free_only: bool):
    if free_only:
        capacities = [c for c in capacities if c.remaining > 0]
    return format_html_join(
        "",
        '<option value="{}">{} — {} ({})</option>',
        (
            (
                c.public_id,
                c.school.name,
                c.formation,
                f"{c.remaining} place(s) libre(s)" if c.remaining else "complet",
            )
            for c in capacities
        ),
    )


def _capacity_options(capacities, exam: str) -> dict:
    """The receiving lycées a dossier of `exam` may be given: capacities with a free place
    for an assignment; any of them, full ones included, for a waiting list."""
    field = rules.EXAM_VOIE_FIELD.get(exam)
    suitable = [
        c
        for c in capacities
        if c.school.school_type in rules.RECEIVING_SCHOOL_TYPES()
        and (field is None or getattr(c.school, field))
    ]
    return {
        "assign": _options(suitable, free_only=True),
        "wait": _options(suitable, free_only=False),
    }


@access(SCOPED, roles=COMMISSION_PAGE_ROLES)
def session_detail(request, public_id, status=200, bound=None):
    """The docket: transmitted dossiers by priority, each with its decision panel; then the
    proposals awaiting the IA-DASEN's pronouncement and the session's decisions."""
    session = get_session_for_user(request.user, public_id)
    today = timezone.localdate()
    pending = session.pending_dossiers().select_related(
        "student", "school__departement", "exam_result", "proposed_school"
    )
    page = Paginator(pending, DOCKET_PAGE_SIZE).get_page(request.GET.get("page"))
    decisions = list(
        session.decisions.select_related(
            "dossier__student",
            "dossier__school",
            "capacity__school",
            "decided_by",
            "pronounced_by",
        ).order_by("-decided_at", "-id")
    )
    shown = [d.student_id for d in page.object_list] + [d.dossier.student_id for d in decisions]
    log_list_read(request=request, object_type="docket", student_ids=shown, row_count=len(shown))
    capacities = list(
        Capacity.objects.filter(commission=session.commission).select_related("school")
    )
    options: dict[str, dict] = {}
    dossiers = list(page.object_list)
    for d in dossiers:
        exam = d.exam_result.exam
        if exam not in options:
            options[exam] = _capacity_options(capacities, exam)
        d.options = options[exam]
        mine = bound is not None and bound["dossier"] == d.public_id
        d.checked_outcome = bound["data"].get("outcome", "") if mine else ""
        d.reason_value = bound["data"].get("reason", "") if mine else ""
    departement_id = session.commission.departement_id
    chair_pronounces = rules.CHAIR_PRONOUNCES()
    return render(
        request,
        "dossiers/session_detail.html",
        {
            "session": session,
            "page_obj": page,
            "dossiers": dossiers,
            "rank_offset": page.start_index() - 1 if page.paginator.count else 0,
            "querystring": "",
            "decisions": decisions,
            "proposals": [d for d in decisions if d.is_proposal],
            "capacities": capacities,
            "outcomes": DecisionOutcome,
            "can_write": role_in(request.user, COMMISSION_ROLES),
            "chair_pronounces": chair_pronounces,
            "can_pronounce": not chair_pronounces
            and can_pronounce(request.user, departement_id, today),
            "pronouncers": [] if chair_pronounces else who_pronounces(departement_id, today),
            "documents": session.documents.all(),
            "priority_rule": rules.PRIORITY_RULE_TEXT,
        },
        status=status,
    )


@access(SCOPED, roles=COMMISSION_ROLES)
@require_POST
def session_decide(request, public_id, dossier_id):
    session = get_session_for_user(request.user, public_id, write=True)
    dossier = get_object_or_404(
        RepreparationDossier.objects.visible_to(request.user), public_id=dossier_id
    )
    form = forms.DecisionForm(request.POST)
    bound = {"dossier": dossier.public_id, "data": request.POST}
    if not form.is_valid():
        messages.error(request, "Décision incomplète : choisissez une décision.")
        return session_detail(request, public_id, status=400, bound=bound)
    data = form.cleaned_data
    capacity = None
    # The panel sends the assignment's lycée, or the formation a waiting list names.
    wanted = data["capacity"]
    if data["outcome"] == DecisionOutcome.LISTE_ATTENTE:
        wanted = data["waiting_capacity"] or data["capacity"]
    if wanted:  # services.decide() keeps it for an assignment or a waiting list
        capacity = Capacity.objects.filter(commission=session.commission, public_id=wanted).first()
        if capacity is None:
            messages.error(request, "Capacité d'accueil inconnue.")
            return session_detail(request, public_id, status=400, bound=bound)
    try:
        decision = services.decide(
            session=session,
            dossier=dossier,
            outcome=data["outcome"],
            capacity=capacity,
            reason=data["reason"],
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return session_detail(request, public_id, status=409, bound=bound)
    messages.success(request, f"{dossier.student} : {decision.summary}.")
    return redirect(session)


@access(SCOPED, roles=COMMISSION_ROLES)
@require_POST
def session_pronounce(request, public_id):
    """The IA-DASEN (or a delegate) pronounces the proposals ticked on the docket."""
    session = get_session_for_user(request.user, public_id, write=True)
    ticked = request.POST.getlist("dossiers")
    try:
        ids = [uuid.UUID(value) for value in ticked]
    except ValueError:
        ids = None
    if not ids:
        messages.error(request, "Cochez au moins une affectation proposée à prononcer.")
        return session_detail(request, public_id, status=400)
    try:
        done, refused = services.pronounce(session=session, by=request.user, dossier_ids=ids)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        allowed = can_pronounce(request.user, session.commission.departement_id)
        return session_detail(request, public_id, status=409 if allowed else 403)
    if done:
        messages.success(
            request,
            f"{len(done)} affectation{'s' if len(done) > 1 else ''} prononcée"
            f"{'s' if len(done) > 1 else ''} : les lettres aux familles peuvent être préparées.",
        )
    if refused:
        messages.error(request, "Non prononcées : " + " ; ".join(refused))
    return redirect(session)


@access(SCOPED, roles=COMMISSION_ROLES)
@require_POST
def session_minutes(request, public_id):
    session = get_session_for_user(request.user, public_id, write=True)
    doc = services.render_minutes(session=session, by=request.user)
    messages.success(request, f"Procès-verbal généré : {doc.title}.")
    return redirect(session)


@access(SCOPED, roles=COMMISSION_ROLES)
@require_POST
def session_letters(request, public_id):
    session = get_session_for_user(request.user, public_id, write=True)
    try:
        batch = services.request_letters(by=request.user, session=session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(session)
    messages.success(request, f"Préparation de {batch.total} lettre(s) lancée.")
    return redirect(batch)


@access(SCOPED, roles=COMMISSION_PAGE_ROLES)
def capacity_board(request, form=None, status=200):
    deps = request.user.active_role.departement_ids()
    capacities = list(
        Capacity.objects.visible_to(request.user).select_related(
            "school", "commission__departement"
        )
    )
    waiting: dict[int, list] = {}
    today = timezone.localdate()
    on_list = list(services.waiting_list_of(capacities))
    for decision in on_list:
        decision.right_ended = today > decision.dossier.right_end
        waiting.setdefault(decision.capacity_id, []).append(decision)
    log_list_read(
        request=request,
        object_type="waiting_list",
        student_ids=(d.dossier.student_id for d in on_list),
        row_count=len(on_list),
    )
    rows = [
        {
            "capacity": c,
            "waiting": waiting.get(c.pk, []),
            "can_promote": c.remaining > 0
            and any(not w.right_ended for w in waiting.get(c.pk, [])),
        }
        for c in capacities
    ]
    return render(
        request,
        "dossiers/capacities.html",
        {
            "rows": rows,
            "form": form or forms.CapacityForm(departement_ids=deps),
            "can_write": role_in(request.user, COMMISSION_ROLES),
        },
        status=status,
    )


@access(SCOPED, roles=COMMISSION_ROLES)
@require_POST
def capacity_promote(request, public_id):
    """Give a free place to the first pupil on the capacity's waiting list."""
    capacity = get_object_or_404(Capacity.objects.visible_to(request.user), public_id=public_id)
    try:
        decision = services.promote_from_waiting_list(capacity=capacity, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return capacity_board(request, status=409)
    messages.success(
        request,
        f"{decision.dossier.student} : {decision.summary}. L'établissement d'origine doit "
        "maintenant informer la famille.",
    )
    return redirect("dossiers:capacities")


@access(SCOPED, roles=COMMISSION_ROLES)
@require_POST
def decision_withdraw(request, dossier_id):
    """The family declines the assigned place: record it and free the place."""
    decision = get_object_or_404(
        CommissionDecision.objects.visible_to(request.user).select_related(
            "session", "dossier__student"
        ),
        dossier__public_id=dossier_id,
    )
    form = forms.WithdrawalForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Le désistement n'a pas été enregistré : " + " ".join(form.errors["reason"])
        )
        return session_detail(request, decision.session.public_id, status=400)
    try:
        services.record_withdrawal(
            decision=decision, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return session_detail(request, decision.session.public_id, status=409)
    messages.success(
        request,
        f"{decision.dossier.student} : désistement enregistré, la place est libérée pour la "
        "liste d'attente.",
    )
    return redirect(decision.session)


@access(SCOPED, roles=COMMISSION_ROLES)
@require_POST
def capacity_save(request):
    role = request.user.active_role
    form = forms.CapacityForm(request.POST, departement_ids=[role.departement_id])
    if not form.is_valid():
        messages.error(request, "La capacité n'a pas été enregistrée : corrigez le formulaire.")
        return capacity_board(request, form=form, status=400)
    data = form.cleaned_data
    commission = services.commission_for(role.departement)
    capacity = Capacity.objects.filter(school=data["school"], formation=data["formation"]).first()
    try:
        if capacity is None:
            Capacity.objects.create(commission=commission, **data)
        elif data["places"] < capacity.assigned:
            form.add_error(
                "places",
                f"{capacity.assigned} place(s) déjà attribuée(s) : la capacité ne peut pas être "
                "inférieure.",
            )
            return capacity_board(request, form=form, status=400)
        else:
            Capacity.objects.filter(pk=capacity.pk).update(places=data["places"])
    except IntegrityError:
        form.add_error(None, "Places attribuées entre-temps : rechargez la page et réessayez.")
        return capacity_board(request, form=form, status=409)
    messages.success(
        request, f"Capacité enregistrée : {data['school'].name} — {data['formation']}."
    )
    return redirect("dossiers:capacities")

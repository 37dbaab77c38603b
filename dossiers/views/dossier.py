"""The dossier page and every change made from it (POST only)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from accounts.perms import SCOPED, access
from accounts.roles import (
    COMMISSION_ROLES,
    DOSSIER_READ_ROLES,
    HEAD_ROLES,
    MLDS_HANDOVER_ROLES,
    TRAIL_ROLES,
    role_in,
)
from audit.models import AccessLog
from audit.services import log_list_read, log_read
from workflows.views import action_view

from .. import forms, rules, services
from ..enums import DecisionOutcome, DossierState, PlanChoiceKind
from ..models import AccompanimentEntry, CommissionDecision
from ..perms import get_document_for_user, get_dossier_for_user
from ..workflow import DOSSIER_WORKFLOW


def _context(
    request, dossier, *, bound=None, trail_form=None, registration_form=None, cancel_form=None
):
    user = request.user
    today = timezone.localdate()
    result = dossier.exam_result
    marks = list(result.marks.all())
    choices = {c.mark_id: c for c in dossier.plan_choices.select_related("chosen_by")}
    registrations = list(dossier.exam_registrations.select_related("confirmed_by", "cancelled_by"))
    registration = next((r for r in registrations if r.cancelled_at is None), None)
    rows = dossier.plan_rows(marks=marks, choices=choices, registration=registration)
    prefetch_related_objects(
        [dossier],
        Prefetch("trail", queryset=AccompanimentEntry.objects.select_related("recorded_by")),
    )
    offers = DOSSIER_WORKFLOW.offers(dossier, user, today=today, bound=bound)
    try:
        decision = dossier.decision
    except CommissionDecision.DoesNotExist:
        decision = None
    return {
        "d": dossier,
        "student": dossier.student,
        "result": result,
        "rule": result.rule,
        "plan": rows,
        "timetable": dossier.timetable(rows),
        "transitions": dossier.transitions.select_related("by"),
        "trail": dossier.trail.all(),
        "entretiens": dossier.entretiens.select_related("recorded_by"),
        "documents": dossier.documents.all(),
        "deadlines": dossier.pending_deadlines(today),
        "decision": decision,
        "offers": offers,
        "next_step": DOSSIER_WORKFLOW.next_step(dossier, offers),
        "trail_form": trail_form or forms.TrailForm(initial={"occurred_on": today}),
        "can_trail": role_in(user, TRAIL_ROLES),
        "can_head": role_in(user, HEAD_ROLES),
        "can_letter": role_in(user, HEAD_ROLES | COMMISSION_ROLES),
        "can_mlds": role_in(user, MLDS_HANDOVER_ROLES)
        and dossier.state == DossierState.SANS_SOLUTION
        and not dossier.mlds_transmitted_at,
        "mlds_available": services.mlds_available(),
        "can_ambition": role_in(user, MLDS_HANDOVER_ROLES)
        and services.can_offer_ambition_emploi(dossier),
        "priority_rule": rules.PRIORITY_RULE_TEXT,
        "today": today,
        "choice_kinds": PlanChoiceKind.choices,
        "registration": registration,
        "cancelled_registrations": [r for r in registrations if r.cancelled_at is not None],
        "registration_form": registration_form
        or forms.ExamRegistrationForm(prefix="inscription", initial={"registered_on": today}),
        "cancel_registration_form": cancel_form
        or forms.CancelRegistrationForm(prefix="annulation"),
        "decision_outcomes": DecisionOutcome,
    }


def _error_page(request, dossier, message, *, status, **kwargs):
    messages.error(request, message)
    return render(
        request, "dossiers/dossier_detail.html", _context(request, dossier, **kwargs), status=status
    )


@access(SCOPED, roles=DOSSIER_READ_ROLES)
def dossier_detail(request, public_id):
    dossier = get_dossier_for_user(request.user, public_id)
    log_read(request=request, obj=dossier.student)
    return render(request, "dossiers/dossier_detail.html", _context(request, dossier))


def _render_dossier(request, dossier, *, bound=None, status=200):
    return render(
        request,
        "dossiers/dossier_detail.html",
        _context(request, dossier, bound=bound),
        status=status,
    )


dossier_action = action_view(
    DOSSIER_WORKFLOW,
    roles=TRAIL_ROLES,
    get_object=lambda user, public_id: get_dossier_for_user(
        user, public_id, write=True, roles=TRAIL_ROLES
    ),
    render_page=_render_dossier,
)


@access(SCOPED, roles=TRAIL_ROLES)
@require_POST
def trail_add(request, public_id):
    dossier = get_dossier_for_user(request.user, public_id, write=True, roles=TRAIL_ROLES)
    form = forms.TrailForm(request.POST)
    if form.is_valid():
        entry = AccompanimentEntry(dossier=dossier, recorded_by=request.user, **form.cleaned_data)
        try:
            entry.full_clean()
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            entry.save()
            messages.success(request, "Action d'accompagnement enregistrée.")
            return redirect(dossier)
    return _error_page(
        request, dossier, "L'action n'a pas été enregistrée.", status=400, trail_form=form
    )


@access(SCOPED, roles=TRAIL_ROLES)
@require_POST
def plan_save(request, public_id):
    dossier = get_dossier_for_user(request.user, public_id, write=True, roles=TRAIL_ROLES)
    marks = {str(m.pk): m for m in dossier.exam_result.marks.all()}
    errors = []
    for key, value in request.POST.items():
        if not key.startswith("choice_") or not value:
            continue
        mark = marks.get(key.removeprefix("choice_"))
        if mark is None:
            continue
        try:
            dossier.set_plan_choice(by=request.user, mark=mark, choice=value)
        except ValidationError as exc:
            errors.extend(m for m in exc.messages if m not in errors)
    if errors:
        return _error_page(request, dossier, " ".join(errors), status=400)
    messages.success(request, "Choix de l'élève enregistrés ; l'emploi du temps est mis à jour.")
    return redirect(dossier)


@access(SCOPED, roles=HEAD_ROLES)
@require_POST
def plan_registration(request, public_id, action):
    """Confirm the registration for the next session (locks the choices), or withdraw it."""
    dossier = get_dossier_for_user(request.user, public_id, write=True, roles=HEAD_ROLES)
    if action == "confirmer":
        form = forms.ExamRegistrationForm(request.POST, prefix="inscription")
        bound = {"registration_form": form}
    elif action == "annuler":
        form = forms.CancelRegistrationForm(request.POST, prefix="annulation")
        bound = {"cancel_form": form}
    else:
        raise Http404("Action inconnue.")
    if not form.is_valid():
        return _error_page(
            request, dossier, "Le formulaire contient des erreurs.", status=400, **bound
        )
    try:
        if action == "confirmer":
            done = dossier.confirm_exam_registration(
                by=request.user, registered_on=form.cleaned_data["registered_on"]
            )
            message = (
                f"Inscription à la session {done.session_year} confirmée : les choix de l'élève "
                "sont verrouillés."
            )
        else:
            dossier.cancel_exam_registration(by=request.user, reason=form.cleaned_data["reason"])
            message = "Confirmation annulée : les choix de l'élève sont de nouveau modifiables."
    except ValidationError as exc:
        return _error_page(request, dossier, " ".join(exc.messages), status=409, **bound)
    messages.success(request, message)
    return redirect(dossier)


@access(SCOPED, roles=HEAD_ROLES | COMMISSION_ROLES)
@require_POST
def document_create(request, public_id, kind):
    roles = HEAD_ROLES if kind == "demande" else HEAD_ROLES | COMMISSION_ROLES
    dossier = get_dossier_for_user(request.user, public_id, write=True, roles=roles)
    try:
        if kind == "demande":
            doc = services.render_demande(dossier=dossier, by=request.user)
        elif kind == "lettre":
            doc = services.render_family_letter(dossier=dossier, by=request.user)
        else:
            raise Http404("Document inconnu.")
    except ValidationError as exc:
        return _error_page(request, dossier, " ".join(exc.messages), status=409)
    messages.success(request, f"Document généré : {doc.title}.")
    return redirect(dossier)


@access(SCOPED, roles=DOSSIER_READ_ROLES)
def document_download(request, public_id):
    doc = get_document_for_user(request.user, public_id)
    # One row naming every pupil of the PDF (a batch of letters names many).
    student_ids = list(doc.dossiers.values_list("student_id", flat=True))
    log_list_read(
        request=request,
        object_type="generateddocument",
        object_id=str(doc.public_id),
        student_ids=student_ids,
        row_count=len(student_ids),
        channel=AccessLog.Channel.PDF,
    )
    with doc.file.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"{doc.title}.pdf"
    )
    return response


@access(SCOPED, roles=MLDS_HANDOVER_ROLES)
@require_POST
def mlds_transmit(request, public_id):
    dossier = get_dossier_for_user(request.user, public_id, write=True, roles=MLDS_HANDOVER_ROLES)
    try:
        services.transmit_to_mlds(dossier=dossier, by=request.user)
    except ValidationError as exc:
        return _error_page(request, dossier, " ".join(exc.messages), status=409)
    messages.success(request, "Élève transmis à la MLDS.")
    return redirect(dossier)


@access(SCOPED, roles=MLDS_HANDOVER_ROLES)
@require_POST
def ambition_emploi_offer(request, public_id):
    dossier = get_dossier_for_user(request.user, public_id, write=True, roles=MLDS_HANDOVER_ROLES)
    volunteer = request.POST.get("is_volunteer") == "oui"
    busy = request.POST.get("is_employed_or_in_training") == "oui"
    try:
        parcours = services.offer_ambition_emploi(
            dossier=dossier,
            by=request.user,
            is_volunteer=volunteer,
            is_employed_or_in_training=busy,
        )
    except ValidationError as exc:
        return _error_page(request, dossier, " ".join(exc.messages), status=400)
    messages.success(request, "Parcours Ambition emploi proposé : il se poursuit avec la MLDS.")
    if type(parcours).objects.visible_to(request.user).filter(pk=parcours.pk).exists():
        return redirect(parcours)
    return redirect(dossier)

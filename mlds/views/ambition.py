"""Parcours Ambition emploi pages: list, parcours page, proposal from a follow-up, actions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.perms import SCOPED, access
from accounts.roles import AMBITION_WRITE_ROLES, MLDS_PAGE_ROLES, MLDS_WRITE_ROLES
from audit.services import log_list_read, log_read
from workflows.views import action_view

from ..enums import AmbitionEmploiStatus
from ..forms import (
    AmbitionProposeForm,
)
from ..models import AmbitionEmploi
from ..perms import get_ambition_for_user, get_follow_up_for_user
from ..services import held_exam_cycle, propose_ambition_emploi
from ..workflow import AMBITION_WORKFLOW

A = AmbitionEmploiStatus


@access(SCOPED, roles=MLDS_PAGE_ROLES)
def ambition_list(request):
    qs = (
        AmbitionEmploi.objects.visible_to(request.user)
        .select_related("student", "school")
        .order_by("-proposed_on", "-id")
    )
    status = request.GET.get("status", "")
    if status in A.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    log_list_read(
        request=request,
        object_type="ambitionemploi",
        student_ids=(p.student_id for p in page.object_list),
        row_count=len(page.object_list),
    )
    return render(
        request,
        "mlds/ambition_list.html",
        {
            "page_obj": page,
            "parcours_list": page.object_list,
            "status": status,
            "statuses": A.choices,
            "querystring": f"status={status}" if status else "",
        },
    )


def _render(request, parcours, bound=None, status=200):
    can_write = AmbitionEmploi.objects.writable_by(request.user).filter(pk=parcours.pk).exists()
    today = timezone.localdate()
    offers = (
        AMBITION_WORKFLOW.offers(parcours, request.user, today=today, bound=bound)
        if can_write
        else []
    )
    return render(
        request,
        "mlds/ambition_detail.html",
        {
            "parcours": parcours,
            "offers": offers,
            "next_step": AMBITION_WORKFLOW.next_step(parcours, offers),
            "can_write": can_write,
            "deadlines": parcours.deadline_specs(),
            "start_window": parcours.start_window,
            "timeline": parcours.logs.select_related("by").order_by("-at", "-id"),
            "today": today,
        },
        status=status,
    )


@access(SCOPED, roles=MLDS_PAGE_ROLES)
def ambition_detail(request, public_id):
    parcours = get_ambition_for_user(request.user, public_id)
    log_read(request=request, obj=parcours)
    return _render(request, parcours)


def _render_after_action(request, parcours, *, bound=None, status=200):
    parcours = get_ambition_for_user(request.user, parcours.public_id, write=True)
    return _render(request, parcours, bound=bound, status=status)


ambition_action = action_view(
    AMBITION_WORKFLOW,
    roles=AMBITION_WRITE_ROLES,
    get_object=lambda user, public_id: get_ambition_for_user(user, public_id, write=True),
    render_page=_render_after_action,
    refusal_status=400,
)


@access(SCOPED, roles=MLDS_WRITE_ROLES)
@require_POST
def ambition_propose(request, public_id):
    """From the MLDS follow-up page: offer a Parcours Ambition emploi to the young person."""
    follow_up = get_follow_up_for_user(request.user, public_id, write=True)
    form = AmbitionProposeForm(
        request.POST,
        prefix="ambition",
        departement_id=follow_up.departement_id,
        held=held_exam_cycle(follow_up.student),
    )
    if not form.is_valid():
        messages.error(request, "Le formulaire du Parcours Ambition emploi contient des erreurs.")
        return redirect(follow_up)
    d = form.cleaned_data
    school = follow_up.student.current_school or follow_up.last_school
    try:
        parcours = propose_ambition_emploi(
            student=follow_up.student,
            by=request.user,
            diploma=d["diploma"],
            school=school,
            is_volunteer=d["is_volunteer"],
            is_employed_or_in_training=d["is_employed_or_in_training"],
            objectives=d["objectives"],
            partners=d["partners"],
            follow_up=follow_up,
            origin=follow_up,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(follow_up)
    messages.success(request, "Parcours Ambition emploi proposé.")
    return redirect(parcours)

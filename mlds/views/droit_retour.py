"""Droit au retour en formation: requests, the 15-day interview, proposal, enrolment or refusal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.perms import SCOPED, access
from accounts.roles import DROIT_RETOUR_READ_ROLES, MLDS_WRITE_ROLES
from audit.services import log_list_read, log_read
from workflows.views import action_view

from ..enums import DroitRetourStatus
from ..forms import DroitRetourForm
from ..identity import find_or_create_young_person
from ..models import DroitRetour
from ..perms import get_droit_retour_for_user
from ..services import open_droit_retour
from ..workflow import DROIT_RETOUR_WORKFLOW

D = DroitRetourStatus


@access(SCOPED, roles=DROIT_RETOUR_READ_ROLES)
def droit_retour_list(request):
    qs = (
        DroitRetour.objects.visible_to(request.user)
        .select_related("student")
        .order_by("-requested_on", "-id")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    log_list_read(
        request=request,
        object_type="droitretour",
        student_ids=(r.student_id for r in page.object_list),
        row_count=len(page.object_list),
    )
    return render(
        request,
        "mlds/droit_retour_list.html",
        {
            "page_obj": page,
            "requests": page.object_list,
            "today": timezone.localdate(),
            "can_write": request.user.active_role.role in MLDS_WRITE_ROLES,
            "querystring": "",
        },
    )


@access(SCOPED, roles=MLDS_WRITE_ROLES)
def droit_retour_new(request):
    form = DroitRetourForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                student, _created = find_or_create_young_person(
                    ine=d["ine"],
                    last_name=d["last_name"],
                    first_name=d["first_name"],
                    birth_date=d["birth_date"],
                    phone=d["phone"],
                    email=d["email"],
                )
                dep_ids = request.user.active_role.departement_ids()
                item = open_droit_retour(
                    student=student,
                    by=request.user,
                    channel=d["channel"],
                    requested_on=d["requested_on"],
                    highest_diploma=d["highest_diploma"],
                    departement=None if student.current_school_id else dep_ids[0],
                )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"Demande enregistrée : entretien à tenir avant le "
                f"{item.interview_due_on:%d/%m/%Y}.",
            )
            return redirect(item)
    return render(request, "mlds/droit_retour_new.html", {"form": form})


def _render(request, item, bound=None, status=200):
    can_write = DroitRetour.objects.writable_by(request.user).filter(pk=item.pk).exists()
    today = timezone.localdate()
    offers = (
        DROIT_RETOUR_WORKFLOW.offers(item, request.user, today=today, bound=bound)
        if can_write
        else []
    )
    return render(
        request,
        "mlds/droit_retour_detail.html",
        {
            "item": item,
            "offers": offers,
            "next_step": DROIT_RETOUR_WORKFLOW.next_step(item, offers),
            "today": today,
            "timeline": item.logs.select_related("by").order_by("-at", "-id"),
        },
        status=status,
    )


@access(SCOPED, roles=DROIT_RETOUR_READ_ROLES)
def droit_retour_detail(request, public_id):
    item = get_droit_retour_for_user(request.user, public_id)
    log_read(request=request, obj=item)
    return _render(request, item)


def _render_after_action(request, item, *, bound=None, status=200):
    item = get_droit_retour_for_user(request.user, item.public_id, write=True)
    return _render(request, item, bound=bound, status=status)


droit_retour_action = action_view(
    DROIT_RETOUR_WORKFLOW,
    roles=MLDS_WRITE_ROLES,
    get_object=lambda user, public_id: get_droit_retour_for_user(user, public_id, write=True),
    render_page=_render_after_action,
    refusal_status=400,
)

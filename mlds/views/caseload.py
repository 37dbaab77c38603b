"""The coordinator's caseload, its CSV export for reconciliation with SIEI/RIO, the dashboard."""

import csv

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.enums import Role
from accounts.perms import SCOPED, access
from accounts.roles import DROIT_RETOUR_READ_ROLES, MLDS_PAGE_ROLES, active_role
from audit.models import AccessLog
from audit.services import log_list_read

from .. import rules
from ..enums import CaseloadView
from ..exports import EXPORT_HEADER, export_rows
from ..forms import CaseloadFilterForm
from ..models import AmbitionEmploi, FollowUp
from ..perms import can_signal, can_write_follow_ups

PAGE_SIZE = 50
V = CaseloadView


def filtered_follow_ups(user, params, today):
    """Follow-ups of the active scope, filtered by the caseload form (page and export)."""
    form = CaseloadFilterForm(params or None)
    qs = FollowUp.objects.visible_to(user)
    default = V.MINE if user.active_role.role == Role.COORDONNATEUR_MLDS else V.ALL
    view = default
    if form.is_valid():
        data = form.cleaned_data
        view = data["view"] or default
        text = (data["q"] or "").strip()
        for word in text.split():
            qs = qs.filter(
                Q(student__last_name__istartswith=word)
                | Q(student__first_name__istartswith=word)
                | Q(student__ine=word.upper())
            )
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["source"]:
            qs = qs.filter(source=data["source"])
    if view == V.MINE:
        qs = qs.open().filter(assigned_to=user)
    elif view == V.UNASSIGNED:
        qs = qs.open().filter(assigned_to__isnull=True, paqi_site__isnull=True)
    elif view == V.OVERDUE:
        qs = qs.overdue(today)
    elif view == V.WINDOWS:
        qs = qs.windows_ending_in(today)
    elif view == V.CLOSED:
        qs = qs.filter(status="clos")
    else:
        qs = qs.open()
    return form, view, qs


@access(SCOPED, roles=MLDS_PAGE_ROLES)
def caseload(request):
    today = timezone.localdate()
    form, view, qs = filtered_follow_ups(request.user, request.GET, today)
    qs = qs.select_related(
        "student", "assigned_to", "paqi_site", "solution_partner", "last_school"
    ).by_urgency()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for fu in rows:
        fu.age_now = fu.student.age_on(today)
        fu.is_aged_out = fu.is_open and fu.age_now >= rules.FOLLOW_UP_END_AGE()
        fu.is_late = fu.next_due is not None and fu.next_due < today
    windows = []
    if view == V.WINDOWS:
        windows = list(
            AmbitionEmploi.objects.visible_to(request.user)
            .ending_in_month_of(today)
            .select_related("student", "school")
        )
    query = request.GET.copy()
    query.pop("page", None)
    views = [(v, label) for v, label in V.choices]
    log_list_read(
        request=request,
        object_type="followup",
        student_ids=[fu.student_id for fu in rows] + [a.student_id for a in windows],
        row_count=len(rows) + len(windows),
    )
    return render(
        request,
        "mlds/caseload.html",
        {
            "form": form,
            "view": view,
            "views": views,
            "page_obj": page,
            "follow_ups": rows,
            "windows": windows,
            "querystring": query.urlencode(),
            "today": today,
            "can_write": can_write_follow_ups(request.user),
            "can_signal": can_signal(request.user),
        },
    )


class _Echo:
    def write(self, value):
        return value


@access(SCOPED, roles=MLDS_PAGE_ROLES)
def export_csv(request):
    """Stream the filtered caseload as CSV (SIEI/RIO column order first). The read is logged
    before the first byte leaves: one row naming every young person of the file."""
    today = timezone.localdate()
    _form, _view, qs = filtered_follow_ups(request.user, request.GET, today)
    writer = csv.writer(_Echo(), delimiter=";")
    student_ids = list(qs.values_list("student_id", flat=True))
    log_list_read(
        request=request,
        object_type="followup",
        student_ids=student_ids,
        row_count=len(student_ids),
        channel=AccessLog.Channel.EXPORT,
    )

    def stream():
        yield "\ufeff" + writer.writerow(EXPORT_HEADER)
        for _public_id, row in export_rows(qs):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="suivis-mlds-{today:%Y%m%d}.csv"'
    return response


def dashboard_panel(request) -> str:
    """HTML block for the home dashboard, or "" when this app has nothing for the role."""
    role = active_role(request.user, nominative=True)
    if role is None or role.role not in MLDS_PAGE_ROLES:
        return ""
    today = timezone.localdate()
    qs = FollowUp.objects.visible_to(request.user).open()
    age_limit = rules.birthday(today, -rules.FOLLOW_UP_END_AGE())
    counts = qs.aggregate(
        total=Count("id"),
        mine=Count("id", filter=Q(assigned_to=request.user)),
        unassigned=Count("id", filter=Q(assigned_to__isnull=True, paqi_site__isnull=True)),
        aged_out=Count("id", filter=Q(student__birth_date__lte=age_limit)),
    )
    counts["overdue"] = qs.overdue(today).count()
    return render_to_string(
        "mlds/_dashboard.html",
        {"counts": counts, "can_signal": can_signal(request.user)},
        request=request,
    )


def student_cases(request, student) -> list[dict]:
    """The young person's MLDS follow-ups, Ambition emploi and droit au retour the viewer may
    open, for the pupil's record."""
    from ..models import DroitRetour

    role = active_role(request.user)
    if role is None:
        return []
    cases = []
    kinds = [
        (FollowUp, "Suivi MLDS", MLDS_PAGE_ROLES),
        (AmbitionEmploi, "Parcours Ambition emploi", MLDS_PAGE_ROLES),
        (DroitRetour, "Droit au retour en formation", DROIT_RETOUR_READ_ROLES),
    ]
    for model, kind, roles in kinds:
        if role.role not in roles:
            continue
        for case in model.objects.visible_to(request.user).filter(student=student):
            cases.append(
                {
                    "kind": kind,
                    "label": f"ouvert le {case.created_at:%d/%m/%Y}",
                    "state": case.get_status_display(),
                    "url": case.get_absolute_url(),
                }
            )
    return cases

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.perms import SCOPED, access
from accounts.roles import OPERATIONS_ROLES
from audit.services import log_list_read

from . import calendar, registry, services, tasks
from .enums import SendState
from .forms import ResumeForm, SuspendForm
from .models import Deadline, Digest, Reminder, Suspension
from .perms import get_case_for_user, get_reminder_for_user, subject_of

PAGE_SIZE = 50
VIEWS = {
    "mine": "Mes rappels",
    "semaine": "Échéance cette semaine",
    "retard": "En retard",
}


def end_of_week(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=6 - day.weekday())


def inbox_items(user, view: str, today: dt.date):
    case = {
        "content_type": OuterRef("deadline__content_type"),
        "object_id": OuterRef("deadline__object_id"),
    }
    qs = (
        Reminder.objects.for_user(user)
        .select_related("deadline")
        .annotate(is_suspended=Exists(Suspension.objects.active().filter(**case)))
    )
    if view == "semaine":
        qs = qs.filter(
            deadline__completed_at__isnull=True,
            deadline__due_date__gte=today,
            deadline__due_date__lte=end_of_week(today),
        )
    elif view == "retard":
        qs = qs.filter(deadline__completed_at__isnull=True, deadline__due_date__lt=today)
    is_read = ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField())
    # Suspending is a write on the case: offered only where the account may act on it.
    can_suspend = ExpressionWrapper(
        registry.case_q(user, "deadline__", write=True), output_field=BooleanField()
    )
    return qs.annotate(is_read=is_read, can_suspend=can_suspend, group=inbox_group(today)).order_by(
        "group", "deadline__due_date", "is_read", "-created_at", "-id"
    )


def inbox_group(today: dt.date, prefix: str = "deadline__"):
    """`services.urgency_group` in SQL, to sort and paginate the inbox."""
    return Case(
        When(**{f"{prefix}completed_at__isnull": False}, then=Value(services.DONE)),
        When(
            **{f"{prefix}kind__in": registry.information_kinds()},
            then=Value(services.INFORMATION),
        ),
        When(**{f"{prefix}due_date__lt": today}, then=Value(services.OVERDUE)),
        default=Value(services.DUE_SOON),
        output_field=IntegerField(),
    )


@access(SCOPED)
def inbox(request):
    view = request.GET.get("vue", "mine")
    if view not in VIEWS:
        view = "mine"
    today = timezone.localdate()
    page = Paginator(inbox_items(request.user, view, today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    log_list_read(
        request=request,
        object_type="reminder",
        student_ids=(item.deadline.student_id for item in page.object_list),
        row_count=len(page.object_list),
    )
    return render(
        request,
        "notifications/inbox.html",
        {
            "page_obj": page,
            "items": page.object_list,
            "view": view,
            "views": VIEWS,
            "groups": services.INBOX_GROUPS,
            # Birthdays and alerts are not due: their badge says so, not "Échéance proche".
            "information_group": services.INFORMATION,
            "today": today,
            "suspend_form": SuspendForm(),
        },
    )


def _back(request, default="notifications:inbox"):
    target = request.POST.get("next", "")
    if (
        target.startswith("/")
        and "\x00" not in target
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return HttpResponseRedirect(target)
    return redirect(default)


@access(SCOPED)
@require_POST
def mark_read(request, public_id):
    reminder = get_reminder_for_user(request.user, public_id)
    Reminder.objects.filter(pk=reminder.pk, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, "Rappel marqué comme lu.")
    return _back(request)


@access(SCOPED)
@require_POST
def mark_all_read(request):
    count = Reminder.objects.for_user(request.user).unread().update(read_at=timezone.now())
    messages.success(
        request,
        f"{count} rappel(s) marqué(s) comme lu(s)." if count != 1 else "1 rappel marqué comme lu.",
    )
    return _back(request)


def _suspend(request, subject):
    form = SuspendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez le motif de la suspension des rappels.")
        return
    try:
        services.suspend_reminders(
            subject=subject, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Rappels du dossier suspendus.")


def _resume(request, subject):
    form = ResumeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.resume_reminders(subject=subject, by=request.user, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Rappels du dossier repris.")


@access(SCOPED)
@require_POST
def suspend_from_inbox(request, public_id):
    reminder = get_reminder_for_user(request.user, public_id, write=True)
    _suspend(request, subject_of(reminder))
    return _back(request)


@access(SCOPED)
@require_POST
def resume_from_inbox(request, public_id):
    reminder = get_reminder_for_user(request.user, public_id, write=True)
    _resume(request, subject_of(reminder))
    return _back(request)


@access(SCOPED)
@require_POST
def suspend_case(request, case_type, public_id):
    _suspend(request, get_case_for_user(request.user, case_type, public_id, write=True))
    return _back(request)


@access(SCOPED)
@require_POST
def resume_case(request, case_type, public_id):
    _resume(request, get_case_for_user(request.user, case_type, public_id, write=True))
    return _back(request)


def _academie_id(user):
    return user.active_role.academie_id


@access(SCOPED, roles=OPERATIONS_ROLES)
def operations(request):
    academie_id = _academie_id(request.user)
    reminders = Reminder.objects.filter(academie_id=academie_id)
    reminder_counts = dict(reminders.values_list("state").annotate(n=Count("id")).order_by())
    digests = Digest.objects.filter(
        Exists(Reminder.objects.filter(digest=OuterRef("pk"), academie_id=academie_id))
    )
    digest_counts = dict(digests.values_list("state").annotate(n=Count("id")).order_by())
    return render(
        request,
        "notifications/operations.html",
        {
            "reminder_counts": [
                (label, reminder_counts.get(value, 0)) for value, label in SendState.choices
            ],
            "digest_counts": [
                (label, digest_counts.get(value, 0)) for value, label in SendState.choices
            ],
            "failed": digests.filter(state=SendState.FAILED)
            .select_related("recipient")
            .order_by("next_attempt_at", "id")[:50],
            "queued": digests.filter(state=SendState.PENDING)
            .select_related("recipient")
            .order_by("day", "id")[:50],
            "recent": digests.filter(state=SendState.SENT)
            .select_related("recipient")
            .order_by("-sent_at", "-id")[:20],
            "without_scheduler": not settings.CELERY_BROKER_URL,
        },
    )


@access(SCOPED, roles=OPERATIONS_ROLES)
@require_POST
def sweep_now(request):
    """Without a broker nothing runs the morning sweep nor the daily digests: an administrator
    runs both from the page (the digests in the background, like the scheduled task)."""
    result = services.run_daily_sweep()
    tasks.send_digests.delay_on_commit()
    messages.success(
        request,
        f"Balayage du {result.day:%d/%m/%Y} effectué : {result.due_deadlines} échéance(s) "
        f"due(s), {result.reminders_created} rappel(s) créé(s), "
        f"{result.age_deadlines_created} échéance(s) d'âge. Les synthèses du jour partent "
        "maintenant.",
    )
    return redirect("notifications:operations")


@access(SCOPED, roles=OPERATIONS_ROLES)
@require_POST
def retry_failed(request):
    ids = services.retry_failed_now(by=request.user, academie_id=_academie_id(request.user))
    if ids:
        tasks.send_digests.delay_on_commit()
        messages.success(
            request,
            f"{len(ids)} synthèse{'s' if len(ids) > 1 else ''} en échec relancée"
            f"{'s' if len(ids) > 1 else ''}.",
        )
    else:
        messages.success(request, "Aucune synthèse en échec à relancer.")
    return redirect("notifications:operations")


def dashboard_panel(request) -> str:
    """Each morning: what is due this week and overdue in the active scope."""
    user = request.user
    role = user.active_role
    if role is None or not role.is_nominative:
        return ""
    today = timezone.localdate()
    week_end = end_of_week(today)
    scope = Deadline.objects.visible_to(user).open().filter(due_date__lte=week_end)
    to_do = Q(kind__in=registry.information_kinds())
    counts = scope.aggregate(
        overdue=Count("id", filter=Q(due_date__lt=today) & ~to_do),
        this_week=Count("id", filter=Q(due_date__gte=today) & ~to_do),
        information=Count("id", filter=to_do & Q(due_date__gte=today)),
    )
    fields = ("kind", "label", "url", "due_date", "student_id")
    urgent = list(scope.exclude(to_do).only(*fields).order_by("due_date", "id")[:8])
    information = list(
        scope.filter(to_do, due_date__gte=today).only(*fields).order_by("due_date", "id")[:5]
    )
    log_list_read(
        request=request,
        object_type="deadline",
        student_ids=(d.student_id for d in [*urgent, *information]),
        row_count=len(urgent) + len(information),
    )
    return render_to_string(
        "notifications/_dashboard.html",
        {
            "counts": counts,
            "urgent": urgent,
            "information": information,
            "today": today,
            "is_operator": role.role in OPERATIONS_ROLES,
        },
        request=request,
    )


def calendar_panel(request) -> str:
    """The administrator's warning: dates in use that no calendar row gives (a default applies)."""
    role = request.user.active_role
    if role is None or role.role not in OPERATIONS_ROLES:
        return ""
    today = timezone.localdate()
    return render_to_string(
        "notifications/_calendar_panel.html",
        {"gaps": calendar.calendar_gaps(today), "can_edit": request.user.is_staff},
        request=request,
    )

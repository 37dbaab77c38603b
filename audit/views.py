import re
import uuid

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.http import urlencode

from accounts.enums import AuthEventKind, Role
from accounts.models import ExceptionalAccess
from accounts.perms import SCOPED, access
from students.models import Student

from .forms import AccessLogFilterForm
from .models import AccessLog, RetentionNotice
from .services import log_list_read


def _student_pk(identifier: str):
    """The pupil an administrator searches for, by public id or INE (None if neither)."""
    try:
        lookup = {"public_id": uuid.UUID(identifier)}
    except ValueError:
        lookup = {"ine": identifier.upper()}
    return Student.objects.filter(**lookup).values_list("pk", flat=True).first()


UUID_IN_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _log_pupils_shown(request, entries, *, searched=None) -> None:
    """The traceability page shows pupils' identifiers (records read, lists' pupils): reading
    it is itself a list read, logged like any other (one extra query maps the ids shown)."""
    pks = {pk for entry in entries for pk in entry.student_pks}
    public_ids = {
        found for entry in entries for found in UUID_IN_TEXT.findall(entry.object_id + entry.path)
    }
    if public_ids:
        pks.update(Student.objects.filter(public_id__in=public_ids).values_list("pk", flat=True))
    if searched is not None:
        pks.add(searched)
    log_list_read(request=request, object_type="accesslog", student_ids=pks, row_count=len(entries))


@access(SCOPED, roles={Role.ADMINISTRATEUR})
def access_log(request):
    """Reads of personal records, for the académie's administrators (and the DPO through them)."""
    qs = AccessLog.objects.select_related("user").order_by("-at", "-id")
    form = AccessLogFilterForm(request.GET)
    valid = form.is_valid()
    object_id = form.cleaned_data["objet"] if valid else ""
    username = form.cleaned_data["compte"] if valid else ""
    if object_id:
        student_pk = _student_pk(object_id)
        if student_pk is not None:
            qs = qs.naming_student(student_pk)
        else:
            qs = qs.filter(object_id=object_id)
    if username:
        qs = qs.filter(user__username=username)
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    _log_pupils_shown(request, page.object_list, searched=student_pk if object_id else None)
    notices = RetentionNotice.objects.count()
    grants = ExceptionalAccess.objects.select_related("user", "etablissement")[:50]
    return render(
        request,
        "audit/access_log.html",
        {
            "page_obj": page,
            "entries": page.object_list,
            "grants": grants,
            "notices": notices,
            "objet": object_id,
            "compte": username,
            "querystring": urlencode({"objet": object_id, "compte": username}),
            "filter_errors": [e for errors in form.errors.values() for e in errors],
        },
        status=200 if valid else 400,
    )


class LoginLogFilter(forms.Form):
    compte = forms.CharField(required=False, max_length=254)
    evenement = forms.ChoiceField(required=False, choices=[("", "Tous"), *AuthEventKind.choices])

    def clean_compte(self):
        return self.cleaned_data["compte"].replace("\x00", "").strip()


@access(SCOPED, roles={Role.ADMINISTRATEUR})
def login_log(request):
    """Logins, failures, logouts, second-factor checks and account changes of the académie's
    accounts (and failures naming no known account)."""
    from accounts.models import AuthEvent, User

    managed = User.objects.administered_by(request.user).values("pk")
    qs = AuthEvent.objects.filter(Q(user__in=managed) | Q(user__isnull=True)).select_related(
        "user", "by"
    )
    filters = LoginLogFilter(request.GET)
    compte = evenement = ""
    if filters.is_valid():
        compte, evenement = filters.cleaned_data["compte"], filters.cleaned_data["evenement"]
        if compte:
            qs = qs.filter(Q(username__iexact=compte) | Q(user__email__iexact=compte))
        if evenement:
            qs = qs.filter(kind=evenement)
    page = Paginator(qs.order_by("-at", "-id"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/login_log.html",
        {
            "page_obj": page,
            "events": page.object_list,
            "filters": filters,
            "querystring": urlencode({"compte": compte, "evenement": evenement}),
        },
    )

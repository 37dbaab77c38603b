import uuid

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.http import urlencode

from accounts.enums import AuthEventKind, Role
from accounts.models import ExceptionalAccess
from accounts.perms import SCOPED, access

from .forms import AccessLogFilterForm
from .models import AccessLog, RetentionNotice
from .retention import find_student, search_students


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@access(SCOPED, roles={Role.ADMINISTRATEUR})
def access_log(request):
    """Reads of personal records, for the académie's administrators (and the DPO through them)."""
    qs = AccessLog.objects.select_related("user").order_by("-at", "-id")
    form = AccessLogFilterForm(request.GET)
    valid = form.is_valid()
    object_id = form.cleaned_data["objet"] if valid else ""
    username = form.cleaned_data["compte"] if valid else ""
    if object_id:
        student = find_student(object_id)
        if student:
            qs = qs.naming_student(*student)
        elif _is_uuid(object_id):
            qs = qs.filter(object_id=object_id)
        else:
            qs = qs.naming_students(search_students(object_id))
    if username:
        by_name = Q()
        for word in username.split():
            by_name &= Q(user__last_name__istartswith=word) | Q(user__first_name__istartswith=word)
        qs = qs.filter(Q(user__username__iexact=username) | by_name)
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
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

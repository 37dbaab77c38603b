"""The structures of the account's scope (« Structures »): schools with their bassin and voies."""

import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from territories.forms import SchoolSearchForm
from territories.models import Etablissement

from .perms import SCOPED, access

PAGE_SIZE = 50
UAI_SHAPE = re.compile(r"[0-9A-Za-z]{8}")


@access(SCOPED, nominative=False)
def school_list(request):
    qs = (
        Etablissement.objects.visible_to(request.user)
        .select_related("bassin", "departement")
        .order_by("departement__code", "name")
    )
    form = SchoolSearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    if text:
        qs = qs.filter(name__icontains=text) | qs.filter(uai=text.upper())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "territories/school_list.html",
        {
            "page_obj": page,
            "schools": page.object_list,
            "q": text,
            "search_error": " ".join(form.errors.get("q", [])),
            "querystring": urlencode({"q": text}),
        },
        status=200 if form.is_valid() else 400,
    )


@access(SCOPED, nominative=False)
def school_detail(request, uai):
    qs = Etablissement.objects.visible_to(request.user).select_related(
        "bassin__cio", "departement__academie"
    )
    if not UAI_SHAPE.fullmatch(uai):
        raise Http404("Établissement introuvable.")
    school = get_object_or_404(qs, uai=uai.upper())
    pupils_by_level = (
        school.students.values("level").annotate(n=Count("id")).order_by("level")
        if request.user.active_role.is_nominative
        else []
    )
    history = school.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "territories/school_detail.html",
        {"school": school, "pupils_by_level": pupils_by_level, "history": history},
    )

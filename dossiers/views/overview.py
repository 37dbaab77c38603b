"""Lists across dossiers: the school's ajournés, CIO caseload, sans solution, import, batches."""

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.enums import Role
from accounts.perms import SCOPED, access
from accounts.roles import (
    CIO_ROLES,
    COMMISSION_ROLES,
    DOSSIER_IMPORT_ROLES,
    DOSSIER_READ_ROLES,
    HEAD_ROLES,
    MLDS_ROLES,
    role_in,
)
from audit.services import log_list_read
from jobs import runner
from jobs import views as job_views
from jobs.models import UploadJob
from jobs.uploads import start_upload_job, structure_q
from students.models import name_or_ine_matches
from territories.models import Etablissement

from .. import forms, rules, services
from ..enums import STAGE_OF_STATE, BatchState, DossierState, Stage
from ..models import RepreparationDossier
from ..perms import get_batch_for_user

PAGE_SIZE = 50


def _list_queryset(user, today):
    return (
        RepreparationDossier.objects.visible_to(user)
        .select_related("student", "school", "exam_result")
        .with_overdue(today)
    )


def _log_dossiers(request, object_type, dossiers):
    log_list_read(
        request=request,
        object_type=object_type,
        student_ids=(d.student_id for d in dossiers),
        row_count=len(dossiers),
    )


def _decorate(dossiers, today):
    for d in dossiers:
        d.next_due = d.next_deadline(today)
    return dossiers


@access(SCOPED, roles=DOSSIER_READ_ROLES)
def dossier_list(request):
    today = timezone.localdate()
    role = request.user.active_role
    schools = Etablissement.objects.visible_to(request.user).only("id", "name", "uai")
    single_school = role.etablissement_id is not None
    form = forms.DossierFilterForm(
        request.GET or None, schools=schools, single_school=single_school
    )
    qs = _list_queryset(request.user, today)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(name_or_ine_matches(data["q"], prefix="student__"))
        if data.get("school"):
            qs = qs.filter(school=data["school"])
        if data["state"]:
            qs = qs.filter(state=data["state"])
        if data["overdue"]:
            qs = qs.filter(is_overdue=True)
    page = Paginator(qs.by_priority(), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    _log_dossiers(request, "repreparationdossier", page.object_list)
    return render(
        request,
        "dossiers/dossier_list.html",
        {
            "form": form,
            "page_obj": page,
            "dossiers": _decorate(page.object_list, today),
            "rank_offset": page.start_index() - 1 if page.paginator.count else 0,
            "querystring": query.urlencode(),
            "priority_rule": rules.PRIORITY_RULE_TEXT,
            "is_head": role.role in HEAD_ROLES,
            "can_import": role.role in DOSSIER_IMPORT_ROLES,
            "invite_form": forms.InviteAllForm(),
            "single_school": single_school,
            "today": today,
        },
    )


@access(SCOPED, roles=HEAD_ROLES)
@require_POST
def invite_all(request):
    form = forms.InviteAllForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez le canal de l'invitation.")
        return redirect("dossiers:list")
    school = request.user.active_role.etablissement
    count = services.invite_all(
        school=school, by=request.user, channel=form.cleaned_data["channel"]
    )
    if count:
        messages.success(request, f"{count} invitation(s) à l'entretien enregistrée(s).")
    else:
        messages.info(request, "Aucun élève en attente d'entretien : aucune invitation envoyée.")
    return redirect("dossiers:list")


@access(SCOPED, roles=HEAD_ROLES)
@require_POST
def print_letters(request):
    school = request.user.active_role.etablissement
    try:
        batch = services.request_letters(by=request.user, school=school)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("dossiers:list")
    messages.success(request, f"Préparation de {batch.total} lettre(s) lancée.")
    return redirect(batch)


def _batch_chunks(batch) -> dict:
    """Chunks rendered / total and the workers that rendered them, in one query."""
    from ..models import BatchChunk

    rows = list(BatchChunk.objects.filter(batch=batch).values_list("status", "worker"))
    done = [worker for status, worker in rows if status == BatchChunk.Status.DONE]
    return {"chunks_total": len(rows), "chunks_done": len(done), "workers": len(set(done))}


@access(SCOPED, roles=HEAD_ROLES | COMMISSION_ROLES | {Role.ADMINISTRATEUR})
def batch_detail(request, public_id):
    batch = get_batch_for_user(request.user, public_id)
    chunks = _batch_chunks(batch)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "state": batch.state,
                "state_label": batch.get_state_display(),
                "done": batch.done_count,
                "total": batch.total,
                "percent": batch.percent,
                "count": f"{batch.done_count} / {batch.total}",
                "chunks": f"{chunks['chunks_done']} / {chunks['chunks_total']}",
                **chunks,
                "finished": batch.is_finished,
                "document_url": batch.document.get_absolute_url() if batch.document_id else None,
                "error": batch.error,
            }
        )
    return render(
        request,
        "dossiers/batch.html",
        {
            "batch": batch,
            **chunks,
            "has_broker": runner.has_broker(),
            "can_relaunch": request.user.is_administrator and batch.state != BatchState.DONE,
        },
    )


@access(SCOPED, roles=HEAD_ROLES | COMMISSION_ROLES | {Role.ADMINISTRATEUR})
@require_POST
def batch_relaunch(request, public_id):
    """An administrator sends a batch again (failed, or stuck after an outage); the other
    administrators' path is the batch list of the admin site (action "Relancer")."""
    batch = get_batch_for_user(request.user, public_id)
    if not request.user.is_administrator:
        raise Http404
    if services.relaunch_batch(batch):
        messages.success(
            request, "Lot relancé : les parts déjà rendues sont gardées, les autres reprennent."
        )
    else:
        messages.error(request, "Ce lot est terminé : il n'y a rien à relancer.")
    return redirect(batch)


@access(SCOPED, roles=DOSSIER_IMPORT_ROLES)
def results_import(request):
    """The upload is checked (size, kind) and stored; the import runs in the background."""
    form = forms.ResultsImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_upload_job(
            kind=UploadJob.Kind.RESULTS,
            upload=form.cleaned_data["file"],
            user=request.user,
            school=request.user.active_role.etablissement,
        )
        return job_views.upload_started(request, job, namespace=IMPORT_URL)
    return render(
        request,
        "dossiers/import.html",
        {"form": form, "jobs": _results_jobs(request.user)[:10]},
        status=400 if request.method == "POST" else 200,
    )


IMPORT_URL = "dossiers:import"


def _results_jobs(user):
    """The results uploads of the schools in the role's scope, and the user's own."""
    role = user.active_role
    return UploadJob.objects.visible_to(
        user,
        kind=UploadJob.Kind.RESULTS,
        structure_q=structure_q(school_q=role.school_q("school__")),
    ).select_related("created_by", "school")


def _results_job(user, public_id):
    return get_object_or_404(_results_jobs(user), public_id=public_id)


@access(SCOPED, roles=DOSSIER_IMPORT_ROLES)
def results_import_status(request, public_id):
    return job_views.upload_status(
        request,
        _results_job(request.user, public_id),
        namespace=IMPORT_URL,
        title="Importer les résultats d'examen",
        links=[(reverse("dossiers:list"), "Voir les dossiers de re-préparation")],
    )


@access(SCOPED, roles=DOSSIER_IMPORT_ROLES)
def results_import_progress(request, public_id):
    return job_views.upload_progress(_results_job(request.user, public_id))


@access(SCOPED, roles=DOSSIER_IMPORT_ROLES)
def results_import_relaunch(request, public_id):
    job = _results_job(request.user, public_id)
    return job_views.upload_relaunch(request, job, namespace=IMPORT_URL)


@access(SCOPED, roles=CIO_ROLES | {Role.ADMINISTRATEUR})
def cio_caseload(request):
    """Counts per school and state, who has had no entretien, who is without solution."""
    today = timezone.localdate()
    base = RepreparationDossier.objects.visible_to(request.user)
    schools = {
        s.pk: {"school": s, "counts": defaultdict(int), "total": 0, "late": 0}
        for s in Etablissement.objects.visible_to(request.user).only("id", "name", "uai")
    }
    late_ids = base.without_entretien_after(today, rules.NO_ENTRETIEN_ALERT_DAYS())
    rows = base.values("school_id", "state").annotate(
        n=Count("id"), late=Count("id", filter=Q(pk__in=late_ids.values("pk")))
    )
    totals = defaultdict(int)
    late_total = 0
    for row in rows:
        entry = schools.get(row["school_id"])
        if entry is None:
            continue
        stage = STAGE_OF_STATE[DossierState(row["state"])]
        entry["counts"][stage] += row["n"]
        entry["total"] += row["n"]
        entry["late"] += row["late"]
        totals[stage] += row["n"]
        late_total += row["late"]
    stages = list(Stage)
    table = [
        {**e, "cells": [e["counts"][s] for s in stages]} for e in schools.values() if e["total"]
    ]
    late = list(late_ids.select_related("student", "school", "exam_result").by_priority()[:200])
    without = list(
        base.filter(state=DossierState.SANS_SOLUTION)
        .select_related("student", "school", "exam_result")
        .by_priority()[:200]
    )
    _log_dossiers(request, "repreparationdossier", late + without)
    return render(
        request,
        "dossiers/cio.html",
        {
            "stages": [
                (stage, [state.label for state, st in STAGE_OF_STATE.items() if st == stage])
                for stage in stages
            ],
            "table": table,
            "totals": [totals[s] for s in stages],
            "grand_total": sum(totals.values()),
            "late_total": late_total,
            "late": late,
            "without": without,
            "days": rules.NO_ENTRETIEN_ALERT_DAYS(),
            "today": today,
        },
    )


@access(SCOPED, roles=DOSSIER_READ_ROLES)
def sans_solution(request):
    """Ajournés with no confirmed enrolment at the rentrée, per school, ready for the MLDS."""
    today = timezone.localdate()
    qs = (
        RepreparationDossier.objects.visible_to(request.user)
        .filter(state=DossierState.SANS_SOLUTION)
        .select_related("student", "school__departement", "exam_result")
        .order_by("school__departement__code", "school__name", "student__last_name", "id")
    )
    page = Paginator(qs, 200).get_page(request.GET.get("page"))
    _log_dossiers(request, "repreparationdossier", page.object_list)
    groups = defaultdict(list)
    for d in page.object_list:
        groups[d.school].append(d)
    per_departement = (
        qs.order_by()
        .values("school__departement__code", "school__departement__name")
        .annotate(n=Count("id"))
        .order_by("school__departement__code")
    )
    return render(
        request,
        "dossiers/sans_solution.html",
        {
            "groups": dict(groups),
            "page_obj": page,
            "querystring": "",
            "per_departement": per_departement,
            "can_mlds": role_in(request.user, HEAD_ROLES | MLDS_ROLES),
            "mlds_available": services.mlds_available(),
            "today": today,
        },
    )


def dashboard_panel(request) -> str:
    role = request.user.active_role
    today = timezone.localdate()
    if role.role == Role.PILOTE_ACADEMIQUE:
        # Aggregates only: counts by state over the académie, no name.
        counts = dict(
            RepreparationDossier.objects.filter(school__departement__academie_id=role.academie_id)
            .values_list("state")
            .annotate(n=Count("id"))
        )
        if not counts:
            return ""
        rows = [(s.label, counts.get(s, 0)) for s in DossierState]
        return render_to_string(
            "dossiers/_dashboard_aggregate.html", {"rows": rows}, request=request
        )
    if role.role not in DOSSIER_READ_ROLES:
        return ""
    qs = RepreparationDossier.objects.visible_to(request.user)
    stats = qs.aggregate(
        total=Count("id"),
        late=Count(
            "id",
            filter=Q(
                state__in=[DossierState.REMIS, DossierState.ENTRETIEN_PLANIFIE],
                opened_on__lt=today - dt.timedelta(days=rules.ENTRETIEN_DAYS()),
            ),
        ),
        transmitted=Count("id", filter=Q(state=DossierState.TRANSMIS_COMMISSION)),
        without=Count("id", filter=Q(state=DossierState.SANS_SOLUTION)),
    )
    return render_to_string(
        "dossiers/_dashboard.html",
        {
            "stats": stats,
            "role": role,
            "is_commission": role.role in COMMISSION_ROLES,
            "can_import": role.role in DOSSIER_IMPORT_ROLES,
        },
        request=request,
    )


def student_cases(request, student) -> list[dict]:
    """The pupil's re-preparation dossiers the viewer may open, for the pupil's record."""
    role = request.user.active_role
    if role is None or not role_in(request.user, DOSSIER_READ_ROLES):
        return []
    dossiers = (
        RepreparationDossier.objects.visible_to(request.user)
        .filter(student=student)
        .select_related("exam_result")
        .order_by("-opened_on")
    )
    return [
        {
            "kind": "Re-préparation",
            "label": f"{d.exam_result.exam_label} ({d.exam_result.session_year})",
            "state": d.get_state_display(),
            "url": d.get_absolute_url(),
        }
        for d in dossiers
    ]

import datetime as dt
import itertools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from accounts.enums import Role
from accounts.perms import SCOPED, access
from accounts.roles import (
    INSPECTION_ROLES,
    PREVENTION_READ_ROLES,
    PREVENTION_SCHOOL_READ_ROLES,
    PREVENTION_WRITE_ROLES,
    role_in,
)
from audit.services import log_list_read, log_read
from jobs import views as job_views
from jobs.models import UploadJob
from jobs.uploads import start_upload_job, structure_q
from notifications import calendar
from notifications.models import Deadline
from students.models import Student
from workflows.views import action_view

from . import conf, forms, rules, services
from .enums import (
    DerogatoireStatus,
    FlagReason,
    GpdsDecision,
    PafiStatus,
    PreventionDeadline,
)
from .models import (
    AbsenceRecord,
    Derogatoire,
    Flag,
    GpdsMeeting,
    GpdsReview,
    Pafi,
    PathEvent,
    Tdo,
)
from .perms import (
    can_write,
    get_derogatoire_for_user,
    get_meeting_for_user,
    get_pafi_for_user,
    get_student_for_user,
    get_tdo_for_user,
    writable_schools,
)

BOARD_ROWS = 50
SIGNAL_PAGE_SIZE = 50
PREVENTION_KINDS = [
    PreventionDeadline.GPDS_REVIEW,
    PreventionDeadline.PAFI_REVIEW,
    PreventionDeadline.PAFI_END,
    PreventionDeadline.DEROGATOIRE_VALIDATION,
    PreventionDeadline.DEROGATOIRE_REVIEW,
    PreventionDeadline.DEROGATOIRE_VISIT,
    PreventionDeadline.TDO_END,
    PreventionDeadline.TDO_BILAN,
]
FLAG_NOTICE = (
    "Les signaux sont une aide au repérage pour l'équipe : ils ne constituent ni une "
    "décision ni une note, ne sont jamais communiqués aux familles et doivent être examinés "
    "en GPDS avant toute mesure."
)


def _role(request):
    return request.user.active_role


def _run(fn):
    """Run `fn` atomically; return the French refusal or None."""
    try:
        with transaction.atomic():
            fn()
    except ValidationError as exc:
        return " ".join(exc.messages)
    except IntegrityError:
        return "Cette action a déjà été enregistrée ou entre en conflit avec une autre."
    return None


# --- Board ---------------------------------------------------------------------------------


@access(SCOPED, roles=PREVENTION_SCHOOL_READ_ROLES)
def board(request):
    today = timezone.localdate()
    user = request.user
    visible_flags = Flag.objects.visible_to(user)
    flagged = _flags_of(visible_flags, list(_pupils_by_severity(visible_flags)[:BOARD_ROWS]))
    reviews = list(
        GpdsReview.objects.visible_to(user)
        .latest_per_student()
        .filter(Q(next_review_on__isnull=False) | Q(decision=GpdsDecision.WATCH))
        .select_related("student", "meeting")
        .order_by("next_review_on", "id")[:BOARD_ROWS]
    )
    paths = []
    for model in (Pafi, Derogatoire, Tdo):
        paths += list(
            model.objects.visible_to(user)
            .active()
            .select_related("student")
            .order_by("-created_at")[:BOARD_ROWS]
        )
    soon = today + dt.timedelta(days=conf.ending_soon_days())
    ending = sorted(
        (p for p in paths if _end_of(p) and today <= _end_of(p) <= soon and _is_running(p)),
        key=_end_of,
    )
    due = list(
        Deadline.objects.visible_to(user)
        .open()
        .filter(kind__in=PREVENTION_KINDS, due_date__lte=today + dt.timedelta(days=7))
        .select_related("student")
        .order_by("due_date", "id")[:BOARD_ROWS]
    )
    log_list_read(
        request=request,
        object_type="board",
        student_ids=itertools.chain(
            (row["student"].pk for row in flagged),
            (r.student_id for r in reviews),
            (p.student_id for p in paths),
            (d.student_id for d in due),
        ),
        row_count=len(flagged) + len(reviews) + len(paths) + len(due),
    )
    return render(
        request,
        "prevention/board.html",
        {
            "flagged": flagged,
            "reviews": reviews,
            "paths": paths,
            "ending": ending,
            "due": due,
            "today": today,
            "can_write": can_write(user),
            "flag_notice": FLAG_NOTICE,
        },
    )


def _is_derogatoire_priority(student, today) -> bool:
    """Seed 003's priority for the school year running today, in the pupil's académie."""
    school = student.current_school
    academie_id = calendar.academie_of(school.departement_id) if school else None
    return rules.reaches_16_during_school_year(student.birth_date, today, academie_id)


def _end_of(path):
    return getattr(path, "end_date", None) or getattr(path, "planned_end", None)


def _is_running(path):
    return path.status in ("en_cours", "en_parcours")


def _pupils_by_severity(flags):
    """One row per flagged pupil, most severe first: the most signals at once, then the
    longest-running, then by name."""
    return (
        flags.values("student_id")
        .annotate(signal_count=Count("id"), first_since=Min("since"))
        .order_by("-signal_count", "first_since", "student__last_name", "student_id")
    )


def _flags_of(flags, rows):
    """The pupils of `rows` (in their order) with their signals, in one query."""
    by_student = {row["student_id"]: {**row, "flags": []} for row in rows}
    for flag in (
        flags.filter(student_id__in=by_student)
        .select_related("student", "school")
        .order_by("reason")
    ):
        row = by_student[flag.student_id]
        row["student"], row["school"] = flag.student, flag.school
        row["flags"].append(flag)
    return [row for row in by_student.values() if row["flags"]]


# --- Signals and import ----------------------------------------------------------------------


@access(SCOPED, roles=PREVENTION_SCHOOL_READ_ROLES)
def signal_list(request):
    reason = request.GET.get("motif", "")
    flags = Flag.objects.visible_to(request.user)
    pupils = flags
    if reason in FlagReason.values:
        pupils = flags.filter(student_id__in=flags.filter(reason=reason).values("student_id"))
    page = Paginator(_pupils_by_severity(pupils), SIGNAL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = _flags_of(flags, page.object_list)
    signal_count = flags.count() if not reason else None
    query = request.GET.copy()
    query.pop("page", None)
    log_list_read(
        request=request,
        object_type="flag",
        student_ids=(row["student_id"] for row in rows),
        row_count=len(rows),
    )
    return render(
        request,
        "prevention/signal_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "signal_count": signal_count,
            "reasons": FlagReason.choices,
            "reason": reason,
            "querystring": query.urlencode(),
            "import_form": forms.AbsenceImportForm() if can_write(request.user) else None,
            "thresholds": services.flag_thresholds(),
            "flag_notice": FLAG_NOTICE,
        },
    )


@access(SCOPED, roles=PREVENTION_WRITE_ROLES)
@require_POST
def absence_import(request):
    """The upload is checked (size, kind) and stored; the import runs in the background."""
    form = forms.AbsenceImportForm(request.POST, request.FILES)
    if form.is_valid():
        job = start_upload_job(
            kind=UploadJob.Kind.ABSENCES,
            upload=form.cleaned_data["file"],
            user=request.user,
            school=request.user.active_role.etablissement,
        )
        return job_views.upload_started(request, job, namespace=ABSENCE_IMPORT_URL)
    return render(
        request,
        "prevention/import_errors.html",
        {"form": form, "jobs": _absence_jobs(request.user)[:10]},
        status=400,
    )


ABSENCE_IMPORT_URL = "prevention:absence_import"


def _absence_jobs(user):
    """The absences uploads of the role's school, and the user's own."""
    return UploadJob.objects.visible_to(
        user,
        kind=UploadJob.Kind.ABSENCES,
        structure_q=structure_q(school_q=Q(school_id__in=writable_schools(user))),
    ).select_related("created_by", "school")


def _absence_job(user, public_id):
    return get_object_or_404(_absence_jobs(user), public_id=public_id)


@access(SCOPED, roles=PREVENTION_WRITE_ROLES)
def absence_import_status(request, public_id):
    return job_views.upload_status(
        request,
        _absence_job(request.user, public_id),
        namespace=ABSENCE_IMPORT_URL,
        title="Importer les absences",
        links=[(reverse("prevention:signals"), "Voir les signaux")],
        upload_url=reverse("prevention:signals"),
    )


@access(SCOPED, roles=PREVENTION_WRITE_ROLES)
def absence_import_progress(request, public_id):
    return job_views.upload_progress(_absence_job(request.user, public_id))


@access(SCOPED, roles=PREVENTION_WRITE_ROLES)
def absence_import_relaunch(request, public_id):
    job = _absence_job(request.user, public_id)
    return job_views.upload_relaunch(request, job, namespace=ABSENCE_IMPORT_URL)


# --- Pupil page -----------------------------------------------------------------------------


@access(SCOPED, roles=PREVENTION_SCHOOL_READ_ROLES)
def student_page(request, public_id):
    student = get_student_for_user(request.user, public_id)
    log_read(request=request, obj=student)
    reviews = list(
        GpdsReview.objects.filter(student=student)
        .select_related("meeting")
        .order_by("meeting__date", "id")
    )
    events = list(
        PathEvent.objects.filter(student=student).select_related("by", "pafi", "derogatoire", "tdo")
    )
    timeline = sorted(
        [("gpds", r.meeting.date, r) for r in reviews]
        + [("event", timezone.localtime(e.at).date(), e) for e in events],
        key=lambda item: item[1],
    )
    today = timezone.localdate()
    return render(
        request,
        "prevention/student.html",
        {
            "student": student,
            "flags": Flag.objects.filter(student=student),
            "absences": AbsenceRecord.objects.filter(student=student).order_by("-month")[:12],
            "timeline": timeline,
            "pafis": Pafi.objects.filter(student=student),
            "derogatoires": Derogatoire.objects.filter(student=student),
            "tdos": Tdo.objects.filter(student=student),
            "deadlines": Deadline.objects.visible_to(request.user)
            .filter(student=student, kind__in=PREVENTION_KINDS)
            .open()
            .order_by("due_date"),
            "can_write": can_write(request.user)
            and student.current_school_id in writable_schools(request.user),
            "pafi_age_ok": rules.is_pafi_age_ok(student.birth_date, today),
            "derogatoire_level_ok": student.level in rules.DEROGATOIRE_LEVELS,
            "derogatoire_priority": _is_derogatoire_priority(student, today),
            "expected": conf.expected_half_days(),
            "flag_notice": FLAG_NOTICE,
            "today": today,
        },
    )


# --- GPDS -----------------------------------------------------------------------------------


@access(SCOPED, roles=PREVENTION_SCHOOL_READ_ROLES)
def meeting_list(request):
    qs = GpdsMeeting.objects.visible_to(request.user).select_related("school")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    form = None
    if can_write(request.user):
        form = forms.MeetingForm(request.POST or None, initial={"date": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            meeting = services.create_meeting(
                school=_role(request).etablissement, by=request.user, **form.cleaned_data
            )
            messages.success(request, "Réunion du GPDS enregistrée.")
            return redirect(meeting)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "prevention/meeting_list.html",
        {"page_obj": page, "meetings": page.object_list, "form": form, "querystring": ""},
        status=400 if form is not None and form.is_bound else 200,
    )


@access(SCOPED, roles=PREVENTION_SCHOOL_READ_ROLES)
def meeting_detail(request, public_id):
    meeting = get_meeting_for_user(request.user, public_id)
    writable = can_write(request.user) and meeting.school_id in writable_schools(request.user)
    form = None
    status = 200
    if writable:
        students = Student.objects.filter(current_school_id=meeting.school_id).only(
            "id", "last_name", "first_name"
        )
        initial = {}
        wanted = forms.ReviewLinkForm(request.GET).value("eleve")
        if wanted:
            found = students.filter(public_id=wanted).first()
            initial["student"] = found.pk if found else None
        form = forms.ReviewForm(request.POST or None, students=students, initial=initial)
        if request.method == "POST":
            if form.is_valid():
                review = None

                def do():
                    nonlocal review
                    review = services.record_review(
                        meeting=meeting, by=request.user, **form.cleaned_data
                    )

                error = _run(do)
                if error is None:
                    messages.success(request, f"Décision enregistrée pour {review.student}.")
                    if review.decision == GpdsDecision.MLDS and not review.mlds_reference:
                        messages.warning(
                            request,
                            "Le suivi MLDS n'a pas pu être ouvert automatiquement : "
                            "transmettez la situation au coordonnateur MLDS.",
                        )
                    return redirect(meeting)
                form.add_error(None, error)
            status = 400
    elif request.method == "POST":
        raise Http404
    reviews = list(meeting.reviews.select_related("student").order_by("id"))
    # The review form lists the school's pupils by name: they are shown too.
    choices = list(students.values_list("id", flat=True)) if writable else []
    log_list_read(
        request=request,
        object_type="gpdsmeeting",
        student_ids=itertools.chain((r.student_id for r in reviews), choices),
        row_count=len(reviews),
    )
    return render(
        request,
        "prevention/meeting_detail.html",
        {"meeting": meeting, "reviews": reviews, "form": form, "writable": writable},
        status=status,
    )


# --- Opening paths --------------------------------------------------------------------------

OPEN_FORMS = {
    "pafi": forms.PafiForm,
    "derogatoire": forms.DerogatoireForm,
    "tdo": forms.TdoOfferForm,
}
OPEN_TITLES = {
    "pafi": "Ouvrir un PAFI",
    "derogatoire": "Ouvrir un parcours individualisé dérogatoire",
    "tdo": "Proposer Tous droits ouverts",
}


@access(SCOPED, roles=PREVENTION_WRITE_ROLES)
def open_path(request, public_id, kind):
    if kind not in OPEN_FORMS:
        raise Http404
    student = get_student_for_user(request.user, public_id, write=True)
    log_read(request=request, obj=student)
    review = None
    link = forms.ReviewLinkForm(request.POST if request.method == "POST" else request.GET)
    review_id = link.value("examen")
    if link.data.get("examen") and review_id is None:
        messages.warning(request, "Décision du GPDS d'origine introuvable : le lien est ignoré.")
    if review_id:
        review = (
            GpdsReview.objects.filter(student=student, meeting__school_id=student.current_school_id)
            .filter(public_id=review_id)
            .first()
        )
    today = timezone.localdate()
    initial = {"proposed_on": today, "planned_start": today}
    if review is not None:
        initial["referent"] = review.in_charge
    form = OPEN_FORMS[kind](request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            created = None

            def do():
                nonlocal created
                opener = {
                    "pafi": services.open_pafi,
                    "derogatoire": services.open_derogatoire,
                    "tdo": services.offer_tdo,
                }[kind]
                created = opener(
                    student=student, review=review, by=request.user, **form.cleaned_data
                )

            error = _run(do)
            if error is None:
                messages.success(request, f"{OPEN_TITLES[kind]} : c'est fait.")
                return redirect(created)
            form.add_error(None, error)
        status = 400
    return render(
        request,
        "prevention/open_path.html",
        {
            "student": student,
            "form": form,
            "kind": kind,
            "title": OPEN_TITLES[kind],
            "review": review,
            "priority": _is_derogatoire_priority(student, today),
            "level_ok": student.level in rules.DEROGATOIRE_LEVELS,
            "age": student.age_on(today),
            "pafi_min_age": rules.PAFI_MIN_AGE,
        },
        status=status,
    )


# --- Path pages and actions -------------------------------------------------------------------


def _deadlines_of(path):
    from django.contrib.contenttypes.models import ContentType

    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(path), object_id=path.pk
    ).order_by("due_date")


def _path_context(request, path, *, bound=None):
    writable = can_write(request.user) and path.school_id in writable_schools(request.user)
    today = timezone.localdate()
    workflow = path.lifecycle()
    offers = workflow.offers(path, request.user, today=today, bound=bound)
    return {
        "path": path,
        "student": path.student,
        "events": path.events.select_related("by"),
        "deadlines": _deadlines_of(path),
        "writable": writable,
        "offers": offers,
        "next_step": workflow.next_step(path, offers),
        "action_url_name": f"prevention:{path.KIND}_action",
        "today": today,
    }


def _render_pafi(request, path, *, bound=None, status=200):
    ctx = _path_context(request, path, bound=bound)
    ctx["bilans"] = path.bilans.all()
    return render(request, "prevention/pafi_detail.html", ctx, status=status)


@access(SCOPED, roles=PREVENTION_READ_ROLES)
def pafi_detail(request, public_id):
    path = get_pafi_for_user(request.user, public_id)
    log_read(request=request, obj=path)
    return _render_pafi(request, path)


def _path_getter(getter):
    """The path the user may act on: the school's own (write) for the school's actions, the
    département's for its inspectors' (opinion, decision)."""

    def get(user, public_id, transition):
        if role_in(user, INSPECTION_ROLES):
            return getter(user, public_id, departement=True)
        return getter(user, public_id, write=True)

    return get


def _after_action(getter, render_fn):
    def render_page(request, path, *, bound=None, status=200):
        # The refusal shows at the top of the page: the action's form may not be on it any
        # more (e.g. starting a path that has not been validated yet).
        return render_fn(request, getter(request.user, path.public_id), bound=bound, status=status)

    return render_page


pafi_action = action_view(
    Pafi.lifecycle(),
    roles=PREVENTION_READ_ROLES,
    get_object=_path_getter(get_pafi_for_user),
    render_page=_after_action(get_pafi_for_user, _render_pafi),
    refusal_status=400,
)


def _render_derogatoire(request, path, *, bound=None, status=200):
    ctx = _path_context(request, path, bound=bound)
    ctx["objectives"] = path.objectives.all()
    ctx["bilans"] = path.bilans.all()
    ctx["missing"] = path.missing_for_transmission() if path.status == "brouillon" else []
    ctx["priority"] = path.is_priority
    return render(request, "prevention/derogatoire_detail.html", ctx, status=status)


@access(SCOPED, roles=PREVENTION_READ_ROLES)
def derogatoire_detail(request, public_id):
    path = get_derogatoire_for_user(request.user, public_id)
    log_read(request=request, obj=path)
    return _render_derogatoire(request, path)


derogatoire_action = action_view(
    Derogatoire.lifecycle(),
    roles=PREVENTION_READ_ROLES,
    get_object=_path_getter(get_derogatoire_for_user),
    render_page=_after_action(get_derogatoire_for_user, _render_derogatoire),
    refusal_status=400,
)


@access(SCOPED, roles=PREVENTION_READ_ROLES)
def derogatoire_pdf(request, public_id, document):
    from .pdf import render_derogatoire_pdf

    if document not in ("contrat", "document-pedagogique"):
        raise Http404
    path = get_derogatoire_for_user(request.user, public_id)
    log_read(request=request, obj=path)
    pdf = render_derogatoire_pdf(path, document=document)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{document}-{path.student.last_name}-{path.student.first_name}.pdf"
    response["Content-Disposition"] = f'inline; filename="{_ascii(name)}"'
    return response


def _ascii(text):
    import unicodedata

    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isascii() and (c.isalnum() or c in "-_.")).lower()


def _render_tdo(request, path, *, bound=None, status=200):
    ctx = _path_context(request, path, bound=bound)
    ctx["follow_ups"] = path.follow_ups.all()
    ctx["tdo_months"] = conf.tdo_months()
    return render(request, "prevention/tdo_detail.html", ctx, status=status)


@access(SCOPED, roles=PREVENTION_SCHOOL_READ_ROLES)
def tdo_detail(request, public_id):
    path = get_tdo_for_user(request.user, public_id)
    log_read(request=request, obj=path)
    return _render_tdo(request, path)


tdo_action = action_view(
    Tdo.lifecycle(),
    roles=PREVENTION_SCHOOL_READ_ROLES,
    get_object=lambda user, public_id: get_tdo_for_user(user, public_id, write=True),
    render_page=_after_action(get_tdo_for_user, _render_tdo),
    refusal_status=400,
)


# --- Département validation queue -----------------------------------------------------------


@access(SCOPED, roles=INSPECTION_ROLES)
def validation_queue(request):
    role = _role(request)
    derogatoires = list(
        Derogatoire.objects.visible_to(request.user)
        .filter(status__in=[DerogatoireStatus.TRANSMITTED, DerogatoireStatus.OPINION_GIVEN])
        .select_related("student", "school")
        .order_by("transmitted_at", "id")
    )
    pafis = list(
        Pafi.objects.visible_to(request.user)
        .filter(status=PafiStatus.SUBMITTED)
        .select_related("student", "school")
        .order_by("submitted_at", "id")
    )
    for d in derogatoires:
        d.awaits_me = (d.status == DerogatoireStatus.TRANSMITTED and role.role == Role.IEN_IO) or (
            d.status == DerogatoireStatus.OPINION_GIVEN and role.role == Role.IA_DASEN
        )
    for p in pafis:
        p.awaits_me = role.role == conf.pafi_validator_role()
    log_list_read(
        request=request,
        object_type="validation",
        student_ids=(p.student_id for p in [*derogatoires, *pafis]),
        row_count=len(derogatoires) + len(pafis),
    )
    return render(
        request,
        "prevention/validation_queue.html",
        {
            "derogatoires": derogatoires,
            "pafis": pafis,
            "today": timezone.localdate(),
            "pafi_validator": dict(Role.choices).get(conf.pafi_validator_role(), ""),
        },
    )


def dashboard_panel(request) -> str:
    """HTML block for the home dashboard, or "" when this app has nothing for the role."""
    role = _role(request)
    if role is None or not role.is_nominative:
        return ""
    if role.role in PREVENTION_SCHOOL_READ_ROLES:
        flagged = Flag.objects.visible_to(request.user).values("student_id").distinct().count()
        due = (
            Deadline.objects.visible_to(request.user)
            .open()
            .filter(
                kind__in=PREVENTION_KINDS,
                due_date__lte=timezone.localdate() + dt.timedelta(days=7),
            )
            .count()
        )
        return render_to_string(
            "prevention/_dashboard.html",
            {"flagged": flagged, "due": due, "queue": None},
            request=request,
        )
    if role.role in INSPECTION_ROLES:
        waiting = (
            Derogatoire.objects.visible_to(request.user)
            .filter(status__in=[DerogatoireStatus.TRANSMITTED, DerogatoireStatus.OPINION_GIVEN])
            .count()
            + Pafi.objects.visible_to(request.user).filter(status=PafiStatus.SUBMITTED).count()
        )
        return render_to_string(
            "prevention/_dashboard.html",
            {"queue": waiting, "flagged": None, "due": None},
            request=request,
        )
    return ""


def student_cases(request, student) -> list[dict]:
    """The pupil's prevention page and paths the viewer may open, for the pupil's record."""
    role = request.user.active_role
    if role is None:
        return []
    cases = []
    if role.role in PREVENTION_SCHOOL_READ_ROLES and role.is_nominative:
        cases.append(
            {
                "kind": "Prévention",
                "label": "Signaux, suivis en GPDS et parcours",
                "state": "",
                "url": reverse("prevention:student", args=[student.public_id]),
            }
        )
    for model, roles in ((Pafi, PREVENTION_READ_ROLES), (Derogatoire, PREVENTION_READ_ROLES),
                         (Tdo, PREVENTION_SCHOOL_READ_ROLES)):  # fmt: skip
        if role.role not in roles:
            continue
        for path in model.objects.visible_to(request.user).filter(student=student):
            cases.append(
                {
                    "kind": capfirst(model._meta.verbose_name),
                    "label": f"ouvert le {path.created_at:%d/%m/%Y}",
                    "state": path.get_status_display(),
                    "url": path.get_absolute_url(),
                }
            )
    return cases

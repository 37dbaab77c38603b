"""The follow-up page, its actions (POST only) and the ways a young person is signalled."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.perms import SCOPED, access
from accounts.roles import MLDS_PAGE_ROLES, MLDS_WRITE_ROLES, SCHOOL_ROLES
from audit.services import log_list_read, log_read
from students.models import Student
from workflows.views import action_view

from .. import rules
from ..enums import FollowUpSource, FollowUpStatus
from ..forms import (
    AmbitionProposeForm,
    NewFollowUpForm,
    SignalForm,
)
from ..identity import find_or_create_young_person
from ..perms import can_write_follow_ups, get_follow_up_for_user
from ..services import held_exam_cycle, open_follow_up
from ..workflow import FOLLOW_UP_WORKFLOW

S = FollowUpStatus


def _first_error(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _render_detail(request, follow_up, *, bound=None, status=200):
    today = timezone.localdate()
    can_write = can_write_follow_ups(request.user) and _writable(request, follow_up)
    offers = (
        FOLLOW_UP_WORKFLOW.offers(follow_up, request.user, today=today, bound=bound)
        if can_write
        else []
    )
    student = follow_up.student
    age = student.age_on(today)
    context = {
        "follow_up": follow_up,
        "student": student,
        "today": today,
        "age": age,
        "is_minor": age < rules.MAJORITY_AGE,
        "of_end_on": rules.birthday(student.birth_date, rules.OF_END_AGE),
        "age_limit_reached": follow_up.age_limit_reached(today) and follow_up.is_open,
        "end_of_follow_up_on": follow_up.end_of_follow_up_on,
        "days_to_25": (follow_up.end_of_follow_up_on - today).days,
        "letter_recipients": student.letter_recipients(today),
        "can_write": can_write,
        "offers": offers,
        "next_step": FOLLOW_UP_WORKFLOW.next_step(follow_up, offers),
        "ambition_form": (
            AmbitionProposeForm(
                prefix="ambition",
                departement_id=follow_up.departement_id,
                held=held_exam_cycle(student),
            )
            if can_write and follow_up.is_open
            else None
        ),
        "timeline": follow_up.logs.select_related("by").order_by("-at", "-id"),
        "contacts": follow_up.contacts.select_related("by"),
        "reviews": follow_up.reviews.select_related("partner", "by"),
        "deadlines": follow_up.deadline_specs(),
        "parcours": follow_up.ambition_emploi.all(),
        "droit_retour": follow_up.droit_retour.all(),
    }
    return render(request, "mlds/follow_up_detail.html", context, status=status)


def _writable(request, follow_up) -> bool:
    role = request.user.active_role
    return follow_up.departement_id in role.departement_ids()


@access(SCOPED, roles=MLDS_PAGE_ROLES)
def follow_up_detail(request, public_id):
    follow_up = get_follow_up_for_user(request.user, public_id)
    log_read(request=request, obj=follow_up)
    return _render_detail(request, follow_up)


def _render_after_action(request, follow_up, *, bound=None, status=200):
    follow_up = get_follow_up_for_user(request.user, follow_up.public_id, write=True)
    return _render_detail(request, follow_up, bound=bound, status=status)


follow_up_action = action_view(
    FOLLOW_UP_WORKFLOW,
    roles=MLDS_WRITE_ROLES,
    get_object=lambda user, public_id: get_follow_up_for_user(user, public_id, write=True),
    render_page=_render_after_action,
    refusal_status=400,
)


@access(SCOPED, roles=MLDS_WRITE_ROLES)
def follow_up_new(request):
    """A coordinator opens a follow-up for a young person, known or new (self-referral…)."""
    form = NewFollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                student, created = find_or_create_young_person(
                    ine=d["ine"],
                    last_name=d["last_name"],
                    first_name=d["first_name"],
                    birth_date=d["birth_date"],
                    phone=d["phone"],
                    email=d["email"],
                )
                already = student.mlds_follow_ups.open().first()
                if already is not None and already.departement_id not in (
                    request.user.active_role.departement_ids()
                ):
                    raise ValidationError(
                        "Ce jeune est déjà suivi par la MLDS d'un autre département."
                    )
                follow_up = open_follow_up(
                    student=student,
                    source=d["source"],
                    by=request.user,
                    note=d["note"],
                    departement=(
                        None
                        if student.current_school_id
                        else request.user.active_role.departement_ids()[0]
                    ),
                )
        except ValidationError as exc:
            form.add_error(None, _first_error(exc))
        else:
            if already is not None:
                messages.success(
                    request, f"{student} est déjà suivi : le signalement est ajouté à son suivi."
                )
            elif not created:
                messages.success(
                    request,
                    f"{student} était déjà connu (même INE ou mêmes nom, prénom et date de "
                    "naissance) : le suivi est ouvert sur sa fiche existante.",
                )
            else:
                messages.success(request, f"Suivi ouvert pour {student}.")
            return redirect(follow_up)
    return render(request, "mlds/follow_up_new.html", {"form": form})


@access(SCOPED, roles=SCHOOL_ROLES)
def signal(request):
    """A school signals one of its pupils aged 16 to 24 to the MLDS."""
    today = timezone.localdate()
    students = (
        Student.objects.visible_to(request.user)
        .filter(birth_date__lte=rules.birthday(today, -rules.FOLLOW_UP_MIN_AGE))
        .filter(birth_date__gt=rules.birthday(today, -rules.FOLLOW_UP_END_AGE()))
        .only("id", "last_name", "first_name", "birth_date", "current_school_id")
    )
    form = SignalForm(request.POST or None, students=students)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = open_follow_up(
                student=form.cleaned_data["student"],
                source=FollowUpSource.SIGNALEMENT_ETABLISSEMENT,
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, _first_error(exc))
        else:
            messages.success(
                request,
                f"{follow_up.student} est signalé à la MLDS. Vous retrouverez son suivi dans "
                "la liste des suivis MLDS.",
            )
            return redirect(follow_up)
    # The form lists the school's young people by name: a list read like any other.
    shown = list(students.values_list("id", flat=True))
    log_list_read(request=request, object_type="student", student_ids=shown, row_count=len(shown))
    return render(request, "mlds/signal.html", {"form": form})

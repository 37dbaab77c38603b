"""Leavers without a solution signalled by the SIECLE exports, and the exit of one pupil."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from accounts.enums import Role
from accounts.perms import SCOPED, access
from accounts.roles import EXIT_SIGNAL_ROLES, STUDENT_WRITE_ROLES
from audit.services import log_list_read, log_read

from . import hooks, services, siecle
from .models import ExitSignal
from .perms import get_student_for_user


def _signals(user):
    # An open follow-up (MLDS, registered by `mlds` in students.hooks) marks the pupil followed.
    return (
        ExitSignal.objects.visible_to(user)
        .select_related("student", "school")
        .annotate(has_follow_up=hooks.has_follow_up())
    )


@access(SCOPED, roles=EXIT_SIGNAL_ROLES)
def exit_signals(request):
    qs = _signals(request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    signals = list(page.object_list)
    log_list_read(
        request=request,
        object_type="exit_signal",
        student_ids=(s.student_id for s in signals),
        row_count=len(signals),
    )
    role = request.user.active_role
    return render(
        request,
        "students/exit_signals.html",
        {
            "page": page,
            "signals": signals,
            "open_count": qs.filter(status=ExitSignal.Status.OPEN, has_follow_up=False).count(),
            "is_mlds": role.role == Role.COORDONNATEUR_MLDS,
        },
    )


@access(SCOPED, roles=EXIT_SIGNAL_ROLES)
def exit_signal_action(request, public_id):
    if request.method != "POST":
        raise Http404
    signal = get_object_or_404(_signals(request.user), public_id=public_id)
    role = request.user.active_role
    follow_up = hooks.exit_follow_up()
    if (
        request.POST.get("action") == "suivi"
        and role.role == Role.COORDONNATEUR_MLDS
        and follow_up is not None
    ):
        try:
            url = follow_up.open(signal, request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("students:exit_signals")
        ExitSignal.objects.filter(pk=signal.pk).update(
            status=ExitSignal.Status.FOLLOWED, handled_by=request.user, handled_at=timezone.now()
        )
        messages.success(request, f"{follow_up.label} ouvert pour {signal.student}.")
        return redirect(url)
    if request.POST.get("action") == "traite" and signal.status == ExitSignal.Status.OPEN:
        ExitSignal.objects.filter(pk=signal.pk).update(
            status=ExitSignal.Status.CLOSED, handled_by=request.user, handled_at=timezone.now()
        )
        messages.success(request, f"Signal de {signal.student} marqué comme traité.")
    return redirect("students:exit_signals")


class ExitForm(DsfrBaseForm):
    exit_date = forms.DateField(
        label="Date de sortie",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date de sortie.", "invalid": "Date invalide."},
    )
    motif = forms.ChoiceField(
        label="Motif de sortie (SIECLE)",
        choices=[("", "Choisir un motif")]
        + [(code, f"{code} — {label}") for code, (label, _, _) in siecle.EXIT_MOTIFS.items()],
        error_messages={"required": "Choisissez le motif de sortie."},
    )


@access(SCOPED, roles=STUDENT_WRITE_ROLES)
def record_exit(request, public_id):
    student = get_student_for_user(request.user, public_id, write=True)
    log_read(request=request, obj=student)
    form = ExitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_exit(
                student=student,
                exit_date=form.cleaned_data["exit_date"],
                motif_code=form.cleaned_data["motif"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, f"Sortie de {student} enregistrée.")
            return redirect("students:detail", public_id=student.public_id)
    return render(request, "students/record_exit.html", {"student": student, "form": form})

"""Browser upload of the pupil export by a school's staff, with a progress page and a report."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from dsfr.forms import DsfrBaseForm

from accounts.perms import SCOPED, access
from accounts.roles import STUDENT_WRITE_ROLES

from . import imports, services
from .models import ImportJob

MAX_UPLOAD_BYTES = getattr(settings, "PUPIL_IMPORT_MAX_BYTES", 100 * 1024 * 1024)


class PupilImportForm(DsfrBaseForm):
    file = forms.FileField(
        label="Fichier CSV de l'export élèves",
        help_text="Format CSV, séparateur « ; » ou « , », encodage UTF-8 ou Windows-1252.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("Déposez un fichier .csv (export élèves au format CSV).")
        if upload.size == 0:
            raise forms.ValidationError("Le fichier est vide.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"Le fichier dépasse {filesizeformat(MAX_UPLOAD_BYTES)} : découpez-le ou "
                "demandez un import académique."
            )
        return upload


def get_import_job_for_user(user, public_id) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.visible_to(user).select_related("school", "created_by"),
        public_id=public_id,
    )


@access(SCOPED, roles=STUDENT_WRITE_ROLES)
def import_upload(request):
    role = request.user.active_role
    form = PupilImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.start_import_job(
            uploaded_file=form.cleaned_data["file"], user=request.user, school=role.etablissement
        )
        job.refresh_from_db()
        if job.status == ImportJob.Status.DONE:
            messages.success(request, f"Import terminé : {job.rows_total} élève(s) à jour.")
        elif job.is_finished:
            messages.error(request, "Fichier refusé : rien n'a été enregistré. Voir le détail.")
        return redirect("students:import_status", public_id=job.public_id)
    return render(
        request,
        "students/import.html",
        {
            "form": form,
            "school": role.etablissement,
            "jobs": ImportJob.objects.visible_to(request.user).select_related("created_by")[:10],
            "required_columns": imports.REQUIRED_COLUMNS,
            "optional_columns": imports.OPTIONAL_COLUMNS,
        },
    )


@access(SCOPED, roles=STUDENT_WRITE_ROLES)
def import_status(request, public_id):
    job = get_import_job_for_user(request.user, public_id)
    return render(request, "students/import_status.html", {"job": job})


@access(SCOPED, roles=STUDENT_WRITE_ROLES)
def import_progress(request, public_id):
    job = get_import_job_for_user(request.user, public_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "finished": job.is_finished,
            "percent": job.percent,
            "rows_total": job.rows_total,
            "rows_validated": job.rows_validated,
            "rows_written": job.rows_written,
            "error_count": job.error_count,
        }
    )

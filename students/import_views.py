"""Browser upload of the pupil export by a school's staff, with a progress page and a report."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from dsfr.forms import DsfrBaseForm

from accounts.perms import SCOPED, access
from accounts.roles import STUDENT_WRITE_ROLES
from jobs import runner

from . import imports, services
from .models import ImportJob

ACCEPTED_EXTENSIONS = (".csv", ".txt", ".xml", ".zip")
ENCODING_CHOICES = [
    ("", "Détection automatique"),
    ("utf-8-sig", "UTF-8"),
    ("iso-8859-15", "ISO-8859-15 (Latin-9, celui de SIECLE)"),
    ("cp1252", "Windows-1252 (Excel)"),
    ("utf-16", "UTF-16"),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:
                return [single(None, initial)]
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class PupilImportForm(DsfrBaseForm):
    files = MultipleFileField(
        label="Fichiers de l'export élèves",
        help_text=(
            "Exports SIECLE tels que téléchargés (ExportXML_ElevesSansAdresses.zip, "
            "ResponsablesAvecAdresses, Nomenclature ; ZIP ou XML, ensemble ou séparément), ou "
            "un fichier CSV (séparateur « ; » ou « , »)."
        ),
        error_messages={"required": "Choisissez au moins un fichier à importer."},
    )
    encoding = forms.ChoiceField(
        label="Encodage d'un fichier CSV",
        choices=ENCODING_CHOICES,
        required=False,
        help_text="À laisser sur « Détection automatique », sauf si l'import vous le demande.",
    )

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        limit = services.max_upload_bytes()
        if len(uploads) > 4:
            raise forms.ValidationError("Déposez au plus quatre fichiers à la fois.")
        for upload in uploads:
            if not upload.name.lower().endswith(ACCEPTED_EXTENSIONS):
                raise forms.ValidationError(
                    f"« {upload.name} » : déposez un export SIECLE (.zip ou .xml) ou un "
                    "fichier .csv."
                )
            if upload.size == 0:
                raise forms.ValidationError(f"Le fichier « {upload.name} » est vide.")
            if upload.size > limit:
                raise forms.ValidationError(
                    f"Le fichier « {upload.name} » dépasse {filesizeformat(limit)} : "
                    "découpez-le ou demandez un import académique."
                )
        return uploads


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
            uploaded_files=form.cleaned_data["files"],
            user=request.user,
            school=role.etablissement,
            encoding=form.cleaned_data["encoding"],
        )
        job.refresh_from_db()
        if job.status == ImportJob.Status.DONE:
            messages.success(request, f"Import terminé : {job.rows_total} élève(s) à jour.")
        elif job.is_finished:
            messages.error(request, "Fichier refusé : rien n'a été enregistré. Voir le détail.")
        else:
            messages.info(
                request, "Fichier reçu : l'import se poursuit, cette page suit son avancement."
            )
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
    return render(
        request,
        "students/import_status.html",
        {
            "job": job,
            "has_broker": runner.has_broker(),
            "can_relaunch": request.user.is_administrator and bool(job.attachments),
        },
    )


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


@access(SCOPED, roles=STUDENT_WRITE_ROLES)
def import_relaunch(request, public_id):
    """An administrator sends a job again (a job stuck after an outage)."""
    job = get_import_job_for_user(request.user, public_id)
    if request.method != "POST" or not request.user.is_administrator:
        raise Http404
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.REJECTED) or not job.attachments:
        messages.error(request, "Cet import est terminé : il n'y a rien à relancer.")
    else:
        runner.relaunch("students.import", job)
        messages.success(request, "Import relancé : il reprend depuis le début.")
    return redirect("students:import_status", public_id=job.public_id)


@access(SCOPED, roles=STUDENT_WRITE_ROLES)
def import_template(request):
    """A CSV model of the pupil import: every column, one invented pupil."""
    example = {
        "INE": "123456789AB",
        "NOM": "EXEMPLE",
        "PRENOM": "Camille",
        "DATE_NAISS": "14/03/2009",
        "SEXE": "F",
        "UAI": getattr(request.user.active_role.etablissement, "uai", "0779999A"),
        "NIVEAU": "2GT",
        "DIVISION": "2NDE3",
        "DATE_ENTREE": "01/09/2025",
        "RL1_NOM": "EXEMPLE",
        "RL1_PRENOM": "Alex",
        "RL1_LIEN": "Mère",
    }
    columns = [*imports.REQUIRED_COLUMNS, *imports.OPTIONAL_COLUMNS]
    content = ";".join(columns) + "\r\n" + ";".join(example.get(c, "") for c in columns) + "\r\n"
    response = HttpResponse(content.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele_import_eleves.csv"'
    return response

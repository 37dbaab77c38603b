from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from accounts.perms import SCOPED, access
from accounts.roles import MLDS_WRITE_ROLES
from jobs import views as job_views
from jobs.models import UploadJob
from jobs.uploads import start_upload_job, structure_q
from territories.models import Departement

from ..forms import SieiUploadForm
from ..models import SieiImport
from ..siei import COLUMNS

IMPORT_URL = "mlds:siei_import"


@access(SCOPED, roles=MLDS_WRITE_ROLES)
def siei_import(request):
    """A coordinator uploads the SIEI / RIO list of the département; it is imported in the
    background and the progress page follows it."""
    form = SieiUploadForm(request.POST or None, request.FILES or None)
    departement_ids = request.user.active_role.departement_ids()
    if request.method == "POST" and form.is_valid():
        if len(departement_ids) != 1:
            form.add_error(None, "Import réservé aux coordonnateurs d'un département.")
        else:
            job = start_upload_job(
                kind=UploadJob.Kind.SIEI,
                upload=form.cleaned_data["file"],
                user=request.user,
                departement=Departement.objects.get(pk=departement_ids[0]),
            )
            return job_views.upload_started(request, job, namespace=IMPORT_URL)
    imports = SieiImport.objects.visible_to(request.user).select_related("imported_by")[:20]
    return render(
        request,
        "mlds/siei_import.html",
        {
            "form": form,
            "imports": imports,
            "jobs": _siei_jobs(request.user)[:10],
            "columns": COLUMNS,
        },
        status=400 if request.method == "POST" else 200,
    )


def _siei_jobs(user):
    """The SIEI uploads of the départements of the role, and the user's own."""
    return UploadJob.objects.visible_to(
        user,
        kind=UploadJob.Kind.SIEI,
        structure_q=structure_q(departement_ids=user.active_role.departement_ids()),
    ).select_related("created_by", "departement")


def _siei_job(user, public_id):
    return get_object_or_404(_siei_jobs(user), public_id=public_id)


@access(SCOPED, roles=MLDS_WRITE_ROLES)
def siei_import_status(request, public_id):
    return job_views.upload_status(
        request,
        _siei_job(request.user, public_id),
        namespace=IMPORT_URL,
        title="Import de la liste SIEI / RIO",
        links=[(reverse("mlds:caseload"), "Voir les suivis")],
    )


@access(SCOPED, roles=MLDS_WRITE_ROLES)
def siei_import_progress(request, public_id):
    return job_views.upload_progress(_siei_job(request.user, public_id))


@access(SCOPED, roles=MLDS_WRITE_ROLES)
def siei_import_relaunch(request, public_id):
    job = _siei_job(request.user, public_id)
    return job_views.upload_relaunch(request, job, namespace=IMPORT_URL)

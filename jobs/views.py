"""The pieces every upload page shares: the progress page, its JSON for the polling script and
an administrator's relaunch. Each app resolves access first (404 for whoever may not see the
upload), then calls these."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from . import runner
from .models import UploadJob


def upload_status(
    request, job: UploadJob, *, namespace: str, title: str, links=(), upload_url: str = ""
):
    """`namespace` names the app's URLs: `<namespace>_status`, `_progress`, `_relaunch` and the
    upload page itself (unless `upload_url` names the page holding the form); `links` are
    (url, label) shown once the import is done."""
    return render(
        request,
        "jobs/upload_status.html",
        {
            "job": job,
            "title": title,
            "upload_url": upload_url or reverse(namespace),
            "progress_url": reverse(f"{namespace}_progress", args=[job.public_id]),
            "relaunch_url": reverse(f"{namespace}_relaunch", args=[job.public_id]),
            "can_relaunch": request.user.is_administrator and bool(job.stored_name),
            "has_broker": runner.has_broker(),
            "links": list(links),
        },
    )


def upload_progress(job: UploadJob) -> JsonResponse:
    return JsonResponse(job.progress())


def upload_relaunch(request, job: UploadJob, *, namespace: str):
    """An administrator sends a job again (stuck after an outage): POST only."""
    if request.method != "POST" or not request.user.is_administrator:
        raise Http404
    if job.status in (UploadJob.Status.DONE, UploadJob.Status.REJECTED) or not job.stored_name:
        messages.error(request, "Cet import est terminé : il n'y a rien à relancer.")
    else:
        runner.relaunch("jobs.upload", job)
        messages.success(request, "Import relancé : il reprend depuis le début.")
    return redirect(f"{namespace}_status", public_id=job.public_id)


def upload_started(request, job: UploadJob, *, namespace: str):
    """The answer to an accepted upload: the progress page (the import may already be done
    when it ran in the request's commit, as under tests)."""
    job.refresh_from_db()
    if job.status == UploadJob.Status.DONE:
        messages.success(request, f"Import terminé : {job.summary}")
    elif job.is_finished:
        messages.error(request, "Fichier refusé : rien n'a été enregistré. Voir le détail.")
    else:
        messages.info(
            request, "Fichier reçu : l'import se poursuit, cette page suit son avancement."
        )
    return redirect(f"{namespace}_status", public_id=job.public_id)

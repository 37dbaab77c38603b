"""Uploaded files processed in the background, for the imports that have no job of their own
(exam results, SIEI lists, absences; the pupil import keeps `students.ImportJob`).

The request checks the file (size, kind), stores it, commits an `UploadJob` and answers with
the progress page; `jobs.runner` sends the job to a worker once committed, and the sweep sends
it again if the queue was unreachable or the worker died. Each app registers, per kind, the
function that reads the bytes and writes (all or nothing), raising `UploadRejected` with its
French errors. The import runs with the role the file was uploaded under, so its scope is the
uploader's at that moment.
"""

import csv
import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone

from . import runner
from .models import UploadJob

logger = logging.getLogger(__name__)
Status = UploadJob.Status
MAX_REPORTED_ERRORS = 1000
_LINE_PREFIX = re.compile(r"^Ligne (\d+)\s*:\s*(.*)$", re.DOTALL)


class UploadRejected(Exception):
    """The file is refused as a whole; `errors` are dicts (line, column, message) in French."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} erreur(s)")
        self.errors = errors


@dataclass(frozen=True)
class UploadKind:
    """`run(job, raw, user)` imports the bytes and returns the French summary of what was done."""

    run: Callable[..., str]


_handlers: dict[str, UploadKind] = {}


def register_upload(kind: str, *, run: Callable[..., str]) -> None:
    _handlers[kind] = UploadKind(run=run)


def error(message: str, *, line: int = 0, column: str = "") -> dict:
    return {"line": line, "column": column, "message": message}


def line_errors(messages) -> list[dict]:
    """French messages written « Ligne N : … » as the shared report's rows."""
    rows = []
    for text in messages:
        match = _LINE_PREFIX.match(str(text))
        if match:
            message = match.group(2)
            rows.append(error(message[:1].upper() + message[1:], line=int(match.group(1))))
        else:
            rows.append(error(str(text)))
    return rows


def start_upload_job(*, kind: str, upload, user, school=None, departement=None) -> UploadJob:
    """Store the file and queue its import once the job row is committed: the request answers
    at once, whether or not the queue is reachable."""
    from .tasks import process_upload_job

    name = upload.name.rsplit("/", 1)[-1][:100] or "fichier.csv"
    stored = default_storage.save(f"imports/{kind}/{uuid.uuid4().hex}/{name}", upload)
    role = getattr(user, "active_role", None)
    job = UploadJob.objects.create(
        kind=kind,
        created_by=user,
        role=role if getattr(role, "pk", None) else None,
        school=school,
        departement=departement,
        stored_name=stored,
        filename=upload.name[:255],
        rows_total=_count_lines(upload),
        enqueued_at=timezone.now(),
    )
    runner.enqueue(process_upload_job, job.pk)
    return job


def _count_lines(upload) -> int:
    upload.seek(0)
    lines: int = 0
    for chunk in upload.chunks():
        lines += chunk.count(b"\n") or chunk.count(b"\r")
    upload.seek(0)
    return max(lines - 1, 0)


def run_upload_job(*, job_id: int) -> UploadJob | None:
    """Process one upload. Only the worker that claims the row works on it; a finished job is
    left alone; one whose worker died is redone from the start (each import is all or nothing
    and idempotent)."""
    claimed = runner.claim(
        UploadJob,
        job_id,
        pending=(Status.PENDING,),
        running=(Status.RUNNING,),
        to_status=Status.RUNNING,
    )
    job = UploadJob.objects.select_related("created_by", "role").filter(pk=job_id).first()
    if job is None or not claimed:
        return job
    try:
        with heartbeat(job.pk):
            job.summary = _run(job)
        job.status, job.errors, job.error_count = Status.DONE, [], 0
    except UploadRejected as exc:
        job.status = Status.REJECTED
        job.error_count = len(exc.errors)
        job.errors = exc.errors[:MAX_REPORTED_ERRORS]
    except Exception as exc:
        # Only the error's kind: database messages may quote an INE or a name.
        logger.error("Import %s %s en échec : %s", job.kind, job.public_id, type(exc).__name__)
        job.status = Status.FAILED
        job.error_count = 1
        job.errors = [
            error(
                "Erreur technique pendant l'import : rien n'a été enregistré. Réessayez ou "
                "contactez l'assistance."
            )
        ]
    finally:
        # Kept after a technical failure only, for an administrator's relaunch.
        if job.stored_name and job.status != Status.FAILED:
            default_storage.delete(job.stored_name)
            job.stored_name = ""
        job.finished_at = timezone.now()
        job.save()
    return job


def heartbeat_seconds() -> float:
    """How often a running import says it is alive: well within the sweep's stale delay, so a
    long import (a large results file) is never taken for a dead worker's and run twice."""
    default = runner.stale_after().total_seconds() / 4
    return float(getattr(settings, "JOBS_HEARTBEAT_SECONDS", default))


@contextmanager
def heartbeat(job_id: int) -> Iterator[None]:
    """Refresh the job's `heartbeat_at` from a side thread (its own connection, so the beat
    commits while the import's transaction is still open) until the block ends."""
    stop = threading.Event()
    every = heartbeat_seconds()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    UploadJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError as exc:  # a busy database: the next beat tries again
                    logger.warning("Signe de vie de l'import %s différé : %s", job_id, exc)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, daemon=True, name=f"heartbeat-{job_id}")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _run(job: UploadJob) -> str:
    handler = _handlers.get(job.kind)
    user = job.created_by
    if handler is None:
        raise LookupError(f"no upload handler for {job.kind}")
    if user is None or job.role is None or job.role.user_id != user.pk:
        raise UploadRejected(
            [
                error(
                    "Le compte ou le rôle qui a déposé ce fichier n'existe plus : "
                    "déposez-le à nouveau."
                )
            ]
        )
    user.active_role = job.role
    if not job.stored_name or not default_storage.exists(job.stored_name):
        raise UploadRejected(
            [error("Le fichier déposé n'est plus disponible : déposez-le à nouveau.")]
        )
    with default_storage.open(job.stored_name, "rb") as stored:
        raw = stored.read()
    try:
        return handler.run(job, raw, user)
    except ValidationError as exc:
        raise UploadRejected([error(message) for message in exc.messages]) from exc
    except csv.Error as exc:
        raise UploadRejected([error(_csv_message(exc))]) from exc
    except UnicodeError as exc:
        raise UploadRejected(
            [error("Le fichier n'est pas un texte lisible : enregistrez-le en CSV UTF-8.")]
        ) from exc


def _csv_message(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return (
            f"Une cellule dépasse {csv.field_size_limit():,} caractères : ce n'est pas le "
            "fichier attendu (un guillemet non refermé ?). Vérifiez-le puis déposez-le à "
            "nouveau."
        ).replace(",", "\u202f")
    return (
        "Le fichier CSV est mal formé (guillemets, fins de ligne ou caractères nuls) : "
        "enregistrez-le à nouveau au format CSV puis déposez-le."
    )


def structure_q(*, school_q: Q | None = None, departement_ids=None) -> Q:
    """The uploads of the schools (`school_q` over Etablissement) or départements a colleague
    may follow; nothing when neither is given."""
    q = Q(pk__in=[])
    if school_q is not None:
        q |= Q(school__isnull=False) & school_q
    if departement_ids:
        q |= Q(departement_id__in=list(departement_ids))
    return q

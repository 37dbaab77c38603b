"""Workflows around pupils that touch several models or run in the background."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, connections
from django.utils import timezone

from .imports import import_pupils
from .models import ImportJob

Status = ImportJob.Status
logger = logging.getLogger(__name__)


def start_import_job(
    *, uploaded_file: UploadedFile[bytes], user: Any, school: Any = None
) -> ImportJob:
    """Store the upload and queue its processing once the job row is committed."""
    from .tasks import process_import_job

    job = ImportJob.objects.create(
        school=school,
        created_by=user,
        filename=(uploaded_file.name or "")[:255],
        file=uploaded_file,
        rows_total=_count_lines(uploaded_file),
    )
    process_import_job.delay_on_commit(job.pk)
    return job


def _count_lines(uploaded_file: UploadedFile[bytes]) -> int:
    """Rows under the header (an upper bound: quoted line breaks count twice), for the bar."""
    uploaded_file.seek(0)
    lines: int = sum(chunk.count(b"\n") for chunk in uploaded_file.chunks())
    uploaded_file.seek(0)
    return max(lines - 1, 0)


class _ProgressWriter:
    """Writes the job's progress where the status page can see it.

    During the import transaction, its own connection's updates would stay invisible until the
    commit; on PostgreSQL a second connection publishes them. SQLite allows one writer at a time,
    so there the bar only moves during validation.
    """

    def __init__(self, job: ImportJob):
        self.job = job
        self.side = None
        if connection.vendor == "postgresql":
            self.side = connections.create_connection("default")

    def __call__(self, phase: str, done: int) -> None:
        column = "rows_validated" if phase == "validation" else "rows_written"
        status = Status.VALIDATING if phase == "validation" else Status.WRITING
        total = max(self.job.rows_total, done)
        if connection.in_atomic_block:
            if self.side is None:
                return
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET {column} = %s, rows_total = %s, "
                    "status = %s WHERE id = %s",
                    [done, total, status, self.job.pk],
                )
            return
        ImportJob.objects.filter(pk=self.job.pk).update(
            **{column: done}, rows_total=total, status=status
        )
        self.job.rows_total = total

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def run_import_job(*, job_id: int) -> ImportJob | None:
    """Process one uploaded file. Safe to run again: a finished job is left alone, and an
    interrupted one is redone from the start (the import is all-or-nothing and idempotent)."""
    job: ImportJob | None = (
        ImportJob.objects.select_related("school", "created_by").filter(pk=job_id).first()
    )
    if job is None or job.is_finished:
        return job
    allowed = None
    if job.school_id:
        allowed = {job.school_id}
    elif job.created_by is not None:
        from territories.models import Etablissement

        allowed = set(Etablissement.objects.visible_to(job.created_by).values_list("id", flat=True))
    progress = _ProgressWriter(job)
    try:
        with job.file.storage.open(str(job.file.name), "rb") as stored:
            report = import_pupils(
                stream=getattr(stored, "file", stored),
                user=job.created_by,
                allowed_school_ids=allowed,
                progress=progress,
            )
    except Exception as exc:
        # Only the error's kind: database messages may quote an INE or a name.
        logger.error("Import d'élèves %s en échec : %s", job.public_id, type(exc).__name__)
        job.status = Status.FAILED
        job.errors = [
            {
                "line": 0,
                "column": "",
                "message": "Erreur technique pendant l'import : "
                "rien n'a été enregistré. Réessayez ou contactez l'assistance.",
            }
        ]
        job.error_count = 1
    else:
        job.status = Status.REJECTED if report.is_rejected else Status.DONE
        job.rows_total = report.rows
        job.rows_validated = report.rows
        job.rows_written = 0 if report.is_rejected else report.rows
        job.created_count = report.created
        job.updated_count = report.updated
        job.unchanged_count = report.unchanged
        job.error_count = report.error_count
        job.errors = [error.as_dict() for error in report.errors]
    finally:
        progress.close()
        job.finished_at = timezone.now()
        job.file.delete(save=False)
        job.save()
    return job

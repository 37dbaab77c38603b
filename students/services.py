"""Workflows around pupils that touch several models or run in the background."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.utils import timezone

from imports.reports import ImportReport
from imports.sources import ImportFileError, Upload, open_upload
from jobs import runner

from .imports import import_pupils
from .models import ImportJob
from .siecle_import import import_siecle

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from territories.models import Etablissement

    from .models import Enrolment, Student

Status = ImportJob.Status
logger = logging.getLogger(__name__)


def max_upload_bytes() -> int:
    limit: int = settings.IMPORT_MAX_BYTES["eleves"]
    return limit


def start_import_job(
    *,
    uploaded_files: Sequence[UploadedFile[bytes]],
    user: User,
    school: Etablissement | None = None,
    encoding: str = "",
) -> ImportJob:
    """Store the uploads and queue their processing once the job row is committed: the
    request answers at once, even when the queue is unreachable (the sweep resends)."""
    from .tasks import process_import_job

    folder = f"imports/eleves/{uuid.uuid4().hex}"
    stored = [
        default_storage.save(f"{folder}/{(upload.name or '').rsplit('/', 1)[-1][:100]}", upload)
        for upload in uploaded_files
    ]
    job = ImportJob.objects.create(
        school=school,
        created_by=user,
        filename=" + ".join(upload.name or "" for upload in uploaded_files)[:255],
        attachments=stored,
        encoding=encoding,
        rows_total=_count_lines(uploaded_files),
        enqueued_at=timezone.now(),
    )
    runner.enqueue(process_import_job, job.pk)
    return job


def _count_lines(uploaded_files: Sequence[UploadedFile[bytes]]) -> int:
    """Rows under the header of a single CSV (an upper bound: quoted line breaks count
    twice), for the bar; 0 for SIECLE exports (their pupils are counted as read)."""
    name = (uploaded_files[0].name or "") if len(uploaded_files) == 1 else ""
    if not name.lower().endswith((".csv", ".txt")):
        return 0
    uploaded_file = uploaded_files[0]
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
        now = timezone.now()
        if connection.in_atomic_block:
            if self.side is None:
                return
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET {column} = %s, rows_total = %s, "
                    "status = %s, heartbeat_at = %s WHERE id = %s",
                    [done, total, status, now, self.job.pk],
                )
            return
        ImportJob.objects.filter(pk=self.job.pk).update(
            **{column: done}, rows_total=total, status=status, heartbeat_at=now
        )
        self.job.rows_total = total

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def run_import_job(*, job_id: int) -> ImportJob | None:
    """Process one upload. Safe to run again: only the worker that claims the row works on it,
    a finished job is left alone, and one whose worker died is redone from the start (the
    import is all-or-nothing and idempotent)."""
    claimed = runner.claim(
        ImportJob,
        job_id,
        pending=(Status.PENDING,),
        running=(Status.VALIDATING, Status.WRITING),
        to_status=Status.VALIDATING,
    )
    job: ImportJob | None = (
        ImportJob.objects.select_related("school", "created_by").filter(pk=job_id).first()
    )
    if job is None or not claimed:
        return job
    allowed = None
    if job.school_id:
        allowed = {job.school_id}
    elif job.created_by is not None:
        from territories.models import Etablissement

        allowed = set(Etablissement.objects.visible_to(job.created_by).values_list("id", flat=True))
    progress = _ProgressWriter(job)
    uploads: list[Upload] = []
    handles: list[Any] = []
    try:
        for name in job.attachments:
            stored = default_storage.open(name, "rb")
            handles.append(stored)
            uploads.append(
                open_upload(
                    getattr(stored, "file", stored),
                    name=name.rsplit("/", 1)[-1],
                    max_bytes=max_upload_bytes(),
                )
            )
        report = _import(uploads, job=job, allowed=allowed, progress=progress)
    except ImportFileError as exc:
        job.status = Status.REJECTED
        job.errors = [{"line": 0, "column": "", "message": str(exc)}]
        job.error_count = 1
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
        job.warnings = list(report.warnings)
    finally:
        progress.close()
        for upload in uploads:
            upload.close()
        for handle in handles:
            handle.close()
        for name in job.attachments:
            default_storage.delete(name)
        if job.file:
            job.file.delete(save=False)
        job.finished_at = timezone.now()
        job.save()
    return job


def _import(
    uploads: list[Upload],
    *,
    job: ImportJob,
    allowed: set[int] | None,
    progress: _ProgressWriter,
) -> ImportReport:
    if any(upload.kind == "xml" for upload in uploads):
        return import_siecle(
            uploads, allowed_school_ids=allowed, user=job.created_by, progress=progress
        )
    if len(uploads) != 1:
        raise ImportFileError(
            "Plusieurs fichiers CSV déposés ensemble : déposez un seul fichier CSV à la fois "
            "(ou les exports SIECLE, en ZIP ou en XML)."
        )
    return import_pupils(
        stream=uploads[0].stream,
        user=job.created_by,
        allowed_school_ids=allowed,
        progress=progress,
        encoding=job.encoding or None,
        source_name=job.filename,
    )


def record_exit(
    *,
    student: Student,
    exit_date: dt.date,
    motif_code: str,
    by: User,
    today: dt.date | None = None,
) -> Enrolment:
    """Close the pupil's open enrolment in one of `by`'s schools with a SIECLE motif, as an
    export would; a dropout motif raises the same signal as the import."""
    import datetime as dt

    from django.core.exceptions import ValidationError
    from django.db import transaction

    from . import siecle
    from .models import Enrolment, ExitSignal

    today = today or timezone.localdate()
    if motif_code not in siecle.EXIT_MOTIFS:
        raise ValidationError("Motif de sortie inconnu.")
    if exit_date > today + dt.timedelta(days=31):
        raise ValidationError("La date de sortie ne peut pas dépasser d'un mois aujourd'hui.")
    role = by.active_role
    if role is None:
        raise ValidationError("Choisissez d'abord le rôle sous lequel vous agissez.")
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .filter(student=student, exit_date__isnull=True)
            .filter(role.school_q("school__"))
            .select_related("school")
            .order_by("-school_year")
            .first()
        )
        if enrolment is None:
            raise ValidationError(
                "Aucune inscription en cours de cet élève dans votre établissement."
            )
        if enrolment.entry_date and exit_date < enrolment.entry_date:
            raise ValidationError(
                f"La date de sortie précède l'entrée ({enrolment.entry_date:%d/%m/%Y})."
            )
        label, reason, is_dropout = siecle.EXIT_MOTIFS[motif_code]
        enrolment.exit_date = exit_date
        enrolment.exit_reason = reason
        enrolment.exit_motif_code = motif_code
        enrolment.exit_source = f"saisie par {by}"[:200]
        enrolment._history_user = by  # type: ignore[attr-defined]  # read by simple_history
        enrolment.save()
        if student.current_school_id == enrolment.school_id:
            student.current_school = None
            student._history_user = by  # type: ignore[attr-defined]  # read by simple_history
            student.save()
        if is_dropout and not ExitSignal.objects.filter(enrolment=enrolment).exists():
            from . import rules
            from .hooks import held_diplomas

            age = student.age_on(today)
            if age < rules.MLDS_END_AGE() and not held_diplomas(student):
                ExitSignal.objects.create(
                    student=student,
                    enrolment=enrolment,
                    school=enrolment.school,
                    departement_id=enrolment.school.departement_id,
                    kind=ExitSignal.Kind.INSTRUCTION
                    if age < rules.COMPULSORY_INSTRUCTION_END_AGE
                    else ExitSignal.Kind.MLDS,
                    exit_date=exit_date,
                    motif_code=motif_code,
                    motif_label=label,
                    source=f"sortie saisie par {by} le {today:%d/%m/%Y}"[:200],
                )
    return enrolment

"""Workflows across models: commission decisions, bulk actions, documents, MLDS hand-over."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from config import pdf

if TYPE_CHECKING:
    from collections.abc import Iterable

    from accounts.models import User
    from mlds.models import AmbitionEmploi, FollowUp
    from territories.models import Departement, Etablissement
from jobs import runner
from students.models import LegalRepresentative

from . import conf, rules
from .enums import BatchState, DecisionOutcome, DocumentKind, DossierState, Exam, TrailKind, Wish
from .models import (
    TRANSITIONS,
    AccompanimentEntry,
    BatchChunk,
    BatchJob,
    Capacity,
    Commission,
    CommissionDecision,
    CommissionSession,
    GeneratedDocument,
    RepreparationDossier,
    can_pronounce,
)

S = DossierState
LETTER_STATES = [
    S.REINSCRIT,
    S.DECIDE_COMMISSION,
    S.ORIENTE_AILLEURS,
    S.FAMILLE_INFORMEE,
    S.INSCRIT_RENTREE,
]


def commission_for(departement: Departement) -> Commission:
    commission, _ = Commission.objects.get_or_create(departement=departement)
    return commission


def decide(
    *,
    session: CommissionSession,
    dossier: RepreparationDossier,
    outcome: str,
    by: User,
    capacity: Capacity | None = None,
    reason: str = "",
) -> CommissionDecision:
    """Decide one transmitted dossier, exactly once, without ever exceeding a capacity.

    An assignment is a proposal until the IA-DASEN pronounces it (`pronounce`), unless the
    académie gives the commission's chair that delegation (rules.CHAIR_PRONOUNCES): then the
    decision is the pronouncement, by the member who records it.

    Race: the dossier row is locked first, so two members deciding the same dossier are
    serialised and the second one sees the decision; the capacity row is locked before its
    counter moves, and a CHECK constraint backs the count.
    """
    if outcome not in DecisionOutcome.values:
        raise ValidationError("Décision inconnue.")
    if outcome == DecisionOutcome.AFFECTE and capacity is None:
        raise ValidationError("Choisissez l'établissement et la formation d'accueil.")
    if outcome == DecisionOutcome.NON_AFFECTE:
        capacity = None
    if outcome != DecisionOutcome.AFFECTE and not reason.strip():
        raise ValidationError("Indiquez le motif de la décision.")
    departement_id = session.commission.departement_id
    try:
        with transaction.atomic():
            locked = (
                RepreparationDossier.objects.select_for_update(of=("self",))
                .select_related("school", "student", "exam_result")
                .get(pk=dossier.pk)
            )
            previous = (
                CommissionDecision.objects.filter(dossier=locked)
                .select_related("session", "decided_by")
                .first()
            )
            if previous is not None:
                raise ValidationError(
                    "Ce dossier a déjà été décidé en séance du "
                    f"{previous.session.date:%d/%m/%Y} par {previous.decided_by} "
                    f"({previous.summary}). Votre saisie n'a pas été enregistrée."
                )
            if locked.state != S.TRANSMIS_COMMISSION:
                raise ValidationError(
                    "Ce dossier n'est pas en attente de la commission (état : "
                    f"« {DossierState(locked.state).label} »)."
                )
            if locked.commission_departement_id != departement_id:
                raise ValidationError("Ce dossier relève de la commission d'un autre département.")
            if capacity is not None:
                cap = (
                    Capacity.objects.select_for_update()
                    .select_related("school")
                    .get(pk=capacity.pk)
                )
                if cap.commission_id != session.commission_id:
                    raise ValidationError("Cette capacité relève d'une autre commission.")
            if capacity is not None and outcome == DecisionOutcome.AFFECTE:
                if cap.assigned >= cap.places:
                    raise ValidationError(
                        f"Plus aucune place en {cap.formation} au {cap.school.name} "
                        f"({cap.places} place(s), toutes attribuées). Choisissez une autre "
                        "capacité ou placez l'élève sur liste d'attente."
                    )
                Capacity.objects.filter(pk=cap.pk).update(assigned=F("assigned") + 1)
            if capacity is not None:
                capacity = cap
            decision = CommissionDecision.objects.create(
                dossier=locked,
                session=session,
                outcome=outcome,
                capacity=capacity,
                reason=reason.strip(),
                decided_by=by,
            )
            if outcome == DecisionOutcome.AFFECTE:
                locked.propose_assignment(by=by, decision=decision)
                if rules.CHAIR_PRONOUNCES():
                    _pronounce_one(decision=decision, dossier=locked, by=by)
            else:
                locked.record_commission_decision(by=by, decision=decision)
    except IntegrityError as exc:
        raise ValidationError(
            "Ce dossier vient d'être décidé par un autre membre de la commission, ou la "
            "capacité est atteinte : votre saisie n'a pas été enregistrée. Rechargez la page."
        ) from exc
    return decision


def _pronounce_one(
    *,
    decision: CommissionDecision,
    dossier: RepreparationDossier,
    by: User,
    today: dt.date | None = None,
) -> None:
    decision.pronounced_at, decision.pronounced_by = timezone.now(), by
    decision.save(update_fields=["pronounced_at", "pronounced_by"])
    dossier.pronounce_assignment(by=by, decision=decision, today=today)


def pronounce(
    *,
    session: CommissionSession,
    by: User,
    dossier_ids: Iterable[str] | None = None,
    today: dt.date | None = None,
) -> tuple[list[CommissionDecision], list[str]]:
    """The IA-DASEN (or a delegate) pronounces the session's proposed assignments, all of
    them or those of `dossier_ids` (public ids): the D.331-61 right is used and the family
    letters become possible. Each proposal is pronounced in its own savepoint, so one refusal
    (right already used or lapsed) leaves the others pronounced. Returns the pronounced
    decisions and one French reason per refusal."""
    today = today or timezone.localdate()
    departement_id = session.commission.departement_id
    if rules.CHAIR_PRONOUNCES():
        raise ValidationError(
            "Dans cette académie, la décision de la commission vaut prononcé de l'affectation "
            "(DOSSIERS_CHAIR_PRONOUNCES) : il n'y a rien à prononcer séparément."
        )
    if not can_pronounce(by, departement_id, today):
        raise ValidationError(
            "Seul l'IA-DASEN du département, ou la personne à qui il a délégué le prononcé des "
            "affectations (délégation enregistrée par l'administrateur), peut prononcer une "
            "affectation."
        )
    proposals = session.proposals().select_related("dossier__student", "capacity__school")
    if dossier_ids is not None:
        proposals = proposals.filter(dossier__public_id__in=list(dossier_ids))
    done, refused = [], []
    for candidate in proposals.order_by("decided_at", "id"):
        student = candidate.dossier.student
        try:
            with transaction.atomic():
                decision = (
                    CommissionDecision.objects.select_for_update(of=("self",))
                    .select_related("capacity__school")
                    .get(pk=candidate.pk)
                )
                if not decision.is_proposal:
                    raise ValidationError("l'affectation a déjà été prononcée ou déclinée.")
                dossier = RepreparationDossier.objects.select_for_update().get(
                    pk=decision.dossier_id
                )
                _pronounce_one(decision=decision, dossier=dossier, by=by, today=today)
        except ValidationError as exc:
            refused.append(f"{student} : {' '.join(exc.messages)}")
            continue
        done.append(decision)
    if not done and not refused:
        raise ValidationError("Aucune affectation proposée n'attend de prononcé dans cette séance.")
    return done, refused


# Who may still be given a place: the dossiers the promotion transition accepts.
PROMOTABLE_STATES = list(TRANSITIONS["promote_from_waiting_list"].sources)


def waiting_list_of(
    capacities: Iterable[Capacity] | QuerySet[Capacity],
) -> QuerySet[CommissionDecision]:
    """The waiting-list decisions for some capacities, first in line first (order of
    decision), limited to pupils who still wait (not enrolled elsewhere since)."""
    return (
        CommissionDecision.objects.filter(
            capacity__in=capacities,
            outcome=DecisionOutcome.LISTE_ATTENTE,
            dossier__state__in=PROMOTABLE_STATES,
        )
        .select_related("dossier__student", "dossier__school", "dossier__exam_result", "session")
        .order_by("capacity_id", "decided_at", "id")
    )


def record_withdrawal(
    *, decision: CommissionDecision, by: User, reason: str, today: dt.date | None = None
) -> CommissionDecision:
    """The family declines the assigned place: the place is freed for the waiting list, the
    pupil is without a solution again (the school and the MLDS take over from there)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Indiquez le motif du désistement.")
    with transaction.atomic():
        locked = CommissionDecision.objects.select_for_update().get(pk=decision.pk)
        if locked.outcome != DecisionOutcome.AFFECTE:
            raise ValidationError("Seule une affectation peut faire l'objet d'un désistement.")
        if locked.withdrawn_at is not None:
            raise ValidationError(
                f"Le désistement a déjà été enregistré le {locked.withdrawn_at:%d/%m/%Y} : "
                "la place a déjà été libérée."
            )
        Capacity.objects.filter(pk=locked.capacity_id).update(assigned=F("assigned") - 1)
        locked.withdrawn_at, locked.withdrawn_by = timezone.now(), by
        locked.withdrawal_reason = reason
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        dossier = RepreparationDossier.objects.get(pk=locked.dossier_id)
        dossier.record_withdrawal(by=by, decision=locked, today=today)
    withdrawn: CommissionDecision = locked
    return withdrawn


def promote_from_waiting_list(
    *, capacity: Capacity, by: User, today: dt.date | None = None
) -> CommissionDecision:
    """Give a free place of `capacity` to the first pupil waiting for it whose right to
    re-prepare still runs (D.331-61: only for the rentrée right after the failure).

    The capacity row is locked first, so two members promoting at once are serialised and
    the second one finds the place taken; the CHECK constraint backs the count.
    """
    with transaction.atomic():
        cap = Capacity.objects.select_for_update().select_related("school").get(pk=capacity.pk)
        if cap.assigned >= cap.places:
            raise ValidationError(
                f"Aucune place libre en {cap.formation} au {cap.school.name} : enregistrez "
                "d'abord un désistement ou augmentez la capacité."
            )
        first: CommissionDecision | None = None
        refused = []
        for candidate in waiting_list_of([cap]).select_for_update(of=("self",)):
            try:
                candidate.dossier.check_right_available(today or timezone.localdate())
            except ValidationError as exc:
                refused.append(f"{candidate.dossier.student} : {exc.messages[0]}")
                continue
            first = candidate
            break
        if first is None and refused:
            raise ValidationError(
                "Aucun élève de la liste d'attente ne peut plus être affecté. " + " ".join(refused)
            )
        if first is None:
            raise ValidationError(
                f"Personne n'attend de place en {cap.formation} au {cap.school.name}."
            )
        Capacity.objects.filter(pk=cap.pk).update(assigned=F("assigned") + 1)
        first.outcome = DecisionOutcome.AFFECTE
        first.capacity = cap
        first.promoted_at, first.promoted_by = timezone.now(), by
        first.save(update_fields=["outcome", "capacity", "promoted_at", "promoted_by"])
        dossier = RepreparationDossier.objects.select_for_update().get(pk=first.dossier_id)
        dossier.promote_from_waiting_list(by=by, decision=first, today=today)
        if rules.CHAIR_PRONOUNCES():
            _pronounce_one(decision=first, dossier=dossier, by=by, today=today)
    return first


def invite_all(
    *,
    school: Etablissement,
    by: User,
    channel: str,
    note: str = "",
    today: dt.date | None = None,
) -> int:
    """Record an invitation to the entretien for every dossier of the school still waiting."""
    today = today or timezone.localdate()
    dossiers = list(
        RepreparationDossier.objects.filter(
            school=school, state__in=[S.REMIS, S.ENTRETIEN_PLANIFIE, S.CONTACT_IMPOSSIBLE]
        ).only("id", "opened_on")
    )
    entries = [
        AccompanimentEntry(
            dossier=d,
            kind=TrailKind.INVITATION,
            channel=channel,
            occurred_on=max(today, d.opened_on),
            note=note or "Invitation à l'entretien de situation",
            recorded_by=by,
        )
        for d in dossiers
    ]
    AccompanimentEntry.objects.bulk_create(entries)
    return len(entries)


# --- documents ----------------------------------------------------------------------------


def _letter_queryset() -> QuerySet[RepreparationDossier]:
    return RepreparationDossier.objects.select_related(
        "student",
        "school__departement",
        "exam_result",
        "decision__capacity__school",
        "decision__session__commission__departement",
    ).prefetch_related(
        Prefetch("student__representatives", queryset=LegalRepresentative.objects.order_by("id"))
    )


def _letter_context(dossier: RepreparationDossier, today: dt.date) -> RepreparationDossier:
    """Attach what the letter template needs (recipients, decision) to the dossier."""
    student = dossier.student
    # Attributes for the template only, not fields of the model.
    letter: Any = dossier
    letter.recipients = student.letter_recipients(today)
    letter.adult = student.is_adult_on(today)
    try:
        letter.letter_decision = dossier.decision
    except CommissionDecision.DoesNotExist:
        letter.letter_decision = None
    letter.state_reenrolled = (
        letter.letter_decision is None
        and dossier.wish == Wish.REINSCRIPTION_ORIGINE
        and dossier.decided_on is not None
    )
    return dossier


def check_letter_possible(dossier: RepreparationDossier) -> None:
    decision = getattr(dossier, "decision", None)
    if decision is not None and decision.is_proposal:
        raise ValidationError(
            "L'affectation proposée par la commission n'est pas encore prononcée par l'IA-DASEN "
            "(ou son délégataire) : la lettre à la famille se prépare après le prononcé."
        )
    if dossier.state not in LETTER_STATES and dossier.decided_on is None:
        raise ValidationError(
            "Aucune décision à annoncer : la lettre à la famille se prépare après la "
            "réinscription, l'orientation ou la décision de la commission."
        )


def _store(
    *,
    kind: str,
    title: str,
    content: bytes | File[bytes],
    pages: int,
    by: User | None,
    departement_id: int,
    school_id: int | None = None,
    session: CommissionSession | None = None,
    dossier_ids: Iterable[int] = (),
) -> GeneratedDocument:
    doc = GeneratedDocument(
        kind=kind,
        title=title,
        pages=pages,
        created_by=by,
        departement_id=departement_id,
        school_id=school_id,
        session=session,
    )
    body = content if isinstance(content, File) else ContentFile(content)
    doc.file.save(f"{doc.public_id}.pdf", body, save=False)
    doc.save()
    if dossier_ids:
        doc.dossiers.add(*dossier_ids)
    return doc


def render_family_letter(
    *, dossier: RepreparationDossier, by: User, today: dt.date | None = None
) -> GeneratedDocument:
    """One letter, rendered in the request."""
    today = today or timezone.localdate()
    d = _letter_queryset().get(pk=dossier.pk)
    check_letter_possible(d)
    d = _letter_context(d, today)
    content, pages = pdf.render_pdf("dossiers/pdf/lettre.html", {"letters": [d]})
    return _store(
        kind=DocumentKind.LETTRE,
        title=f"Lettre de décision — {d.student}",
        content=content,
        pages=pages,
        by=by,
        departement_id=d.commission_departement_id or d.school.departement_id,
        school_id=d.school_id,
        dossier_ids=[d.pk],
    )


def render_demande(*, dossier: RepreparationDossier, by: User) -> GeneratedDocument:
    d = dossier
    rows = d.plan_rows()
    content, pages = pdf.render_pdf(
        "dossiers/pdf/demande.html",
        {
            "d": d,
            "representatives": d.student.representatives.all(),
            "plan": rows,
            "timetable": d.timetable(rows),
            "rule": d.exam_result.rule,
            "entretiens": d.entretiens.all(),
        },
    )
    return _store(
        kind=DocumentKind.DEMANDE,
        title=f"Demande d'affectation en Terminale — {d.student}",
        content=content,
        pages=pages,
        by=by,
        departement_id=d.school.departement_id,
        school_id=d.school_id,
        dossier_ids=[d.pk],
    )


def render_minutes(*, session: CommissionSession, by: User) -> GeneratedDocument:
    decisions = session.decisions.select_related(
        "dossier__student", "dossier__school", "dossier__exam_result", "capacity__school"
    ).order_by("decided_at", "id")
    capacities = Capacity.objects.filter(commission=session.commission).select_related("school")
    content, pages = pdf.render_pdf(
        "dossiers/pdf/pv.html",
        {
            "session": session,
            "decisions": list(decisions),
            "capacities": capacities,
            "pending_count": session.pending_dossiers().count(),
        },
    )
    return _store(
        kind=DocumentKind.PV,
        title=f"Procès-verbal — séance du {session.date:%d/%m/%Y}",
        content=content,
        pages=pages,
        by=by,
        departement_id=session.commission.departement_id,
        session=session,
    )


def _chunk_rows(batch: BatchJob) -> list[BatchChunk]:
    ids = list(batch.dossier_ids)
    size = max(1, conf.BATCH_CHUNK_SIZE)
    return [
        BatchChunk(batch=batch, index=n, dossier_ids=ids[start : start + size])
        for n, start in enumerate(range(0, len(ids), size))
    ]


def _send_batch(batch: BatchJob, chunks: int) -> None:
    """Queue the batch after commit. With a broker, one message per chunk (up to
    BATCH_FANOUT): idle workers start on it together and share its chunks."""
    from .tasks import render_batch

    copies = 1
    if runner.has_broker() and not getattr(settings, "JOBS_RUN_INLINE", False):
        copies = max(1, min(chunks, conf.BATCH_FANOUT))
    for _ in range(copies):
        runner.enqueue(render_batch, batch.pk)


def request_letters(
    *, by: User, session: CommissionSession | None = None, school: Etablissement | None = None
) -> BatchJob:
    """Commit the batch and its chunks, queue their rendering after commit; returns at once,
    whatever the state of the queue (jobs.runner: the sweep sends it again if needed)."""
    if session is not None:
        # Proposals still awaiting the IA-DASEN's pronouncement get no letter yet.
        ids = list(
            session.decisions.exclude(outcome=DecisionOutcome.AFFECTE, pronounced_at__isnull=True)
            .order_by("id")
            .values_list("dossier_id", flat=True)
        )
        departement_id, school_id = session.commission.departement_id, None
    elif school is not None:
        ids = list(
            RepreparationDossier.objects.filter(school=school, decided_on__isnull=False)
            .by_priority()
            .values_list("id", flat=True)
        )
        departement_id, school_id = school.departement_id, school.pk
    else:
        raise ValidationError("Aucune décision à annoncer : aucune lettre à préparer.")
    if not ids:
        raise ValidationError("Aucune décision à annoncer : aucune lettre à préparer.")
    with transaction.atomic():
        batch = BatchJob.objects.create(
            kind=DocumentKind.LETTRES_LOT,
            dossier_ids=ids,
            total=len(ids),
            session=session,
            school_id=school_id,
            departement_id=departement_id,
            requested_by=by,
            enqueued_at=timezone.now(),
        )
        chunks = BatchChunk.objects.bulk_create(_chunk_rows(batch))
        _send_batch(batch, len(chunks))
    return batch


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim_chunk(batch_id: int, worker: str) -> BatchChunk | None:
    """Take the next chunk of the batch for this worker: a waiting one, or one whose worker
    stopped beating (killed). On PostgreSQL `SKIP LOCKED` lets workers pass each other; the
    conditional UPDATE makes the claim exclusive on every database (SQLite included)."""
    C = BatchChunk.Status
    for _ in range(10):  # a claim lost to another worker: try the next chunk
        now = timezone.now()
        stale = now - runner.stale_after()
        with transaction.atomic():
            candidates = (
                BatchChunk.objects.filter(batch_id=batch_id, batch__state=BatchState.RUNNING)
                .filter(
                    Q(status=C.PENDING)
                    | Q(status=C.RUNNING, heartbeat_at__lt=stale)
                    | Q(status=C.RUNNING, heartbeat_at__isnull=True)
                )
                .order_by("index")
            )
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True, of=("self",))
            chunk = candidates.first()
            if chunk is None:
                return None
            token = uuid.uuid4().hex
            taken = BatchChunk.objects.filter(
                pk=chunk.pk, status=chunk.status, token=chunk.token
            ).update(
                status=C.RUNNING,
                token=token,
                worker=worker[:200],
                heartbeat_at=now,
                attempts=F("attempts") + 1,
                done_count=0,
                letters=[],
                pages=0,
            )
            if not taken:
                continue
            # A chunk taken over from a dead worker: its letters are counted again.
            BatchJob.objects.filter(pk=batch_id).update(
                heartbeat_at=now,
                done_count=F("done_count") - chunk.done_count,
                attempts=F("attempts") + (1 if chunk.status == C.RUNNING else 0),
            )
        chunk.status, chunk.token, chunk.done_count = C.RUNNING, token, 0
        return chunk
    return None


def _progress(chunk: BatchChunk, letters: int) -> bool:
    """Count letters done, if this worker still holds the chunk (False: it was taken over)."""
    now = timezone.now()
    with transaction.atomic():
        held = BatchChunk.objects.filter(pk=chunk.pk, token=chunk.token).update(
            done_count=F("done_count") + letters, heartbeat_at=now
        )
        if held:
            BatchJob.objects.filter(pk=chunk.batch_id).update(
                done_count=F("done_count") + letters, heartbeat_at=now
            )
    return bool(held)


def _render_chunk(batch: BatchJob, chunk: BatchChunk, today: dt.date) -> None:
    """Lay the chunk's letters out by small groups, each written to a part file and dropped
    from memory before the next; the parts are joined (pdfunite) into the chunk's file."""
    ids = list(chunk.dossier_ids)
    group = max(1, conf.BATCH_GROUP_SIZE)
    letters: list[int] = []
    pages, parts = 0, []
    fonts = pdf.font_config()  # one for the chunk: a new one per letter is never freed
    with tempfile.TemporaryDirectory(prefix="lettres-") as workdir:
        for start in range(0, len(ids), group):
            sub = ids[start : start + group]
            by_id = {d.pk: d for d in _letter_queryset().filter(pk__in=sub)}
            documents = [
                pdf.render_document(
                    "dossiers/pdf/lettre.html",
                    {"letters": [_letter_context(by_id[pk], today)]},
                    fonts=fonts,
                )
                for pk in sub
                if pk in by_id
            ]
            if documents:
                part = Path(workdir) / f"{start:07d}.pdf"
                pages += pdf.write_to(documents, part)
                parts.append(part)
                letters.extend(pk for pk in sub if pk in by_id)
            del documents, by_id
            if not _progress(chunk, len(sub)):
                return  # taken over by another worker: its rendering counts, not ours
        name = ""
        if parts:
            joined = Path(workdir) / "part.pdf"
            pdf.concatenate(parts, joined)
            with joined.open("rb") as content:
                name = default_storage.save(
                    f"dossiers/lots/{batch.public_id}/{chunk.index:05d}-{chunk.token}.pdf",
                    File(content),
                )
    done = BatchChunk.objects.filter(pk=chunk.pk, token=chunk.token).update(
        status=BatchChunk.Status.DONE,
        file=name,
        letters=letters,
        pages=pages,
        finished_at=timezone.now(),
    )
    if not done and name:
        default_storage.delete(name)


def _local_copy(name: str, workdir: Path, n: int) -> Path:
    """The chunk file as a local path for pdfunite (copied when the storage is remote)."""
    try:
        return Path(default_storage.path(name))
    except NotImplementedError:
        local = workdir / f"in-{n:05d}.pdf"
        with default_storage.open(name, "rb") as src, local.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        return local


def _merge(batch: BatchJob) -> None:
    """Once every chunk is done, one worker joins their files into the batch's PDF."""
    C = BatchChunk.Status
    if BatchChunk.objects.filter(batch_id=batch.pk).exclude(status=C.DONE).exists():
        return  # chunks still rendering elsewhere: the last worker to finish merges
    claimed_at = timezone.now()
    stale = claimed_at - runner.stale_after()
    taken = (
        BatchJob.objects.filter(pk=batch.pk)
        .filter(
            Q(state=BatchState.RUNNING)
            | Q(state=BatchState.MERGING, heartbeat_at__lt=stale)
            | Q(state=BatchState.MERGING, heartbeat_at__isnull=True)
        )
        .update(state=BatchState.MERGING, heartbeat_at=claimed_at)
    )
    if not taken:
        return
    chunks = list(BatchChunk.objects.filter(batch_id=batch.pk).order_by("index"))
    letters = [pk for chunk in chunks for pk in chunk.letters]
    files = [chunk.file for chunk in chunks if chunk.file]
    if not letters or not files:
        raise ValidationError("Aucun des dossiers du lot n'existe plus : aucune lettre.")
    where = (
        f"séance du {batch.session.date:%d/%m/%Y}"
        if batch.session
        else (batch.school.name if batch.school else "")
    )
    started = batch.started_at or batch.created_at
    with tempfile.TemporaryDirectory(prefix="lettres-") as workdir:
        local = [_local_copy(name, Path(workdir), n) for n, name in enumerate(files)]
        merged = Path(workdir) / "lot.pdf"
        pdf.concatenate(local, merged)
        with transaction.atomic(), merged.open("rb") as content:
            now = timezone.now()
            won = BatchJob.objects.filter(
                pk=batch.pk, state=BatchState.MERGING, heartbeat_at=claimed_at
            ).update(
                state=BatchState.DONE,
                done_count=batch.total,
                seconds=(now - started).total_seconds(),
                finished_at=now,
                heartbeat_at=now,
            )
            if not won:
                return  # taken over while merging: the other worker's file counts
            doc = _store(
                kind=DocumentKind.LETTRES_LOT,
                title=f"Lettres aux familles — {where} ({len(letters)} lettres)",
                content=File(content),
                pages=sum(chunk.pages for chunk in chunks),
                by=batch.requested_by,
                departement_id=batch.departement_id,
                school_id=batch.school_id,
                session=batch.session,
                dossier_ids=letters,
            )
            BatchJob.objects.filter(pk=batch.pk).update(document=doc)
    for name in files:
        default_storage.delete(name)


def run_batch(*, batch_id: int, worker: str = "") -> None:
    """Render a batch of letters, alone or with other workers. Safe to run again and
    concurrently: each chunk is claimed by one worker at a time, a chunk whose worker died is
    taken over once its heartbeat is stale, a finished batch is left alone, and only one worker
    merges the chunks into the batch's PDF."""
    now = timezone.now()
    BatchJob.objects.filter(pk=batch_id, state=BatchState.PENDING).update(
        state=BatchState.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    batch = BatchJob.objects.select_related("session", "school").filter(pk=batch_id).first()
    if batch is None or batch.state not in (BatchState.RUNNING, BatchState.MERGING):
        return
    if not BatchChunk.objects.filter(batch_id=batch_id).exists():  # a batch of before chunks
        BatchChunk.objects.bulk_create(_chunk_rows(batch), ignore_conflicts=True)
    worker = worker or _worker_name()
    today = timezone.localdate()
    chunk = None
    try:
        while (chunk := _claim_chunk(batch_id, worker)) is not None:
            _render_chunk(batch, chunk, today)
        chunk = None
        _merge(batch)
    except OperationalError:
        raise  # transient: the task retries
    except Exception as exc:  # a template or data error must show on the page, not loop
        if chunk is not None:
            BatchChunk.objects.filter(pk=chunk.pk, token=chunk.token).update(
                status=BatchChunk.Status.FAILED
            )
        BatchJob.objects.filter(pk=batch_id).exclude(state=BatchState.DONE).update(
            state=BatchState.FAILED,
            error=f"Échec du rendu : {' '.join(getattr(exc, 'messages', [str(exc)]))}"[:2000],
        )
        raise


def relaunch_batch(batch: BatchJob) -> bool:
    """An administrator sends a batch again: failed chunks and chunks of a worker that seems
    stuck go back to waiting (a worker still alive on one loses its claim: its writes no longer
    count), the chunks already rendered are kept. False for a finished batch."""
    if batch.state == BatchState.DONE:
        return False
    with transaction.atomic():
        BatchChunk.objects.filter(
            batch=batch, status__in=[BatchChunk.Status.FAILED, BatchChunk.Status.RUNNING]
        ).update(status=BatchChunk.Status.PENDING, token="", done_count=0)
        done = BatchChunk.objects.filter(batch=batch).aggregate(n=Sum("done_count"))["n"] or 0
        BatchJob.objects.filter(pk=batch.pk).update(error="", done_count=done)
        runner.relaunch("dossiers.letters", batch)
    return True


def mlds_available() -> bool:
    try:
        from mlds import services as mlds_services
    except ImportError:
        return False
    return hasattr(mlds_services, "open_follow_up")


def transmit_to_mlds(*, dossier: RepreparationDossier, by: User, note: str = "") -> FollowUp:
    """Hand a pupil without solution over to the MLDS (seed 000: OF 16-18)."""
    if dossier.state != S.SANS_SOLUTION:
        raise ValidationError("Seul un élève sans solution à la rentrée se transmet à la MLDS.")
    if dossier.mlds_transmitted_at:
        raise ValidationError(
            "Déjà transmis à la MLDS le "
            f"{timezone.localtime(dossier.mlds_transmitted_at):%d/%m/%Y}."
        )
    if not mlds_available():
        raise ValidationError("Le suivi MLDS n'est pas encore disponible dans cette version.")
    from mlds.services import open_follow_up

    with transaction.atomic():
        locked = RepreparationDossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.mlds_transmitted_at:
            raise ValidationError("Déjà transmis à la MLDS.")
        follow_up = open_follow_up(
            student=dossier.student,
            source="reprepa_sans_solution",
            by=by,
            note=note
            or f"Élève ajourné sans solution à la rentrée ({dossier.exam_result.exam_label}).",
            origin=dossier,
        )
        RepreparationDossier.objects.filter(pk=dossier.pk).update(
            mlds_transmitted_at=timezone.now()
        )
    return follow_up


AMBITION_EMPLOI_EXAMS = {Exam.CAP: "cap", Exam.BAC_PRO: "bac_pro"}


def can_offer_ambition_emploi(dossier: RepreparationDossier) -> bool:
    """Arrêté of 18 July 2023: offered to a CAP / bac pro pupil left without solution."""
    return dossier.state == S.SANS_SOLUTION and dossier.exam_result.exam in AMBITION_EMPLOI_EXAMS


def offer_ambition_emploi(
    *, dossier: RepreparationDossier, by: User, is_volunteer: bool, is_employed_or_in_training: bool
) -> AmbitionEmploi:
    """Propose the Parcours Ambition emploi from the dossier; the pupil stays in its school."""
    if not can_offer_ambition_emploi(dossier):
        raise ValidationError(
            "Le Parcours Ambition emploi se propose à un élève de CAP ou de baccalauréat "
            "professionnel resté sans solution."
        )
    from mlds.services import propose_ambition_emploi

    return propose_ambition_emploi(
        student=dossier.student,
        by=by,
        diploma=AMBITION_EMPLOI_EXAMS[Exam(dossier.exam_result.exam)],
        school=dossier.school,
        session_year=dossier.exam_result.session_year,
        is_volunteer=is_volunteer,
        is_employed_or_in_training=is_employed_or_in_training,
        origin=dossier,
    )

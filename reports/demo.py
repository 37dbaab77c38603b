"""Demo: last year's leavers and this year's dropouts so the indicators show something, and
one report client (aggregates, département 077) whose key is printed once here.

Another key: Django admin › Clients de l'API › Ajouter (shown once), or
`reports.services.issue_api_client(...)` in `manage.py shell`."""

import datetime as dt
import random
import uuid

from students import rules
from students.models import Enrolment, Student
from territories.models import Departement

from .enums import ClientRights
from .services import issue_api_client

LYCEE_LEVELS = ["2PRO", "1PRO", "TPRO", "CAP1", "CAP2", "2GT", "1G", "1T", "TG", "TT"]


CHUNK = 2000


def build(*, today: dt.date, stdout) -> None:
    rng = random.Random(7)
    year = rules.school_year_of(today)
    current = (
        Enrolment.objects.filter(school_year=year, level__in=LYCEE_LEVELS, exit_date__isnull=True)
        .select_related("student")
        .order_by("id")
    )
    # Streamed and written by chunks: the demo may hold a million pupils. Only rows already
    # read are updated, and the rows added are last year's, outside the query.
    left_on = max(dt.date(year, 9, 15), today - dt.timedelta(days=20))
    left = gone = 0
    chunk = []
    for enrolment in current.iterator(chunk_size=CHUNK):
        chunk.append(enrolment)
        if len(chunk) == CHUNK:
            counts = _leavers(chunk, rng=rng, year=year, left_on=left_on)
            left, gone, chunk = left + counts[0], gone + counts[1], []
    if chunk:
        counts = _leavers(chunk, rng=rng, year=year, left_on=left_on)
        left, gone = left + counts[0], gone + counts[1]

    departement = Departement.objects.filter(code="077").first()
    if departement is None:
        return
    _, key = issue_api_client(
        name="Démonstration — BI de la DSDEN 77",
        rights=ClientRights.AGGREGATES,
        departement=departement,
    )
    stdout.write(
        f"Indicateurs : {left} sorties cette année, {gone} l'an dernier. "
        f"Clé d'API de démonstration (département 077, agrégats), affichée une seule fois : {key}\n"
        f'  curl -H "Authorization: Api-Key {key}" '
        f'"http://127.0.0.1:8000/api/v1/indicateurs/decrochage/?territoire=etablissement&par=voie"'
    )


def _leavers(current: list, *, rng, year: int, left_on: dt.date) -> tuple[int, int]:
    """Among some of this year's lycée enrolments: pupils past compulsory instruction who
    stopped coming and left on `left_on` (abandon, job), and young people like them who left
    last year and did not come back. Returns (left this year, gone last year)."""
    # Born on or before this date: 16 or older on the day they left.
    born_by = rules.birthday(left_on, -rules.COMPULSORY_INSTRUCTION_END_AGE)
    leavers = [
        e
        for e in current
        if rng.random() < (0.09 if e.voie == "professionnelle" else 0.03)
        and e.student.birth_date <= born_by
    ]
    for e in leavers:
        e.exit_date = max(left_on, e.entry_date) if e.entry_date else left_on
        e.exit_reason = rng.choice(["abandon", "abandon", "emploi", ""])
    Enrolment.objects.bulk_update(leavers, ["exit_date", "exit_reason"], batch_size=1000)

    gone, gone_enrolments = [], []
    for e in current:
        if rng.random() >= (0.07 if e.voie == "professionnelle" else 0.025):
            continue
        s = e.student
        gone.append(
            Student(
                public_id=uuid.uuid4(),
                last_name=s.last_name,
                first_name=rng.choice(["Yanis", "Sarah", "Enzo", "Maëlle"]),
                birth_date=s.birth_date - dt.timedelta(days=365),
                sex=s.sex,
                voie=e.voie,
                level=e.level,
            )
        )
        gone_enrolments.append((e, rng.choice(["abandon", "abandon", "emploi", "autre"])))
    Student.objects.bulk_create(gone, batch_size=1000)
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                student=student,
                school_id=e.school_id,
                school_year=year - 1,
                level=e.level,
                voie=e.voie,
                entry_date=dt.date(year - 1, 9, 1),
                exit_date=dt.date(year, 1 + rng.randrange(5), 10),
                exit_reason=reason,
            )
            for student, (e, reason) in zip(gone, gone_enrolments, strict=True)
        ],
        batch_size=1000,
    )
    return len(leavers), len(gone)

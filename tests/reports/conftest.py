import pytest
from rest_framework.test import APIClient

from reports.enums import ClientRights
from reports.services import issue_api_client


@pytest.fixture
def key_api():
    """An API test client authenticated with a new report-client key; returns (client, api)."""

    def make(rights=ClientRights.AGGREGATES, name="BI rectorat", **territory):
        client, key = issue_api_client(name=name, rights=rights, **territory)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
        return client, api

    return make


@pytest.fixture
def dropouts(world):
    """A small crafted world of enrolments over the `world` schools (see make_dropout_world)."""
    return make_dropout_world(world)


def make_dropout_world(world):
    import datetime as dt

    from ..dossiers.factories import ExamResultFactory
    from .factories import EnrolmentFactory

    def batch(n, school, **kw):
        return [
            EnrolmentFactory(student__current_school=school, school=school, **kw) for _ in range(n)
        ]

    a, b, c, d = world.school_a, world.school_b, world.school_c, world.school_d
    batch(3, a, abandon=True)
    batch(1, a, left_for_job=True)
    # Left at the end of the cycle: a dropout unless a diploma (CAP, bac…) was obtained.
    batch(1, a, end_of_cycle=True)  # no result known: no diploma
    for outcome, session in [("admis", 2025), ("admis_controle", 2025), ("admis", 2023)]:
        passed = EnrolmentFactory(student__current_school=a, school=a, end_of_cycle=True)
        ExamResultFactory(student=passed.student, cap=True, outcome=outcome, session_year=session)
    ajourne = EnrolmentFactory(student__current_school=a, school=a, end_of_cycle=True)
    ExamResultFactory(student=ajourne.student, cap=True, outcome="ajourne", session_year=2025)
    late = EnrolmentFactory(student__current_school=a, school=a, end_of_cycle=True)
    ExamResultFactory(student=late.student, cap=True, outcome="admis", session_year=2026)
    batch(3, a)
    # Left in February, enrolled again the next year elsewhere: not a dropout.
    back = EnrolmentFactory(student__current_school=b, school=a, abandon=True)
    EnrolmentFactory(student=back.student, school=b, school_year=2025)
    # Left at 15: compulsory instruction, not counted by the SIEI.
    EnrolmentFactory(
        student__current_school=a, student__birth_date=dt.date(2010, 1, 1), abandon=True
    )
    # Changed school during the year, then dropped out of the second one.
    moved = EnrolmentFactory(
        student__current_school=c,
        school=a,
        exit_date=dt.date(2024, 11, 30),
        exit_reason="changement",
    )
    EnrolmentFactory(student=moved.student, school=c, entry_date=dt.date(2024, 12, 2), abandon=True)
    batch(6, a, general=True)
    batch(1, a, general=True, unrecorded_exit=True)
    batch(2, b, abandon=True)
    batch(3, b)
    batch(1, b, abandon=True, school_year=2023)
    batch(5, b, school_year=2023)
    batch(5, c, abandon=True)
    batch(2, c, to_apprenticeship=True)
    batch(4, d, abandon=True)
    batch(2, d, left_for_job=True)
    batch(4, d)
    return world


REASONS = {"abandon", "emploi", "autre", ""}


def passed_sessions(student_id) -> list[int]:
    from dossiers.models import ExamResult

    return [
        r.session_year
        for r in ExamResult.objects.filter(student_id=student_id)
        if r.outcome in ("admis", "admis_controle")
    ]


def is_dropout_by_hand(e, all_enrolments) -> bool:
    """The rule, written again in plain Python over the rows, as the tests' reference.

    SIEI (domain.md §4.10, §4.17): 16 or more at the exit, no later enrolment, and left
    without a diploma: during the cycle, or at its end without a passed exam by the session
    that closes the school year (session = school year + 1).
    """
    if e.exit_date is None:
        return False
    if e.exit_reason == "fin_cycle":
        if any(s <= e.school_year + 1 for s in passed_sessions(e.student_id)):
            return False
    elif e.exit_reason not in REASONS:
        return False
    b, x = e.student.birth_date, e.exit_date
    age = x.year - b.year - ((x.month, x.day) < (b.month, b.day))
    if age < 16:
        return False
    return not any(
        f.student_id == e.student_id
        and f.pk != e.pk
        and (
            f.school_year > e.school_year
            or (f.school_year == e.school_year and f.entry_date and f.entry_date >= e.exit_date)
        )
        for f in all_enrolments
    )


def expected_by(key, enrolments):
    """{group key: (enrolments, dropouts)} computed by hand."""
    out = {}
    for e in enrolments:
        k = key(e)
        total, drop = out.get(k, (0, 0))
        out[k] = (total + 1, drop + is_dropout_by_hand(e, enrolments))
    return out

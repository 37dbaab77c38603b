"""A deadline is visible exactly when its case is (issue: deadlines leaked across modules).

Real cases of every app that registers deadlines, in two départements; for each role of the
test world, the deadlines listed by the API, the dashboard and the inbox are those of the cases
whose own page answers 200 to that account, and every one of them opens.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from dossiers.enums import DossierDeadline
from mlds.enums import FollowUpSource
from notifications import registry
from notifications.models import Deadline, Reminder
from notifications.services import run_daily_sweep
from prevention.enums import DerogatoireStatus, PafiStatus

from ..dossiers.factories import DossierFactory
from ..mlds.factories import YoungPersonFactory
from ..prevention.factories import (
    CollegienFactory,
    DerogatoireFactory,
    MeetingFactory,
    PafiFactory,
    TdoFactory,
)
from ..students.factories import StudentFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 10, 15)
ROLES = [
    "chef_a",
    "referent_a",
    "chef_d",
    "cio1",
    "commission1",
    "ienio1",
    "dasen1",
    "mlds1",
    "mlds2",
    "foquale",
    "pilot",
    "admin",
]


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2025, 10, 15, 9, tzinfo=ZoneInfo("Europe/Paris"))):
        yield


def _sync(case):
    case.sync_deadlines()
    return case


@pytest.fixture
def cases(world, frozen):
    """One case of each registered type in département 077 (school A), some in 093."""
    from mlds.services import open_droit_retour, open_follow_up, propose_ambition_emploi
    from prevention.services import record_review

    built = []
    for school, mlds in ((world.school_a, world.users.mlds1), (world.school_d, world.users.mlds2)):
        built.append(_sync(DossierFactory(student__current_school=school)))
        built.append(_sync(DossierFactory(student__current_school=school, transmitted=True)))
        built.append(_sync(DossierFactory(student__current_school=school, without_solution=True)))
        built.append(
            open_follow_up(
                student=YoungPersonFactory(current_school=school),
                source=FollowUpSource.SIEI,
                by=mlds,
            )
        )
        built.append(_sync(TdoFactory(student__current_school=school)))
        built.append(
            _sync(
                DerogatoireFactory(
                    student=CollegienFactory(current_school=school),
                    transmitted=True,
                    status=DerogatoireStatus.TRANSMITTED,
                )
            )
        )
        built.append(
            _sync(
                PafiFactory(
                    student=CollegienFactory(current_school=school),
                    status=PafiStatus.RUNNING,
                    started_on=dt.date(2025, 10, 1),
                    next_review_on=TODAY + dt.timedelta(days=30),
                )
            )
        )
        meeting = MeetingFactory(school=school, date=TODAY)
        student = CollegienFactory(current_school=school)
        review = record_review(
            meeting=meeting,
            student=student,
            decision="veille",
            in_charge="Mme Leroy",
            next_review_on=TODAY + dt.timedelta(days=20),
            by=None,
        )
        built.append(review)
        built.append(
            propose_ambition_emploi(
                student=YoungPersonFactory(current_school=school),
                by=mlds,
                diploma="cap",
                is_volunteer=True,
            )
        )
        built.append(
            open_droit_retour(
                student=YoungPersonFactory(current_school=None, ine=None),
                by=mlds,
                channel="telephone",
                requested_on=TODAY,
                highest_diploma="aucun",
                last_school=school,
            )
        )
        # A pupil turning 16 within the notice window: the age event of the Student.
        built.append(StudentFactory(current_school=school, birth_date=dt.date(2009, 10, 30)))
    run_daily_sweep(today=TODAY)
    return built


def _key(case):
    return (ContentType.objects.get_for_model(case).pk, case.pk)


def test_every_registered_case_type_is_exercised(cases):
    types = {registry.case_type(type(c)).label for c in cases}
    with_deadlines = {
        f"{ct.app_label}.{ct.model}"
        for ct in ContentType.objects.filter(
            pk__in=Deadline.objects.values_list("content_type_id", flat=True)
        )
    }
    assert with_deadlines <= types
    missing = {c.label for c in registry.case_types()} - types
    assert missing == {"accounts.exceptionalaccess"}  # alerts: tested with exceptional access


def _page(case):
    if hasattr(case, "get_absolute_url"):
        return case.get_absolute_url()
    return reverse("students:detail", args=[case.public_id])


def _cases_with_deadlines():
    """Every case holding a deadline, including those the workflows open on the way (the
    follow-up of a droit au retour, the age events of the pupils of the factories)."""
    found = []
    for ct_id, object_id in Deadline.objects.values_list("content_type_id", "object_id").distinct():
        found.append(ContentType.objects.get_for_id(ct_id).get_object_for_this_type(pk=object_id))
    return found


def test_a_deadline_is_listed_exactly_when_its_case_opens(world, cases, client_for):
    everything = _cases_with_deadlines()
    assert len(everything) >= len(cases)
    for username in ROLES:
        _check_role(getattr(world.users, username), everything, client_for)


def _check_role(user, cases, client_for):
    client = client_for(user)
    openable = {_key(c) for c in cases if client.get(_page(c)).status_code == 200}
    listed = set(Deadline.objects.visible_to(user).values_list("content_type_id", "object_id"))
    assert listed == openable, user.username
    # Every deadline the API lists opens, through the link it gives.
    api = client.get("/api/v1/echeances/", {"page_size": 500})
    if user.active_role.is_nominative:
        rows = api.json()["results"]
        open_listed = set(
            Deadline.objects.visible_to(user).open().values_list("content_type_id", "object_id")
        )
        assert len(rows) == Deadline.objects.visible_to(user).open().count()
        assert {_key_of_url(row["url"]) for row in rows} <= {
            _key(c) for c in cases if _key(c) in open_listed
        }
        for url in {row["url"] for row in rows}:
            assert client.get(url).status_code == 200, url
    else:
        assert api.status_code == 404
    # The inbox shows reminders of cases the account may open, and each of them opens.
    for reminder in Reminder.objects.for_user(user).select_related("deadline"):
        assert client.get(reminder.deadline.url).status_code == 200, reminder.deadline.url


def _key_of_url(url):
    deadline = Deadline.objects.filter(url=url).first()
    return (deadline.content_type_id, deadline.object_id)


def test_roles_see_what_their_pages_show(world, cases):
    """The leaks found in review: a commission member no longer lists MLDS follow-ups, TDO,
    GPDS or dérogatoire deadlines, the IEN-IO no GPDS/TDO names; each still sees its own."""

    def kinds(user):
        return set(Deadline.objects.visible_to(user).values_list("kind", flat=True))

    commission = kinds(world.users.commission1)
    assert not commission & {
        "mlds_contact",
        "tdo_fin",
        "tdo_bilan",
        "gpds_revue",
        "derogatoire_validation",
    }
    assert DossierDeadline.COMMISSION_SESSION in commission
    ienio = kinds(world.users.ienio1)
    assert not ienio & {"gpds_revue", "tdo_fin", "tdo_bilan"}
    assert "derogatoire_validation" in ienio and "mlds_contact" in ienio
    assert "mlds_contact" in kinds(world.users.mlds1)
    assert not kinds(world.users.mlds1) & {"tdo_fin", "gpds_revue", "derogatoire_validation"}
    assert kinds(world.users.pilot) == set()
    # The other département's deadlines never show.
    dep2 = Deadline.objects.filter(school=world.school_d) | Deadline.objects.filter(
        departement=world.dep2
    )
    for username in ("chef_a", "cio1", "commission1", "ienio1", "dasen1", "mlds1"):
        user = getattr(world.users, username)
        assert not Deadline.objects.visible_to(user).filter(pk__in=dep2.values("pk")).exists()

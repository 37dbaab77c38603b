"""Lists, API pages and exports that name pupils leave one read-log row per request, naming
exactly the pupils the response showed; the traceability page finds them by pupil."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLog
from dossiers.models import RepreparationDossier
from mlds.services import open_follow_up
from students.models import Student

from ..dossiers.factories import DossierFactory, SessionFactory
from ..mlds.conftest import frozen_today  # noqa: F401 - fixture
from ..mlds.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def transmitted_dossiers(world, n):
    return [
        DossierFactory(student__current_school=world.school_a, transmitted=True) for _ in range(n)
    ]


def students_linked(html, prefix):
    """Pupils whose record (prefix "/eleves/") or dossier (prefix "/reprepa/") is linked."""
    ids = set(re.findall(rf'href="{prefix}({UUID})/"', html))
    if prefix == "/eleves/":
        return set(Student.objects.filter(public_id__in=ids).values_list("pk", flat=True))
    return set(
        RepreparationDossier.objects.filter(public_id__in=ids).values_list("student_id", flat=True)
    )


def last_log():
    return AccessLog.objects.order_by("-id").first()


def test_commission_reads_leave_one_row_each_naming_exactly_the_pupils_shown(
    world, client_for, api_for
):
    dossiers = transmitted_dossiers(world, 3)
    DossierFactory(student__current_school=world.school_d, transmitted=True)  # other département
    session = SessionFactory(commission__departement=world.dep1)
    user = world.users.commission1
    client = client_for(user)
    before = AccessLog.objects.count()

    api = api_for(user).get("/api/v1/eleves/", {"page_size": 2})
    shown = set(
        Student.objects.filter(public_id__in=[r["id"] for r in api.json()["results"]]).values_list(
            "pk", flat=True
        )
    )
    row = last_log()
    assert (row.channel, row.row_count, row.query) == ("api", 2, "page_size=2")
    assert set(row.student_pks) == shown and len(shown) == 2
    target = Student.objects.get(pk=min(shown))

    pages = [
        (reverse("students:list"), "/eleves/"),
        (reverse("dossiers:list"), "/reprepa/"),
        (reverse("dossiers:session_detail", args=[session.public_id]), "/reprepa/"),
    ]
    for url, prefix in pages:
        html = client.get(url).content.decode()
        shown = students_linked(html, prefix)
        row = last_log()
        assert row.user == user and row.channel == "page" and row.path == url
        assert set(row.student_pks) == shown, url
        assert {d.student_id for d in dossiers} <= shown
    assert AccessLog.objects.count() == before + 4

    # The DPO's question "who saw this pupil?" finds the four reads.
    page = client_for(world.users.admin).get(
        reverse("audit:access_log"), {"objet": str(target.public_id)}
    )
    assert page.content.decode().count('data-testid="access-row"') == 4
    assert (
        "Liste : 3 lignes" in page.content.decode() or "Liste : 2 lignes" in page.content.decode()
    )


@pytest.mark.parametrize("url_name", ["students:list", "dossiers:list"])
def test_logging_a_list_is_one_insert_whatever_its_length(world, client_for, url_name):
    client = client_for(world.users.chef_a)
    transmitted_dossiers(world, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(url_name))
    transmitted_dossiers(world, 12)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse(url_name))
    inserts = [q for q in many.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "audit_accesslog" in inserts[0]["sql"]
    assert len(few) == len(many)
    assert len(last_log().student_pks) == 14


def test_api_list_pages_are_logged_with_one_insert(world, api_for):
    transmitted_dossiers(world, 4)
    client = api_for(world.users.chef_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/reprepa/dossiers/", {"page_size": 3})
    assert response.status_code == 200
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert last_log().row_count == 3 and len(last_log().student_pks) == 3


@pytest.mark.usefixtures("frozen_today")
def test_csv_export_is_one_row_naming_every_young_person(world, client_for):
    young = [YoungPersonFactory(current_school=world.school_a) for _ in range(3)]
    for person in young:
        open_follow_up(student=person, source="siei", by=world.users.mlds1)
    response = client_for(world.users.mlds1).get(reverse("mlds:export"), {"view": "all"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    row = last_log()
    assert row.channel == "export" and row.row_count == 3 == body.count("\n") - 1
    assert set(row.student_pks) == {p.pk for p in young}
    assert AccessLog.objects.filter(channel="export").count() == 1


def test_outsiders_reads_log_nothing_of_others(world, client_for):
    transmitted_dossiers(world, 2)
    client_for(world.users.chef_d).get(reverse("students:list"))
    assert last_log().student_pks == []


def test_a_batch_of_letters_is_logged_naming_each_pupil(world, client_for, settings, tmp_path):
    from django.core.files.base import ContentFile

    from dossiers.enums import DocumentKind
    from dossiers.models import GeneratedDocument

    settings.MEDIA_ROOT = tmp_path
    dossiers = transmitted_dossiers(world, 3)
    doc = GeneratedDocument.objects.create(
        kind=DocumentKind.LETTRES_LOT,
        title="Lettres",
        school=world.school_a,
        departement=world.dep1,
        file=ContentFile(b"%PDF-1.4\n", name="lettres.pdf"),
    )
    doc.dossiers.set(dossiers)
    response = client_for(world.users.chef_a).get(
        reverse("dossiers:document", args=[doc.public_id])
    )
    assert response.status_code == 200
    row = last_log()
    assert (row.channel, row.object_id, row.row_count) == ("pdf", str(doc.public_id), 3)
    assert set(row.student_pks) == {d.student_id for d in dossiers}


def test_commission_waiting_list_is_logged_naming_the_pupils_waiting(world, client_for):
    from dossiers import services
    from dossiers.enums import DecisionOutcome

    from ..dossiers.factories import CapacityFactory

    session = SessionFactory(commission__departement=world.dep1)
    capacity = CapacityFactory(commission=session.commission, school=world.school_b, places=1)
    waiting = transmitted_dossiers(world, 2)
    for dossier in waiting:
        services.decide(
            session=session,
            dossier=dossier,
            outcome=DecisionOutcome.LISTE_ATTENTE,
            capacity=capacity,
            reason="Capacité atteinte",
            by=world.users.commission1,
        )
    page = client_for(world.users.commission1).get(reverse("dossiers:capacities"))
    assert page.status_code == 200
    row = last_log()
    assert (row.object_type, row.row_count) == ("waiting_list", 2)
    assert set(row.student_pks) == {d.student_id for d in waiting}


def test_foquale_referrals_are_logged_within_the_viewers_scope(world, client_for):
    import datetime as dt

    from foquale.services import refer_student

    from ..foquale.factories import ActionFactory
    from ..students.factories import StudentFactory

    action = ActionFactory(network=world.network)
    mine = StudentFactory(current_school=world.school_a)
    theirs = StudentFactory(current_school=world.school_c)
    for pupil in (mine, theirs):
        refer_student(
            action=action, student=pupil, by=world.users.foquale, today=dt.date(2025, 10, 6)
        )
    detail = reverse("foquale:action_detail", args=[action.public_id])
    client_for(world.users.chef_a).get(detail)
    assert last_log().student_pks == [mine.pk]
    client_for(world.users.foquale).get(detail)
    assert set(last_log().student_pks) == {mine.pk, theirs.pk}


@pytest.mark.usefixtures("frozen_today")
def test_mlds_signal_page_logs_the_young_people_it_offers(world, client_for):
    young = [YoungPersonFactory(current_school=world.school_a) for _ in range(2)]
    YoungPersonFactory(current_school=world.school_d)  # another school's
    page = client_for(world.users.chef_a).get(reverse("mlds:signal"))
    assert page.status_code == 200
    row = last_log()
    assert row.object_type == "student" and set(row.student_pks) == {p.pk for p in young}


def test_dashboard_deadlines_are_logged(world, client_for):
    import datetime as dt

    from ..notifications.factories import DeadlineFactory
    from ..students.factories import StudentFactory

    pupil = StudentFactory(current_school=world.school_a)
    DeadlineFactory(subject=pupil, due_date=dt.date.today())
    html = client_for(world.users.chef_a).get(reverse("home")).content.decode()
    assert str(pupil) in html
    row = AccessLog.objects.filter(object_type="deadline").latest("id")
    assert row.student_pks == [pupil.pk] and row.path == "/"

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.enums import ReminderStage
from notifications.models import Reminder, Suspension
from notifications.services import run_daily_sweep

from ..students.factories import StudentFactory
from .factories import DeadlineFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 7, 13)  # a Monday


@pytest.fixture(autouse=True)
def frozen(clock):
    clock.at(dt.datetime(2026, 7, 13, 9, tzinfo=PARIS))


def reminders_for_school_a(world, n=2, **kw):
    deadlines = [
        DeadlineFactory(subject=StudentFactory(current_school=world.school_a, **kw))
        for _ in range(n)
    ]
    run_daily_sweep(today=TODAY)
    return deadlines


def test_owner_sees_own_items_with_links_to_the_case(world, client_for):
    [deadline] = reminders_for_school_a(world, 1, last_name="Martin")
    response = client_for(world.users.chef_a).get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert deadline.url in response.text and "MARTIN" in response.text
    assert "Échéance dépassée" in response.text


def test_colleague_sees_only_own_items(world, client_for):
    reminders_for_school_a(world, 1, last_name="Martin")
    # The CIO director got the escalation (3 days overdue), not the school's notice.
    text = client_for(world.users.cio1).get(reverse("notifications:inbox")).text
    assert "Escalade" in text and "Échéance dépassée" not in text
    text = client_for(world.users.chef_b).get(reverse("notifications:inbox")).text
    assert "MARTIN" not in text and "Aucun rappel" in text


def test_outsider_and_norole_get_404_on_items_and_pages(world, client_for):
    reminders_for_school_a(world, 1)
    item = Reminder.objects.filter(recipient=world.users.chef_a).first()
    for user in (world.users.chef_d, world.users.cio1):
        for name in ("mark_read", "suspend_from_inbox", "resume_from_inbox"):
            url = reverse(f"notifications:{name}", args=[item.public_id])
            assert client_for(user).post(url, {"reason": "x"}).status_code == 404
    assert client_for(world.users.norole).get(reverse("notifications:inbox")).status_code == 404
    assert client_for(world.users.pilot).get(reverse("notifications:inbox")).status_code == 404
    item.refresh_from_db()
    assert item.read_at is None and not Suspension.objects.exists()


def test_mark_read_and_mark_all_read(world, client_for):
    reminders_for_school_a(world, 3)
    client = client_for(world.users.chef_a)
    first = Reminder.objects.filter(recipient=world.users.chef_a).first()
    response = client.post(reverse("notifications:mark_read", args=[first.public_id]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert Reminder.objects.filter(recipient=world.users.chef_a).unread().count() == 2
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "2 rappel(s) marqué(s) comme lu(s)." in response.text
    assert not Reminder.objects.filter(recipient=world.users.chef_a).unread().exists()
    # The CIO director's items are untouched.
    assert Reminder.objects.filter(recipient=world.users.cio1).unread().exists()


def test_default_views_mine_week_overdue(world, client_for):
    student = StudentFactory(current_school=world.school_a, last_name="Tardif")
    DeadlineFactory(subject=student)  # overdue since 10/07
    DeadlineFactory(
        subject=StudentFactory(current_school=world.school_a, last_name="Semaine"),
        due_date=dt.date(2026, 7, 15),
    )
    run_daily_sweep(today=TODAY)
    client = client_for(world.users.chef_a)
    url = reverse("notifications:inbox")
    mine = client.get(url).text
    assert "TARDIF" in mine and "SEMAINE" in mine
    week = client.get(url, {"vue": "semaine"}).text
    assert "SEMAINE" in week and "TARDIF" not in week
    late = client.get(url, {"vue": "retard"}).text
    assert "TARDIF" in late and "SEMAINE" not in late
    assert client.get(url, {"vue": "n'importe quoi"}).status_code == 200


def test_suspend_from_the_inbox_shows_on_the_item(world, client_for):
    [deadline] = reminders_for_school_a(world, 1)
    client = client_for(world.users.chef_a)
    item = Reminder.objects.get(recipient=world.users.chef_a)
    url = reverse("notifications:suspend_from_inbox", args=[item.public_id])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Indiquez le motif" in response.text and not Suspension.objects.exists()
    response = client.post(url, {"reason": "Famille injoignable"}, follow=True)
    assert "Rappels du dossier suspendus." in response.text
    assert 'data-testid="suspended"' in response.text
    suspension = Suspension.objects.get()
    assert suspension.object_id == deadline.object_id
    assert suspension.suspended_by == world.users.chef_a
    response = client.post(url, {"reason": "encore"}, follow=True)
    assert "déjà suspendus" in response.text
    resume = reverse("notifications:resume_from_inbox", args=[item.public_id])
    assert "Rappels du dossier repris." in client.post(resume, follow=True).text
    suspension.refresh_from_db()
    assert suspension.resumed_by == world.users.chef_a


def test_suspend_from_the_case_page(world, client_for):
    student = StudentFactory(current_school=world.school_a)
    DeadlineFactory(subject=student)
    args = ["students.student", student.public_id]
    url = reverse("notifications:suspend_case", args=args)
    for outsider in (world.users.chef_d, world.users.norole, world.users.pilot):
        assert client_for(outsider).post(url, {"reason": "x"}).status_code == 404
    bad = reverse("notifications:suspend_case", args=["students.nothing", student.public_id])
    assert client_for(world.users.chef_a).post(bad, {"reason": "x"}).status_code == 404
    response = client_for(world.users.cio1).post(url, {"reason": "Déménagement"}, follow=True)
    assert response.status_code == 200 and Suspension.objects.get().reason == "Déménagement"
    # The case panel other apps include shows it.
    request = RequestFactory().get("/")
    request.user = world.users.chef_a
    html = Template("{% load notifications_tags %}{% case_deadlines case %}").render(
        Context({"case": student, "request": request})
    )
    assert "Rappels suspendus" in html and "Déménagement" in html and "10/07/2026" in html
    resume = reverse("notifications:resume_case", args=args)
    client_for(world.users.chef_a).post(resume)
    assert not Suspension.objects.active().exists()


def test_header_count_costs_one_query(world, client_for):
    reminders_for_school_a(world, 3)
    request = RequestFactory().get("/")
    request.user = world.users.chef_a
    role = world.users.chef_a.active_role
    template = Template('{% include "notifications/_header_inbox.html" %}')
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"request": request, "active_role": role}))
    assert len(queries) == 1
    assert 'data-testid="inbox-unread">3<' in html
    html = client_for(world.users.chef_a).get(reverse("home")).text
    assert 'data-testid="inbox-link"' in html


def test_inbox_query_count_is_constant(world, client_for):
    client = client_for(world.users.chef_a)
    reminders_for_school_a(world, 2)
    url = reverse("notifications:inbox")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    reminders_for_school_a(world, 30)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many)


def test_dashboard_panel_shows_due_and_overdue_in_scope(world, client_for):
    DeadlineFactory(subject=StudentFactory(current_school=world.school_a, last_name="Retard"))
    DeadlineFactory(
        subject=StudentFactory(current_school=world.school_b, last_name="Bientot"),
        due_date=dt.date(2026, 7, 16),
    )
    DeadlineFactory(
        subject=StudentFactory(current_school=world.school_d, last_name="Ailleurs"),
        due_date=dt.date(2026, 7, 16),
    )
    home = reverse("home")
    chef = client_for(world.users.chef_a).get(home).text
    assert 'data-testid="overdue-count">1 en retard' in chef
    assert "RETARD" in chef and "BIENTOT" not in chef
    cio = client_for(world.users.cio1).get(home).text
    assert "RETARD" in cio and "BIENTOT" in cio and "AILLEURS" not in cio
    assert 'data-testid="week-count">1 cette semaine' in cio
    assert 'data-testid="deadlines-panel"' not in client_for(world.users.pilot).get(home).text


def test_operations_page_is_for_administrators_only(world, client_for):
    reminders_for_school_a(world, 1)
    url = reverse("notifications:operations")
    response = client_for(world.users.admin).get(url)
    assert response.status_code == 200 and "Envois des rappels" in response.text
    for user in (world.users.chef_a, world.users.cio1, world.users.pilot, world.users.norole):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).post(reverse("notifications:retry_failed")).status_code == 404


def test_escalation_stage_labels_are_french():
    assert ReminderStage.ESCALATION_1.label.startswith("Escalade")


def test_calendar_is_editable_in_the_admin(world, client_for, calendar_2025):
    from ..accounts.factories import UserFactory

    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = client_for(superuser)
    assert client.get("/admin/notifications/schoolcalendar/").status_code == 200
    page = client.get(f"/admin/notifications/schoolcalendar/{calendar_2025.pk}/change/")
    assert page.status_code == 200 and "Vacances de la Toussaint" in page.text
    assert client.get("/admin/notifications/digest/").status_code == 200


def test_inbox_puts_overdue_first_then_due_soon_then_birthdays_apart(world, client_for):
    from notifications.enums import DeadlineKind

    pupil = StudentFactory(current_school=world.school_a, last_name="Anniv")
    DeadlineFactory(
        subject=pupil,
        kind=DeadlineKind.AGE_16,
        label=f"{pupil} a 16 ans",
        due_date=dt.date(2026, 7, 13),
    )
    DeadlineFactory(
        subject=StudentFactory(current_school=world.school_a, last_name="Bientot"),
        label="Entretien de situation — BIENTOT Léa",
        due_date=dt.date(2026, 7, 14),
    )
    DeadlineFactory(
        subject=StudentFactory(current_school=world.school_a, last_name="Retard"),
        label="Entretien de situation — RETARD Léa",
        due_date=dt.date(2026, 7, 10),
    )
    run_daily_sweep(today=TODAY)
    text = client_for(world.users.chef_a).get(reverse("notifications:inbox")).text
    assert text.index("RETARD") < text.index("BIENTOT") < text.index("ANNIV")
    headings = ["En retard", "À faire prochainement", "Pour information : anniversaires"]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert positions[0] < text.index("RETARD") and positions[2] < text.index("ANNIV")
    # The kind is not repeated after a label that already names it.
    assert text.count("Entretien de situation") == 2

    home = client_for(world.users.chef_a).get(reverse("home")).text
    assert 'data-testid="overdue-count">1 en retard' in home
    urgent = home[home.index('data-testid="urgent-deadlines"') :]
    assert "RETARD" in urgent and "ANNIV" not in urgent.split("information-deadlines")[0]
    assert "Entretien de situation — RETARD Léa — Entretien de situation" not in home
    assert home.index("Échéances de votre périmètre") < home.index("Élèves de votre périmètre")

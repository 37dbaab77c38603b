import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from notifications import services, tasks
from notifications.enums import SendState
from notifications.models import Digest, Reminder
from prevention.enums import PreventionDeadline
from students.enums import AgeEvent

from ..students.factories import StudentFactory
from .factories import DeadlineFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(day, hour=7, minute=0):
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def morning(day: dt.date) -> dict:
    """The 06:30 sweep, then the 07:00 digests."""
    with time_machine.travel(at(day, 6, 30), tick=False):
        services.run_daily_sweep(today=day)
    with time_machine.travel(at(day), tick=False):
        return services.send_digests(today=day)


def to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


@pytest.fixture
def two_entretiens(world):
    return [
        DeadlineFactory(subject=StudentFactory(current_school=world.school_a, last_name=name))
        for name in ("Martin", "Durand")
    ]


def test_one_digest_per_person_per_day(world, two_entretiens, settings):
    settings.SITE_URL = "https://secuparcours.example"
    day = dt.date(2026, 7, 8)  # a Wednesday
    assert morning(day) == {"sent": 1}
    [message] = to(world.users.chef_a)
    assert message.subject == "Sécuparcours — 2 rappels au 08/07/2026"
    for deadline in two_entretiens:
        assert f"https://secuparcours.example{deadline.url}" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "MARTIN" in message.body and "Bonjour" in html
    assert "https://secuparcours.example/notifications/" in html
    assert message.extra_headers["Message-ID"].startswith("<synthese-")
    # Running everything again the same day sends nothing more.
    assert morning(day) == {}
    # A new deadline appearing later that day waits for tomorrow's digest.
    DeadlineFactory(
        subject=StudentFactory(current_school=world.school_a), due_date=dt.date(2026, 7, 9)
    )
    assert morning(day) == {}
    assert len(to(world.users.chef_a)) == 1
    morning(dt.date(2026, 7, 9))
    assert len(to(world.users.chef_a)) == 2
    assert Digest.objects.filter(recipient=world.users.chef_a).count() == 2
    assert not Reminder.objects.filter(state=SendState.PENDING).exists()


def test_the_database_refuses_a_second_digest_on_a_day(world):
    Digest.objects.create(recipient=world.users.chef_a, day=dt.date(2026, 7, 8))
    with pytest.raises(IntegrityError), transaction.atomic():
        Digest.objects.create(recipient=world.users.chef_a, day=dt.date(2026, 7, 8))


def test_non_urgent_mail_waits_for_a_working_day(world, calendar_2025):
    student = StudentFactory(current_school=world.school_a)
    DeadlineFactory(
        subject=student,
        kind=PreventionDeadline.GPDS_REVIEW,
        label=f"Nouvel examen en GPDS de {student}",
        due_date=dt.date(2025, 11, 3),
    )
    DeadlineFactory(subject=student, due_date=dt.date(2025, 11, 3))  # entretien: urgent
    saturday = dt.date(2025, 11, 1)  # also Toussaint (public holiday, school holidays)
    morning(saturday)
    [message] = to(world.users.chef_a)  # the chef receives the entretien, the referent the GPDS
    assert "Entretien de situation" in message.body
    assert to(world.users.referent_a) == []
    morning(dt.date(2025, 11, 2))  # Sunday: nothing new is urgent
    assert to(world.users.referent_a) == []
    morning(dt.date(2025, 11, 3))  # Monday, classes resume
    [message] = to(world.users.referent_a)
    assert "Nouvel examen en GPDS" in message.body


def test_school_holidays_hold_non_urgent_mail(world, calendar_2025):
    DeadlineFactory(
        subject=StudentFactory(current_school=world.school_a),
        kind=PreventionDeadline.GPDS_REVIEW,
        due_date=dt.date(2025, 10, 24),
    )
    morning(dt.date(2025, 10, 20))  # Monday of the Toussaint holidays
    assert mail.outbox == []
    assert Reminder.objects.get().read_at is None  # the inbox has it already
    morning(dt.date(2025, 11, 3))
    # Ten days overdue by then: the held-back early notice gives way to the overdue one, and
    # the CIO director hears of it (escalation after 7 days).
    [message] = to(world.users.referent_a)
    assert "EN RETARD (1)" in message.body and "PROCHAINEMENT" not in message.body
    assert len(to(world.users.cio1)) == 1
    assert Reminder.objects.filter(state=SendState.CANCELLED).count() == 1


def test_failed_send_is_retried_with_backoff(world, two_entretiens, settings):
    settings.NOTIFICATIONS_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    day = dt.date(2026, 7, 8)
    assert morning(day) == {"failed": 1}
    digest = Digest.objects.get()
    assert digest.state == SendState.FAILED and digest.attempts == 1
    assert digest.next_attempt_at == at(day) + dt.timedelta(minutes=5)
    assert "ConnectionRefused" in digest.last_error
    assert set(Reminder.objects.values_list("state", flat=True)) == {SendState.FAILED}
    with time_machine.travel(at(day, 7, 2), tick=False):
        assert services.digests_to_retry() == []
        assert services.deliver_digest(digest_id=digest.pk) == "later"
    with time_machine.travel(at(day, 7, 6), tick=False):
        assert services.digests_to_retry() == [digest.pk]
        assert services.deliver_digest(digest_id=digest.pk) == "failed"
    digest.refresh_from_db()
    assert digest.attempts == 2
    assert digest.next_attempt_at == at(day, 7, 6) + dt.timedelta(minutes=10)
    settings.NOTIFICATIONS_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(at(day, 7, 20), tick=False):
        assert services.deliver_digest(digest_id=digest.pk) == "sent"
        assert services.deliver_digest(digest_id=digest.pk) == "already"
    assert len(mail.outbox) == 1
    assert list(digest.logs.values_list("to_state", flat=True)) == [
        SendState.FAILED,
        SendState.FAILED,
        SendState.SENT,
    ]
    assert set(Reminder.objects.values_list("state", flat=True)) == {SendState.SENT}


def test_undelivered_digest_is_merged_into_the_next_day(world, two_entretiens):
    """A worker died after preparing the digest: nothing is lost, nothing is sent twice."""
    day = dt.date(2026, 7, 8)
    with time_machine.travel(at(day, 6, 30), tick=False):
        services.run_daily_sweep(today=day)
        [lost] = services.prepare_digests(today=day)  # the delivery task never ran
    next_day = dt.date(2026, 7, 9)
    morning(next_day)
    assert Digest.objects.get(pk=lost).state == SendState.CANCELLED
    [message] = mail.outbox
    assert message.subject == "Sécuparcours — 2 rappels au 09/07/2026"
    assert set(Reminder.objects.values_list("state", flat=True)) == {SendState.SENT}
    assert Reminder.objects.filter(digest_id=lost).count() == 0


def test_reminder_of_a_case_done_or_suspended_meanwhile_is_not_mailed(world, two_entretiens):
    day = dt.date(2026, 7, 8)
    with time_machine.travel(at(day, 6, 30), tick=False):
        services.run_daily_sweep(today=day)
    first, second = two_entretiens
    type(first).objects.filter(pk=first.pk).update(completed_at=at(day, 6, 45))
    services.suspend_reminders(subject=second.subject, by=world.users.chef_a, reason="Hospitalisé")
    with time_machine.travel(at(day), tick=False):
        assert services.send_digests(today=day) == {}
    assert mail.outbox == []
    assert set(Reminder.objects.values_list("state", flat=True)) == {SendState.CANCELLED}


def test_rolled_back_transaction_enqueues_nothing(
    world, two_entretiens, django_capture_on_commit_callbacks
):
    day = dt.date(2026, 7, 8)
    with time_machine.travel(at(day), tick=False):
        services.run_daily_sweep(today=day)
        [digest_id] = services.prepare_digests(today=day)
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            tasks.deliver_digest.delay_on_commit(digest_id)
            raise RuntimeError("annulation")
        assert callbacks == [] and mail.outbox == []
        assert Digest.objects.get(pk=digest_id).state == SendState.PENDING
        with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
            tasks.deliver_digest.delay_on_commit(digest_id)
        assert len(callbacks) == 1 and len(mail.outbox) == 1


def test_administrator_retries_failed_sends(
    world, two_entretiens, settings, client_for, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    day = dt.date(2026, 7, 8)
    morning(day)
    settings.NOTIFICATIONS_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = client_for(world.users.admin)
    with time_machine.travel(at(day, 7, 1), tick=False):
        page = client.get(reverse("notifications:operations"))
        assert page.status_code == 200 and "ConnectionRefused" in page.text
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("notifications:retry_failed"), follow=True)
    assert "1 synthèse en échec relancée" in response.text
    assert len(mail.outbox) == 1
    assert Digest.objects.get().state == SendState.SENT


def test_run_sweep_command_prints_digests(world, two_entretiens, settings):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with time_machine.travel(at(dt.date(2026, 7, 8)), tick=False):
        call_command("run_sweep", "--date", "2026-07-08", stdout=out)
    assert "2 rappel(s) créé(s)" in out.getvalue() and "sent = 1" in out.getvalue()
    assert len(mail.outbox) == 1


def test_no_pupil_is_emailed_to_someone_who_cannot_open_the_case(world):
    """An overdue GPDS review escalates to the IEN-IO, who cannot open a school's GPDS: the
    reminder is not e-mailed to him (nor listed in his inbox); the school's referent gets it."""
    from prevention.services import create_meeting, record_review

    from ..prevention.factories import CollegienFactory

    meeting = create_meeting(
        school=world.school_a, date=dt.date(2026, 5, 4), members="CPE", by=world.users.chef_a
    )
    record_review(
        meeting=meeting,
        student=CollegienFactory(current_school=world.school_a, last_name="Invisible"),
        decision="veille",
        in_charge="CPE",
        next_review_on=dt.date(2026, 5, 18),
        by=world.users.chef_a,
    )
    morning(dt.date(2026, 6, 10))  # 23 days overdue: both escalation levels are due
    escalated = Reminder.objects.filter(recipient=world.users.ienio1)
    assert escalated.exists()
    assert not to(world.users.ienio1)
    assert set(escalated.values_list("state", flat=True)) == {SendState.CANCELLED}
    assert not Reminder.objects.for_user(world.users.ienio1).exists()
    assert any("INVISIBLE" in m.body for m in to(world.users.referent_a))


def test_digest_puts_overdue_first_and_names_each_obligation_once(world, settings):
    """The e-mail reads like the inbox: overdue, then due soon, then information; each line
    gives the deadline's label (obligation and pupil) once, in the text and the HTML part."""
    settings.SITE_URL = "https://secuparcours.example"
    day = dt.date(2026, 7, 8)
    school = world.school_a

    def pupil(name, **extra):
        return StudentFactory(current_school=school, last_name=name, **extra)

    late, soon, later = pupil("Retard"), pupil("Bientot"), pupil("Ensuite")
    birthday = pupil("Anniv", birth_date=dt.date(2010, 7, 8))
    for student, due in (
        (soon, day),
        (late, day - dt.timedelta(3)),
        (later, day + dt.timedelta(1)),
    ):
        DeadlineFactory(subject=student, label=f"Entretien de situation — {student}", due_date=due)
    DeadlineFactory(
        subject=birthday, kind=AgeEvent.AGE_16, label=f"{birthday} a 16 ans", due_date=day
    )
    morning(day)
    [message] = to(world.users.chef_a)
    html = message.alternatives[0][0]
    text = message.body
    for part in (text, html.replace("&#x27;", "'")):
        assert part.count("Entretien de situation") == 3
        assert "Entretien de situation — Entretien" not in part
        assert "situation —" in part and "— Entretien de situation" not in part
        order = [part.index(word) for word in ("RETARD ", "BIENTOT", "ENSUITE", "ANNIV")]
        assert order == sorted(order), part
    headings = [line for line in text.splitlines() if line.endswith(")") and line.isupper()]
    assert headings == [
        "EN RETARD (1)",
        "À FAIRE PROCHAINEMENT (2)",
        "POUR INFORMATION : ANNIVERSAIRES ET ALERTES (1)",
    ]
    assert "Échéance : aujourd'hui, 08/07/2026" in text
    assert "Échéance : 05/07/2026\n" in text
    assert "<h2" in html and html.index("En retard (1)") < html.index("Pour information")

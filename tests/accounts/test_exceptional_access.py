import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ExceptionalAccess
from audit.models import AccessLog

from ..students.factories import StudentFactory

pytestmark = pytest.mark.django_db

REASON = "Élève arrivé hier d'un autre secteur, entretien de situation à préparer en urgence."


def open_access(client, school, reason=REASON, hours=24, category="arrivee"):
    return client.post(
        reverse("accounts:exceptional_access"),
        {"uai": school.uai, "reason": reason, "hours": hours, "category": category},
    )


def test_justified_access_opens_one_school_for_a_time_and_is_logged(world, client_for):
    student = StudentFactory(current_school=world.school_d)
    url = reverse("students:detail", args=[student.public_id])
    client = client_for(world.users.chef_a)
    assert client.get(url).status_code == 404
    assert open_access(client, world.school_d).status_code == 302
    client = client_for(world.users.chef_a)
    assert client.get(url).status_code == 200
    log = AccessLog.objects.get(object_id=str(student.public_id))
    assert "accès exceptionnel" in log.role
    # Other schools stay closed.
    other = StudentFactory(current_school=world.school_c)
    assert client.get(reverse("students:detail", args=[other.public_id])).status_code == 404


def test_access_expires(world, client_for, time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC))
    student = StudentFactory(current_school=world.school_d)
    url = reverse("students:detail", args=[student.public_id])
    open_access(client_for(world.users.chef_a), world.school_d, hours=2)
    time_machine.move_to(dt.datetime(2026, 9, 1, 11, 1, tzinfo=dt.UTC))
    assert client_for(world.users.chef_a).get(url).status_code == 404


def test_access_can_be_closed_early(world, client_for):
    client = client_for(world.users.chef_a)
    open_access(client, world.school_d)
    grant = ExceptionalAccess.objects.get()
    client.post(reverse("accounts:close_access", args=[grant.pk]))
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_at <= timezone.now()
    student = StudentFactory(current_school=world.school_d)
    url = reverse("students:detail", args=[student.public_id])
    assert client_for(world.users.chef_a).get(url).status_code == 404


@pytest.mark.parametrize(
    ("reason", "hours", "message"),
    [
        ("urgence", 24, "au moins 30 caractères"),
        (REASON, 100, "72"),
        (REASON, 0, "supérieure ou égale à 1"),
    ],
)
def test_unjustified_or_too_long_access_is_refused(world, client_for, reason, hours, message):
    response = open_access(client_for(world.users.chef_a), world.school_d, reason, hours)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExceptionalAccess.objects.exists()


def test_unknown_uai_is_refused_in_french(world, client_for):
    response = client_for(world.users.chef_a).post(
        reverse("accounts:exceptional_access"),
        {"uai": "0751234J", "reason": REASON, "hours": 4, "category": "urgence"},
    )
    assert "Aucun établissement" in response.content.decode()


def test_aggregate_role_cannot_break_the_glass(world, client_for):
    response = open_access(client_for(world.users.pilot), world.school_d)
    assert response.status_code == 200
    assert "ne permet pas" in response.content.decode()
    assert not ExceptionalAccess.objects.exists()


def test_someone_else_cannot_close_my_access(world, client_for):
    open_access(client_for(world.users.chef_a), world.school_d)
    grant = ExceptionalAccess.objects.get()
    response = client_for(world.users.chef_b).post(
        reverse("accounts:close_access", args=[grant.pk])
    )
    assert response.status_code == 404


def test_administrators_see_every_grant(world, client_for):
    open_access(client_for(world.users.chef_a), world.school_d)
    page = client_for(world.users.admin).get(reverse("audit:access_log")).content.decode()
    assert "chef_a" in page and world.school_d.uai in page and "autre secteur" in page


# --- Bounds: cap, wording, alert, dashboard ---------------------------------------------------


def test_loop_over_every_school_is_refused_after_the_cap(world, client_for, settings):
    """One collège head opened 122 schools in a loop: now the cap stops it."""
    from ..territories.factories import EtablissementFactory

    settings.EXCEPTIONAL_ACCESS_MAX_OPEN = 3
    settings.EXCEPTIONAL_ACCESS_MAX_PER_DAY = 5
    schools = [EtablissementFactory(bassin=world.bassin3) for _ in range(119)]
    schools += [world.school_b, world.school_c, world.school_d]
    assert len(schools) == 122
    client = client_for(world.users.chef_a)
    refused = 0
    for school in schools:
        response = open_access(client, school)
        if response.status_code == 200:
            refused += 1
            assert "accès exceptionnels en cours, le maximum" in html.unescape(
                response.content.decode()
            )
    assert ExceptionalAccess.objects.filter(user=world.users.chef_a).count() == 3
    assert refused == 119


def test_closing_and_reopening_in_a_loop_stops_at_the_daily_cap(world, client_for, settings):
    from ..territories.factories import EtablissementFactory

    settings.EXCEPTIONAL_ACCESS_MAX_OPEN = 3
    settings.EXCEPTIONAL_ACCESS_MAX_PER_DAY = 5
    client = client_for(world.users.chef_a)
    for _ in range(8):
        open_access(client, EtablissementFactory(bassin=world.bassin3))
        for grant in ExceptionalAccess.objects.open():
            client.post(reverse("accounts:close_access", args=[grant.pk]))
    assert ExceptionalAccess.objects.count() == 5


@pytest.mark.parametrize(
    "reason",
    [
        "a" * 40,
        "aaaa bbbb cccc dddd eeee ffff gggg hhhh",
        "urgence urgence urgence urgence urgence urgence",
        "qsdfghjk wxcvbnml zrtypqsd fghjklmw xcvbnqsd",
    ],
    ids=["one-letter", "repeated-letters", "one-word", "keyboard"],
)
def test_justification_without_real_words_is_refused(world, client_for, reason):
    response = open_access(client_for(world.users.chef_a), world.school_d, reason)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "La justification" in page
    assert not ExceptionalAccess.objects.exists()


def test_category_is_required(world, client_for):
    response = open_access(client_for(world.users.chef_a), world.school_d, category="")
    assert response.status_code == 200 and not ExceptionalAccess.objects.exists()


def test_each_grant_alerts_the_academies_administrators(
    world, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications.models import Reminder

    from .factories import RoleAssignmentFactory, UserFactory

    other_admin = UserFactory(username="admin2", email="admin2@ac-demo.fr")
    RoleAssignmentFactory(user=other_admin, role="administrateur", academie=world.academie)
    with django_capture_on_commit_callbacks(execute=True):
        response = open_access(client_for(world.users.chef_a), world.school_d, category="urgence")
    assert response.status_code == 302
    recipients = set(Reminder.objects.values_list("recipient__username", flat=True))
    assert recipients == {"admin", "admin2"}
    assert sorted(m.to[0] for m in mailoutbox) == ["admin2@ac-demo.fr", "admin@ac-demo.fr"]
    mail = mailoutbox[0]
    assert "Accès exceptionnel ouvert par" in mail.subject
    assert world.school_d.name in mail.body and "Urgence" in mail.body
    assert "/compte/acces-exceptionnels/" in mail.body
    # In the administrator's inbox, not in anybody's deadline list.
    inbox = html.unescape(client_for(world.users.admin).get("/notifications/").content.decode())
    assert "Accès exceptionnel ouvert par" in inbox
    chef_d = client_for(world.users.chef_d).get("/api/v1/echeances/")
    assert "Accès exceptionnel" not in html.unescape(chef_d.content.decode())


def test_open_grants_are_on_the_administrators_dashboard(world, client_for):
    open_access(client_for(world.users.chef_a), world.school_d)
    grant = ExceptionalAccess.objects.get()
    admin = client_for(world.users.admin)
    home = html.unescape(admin.get("/").content.decode())
    assert "Accès exceptionnels en cours" in home and world.school_d.name in home
    response = admin.post(reverse("accounts:exceptional_access_revoke", args=[grant.pk]))
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert "Aucun accès exceptionnel en cours" in html.unescape(admin.get("/").content.decode())


def test_only_administrators_review_grants(world, client_for):
    open_access(client_for(world.users.chef_a), world.school_d)
    grant = ExceptionalAccess.objects.get()
    for user in (world.users.chef_a, world.users.dasen1, world.users.pilot):
        client = client_for(user)
        assert client.get(reverse("accounts:exceptional_access_review")).status_code == 404
        revoke = reverse("accounts:exceptional_access_revoke", args=[grant.pk])
        assert client.post(revoke).status_code == 404
    assert "Accès exceptionnels" not in client_for(world.users.chef_a).get("/").content.decode()

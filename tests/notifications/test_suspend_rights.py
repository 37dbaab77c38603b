"""Suspending a case's reminders is a write: it needs the write right on the case."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from mlds.enums import FollowUpSource
from notifications.models import Reminder, Suspension
from notifications.perms import case_type_of
from notifications.services import run_daily_sweep

from ..dossiers.factories import DossierFactory
from ..mlds.factories import YoungPersonFactory
from ..prevention.factories import TdoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2025, 10, 15, 9, tzinfo=ZoneInfo("Europe/Paris"))):
        yield


def _suspend(client, case):
    url = reverse("notifications:suspend_case", args=[case_type_of(case), case.public_id])
    return client.post(url, {"reason": "Hospitalisation"})


def _follow_up(world):
    from mlds.services import open_follow_up

    return open_follow_up(
        student=YoungPersonFactory(current_school=world.school_a),
        source=FollowUpSource.SIEI,
        by=world.users.mlds1,
    )


def test_commission_member_cannot_suspend_an_mlds_follow_up(world, client_for):
    follow_up = _follow_up(world)
    assert _suspend(client_for(world.users.commission1), follow_up).status_code == 404
    assert not Suspension.objects.exists()
    assert _suspend(client_for(world.users.mlds1), follow_up).status_code == 302
    assert Suspension.objects.get().suspended_by == world.users.mlds1


def test_ien_io_cannot_suspend_a_tdo(world, client_for):
    tdo = TdoFactory(student__current_school=world.school_a)
    tdo.sync_deadlines()
    assert _suspend(client_for(world.users.ienio1), tdo).status_code == 404
    assert not Suspension.objects.exists()
    assert _suspend(client_for(world.users.referent_a), tdo).status_code == 302
    assert Suspension.objects.active().count() == 1


def test_read_only_cio_director_cannot_suspend_a_lycee_dossier(world, client_for):
    dossier = DossierFactory(student__current_school=world.school_a)
    dossier.sync_deadlines()
    cio = client_for(world.users.cio1)
    assert cio.get(dossier.get_absolute_url()).status_code == 200  # reads it
    assert _suspend(cio, dossier).status_code == 404
    assert not Suspension.objects.exists()
    assert _suspend(client_for(world.users.chef_a), dossier).status_code == 302
    resume = reverse("notifications:resume_case", args=[case_type_of(dossier), dossier.public_id])
    assert cio.post(resume).status_code == 404
    assert Suspension.objects.active().exists()


def test_an_escalation_reminder_does_not_give_the_write_right(world, client_for):
    """The CIO director receives the escalation of an overdue entretien in his inbox; he can
    read it and open the dossier, not silence the school's reminders."""
    dossier = DossierFactory(student__current_school=world.school_a)
    dossier.sync_deadlines()
    run_daily_sweep(today=dt.date(2025, 10, 15))
    item = Reminder.objects.filter(recipient=world.users.cio1).first()
    assert item is not None
    cio = client_for(world.users.cio1)
    url = reverse("notifications:suspend_from_inbox", args=[item.public_id])
    assert cio.post(url, {"reason": "x"}).status_code == 404
    assert not Suspension.objects.exists()
    mine = Reminder.objects.filter(recipient=world.users.chef_a).first()
    url = reverse("notifications:suspend_from_inbox", args=[mine.public_id])
    assert (
        client_for(world.users.chef_a).post(url, {"reason": "Famille absente"}).status_code == 302
    )
    assert Suspension.objects.active().count() == 1

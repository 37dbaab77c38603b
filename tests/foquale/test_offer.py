import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from foquale.models import Referral
from foquale.services import refer_student

from ..students.factories import StudentFactory
from .factories import ActionFactory

pytestmark = pytest.mark.django_db
TODAY = "2025-10-06"


@time_machine.travel(TODAY)
def test_head_adds_an_action_to_the_offer(world, client_for):
    url = reverse("foquale:action_create", args=[world.network.public_id])
    data = {
        "title": "Stage de remise à niveau",
        "kind": "remise_a_niveau",
        "places": "8",
        "start_date": "2025-11-03",
        "end_date": "2025-12-19",
        "host_school": world.school_a.pk,
    }
    response = client_for(world.users.foquale).post(url, data)
    assert response.status_code == 302
    action = world.network.actions.get()
    assert action.places == 8
    bad = client_for(world.users.foquale).post(url, {**data, "end_date": "2025-10-01"})
    assert bad.status_code == 200 and "La fin doit suivre le début" in bad.text
    assert client_for(world.users.chef_a).get(url).status_code == 404


@time_machine.travel(TODAY)
def test_staff_refer_pupils_and_places_are_counted(world, client_for):
    action = ActionFactory(network=world.network, places=2)
    pupils = StudentFactory.create_batch(3, current_school=world.school_a)
    client = client_for(world.users.referent_a)
    refer = reverse("foquale:action_refer", args=[action.public_id])
    detail = reverse("foquale:action_detail", args=[action.public_id])
    client.post(refer, {"ine": pupils[0].ine})
    client.post(refer, {"ine": pupils[0].ine.lower()})  # double submit: still one
    assert "déjà orienté" in client.get(detail).text
    client.post(refer, {"ine": pupils[1].ine})
    response = client.post(refer, {"ine": pupils[2].ine}, follow=True)
    assert "Plus aucune place" in response.text or "complète" in response.text
    assert Referral.objects.filter(action=action, status="active").count() == 2
    assert "0 restante" in client.get(detail).text
    referral = Referral.objects.filter(action=action).first()
    client.post(reverse("foquale:referral_cancel", args=[referral.public_id]))
    client.post(reverse("foquale:referral_cancel", args=[referral.public_id]))
    assert Referral.objects.filter(action=action, status="active").count() == 1
    assert "1 restante" in client.get(detail).text


@time_machine.travel(TODAY)
def test_pupil_outside_the_network_or_scope_cannot_be_referred(world, client_for):
    action = ActionFactory(network=world.network)
    outside_network = StudentFactory(current_school=world.school_b)
    other_school = StudentFactory(current_school=world.school_c)
    refer = reverse("foquale:action_refer", args=[action.public_id])
    client_for(world.users.cio1).post(refer, {"ine": outside_network.ine})
    client_for(world.users.chef_a).post(refer, {"ine": other_school.ine})
    assert not Referral.objects.exists()
    assert client_for(world.users.pilot).post(refer, {"ine": other_school.ine}).status_code == 404
    assert client_for(world.users.chef_b).post(refer, {"ine": other_school.ine}).status_code == 404


@time_machine.travel(TODAY)
def test_ended_action_refuses_referrals(world):
    action = ActionFactory(network=world.network, ended=True)
    with pytest.raises(ValidationError, match="terminée"):
        refer_student(
            action=action,
            student=StudentFactory(current_school=world.school_a),
            by=world.users.chef_a,
            today=dt.date(2025, 10, 6),
        )


@time_machine.travel(TODAY)
def test_referrals_are_seen_within_scope_only(world, client_for):
    action = ActionFactory(network=world.network)
    mine = StudentFactory(current_school=world.school_a, last_name="Aubert")
    theirs = StudentFactory(current_school=world.school_c, last_name="Zidane")
    for s in (mine, theirs):
        refer_student(action=action, student=s, by=world.users.foquale, today=dt.date(2025, 10, 6))
    detail = reverse("foquale:action_detail", args=[action.public_id])
    text = client_for(world.users.chef_a).get(detail).text
    assert "AUBERT" in text and "ZIDANE" not in text
    head = client_for(world.users.foquale).get(detail).text
    assert "AUBERT" in head and "ZIDANE" in head
    pilot = client_for(world.users.pilot).get(detail)
    assert pilot.status_code == 200 and "AUBERT" not in pilot.text and "2 occupées" in pilot.text


@pytest.mark.django_db(transaction=True)
def test_concurrent_referrals_never_exceed_places(world):
    if connection.vendor != "postgresql":
        pytest.skip("Verrou de ligne : PostgreSQL seulement")

    action = ActionFactory(network=world.network, places=1)
    pupils = StudentFactory.create_batch(4, current_school=world.school_a)
    barrier = threading.Barrier(len(pupils))
    outcomes = []

    def worker(student):
        from django.db import connections

        barrier.wait()
        try:
            refer_student(action=action, student=student, by=world.users.chef_a,
                          today=dt.date(2025, 10, 6))  # fmt: skip
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(p,)) for p in pupils]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    assert Referral.objects.filter(action=action).count() == 1

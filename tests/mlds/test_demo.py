import datetime as dt
import io

import pytest

from mlds import demo
from mlds.models import AmbitionEmploi, DroitRetour, FollowUp, Partner

from .factories import YoungPersonFactory

pytestmark = pytest.mark.django_db


def test_demo_builds_a_caseload_at_every_step(world, frozen_today):
    YoungPersonFactory.create_batch(
        12, current_school=world.school_a, birth_date=dt.date(2007, 2, 1)
    )
    out = io.StringIO()
    demo.build(today=frozen_today, stdout=out)
    assert "suivis" in out.getvalue()
    statuses = set(FollowUp.objects.values_list("status", flat=True))
    assert {
        "signale",
        "injoignable",
        "bilan",
        "en_solution",
        "suivi_transition",
        "clos",
    } <= statuses
    assert Partner.objects.filter(departement=world.dep1).count() == 8
    assert AmbitionEmploi.objects.get().status == "en_cours"
    assert DroitRetour.objects.count() == 1

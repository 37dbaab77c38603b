"""Report reads routed to a read replica: a second database on the same server stands for it
(the test fills it as streaming replication would, then lets it lag behind the primary)."""

import pytest

from reports.models import DropoutCell, IndicatorRefresh
from reports.summary import refresh_dropouts
from territories.models import Academie, Bassin, Departement, Etablissement, RegionAcademique

from .factories import EnrolmentFactory

pytestmark = pytest.mark.django_db(databases=["default", "replica"])
URL = "/api/v1/indicateurs/decrochage/"


def replicate(*models):
    """What streaming replication carries: the primary's rows, same keys."""
    for model in models:
        model.objects.using("replica").all().delete()
        model.objects.using("replica").bulk_create(list(model.objects.using("default").all()))


def test_report_reads_go_to_the_replica_and_writes_to_the_primary(world, api_for, settings):
    settings.REPORTS_READ_DATABASE = "replica"
    EnrolmentFactory.create_batch(
        7, student__current_school=world.school_a, school=world.school_a, abandon=True
    )
    refresh_dropouts(full=True)  # written on the primary
    assert DropoutCell.objects.using("default").count() == 1
    assert not DropoutCell.objects.using("replica").exists()
    replicate(RegionAcademique, Academie, Departement, Bassin, Etablissement)
    replicate(DropoutCell, IndicatorRefresh)

    api = api_for(world.users.dasen1)
    params = {"territoire": "etablissement", "par": ""}
    assert api.get(URL, params).json()["results"][0]["valeurs"]["effectif"] == 7

    # The primary moves on; until the replica catches up, reports show its figures.
    EnrolmentFactory.create_batch(3, student__current_school=world.school_a, school=world.school_a)
    refresh_dropouts()
    assert DropoutCell.objects.using("default").get().effectif == 10
    body = api.get(URL, params).json()
    assert body["results"][0]["valeurs"]["effectif"] == 7
    replicate(DropoutCell, IndicatorRefresh)
    assert api.get(URL, params).json()["results"][0]["valeurs"]["effectif"] == 10
    # Pupil pages never read the replica (it holds no pupils here).
    assert api.get("/api/v1/eleves/").json()["count"] == 10

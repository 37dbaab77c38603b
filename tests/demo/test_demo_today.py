"""The demo lives in the day it is loaded: whatever the date, the re-preparation right of the
last session is still open, the school head can re-enrol a pupil and transmit another to the
commission, nothing is overdue en masse, and the summary counts only what exists."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from accounts.models import User
from dossiers.enums import DossierState, Wish
from dossiers.models import CommissionSession, RepreparationDossier
from notifications.models import Deadline, ExamSession, SchoolCalendar
from students.models import Student
from territories.models import Etablissement

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def load(day: dt.date, pupils: int = 300) -> str:
    out = io.StringIO()
    with time_machine.travel(dt.datetime.combine(day, dt.time(9), PARIS), tick=False):
        call_command("load_demo", "--pupils", str(pupils), "--strict", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "day",
    [dt.date(2026, 12, 1), dt.date(2027, 3, 15), dt.date(2026, 7, 10), dt.date(2026, 9, 1)],
    ids=["1-decembre", "15-mars", "10-juillet", "1-septembre"],
)
def test_every_journey_can_be_played_on_the_day_the_demo_is_loaded(day):
    output = load(day)

    session = day.year
    calendars = SchoolCalendar.objects.filter(academie__isnull=False)
    for year in (session - 1, session):
        row = calendars.get(school_year=year)
        assert row.rentree and row.end_of_classes, year
    results = ExamSession.objects.get(session_year=session, exam="bac").results_day
    assert results <= day and (day - results).days <= 5

    chef = User.objects.get(username="chef.lycee")
    chef.active_role = chef.roles[0]
    dossiers = RepreparationDossier.objects.filter(school=chef.active_role.etablissement)
    assert dossiers.count() >= 14
    assert CommissionSession.objects.exists()
    assert all(d.right_end >= day for d in dossiers.select_related("school"))
    # A few late cases illustrate the escalations (MLDS contacts); none on re-preparation.
    overdue = Deadline.objects.overdue(day).exclude(kind__startswith="age_")
    assert overdue.count() <= 10, list(overdue.values_list("label", "due_date"))
    dossier_type = ContentType.objects.get_for_model(RepreparationDossier)
    assert not overdue.filter(content_type=dossier_type).exists()

    with time_machine.travel(dt.datetime.combine(day, dt.time(10), PARIS), tick=False):
        fresh = list(dossiers.filter(state=DossierState.REMIS).order_by("id")[:2])
        assert len(fresh) == 2
        for dossier in fresh:
            dossier.record_entretien(
                by=chef,
                held_on=day,
                participants="L'élève et sa mère",
                expectations="Repasser l'examen",
                needs="Remise à niveau",
                options="Réinscription",
                today=day,
            )
        fresh[0].express_wish(by=chef, wish=Wish.REINSCRIPTION_ORIGINE)
        fresh[0].reenrol(by=chef, today=day)
        fresh[1].express_wish(by=chef, wish=Wish.CHANGEMENT)
        other = Etablissement.objects.filter(
            departement=fresh[1].school.departement, school_type__in=["lp", "lpo", "lgt"]
        ).exclude(pk=fresh[1].school_id)[0]
        fresh[1].transmit_to_commission(
            by=chef, proposed_school=other, requested_formation="Terminale", today=day
        )
    states = {d.pk: d.state for d in dossiers.filter(pk__in=[f.pk for f in fresh])}
    assert states == {
        fresh[0].pk: DossierState.REINSCRIT,
        fresh[1].pk: DossierState.TRANSMIS_COMMISSION,
    }

    summary = {
        label: int(count)
        for count, label in re.findall(r"^\s+(\d+) (.+)$", output.split("contient :")[1], re.M)
    }
    assert summary["élèves"] == Student.objects.count() >= 300
    assert summary["dossiers de re-préparation"] == RepreparationDossier.objects.count()
    assert summary["séances de commission"] == CommissionSession.objects.count()


@pytest.mark.parametrize("pupils", [60, 2000])
def test_the_summary_announces_only_what_exists(pupils):
    output = load(dt.date(2026, 12, 1), pupils)
    assert "séances de commission" in output and CommissionSession.objects.exists()
    counted = re.search(r"^\s+(\d+) dossiers de re-préparation$", output, re.M)
    assert int(counted.group(1)) == RepreparationDossier.objects.count() >= 14

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from audit.models import AccessLog
from mlds.exports import safe_cell
from mlds.services import open_follow_up
from students.models import LegalRepresentative

from .factories import YoungPersonFactory

pytestmark = pytest.mark.django_db


def at(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(9)), tick=False)


def test_turning_18_sends_letters_to_the_young_person_on_the_day(world, client_for):
    student = YoungPersonFactory(current_school=world.school_a, birth_date=dt.date(2007, 11, 3))
    LegalRepresentative.objects.create(student=student, last_name="Parent", first_name="Claire")
    with at(dt.date(2025, 10, 15)):
        fu = open_follow_up(student=student, source="gpds", by=world.users.chef_a)
    url = fu.get_absolute_url()
    with at(dt.date(2025, 11, 2)):
        page = client_for(world.users.mlds1).get(url).text
        assert 'data-testid="of-badge"' in page and "03/11/2025" in page
        assert "Claire Parent" in page and "représentants légaux" in page
    with at(dt.date(2025, 11, 3)):
        page = client_for(world.users.mlds1).get(url).text
        assert 'data-testid="adult-badge"' in page
        assert "Claire Parent" not in page and "le jeune est majeur" in page


def test_turning_25_asks_to_close_on_the_day(world, client_for):
    student = YoungPersonFactory(current_school=world.school_a, birth_date=dt.date(2001, 3, 1))
    with at(dt.date(2025, 10, 15)):
        fu = open_follow_up(student=student, source="siei", by=world.users.mlds1)
    caseload = reverse("mlds:caseload") + "?view=all"
    with at(dt.date(2026, 2, 28)):
        client = client_for(world.users.mlds1)
        assert 'data-testid="age-25-alert"' not in client.get(fu.get_absolute_url()).text
        assert 'data-testid="aged-out"' not in client.get(caseload).text
        with pytest.raises(Exception, match="n'aura 25 ans que le 01/03/2026"):
            fu.record_outcome(by=world.users.mlds1, outcome="inconnue")
            fu.close(by=world.users.mlds1, reason="age_25")
    with at(dt.date(2026, 3, 1)):
        client = client_for(world.users.mlds1)
        page = client.get(fu.get_absolute_url()).text
        assert 'data-testid="age-25-alert"' in page
        assert '<option value="age_25" selected>' in page
        assert 'data-testid="aged-out"' in client.get(caseload).text
        assert (
            client.get(reverse("mlds:caseload") + "?view=overdue").text.count(
                'data-testid="follow-up-row"'
            )
            == 1
        )
        fu.refresh_from_db()
        fu.close(by=world.users.mlds1, reason="age_25")
        assert fu.status == "clos"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 6 12", "'+33 6 12"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Durand", "Durand"),
        (None, ""),
    ],
)
def test_cells_are_neutralised(value, expected):
    assert safe_cell(value) == expected


def test_export_is_streamed_scoped_safe_and_logged(world, client_for, frozen_today):
    evil = YoungPersonFactory(
        current_school=world.school_a, last_name="=cmd|' /C calc'!A0", first_name="@Bob", ine=None
    )
    fu = open_follow_up(student=evil, source="siei", by=world.users.mlds1)
    elsewhere = YoungPersonFactory(current_school=world.school_d, last_name="Ailleurs")
    open_follow_up(student=elsewhere, source="siei", by=world.users.mlds2)
    response = client_for(world.users.mlds1).get(reverse("mlds:export") + "?view=all")
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][:4] == ["ine", "nom", "prenom", "date_naissance"]
    assert len(rows) == 2
    assert rows[1][1] == "'=cmd|' /C calc'!A0" and rows[1][2] == "'@Bob"
    assert rows[1][7] == str(fu.public_id)
    log = AccessLog.objects.get(channel="export")
    assert log.student_pks == [evil.pk] and log.row_count == 1 and log.user == world.users.mlds1
    assert client_for(world.users.pilot).get(reverse("mlds:export")).status_code == 404

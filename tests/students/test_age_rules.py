import datetime as dt

import pytest
from django.urls import reverse

from students import rules
from students.enums import LegalStatus

from .factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("on", "age", "status"),
    [
        (dt.date(2025, 3, 13), 14, LegalStatus.COMPULSORY_INSTRUCTION),
        (dt.date(2026, 3, 13), 15, LegalStatus.COMPULSORY_INSTRUCTION),
        (dt.date(2026, 3, 14), 16, LegalStatus.OBLIGATION_FORMATION),
        (dt.date(2028, 3, 13), 17, LegalStatus.OBLIGATION_FORMATION),
        (dt.date(2028, 3, 14), 18, LegalStatus.ADULT),
    ],
)
def test_legal_status_changes_on_the_birthday(on, age, status):
    student = StudentFactory.build(birth_date=dt.date(2010, 3, 14))
    assert student.age_on(on) == age
    assert student.legal_status_on(on) == status


def test_leap_day_birthday_falls_on_first_march():
    assert rules.birthday(dt.date(2008, 2, 29), 18) == dt.date(2026, 3, 1)
    assert rules.age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
    assert rules.age_on(dt.date(2008, 2, 29), dt.date(2026, 3, 1)) == 18


def test_letters_go_to_representatives_then_to_the_young_adult(world):
    from .factories import LegalRepresentativeFactory

    student = StudentFactory(
        current_school=world.school_a, birth_date=dt.date(2008, 6, 1), first_name="Léa"
    )
    LegalRepresentativeFactory(student=student, last_name="Moreau", first_name="Anne")
    before = student.letter_recipients(dt.date(2026, 5, 31))
    after = student.letter_recipients(dt.date(2026, 6, 1))
    assert [r["name"] for r in before] == ["Anne Moreau"]
    assert [r["name"] for r in after] == [student.full_name]


def test_age_band_filter_on_list(world, client_for, time_machine):
    time_machine.move_to(dt.datetime(2026, 1, 15, 10, 0))
    StudentFactory(current_school=world.school_a, birth_date=dt.date(2011, 1, 1), last_name="Cadet")
    StudentFactory(current_school=world.school_a, birth_date=dt.date(2009, 1, 1), last_name="Moyen")
    StudentFactory(current_school=world.school_a, birth_date=dt.date(2007, 1, 1), last_name="Aine")
    client = client_for(world.users.chef_a)
    page = client.get(reverse("students:list"), {"age_band": "16_18"}).content.decode()
    assert "MOYEN" in page and "CADET" not in page and "AINE" not in page
    page = client.get(reverse("students:list"), {"age_band": "moins_16"}).content.decode()
    assert "CADET" in page and "MOYEN" not in page


def test_age_at_a_date_on_the_pupil_page(world, client_for):
    student = StudentFactory(current_school=world.school_a, birth_date=dt.date(2010, 9, 1))
    url = reverse("students:detail", args=[student.public_id])
    page = client_for(world.users.chef_a).get(url, {"date": "2026-09-01"}).content.decode()
    assert "Le 01/09/2026 : 16 ans" in page and "obligation de formation" in page


def test_pupil_without_ine_is_flagged(world, client_for):
    StudentFactory(current_school=world.school_a, without_ine=True, last_name="Sansine")
    page = client_for(world.users.chef_a).get(reverse("students:list")).content.decode()
    assert "Sans INE" in page


@pytest.mark.parametrize("bad", ["2026-13-45", "demain", "1900-01-01"])
def test_bad_date_never_gives_500(world, client_for, bad):
    student = StudentFactory(current_school=world.school_a)
    url = reverse("students:detail", args=[student.public_id])
    assert client_for(world.users.chef_a).get(url, {"date": bad}).status_code == 200

"""The school of record (current school, or last enrolment's school for a pupil who left),
kept by the database on every write path, and the scope rule that reads it."""

import datetime as dt

import pytest

from students.models import Enrolment, Student

from .factories import StudentFactory

pytestmark = pytest.mark.django_db


def record(student):
    return Student.objects.values_list(
        "record_school_id", "record_bassin_id", "record_departement_id"
    ).get(pk=student.pk)


def place(school):
    return (school.pk, school.bassin_id, school.departement_id)


def enrol(student, school, year, **extra):
    return Enrolment.objects.create(
        student=student, school=school, school_year=year, entry_date=dt.date(year, 9, 2), **extra
    )


def visible(user, student) -> bool:
    return Student.objects.visible_to(user).filter(pk=student.pk).exists()


def test_record_follows_the_current_school_then_the_last_enrolment(world):
    u = world.users
    pupil = StudentFactory(current_school=world.school_a)
    assert record(pupil) == place(world.school_a)
    pupil.current_school = world.school_d
    pupil.save()
    assert record(pupil) == place(world.school_d)
    assert visible(u.chef_d, pupil) and visible(u.dasen2, pupil) and not visible(u.chef_a, pupil)

    enrol(pupil, world.school_a, 2023)
    last = enrol(pupil, world.school_b, 2024, exit_date=dt.date(2025, 2, 1))
    Student.objects.filter(pk=pupil.pk).update(current_school=None)  # left (bulk path)
    assert record(pupil) == place(world.school_b)
    assert visible(u.chef_b, pupil) and visible(u.cio1, pupil) and visible(u.dasen1, pupil)
    assert not visible(u.chef_a, pupil) and not visible(u.chef_d, pupil)

    later = enrol(pupil, world.school_c, 2025)
    assert record(pupil) == place(world.school_c)
    later.delete()
    assert record(pupil) == place(world.school_b)
    last.delete()
    assert record(pupil) == place(world.school_a)
    Enrolment.objects.filter(student=pupil).delete()
    assert record(pupil) == (None, None, None)
    assert not Student.objects.visible_to(u.dasen1).filter(pk=pupil.pk).exists()


def test_a_stale_instance_cannot_overwrite_the_record(world):
    pupil = StudentFactory(current_school=None)
    stale = Student.objects.get(pk=pupil.pk)
    enrol(pupil, world.school_c, 2024)
    stale.last_name = "NOUVEAU"
    stale.save()  # writes record_school_id = None from memory: the database recomputes it
    assert record(pupil) == place(world.school_c)


def test_each_scope_level_reads_its_own_indexed_column(world):
    queries = {
        world.users.chef_a: "record_school_id",
        world.users.cio1: "record_bassin_id",
        world.users.dasen1: "record_departement_id",
        world.users.foquale: "record_school_id",
    }
    for user, column in queries.items():
        sql = str(Student.objects.visible_to(user).query)
        assert column in sql, (user, sql)
        assert "students_enrolment" not in sql and "EXISTS" not in sql

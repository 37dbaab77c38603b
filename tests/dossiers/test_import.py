import datetime as dt
import os
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from dossiers.enums import DossierState
from dossiers.importer import import_results
from dossiers.models import (
    DossierTransition,
    EpreuveMark,
    ExamResult,
    RepreparationDossier,
)
from notifications import calendar
from notifications.models import Deadline

from ..notifications.factories import no_calendar, school_year
from ..students.factories import StudentFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "ine;examen;serie_specialite;session;resultat;moyenne;note_FRANCAIS;note_MATHS;note_EP_PRO\n"
)


@pytest.fixture
def pupils(world, frozen):
    return {
        "a1": StudentFactory(ine="111111111AA", current_school=world.school_a, last_name="Dupont"),
        "a2": StudentFactory(ine="222222222AA", current_school=world.school_a, last_name="Bernard"),
        "d1": StudentFactory(ine="333333333AA", current_school=world.school_d, last_name="Petit"),
    }


def csv(*rows):
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


GOOD = csv(
    "111111111AA;bac_pro;MELEC;2025;ajourné;7,5;8;12,5;ABS",
    "222222222AA;Bac professionnel;MELEC;2025;admis;12;11;13;12",
)


def test_ajourne_opens_one_dossier_dated_results_day(pupils, world):
    school_year(
        2024,
        academie=world.academie,
        rentree=dt.date(2024, 9, 2),
        end_of_classes=dt.date(2025, 7, 5),
        results={"bac": dt.date(2025, 7, 4)},
    )
    report = import_results(GOOD)
    assert report.ok, report.errors
    assert (report.results_created, report.dossiers_opened) == (2, 1)
    dossier = RepreparationDossier.objects.get()
    assert dossier.student == pupils["a1"] and dossier.opened_on == dt.date(2025, 7, 4)
    assert dossier.state == DossierState.REMIS and dossier.school == world.school_a
    assert dossier.below_ten_count == 2  # 8 and absent
    marks = dict(
        EpreuveMark.objects.filter(result__student=pupils["a1"]).values_list("code", "mark")
    )
    assert marks["MATHS"] == 12.5 and marks["EP_PRO"] is None
    assert DossierTransition.objects.filter(dossier=dossier, to_state="remis").count() == 1
    assert Deadline.objects.filter(object_id=dossier.pk, kind="entretien_situation").exists()


def test_reimport_is_idempotent_and_updates(pupils):
    import_results(GOOD)
    changed = GOOD.replace(b"7,5;8;12,5", b"7,9;9;12,5")
    report = import_results(changed)
    assert (report.results_created, report.results_updated, report.dossiers_opened) == (0, 2, 0)
    assert ExamResult.objects.count() == 2 and RepreparationDossier.objects.count() == 1
    assert str(RepreparationDossier.objects.get().average) == "7.90"
    assert EpreuveMark.objects.count() == 6


def test_session_2024_opens_on_its_real_results_day_8_july_domain_8(pupils, world, on_day):
    """One calendar (domain.md §8): the 2024 results came out on Monday 8 July 2024, so a
    2024 dossier opens on 8 July — no longer on a fixed 4 July."""
    on_day(dt.date(2024, 7, 9))
    school_year(
        2023,
        rentree=dt.date(2023, 9, 4),
        end_of_classes=dt.date(2024, 7, 6),
        results={"bac": dt.date(2024, 7, 8)},
    )
    report = import_results(csv("111111111AA;bac_pro;MELEC;2024;ajourne;7;8;9;10"))
    assert report.ok, report.errors
    assert RepreparationDossier.objects.get().opened_on == dt.date(2024, 7, 8)


def test_each_exam_follows_its_own_results_day_else_the_bac_one(pupils, world):
    school_year(
        2024,
        rentree=dt.date(2024, 9, 2),
        end_of_classes=dt.date(2025, 7, 5),
        results={"bac": dt.date(2025, 7, 4), "cap": dt.date(2025, 7, 2)},
    )
    header = "ine;examen;serie_specialite;session;resultat\n"
    rows = "111111111AA;cap;CUISINE;2025;ajourne\n222222222AA;bts;MCO;2025;ajourne\n"
    assert import_results((header + rows).encode()).ok
    opened = dict(RepreparationDossier.objects.values_list("exam_result__exam", "opened_on"))
    assert opened == {"cap": dt.date(2025, 7, 2), "bts": dt.date(2025, 7, 4)}


def test_without_a_calendar_row_the_default_day_applies_and_is_flagged(pupils, world):
    """A missing results day is not a silent default: the administrator's dashboard lists it
    (CALENDAR_DEFAULT_RESULTS_DAY, 4 July)."""
    no_calendar()
    import_results(GOOD)
    assert RepreparationDossier.objects.get().opened_on == dt.date(2025, 7, 4)
    gaps = [g.label for g in calendar.calendar_gaps(dt.date(2025, 7, 9))]
    assert "Résultats du baccalauréat, session 2025" in gaps


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("999999999ZZ;bac_pro;MELEC;2025;ajourne;7;8;9;10", "INE 999999999ZZ inconnu"),
        ("12345;bac_pro;MELEC;2025;ajourne;7;8;9;10", "INE « 12345 » invalide"),
        ("111111111AA;bac_pro;MELEC;2031;ajourne;7;8;9;10", "la session 2031 est dans le futur"),
        ("111111111AA;bac_pro;MELEC;2025;ajourne;7;21;9;10", "hors de l'intervalle 0 à 20"),
        ("111111111AA;bac_pro;MELEC;2025;ajourne;7;-1;9;10", "hors de l'intervalle 0 à 20"),
        ("111111111AA;brevet;;2025;ajourne;7;8;9;10", "examen « brevet » inconnu"),
        ("111111111AA;bac_pro;MELEC;2025;recalé;7;8;9;10", "résultat « recalé » inconnu"),
        ("111111111AA;bac_pro;;2025;ajourne;7;8;9;10", "spécialité manquante"),
        ("111111111AA;bac_pro;MELEC;2025;ajourne;7;huit;9;10", "n'est pas une note"),
        ("111111111AA;cap;;2025;ajourne;7;8;9;10", "épreuve « FRANCAIS » inconnue pour le"),
    ],
)
def test_row_errors_reject_the_whole_file(pupils, row, message):
    report = import_results(csv("222222222AA;bac_pro;MELEC;2025;ajourne;7;8;9;10", row))
    assert not report.ok
    assert [e.line for e in report.errors] == [3]
    assert message in report.errors[0].message
    assert not ExamResult.objects.exists() and not RepreparationDossier.objects.exists()


def test_duplicate_rows_are_reported(pupils):
    row = "111111111AA;bac_pro;MELEC;2025;ajourne;7;8;9;10"
    report = import_results(csv(row, row))
    assert "ligne en double (déjà vue ligne 2" in report.errors[0].message


def test_session_before_its_results_day_is_in_the_future(pupils, world, on_day):
    school_year(
        2024,
        rentree=dt.date(2024, 9, 2),
        end_of_classes=dt.date(2025, 7, 5),
        results={"bac": dt.date(2025, 7, 4)},
    )
    on_day(dt.date(2025, 7, 3))  # eve of results day
    report = import_results(csv("111111111AA;bac_pro;MELEC;2025;ajourne;7;8;9;10"))
    assert "pas encore de résultats (publication le 04/07/2025)" in report.errors[0].message
    on_day(dt.date(2025, 7, 4))  # results day
    assert import_results(csv("111111111AA;bac_pro;MELEC;2025;ajourne;7;8;9;10")).ok


def test_missing_column_is_reported():
    report = import_results(b"ine;examen;session\n111111111AA;cap;2025\n")
    assert "colonne(s) absente(s) : resultat" in report.errors[0].message
    assert "Profils essayés : « Format Sécuparcours (résultats) »" in report.errors[0].message


def test_windows_1252_and_comma_separator(pupils):
    raw = (
        "ine,examen,serie_specialite,session,resultat,moyenne\n"
        "111111111AA,bac_pro,MELEC,2025,ajourné,7.5\n"
    ).encode("cp1252")
    assert import_results(raw).ok


def test_upload_is_scoped_to_the_school(
    pupils, world, client_for, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.users.chef_a)
    bad = csv("333333333AA;bac_pro;MELEC;2025;ajourne;7;8;9;10")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dossiers:import"), {"file": SimpleUploadedFile("r.csv", bad)}
        )
    response = client.get(response["Location"])
    assert "hors de votre périmètre" in response.text
    assert not ExamResult.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dossiers:import"), {"file": SimpleUploadedFile("r.csv", GOOD)}
        )
    assert response.status_code == 302
    assert RepreparationDossier.objects.count() == 1


def test_departement_role_imports_its_departement(
    pupils, world, client_for, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.users.ienio1).post(
            reverse("dossiers:import"), {"file": SimpleUploadedFile("r.csv", GOOD)}
        )
    assert response.status_code == 302
    assert RepreparationDossier.objects.count() == 1


def test_referent_and_cio_cannot_import(world, client_for):
    for user in (world.users.referent_a, world.users.cio1, world.users.pilot, world.users.norole):
        assert client_for(user).get(reverse("dossiers:import")).status_code == 404


def test_command_imports_a_whole_academie_or_nothing(pupils, tmp_path):
    path = tmp_path / "resultats.csv"
    path.write_bytes(GOOD + b"333333333AA;cap;;2025;ajourne;6;;;\n")
    out = StringIO()
    call_command("import_results", str(path), stdout=out)
    assert "2 dossier(s) de re-préparation ouvert(s)" in out.getvalue()
    path.write_bytes(csv("444444444AA;cap;;2025;ajourne;6;;;"))
    err = StringIO()
    with pytest.raises(CommandError, match="rien n'a été enregistré"):
        call_command("import_results", str(path), stderr=err)
    assert "Ligne 2" in err.getvalue()


# Set-based on PostgreSQL (each COPY counts as one statement, see config.bulk); the ORM's bulk
# operations elsewhere. Both include the read of the active column profiles and of the
# dossiers' content type (its cache is emptied first so that the count does not depend on the
# order of the tests).
QUERIES_PER_IMPORT = {"postgresql": 18, "sqlite": 19}


def _results_file(students, *, outcome="ajourne"):
    return csv(*(f"{s.ine};bac_pro;MELEC;2025;{outcome};7,5;8;12,5;ABS" for s in students))


@pytest.mark.parametrize("size", [3, 30])
def test_query_count_of_an_import_does_not_grow_with_its_rows(
    world, frozen, size, django_assert_num_queries
):
    """Results, marks, dossiers, transitions and deadlines are written set-based (deadlines by
    the bulk entry point, one statement per kind): the same count for 3 rows or 30."""
    students = [
        StudentFactory(ine=f"{n:09d}AB", current_school=world.school_a) for n in range(size)
    ]
    raw = _results_file(students)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(QUERIES_PER_IMPORT[connection.vendor]):
        report = import_results(raw, by=world.users.chef_a, scope_user=world.users.chef_a)
    assert report.dossiers_opened == size
    assert Deadline.objects.count() >= size


def _written_rows():
    """Everything an import writes, keyed by what the user sees (not by internal ids)."""
    key = {r.pk: (r.student.ine, r.exam, r.session_year) for r in ExamResult.objects.all()}
    dossiers = {d.pk: d for d in RepreparationDossier.objects.all()}
    of_dossier = {pk: key[d.exam_result_id] for pk, d in dossiers.items()}
    return {
        "results": sorted(
            (key[r.pk], r.school_id, r.specialty, r.outcome, r.average)
            for r in ExamResult.objects.all()
        ),
        "marks": sorted(
            (key[m.result_id], m.code, m.label, m.mark, m.session_year)
            for m in EpreuveMark.objects.all()
        ),
        "dossiers": sorted(
            (
                of_dossier[d.pk],
                d.student_id,
                d.school_id,
                d.opened_on,
                d.state,
                d.average,
                d.below_ten_count,
                d.wish,
                d.public_id is not None,
            )
            for d in dossiers.values()
        ),
        "transitions": sorted(
            (of_dossier[t.dossier_id], t.action, t.from_state, t.to_state, t.by_id, t.comment)
            for t in DossierTransition.objects.all()
        ),
        "deadlines": sorted(
            (
                of_dossier[d.object_id],
                d.kind,
                d.due_date,
                d.label,
                d.url == dossiers[d.object_id].get_absolute_url(),
                d.student_id,
                d.school_id,
                d.departement_id,
                d.completed_at is None,
            )
            for d in Deadline.objects.all()
        ),
    }


def _wipe_results():
    Deadline.objects.all().delete()
    DossierTransition.objects.all().delete()
    RepreparationDossier.objects.all().delete()
    ExamResult.objects.all().delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql" and not os.environ.get("CI"),
    reason="Le rédacteur ensembliste n'existe que sur PostgreSQL.",
)
def test_set_based_and_orm_writers_write_the_same_rows(pupils, world):
    """The same file, then a corrected file (a mark, an average and an outcome changed), through
    both writers in one run: the same results, marks, dossiers, history and deadlines."""
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)"
    first = csv(
        "111111111AA;bac_pro;MELEC;2025;ajourné;7,5;8;12,5;ABS",
        "222222222AA;Bac professionnel;MELEC;2025;admis;12;11;13;12",
        "333333333AA;bac_pro;MELEC;2025;ajourne;6;;5;14@2024",
    )
    second = first.replace(b"7,5;8;12,5", b"7,9;9;12,5").replace(
        b"admis;12;11;13;12", b"ajourne;9;11;13;7"
    )
    seen = {}
    for writer in ("orm", "sql"):
        chef = world.users.chef_a
        reports = [import_results(raw, by=chef, writer=writer) for raw in (first, second)]
        assert all(r.ok for r in reports), [r.errors for r in reports]
        seen[writer] = (
            [(r.results_created, r.results_updated, r.dossiers_opened) for r in reports],
            _written_rows(),
        )
        _wipe_results()
    assert seen["sql"] == seen["orm"]
    counts, rows = seen["sql"]
    assert counts == [(3, 0, 2), (0, 3, 1)]
    assert len(rows["dossiers"]) == 3 and len(rows["deadlines"]) >= 12

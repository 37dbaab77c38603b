import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from prevention.imports import ImportRejected, import_absences
from prevention.models import AbsenceRecord, Flag

from .factories import AbsenceFactory, CollegienFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HEADER = "ine;mois;demi_journees_absence;dont_non_justifiees;incidents;moyenne_trimestre\n"


@pytest.fixture
def frozen(clock):
    clock.at(dt.datetime(2025, 12, 15, 9, tzinfo=dt.UTC))


def csv(*lines, header=HEADER):
    return (header + "\n".join(lines) + "\n").encode()


def test_import_creates_rows_and_flags(world):
    s = CollegienFactory(current_school=world.school_a, ine="123456789AB")
    result = import_absences(
        csv("123456789AB;2025-10;2;0;;", "123456789ab;11/2025;12;5;1;8,5"),
        school_ids=[world.school_a.id],
    )
    assert (result.rows, result.created, result.updated) == (2, 2, 0)
    row = AbsenceRecord.objects.get(student=s, month=dt.date(2025, 11, 1))
    assert row.half_days_unjustified == 5 and str(row.term_average) == "8.50"
    assert set(Flag.objects.filter(student=s).values_list("reason", flat=True)) == {
        "assiduite",
        "chute_assiduite",
        "non_justifiees",
    }


def test_reimport_is_idempotent_and_replaces_the_month(world):
    s = CollegienFactory(current_school=world.school_a, ine="123456789AB")
    data = csv("123456789AB;2025-10;12;0;;")
    import_absences(data)
    again = import_absences(data)
    assert (again.created, again.updated) == (0, 1)
    import_absences(csv("123456789AB;2025-10;1;0;;"))
    assert AbsenceRecord.objects.get(student=s).half_days_missed == 1
    assert not Flag.objects.filter(student=s).exists()


def test_any_error_rejects_the_whole_file_with_french_line_numbers(world):
    CollegienFactory(current_school=world.school_a, ine="123456789AB")
    AbsenceFactory(
        student=CollegienFactory(current_school=world.school_a, ine="223456789AB"),
        half_days_missed=3,
    )
    bad = csv(
        "123456789AB;2025-10;2;0;;",
        "123456789AB;2025-13;2;0;;",
        "123456789AB;2025-11;2;5;;",
        "999999999ZZ;2025-11;2;0;;",
        "123456789AB;2025-10;4;0;;",
        "123456789AB;2026-02;4;0;;",
        "123456789AB;2025-09;deux;0;;",
        "123456789AB;2025-08;70;0;;",
        "123456789AB;2025-07;4;0;;25",
    )
    with pytest.raises(ImportRejected) as exc:
        import_absences(bad, school_ids=[world.school_a.id])
    errors = "\n".join(exc.value.errors)
    assert "Ligne 3 : mois illisible" in errors
    assert "Ligne 4 : 5 demi-journées non justifiées pour 2" in errors
    assert "Ligne 5 : aucun élève d'INE 999999999ZZ dans votre établissement" in errors
    assert "Ligne 6 : 123456789AB pour 10/2025 figure déjà ligne 2" in errors
    assert "Ligne 7 : le mois 02/2026 est dans le futur" in errors
    assert "Ligne 8 : « demi-journées d'absence » doit être un nombre entier" in errors
    assert "Ligne 9 : 70 demi-journées d'absence pour 62 possibles" in errors
    assert "Ligne 10 : la moyenne doit être comprise entre 0 et 20" in errors
    assert AbsenceRecord.objects.count() == 1  # the earlier row is untouched


def test_pupils_outside_the_scope_are_refused_without_revealing_them(world):
    CollegienFactory(current_school=world.school_d, ine="323456789AB")
    with pytest.raises(ImportRejected) as exc:
        import_absences(csv("323456789AB;2025-10;2;0;;"), school_ids=[world.school_a.id])
    assert exc.value.errors == ["Ligne 2 : aucun élève d'INE 323456789AB dans votre établissement."]


def test_missing_columns_and_empty_files(world):
    with pytest.raises(ImportRejected) as exc:
        import_absences(b"ine;mois\n1;2\n")
    assert (
        "colonne(s) absente(s) : demi_journees_absence, dont_non_justifiees"
        in (exc.value.errors[0])
    )
    with pytest.raises(ImportRejected) as exc:
        import_absences(b"")
    assert exc.value.errors == ["Le fichier est vide."]


def test_windows_1252_comma_file_with_accented_headers(world):
    s = CollegienFactory(current_school=world.school_a, ine="123456789AB")
    data = "INE,Mois,Demi-journées absence,Dont non justifiées\n123456789AB,2025-10,3,1\n"
    import_absences(data.encode("cp1252"))
    assert AbsenceRecord.objects.get(student=s).half_days_unjustified == 1


def test_command_imports_and_reports_errors(world, tmp_path, capsys):
    CollegienFactory(current_school=world.school_a, ine="123456789AB")
    good = tmp_path / "abs.csv"
    good.write_bytes(csv("123456789AB;2025-10;20;0;;"))
    call_command("import_absences", str(good), "--uai", world.school_a.uai)
    assert "1 ligne(s) importée(s)" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv("123456789AB;2025-10;x;0;;"))
    with pytest.raises(CommandError, match="aucune ligne enregistrée"):
        call_command("import_absences", str(bad))
    assert "Ligne 2" in capsys.readouterr().err
    with pytest.raises(CommandError, match="UAI inconnue"):
        call_command("import_absences", str(good), "--uai", "0000000A")


def test_upload_by_the_school_and_refusal_page(
    world, client_for, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    s = CollegienFactory(current_school=world.school_a, ine="123456789AB")
    client = client_for(world.users.referent_a)
    url = reverse("prevention:absence_import")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"file": SimpleUploadedFile("a.csv", csv("123456789AB;2025-10;20;3;;"))}
        )
    assert response.status_code == 302
    assert Flag.objects.filter(student=s).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"file": SimpleUploadedFile("a.csv", csv("123456789AB;2025-10;20;30;;"))},
        )
    response = client.get(response["Location"])
    assert "Import refusé" in response.text
    assert "rien n'a été enregistré" in response.text
    assert "30 demi-journées non justifiées pour 20" in response.text
    assert AbsenceRecord.objects.get(student=s).half_days_unjustified == 3
    # A CIO director reads but cannot import; a département role is not even let in.
    assert client_for(world.users.cio1).post(url, {}).status_code == 404
    assert client_for(world.users.dasen1).post(url, {}).status_code == 404

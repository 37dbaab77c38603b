import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from mlds.enums import FollowUpSource
from mlds.models import FollowUp, SieiImport
from mlds.services import open_follow_up
from mlds.siei import SieiImportError, import_siei
from notifications.models import Deadline
from students.models import Student

from .factories import YoungPersonFactory

pytestmark = pytest.mark.django_db
HEADER = "ine;nom;prenom;date_naissance;sexe;uai_dernier_etablissement;formation;date_sortie"


def csv_bytes(*lines, header=HEADER):
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def test_import_creates_unknown_young_people_without_school(world, frozen_today):
    raw = csv_bytes(
        f"123456789AB;Durand;Léa;12/03/2007;F;{world.school_a.uai};CAP cuisine;30/06/2025",
        ";Martin;Hugo;2006-01-02;M;;;",
    )
    batch = import_siei(raw=raw, departement=world.dep1, by=world.users.mlds1, file_name="rio.csv")
    assert (batch.row_count, batch.created_students, batch.created_follow_ups) == (2, 2, 2)
    lea = Student.objects.get(ine="123456789AB")
    assert lea.current_school is None
    hugo = Student.objects.get(last_name="Martin")
    assert hugo.ine is None
    fu = FollowUp.objects.get(student=lea)
    assert fu.source == FollowUpSource.SIEI and fu.last_school == world.school_a
    assert fu.left_on == dt.date(2025, 6, 30) and fu.last_training == "CAP cuisine"
    assert fu.departement == world.dep1 and fu.siei_import == batch
    assert fu.logs.count() == 1
    assert set(Deadline.objects.filter(object_id=fu.pk).values_list("kind", flat=True)) == {
        "mlds_contact",
        "age_25",
    }
    assert lea.history.count() == 1  # creation kept in the change history


def test_duplicates_are_found_on_ine_or_on_names_and_birth_date(world, frozen_today):
    known_ine = YoungPersonFactory(current_school=world.school_a, ine="111111111AA")
    known_names = YoungPersonFactory(
        current_school=world.school_b,
        ine=None,
        last_name="Lefèvre-d'Ornano",
        first_name="Zoé",
        birth_date=dt.date(2007, 4, 1),
    )
    raw = csv_bytes(
        f"111111111AA;{known_ine.last_name};{known_ine.first_name};"
        f"{known_ine.birth_date:%d/%m/%Y};;;;",
        ";LEFEVRE D ORNANO;zoe;01/04/2007;;;;",
        ";  Lefevre d'Ornano ; Zoé ;2007-04-01;;;;",  # same person twice in the file
    )
    batch = import_siei(raw=raw, departement=world.dep1, by=world.users.mlds1, file_name="a.csv")
    assert batch.created_students == 0
    assert batch.matched_students == 2
    assert batch.duplicate_rows == 1
    assert Student.objects.count() == 2
    assert FollowUp.objects.filter(student=known_names).count() == 1


def test_row_with_ine_fills_the_ine_of_a_known_young_person_without_one(world, frozen_today):
    known = YoungPersonFactory(
        ine=None, last_name="Petit", first_name="Léo", birth_date=dt.date(2006, 2, 2)
    )
    raw = csv_bytes("222222222BB;Petit;Leo;02/02/2006;;;;")
    import_siei(raw=raw, departement=world.dep1, by=world.users.mlds1, file_name="b.csv")
    known.refresh_from_db()
    assert known.ine == "222222222BB"


def test_young_person_already_followed_keeps_the_follow_up(world, frozen_today):
    student = YoungPersonFactory(current_school=world.school_a, ine="333333333CC")
    open_follow_up(student=student, source=FollowUpSource.GPDS, by=world.users.chef_a)
    raw = csv_bytes(
        f"333333333CC;{student.last_name};{student.first_name};{student.birth_date:%d/%m/%Y};;;;"
    )
    batch = import_siei(raw=raw, departement=world.dep1, by=world.users.mlds1, file_name="c.csv")
    assert batch.already_followed == 1 and batch.created_follow_ups == 0
    fu = FollowUp.objects.get(student=student)
    assert "Nouveau signalement : Liste SIEI" in fu.logs.order_by("id").last().comment


def test_reimporting_the_same_file_changes_nothing(world, frozen_today):
    raw = csv_bytes(";Durand;Léa;12/03/2007;F;;;", ";Roux;Max;12/03/2008;M;;;")
    first = import_siei(raw=raw, departement=world.dep1, by=world.users.mlds1, file_name="d.csv")
    again = import_siei(raw=raw, departement=world.dep1, by=world.users.mlds1, file_name="d.csv")
    assert again.pk == first.pk
    assert (Student.objects.count(), FollowUp.objects.count()) == (2, 2)
    # The same rows in another file (e.g. next month's list) create nothing new either.
    other = import_siei(
        raw=raw + b"\n", departement=world.dep1, by=world.users.mlds1, file_name="e.csv"
    )
    assert other.created_follow_ups == 0 and other.already_followed == 2
    assert (Student.objects.count(), FollowUp.objects.count(), SieiImport.objects.count()) == (
        2,
        2,
        2,
    )


def test_errors_are_listed_by_row_in_french_and_nothing_is_written(world, frozen_today):
    raw = csv_bytes(
        ";Durand;Léa;12/03/2007;F;;;",
        "12AB;Martin;;31/02/2007;X;;;",
        ";Vieux;Paul;01/01/1999;M;;;",
        ";Jeune;Lou;01/01/2011;F;;;",
    )
    with pytest.raises(SieiImportError) as exc:
        import_siei(raw=raw, departement=world.dep1, by=world.users.mlds1, file_name="f.csv")
    errors = exc.value.errors
    assert errors[0].startswith("Ligne 3 : nom et prénom obligatoires")
    assert "date de naissance « 31/02/2007 » illisible" in errors[0]
    assert "INE « 12AB » invalide" in errors[0]
    assert "Ligne 4 : 26 ans : hors du public MLDS" in errors[1]
    assert "Ligne 5 : 14 ans" in errors[2]
    assert not Student.objects.exists() and not FollowUp.objects.exists()
    assert not SieiImport.objects.exists()


def test_conflicting_ine_is_refused(world, frozen_today):
    YoungPersonFactory(ine="444444444DD", birth_date=dt.date(2006, 1, 1))
    raw = csv_bytes(";Durand;Léa;12/03/2007;F;;;", "444444444DD;Autre;Nom;02/02/2007;;;;")
    with pytest.raises(SieiImportError, match="déjà connu avec une autre date"):
        import_siei(raw=raw, departement=world.dep1, by=world.users.mlds1, file_name="g.csv")
    assert not FollowUp.objects.exists() and Student.objects.count() == 1


def test_missing_columns_and_windows_encoding(world, frozen_today):
    with pytest.raises(SieiImportError, match=r"colonne\(s\) absente\(s\) : date_naissance"):
        import_siei(raw=b"nom,prenom\nA,B\n", departement=world.dep1, by=None, file_name="h.csv")
    raw = "Nom,Prénom,Date de naissance\nBéranger,Élodie,01/02/2006\n".encode("cp1252")
    batch = import_siei(raw=raw, departement=world.dep1, by=None, file_name="i.csv")
    assert batch.created_follow_ups == 1
    assert Student.objects.get().first_name == "Élodie"


def test_command_imports_a_file(world, frozen_today, tmp_path, capsys):
    path = tmp_path / "liste.csv"
    path.write_bytes(csv_bytes(";Durand;Léa;12/03/2007;F;;;"))
    call_command("import_siei", str(path), "--departement", "077")
    assert "1 suivis ouverts" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(";Durand;;12/03/2007;F;;;"))
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_siei", str(bad), "--departement", "077")


def test_coordinator_uploads_the_list_and_others_cannot(
    world, frozen_today, client_for, django_capture_on_commit_callbacks
):
    url = reverse("mlds:siei_import")
    upload = SimpleUploadedFile("rio.csv", csv_bytes(";Durand;Léa;12/03/2007;F;;;"))
    client = client_for(world.users.mlds1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": upload})
    response = client.get(response["Location"])
    assert "1 suivi(s) ouvert(s)" in response.text
    assert FollowUp.objects.get().departement == world.dep1
    bad = SimpleUploadedFile("bad.csv", csv_bytes(";Durand;Léa;99/99/2007;F;;;"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": bad})
    response = client.get(response["Location"])
    assert "Import refusé" in response.text
    assert "Date de naissance « 99/99/2007 » illisible" in response.text
    for user in (world.users.chef_a, world.users.cio1, world.users.pilot, world.users.norole):
        assert client_for(user).get(url).status_code == 404

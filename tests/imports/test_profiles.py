"""Column profiles as data: an administrator adds one in the admin, the import uses it and
says so; a disabled profile is no longer tried; the built-in ones come from the migration."""

import datetime as dt

import pytest

from accounts.enums import Role
from dossiers.importer import import_results
from imports.models import ImportProfile
from mlds.models import SieiNumber
from mlds.siei import import_siei
from prevention.imports import ImportRejected, import_absences
from prevention.models import AbsenceRecord
from students.models import Student

from ..accounts.factories import RoleAssignmentFactory, UserFactory
from ..notifications.factories import school_year
from ..prevention.factories import CollegienFactory
from ..students.factories import StudentFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/imports/importprofile/add/"
# The header a vie scolaire software might write: none of these is a built-in alias.
ACADEMY_FILE = (
    "Identifiant élève;Période;Demi-journées manquées;Dont injustifiées\n123456789AB;2025-10;4;1\n"
).encode()


@pytest.fixture
def administrator(world):
    user = UserFactory(username="admin.profils", is_staff=True)
    RoleAssignmentFactory(user=user, role=Role.ADMINISTRATEUR, academie=world.academie)
    return user


def profile_form(**overrides):
    data = {
        "kind": "absences",
        "name": "Vie scolaire de l'académie",
        "description": "Export mensuel du logiciel de vie scolaire",
        "active": "on",
        "priority": "50",
        "header_aliases": (
            "ine = Identifiant élève\n"
            "mois = Période\n"
            "demi_journees_absence = Demi-journées manquées\n"
            "dont_non_justifiees = Dont injustifiées\n"
        ),
        "skip_lines": "0",
        "strip_chars": "",
        "blank_values": "",
        "separators": "; ,",
        "encoding": "",
        "date_formats": "AAAA-MM\nMM/AAAA",
    }
    data.update(overrides)
    return data


def test_the_built_in_profiles_are_data(db):
    names = dict(ImportProfile.objects.filter(active=True).values_list("kind", "name"))
    assert names == {
        "results": "Format Sécuparcours (résultats)",
        "siei": "Format Sécuparcours (SIEI / RIO)",
        "absences": "Format Sécuparcours (absences)",
    }
    cyclades = ImportProfile.objects.get(kind="results", active=False)
    assert cyclades.skip_lines == 8 and cyclades.strip_chars == "'"


def test_an_administrator_adds_a_profile_and_a_file_using_it_imports(
    world, administrator, client_for, clock
):
    clock.at(dt.datetime(2025, 12, 15, 9, tzinfo=dt.UTC))
    pupil = CollegienFactory(current_school=world.school_a, ine="123456789AB")
    with pytest.raises(ImportRejected) as refused:
        import_absences(ACADEMY_FILE)
    message = refused.value.errors[0]
    assert "Aucun profil de colonnes ne reconnaît ce fichier" in message
    assert "« Format Sécuparcours (absences) » : colonne(s) absente(s) : ine, mois" in message

    client = client_for(administrator)
    response = client.post(ADD_URL, profile_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = ImportProfile.objects.get(name="Vie scolaire de l'académie")
    assert profile.history.count() == 1

    result = import_absences(ACADEMY_FILE)
    assert result.profile == "Vie scolaire de l'académie"
    record = AbsenceRecord.objects.get(student=pupil)
    assert (record.month, record.half_days_missed, record.half_days_unjustified) == (
        dt.date(2025, 10, 1),
        4,
        1,
    )

    # Disabled: the profile is no longer tried, and the refusal lists the ones that were.
    response = client.post(
        f"/admin/imports/importprofile/{profile.pk}/change/", profile_form(active="")
    )
    assert response.status_code == 302
    with pytest.raises(ImportRejected) as refused:
        import_absences(ACADEMY_FILE)
    assert "Vie scolaire" not in refused.value.errors[0]
    assert "Profils essayés : « Format Sécuparcours (absences) »" in refused.value.errors[0]


def test_the_page_says_which_profile_read_the_file(
    world, client_for, clock, settings, tmp_path, django_capture_on_commit_callbacks
):
    from html import unescape

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.MEDIA_ROOT = str(tmp_path)
    clock.at(dt.datetime(2025, 12, 15, 9, tzinfo=dt.UTC))
    CollegienFactory(current_school=world.school_a, ine="123456789AB")
    ImportProfile.objects.create(**{**profile_form(), "active": True, "priority": 5})

    client = client_for(world.users.chef_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("prevention:absence_import"),
            {"file": SimpleUploadedFile("absences.csv", ACADEMY_FILE, "text/csv")},
        )
    page = unescape(client.get(response["Location"]).text)
    assert "Profil de colonnes : « Vie scolaire de l'académie »" in page


def test_the_admin_form_explains_a_wrong_profile(administrator, client_for):
    client = client_for(administrator)
    response = client.post(
        ADD_URL,
        profile_form(
            header_aliases="ine = Identifiant\nclasse = Division\n", date_formats="JJ.MM.AA"
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Champ(s) inconnu(s) pour cet import : classe" in page
    assert "Format(s) illisible(s) : JJ.MM.AA" in page
    assert not ImportProfile.objects.filter(name="Vie scolaire de l'académie").exists()


def test_only_administrators_reach_the_profiles(world, client_for):
    staff = UserFactory(username="staff.chef", is_staff=True)
    RoleAssignmentFactory(user=staff, role=Role.CHEF_ETABLISSEMENT, etablissement=world.school_a)
    assert client_for(staff).get(ADD_URL).status_code == 403
    assert client_for(staff).get("/admin/imports/importprofile/").status_code == 403


def test_a_cyclades_like_list_with_preamble_quotes_and_dashes(world, clock):
    """Eight lines of criteria before the header, 'TMA' values, " -" for an empty cell."""
    clock.at(dt.date(2025, 7, 10))
    school_year(
        2024,
        academie=world.academie,
        rentree=dt.date(2024, 9, 2),
        end_of_classes=dt.date(2025, 7, 5),
        results={"bac": dt.date(2025, 7, 4)},
    )
    pupil = StudentFactory(ine="111111111AA", current_school=world.school_a)
    cyclades = ImportProfile.objects.get(kind="results", active=False)
    cyclades.active = True
    cyclades.priority = 1
    cyclades.save()
    preamble = [
        "Année : 2025",
        "Listes simples",
        "LYC TEST - VILLEFICTIVE (0921234A)",
        "Type d'édition : résultats",
        "Edité le : 08/07/2025",
        "Critères de recherche : tous",
        "Regroupement : aucun",
        "Tri : nom",
    ]
    raw = (
        "\n".join(preamble)
        + "\nDivision de classe;INE;Examen;Code Spécialité;Session;Résultat;Moyenne\n"
        "'TMA';'111111111AA';Bac professionnel;'MELEC';2025;ajourné; -\n"
    ).encode("iso-8859-15")
    report = import_results(raw)
    assert report.ok, report.errors
    assert report.profile == "Cyclades – liste simple (modèle à vérifier)"
    result = pupil.exam_results.get()
    assert (result.specialty, result.outcome, result.average) == ("MELEC", "ajourne", None)


def test_siei_number_is_the_natural_key_across_monthly_lists(world, clock):
    clock.at(dt.date(2025, 10, 15))
    header = "N° SIEI;nom;prenom;date_naissance\n"
    first = import_siei(
        raw=(header + "SIEI-0042;Durand;Léa;12/03/2007\n").encode(),
        departement=world.dep1,
        by=world.users.mlds1,
        file_name="octobre.csv",
    )
    assert first.profile == "Format Sécuparcours (SIEI / RIO)"
    lea = Student.objects.get(last_name="Durand")
    assert SieiNumber.objects.get(number="SIEI-0042").student == lea
    # November: the name is spelled otherwise and an INE arrived; the number says who it is.
    second = import_siei(
        raw=(
            "N° SIEI;ine;nom;prenom;date_naissance\n"
            + "SIEI-0042;123456789AB;DURANT;Lea;12/03/2007\n"
        ).encode(),
        departement=world.dep1,
        by=world.users.mlds1,
        file_name="novembre.csv",
    )
    assert (second.created_students, second.matched_students) == (0, 1)
    assert Student.objects.filter(birth_date=dt.date(2007, 3, 12)).count() == 1
    lea.refresh_from_db()
    assert lea.ine == "123456789AB"


def test_a_profile_date_format_reads_the_dates(world, clock):
    clock.at(dt.date(2025, 10, 15))
    ImportProfile.objects.filter(kind="siei").update(active=False)
    ImportProfile.objects.create(
        kind="siei",
        name="Plateforme de l'académie",
        header_aliases="nom = Nom\nprenom = Prénom\ndate_naissance = Né(e) le",
        separators="tab",
        date_formats="JJ.MM.AAAA",
    )
    batch = import_siei(
        raw="Nom\tPrénom\tNé(e) le\nMartin\tHugo\t02.01.2006\n".encode("cp1252"),
        departement=world.dep1,
        by=None,
        file_name="rio.tsv",
    )
    assert batch.profile == "Plateforme de l'académie"
    assert Student.objects.get(last_name="Martin").birth_date == dt.date(2006, 1, 2)

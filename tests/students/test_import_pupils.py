"""The pupil import service: happy path, idempotence, and every way a file is refused."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from students.enums import ExitReason
from students.imports import import_pupils
from students.models import Enrolment, ExitSignal, LegalRepresentative, SiecleIdentity, Student

from .import_factories import HEADER, csv_bytes, csv_stream, pupil_row

EXIT_HEADER = [*HEADER, "ELEVE_ID", "DATE_SORTIE", "CODE_MOTIF_SORTIE"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(dt.datetime(2025, 11, 3, 10, 0), tick=False):
        yield


def stored_counts():
    return (
        Student.objects.count(),
        Enrolment.objects.count(),
        LegalRepresentative.objects.count(),
        Student.history.count(),
    )


def run(rows, *, user=None, allowed=None, **kwargs):
    return import_pupils(stream=csv_stream(rows, **kwargs), user=user, allowed_school_ids=allowed)


def messages(report):
    return [(e.line, e.column, e.message) for e in report.errors]


def test_import_creates_pupils_enrolments_and_representatives(world):
    uai_a = world.school_a.uai
    rows = [
        pupil_row(uai_a, 1),
        pupil_row(
            uai_a,
            2,
            NOM="DURAND",
            PRENOM="Hugo",
            SEXE="1",
            NIVEAU="2nde GT",
            DIVISION="2NDE3",
            DATE_NAISS="03/01/2010",
            RL2_NOM="DURAND",
            RL2_PRENOM="Marc",
            RL2_LIEN="Père",
        ),
    ]
    report = run(rows, user=world.users.chef_a, allowed={world.school_a.id})

    assert not report.is_rejected, messages(report)
    assert (report.rows, report.created, report.updated) == (2, 2, 0)
    hugo = Student.objects.get(ine="123456002AB")
    assert (hugo.last_name, hugo.first_name, hugo.sex) == ("DURAND", "Hugo", "M")
    assert hugo.birth_date == dt.date(2010, 1, 3)
    assert (hugo.level, hugo.voie, hugo.division) == ("2GT", "generale", "2NDE3")
    assert hugo.current_school == world.school_a
    enrolment = hugo.enrolments.get()
    assert (enrolment.school, enrolment.school_year) == (world.school_a, 2025)
    assert enrolment.entry_date == dt.date(2025, 9, 1)
    assert sorted(hugo.representatives.values_list("first_name", flat=True)) == ["Marc", "Sophie"]
    # Every change is traced, with its author.
    history = hugo.history.get()
    assert history.history_type == "+"
    assert history.history_user == world.users.chef_a


def test_reimport_updates_in_place_and_never_duplicates(world):
    uai = world.school_a.uai
    run([pupil_row(uai, 1), pupil_row(uai, 2)])
    before = stored_counts()

    again = run([pupil_row(uai, 1), pupil_row(uai, 2)])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert stored_counts() == before  # nothing new, not even history rows

    changed = run(
        [pupil_row(uai, 1, DIVISION="TPRO-B", RL1_TEL="07 00 00 00 00"), pupil_row(uai, 2)]
    )
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Student.objects.count() == 2
    lea = Student.objects.get(ine="123456001AB")
    assert lea.division == "TPRO-B"
    assert lea.enrolments.get().division == "TPRO-B"
    assert lea.representatives.get().phone == "07 00 00 00 00"
    assert lea.history.count() == 2


def test_a_pupil_moving_school_closes_the_former_enrolment(world):
    run([pupil_row(world.school_a.uai, 1)])
    run([pupil_row(world.school_b.uai, 1, DATE_ENTREE="05/01/2026")])

    student = Student.objects.get()
    assert student.current_school == world.school_b
    former = student.enrolments.get(school=world.school_a)
    assert former.exit_date == dt.date(2026, 1, 5)
    assert former.exit_reason == ExitReason.CHANGEMENT_ETABLISSEMENT
    assert student.enrolments.get(school=world.school_b).exit_date is None


def test_windows_1252_file_with_semicolons(world):
    rows = [pupil_row(world.school_a.uai, 1, NOM="LEFÈVRE", PRENOM="Chloé")]
    report = import_pupils(stream=csv_stream(rows, encoding="cp1252"))

    assert not report.is_rejected, messages(report)
    assert report.encoding == "Windows-1252"
    assert Student.objects.get().last_name == "LEFÈVRE"


def test_comma_separated_utf8_file_with_bom_and_other_headers(world):
    header = ["Numéro INE", "Nom de famille", "Prénom", "Date de naissance", "Sexe", "Code UAI"]
    header += ["Niveau", "Classe"]
    rows = [
        {
            "Numéro INE": "1234567890A",
            "Nom de famille": "NGUYEN",
            "Prénom": "Thành",
            "Date de naissance": "2011-02-14",
            "Sexe": "2",
            "Code UAI": world.school_a.uai.lower(),
            "Niveau": "4e",
            "Classe": "4B",
        }
    ]
    stream = csv_stream(rows, header=header, sep=",", encoding="utf-8-sig")
    report = import_pupils(stream=stream)

    assert not report.is_rejected, messages(report)
    assert (report.encoding, report.delimiter) == ("UTF-8", ",")
    pupil = Student.objects.get()
    assert (pupil.first_name, pupil.level, pupil.voie, pupil.sex) == ("Thành", "4E", "college", "F")


@pytest.mark.parametrize(
    ("override", "column", "expected"),
    [
        ({"INE": "12345678AB"}, "INE", "INE « 12345678AB » invalide"),
        ({"INE": ""}, "INE", "INE manquant"),
        ({"UAI": "0010856B"}, "UAI", "la lettre clé devrait être A"),
        ({"UAI": "77123"}, "UAI", "invalide"),
        ({"UAI": "0010856A"}, "UAI", "UAI 0010856A inconnu"),
        ({"DATE_NAISS": "31/02/2009"}, "DATE_NAISS", "date « 31/02/2009 » impossible"),
        ({"DATE_NAISS": "12/05/2030"}, "DATE_NAISS", "impossible"),
        ({"DATE_NAISS": "mai 2009"}, "DATE_NAISS", "illisible"),
        ({"DATE_ENTREE": "32/09/2025"}, "DATE_ENTREE", "impossible"),
        ({"NOM": ""}, "NOM", "Nom manquant"),
        ({"SEXE": "X"}, "SEXE", "Sexe « X » inconnu"),
        ({"NIVEAU": "CM2"}, "NIVEAU", "Niveau « CM2 » inconnu"),
        ({"VOIE": "sport"}, "VOIE", "Voie « sport » inconnue"),
        ({"RL1_EMAIL": "pas-un-courriel"}, "RL1_EMAIL", "Courriel « pas-un-courriel » invalide"),
        ({"RL1_NOM": ""}, "RL1_NOM", "Nom du représentant légal 1 manquant"),
    ],
)
def test_a_bad_row_rejects_the_whole_file(world, override, column, expected):
    uai = world.school_a.uai
    rows = [pupil_row(uai, 1), pupil_row(uai, 2), pupil_row(uai, 3, **override)]
    report = run(rows)

    assert report.is_rejected
    assert report.error_count == 1
    [error] = report.errors
    assert (error.line, error.column) == (4, column)
    assert expected in error.message
    assert stored_counts() == (0, 0, 0, 0)


def test_rejected_reimport_leaves_earlier_data_untouched(world):
    uai = world.school_a.uai
    run([pupil_row(uai, 1)])
    before = stored_counts()

    report = run([pupil_row(uai, 1, DIVISION="TPRO-Z"), pupil_row(uai, 2, INE="faux")])

    assert report.is_rejected
    assert stored_counts() == before
    assert Student.objects.get().division == "TPRO-A"


def test_duplicate_row_is_reported_with_both_lines(world):
    uai = world.school_a.uai
    report = run([pupil_row(uai, 1), pupil_row(uai, 2), pupil_row(uai, 1)])

    assert messages(report) == [
        (4, "INE", "INE 123456001AB en double dans le fichier (déjà ligne 2).")
    ]
    assert stored_counts() == (0, 0, 0, 0)


def test_missing_column_is_reported_before_any_row(world):
    header = [c for c in HEADER if c != "DATE_NAISS"]
    report = run([pupil_row(world.school_a.uai, 1)], header=header)

    assert report.is_rejected
    [error] = report.errors
    assert error.line == 1
    assert "Colonne(s) obligatoire(s) absente(s) : DATE_NAISS" in error.message
    assert stored_counts() == (0, 0, 0, 0)


def test_out_of_scope_uai_is_a_row_error_for_a_school_head(world):
    rows = [pupil_row(world.school_a.uai, 1), pupil_row(world.school_b.uai, 2)]
    report = run(rows, allowed={world.school_a.id})

    assert messages(report) == [
        (3, "UAI", f"UAI {world.school_b.uai} hors de votre périmètre : élève non importable.")
    ]
    assert stored_counts() == (0, 0, 0, 0)


def test_every_error_of_the_file_is_listed_line_by_line(world):
    uai = world.school_a.uai
    rows = [
        pupil_row(uai, 1, INE="X"),
        pupil_row(uai, 2),
        pupil_row(uai, 3, DATE_NAISS="30/02/2010", UAI="0010856B"),
    ]
    report = run(rows)

    assert [(e.line, e.column) for e in report.errors] == [
        (2, "INE"),
        (4, "DATE_NAISS"),
        (4, "UAI"),
    ]
    assert stored_counts() == (0, 0, 0, 0)


def test_short_row_empty_file_and_unreadable_bytes_are_refused(world):
    short = csv_bytes([pupil_row(world.school_a.uai, 1)]) + b"123456789AB;DUPONT\r\n"
    assert "Ligne incomplète" in import_pupils(stream=_io(short)).errors[0].message
    assert "vide" in import_pupils(stream=_io(b"")).errors[0].message
    only_header = csv_bytes([])
    assert "aucun élève" in import_pupils(stream=_io(only_header)).errors[0].message
    assert stored_counts() == (0, 0, 0, 0)


def _io(data):
    return io.BytesIO(data)


def test_import_pupils_command_reports_errors_and_stores_nothing(world, tmp_path, capsys):
    path = tmp_path / "eleves.csv"
    path.write_bytes(csv_bytes([pupil_row(world.school_a.uai, 1, INE="123")]))

    with pytest.raises(CommandError, match="Rien n'a été enregistré"):
        call_command("import_pupils", str(path))
    assert "Ligne 2 [INE]" in capsys.readouterr().err
    assert stored_counts() == (0, 0, 0, 0)


def test_import_pupils_command_imports_every_school_of_the_academie(world, tmp_path, capsys):
    path = tmp_path / "eleves.csv"
    rows = [pupil_row(world.school_a.uai, 1), pupil_row(world.school_d.uai, 2)]
    path.write_bytes(csv_bytes(rows, encoding="cp1252"))

    call_command("import_pupils", str(path), "--user", "admin")

    assert "2 élève(s) créé(s)" in capsys.readouterr().out
    assert set(Student.objects.values_list("current_school", flat=True)) == {
        world.school_a.id,
        world.school_d.id,
    }
    assert Student.history.filter(history_user=world.users.admin).count() == 2


def _snapshot():
    students = {
        s["ine"]: s
        for s in Student.objects.values(
            "ine",
            "last_name",
            "first_name",
            "birth_date",
            "sex",
            "current_school__uai",
            "level",
            "mef",
            "division",
            "voie",
            "email",
            "phone",
            "address",
        )
    }
    enrolments = sorted(
        Enrolment.objects.values_list(
            "student__ine",
            "school__uai",
            "school_year",
            "level",
            "division",
            "voie",
            "entry_date",
            "exit_date",
            "exit_reason",
            "exit_motif_code",
            "exit_source",
        )
    )
    reps = sorted(
        LegalRepresentative.objects.values_list(
            "student__ine",
            "last_name",
            "first_name",
            "relationship",
            "relationship_code",
            "responsibility_level",
            "is_priority_contact",
            "phone",
            "email",
            "address",
        )
    )
    history = sorted(
        (model.__name__, h)
        for model in (Student, Enrolment, LegalRepresentative)
        for h in model.history.values_list("history_type", flat=True)
    )
    signals = sorted(
        ExitSignal.objects.values_list(
            "student__last_name", "school__uai", "kind", "exit_date", "motif_code", "motif_label"
        )
    )
    identities = sorted(
        SiecleIdentity.objects.values_list("school__uai", "eleve_id", "student__last_name")
    )
    return students, enrolments, reps, history, signals, identities


def test_postgresql_and_orm_writers_store_the_same_rows(world):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Le rédacteur ensembliste n'existe que sur PostgreSQL.")
    uai_a, uai_b = world.school_a.uai, world.school_b.uai
    first = [pupil_row(uai_a, n, ELEVE_ID=f"9000{n}") for n in range(1, 8)] + [
        pupil_row(uai_b, 9, RL2_NOM="DURAND", RL2_PRENOM="Marc", RL2_LIEN="Père"),
        # A newcomer whose INE is pending, and two leavers (one a dropout).
        pupil_row(uai_a, 11, INE="", ELEVE_ID="900011", NOM="ARRIVANT"),
        pupil_row(uai_a, 12, DATE_SORTIE="15/10/2025", CODE_MOTIF_SORTIE="41"),
        pupil_row(uai_a, 13, DATE_SORTIE="20/10/2025", CODE_MOTIF_SORTIE="24"),
    ]
    second = [pupil_row(uai_a, n, DIVISION="TPRO-B", ELEVE_ID=f"9000{n}") for n in range(1, 5)] + [
        pupil_row(uai_b, 5, DATE_ENTREE="02/10/2025"),
        pupil_row(uai_a, 10, NOM="NOUVEAU"),
        # The newcomer's INE has come; a third leaver; the apprentice came back.
        pupil_row(uai_a, 11, ELEVE_ID="900011", NOM="ARRIVANT"),
        pupil_row(uai_a, 12, DATE_SORTIE="15/10/2025", CODE_MOTIF_SORTIE="41"),
        pupil_row(uai_a, 13),
        pupil_row(uai_a, 6, ELEVE_ID="90006", DATE_SORTIE="28/10/2025", CODE_MOTIF_SORTIE="35"),
    ]
    snapshots = {}
    for writer in ("orm", "sql"):
        for rows in (first, second):
            report = import_pupils(
                stream=csv_stream(rows, header=EXIT_HEADER), writer=writer, source_name="eleves.csv"
            )
            assert not report.is_rejected, messages(report)
        snapshots[writer] = _snapshot()
        for model in (LegalRepresentative, Enrolment, Student):
            model.objects.all().delete()
            model.history.all().delete()

    from collections import Counter

    orm, sql = snapshots["orm"], snapshots["sql"]
    assert orm[:3] == sql[:3]
    assert Counter(orm[3]) == Counter(sql[3])
    assert orm[4:] == sql[4:]
    students, enrolments, reps, history, signals, identities = sql
    assert len(students) == 12 and len(enrolments) == 13 and len(reps) == 13
    assert students["123456011AB"]["last_name"] == "ARRIVANT"  # the same pupil, INE given
    assert [s[0] for s in signals] == ["MARTIN12", "MARTIN6"]
    assert ("0" not in {s[2] for s in signals}) and {s[4] for s in signals} == {"41", "35"}
    assert (uai_a, "900011", "ARRIVANT") in identities


def test_csv_exits_close_the_enrolment_and_raise_the_dropout_signal(world):
    uai = world.school_a.uai
    report = import_pupils(
        stream=csv_stream(
            [
                pupil_row(uai, 1, DATE_SORTIE="15/10/2025", CODE_MOTIF_SORTIE="41"),
                pupil_row(uai, 2, INE="", ELEVE_ID="4242", NOM="NOUVELLE"),
                pupil_row(uai, 3, DATE_SORTIE="20/10/2025", CODE_MOTIF_SORTIE="Césure"),
            ],
            header=EXIT_HEADER,
        ),
        source_name="eleves-novembre.csv",
    )
    assert not report.is_rejected, messages(report)
    leaver = Student.objects.get(last_name="MARTIN1")
    assert leaver.current_school is None
    enrolment = leaver.enrolments.get()
    assert (enrolment.exit_date, enrolment.exit_reason, enrolment.exit_motif_code) == (
        dt.date(2025, 10, 15),
        ExitReason.ABANDON,
        "41",
    )
    assert enrolment.exit_source == "export élèves CSV du 03/11/2025 (eleves-novembre.csv)"
    signal = ExitSignal.objects.get()
    assert (signal.student, signal.kind, signal.motif_label) == (
        leaver,
        ExitSignal.Kind.MLDS,
        "Interruption d'études",
    )
    assert signal.source == enrolment.exit_source
    assert Student.objects.get(last_name="MARTIN3").enrolments.get().exit_motif_code == "45"
    newcomer = Student.objects.get(last_name="NOUVELLE")
    assert newcomer.ine is None and newcomer.current_school == world.school_a
    assert any("« INE en attente »" in w for w in report.warnings)
    assert any("1 sortie(s) sans solution signalée(s)" in w for w in report.warnings)

    # The INE comes with the next export: the same pupil gets it, nothing is duplicated.
    again = import_pupils(
        stream=csv_stream(
            [
                pupil_row(uai, 1, DATE_SORTIE="15/10/2025", CODE_MOTIF_SORTIE="41"),
                pupil_row(uai, 2, ELEVE_ID="4242", NOM="NOUVELLE"),
            ],
            header=EXIT_HEADER,
        )
    )
    assert not again.is_rejected, messages(again)
    newcomer.refresh_from_db()
    assert newcomer.ine == "123456002AB"
    assert Student.objects.filter(last_name="NOUVELLE").count() == 1
    assert ExitSignal.objects.count() == 1  # a re-import raises nothing new


@pytest.mark.parametrize(
    ("override", "column", "expected"),
    [
        ({"CODE_MOTIF_SORTIE": "41"}, "DATE_SORTIE", "Motif de sortie sans date de sortie"),
        (
            {"DATE_SORTIE": "01/10/2025", "CODE_MOTIF_SORTIE": "parti"},
            "MOTIF_SORTIE",
            "Motif de sortie « parti » inconnu",
        ),
        ({"DATE_SORTIE": "01/08/2025"}, "DATE_SORTIE", "précède la date d'entrée"),
        ({"INE": "", "ELEVE_ID": ""}, "INE", "colonne ELEVE_ID"),
    ],
)
def test_bad_exit_or_newcomer_columns_are_row_errors(world, override, column, expected):
    report = import_pupils(
        stream=csv_stream([pupil_row(world.school_a.uai, 1, **override)], header=EXIT_HEADER)
    )
    assert report.is_rejected
    assert [(e.column, expected in e.message) for e in report.errors] == [(column, True)]
    assert not Student.objects.exists()

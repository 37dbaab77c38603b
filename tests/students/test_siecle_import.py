"""SIECLE exports as schools download them: pupils, newcomers, leavers, representatives."""

import datetime as dt

import pytest
import time_machine

from students.models import (
    Enrolment,
    ExitSignal,
    LegalRepresentative,
    SiecleIdentity,
    Student,
)
from students.siecle_export import eleves_xml, zipped
from students.siecle_import import import_siecle

from .siecle_factories import eleves_zip, lycee_pupils, responsables_zip, upload
from .siecle_factories import links as siecle_links

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(dt.datetime(2025, 11, 3, 10, 0), tick=False):
        yield


def intake(world, *files, allowed=None, writer=None):
    uploads = [upload(name, data) for name, data in files]
    try:
        return import_siecle(
            uploads,
            allowed_school_ids=allowed if allowed is not None else {world.school_a.pk},
            user=world.users.chef_a,
            writer=writer,
        )
    finally:
        for u in uploads:
            u.close()


def stored():
    return (
        Student.objects.count(),
        Enrolment.objects.count(),
        LegalRepresentative.objects.count(),
        ExitSignal.objects.count(),
        SiecleIdentity.objects.count(),
    )


@pytest.mark.parametrize("encoding", ["ISO-8859-15", "UTF-8", "windows-1252"])
def test_two_zips_bring_pupils_classes_leavers_and_representatives(world, encoding):
    uai = world.school_a.uai
    report = intake(
        world,
        ("ExportXML_ElevesSansAdresses.zip", eleves_zip(uai, encoding=encoding)),
        ("ExportXML_ResponsablesAvecAdresses.zip", responsables_zip(uai, encoding=encoding)),
    )

    assert not report.is_rejected, report.errors
    assert report.created == 5
    laetitia = Student.objects.get(ine="123456789AB")
    assert (laetitia.last_name, laetitia.first_name) == ("CŒUR", "Lœtitia")
    assert (laetitia.level, laetitia.division, laetitia.voie) == ("1G", "1G2", "generale")
    assert laetitia.current_school == world.school_a
    newcomer = Student.objects.get(last_name="ŠKODA")
    assert newcomer.ine is None and newcomer.first_name == "Žofia"
    assert Student.objects.get(ine="223456789AB").last_name == "ŸSER"

    reps = {r.first_name: r for r in laetitia.representatives.all()}
    assert set(reps) == {"Alex", "Marc", "Léo"}
    assert reps["Alex"].relationship == "Mère" and reps["Alex"].is_priority_contact
    assert reps["Alex"].address == "1 RUE DE L'EXEMPLE, 77000 MELUN"
    assert reps["Léo"].responsibility_level == 3
    assert [r["name"] for r in laetitia.letter_recipients()] == ["Alex CŒUR", "Marc CŒUR"]
    ase = newcomer.representatives.get()
    assert ase.is_ase and ase.relationship == "Aide sociale à l'enfance"


def test_leavers_close_their_enrolment_and_the_dropouts_become_signals(world):
    uai = world.school_a.uai
    intake(world, ("ElevesSansAdresses.zip", eleves_zip(uai)))

    noe = Student.objects.get(ine="1234567890C")
    enrolment = noe.enrolments.get()
    assert enrolment.exit_date == dt.date(2025, 10, 20)
    assert (enrolment.exit_reason, enrolment.exit_motif_code) == ("abandon", "41")
    assert "export SIECLE élèves du 15/09/2025" in enrolment.exit_source
    assert noe.current_school is None
    assert Student.objects.visible_to(world.users.chef_a).filter(pk=noe.pk).exists()

    signals = {s.student.last_name: s for s in ExitSignal.objects.select_related("student")}
    assert set(signals) == {"FICTIF", "ŸSER"}
    assert signals["FICTIF"].kind == ExitSignal.Kind.MLDS
    assert signals["FICTIF"].departement == world.school_a.departement
    assert signals["FICTIF"].motif_label == "Interruption d'études"
    assert signals["ŸSER"].kind == ExitSignal.Kind.INSTRUCTION
    moved = Student.objects.get(ine="323456789AB").enrolments.get()
    assert moved.exit_reason == "changement"


def test_reimport_changes_nothing_and_the_pending_ine_arrives_on_the_same_pupil(world):
    uai = world.school_a.uai
    intake(world, ("ElevesSansAdresses.zip", eleves_zip(uai)))
    before = stored()
    again = intake(world, ("ElevesSansAdresses.zip", eleves_zip(uai)))
    assert again.created == 0 and again.updated == 0 and stored() == before

    pupils = lycee_pupils()
    pupils[2]["ine"] = "423456789AB"
    later = intake(world, ("ElevesSansAdresses.zip", eleves_zip(uai, pupils=pupils)))

    assert later.updated == 1 and stored() == before
    newcomer = Student.objects.get(last_name="ŠKODA")
    assert newcomer.ine == "423456789AB"
    assert newcomer.history.count() == 2


def test_newcomer_already_known_by_ine_elsewhere_is_merged(world):
    uai = world.school_a.uai
    intake(world, ("ElevesSansAdresses.zip", eleves_zip(uai)))
    known = Student.objects.create(
        ine="523456789AB", last_name="ŠKODA", first_name="Žofia", birth_date=dt.date(2009, 6, 30)
    )
    pupils = lycee_pupils()
    pupils[2]["ine"] = "523456789AB"
    report = intake(world, ("ElevesSansAdresses.zip", eleves_zip(uai, pupils=pupils)))

    assert not report.is_rejected, report.errors
    assert Student.objects.filter(last_name="ŠKODA").get() == known
    known.refresh_from_db()
    assert known.current_school == world.school_a
    assert known.enrolments.get().division == "2NDE3"


def test_other_school_export_is_refused_and_nothing_is_stored(world):
    report = intake(world, ("ElevesSansAdresses.zip", eleves_zip(world.school_b.uai)))

    assert report.is_rejected
    assert "autre établissement" in report.errors[0].message
    assert stored() == (0, 0, 0, 0, 0)


def test_representatives_alone_before_any_pupil_are_refused(world):
    report = intake(world, ("Responsables.zip", responsables_zip(world.school_a.uai)))
    assert report.is_rejected
    assert "Importez d'abord l'export des élèves" in report.errors[0].message


def test_a_wrong_row_refuses_the_whole_intake_with_its_reason(world):
    pupils = lycee_pupils()
    pupils[1]["birth_date"] = "31/02/2008"
    pupils[3]["ine"] = "12345"
    report = intake(
        world,
        ("Eleves.zip", eleves_zip(world.school_a.uai, pupils=pupils)),
        ("Responsables.zip", responsables_zip(world.school_a.uai)),
    )

    assert report.is_rejected
    text = [e.message for e in report.errors]
    assert any("900002" in m and "impossible" in m for m in text)
    assert any("900004" in m and "INE « 12345 » invalide" in m for m in text)
    assert stored() == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b"<BEE_ELEVES><PARAMETRES><UAJ>&e;</UAJ></PARAMETRES></BEE_ELEVES>",
            "DTD",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY l2 "&lol;&lol;">]>'
            b"<BEE_ELEVES>&l2;</BEE_ELEVES>",
            "DTD",
        ),
        (b'<?xml version="1.0"?><BEE_ELEVES><PARAMETRES><UAJ>07', "incomplet ou mal formé"),
        (b'<?xml version="1.0"?><BEE_AUTRE/>', "n'est pas un export SIECLE"),
    ],
)
def test_hostile_or_broken_xml_is_refused_in_french(world, data, message):
    report = intake(world, ("ElevesSansAdresses.xml", data))
    assert report.is_rejected
    assert message in report.errors[0].message
    assert stored() == (0, 0, 0, 0, 0)


def test_truncated_pupil_file_stores_nothing(world):
    data = eleves_xml(uai=world.school_a.uai, school_year=2025, pupils=lycee_pupils())
    report = intake(world, ("ElevesSansAdresses.zip", zipped("E.xml", data[: len(data) - 60])))
    assert report.is_rejected and "incomplet" in report.errors[0].message
    assert stored() == (0, 0, 0, 0, 0)


def test_truncated_representatives_file_stores_nothing(world):
    from students.siecle_export import responsables_xml

    uai = world.school_a.uai
    data = responsables_xml(uai=uai, school_year=2025, links=siecle_links())
    report = intake(
        world,
        ("ElevesSansAdresses.zip", eleves_zip(uai)),
        ("Responsables.zip", zipped("R.xml", data[: len(data) - 60])),
    )
    assert report.is_rejected and "incomplet" in report.errors[0].message
    assert stored() == (0, 0, 0, 0, 0)


def test_previous_school_year_is_imported_with_a_warning(world):
    report = intake(world, ("E.zip", eleves_zip(world.school_a.uai, school_year=2024)))
    assert not report.is_rejected
    assert any("2024-2025, pas de l'année en cours (2025-2026)" in w for w in report.warnings)
    assert set(Enrolment.objects.values_list("school_year", flat=True)) == {2024}


def test_two_pupil_exports_together_are_refused(world):
    uai = world.school_a.uai
    report = intake(world, ("A.zip", eleves_zip(uai)), ("B.zip", eleves_zip(uai)))
    assert report.is_rejected and "Deux exports « élèves »" in report.errors[0].message


def test_dropout_indicator_counts_the_imported_leavers(world):
    from reports.indicators import DROPOUTS, aggregate

    intake(world, ("ElevesSansAdresses.zip", eleves_zip(world.school_a.uai)))

    [row] = aggregate(DROPOUTS, Enrolment.objects.all(), territory=None, dimensions=())
    # Noé (16, interruption) counts; Éloïse left at 14 and Noël changed school do not.
    assert (row["effectif"], row["decrocheurs"]) == (5, 1)


def test_academie_command_imports_a_folder_school_by_school(world, tmp_path):
    from django.core.management import CommandError, call_command

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "ElevesSansAdresses.zip").write_bytes(eleves_zip(world.school_a.uai))
    (tmp_path / "a" / "Responsables.zip").write_bytes(responsables_zip(world.school_a.uai))
    pupils_b = [dict(p, eleve_id="7" + p["eleve_id"], ine="") for p in lycee_pupils()]
    (tmp_path / "b.zip").write_bytes(eleves_zip(world.school_b.uai, pupils=pupils_b))
    (tmp_path / "unknown.zip").write_bytes(eleves_zip("0779999A", pupils=pupils_b))

    with pytest.raises(CommandError, match="2 établissement\\(s\\) importé\\(s\\), 10 élève"):
        call_command("import_siecle", str(tmp_path))

    assert Student.objects.filter(current_school=world.school_a).count() == 2
    assert SiecleIdentity.objects.filter(school=world.school_b).count() == 5
    assert LegalRepresentative.objects.count() == 4


def _snapshot():
    students = sorted(
        Student.objects.values_list(
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
        ),
        key=str,
    )
    enrolments = sorted(
        Enrolment.objects.values_list(
            "student__last_name",
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
        ),
        key=str,
    )
    reps = sorted(
        LegalRepresentative.objects.values_list(
            "student__last_name",
            "last_name",
            "first_name",
            "relationship_code",
            "responsibility_level",
            "siecle_person_id",
        ),
        key=str,
    )
    signals = sorted(
        ExitSignal.objects.values_list("student__last_name", "kind", "exit_date", "motif_code")
    )
    identities = sorted(
        SiecleIdentity.objects.values_list("school__uai", "eleve_id", "student__last_name")
    )
    history = sorted(
        (model.__name__, h, r)
        for model in (Student, Enrolment, LegalRepresentative)
        for h, r in model.history.values_list("history_type", "history_change_reason")
    )
    return students, enrolments, reps, signals, identities, history


def test_postgresql_and_orm_writers_store_the_same_siecle_rows(world):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Le rédacteur ensembliste n'existe que sur PostgreSQL.")
    uai = world.school_a.uai
    later = lycee_pupils()
    later[2]["ine"] = "423456789AB"  # the newcomer's INE has come
    later[0].update(exit_date="30/10/2025", motif="41")  # and Lœtitia has left
    snapshots = {}
    for writer in ("orm", "sql"):
        first = intake(
            world,
            ("ExportXML_ElevesSansAdresses.zip", eleves_zip(uai)),
            ("ExportXML_ResponsablesAvecAdresses.zip", responsables_zip(uai)),
            writer=writer,
        )
        second = intake(
            world,
            ("ExportXML_ElevesSansAdresses.zip", eleves_zip(uai, pupils=later)),
            writer=writer,
        )
        assert not first.is_rejected and not second.is_rejected, second.errors
        assert (first.created, second.created) == (5, 0)
        snapshots[writer] = _snapshot()
        for model in (LegalRepresentative, Enrolment, Student):
            model.objects.all().delete()
            model.history.all().delete()
    assert snapshots["orm"] == snapshots["sql"]
    students, enrolments, reps, signals, identities, history = snapshots["sql"]
    assert len(students) == 5 and len(identities) == 5
    assert [s[0] for s in signals] == ["CŒUR", "FICTIF", "ŸSER"]
    assert ("Student", "~", "Import SIECLE") in history


def _family_links():
    """Three or more persons per pupil, the ASE for the newcomer, the same person twice for
    Lœtitia and a link to a pupil the application does not know."""
    rows = [dict(link) for link in siecle_links()]
    rows.insert(1, dict(rows[0]))  # Alex twice for Lœtitia: the first link is kept
    rows += [
        {
            "eleve_id": "900002",
            "person_id": f"60000{n}",
            "last_name": last_name,
            "first_name": first_name,
            "level": level,
            "code": code,
            "phone": f"+3361000000{n}",
        }
        for n, (last_name, first_name, level, code) in enumerate(
            [
                ("FICTIF", "Anne", 1, "10"),
                ("FICTIF", "Paul", 1, "20"),
                ("ROUX", "Lise", 3, "38"),
                ("STRASSE", "Hans", 3, "39"),
            ]
        )
    ]
    rows.append({"eleve_id": "999999", "person_id": "700001", "last_name": "INCONNU"})
    return rows


def _representatives_snapshot():
    fields = [f.attname for f in LegalRepresentative._meta.concrete_fields if f.attname != "id"]
    rows = sorted(LegalRepresentative.objects.values_list(*fields), key=str)
    history_fields = ["history_type", "history_change_reason", "history_user_id", "history_date"]
    history = sorted(LegalRepresentative.history.values_list(*history_fields, *fields), key=str)
    return rows, history


def test_postgresql_and_orm_writers_store_the_same_representatives(world):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Le rédacteur ensembliste n'existe que sur PostgreSQL.")
    uai = world.school_a.uai
    intake(world, ("ExportXML_ElevesSansAdresses.zip", eleves_zip(uai)))
    laetitia = Student.objects.get(ine="123456789AB")
    noe = Student.objects.get(ine="1234567890C")
    first = _family_links()
    later = [dict(link) for link in first if link.get("first_name") != "Léo"]  # Léo is gone
    for link in later:
        if link["person_id"] == "500002":
            link["phone"] = "+33699999999"  # and Marc has a new phone
    snapshots, messages = {}, {}
    for writer in ("orm", "sql"):
        # Entered by hand: one SIECLE does not know (stays), one it sends in capitals.
        LegalRepresentative.objects.create(
            student=laetitia, last_name="MARRAINE", first_name="Julie", relationship="Autre"
        )
        LegalRepresentative.objects.create(student=laetitia, last_name="voisin", first_name="léo")
        # Names compare as Python casefolds them, whatever the database's collation.
        LegalRepresentative.objects.create(student=noe, last_name="Straße", first_name="HANS")
        reports = [
            intake(
                world,
                ("ExportXML_ResponsablesAvecAdresses.zip", responsables_zip(uai, link_rows=rows)),
                writer=writer,
            )
            for rows in (first, later, later)
        ]
        assert not any(r.is_rejected for r in reports), reports[0].errors
        messages[writer] = [[w for w in r.warnings if "esponsable" in w] for r in reports]
        snapshots[writer] = _representatives_snapshot()
        LegalRepresentative.objects.all().delete()
        LegalRepresentative.history.all().delete()

    assert (
        messages["orm"]
        == messages["sql"]
        == [
            [
                "1 lien(s) responsable vers des élèves absents de l'application : ignorés.",
                "Responsables : 6 ajouté(s), 2 mis à jour, 0 retiré(s).",
            ],
            [
                "1 lien(s) responsable vers des élèves absents de l'application : ignorés.",
                "Responsables : 0 ajouté(s), 1 mis à jour, 1 retiré(s).",
            ],
            [
                "1 lien(s) responsable vers des élèves absents de l'application : ignorés.",
                "Responsables : 0 ajouté(s), 0 mis à jour, 0 retiré(s).",
            ],
        ]
    )
    assert snapshots["orm"] == snapshots["sql"]
    rows, history = snapshots["sql"]
    names = {(r[1], r[2]) for r in rows}
    assert ("MARRAINE", "Julie") in names and ("VOISIN", "Léo") not in names
    assert ("STRASSE", "Hans") in names and len(rows) == 8
    imported = [h for h in history if h[1] == "Import SIECLE"]
    assert sorted(h[0] for h in imported) == ["+"] * 6 + ["-"] + ["~"] * 3
    assert {h[2] for h in imported} == {world.users.chef_a.pk}
    assert len(history) == len(imported) + 3  # those entered by hand


@pytest.mark.parametrize("pupils", [1, 5])
def test_set_based_representatives_take_a_fixed_number_of_queries(world, pupils):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("Le rédacteur ensembliste n'existe que sur PostgreSQL.")
    uai = world.school_a.uai
    intake(world, ("ExportXML_ElevesSansAdresses.zip", eleves_zip(uai)))
    rows = [
        {
            "eleve_id": pupil["eleve_id"],
            "person_id": f"{pupil['eleve_id']}{n}",
            "last_name": pupil["last_name"],
            "first_name": f"Parent{n}",
            "code": "10",
        }
        for pupil in lycee_pupils()[:pupils]
        for n in range(4)
    ]
    for _ in range(2):  # an intake that creates them, then one that updates them
        with CaptureQueriesContext(connection) as queries:
            report = intake(world, ("R.zip", responsables_zip(uai, link_rows=rows)))
        assert not report.is_rejected, report.errors
        # The savepoint and its release, the school, 14 statements for the representatives.
        assert len(queries) == 17, [q["sql"] for q in queries]
        for row in rows:
            row["phone"] = "+33600000009"
    assert LegalRepresentative.objects.count() == 4 * pupils

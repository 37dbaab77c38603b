"""Write a demo school's pupils as the two SIECLE ZIPs a school head downloads, so that a
newcomer can try the real upload (`/eleves/import/`) with the demo data."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from students.models import Enrolment, LegalRepresentative, SiecleIdentity
from students.rules import birthday, school_year_of
from students.siecle_export import eleves_xml, responsables_xml, zipped
from territories.models import Etablissement

# Levels back to a CODE_MEF of the same family (the built-in table reads them back).
LEVEL_MEFS = {
    "6E": "10010012110",
    "5E": "10110001110",
    "4E": "10210001110",
    "3E": "10310019110",
    "2GT": "20010018110",
    "1G": "20110019110",
    "1T": "21131016110",
    "TG": "20212001110",
    "TT": "21231016110",
    "2PRO": "24725511310",
    "1PRO": "24725511320",
    "TPRO": "24725511330",
    "CAP1": "50025002210",
    "CAP2": "50025002220",
    "BTS1": "31199999210",
    "BTS2": "31199999220",
}
CODES = {"mère": "10", "mere": "10", "père": "20", "pere": "20", "tuteur": "50"}


class Command(BaseCommand):
    help = (
        "Écrit les élèves d'un établissement de démonstration sous la forme des deux exports "
        "SIECLE (ExportXML_ElevesSansAdresses.zip et ExportXML_ResponsablesAvecAdresses.zip), "
        "avec deux élèves sortis sans solution, pour essayer l'import réel."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Dossier où écrire les deux ZIP.")
        parser.add_argument(
            "--uai", default=None, help="UAI de l'établissement (défaut : le lycée le plus grand)."
        )

    def handle(self, *args, directory, uai, **options):
        today = timezone.localdate()
        year = school_year_of(today)
        schools = Etablissement.objects.annotate(n=Count("students")).order_by("-n", "uai")
        school = schools.filter(uai=uai).first() if uai else schools.first()
        if school is None:
            raise CommandError("Aucun établissement : chargez d'abord la démonstration.")
        enrolments = (
            Enrolment.objects.filter(
                school=school,
                school_year=year,
                exit_date__isnull=True,
                student__current_school=school,
            )
            .select_related("student")
            .order_by("student__last_name", "student_id")
        )
        known = dict(
            SiecleIdentity.objects.filter(school=school).values_list("student_id", "eleve_id")
        )
        pupils, ids = [], {}
        for n, enrolment in enumerate(enrolments, start=1):
            student = enrolment.student
            eleve_id = known.get(student.pk) or str(800000 + n)
            ids[student.pk] = eleve_id
            pupils.append(
                {
                    "eleve_id": eleve_id,
                    "ine": student.ine or "",
                    "last_name": student.last_name,
                    "first_name": student.first_name,
                    "birth_date": f"{student.birth_date:%d/%m/%Y}",
                    "sex": "1" if student.sex == "M" else "2",
                    "mef": student.mef
                    if len(student.mef) == 11
                    else LEVEL_MEFS.get(enrolment.level, ""),
                    "division": enrolment.division,
                    "entry_date": f"{enrolment.entry_date:%d/%m/%Y}"
                    if enrolment.entry_date
                    else "",
                }
            )
        left_on = max(today - dt.timedelta(days=10), dt.date(year, 9, 15))
        for eleve_id, last, first, age, motif in (
            ("899001", "ESSAI-SORTIE", "Théo", 17, "41"),
            ("899002", "ESSAI-SORTIE", "Inès", 15, "35"),
        ):
            pupils.append(
                {
                    "eleve_id": eleve_id,
                    "ine": "",
                    "last_name": last,
                    "first_name": first,
                    "birth_date": f"{birthday(today, -age) - dt.timedelta(days=40):%d/%m/%Y}",
                    "sex": "1" if first == "Théo" else "2",
                    "mef": "24725511310",
                    "division": "2PRO-A",
                    "entry_date": f"{dt.date(year, 9, 1):%d/%m/%Y}",
                    "exit_date": f"{left_on:%d/%m/%Y}",
                    "motif": motif,
                }
            )
        links = [
            {
                "eleve_id": ids[rep.student_id],
                "person_id": str(600000 + rep.pk),
                "last_name": rep.last_name,
                "first_name": rep.first_name,
                "level": rep.responsibility_level,
                "code": rep.relationship_code or CODES.get(rep.relationship.lower(), "90"),
                "phone": rep.phone,
                "email": rep.email,
                "address": rep.address[:100],
            }
            for rep in LegalRepresentative.objects.filter(student_id__in=ids)
        ]
        export_date = f"{today:%d/%m/%Y}"
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        eleves = eleves_xml(
            uai=school.uai, school_year=year, pupils=pupils, export_date=export_date
        )
        (folder / "ExportXML_ElevesSansAdresses.zip").write_bytes(
            zipped("ElevesSansAdresses.xml", eleves)
        )
        responsables = responsables_xml(
            uai=school.uai, school_year=year, links=links, export_date=export_date
        )
        (folder / "ExportXML_ResponsablesAvecAdresses.zip").write_bytes(
            zipped("ResponsablesAvecAdresses.xml", responsables)
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{school.name} ({school.uai}) : {len(pupils)} élèves et {len(links)} "
                f"responsables écrits dans {folder}/ExportXML_*.zip."
            )
        )

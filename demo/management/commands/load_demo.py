"""Build the demo académie de Créteil: structures, staff for every role, pupils, then each app's
demo cases (`<app>/demo.py`, `build(today=..., stdout=...)`).

Fast by design: one seeded random generator, fixed name lists, `bulk_create` in batches and no
per-row history (the history starts with the first real change). `--pupils 1000000` streams the
pupils in batches so memory stays flat on PostgreSQL.
"""

import datetime as dt
import importlib
import importlib.util
import random
import time
import traceback
import unicodedata
import uuid

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import reset_queries, transaction
from django.utils import timezone

from accounts.enums import Role
from accounts.models import RoleAssignment, User
from demo import names, school_calendar, territory
from students.enums import ExitReason, Level, Sex
from students.models import Enrolment, LegalRepresentative, Student
from students.rules import school_year_of
from territories.enums import SchoolType, Voie
from territories.models import (
    CIO,
    Academie,
    Bassin,
    Departement,
    Etablissement,
    Network,
    RegionAcademique,
)
from territories.validators import uai_key

DEMO_PASSWORD = "Secuparcours-demo-2026"
DEMO_APPS = ["dossiers", "prevention", "mlds", "foquale", "notifications", "reports"]
BATCH = 5000
# The demo LPO: enough pupils in exam classes that the results of the last session give every
# step of the re-preparation story (14 ajournés at least), whatever --pupils says.
LPO_MINIMUM = 80
EXAM_LEVELS = [Level.TERMINALE_PRO, Level.TERMINALE_G, Level.TERMINALE_T, Level.CAP2]

# Level: (age at the start of the school year, voie, illustrative MEF code, division prefix,
# level of the previous year, whether the previous year is in another school).
LEVELS = {
    Level.SIXIEME: (11, Voie.COLLEGE, "10010012110", "6", None, False),
    Level.CINQUIEME: (12, Voie.COLLEGE, "10110001110", "5", Level.SIXIEME, False),
    Level.QUATRIEME: (13, Voie.COLLEGE, "10210001110", "4", Level.CINQUIEME, False),
    Level.TROISIEME: (14, Voie.COLLEGE, "10310019110", "3", Level.QUATRIEME, False),
    Level.SECONDE_GT: (15, Voie.GENERALE, "20010018110", "2GT", Level.TROISIEME, True),
    Level.PREMIERE_G: (16, Voie.GENERALE, "20111101110", "1G", Level.SECONDE_GT, False),
    Level.PREMIERE_T: (16, Voie.TECHNOLOGIQUE, "21131012110", "1STMG", Level.SECONDE_GT, False),
    Level.TERMINALE_G: (17, Voie.GENERALE, "20211101110", "TG", Level.PREMIERE_G, False),
    Level.TERMINALE_T: (17, Voie.TECHNOLOGIQUE, "21231012110", "TSTMG", Level.PREMIERE_T, False),
    Level.SECONDE_PRO: (15, Voie.PROFESSIONNELLE, "24725511110", "2MELEC", Level.TROISIEME, True),
    Level.PREMIERE_PRO: (
        16,
        Voie.PROFESSIONNELLE,
        "24725511210",
        "1MELEC",
        Level.SECONDE_PRO,
        False,
    ),
    Level.TERMINALE_PRO: (
        17,
        Voie.PROFESSIONNELLE,
        "24725511310",
        "TMELEC",
        Level.PREMIERE_PRO,
        False,
    ),
    Level.CAP1: (15, Voie.PROFESSIONNELLE, "50022106210", "1CAP", Level.TROISIEME, True),
    Level.CAP2: (16, Voie.PROFESSIONNELLE, "50022106220", "2CAP", Level.CAP1, False),
    Level.BTS1: (18, Voie.PROFESSIONNELLE, "32031209210", "BTS1", Level.TERMINALE_T, False),
    Level.BTS2: (19, Voie.PROFESSIONNELLE, "32031209220", "BTS2", Level.BTS1, False),
}

COLLEGE_LEVELS = [
    (Level.SIXIEME, 25),
    (Level.CINQUIEME, 25),
    (Level.QUATRIEME, 25),
    (Level.TROISIEME, 25),
]
GT_LEVELS = [
    (Level.SECONDE_GT, 36),
    (Level.PREMIERE_G, 24),
    (Level.PREMIERE_T, 8),
    (Level.TERMINALE_G, 24),
    (Level.TERMINALE_T, 8),
]
PRO_LEVELS = [
    (Level.SECONDE_PRO, 24),
    (Level.PREMIERE_PRO, 22),
    (Level.TERMINALE_PRO, 20),
    (Level.CAP1, 18),
    (Level.CAP2, 16),
]
# School type: (pupils weight, voies flags G/T/P/A, levels with weights)
SCHOOL_PROFILES = {
    SchoolType.COLLEGE: (550, "", COLLEGE_LEVELS),
    SchoolType.LGT: (1200, "GT", GT_LEVELS),
    SchoolType.LP: (600, "P", PRO_LEVELS),
    SchoolType.LPO: (
        1400,
        "GTP",
        [(lvl, w * 6) for lvl, w in GT_LEVELS]
        + [(lvl, w * 4) for lvl, w in PRO_LEVELS]
        + [(Level.BTS1, 30), (Level.BTS2, 25)],
    ),
    SchoolType.EREA: (
        200,
        "P",
        [(Level.QUATRIEME, 20), (Level.TROISIEME, 20), (Level.CAP1, 30), (Level.CAP2, 30)],
    ),
    SchoolType.CFA: (500, "A", PRO_LEVELS + [(Level.BTS1, 10), (Level.BTS2, 8)]),
    SchoolType.AGRICOLE: (
        400,
        "TP",
        [(Level.SECONDE_GT, 20), (Level.PREMIERE_T, 15), (Level.TERMINALE_T, 15)] + PRO_LEVELS,
    ),
    SchoolType.PRIVE_SOUS_CONTRAT: (700, "GT", COLLEGE_LEVELS + GT_LEVELS),
}
TYPE_PREFIX = {
    SchoolType.COLLEGE: "Collège",
    SchoolType.LGT: "Lycée",
    SchoolType.LP: "Lycée professionnel",
    SchoolType.LPO: "Lycée polyvalent",
    SchoolType.EREA: "EREA",
    SchoolType.CFA: "CFA",
    SchoolType.AGRICOLE: "Lycée agricole",
    SchoolType.PRIVE_SOUS_CONTRAT: "Ensemble scolaire",
}

# Staff: username -> (first name, last name, [(role, structure key)]); structure keys are
# resolved in `_create_staff`.
STAFF = [
    ("chef.lycee", "Claire", "Vasseur", [(Role.CHEF_ETABLISSEMENT, "lpo")]),
    ("referent.lycee", "Karim", "Benali", [(Role.REFERENT_DECROCHAGE, "lpo")]),
    ("chef.college", "Sophie", "Marchand", [(Role.CHEF_ETABLISSEMENT, "college")]),
    ("directeur.cio", "Nathalie", "Roussel", [(Role.DIRECTEUR_CIO, "bassin")]),
    ("commission.77", "Patrick", "Lemoine", [(Role.MEMBRE_COMMISSION, "077")]),
    ("ienio.77", "Isabelle", "Fontaine", [(Role.IEN_IO, "077")]),
    ("dasen.77", "Olivier", "Garnier", [(Role.IA_DASEN, "077"), (Role.IEN_IO, "094")]),
    ("mlds.77", "Aminata", "Diallo", [(Role.COORDONNATEUR_MLDS, "077")]),
    ("dasen.93", "Bruno", "Perrin", [(Role.IA_DASEN, "093")]),
    ("foquale", "Hélène", "Mercier", [(Role.RESPONSABLE_FOQUALE, "network")]),
    ("pilote", "Laurent", "Girard", [(Role.PILOTE_ACADEMIQUE, "academie")]),
    ("admin", "Anne", "Lacroix", [(Role.ADMINISTRATEUR, "academie")]),
]
DEMO_USERNAMES = [username for username, *_ in STAFF]
# What the final summary counts, queried once everything is loaded: (label, model, filter).
SUMMARY = [
    ("établissements", "territories.Etablissement", {}),
    ("élèves", "students.Student", {}),
    ("dossiers de re-préparation", "dossiers.RepreparationDossier", {}),
    ("séances de commission", "dossiers.CommissionSession", {}),
    ("parcours de prévention (PAFI)", "prevention.Pafi", {}),
    ("parcours de prévention (TDO)", "prevention.Tdo", {}),
    ("suivis MLDS", "mlds.FollowUp", {}),
    ("projets FoQualE", "foquale.Project", {}),
    ("appels à projets FoQualE", "foquale.CallForProjects", {}),
    ("échéances", "notifications.Deadline", {}),
    ("rappels", "notifications.Reminder", {}),
    ("calendriers scolaires", "notifications.SchoolCalendar", {}),
]


def _phone(rng, prefix: str) -> str:
    return " ".join([prefix, *(f"{rng.randint(10, 99)}" for _ in range(4))])


class Command(BaseCommand):
    help = "Charge l'académie de démonstration (Créteil) : structures, comptes, élèves, dossiers."

    def add_arguments(self, parser):
        parser.add_argument("--pupils", type=int, default=40000, help="Nombre d'élèves (40 000).")
        parser.add_argument(
            "--reset", action="store_true", help="Efface TOUTE la base avant de charger."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Graine du tirage aléatoire.")
        parser.add_argument(
            "--without-apps",
            action="store_true",
            help="Ne charge que le socle (sans les dossiers, parcours, suivis des autres modules).",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Échoue si la démonstration d'un module échoue (sinon : avertissement).",
        )
        parser.add_argument(
            "--siecle-zips",
            metavar="DOSSIER",
            default=None,
            help="Écrit aussi le plus grand lycée de la démonstration sous la forme des deux "
            "exports SIECLE (ZIP) dans ce dossier, pour essayer l'import réel.",
        )

    def handle(self, *args, pupils, reset, seed, without_apps, strict, siecle_zips=None, **options):
        if pupils < 0:
            raise CommandError("--pupils doit être positif.")
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        elif (
            Etablissement.objects.exists()
            or User.objects.filter(username__in=DEMO_USERNAMES).exists()
        ):
            raise CommandError(
                "La base contient déjà des structures ou des comptes de démonstration : "
                "rien n'a été chargé. Relancez avec --reset pour TOUT effacer et recharger "
                "la démonstration."
            )
        started = time.monotonic()
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.year = school_year_of(self.today)
        with transaction.atomic():
            self._create_territories()
            self._create_networks()
            self._create_staff()
            dates = school_calendar.write_calendar(academie=self.academie, today=self.today)
        self.stdout.write(
            f"Structures : {len(self.schools)} établissements, {len(self.bassins)} bassins et CIO."
        )
        self.stdout.write(
            f"Calendrier de démonstration : résultats du bac {dates['session']} publiés le "
            f"{dates['results_day']:%d/%m/%Y}, rentrée le {dates['rentree']:%d/%m/%Y}."
        )
        self._create_pupils(pupils)
        self.stdout.write(f"Élèves : {pupils} en {time.monotonic() - started:.1f} s.")
        if not without_apps:
            self._build_apps(strict=strict)
            self._refresh_figures()
        self._print_summary()
        if siecle_zips:
            call_command("export_siecle_demo", siecle_zips, stdout=self.stdout)
        self._print_accounts()
        self.stdout.write(
            self.style.SUCCESS(f"Démonstration prête en {time.monotonic() - started:.1f} s.")
        )

    # --- Structures -------------------------------------------------------------------------

    def _uai(self, dep_code: str) -> str:
        while True:
            digits = f"{dep_code}{self.rng.randint(100, 9999):04d}"
            uai = digits + uai_key(digits)
            if uai not in self.used_uais:
                self.used_uais.add(uai)
                return uai

    def _create_territories(self):
        self.used_uais = set()
        region = RegionAcademique.objects.create(code=territory.REGION[0], name=territory.REGION[1])
        self.academie = Academie.objects.create(
            code=territory.ACADEMIE[0], name=territory.ACADEMIE[1], region=region
        )
        self.departements = {
            code: Departement.objects.create(code=code, name=name, academie=self.academie)
            for code, name in territory.DEPARTEMENTS
        }
        self.bassins, self.cios, self.postcodes = [], [], {}
        schools = []
        college_names = list(names.COLLEGE_NAMES)
        lycee_names = list(names.LYCEE_NAMES)
        private_names = list(names.PRIVATE_NAMES)
        self.rng.shuffle(college_names)
        self.rng.shuffle(lycee_names)
        self.rng.shuffle(private_names)
        for dep_code, code, name, communes in territory.BASSINS:
            dep = self.departements[dep_code]
            bassin = Bassin.objects.create(code=code, name=name, departement=dep)
            self.bassins.append(bassin)
            self.postcodes.update(dict(communes))
            town = communes[0][0]
            self.cios.append(
                CIO(uai=self._uai(dep_code), name=f"CIO de {town}", commune=town, bassin=bassin)
            )
            plan = [(SchoolType.COLLEGE, communes[i % len(communes)][0]) for i in range(7)]
            plan += [
                (SchoolType.LPO, town),
                (SchoolType.LGT, town),
                (SchoolType.LP, communes[1][0]),
            ]
            plan += [(SchoolType.PRIVE_SOUS_CONTRAT, communes[2][0])]
            for school_type, commune in plan:
                if school_type == SchoolType.COLLEGE:
                    label = college_names.pop() if college_names else f"de {commune}"
                elif school_type == SchoolType.PRIVE_SOUS_CONTRAT:
                    label = private_names.pop() if private_names else f"privé de {commune}"
                else:
                    label = lycee_names.pop() if lycee_names else f"de {commune}"
                schools.append(self._school(school_type, label, commune, bassin))
        # One EREA and one CFA per département, agricultural lycées in 077 and 094, and an extra
        # LP in each of the two denser départements.
        extras = [
            (SchoolType.EREA, "Jean Isoard", 0),
            (SchoolType.CFA, "des métiers de Seine-et-Marne", 1),
            (SchoolType.AGRICOLE, "Bougainville", 3),
            (SchoolType.EREA, "Françoise Dolto", 4),
            (SchoolType.CFA, "académique de Seine-Saint-Denis", 5),
            (SchoolType.LP, "Denis Papin", 6),
            (SchoolType.EREA, "Stendhal", 7),
            (SchoolType.CFA, "de l'artisanat du Val-de-Marne", 8),
            (SchoolType.AGRICOLE, "Adolphe Chérioux", 8),
            (SchoolType.LP, "Marx Dormoy", 9),
        ]
        for school_type, label, bassin_index in extras:
            bassin = self.bassins[bassin_index]
            commune = territory.BASSINS[bassin_index][3][-1][0]
            schools.append(self._school(school_type, label, commune, bassin))
        # The school of the demo chef d'établissement: a fixed, recognisable name.
        schools[7].name = "Lycée polyvalent Léonard de Vinci"
        CIO.objects.bulk_create(self.cios)
        self.schools = Etablissement.objects.bulk_create(schools)
        self.lpo = self.schools[7]
        self.college = self.schools[0]

    def _school(self, school_type, label, commune, bassin) -> Etablissement:
        flags = SCHOOL_PROFILES[school_type][1]
        postcode = self.postcodes.get(commune, "")
        slug = label.lower().replace(" ", "-").replace("'", "")
        return Etablissement(
            uai=self._uai(bassin.departement.code),
            name=f"{TYPE_PREFIX[school_type]} {label}",
            school_type=school_type,
            commune=commune,
            bassin=bassin,
            departement=bassin.departement,
            voie_generale="G" in flags,
            voie_technologique="T" in flags,
            voie_professionnelle="P" in flags,
            voie_apprentissage="A" in flags,
            email=f"ce.{slug[:20]}@ac-creteil.example",
            phone=_phone(self.rng, "01"),
            address=f"{self.rng.randint(1, 120)} {self.rng.choice(names.STREETS)}, "
            f"{postcode} {commune}",
        )

    def _create_networks(self):
        """One FoQualE network per département, grouping its lycées; the first is led by the
        demo LPO."""
        lycee_types = {
            SchoolType.LGT,
            SchoolType.LP,
            SchoolType.LPO,
            SchoolType.EREA,
            SchoolType.AGRICOLE,
        }
        labels = {
            "077": "Réseau FoQualE Melun – Val de Seine",
            "093": "Réseau FoQualE Plaine Saint-Denis",
            "094": "Réseau FoQualE Val-de-Marne",
        }
        self.networks = {}
        for dep_code, dep in self.departements.items():
            members = [
                s
                for s in self.schools
                if s.departement_id == dep.id and s.school_type in lycee_types
            ]
            if dep_code == "077":
                # Melun and Provins bassins only, so the network is smaller than the département.
                members = [
                    s for s in members if s.bassin_id in (self.bassins[0].id, self.bassins[3].id)
                ]
                head = self.lpo
            else:
                head = next(s for s in members if s.school_type == SchoolType.LPO)
            network = Network.objects.create(name=labels[dep_code], head_school=head)
            network.departements.set([dep])
            network.schools.set(members)
            self.networks[dep_code] = network

    def _create_staff(self):
        password = make_password(DEMO_PASSWORD)
        structures = {
            "lpo": {"etablissement": self.lpo},
            "college": {"etablissement": self.college},
            "bassin": {"bassin": self.lpo.bassin},
            "network": {"network": self.networks["077"]},
            "academie": {"academie": self.academie},
            **{code: {"departement": dep} for code, dep in self.departements.items()},
        }
        self.users = {}
        for username, first, last, roles in STAFF:
            user = User.objects.create(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@ac-creteil.example",
                password=password,
                is_staff=username == "admin",
                is_superuser=username == "admin",
            )
            for index, (role, key) in enumerate(roles):
                RoleAssignment.objects.create(
                    user=user, role=role, is_default=index == 0, **structures[key]
                )
            self.users[username] = user
        network = self.networks["077"]
        network.mlds_coordinator = self.users["mlds.77"]
        network.save(update_fields=["mlds_coordinator"])

    # --- Pupils -----------------------------------------------------------------------------

    def _allocation(self, total: int) -> list[int]:
        """Pupils per school, proportional to the school's size (largest remainder)."""
        weights = [SCHOOL_PROFILES[s.school_type][0] for s in self.schools]
        scale = total / sum(weights)
        raw = [w * scale for w in weights]
        counts = [int(x) for x in raw]
        by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
        for i in by_remainder[: total - sum(counts)]:
            counts[i] += 1
        # The demo LPO has every level and enough exam classes for the re-preparation story,
        # even in a small demo.
        lpo = self.schools.index(self.lpo)
        needed = min(LPO_MINIMUM, total) - counts[lpo]
        while needed > 0:
            donor = max((i for i in range(len(counts)) if i != lpo), key=counts.__getitem__)
            counts[donor] -= 1
            counts[lpo] += 1
            needed -= 1
        return counts

    def _create_pupils(self, total: int):
        counts = self._allocation(total)
        colleges_by_bassin = {}
        for school in self.schools:
            if school.school_type == SchoolType.COLLEGE:
                colleges_by_bassin.setdefault(school.bassin_id, []).append(school)
        self.colleges_by_bassin = colleges_by_bassin
        self.ine_counter = 0
        pending = []
        for school, count in zip(self.schools, counts, strict=True):
            levels, weights = zip(*SCHOOL_PROFILES[school.school_type][2], strict=True)
            for i in range(count):
                # The demo LPO has every level, then enough pupils in exam classes.
                if school is self.lpo and i < len(levels):
                    level = levels[i]
                elif school is self.lpo and i < LPO_MINIMUM:
                    level = EXAM_LEVELS[i % len(EXAM_LEVELS)]
                else:
                    level = self.rng.choices(levels, weights)[0]
                pending.append((school, level))
                if len(pending) >= BATCH:
                    self._write_batch(pending)
                    pending = []
        if pending:
            self._write_batch(pending)

    def _ine(self, apprentice: bool, older: bool) -> str:
        self.ine_counter += 1
        n = self.ine_counter
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        if apprentice:  # NNNNANNNNNL
            return f"{2019 + n // 100000:04d}A{n % 100000:05d}{letters[n % 23]}"
        if older:  # base élèves académique numbers (before the RNIE, 2018)
            return f"{1500000000 + n:010d}{letters[n % 23]}"
        return f"{100000000 + n * 7 % 899999999:09d}{letters[n % 23]}{letters[(n // 23) % 23]}"

    def _write_batch(self, pending):
        # With DEBUG on (make run), Django keeps the text of the last 9,000 queries, and a bulk
        # insert is a large text: forget them at every batch so that memory stays flat.
        reset_queries()
        rng = self.rng
        students, meta = [], []
        for school, level in pending:
            base_age, voie, mef, prefix, _previous, _moved = LEVELS[level]
            if school.school_type == SchoolType.CFA:
                voie = Voie.APPRENTISSAGE
            delay = rng.choices((0, 1, 2), (85, 12, 3))[0]
            birth_year = self.year - base_age - delay
            birth_date = dt.date(birth_year, 1, 1) + dt.timedelta(days=rng.randrange(365))
            sex = rng.choice((Sex.F, Sex.M))
            first = rng.choice(names.FIRST_NAMES_F if sex == Sex.F else names.FIRST_NAMES_M)
            last = rng.choice(names.LAST_NAMES)
            if len(prefix) == 1:
                division = f"{prefix}{'ABCDE'[rng.randrange(5)]}"
            else:
                division = f"{prefix}{rng.randint(1, 4)}"
            commune = school.commune
            students.append(
                Student(
                    public_id=uuid.uuid4(),
                    ine=self._ine(voie == Voie.APPRENTISSAGE, delay == 2 or base_age >= 17),
                    last_name=last,
                    first_name=first,
                    birth_date=birth_date,
                    sex=sex,
                    current_school=school,
                    level=level,
                    mef=mef,
                    division=division,
                    voie=voie,
                    phone=_phone(rng, "07") if base_age >= 15 else "",
                    address=f"{rng.randint(1, 150)} {rng.choice(names.STREETS)}, "
                    f"{self.postcodes.get(commune, '')} {commune}",
                )
            )
            meta.append((school, level, voie, division))
        Student.objects.bulk_create(students, batch_size=1000)
        reps, enrolments = [], []
        start = dt.date(self.year, 9, 1)
        # A few pupils arrived during the year, never after today.
        late_days = (self.today - start).days
        previous_end = dt.date(self.year, 7, 4)
        for student, (school, level, voie, division) in zip(students, meta, strict=True):
            reps.append(self._representative(student, "Mère", first_names=names.FIRST_NAMES_F))
            if rng.random() < 0.8:
                reps.append(self._representative(student, "Père", first_names=names.FIRST_NAMES_M))
            late = late_days >= 20 and rng.random() < 0.04
            enrolments.append(
                Enrolment(
                    student=student,
                    school=school,
                    school_year=self.year,
                    level=level,
                    division=division,
                    voie=voie,
                    entry_date=start + dt.timedelta(days=rng.randint(20, min(120, late_days)))
                    if late
                    else start,
                )
            )
            previous_level, moved = LEVELS[level][4], LEVELS[level][5]
            if previous_level and not late:
                previous_school = school
                if moved:
                    choices = self.colleges_by_bassin.get(school.bassin_id) or [school]
                    previous_school = rng.choice(choices)
                enrolments.append(
                    Enrolment(
                        student=student,
                        school=previous_school,
                        school_year=self.year - 1,
                        level=previous_level,
                        division=f"{LEVELS[previous_level][3]}{rng.randint(1, 4)}",
                        voie=LEVELS[previous_level][1],
                        entry_date=dt.date(self.year - 1, 9, 1),
                        exit_date=previous_end,
                        exit_reason=ExitReason.FIN_CYCLE if moved else "",
                    )
                )
        LegalRepresentative.objects.bulk_create(reps, batch_size=1000)
        Enrolment.objects.bulk_create(enrolments, batch_size=1000)

    def _representative(self, student, relationship, *, first_names) -> LegalRepresentative:
        rng = self.rng
        first = rng.choice(first_names)
        last = student.last_name if rng.random() < 0.85 else rng.choice(names.LAST_NAMES)
        if last == student.last_name and first == student.first_name:
            first = f"{first}-Marie" if relationship == "Mère" else f"{first}-Jean"
        email_name = _ascii_slug(f"{first}.{last}")
        return LegalRepresentative(
            student=student,
            last_name=last,
            first_name=first,
            relationship=relationship,
            phone=_phone(rng, "06"),
            email=f"{email_name}@example.org",
            address=student.address,
        )

    # --- Other apps ------------------------------------------------------------------------

    def _build_apps(self, *, strict: bool):
        for app in DEMO_APPS:
            if importlib.util.find_spec(f"{app}.demo") is None:
                continue
            module = importlib.import_module(f"{app}.demo")
            reset_queries()  # see _write_batch
            started = time.monotonic()
            try:
                with transaction.atomic():
                    module.build(today=self.today, stdout=self.stdout)
            except Exception:
                if strict:
                    raise
                self.stderr.write(f"Démonstration du module {app} en échec (ignorée) :")
                self.stderr.write(traceback.format_exc())
                continue
            self.stdout.write(
                f"Module {app} : démonstration chargée en {time.monotonic() - started:.1f} s."
            )

    def _refresh_figures(self):
        """The steering figures as the periodic task keeps them in production: without them,
        dashboards and the reports API would compute every view live over the académie."""
        from reports.summary import refresh_dropouts

        refresh = refresh_dropouts(full=True)
        self.stdout.write(
            f"Chiffres de pilotage précalculés ({refresh.cells_rewritten} cellules) en "
            f"{refresh.duration_ms / 1000:.1f} s."
        )

    def _print_summary(self):
        """Counted in the database after loading, so it announces only what exists."""
        self.stdout.write("")
        self.stdout.write("La démonstration contient :")
        for label, model_label, lookup in SUMMARY:
            count = apps.get_model(model_label).objects.filter(**lookup).count()
            if count:
                self.stdout.write(f"  {count:>7} {label}")

    def _print_accounts(self):
        self.stdout.write("")
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for username, *_ in STAFF:
            user = self.users[username]
            for assignment in user.role_assignments.select_related(
                "etablissement", "bassin", "network", "departement", "academie"
            ):
                role = assignment.get_role_display()
                self.stdout.write(f"  {username:<16} {role:<45} {assignment.structure_label}")


def _ascii_slug(text: str) -> str:
    """An e-mail local part: accents dropped (léa.françois → lea.francois), spaces as dashes."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "-").replace("'", "")

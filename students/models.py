"""Pupils and young people followed, their representatives and enrolment history."""

import datetime as dt
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from jobs.models import TrackedJob
from territories.enums import Voie

from . import rules
from .enums import ExitReason, LegalStatus, Level, ResponsibilityLevel, Sex
from .validators import validate_ine


class StudentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Pupils whose current school is inside the active role's scope, and those who left
        school (no current school) whose last enrolment was in one of the scope's schools.

        Data minimisation: a member of the commission d'affectation sees only the pupils of
        the dossiers transmitted to it (the rest of the département stays with its schools
        and CIO): the rule is registered by `dossiers` (students.hooks). Aggregate-only roles
        and accounts without a role get nothing.
        """
        from .hooks import pupil_scope

        role = getattr(user, "active_role", None)
        rule = pupil_scope(role.role) if role is not None else None
        if rule is not None:
            return self.filter(rule(user))
        return self.in_scope_of(user)

    def in_scope_of(self, user):
        """The structural rule alone: the pupil's school of record (the current school, or
        for a pupil who left, the school of the last enrolment) lies in the scope. It is what
        an account may match when it imports for its territory."""
        role = getattr(user, "active_role", None)
        if role is None or not role.is_nominative:
            return self.none()
        return self.filter(role.pupil_q())

    def in_age_band(self, band: str, today: dt.date):
        """Age bands by birth date, so the filter uses the index, not a computed age."""
        sixteen_ago = rules.birthday(today, -rules.COMPULSORY_INSTRUCTION_END_AGE)
        eighteen_ago = rules.birthday(today, -rules.MAJORITY_AGE)
        if band == "moins_16":
            return self.filter(birth_date__gt=sixteen_ago)
        if band == "16_18":
            return self.filter(birth_date__lte=sixteen_ago, birth_date__gt=eighteen_ago)
        if band == "majeur":
            return self.filter(birth_date__lte=eighteen_ago)
        return self

    def search(self, text: str):
        return self.filter(name_or_ine_matches(text))


def name_or_ine_matches(text: str, prefix: str = "") -> Q:
    """Every word starts the last name or the first name, or is the INE (lists of pupils,
    dossiers and follow-ups search the pupil the same way; `prefix` reaches the pupil)."""
    q = Q()
    for word in (text or "").split():
        q &= (
            Q(**{f"{prefix}last_name__istartswith": word})
            | Q(**{f"{prefix}first_name__istartswith": word})
            | Q(**{f"{prefix}ine": word.upper()})
        )
    return q


class Student(models.Model):
    """A pupil or a young person followed. The INE may be missing (young people from outside)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ine = models.CharField(
        "INE", max_length=11, unique=True, null=True, blank=True, validators=[validate_ine]
    )
    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100)
    birth_date = models.DateField("date de naissance")
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    address = models.CharField("adresse", max_length=250, blank=True)
    current_school = models.ForeignKey(
        "territories.Etablissement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="students",
        verbose_name="établissement actuel",
        db_index=False,  # the (current_school, last_name, ...) index serves these lookups
    )
    # School of record: the current school, or for a pupil who left, the school of the last
    # enrolment; with its bassin and département. Kept by database triggers (every write
    # path, bulk imports included: migration 0005), read by the scope rule through one
    # index per level.
    record_school = models.ForeignKey(
        "territories.Etablissement", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, db_index=False,
        verbose_name="établissement de rattachement",
    )  # fmt: skip
    record_bassin = models.ForeignKey(
        "territories.Bassin", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, db_index=False, verbose_name="bassin de rattachement",
    )  # fmt: skip
    record_departement = models.ForeignKey(
        "territories.Departement", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, db_index=False,
        verbose_name="département de rattachement",
    )  # fmt: skip
    level = models.CharField("niveau", max_length=10, choices=Level.choices, blank=True)
    mef = models.CharField("code MEF", max_length=11, blank=True)
    division = models.CharField("division", max_length=30, blank=True)
    voie = models.CharField("voie", max_length=20, choices=Voie.choices, blank=True)
    anonymized_at = models.DateTimeField("anonymisé le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    # The history is read per pupil (by id): its copies of the unique and foreign-key columns
    # need no index of their own. The importing account is kept without a database-level
    # foreign key, so that a bulk import does not queue one check per history row (Django
    # still applies SET_NULL if an account is ever deleted).
    history = HistoricalRecords(
        excluded_fields=["updated_at", "record_school", "record_bassin", "record_departement"],
        no_db_index=["ine", "public_id", "current_school"],
        user_db_constraint=False,
    )

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = "élève"
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["current_school", "last_name", "first_name", "id"]),
            models.Index(
                fields=["record_school", "last_name", "first_name", "id"],
                name="student_record_school_order",
            ),
            models.Index(
                fields=["record_bassin", "last_name", "first_name", "id"],
                name="student_record_bassin_order",
            ),
            models.Index(
                fields=["record_departement", "last_name", "first_name", "id"],
                name="student_record_dep_order",
            ),
            models.Index(fields=["last_name", "first_name", "birth_date"]),
            models.Index(fields=["birth_date"]),
        ]

    def __str__(self):
        return self.display_name(self.last_name, self.first_name)

    @staticmethod
    def display_name(last_name: str, first_name: str) -> str:
        return f"{last_name.upper()} {first_name}"

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def has_ine(self) -> bool:
        return bool(self.ine)

    def age_on(self, day: dt.date) -> int:
        return rules.age_on(self.birth_date, day)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    def legal_status_on(self, day: dt.date) -> str:
        age = self.age_on(day)
        if age < rules.COMPULSORY_INSTRUCTION_END_AGE:
            return LegalStatus.COMPULSORY_INSTRUCTION
        if age < rules.OBLIGATION_FORMATION_END_AGE:
            return LegalStatus.OBLIGATION_FORMATION
        return LegalStatus.ADULT

    @property
    def legal_status(self) -> str:
        return self.legal_status_on(timezone.localdate())

    @property
    def legal_status_label(self) -> str:
        return LegalStatus(self.legal_status).label

    def is_adult_on(self, day: dt.date) -> bool:
        return self.age_on(day) >= rules.MAJORITY_AGE

    def letter_recipients(self, day: dt.date | None = None) -> list[dict]:
        """Who receives letters: the representatives of a minor, the young person once adult."""
        day = day or timezone.localdate()
        if self.is_adult_on(day):
            return [{"name": self.full_name, "address": self.address, "email": self.email}]
        return [
            {"name": rep.full_name, "address": rep.address, "email": rep.email}
            for rep in self.representatives.all()
            if rep.is_legal
        ] or [{"name": f"Aux représentants légaux de {self.full_name}", "address": "", "email": ""}]


class LegalRepresentative(models.Model):
    """A person linked to a pupil: SIECLE links any number of them, each with a coded
    relationship (CODE_PARENTE) and a level of responsibility; only level 1 are legal
    representatives (letters go to them)."""

    student = models.ForeignKey(
        Student,
        on_delete=models.CASCADE,
        related_name="representatives",
        verbose_name="élève",
        db_index=False,  # the unique (student, last_name, first_name) index serves it
    )
    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100, blank=True)
    relationship = models.CharField("lien", max_length=50, blank=True)
    relationship_code = models.CharField(
        "code du lien (SIECLE)", max_length=3, blank=True, help_text="CODE_PARENTE : 51 = ASE."
    )
    responsibility_level = models.PositiveSmallIntegerField(
        "niveau de responsabilité",
        choices=ResponsibilityLevel.choices,
        default=ResponsibilityLevel.LEGAL,
    )
    is_priority_contact = models.BooleanField("à contacter en priorité", default=False)
    siecle_person_id = models.CharField("identifiant SIECLE", max_length=20, blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("courriel", blank=True)
    address = models.CharField("adresse", max_length=250, blank=True)
    history = HistoricalRecords(user_db_constraint=False)

    class Meta:
        verbose_name = "représentant"
        verbose_name_plural = "représentants"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "last_name", "first_name"], name="representative_unique"
            )
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_legal(self) -> bool:
        return self.responsibility_level == ResponsibilityLevel.LEGAL

    @property
    def is_ase(self) -> bool:
        """Placed with the aide sociale à l'enfance (SIECLE CODE_PARENTE 51)."""
        return self.relationship_code == ASE_RELATIONSHIP_CODE


# Nomenclature LIENS_PARENTE (SIECLE BEE), see docs: formats §1.5.
ASE_RELATIONSHIP_CODE = "51"
RELATIONSHIP_LABELS = {
    "10": "Mère",
    "20": "Père",
    "37": "Frère ou sœur",
    "38": "Ascendant",
    "39": "Autre membre de la famille",
    "41": "Éducateur",
    "42": "Assistant familial",
    "50": "Tuteur",
    ASE_RELATIONSHIP_CODE: "Aide sociale à l'enfance",
    "70": "Élève lui-même",
    "90": "Autre lien",
}


class SiecleIdentity(models.Model):
    """SIECLE's own pupil id (ELEVE_ID) in one school's database, linked to our pupil.

    It is the key of newcomers whose INE is still pending, and the join key of the
    representatives file; a later export bringing the INE updates the same pupil."""

    school = models.ForeignKey(
        "territories.Etablissement", on_delete=models.CASCADE, verbose_name="établissement"
    )
    eleve_id = models.CharField("ELEVE_ID", max_length=20)
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="siecle_ids", verbose_name="élève"
    )

    class Meta:
        verbose_name = "identifiant SIECLE"
        verbose_name_plural = "identifiants SIECLE"
        constraints = [
            models.UniqueConstraint(fields=["school", "eleve_id"], name="siecle_id_unique")
        ]

    def __str__(self):
        return f"ELEVE_ID {self.eleve_id}"


class Enrolment(models.Model):
    """One school year in one school."""

    student = models.ForeignKey(
        Student,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name="élève",
        db_index=False,  # the unique (student, school, school_year) index serves it
    )
    school = models.ForeignKey(
        "territories.Etablissement",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name="établissement",
    )
    school_year = models.PositiveSmallIntegerField(
        "année scolaire", help_text="Année de la rentrée : 2025 pour 2025-2026."
    )
    level = models.CharField("niveau", max_length=10, choices=Level.choices, blank=True)
    division = models.CharField("division", max_length=30, blank=True)
    voie = models.CharField("voie", max_length=20, choices=Voie.choices, blank=True)
    entry_date = models.DateField("date d'entrée", null=True, blank=True)
    exit_date = models.DateField("date de sortie", null=True, blank=True)
    exit_reason = models.CharField(
        "motif de sortie", max_length=20, choices=ExitReason.choices, blank=True
    )
    exit_motif_code = models.CharField("code motif de sortie (SIECLE)", max_length=3, blank=True)
    exit_source = models.CharField("sortie connue par", max_length=200, blank=True)
    history = HistoricalRecords(no_db_index=["student", "school"], user_db_constraint=False)

    class Meta:
        verbose_name = "inscription"
        ordering = ["-school_year", "-entry_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school", "school_year"], name="enrolment_unique_per_year"
            ),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True)
                | Q(entry_date__isnull=True)
                | Q(exit_date__gte=models.F("entry_date")),
                name="enrolment_exit_after_entry",
            ),
        ]

    def __str__(self):
        return f"{self.school_year}-{self.school_year + 1} — {self.school}"

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}"


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Imports of the schools in the active role's scope, for roles that may import."""
        from .perms import can_write_students

        role = getattr(user, "active_role", None)
        if role is None or not can_write_students(user):
            return self.none()
        return self.filter(Q(created_by=user) | role.school_q("school__"))


class ImportJob(TrackedJob):
    """One uploaded pupil file and its processing, for the progress page and the error report.

    The file itself is deleted once processed (personal data is kept in the pupils only).
    """

    class Status(models.TextChoices):
        PENDING = "en_attente", "En attente"
        VALIDATING = "verification", "Vérification des lignes"
        WRITING = "enregistrement", "Enregistrement"
        DONE = "termine", "Importé"
        REJECTED = "refuse", "Refusé : rien n'a été enregistré"
        FAILED = "echec", "Échec technique : rien n'a été enregistré"

    school = models.ForeignKey(
        "territories.Etablissement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pupil_imports",
        verbose_name="établissement",
    )
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        related_name="pupil_imports",
        verbose_name="déposé par",
    )
    file = models.FileField("fichier", upload_to="imports/eleves/", blank=True)
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.PENDING)
    rows_validated = models.PositiveIntegerField("lignes vérifiées", default=0)
    rows_written = models.PositiveIntegerField("lignes enregistrées", default=0)
    created_count = models.PositiveIntegerField("élèves créés", default=0)
    updated_count = models.PositiveIntegerField("élèves mis à jour", default=0)
    unchanged_count = models.PositiveIntegerField("élèves inchangés", default=0)
    warnings = models.JSONField("avertissements", default=list, blank=True)
    attachments = models.JSONField(
        "fichiers SIECLE", default=list, blank=True, help_text="Noms stockés, dans l'ordre."
    )
    encoding = models.CharField("encodage imposé", max_length=20, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "import d'élèves"
        verbose_name_plural = "imports d'élèves"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_validated__lte=models.F("rows_total")) | Q(rows_total=0),
                name="import_job_validated_within_total",
            ),
        ]

    @property
    def percent(self) -> int:
        """Validation counts for the first half of the bar, writing for the second."""
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, (self.rows_validated + self.rows_written) * 50 // self.rows_total)


class ExitSignalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The MLDS coordinator sees the signals of 16 and over of her départements; the
        IA-DASEN those under 16 of his; the school's staff those of their schools."""
        from accounts.enums import Role
        from accounts.roles import SCHOOL_ROLES

        role = getattr(user, "active_role", None)
        if role is None:
            return self.none()
        if role.role == Role.COORDONNATEUR_MLDS:
            return self.filter(kind=ExitSignal.Kind.MLDS, departement_id__in=role.departement_ids())
        if role.role == Role.IA_DASEN:
            return self.filter(
                kind=ExitSignal.Kind.INSTRUCTION, departement_id__in=role.departement_ids()
            )
        if role.role in SCHOOL_ROLES or role.role == Role.ADMINISTRATEUR:
            return self.filter(role.school_q("school__"))
        return self.none()


class ExitSignal(models.Model):
    """A leaver without a diploma whose exit motif says interruption or end of studies without
    activity: the early, local signal of what SIEI lists months later."""

    class Kind(models.TextChoices):
        MLDS = "mlds", "Repérage MLDS (16 ans et plus)"
        INSTRUCTION = "instruction", "Instruction obligatoire (moins de 16 ans)"

    class Status(models.TextChoices):
        OPEN = "a_traiter", "À traiter"
        FOLLOWED = "suivi", "Suivi MLDS ouvert"
        CLOSED = "clos", "Traité"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="exit_signals", verbose_name="élève"
    )
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="exit_signal", verbose_name="inscription"
    )
    school = models.ForeignKey(
        "territories.Etablissement", on_delete=models.CASCADE, verbose_name="établissement"
    )
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.CASCADE, verbose_name="département"
    )
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.OPEN)
    exit_date = models.DateField("date de sortie")
    motif_code = models.CharField("code motif", max_length=3, blank=True)
    motif_label = models.CharField("motif", max_length=120)
    source = models.CharField("origine", max_length=200)
    created_at = models.DateTimeField("signalé le", auto_now_add=True)
    handled_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, verbose_name="traité par"
    )
    handled_at = models.DateTimeField("traité le", null=True, blank=True)

    objects = ExitSignalQuerySet.as_manager()

    class Meta:
        verbose_name = "signal de sortie sans solution"
        verbose_name_plural = "signaux de sortie sans solution"
        ordering = ["status", "-exit_date", "id"]
        indexes = [models.Index(fields=["departement", "kind", "status"])]

    def __str__(self):
        return f"{self.student} — sortie le {self.exit_date:%d/%m/%Y}"

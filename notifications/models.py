"""Deadlines are data: one row per (case, kind), recomputed whenever the case changes."""

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from workflows.engine import Transition, Workflow
from workflows.models import TransitionLog

from . import registry
from .enums import ClosureKind, ExamKind, ReminderStage, SendState, Zone


class DeadlineQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Deadlines whose case the account may open: the owning app's `visible_to` of the
        case (registered with `registry.register_case`), never a rule of its own."""
        role = getattr(user, "active_role", None)
        if role is None or not role.is_nominative:
            return self.none()
        return self.filter(registry.case_q(user))

    def open(self):
        return self.filter(completed_at__isnull=True)

    def due_by(self, day):
        return self.open().filter(due_date__lte=day)

    def overdue(self, today):
        return self.open().filter(due_date__lt=today)


class Deadline(models.Model):
    kind = models.CharField("échéance", max_length=40, choices=registry.kind_choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    label = models.CharField("libellé", max_length=250)
    url = models.CharField("lien vers le dossier", max_length=300)
    due_date = models.DateField("date d'échéance", db_index=True)
    student = models.ForeignKey(
        "students.Student",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
        verbose_name="élève",
    )
    school = models.ForeignKey(
        "territories.Etablissement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
        verbose_name="établissement",
    )
    departement = models.ForeignKey(
        "territories.Departement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
        verbose_name="département",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deadlines",
        verbose_name="personne en charge",
    )
    completed_at = models.DateTimeField("réalisée le", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = "échéance"
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"], name="deadline_one_per_case_and_kind"
            )
        ]
        indexes = [
            models.Index(
                fields=["due_date"],
                condition=Q(completed_at__isnull=True),
                name="deadline_open_due",
            )
        ]

    def __str__(self):
        return f"{self.label} — {self.due_date:%d/%m/%Y}"


# --- Calendar per académie -------------------------------------------------------------------


class SchoolCalendar(models.Model):
    """One school year, for one académie or for the whole country (académie left empty).

    The one calendar every app reads (through `notifications.calendar`): rentrée, end of
    classes, results day of each exam session, holidays. An académie row overrides the
    national row field by field; a date missing from both falls back to a default and shows
    as a warning on the administrator's dashboard. Editable in the Django admin.
    """

    academie = models.ForeignKey(
        "territories.Academie",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendars",
        verbose_name="académie",
        help_text="Vide : calendrier national, valable pour toute académie sans date propre.",
    )
    school_year = models.PositiveSmallIntegerField(
        "année scolaire", help_text="Année de la rentrée : 2025 pour 2025-2026."
    )
    zone = models.CharField("zone de vacances", max_length=10, choices=Zone.choices, blank=True)
    rentree = models.DateField(
        "date de la rentrée des élèves",
        null=True,
        blank=True,
        help_text="Vide pour une académie : date du calendrier national.",
    )
    end_of_classes = models.DateField(
        "fin des cours",
        null=True,
        blank=True,
        help_text="Jour de la fin des cours (début des vacances d'été) ; vide pour une "
        "académie : date du calendrier national.",
    )
    sans_solution_sweep_date = models.DateField(
        "date du repérage des élèves sans solution",
        null=True,
        blank=True,
        help_text="Vide : une semaine avant la rentrée (hypothèse, domaine §8).",
    )

    class Meta:
        verbose_name = "calendrier scolaire"
        verbose_name_plural = "calendriers scolaires"
        ordering = [models.F("academie").asc(nulls_first=True), "-school_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["academie", "school_year"], name="calendar_one_per_academie_and_year"
            ),
            models.UniqueConstraint(
                fields=["school_year"],
                condition=Q(academie__isnull=True),
                name="calendar_one_national_per_year",
            ),
            models.CheckConstraint(
                condition=Q(school_year__gte=2000, school_year__lte=2100),
                name="calendar_school_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(rentree__isnull=True) | Q(rentree__year=models.F("school_year")),
                name="calendar_rentree_in_its_year",
            ),
            models.CheckConstraint(
                condition=Q(end_of_classes__isnull=True)
                | Q(end_of_classes__year=models.F("school_year") + 1),
                name="calendar_end_of_classes_next_year",
            ),
            models.CheckConstraint(
                condition=Q(academie__isnull=False)
                | Q(rentree__isnull=False, end_of_classes__isnull=False),
                name="calendar_national_row_complete",
            ),
        ]

    def __str__(self):
        where = self.academie if self.academie_id else "Calendrier national"
        return f"{where} — {self.school_year}-{self.school_year + 1}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _forget_calendar()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _forget_calendar()
        return result

    def clean(self):
        errors = {}
        if self.rentree and self.rentree.year != self.school_year:
            errors["rentree"] = (
                f"La rentrée de {self.school_year} doit tomber en {self.school_year}."
            )
        if self.end_of_classes and self.end_of_classes.year != self.school_year + 1:
            errors["end_of_classes"] = (
                f"La fin des cours de l'année {self.school_year}-{self.school_year + 1} doit "
                f"tomber en {self.school_year + 1}."
            )
        if self.academie_id is None and not (self.rentree and self.end_of_classes):
            errors["rentree"] = "Le calendrier national doit donner la rentrée et la fin des cours."
        if errors:
            raise ValidationError(errors)


class ExamSession(models.Model):
    """Results day of one exam's session (4 July 2025 for the bac), national or per académie.

    Session S closes the school year S-1 → S: it belongs to the calendar of school year S-1.
    """

    calendar = models.ForeignKey(
        SchoolCalendar, on_delete=models.CASCADE, related_name="exam_sessions"
    )
    exam = models.CharField("examen", max_length=10, choices=ExamKind.choices)
    session_year = models.PositiveSmallIntegerField("session")
    results_day = models.DateField("publication des résultats")

    class Meta:
        verbose_name = "session d'examen"
        verbose_name_plural = "sessions d'examen"
        ordering = ["results_day"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "exam", "session_year"], name="exam_session_unique"
            ),
            models.CheckConstraint(
                condition=Q(results_day__year=models.F("session_year")),
                name="exam_session_results_in_its_year",
            ),
        ]

    def __str__(self):
        return f"{self.get_exam_display()} {self.session_year} — {self.results_day:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _forget_calendar()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _forget_calendar()
        return result

    def clean(self):
        calendar = getattr(self, "calendar", None)
        if calendar is not None and self.session_year != calendar.school_year + 1:
            raise ValidationError(
                {
                    "session_year": f"Ce calendrier ({calendar.school_year}-"
                    f"{calendar.school_year + 1}) porte la session {calendar.school_year + 1}."
                }
            )
        if self.results_day and self.session_year and self.results_day.year != self.session_year:
            raise ValidationError(
                {
                    "results_day": f"Les résultats de la session {self.session_year} tombent en "
                    f"{self.session_year}."
                }
            )


def _forget_calendar():
    from .calendar import forget

    forget()


class CalendarClosure(models.Model):
    """School holidays (of the académie's zone) and public holidays: days without e-mails."""

    calendar = models.ForeignKey(SchoolCalendar, on_delete=models.CASCADE, related_name="closures")
    kind = models.CharField("type", max_length=10, choices=ClosureKind.choices)
    name = models.CharField("nom", max_length=120)
    start_date = models.DateField("premier jour")
    end_date = models.DateField("dernier jour")

    class Meta:
        verbose_name = "fermeture (vacances, jour férié)"
        verbose_name_plural = "fermetures (vacances, jours fériés)"
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="closure_end_after_start"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y})"


# --- Case state seen by reminders: human actions and suspensions -----------------------------


class CaseActivity(models.Model):
    """The latest human action on a case, bumped by the apps via `record_human_action`."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    last_human_action_at = models.DateTimeField("dernière action humaine")
    last_human_action_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "activité d'un dossier"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="case_activity_one_per_case"
            )
        ]

    def __str__(self):
        return f"Dernière action humaine le {self.last_human_action_at:%d/%m/%Y}"


class SuspensionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(resumed_at__isnull=True)


class Suspension(models.Model):
    """Reminders of one case paused by a person, with a reason, until resumed."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    reason = models.CharField("motif de la suspension", max_length=500)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="suspendu par",
    )
    suspended_at = models.DateTimeField("suspendu le", auto_now_add=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="repris par",
    )
    resumed_at = models.DateTimeField("repris le", null=True, blank=True)
    resume_reason = models.CharField("motif de la reprise", max_length=500, blank=True)

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        verbose_name = "suspension des rappels"
        verbose_name_plural = "suspensions des rappels"
        ordering = ["-suspended_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(resumed_at__isnull=True),
                name="suspension_one_active_per_case",
            ),
            models.CheckConstraint(
                condition=Q(resumed_at__isnull=True) | Q(resumed_by__isnull=False),
                name="suspension_resumed_by_someone",
            ),
        ]

    def __str__(self):
        return f"Rappels suspendus le {self.suspended_at:%d/%m/%Y} : {self.reason}"

    @property
    def is_active(self) -> bool:
        return self.resumed_at is None


# --- Reminders (inbox items) and the daily e-mail digest --------------------------------------


class ReminderQuerySet(models.QuerySet):
    def for_user(self, user):
        """The account's own reminders about cases it may still open (a reminder about a case
        since moved out of its scope is no longer shown)."""
        role = getattr(user, "active_role", None)
        if role is None or not role.is_nominative:
            return self.none()
        return self.filter(recipient=user).filter(registry.case_q(user, "deadline__"))

    def unread(self):
        return self.filter(read_at__isnull=True)


class Reminder(models.Model):
    """One notice to one person about one deadline: an inbox item, e-mailed in a digest.

    Unique per (deadline, stage, due date, recipient), so a sweep that runs twice or dies
    mid-run creates it once. `due_date` is the date the stage counts from: the deadline's
    due date, or the latest human action on the case for kinds that count from it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField("rappel", max_length=20, choices=ReminderStage.choices)
    due_date = models.DateField("date de référence")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name="destinataire",
    )
    academie = models.ForeignKey(
        "territories.Academie",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="académie",
    )
    is_urgent = models.BooleanField("urgent", default=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    read_at = models.DateTimeField("lu le", null=True, blank=True)
    state = models.CharField(
        "envoi par courriel", max_length=12, choices=SendState.choices, default=SendState.PENDING
    )
    digest = models.ForeignKey(
        "Digest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reminders",
        verbose_name="synthèse",
    )

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = "rappel"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "stage", "due_date", "recipient"],
                name="reminder_exactly_once",
            ),
            models.CheckConstraint(
                condition=~Q(state="envoye") | Q(digest__isnull=False),
                name="reminder_sent_in_a_digest",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="reminder_unread"
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(state="en_attente", digest__isnull=True),
                name="reminder_to_email",
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} — {self.deadline.label}"


class Digest(models.Model):
    """The one e-mail a person receives on a day, listing their new reminders.

    State machine in DIGEST_WORKFLOW; the unique (recipient, day) makes "at most one digest
    per person per day" a database fact. Sending holds the row lock until the state is saved.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digests",
        verbose_name="destinataire",
    )
    day = models.DateField("jour")
    state = models.CharField(
        "état", max_length=12, choices=SendState.choices, default=SendState.PENDING
    )
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", null=True, blank=True)
    last_error = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "synthèse quotidienne"
        verbose_name_plural = "synthèses quotidiennes"
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "day"], name="digest_one_per_user_per_day"
            ),
            models.CheckConstraint(
                condition=~Q(state="envoye") | Q(sent_at__isnull=False),
                name="digest_sent_has_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["en_attente", "echec"]),
                name="digest_to_send",
            )
        ]

    def __str__(self):
        return f"Synthèse du {self.day:%d/%m/%Y} pour {self.recipient}"

    @property
    def message_id(self) -> str:
        """Stable Message-ID: a resend after a crash is recognisable as the same message."""
        return f"<synthese-{self.pk}-{self.day:%Y%m%d}@secuparcours>"

    def _transition(self, name: str, *, error: str = "", fields=()):
        """Through the lifecycle engine (DIGEST_WORKFLOW): locked, one log row with the error."""
        DIGEST_WORKFLOW.apply(
            self,
            name,
            by=None,
            changes={field: getattr(self, field) for field in fields},
            log_fields={"error": error[:2000]},
        )

    def mark_sent(self, *, now):
        self.sent_at = now
        self.next_attempt_at = None
        self.last_error = ""
        self._transition("mark_sent", fields=["sent_at", "next_attempt_at", "last_error"])

    def mark_failed(self, *, now, error: str, retry_in_seconds: int | None):
        self.last_error = error[:2000]
        self.next_attempt_at = (
            now + dt.timedelta(seconds=retry_in_seconds) if retry_in_seconds is not None else None
        )
        self._transition(
            "mark_failed", error=error, fields=["last_error", "next_attempt_at", "attempts"]
        )

    def retry_now(self, *, now, by=None):
        """An administrator asks for another try; the next send happens at once."""
        if self.state != SendState.FAILED:
            raise ValidationError("Seule une synthèse en échec peut être relancée.")
        self.next_attempt_at = now
        self.save(update_fields=["next_attempt_at"])

    def cancel(self):
        self.next_attempt_at = None
        self._transition("cancel", fields=["next_attempt_at"])


_WAITING = (SendState.PENDING, SendState.FAILED)


def _digest_wrong_state(transition, current, in_memory) -> str:
    return (
        f"Transition impossible de « {SendState(current).label} » "
        f"vers « {SendState(transition.target).label} »."
    )


# The daily digest's lifecycle (sent by the system, never from a page).
DIGEST_WORKFLOW = Workflow(
    name="digest",
    label="Synthèse quotidienne",
    log_model="notifications.DigestLog",
    log_fk="digest",
    transitions={
        "mark_sent": Transition("Envoyée", _WAITING, SendState.SENT),
        "mark_failed": Transition("Échec d'envoi", _WAITING, SendState.FAILED),
        "cancel": Transition("Annulée", _WAITING, SendState.CANCELLED),
    },
    wrong_state=_digest_wrong_state,
)


class DigestLog(TransitionLog):
    """History of a digest: each state change with its error."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="logs")
    from_state = models.CharField("de", max_length=12, choices=SendState.choices)
    to_state = models.CharField("vers", max_length=12, choices=SendState.choices)
    error = models.TextField("erreur", blank=True)

    class Meta(TransitionLog.Meta):
        verbose_name = "historique d'envoi"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"

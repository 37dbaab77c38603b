"""Exam results as imported from Cyclades (domain.md §4.1, §5)."""

import datetime as dt

from django.db import models
from django.db.models import Q

from notifications.enums import ExamKind

from .. import rules
from ..enums import Exam, ExamOutcome

# Which results day of the calendar each exam follows (the BT's is the baccalauréat's).
CALENDAR_EXAM = {
    Exam.BAC_GENERAL: ExamKind.BAC,
    Exam.BAC_TECHNO: ExamKind.BAC,
    Exam.BAC_PRO: ExamKind.BAC,
    Exam.BT: ExamKind.BAC,
    Exam.BTS: ExamKind.BTS,
    Exam.CAP: ExamKind.CAP,
}


def results_day_for(academie_id, session_year: int, exam: str = Exam.BAC_GENERAL) -> dt.date:
    """Results day of an exam's session in an académie, from the one school calendar."""
    from notifications import calendar

    return calendar.results_day(academie_id, session_year, CALENDAR_EXAM[exam])


def normalize_specialty(text: str) -> str:
    return " ".join((text or "").split()).upper()


class ExamResult(models.Model):
    """One candidate's result at one exam session (Cyclades-like)."""

    student = models.ForeignKey(
        "students.Student",
        on_delete=models.CASCADE,
        related_name="exam_results",
        verbose_name="élève",
    )
    school = models.ForeignKey(
        "territories.Etablissement",
        on_delete=models.PROTECT,
        related_name="exam_results",
        verbose_name="établissement d'origine",
    )
    exam = models.CharField("examen", max_length=20, choices=Exam.choices)
    specialty = models.CharField("série ou spécialité", max_length=120, blank=True)
    session_year = models.PositiveSmallIntegerField("session")
    outcome = models.CharField("résultat", max_length=20, choices=ExamOutcome.choices)
    average = models.DecimalField("moyenne générale", max_digits=4, decimal_places=2, null=True)
    imported_at = models.DateTimeField("importé le", auto_now=True)

    class Meta:
        verbose_name = "résultat d'examen"
        verbose_name_plural = "résultats d'examen"
        ordering = ["-session_year", "exam"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "exam", "session_year"], name="exam_result_once_per_session"
            ),
            models.CheckConstraint(
                condition=Q(average__isnull=True) | Q(average__gte=0, average__lte=20),
                name="exam_result_average_0_20",
            ),
        ]

    def __str__(self):
        return f"{self.exam_label} — session {self.session_year} — {self.get_outcome_display()}"

    @property
    def exam_label(self) -> str:
        label = self.get_exam_display()
        return f"{label} — {self.specialty}" if self.specialty else label

    @property
    def rule(self) -> rules.DiplomaRule:
        return rules.DIPLOMA_RULES[self.exam]


class EpreuveMark(models.Model):
    """One mark per épreuve, with the session in which it was obtained."""

    result = models.ForeignKey(
        ExamResult, on_delete=models.CASCADE, related_name="marks", verbose_name="résultat"
    )
    code = models.CharField("épreuve", max_length=30)
    label = models.CharField("libellé", max_length=120)
    mark = models.DecimalField("note /20", max_digits=4, decimal_places=2, null=True, blank=True)
    session_year = models.PositiveSmallIntegerField("session d'obtention")

    class Meta:
        verbose_name = "note d'épreuve"
        verbose_name_plural = "notes d'épreuves"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["result", "code"], name="epreuve_mark_once"),
            models.CheckConstraint(
                condition=Q(mark__isnull=True) | Q(mark__gte=0, mark__lte=20),
                name="epreuve_mark_0_20",
            ),
        ]

    def __str__(self):
        return f"{self.label} : {self.mark if self.mark is not None else 'absent'}"

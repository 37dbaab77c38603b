import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from dossiers.enums import DossierState, Exam, ExamOutcome, Wish
from dossiers.models import (
    Capacity,
    Commission,
    CommissionSession,
    EpreuveMark,
    ExamResult,
    RepreparationDossier,
)

from ..students.factories import StudentFactory

RESULTS_DAY = dt.date(2025, 7, 4)


class ExamResultFactory(DjangoModelFactory):
    class Meta:
        model = ExamResult

    student = factory.SubFactory(StudentFactory)
    school = factory.SelfAttribute("student.current_school")
    exam = Exam.BAC_PRO
    specialty = "MELEC"
    session_year = 2025
    outcome = ExamOutcome.AJOURNE
    average = Decimal("8.50")

    class Params:
        bac_general = factory.Trait(exam=Exam.BAC_GENERAL, specialty="")
        cap = factory.Trait(exam=Exam.CAP, specialty="CUISINE")


class EpreuveMarkFactory(DjangoModelFactory):
    class Meta:
        model = EpreuveMark

    result = factory.SubFactory(ExamResultFactory)
    code = "FRANCAIS"
    label = "Français"
    mark = Decimal("12")
    session_year = factory.SelfAttribute("result.session_year")


class DossierFactory(DjangoModelFactory):
    """A dossier as the import opens it (state « dossier remis »)."""

    class Meta:
        model = RepreparationDossier

    student = factory.SubFactory(StudentFactory)
    school = factory.SelfAttribute("student.current_school")
    exam_result = factory.SubFactory(ExamResultFactory, student=factory.SelfAttribute("..student"))
    opened_on = RESULTS_DAY
    average = factory.SelfAttribute("exam_result.average")
    below_ten_count = 3

    class Params:
        transmitted = factory.Trait(
            state=DossierState.TRANSMIS_COMMISSION,
            wish=Wish.CHANGEMENT,
            transmitted_on=dt.date(2025, 7, 8),
            proposed_school=factory.SelfAttribute("school"),
            commission_departement=factory.SelfAttribute("school.departement"),
        )
        without_solution = factory.Trait(
            state=DossierState.SANS_SOLUTION, without_solution_on=dt.date(2025, 9, 2)
        )


class CommissionFactory(DjangoModelFactory):
    class Meta:
        model = Commission
        django_get_or_create = ["departement"]


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = CommissionSession

    commission = factory.SubFactory(CommissionFactory)
    date = dt.date(2025, 7, 10)
    place = "DSDEN, salle du conseil"
    members = "Mme Martin, IA-DASEN\nM. Durand, IEN-IO"


class CapacityFactory(DjangoModelFactory):
    class Meta:
        model = Capacity

    commission = factory.SubFactory(CommissionFactory)
    formation = "Terminale professionnelle MELEC"
    places = 2

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from students.enums import ExitReason, Level
from students.models import Enrolment
from territories.enums import Voie

from ..students.factories import StudentFactory


class EnrolmentFactory(DjangoModelFactory):
    """A school year in a school; Traits describe how it ended."""

    class Meta:
        model = Enrolment

    student = factory.SubFactory(StudentFactory, birth_date=dt.date(2007, 3, 1))
    school = factory.SelfAttribute("student.current_school")
    school_year = 2024
    level = Level.SECONDE_PRO
    voie = Voie.PROFESSIONNELLE
    entry_date = factory.LazyAttribute(lambda o: dt.date(o.school_year, 9, 2))

    class Params:
        abandon = factory.Trait(
            exit_date=factory.LazyAttribute(lambda o: dt.date(o.school_year + 1, 2, 10)),
            exit_reason=ExitReason.ABANDON,
        )
        left_for_job = factory.Trait(
            exit_date=factory.LazyAttribute(lambda o: dt.date(o.school_year + 1, 3, 1)),
            exit_reason=ExitReason.EMPLOI,
        )
        unrecorded_exit = factory.Trait(
            exit_date=factory.LazyAttribute(lambda o: dt.date(o.school_year + 1, 1, 15)),
            exit_reason="",
        )
        end_of_cycle = factory.Trait(
            exit_date=factory.LazyAttribute(lambda o: dt.date(o.school_year + 1, 7, 4)),
            exit_reason=ExitReason.FIN_CYCLE,
        )
        to_apprenticeship = factory.Trait(
            exit_date=factory.LazyAttribute(lambda o: dt.date(o.school_year + 1, 1, 5)),
            exit_reason=ExitReason.APPRENTISSAGE,
        )
        general = factory.Trait(level=Level.SECONDE_GT, voie=Voie.GENERALE)

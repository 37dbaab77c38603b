import datetime as dt

import factory
from factory.django import DjangoModelFactory

from prevention.enums import DerogatoireStatus, GpdsDecision
from prevention.models import (
    AbsenceRecord,
    Derogatoire,
    DerogatoireObjective,
    GpdsMeeting,
    GpdsReview,
    Pafi,
    Tdo,
)
from students.enums import Level
from territories.enums import Voie

from ..students.factories import StudentFactory


class CollegienFactory(StudentFactory):
    """A pupil in 4e who turns 16 during the 2025-2026 school year."""

    level = Level.QUATRIEME
    voie = Voie.COLLEGE
    division = "4B"
    birth_date = dt.date(2010, 1, 20)


class AbsenceFactory(DjangoModelFactory):
    class Meta:
        model = AbsenceRecord

    student = factory.SubFactory(CollegienFactory)
    school = factory.SelfAttribute("student.current_school")
    month = dt.date(2025, 10, 1)
    half_days_missed = 2
    half_days_unjustified = 0


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = GpdsMeeting

    date = dt.date(2025, 11, 6)
    members = "Mme Leroy, CPE\nM. Nguyen, professeur principal\nMme Roux, PsyEN"


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = GpdsReview

    meeting = factory.SubFactory(MeetingFactory)
    student = factory.SubFactory(CollegienFactory)
    decision = GpdsDecision.WATCH
    in_charge = "Mme Leroy"
    next_review_on = dt.date(2025, 12, 4)


class PafiFactory(DjangoModelFactory):
    class Meta:
        model = Pafi

    student = factory.SubFactory(CollegienFactory)
    school = factory.SelfAttribute("student.current_school")
    planned_start = dt.date(2025, 11, 17)
    planned_end = dt.date(2026, 6, 30)
    objectives = "Reprendre un rythme régulier"
    activities = "Stage associatif deux jours par semaine"
    referent = "M. Nguyen"


class DerogatoireFactory(DjangoModelFactory):
    class Meta:
        model = Derogatoire
        skip_postgeneration_save = True

    student = factory.SubFactory(CollegienFactory)
    school = factory.SelfAttribute("student.current_school")
    level = factory.SelfAttribute("student.level")
    planned_start = dt.date(2025, 11, 17)
    planned_end = dt.date(2026, 6, 30)
    exempted_teachings = "Deuxième langue vivante, technologie"
    alternation = "Lundi et mardi au collège, mercredi à vendredi au LP Gustave Eiffel"
    referent = "M. Nguyen"

    class Params:
        signed = factory.Trait(
            signed_by_young_on=dt.date(2025, 11, 10),
            signed_by_family_on=dt.date(2025, 11, 10),
            signed_by_head_on=dt.date(2025, 11, 10),
        )
        transmitted = factory.Trait(
            signed=True,
            status=DerogatoireStatus.TRANSMITTED,
            transmitted_at=factory.LazyFunction(
                lambda: dt.datetime(2025, 11, 12, 10, tzinfo=dt.UTC)
            ),
        )

    @factory.post_generation
    def objectives(obj, create, extracted, **kwargs):
        if create:
            DerogatoireObjective.objects.create(
                path=obj, text="Assiduité complète au collège", deadline=dt.date(2026, 1, 31)
            )


class TdoFactory(DjangoModelFactory):
    class Meta:
        model = Tdo

    student = factory.SubFactory(StudentFactory)
    school = factory.SelfAttribute("student.current_school")
    proposed_on = dt.date(2025, 11, 3)

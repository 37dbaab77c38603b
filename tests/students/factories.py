import datetime as dt

import factory
from factory.django import DjangoModelFactory

from students.enums import Level
from students.models import Enrolment, LegalRepresentative, Student
from territories.enums import Voie

from ..territories.factories import EtablissementFactory


class StudentFactory(DjangoModelFactory):
    class Meta:
        model = Student

    ine = factory.Sequence(lambda n: f"{n:09d}AB")
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    birth_date = dt.date(2007, 5, 12)
    sex = "F"
    current_school = factory.SubFactory(EtablissementFactory)
    level = Level.TERMINALE_PRO
    voie = Voie.PROFESSIONNELLE
    division = "TPRO-A"

    class Params:
        without_ine = factory.Trait(ine=None)
        collegien = factory.Trait(
            level=Level.QUATRIEME, voie=Voie.COLLEGE, division="4A", birth_date=dt.date(2011, 3, 1)
        )


class LegalRepresentativeFactory(DjangoModelFactory):
    class Meta:
        model = LegalRepresentative

    student = factory.SubFactory(StudentFactory)
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    relationship = "Mère"
    email = factory.Faker("email", locale="fr_FR")
    address = "12 rue des Écoles, 77000 Melun"


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    student = factory.SubFactory(StudentFactory)
    school = factory.SelfAttribute("student.current_school")
    school_year = 2025
    level = factory.SelfAttribute("student.level")

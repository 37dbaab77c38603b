import datetime as dt

import factory
from factory.django import DjangoModelFactory

from mlds.enums import PartnerType
from mlds.models import PaqiSite, Partner, PartnerContact

from ..students.factories import StudentFactory
from ..territories.factories import DepartementFactory


class YoungPersonFactory(StudentFactory):
    """A young person of the MLDS public: 19 years old on 15 October 2025, left school."""

    birth_date = dt.date(2006, 3, 10)

    class Params:
        without_school = factory.Trait(current_school=None, ine=None)
        minor = factory.Trait(birth_date=dt.date(2009, 1, 20))
        too_young = factory.Trait(birth_date=dt.date(2010, 11, 2))
        too_old = factory.Trait(birth_date=dt.date(2000, 1, 5))


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Mission locale {n}")
    partner_type = PartnerType.MISSION_LOCALE
    departement = factory.SubFactory(DepartementFactory)
    psad = "PSAD de Melun"
    territory = "Melun, Dammarie-lès-Lys"
    email = factory.Sequence(lambda n: f"contact{n}@partenaire.fr")

    class Params:
        e2c = factory.Trait(
            partner_type=PartnerType.E2C, name=factory.Sequence(lambda n: f"E2C {n}")
        )
        cfa = factory.Trait(
            partner_type=PartnerType.CFA, name=factory.Sequence(lambda n: f"CFA {n}")
        )


class PartnerContactFactory(DjangoModelFactory):
    class Meta:
        model = PartnerContact

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Faker("name", locale="fr_FR")
    function = "Conseillère"


class PaqiSiteFactory(DjangoModelFactory):
    class Meta:
        model = PaqiSite

    name = factory.Sequence(lambda n: f"PAQI {n}")
    departement = factory.SubFactory(DepartementFactory)

import factory
from factory.django import DjangoModelFactory

from territories.enums import SchoolType
from territories.models import CIO, Academie, Bassin, Departement, Etablissement, RegionAcademique
from territories.validators import uai_key


def make_uai(departement_code: str, n: int) -> str:
    digits = f"{departement_code}{n % 10000:04d}"
    return digits + uai_key(digits)


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = RegionAcademique
        django_get_or_create = ["code"]

    code = "IDF"
    name = "Île-de-France"


class AcademieFactory(DjangoModelFactory):
    class Meta:
        model = Academie
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"A{n:02d}")
    name = factory.Sequence(lambda n: f"Académie {n}")
    region = factory.SubFactory(RegionFactory)


class DepartementFactory(DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{(n % 95) + 1:03d}")
    name = factory.Sequence(lambda n: f"Département {n}")
    academie = factory.SubFactory(AcademieFactory)


class BassinFactory(DjangoModelFactory):
    class Meta:
        model = Bassin

    code = factory.Sequence(lambda n: f"B{n:04d}")
    name = factory.Sequence(lambda n: f"Bassin {n}")
    departement = factory.SubFactory(DepartementFactory)


class CIOFactory(DjangoModelFactory):
    class Meta:
        model = CIO

    name = factory.Sequence(lambda n: f"CIO {n}")
    bassin = factory.SubFactory(BassinFactory)
    uai = factory.LazyAttributeSequence(lambda o, n: make_uai(o.bassin.departement.code, 9000 + n))


class EtablissementFactory(DjangoModelFactory):
    class Meta:
        model = Etablissement

    name = factory.Sequence(lambda n: f"Lycée {n}")
    school_type = SchoolType.LPO
    commune = factory.Faker("city", locale="fr_FR")
    bassin = factory.SubFactory(BassinFactory)
    departement = factory.LazyAttribute(lambda o: o.bassin.departement)
    uai = factory.LazyAttributeSequence(lambda o, n: make_uai(o.bassin.departement.code, n))
    voie_generale = True
    voie_technologique = True
    voie_professionnelle = True

    class Params:
        college = factory.Trait(
            school_type=SchoolType.COLLEGE,
            voie_generale=False,
            voie_technologique=False,
            voie_professionnelle=False,
            name=factory.Sequence(lambda n: f"Collège {n}"),
        )
        lp = factory.Trait(
            school_type=SchoolType.LP,
            voie_generale=False,
            voie_technologique=False,
            name=factory.Sequence(lambda n: f"Lycée professionnel {n}"),
        )

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from foquale.enums import ActionKind, Axis, CallStatus, ProjectStatus
from foquale.models import CallForProjects, Project, RemediationAction
from territories.enums import PartnerKind
from territories.models import Partner

from ..accounts.factories import UserFactory


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Mission locale {n}")
    kind = PartnerKind.MISSION_LOCALE


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = RemediationAction

    title = factory.Sequence(lambda n: f"Module de remobilisation {n}")
    kind = ActionKind.REMOBILISATION
    places = 3
    start_date = dt.date(2025, 9, 15)
    end_date = dt.date(2026, 6, 30)

    class Params:
        ended = factory.Trait(start_date=dt.date(2024, 9, 1), end_date=dt.date(2025, 1, 31))


class CallFactory(DjangoModelFactory):
    class Meta:
        model = CallForProjects

    title = "Appel à projets décrochage 2025"
    axes = factory.LazyFunction(lambda: [Axis.REMOBILISATION, Axis.LIENS_ENTREPRISES])
    closes_on = dt.date(2025, 11, 30)
    created_by = factory.SubFactory(UserFactory)

    class Params:
        opened = factory.Trait(status=CallStatus.OPEN)


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    call = factory.SubFactory(CallFactory)
    title = factory.Sequence(lambda n: f"Projet {n}")
    axis = Axis.REMOBILISATION
    summary = "Ateliers hebdomadaires avec la mission locale."
    created_by = factory.SubFactory(UserFactory)

    class Params:
        submitted = factory.Trait(
            status=ProjectStatus.SUBMITTED,
            submitted_at=dt.datetime(2025, 9, 30, 10, 0, tzinfo=dt.UTC),
        )

"""Demo: partners and an offer of remediation actions for the Melun network (responsable
« foquale »), a few pupils referred by the demo LPO, and an open call for projects (opened by
« pilote ») with a project submitted by « chef.lycee »."""

import datetime as dt

from accounts.models import User
from students.models import Student
from territories.enums import PartnerKind
from territories.models import Network, Partner

from .enums import ActionKind, Axis
from .models import CallForProjects, Project, RemediationAction
from .services import refer_student

PARTNERS = [
    ("Mission locale de Melun", PartnerKind.MISSION_LOCALE, "Mme Lefèvre"),
    ("E2C Seine-et-Marne", PartnerKind.E2C, "M. Caron"),
    ("CFA interprofessionnel de Melun", PartnerKind.CFA, "Mme Royer"),
    ("GRETA 77", PartnerKind.GRETA, "M. Faure"),
]


def build(*, today: dt.date, stdout) -> None:
    network = Network.objects.filter(head_school__departement__code="077").first()
    pilot = User.objects.filter(username="pilote").first()
    chef = User.objects.filter(username="chef.lycee").first()
    referent = User.objects.filter(username="referent.lycee").first()
    if network is None or pilot is None or chef is None:
        stdout.write("FoQualE : réseau ou comptes de démonstration absents, rien de créé.")
        return
    partners = [
        Partner.objects.get_or_create(name=name, defaults={"kind": kind, "contact_name": who})[0]
        for name, kind, who in PARTNERS
    ]
    network.partners.add(*partners)
    start = today + dt.timedelta(days=14)
    specs = [
        (
            "Parcours de remobilisation « Cap avenir »",
            ActionKind.REMOBILISATION,
            partners[0],
            12,
            70,
        ),
        ("Module de raccrochage en LGT", ActionKind.MODULE_RACCROCHAGE, None, 8, 45),
        ("Découverte des métiers du bâtiment", ActionKind.DECOUVERTE_METIERS, partners[2], 6, 30),
        (
            "Stage de remise à niveau (français, maths)",
            ActionKind.REMISE_A_NIVEAU,
            partners[3],
            4,
            20,
        ),
    ]
    actions = [
        RemediationAction.objects.create(
            network=network,
            title=title,
            kind=kind,
            partner=partner,
            places=places,
            host_school=network.head_school,
            start_date=start,
            end_date=start + dt.timedelta(days=days),
            description="Action de l'offre de remédiation du réseau, ouverte aux élèves des "
            "établissements membres sur proposition de l'équipe.",
        )
        for title, kind, partner, places, days in specs
    ]
    pupils = list(
        Student.objects.filter(
            current_school=network.head_school, level__in=["2PRO", "1PRO"]
        ).order_by("id")[:7]
    )
    for n, pupil in enumerate(pupils):
        action = actions[0] if n < 3 else actions[3]
        if action.places > action.referrals.count():
            refer_student(action=action, student=pupil, by=referent or chef, today=today)

    call = CallForProjects.objects.create(
        academie=network.head_school.departement.academie,
        title=f"Appel à projets « Persévérance scolaire » {today.year}",
        description="Projets pédagogiques au bénéfice des élèves les plus fragiles ou "
        "déscolarisés, portés par les établissements des réseaux FoQualE.",
        axes=[a.value for a in Axis],
        closes_on=today + dt.timedelta(days=30),
        created_by=pilot,
    )
    call.open(by=pilot, today=today)
    project = Project.objects.create(
        call=call,
        school=network.head_school,
        title="Atelier « Raccroche-toi » avec la mission locale",
        axis=Axis.REMOBILISATION,
        summary="Ateliers hebdomadaires de remobilisation pour 15 élèves de seconde "
        "professionnelle repérés par le GPDS, co-animés avec la mission locale.",
        pupils_expected=15,
        budget_requested=4500,
        created_by=chef,
    )
    project.submit(by=chef, today=today)
    stdout.write(
        f"FoQualE : {len(actions)} actions, {len(pupils)} orientations, un appel à projets "
        "ouvert avec un projet déposé."
    )

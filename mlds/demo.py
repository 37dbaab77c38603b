"""Demo MLDS caseload in Seine-et-Marne (077): partners, follow-ups at every step, one
Parcours Ambition emploi and one droit au retour request. Built through the real methods."""

import datetime as dt

from django.core.exceptions import ValidationError

from accounts.enums import Role
from accounts.models import User
from students.models import Student
from territories.models import Departement

from . import rules
from .enums import (
    AmbitionEmploiDiploma,
    ClosureReason,
    FollowUpOutcome,
    FollowUpSource,
    PartnerType,
    SolutionType,
)
from .identity import find_or_create_young_person
from .models import PaqiSite, Partner, PartnerContact
from .services import open_droit_retour, open_follow_up, propose_ambition_emploi

PARTNERS = [
    ("Mission locale de Melun Val de Seine", PartnerType.MISSION_LOCALE, "Melun, Dammarie-lès-Lys"),
    ("Mission locale du Bassin Chellois", PartnerType.MISSION_LOCALE, "Chelles, Lagny"),
    ("E2C Seine-et-Marne", PartnerType.E2C, "Département"),
    ("EPIDE de Meaux", PartnerType.EPIDE, "Meaux et Nord 77"),
    ("CFA BTP de Seine-et-Marne", PartnerType.CFA, "Département"),
    ("GRETA MTI 77", PartnerType.GRETA, "Département"),
    ("Unis-Cité Melun", PartnerType.SERVICE_CIVIQUE, "Melun"),
    ("France Travail Melun", PartnerType.OPERATEUR_EMPLOI, "Melun"),
]
NEW_YOUNG_PEOPLE = [
    ("Traoré", "Moussa", dt.date(2005, 4, 12)),
    ("Lemaire", "Jade", dt.date(2004, 9, 30)),
    ("Nguyen", "Kevin", dt.date(2003, 1, 8)),
    ("Bouzid", "Sarah", dt.date(2006, 11, 21)),
    ("Petit", "Enzo", dt.date(2002, 6, 2)),
]


def build(*, today: dt.date, stdout) -> None:
    dep = Departement.objects.filter(code="077").first()
    coordinator = User.objects.filter(
        role_assignments__role=Role.COORDONNATEUR_MLDS, role_assignments__departement=dep
    ).first()
    if dep is None or coordinator is None:
        stdout.write("MLDS : département 077 ou coordonnateur absent, rien à créer.")
        return
    chef = User.objects.filter(username="chef.lycee").first()
    partners = {}
    for name, kind, territory in PARTNERS:
        partner, _ = Partner.objects.get_or_create(
            departement=dep,
            partner_type=kind,
            name=name,
            defaults={
                "psad": "PSAD Sud Seine-et-Marne",
                "territory": territory,
                "email": "contact@" + name.lower().split()[0].replace("é", "e") + ".example.org",
            },
        )
        PartnerContact.objects.get_or_create(
            partner=partner, name="Référent décrochage", defaults={"function": "Conseiller"}
        )
        partners.setdefault(kind, partner)
    paqi, _ = PaqiSite.objects.get_or_create(
        departement=dep, name="PAQI de Melun", defaults={"commune": "Melun"}
    )

    # Pupils of 077 aged 16 to 24, oldest first (those leaving school), plus young people
    # unknown to the schools, as on a SIEI list.
    pupils = list(
        Student.objects.filter(
            current_school__departement=dep,
            birth_date__lte=rules.birthday(today, -17),
            birth_date__gt=rules.birthday(today, -rules.FOLLOW_UP_END_AGE()),
        )
        .filter(mlds_follow_ups__isnull=True)
        .select_related("current_school")
        .order_by("birth_date", "id")[:24]
    )
    for last, first, birth in NEW_YOUNG_PEOPLE:
        young, _ = find_or_create_young_person(
            ine=None, last_name=last, first_name=first, birth_date=birth, phone="06 12 34 56 78"
        )
        pupils.append(young)
    signal_day = today - dt.timedelta(days=45)
    day = today - dt.timedelta(days=30)
    plan = [
        "signale",
        "signale_late",
        "injoignable",
        "contacte",
        "bilan",
        "proposee",
        "en_solution",
        "transition",
        "issue",
        "clos",
    ]
    count = 0
    for i, student in enumerate(pupils):
        step = plan[i % len(plan)]
        source = [
            FollowUpSource.SIEI,
            FollowUpSource.SIGNALEMENT_ETABLISSEMENT,
            FollowUpSource.REPREPA_SANS_SOLUTION,
            FollowUpSource.GPDS,
            FollowUpSource.AUTO_SAISINE,
        ][i % 5]
        fu = open_follow_up(
            student=student,
            source=source,
            by=coordinator,
            departement=dep,
            note="Sorti sans diplôme en juin" if i % 2 else "",
            today=signal_day if step != "signale" else today,
        )
        count += 1
        if i % 3:
            fu.assign(by=coordinator, coordinator=coordinator)
        elif i % 7 == 0:
            fu.assign(by=coordinator, paqi_site=paqi)
        if step in ("signale", "signale_late"):
            continue
        if step == "injoignable":
            fu.record_contact(by=coordinator, on=day, channel="telephone", reached=False)
            fu.record_contact(by=coordinator, on=day, channel="courrier", reached=False)
            continue
        fu.record_contact(by=coordinator, on=day, channel="telephone", reached=True)
        if step == "contacte":
            continue
        fu.record_bilan(
            by=coordinator,
            on=day,
            situation="Sans activité depuis la fin de l'année scolaire.",
            wishes="Trouver une formation qualifiante courte.",
            obstacles="Mobilité (pas de permis).",
        )
        if step == "bilan":
            continue
        kind = [SolutionType.E2C, SolutionType.APPRENTISSAGE, SolutionType.MISSION_LOCALE][i % 3]
        partner = {
            SolutionType.E2C: partners[PartnerType.E2C],
            SolutionType.APPRENTISSAGE: partners[PartnerType.CFA],
            SolutionType.MISSION_LOCALE: partners[PartnerType.MISSION_LOCALE],
        }[kind]
        fu.propose_solution(by=coordinator, solution_type=kind, partner=partner, on=day)
        if step == "proposee":
            continue
        fu.take_solution(by=coordinator, start_on=day)
        if step == "en_solution":
            continue
        fu.record_joint_review(
            by=coordinator, on=today - dt.timedelta(days=10), note="Assidu, bonne intégration."
        )
        if step == "transition":
            continue
        fu.record_outcome(by=coordinator, outcome=FollowUpOutcome.FORMATION_PRO)
        if step == "clos":
            fu.close(by=coordinator, reason=ClosureReason.SOLUTION_CONSOLIDEE)

    # One Parcours Ambition emploi for a CAP leaver of the demo lycée, started at the rentrée.
    leaver = next((p for p in pupils if p.current_school_id), None)
    if leaver is not None:
        try:
            parcours = propose_ambition_emploi(
                student=leaver,
                by=chef or coordinator,
                diploma=AmbitionEmploiDiploma.CAP,
                is_volunteer=True,
                objectives="Préparer l'entrée dans l'emploi en restauration.",
                partners=[
                    partners[PartnerType.MISSION_LOCALE],
                    partners[PartnerType.OPERATEUR_EMPLOI],
                ],
                follow_up=leaver.mlds_follow_ups.first(),
                origin="Dossier de re-préparation (démonstration)",
                today=today,
            )
            if parcours.status == "propose":
                parcours.accept(by=coordinator)
                start = parcours.start_window[0]
                parcours.start(
                    by=coordinator,
                    start_date=start,
                    planned_end_date=rules.ambition_emploi_latest_end(start),
                )
        except ValidationError as exc:
            # Between the end of classes and the next results day no parcours can start.
            stdout.write(f"MLDS : pas de Parcours Ambition emploi ce jour ({exc.messages[0]})")
    # One droit au retour request, interview due within 15 days.
    young, _ = find_or_create_young_person(
        ine=None, last_name="Da Silva", first_name="Lina", birth_date=dt.date(2001, 12, 5)
    )
    open_droit_retour(
        student=young,
        by=coordinator,
        channel="cio",
        requested_on=today - dt.timedelta(days=3),
        highest_diploma="dnb",
        departement=dep,
    )
    stdout.write(
        f"MLDS : {len(PARTNERS)} partenaires, {count} suivis, 1 Parcours Ambition emploi, "
        "1 demande de droit au retour."
    )

"""Demo: the last session's results for the LPO of chef.lycee and two schools of its bassin,
dossiers in every state, capacities and one commission session in the LPO's département, with
two assignments proposed and awaiting the IA-DASEN's pronouncement."""

import datetime as dt
import random

from accounts.models import User
from notifications import calendar
from students.enums import Level
from students.models import Student
from territories.models import Etablissement

from . import services
from .enums import DecisionOutcome, DossierState, ExamOutcome, OtherRoute, TrailKind, Wish
from .importer import import_results
from .models import (
    AccompanimentEntry,
    Capacity,
    CommissionSession,
    RepreparationDossier,
)

LEVEL_EXAM = {
    Level.TERMINALE_PRO: ("bac_pro", "MELEC", ["FRANCAIS", "MATHS", "HG_EMC", "EP_PRO", "PSE"]),
    Level.TERMINALE_G: ("bac_general", "", ["FRANCAIS_ECRIT", "SPE1", "SPE2", "PHILO", "HG"]),
    Level.TERMINALE_T: ("bac_techno", "STMG", ["FRANCAIS_ECRIT", "SPE1", "SPE2", "PHILO", "HG"]),
    Level.CAP2: ("cap", "CUISINE", ["EP1", "EP2", "FRANCAIS_HG", "MATHS_SCI", "PSE"]),
}


def _user(username):
    return User.objects.filter(username=username).first()


def _mark(rng, failing: bool) -> str:
    value = rng.uniform(3, 11) if failing else rng.uniform(9, 17)
    return f"{value:.1f}".replace(".", ",")


def build(*, today: dt.date, stdout) -> None:
    rng = random.Random(77)
    chef = _user("chef.lycee")
    if chef is None or not chef.roles:
        return
    lpo = chef.roles[0].etablissement
    academie_id = lpo.departement.academie_id
    session_year = calendar.last_session_year(academie_id, today)
    results_day = calendar.results_day(academie_id, session_year)
    # The story happens in the days after results day, whatever the date of the demo.
    story = min(today, results_day + dt.timedelta(days=12))
    others = list(
        Etablissement.objects.filter(bassin_id=lpo.bassin_id, school_type__in=["lp", "lpo", "lgt"])
        .exclude(pk=lpo.pk)
        .order_by("id")[:2]
    )
    lines = []
    for school, count in [(lpo, 30), *[(s, 8) for s in others]]:
        pupils = Student.objects.filter(
            current_school=school, level__in=list(LEVEL_EXAM), ine__isnull=False
        ).order_by("id")[:count]
        for i, pupil in enumerate(pupils):
            exam, specialty, codes = LEVEL_EXAM[pupil.level]
            failing = i % 3 != 2  # two ajournés out of three in the demo
            marks = [_mark(rng, failing) for _ in codes]
            average = sum(float(m.replace(",", ".")) for m in marks) / len(marks)
            outcome = ExamOutcome.AJOURNE if failing else ExamOutcome.ADMIS
            header_marks = ";".join(f"note_{c}" for c in codes)
            lines.append(
                (
                    header_marks,
                    f"{pupil.ine};{exam};{specialty};{session_year};{outcome};"
                    f"{average:.2f}".replace(".", ",")
                    + ";"
                    + ";".join(marks),
                )
            )
    if not lines:
        return
    # One file per column layout (épreuves differ by exam).
    opened = 0
    for header in sorted({h for h, _ in lines}):
        body = "\n".join(row for h, row in lines if h == header)
        text = f"ine;examen;serie_specialite;session;resultat;moyenne;{header}\n{body}\n"
        report = import_results(text.encode(), by=chef, today=story)
        if not report.ok:
            stdout.write(f"Résultats de démonstration refusés : {report.errors[:3]}")
            return
        opened += report.dossiers_opened
    _advance(lpo, chef, story, rng)
    stdout.write(
        f"Re-préparation : {opened} dossiers d'élèves ajournés (session {session_year}), "
        "une séance de commission."
    )


def _advance(lpo, chef, story, rng):
    dossiers = list(
        RepreparationDossier.objects.filter(school=lpo, state=DossierState.REMIS)
        .select_related("school", "student", "exam_result")
        .by_priority()
    )
    if len(dossiers) < 14:
        return
    day = story - dt.timedelta(days=2)
    held_on = max(dossiers[0].opened_on, story - dt.timedelta(days=3))
    receiving = list(
        Etablissement.objects.filter(
            departement_id=lpo.departement_id, school_type__in=["lp", "lpo", "lgt"]
        )
        .exclude(pk=lpo.pk)
        .order_by("id")[:3]
    )
    commission = services.commission_for(lpo.departement)
    capacities = [
        Capacity.objects.get_or_create(
            school=school,
            formation=formation,
            defaults={"commission": commission, "places": places},
        )[0]
        for school, formation, places in zip(
            receiving,
            ["Terminale professionnelle MELEC", "Terminale générale", "Terminale STMG"],
            [3, 2, 1],
            strict=False,
        )
    ]
    AccompanimentEntry.objects.bulk_create(
        [
            AccompanimentEntry(
                dossier=d,
                kind=TrailKind.INVITATION,
                channel="courrier",
                occurred_on=d.opened_on,
                note="Remise du dossier et invitation à l'entretien",
                recorded_by=chef,
            )
            for d in dossiers
        ]
    )

    def entretien(d):
        d.record_entretien(
            by=chef,
            held_on=held_on,
            participants="L'élève, un représentant légal, le proviseur adjoint",
            expectations="Obtenir le diplôme à la prochaine session",
            needs="Remise à niveau dans les épreuves sous 10/20",
            options="Réinscription, établissement de proximité, Parcours Ambition emploi",
            today=story,
        )

    # Planned entretiens, contact impossible, and entretiens held.
    dossiers[0].plan_entretien(by=chef, on=story + dt.timedelta(days=2), today=story)
    d = dossiers[1]
    AccompanimentEntry.objects.create(
        dossier=d,
        kind=TrailKind.CONTACT,
        channel="telephone",
        occurred_on=day,
        reached=False,
        recorded_by=chef,
    )
    d.mark_contact_impossible(by=chef, comment="Trois appels sans réponse")
    for d in dossiers[2:12]:
        entretien(d)
    # Re-enrolled in the school of origin, one with the family informed.
    for d in dossiers[2:4]:
        d.express_wish(by=chef, wish=Wish.REINSCRIPTION_ORIGINE)
        d.reenrol(by=chef, today=story)
    dossiers[2].inform_family(by=chef, on=story, channel="courrier", today=story)
    # Other route, and a refusal.
    dossiers[4].express_wish(by=chef, wish=Wish.AUTRE_VOIE, other_route=OtherRoute.AMBITION_EMPLOI)
    dossiers[4].orient_elsewhere(by=chef, today=story)
    dossiers[5].express_wish(by=chef, wish=Wish.REFUS, note="Souhaite entrer dans la vie active")
    # Changes of school transmitted to the commission.
    transmitted = dossiers[6:11]
    for d in transmitted:
        d.express_wish(by=chef, wish=Wish.CHANGEMENT)
        if receiving:
            d.transmit_to_commission(
                by=chef,
                proposed_school=rng.choice(receiving),
                requested_formation="Terminale — re-préparation de l'examen",
                today=story,
            )
    dossiers[11].express_wish(by=chef, wish=Wish.REINSCRIPTION_ORIGINE)
    # Two pupils end up without solution (handed over or to hand over to the MLDS).
    for d in dossiers[12:14]:
        d.declare_without_solution(by=chef, comment="Aucune inscription confirmée", today=story)

    dasen = _user("dasen.77") if lpo.departement.code == "077" else None
    session = CommissionSession.objects.create(
        commission=commission,
        date=story,
        place="DSDEN, salle du conseil",
        members="M. Olivier Garnier, IA-DASEN\nMme Isabelle Fontaine, IEN-IO\n"
        "M. Patrick Lemoine, membre de la commission",
        created_by=dasen,
    )
    if dasen is None or not capacities or not receiving:
        return
    services.decide(
        session=session,
        dossier=transmitted[0],
        outcome=DecisionOutcome.AFFECTE,
        capacity=capacities[0],
        by=dasen,
    )
    services.decide(
        session=session,
        dossier=transmitted[1],
        outcome=DecisionOutcome.LISTE_ATTENTE,
        capacity=capacities[-1],
        reason="Place à confirmer par l'établissement d'accueil dans la formation demandée",
        by=dasen,
    )
    # A second proposal: both await the IA-DASEN's pronouncement on the session's page.
    member = _user("commission.77") or dasen
    services.decide(
        session=session,
        dossier=transmitted[2],
        outcome=DecisionOutcome.AFFECTE,
        capacity=capacities[0],
        by=member,
    )

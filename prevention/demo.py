"""Demo: absences for the demo collège and LPO (some pupils flagged), a GPDS meeting, a
dérogatoire path awaiting the IA-DASEN (dasen.77), a PAFI awaiting the IEN-IO and a running TDO."""

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from students.models import Student

from . import rules, services
from .enums import GpdsDecision
from .models import AbsenceRecord, Flag

EXPECTED = 36


def _month_starts(today: dt.date, count: int) -> list[dt.date]:
    month = today.replace(day=1)
    months = [month]
    for _ in range(count - 1):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    return sorted(months)


def _user(username):
    return User.objects.filter(username=username).first()


def _school_of(username):
    user = _user(username)
    role = user.roles[0] if user and user.roles else None
    return user, (role.etablissement if role else None)


def build(*, today: dt.date, stdout) -> None:
    rng = random.Random(4)
    chef_college, college = _school_of("chef.college")
    referent, lpo = _school_of("referent.lycee")
    ienio = _user("ienio.77")
    if college is None or lpo is None:
        stdout.write("Prévention : comptes de démonstration absents, rien à créer.")
        return
    months = _month_starts(today, 4)
    now = timezone.now()
    pupils = list(
        Student.objects.filter(current_school__in=[college, lpo]).only(
            "id", "current_school_id", "level", "birth_date", "last_name", "first_name"
        )
    )
    records = []
    drifting = set()
    for student in pupils:
        # One pupil in twelve drifts away: absences rise month after month.
        drifts = rng.random() < 1 / 12
        if drifts:
            drifting.add(student.id)
        for i, month in enumerate(months):
            missed = (2 + 3 * i + rng.randint(0, 4)) if drifts else rng.choice([0, 0, 1, 2, 3])
            unjust = min(missed, rng.randint(0, missed // 2 + (2 if drifts else 0)))
            records.append(
                AbsenceRecord(
                    student_id=student.id,
                    school_id=student.current_school_id,
                    month=month,
                    half_days_missed=missed,
                    half_days_unjustified=unjust,
                    incidents=rng.choice([0, 0, 1, 2, 3]) if drifts else 0,
                    expected_half_days=EXPECTED,
                    imported_at=now,
                )
            )
    AbsenceRecord.objects.bulk_create(records, batch_size=5000, ignore_conflicts=True)
    services.compute_flags(school_ids=[college.id, lpo.id])

    flagged_ids = set(
        Flag.objects.filter(school__in=[college, lpo]).values_list("student_id", flat=True)
    )
    flagged = [s for s in pupils if s.id in flagged_ids]
    college_flagged = sorted(
        (s for s in flagged if s.current_school_id == college.id and s.level in ("4E", "3E")),
        key=lambda s: s.birth_date,
    )
    lpo_flagged = [s for s in flagged if s.current_school_id == lpo.id]

    meeting = services.create_meeting(
        school=college,
        date=today - dt.timedelta(days=7),
        members="Mme Marchand, principale\nM. Lopez, CPE\nMme Caron, professeure principale de "
        "4e B\nMme Petit, psychologue de l'Éducation nationale\nM. André, infirmier",
        notes="Revue des élèves signalés par les absences du mois.",
        by=chef_college,
    )
    decisions = [
        GpdsDecision.DEROGATOIRE,
        GpdsDecision.PPRE,
        GpdsDecision.TUTORAT,
        GpdsDecision.WATCH,
    ]
    reviews = []
    for student, decision in zip(college_flagged, decisions, strict=False):
        student = Student.objects.get(pk=student.pk)
        reviews.append(
            services.record_review(
                meeting=meeting,
                student=student,
                decision=decision,
                in_charge="Mme Caron" if decision != GpdsDecision.WATCH else "M. Lopez",
                next_review_on=today + dt.timedelta(days=35),
                situation="Absences en hausse depuis la rentrée, décrochage des apprentissages.",
                by=chef_college,
            )
        )

    if reviews:
        review = reviews[0]
        start = today + dt.timedelta(days=14)
        june = rules.school_year_end(today).replace(month=6, day=30)
        path = services.open_derogatoire(
            student=review.student,
            planned_start=start,
            planned_end=max(june, start + dt.timedelta(days=120)),
            exempted_teachings="Deuxième langue vivante, technologie (4 h hebdomadaires)",
            alternation="Lundi, mardi et vendredi au collège ; mercredi et jeudi au lycée "
            "professionnel Gustave Eiffel (mini-stages en maintenance) et en entreprise.",
            referent="Mme Caron, professeure principale",
            review=review,
            by=chef_college,
        )
        services.add_objective(
            path=path,
            text="Assiduité complète les jours de collège",
            deadline=today + dt.timedelta(days=60),
            by=chef_college,
        )
        services.add_objective(
            path=path,
            text="Valider les compétences du socle en français et mathématiques",
            deadline=path.planned_end - dt.timedelta(days=10),
            by=chef_college,
        )
        path.has_placement = True
        path.host_name = "Garage Martin, Melun"
        path.host_tutor = "M. Martin"
        path.convention_signed_on = today - dt.timedelta(days=2)
        path.visit_planned_on = today + dt.timedelta(days=30)
        path.save()
        services.record_signatures(
            path=path,
            young=today - dt.timedelta(days=3),
            family=today - dt.timedelta(days=3),
            head=today - dt.timedelta(days=2),
            by=chef_college,
        )
        path.transmit(by=chef_college, now=now - dt.timedelta(days=2))
        if ienio is not None:
            path.give_opinion(
                by=ienio,
                now=now - dt.timedelta(days=1),
                opinion="favorable",
                comment="Projet cohérent, tutorat solide.",
            )

    older = [s for s in lpo_flagged if rules.is_pafi_age_ok(s.birth_date, today)]
    if older:
        student = Student.objects.get(pk=older[0].pk)
        pafi = services.open_pafi(
            student=student,
            planned_start=today + dt.timedelta(days=7),
            planned_end=today + dt.timedelta(days=150),
            objectives="Reprendre confiance, construire un projet professionnel.",
            activities="Service civique dans une association sportive deux jours par semaine.",
            referent="M. Benali, référent décrochage",
            by=referent,
        )
        pafi.submit(by=referent, now=now)
    if len(older) > 1:
        student = Student.objects.get(pk=older[1].pk)
        tdo = services.offer_tdo(
            student=student,
            proposed_on=today - dt.timedelta(days=30),
            referent="M. Benali",
            by=referent,
        )
        tdo.answer(by=referent, accepted=True, answered_on=today - dt.timedelta(days=27))
        tdo.start(
            by=referent,
            partner_kind="mission_locale",
            partner_name="Mission locale de Melun",
            partner_contact="Mme Durand, conseillère",
            start_date=today - dt.timedelta(days=21),
        )
        services.add_tdo_follow_up(
            tdo=tdo,
            date=today - dt.timedelta(days=7),
            participants="M. Benali (lycée), Mme Durand (mission locale)",
            note="Bonne intégration, assiduité régulière.",
            by=referent,
        )
    stdout.write(
        f"Prévention : {len(records)} mois d'absences, {len(flagged)} élèves signalés, "
        f"1 réunion GPDS ({len(reviews)} élèves examinés)."
    )

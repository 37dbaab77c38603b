import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dossiers.enums import DossierState, PlanChoiceKind, TrailKind, Wish
from dossiers.models import DossierTransition, RightUse
from notifications.enums import DeadlineKind
from notifications.models import Deadline

from .conftest import walk
from .factories import DossierFactory, EpreuveMarkFactory, ExamResultFactory

pytestmark = pytest.mark.django_db


def test_each_transition_is_logged_with_who_from_and_to(world, dossier):
    chef = world.users.chef_a
    walk(dossier, chef, "reinscrit")
    rows = list(DossierTransition.objects.filter(dossier=dossier).order_by("id"))
    assert [(r.from_state, r.to_state) for r in rows] == [
        ("remis", "entretien_realise"),
        ("entretien_realise", "souhait_exprime"),
        ("souhait_exprime", "reinscrit"),
    ]
    assert all(r.by == chef for r in rows)


def test_wrong_transition_is_refused_in_french_and_changes_nothing(world, dossier):
    with pytest.raises(ValidationError) as exc:
        dossier.reenrol(by=world.users.chef_a)
    assert "n'est possible que si le dossier est" in exc.value.messages[0]
    dossier.refresh_from_db()
    assert dossier.state == DossierState.REMIS
    assert not DossierTransition.objects.filter(dossier=dossier).exists()


def test_entretien_before_results_day_is_refused(world, dossier):
    with pytest.raises(ValidationError, match="avant le jour des résultats"):
        dossier.record_entretien(
            by=world.users.chef_a, held_on=dt.date(2025, 7, 3), participants="Élève"
        )
    with pytest.raises(ValidationError, match="avant d'avoir eu lieu"):
        dossier.record_entretien(
            by=world.users.chef_a, held_on=dt.date(2025, 7, 20), participants="Élève"
        )
    dossier.refresh_from_db()
    assert dossier.state == DossierState.REMIS and not dossier.entretiens.exists()


def test_planning_the_entretien_checks_dates(world, dossier):
    with pytest.raises(ValidationError, match="déjà passée"):
        dossier.plan_entretien(by=world.users.referent_a, on=dt.date(2025, 7, 5))
    dossier.plan_entretien(by=world.users.referent_a, on=dt.date(2025, 7, 11))
    assert dossier.state == DossierState.ENTRETIEN_PLANIFIE
    assert dossier.entretien_planned_on == dt.date(2025, 7, 11)


def test_contact_impossible_needs_a_recorded_attempt(world, dossier):
    with pytest.raises(ValidationError, match="volontaire ou non"):
        dossier.mark_contact_impossible(by=world.users.referent_a)
    dossier.trail.create(
        kind=TrailKind.CONTACT, channel="telephone", occurred_on=dt.date(2025, 7, 7), reached=False
    )
    dossier.mark_contact_impossible(by=world.users.referent_a)
    assert dossier.state == DossierState.CONTACT_IMPOSSIBLE
    # Accompaniment continues: a later entretien is still possible.
    dossier.record_entretien(by=world.users.chef_a, held_on=dt.date(2025, 7, 8), participants="É")
    assert dossier.state == DossierState.ENTRETIEN_REALISE


def test_reenrolment_needs_the_matching_wish(world, dossier):
    walk(dossier, world.users.chef_a, "entretien_realise")
    dossier.express_wish(by=world.users.chef_a, wish=Wish.CHANGEMENT)
    with pytest.raises(ValidationError, match="suppose que l'élève l'ait demandée"):
        dossier.reenrol(by=world.users.chef_a)


def test_transmission_needs_a_nearby_school_and_a_reason_when_reenrolment_was_asked(world, dossier):
    chef = world.users.chef_a
    walk(dossier, chef, "entretien_realise")
    dossier.express_wish(by=chef, wish=Wish.REINSCRIPTION_ORIGINE)
    with pytest.raises(ValidationError, match="motif de l'impossibilité"):
        dossier.transmit_to_commission(by=chef, proposed_school=world.school_b)
    # Another département's lycée is no longer refused, but needs the family's reason.
    with pytest.raises(ValidationError, match="autre département doit être motivée"):
        dossier.transmit_to_commission(
            by=chef, proposed_school=world.school_d, impossibility_reason="Division complète"
        )
    with pytest.raises(ValidationError, match="différent de l'établissement d'origine"):
        dossier.transmit_to_commission(
            by=chef, proposed_school=world.school_a, impossibility_reason="Division complète"
        )
    dossier.transmit_to_commission(
        by=chef, proposed_school=world.school_b, impossibility_reason="Division complète"
    )
    assert dossier.state == DossierState.TRANSMIS_COMMISSION
    assert dossier.transmitted_on == dt.date(2025, 7, 9)


def test_other_route_requires_its_precision(world, dossier):
    walk(dossier, world.users.chef_a, "entretien_realise")
    with pytest.raises(ValidationError, match="autre voie"):
        dossier.express_wish(by=world.users.chef_a, wish=Wish.AUTRE_VOIE)
    dossier.express_wish(by=world.users.chef_a, wish=Wish.AUTRE_VOIE, other_route="apprentissage")
    dossier.orient_elsewhere(by=world.users.chef_a)
    assert dossier.state == DossierState.ORIENTE_AILLEURS


def test_family_informed_then_enrolled_then_closed(world, dossier):
    chef = world.users.chef_a
    walk(dossier, chef, "reinscrit")
    with pytest.raises(ValidationError, match="futur"):
        dossier.inform_family(by=chef, on=dt.date(2025, 7, 30), channel="courrier")
    dossier.inform_family(by=chef, on=dt.date(2025, 7, 9), channel="courrier")
    dossier.confirm_enrolment(by=chef)
    assert dossier.state == DossierState.INSCRIT_RENTREE
    assert dossier.enrolled_school == world.school_a
    with pytest.raises(ValidationError):
        dossier.declare_without_solution(by=chef)


def test_the_right_is_used_once_per_diploma(world, on_day):
    on_day(dt.date(2025, 7, 9))
    chef = world.users.chef_a
    first = DossierFactory(student__current_school=world.school_a)
    walk(first, chef, "reinscrit")
    assert RightUse.objects.filter(dossier=first).exists()
    # Failed again the next year: the same diploma cannot be re-prepared a second time.
    on_day(dt.date(2026, 7, 9))
    second = DossierFactory(
        student=first.student,
        exam_result=ExamResultFactory(student=first.student, session_year=2026),
        opened_on=dt.date(2026, 7, 3),
    )
    walk(second, chef, "entretien_realise", today=dt.date(2026, 7, 6))
    second.express_wish(by=chef, wish=Wish.REINSCRIPTION_ORIGINE)
    with pytest.raises(ValidationError, match="déjà été utilisé") as exc:
        second.reenrol(by=chef)
    assert "session 2025" in exc.value.messages[0] and "D.331-61" in exc.value.messages[0]
    second.refresh_from_db()
    assert second.state == DossierState.SOUHAIT_EXPRIME


def test_another_diploma_keeps_its_own_right(world, frozen):
    chef = world.users.chef_a
    first = DossierFactory(student__current_school=world.school_a)
    walk(first, chef, "reinscrit")
    cap = DossierFactory(
        student=first.student,
        exam_result=ExamResultFactory(student=first.student, cap=True),
    )
    walk(cap, chef, "reinscrit")
    assert RightUse.objects.filter(student=first.student).count() == 2


def test_the_right_ends_after_the_rentree_that_follows(world, on_day):
    on_day(dt.date(2025, 7, 9))
    chef = world.users.chef_a
    d = DossierFactory(student__current_school=world.school_a)
    walk(d, chef, "entretien_realise")
    d.express_wish(by=chef, wish=Wish.REINSCRIPTION_ORIGINE)
    assert d.right_end == dt.date(2025, 10, 1)
    on_day(dt.date(2025, 10, 2))
    with pytest.raises(ValidationError, match="a pris fin le 01/10/2025"):
        d.reenrol(by=chef)


def test_deadlines_follow_the_dossier(world, dossier):
    kinds = dict(Deadline.objects.filter(object_id=dossier.pk).values_list("kind", "completed_at"))
    assert kinds == {}  # the factory does not sync; the first transition does
    walk(dossier, world.users.chef_a, "transmis_commission", proposed_school=world.school_b)
    rows = {d.kind: d for d in Deadline.objects.filter(object_id=dossier.pk)}
    assert rows[DeadlineKind.ENTRETIEN_SITUATION].completed_at is not None
    assert rows[DeadlineKind.ENTRETIEN_SITUATION].due_date == dt.date(2025, 7, 14)
    assert rows[DeadlineKind.COMMISSION_SESSION].completed_at is None
    assert rows[DeadlineKind.COMMISSION_SESSION].due_date == dt.date(2025, 7, 30)
    assert rows[DeadlineKind.REPREPARATION_RIGHT_END].due_date == dt.date(2025, 10, 1)
    assert rows[DeadlineKind.SANS_SOLUTION_SWEEP].school_id == world.school_a.pk


def test_overdue_queryset_uses_open_deadlines(world, on_day):
    on_day(dt.date(2025, 7, 9))
    late = DossierFactory(student__current_school=world.school_a)
    late.sync_deadlines()
    on_day(dt.date(2025, 7, 20))
    from dossiers.models import RepreparationDossier

    assert list(RepreparationDossier.objects.overdue(dt.date(2025, 7, 20))) == [late]
    walk(late, world.users.chef_a, "entretien_realise", today=dt.date(2025, 7, 18))
    # Still overdue: the re-enrolment decision was due 15 July.
    assert late.pending_deadlines(dt.date(2025, 7, 20))[0]["kind"] == "decision_reinscription"


# --- planner ---------------------------------------------------------------------------


def _bac_general_dossier(world):
    result = ExamResultFactory(
        student__current_school=world.school_a, bac_general=True, average=Decimal("7.9")
    )
    marks = {
        "PHILO": EpreuveMarkFactory(result=result, code="PHILO", label="Philosophie", mark=12),
        "SPE1": EpreuveMarkFactory(result=result, code="SPE1", label="Spécialité 1", mark=8),
        "HG": EpreuveMarkFactory(result=result, code="HG", label="Histoire-géographie", mark=14),
        "GRAND_ORAL": EpreuveMarkFactory(
            result=result, code="GRAND_ORAL", label="Grand oral", mark=15, session_year=2019
        ),
    }
    d = DossierFactory(student=result.student, exam_result=result)
    return d, marks


def test_planner_keeps_only_terminal_marks_of_ten_within_five_sessions(world, frozen):
    d, marks = _bac_general_dossier(world)
    rows = {r["mark"].code: r for r in d.plan_rows()}
    assert rows["PHILO"]["keepable"] is True
    assert rows["SPE1"]["keepable"] is False  # below 10
    assert rows["HG"]["keepable"] is False  # contrôle continu
    assert rows["GRAND_ORAL"]["keepable"] is False  # 2019 + 5 < 2026
    timetable = d.timetable(d.plan_rows())
    # Undecided keepable marks stay in the timetable until the pupil chooses.
    assert {r["mark"].code for r in timetable["subjects"]} == {"PHILO", "SPE1", "HG", "GRAND_ORAL"}
    d.set_plan_choice(by=world.users.chef_a, mark=marks["PHILO"], choice=PlanChoiceKind.KEEP)
    timetable = d.timetable(d.plan_rows())
    assert "PHILO" not in {r["mark"].code for r in timetable["subjects"]}
    assert timetable["total_hours"] == Decimal("10")  # 6 + 3 + 1


def test_planner_refuses_keeping_a_mark_that_cannot_be_kept(world, frozen):
    d, marks = _bac_general_dossier(world)
    with pytest.raises(ValidationError, match="non conservable"):
        d.set_plan_choice(by=world.users.chef_a, mark=marks["SPE1"], choice=PlanChoiceKind.KEEP)

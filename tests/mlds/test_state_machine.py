import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from mlds.enums import ClosureReason, FollowUpOutcome, FollowUpStatus, SolutionType
from mlds.models import FollowUp
from mlds.models.follow_ups import TRANSITIONS
from notifications.models import Deadline
from students.models import Student

from .factories import PaqiSiteFactory, PartnerFactory, YoungPersonFactory

pytestmark = pytest.mark.django_db
S = FollowUpStatus


def test_transitions_table_covers_every_status():
    assert set(TRANSITIONS) == set(S)
    assert TRANSITIONS[S.CLOS] == set()
    assert all(S.CLOS in targets for status, targets in TRANSITIONS.items() if status != S.CLOS)


def test_full_path_writes_one_log_per_step_and_closes(world, frozen_today, make_follow_up):
    fu = make_follow_up("issue")
    assert fu.status == S.SUIVI_TRANSITION
    fu.close(by=world.users.mlds1, reason=ClosureReason.SOLUTION_CONSOLIDEE)
    fu.refresh_from_db()
    assert fu.status == S.CLOS and fu.closed_on == frozen_today
    moves = list(fu.logs.values_list("from_state", "to_state"))
    assert moves == [
        ("", S.SIGNALE),
        (S.SIGNALE, S.CONTACTE),
        (S.CONTACTE, S.BILAN),
        (S.BILAN, S.SOLUTION_PROPOSEE),
        (S.SOLUTION_PROPOSEE, S.EN_SOLUTION),
        (S.EN_SOLUTION, S.SUIVI_TRANSITION),
        (S.SUIVI_TRANSITION, S.SUIVI_TRANSITION),  # outcome recorded
        (S.SUIVI_TRANSITION, S.CLOS),
    ]
    assert all(log.by == world.users.mlds1 for log in fu.logs.all())
    assert not Deadline.objects.filter(object_id=fu.pk, completed_at__isnull=True).exists()


def test_closing_without_outcome_is_refused(world, frozen_today, make_follow_up):
    fu = make_follow_up("en_solution")
    with pytest.raises(ValidationError, match="issue du suivi"):
        fu.close(by=world.users.mlds1, reason=ClosureReason.SOLUTION_CONSOLIDEE)
    fu.refresh_from_db()
    assert fu.status == S.EN_SOLUTION


def test_database_refuses_a_closed_follow_up_without_outcome(world, frozen_today, make_follow_up):
    fu = make_follow_up("contacte")
    with pytest.raises(IntegrityError):
        FollowUp.objects.filter(pk=fu.pk).update(
            status=S.CLOS, closure_reason=ClosureReason.REFUS, closed_on=frozen_today
        )


def test_unreachable_then_reached(world, frozen_today, make_follow_up):
    fu = make_follow_up("injoignable")
    assert fu.status == S.INJOIGNABLE
    fu.record_contact(by=world.users.mlds1, on=frozen_today, channel="sms", reached=False)
    assert fu.status == S.INJOIGNABLE
    fu.record_contact(by=world.users.mlds1, on=frozen_today, channel="telephone", reached=True)
    assert fu.status == S.CONTACTE
    assert fu.contacts.count() == 3
    assert fu.bilan_due_on == frozen_today + dt.timedelta(days=30)


def test_bilan_needs_a_contact_first(world, frozen_today, make_follow_up):
    fu = make_follow_up("signale")
    with pytest.raises(ValidationError, match="premier contact réussi"):
        fu.record_bilan(by=world.users.mlds1, on=frozen_today, situation="x")


def test_future_contact_date_is_refused(world, frozen_today, make_follow_up):
    fu = make_follow_up("signale")
    with pytest.raises(ValidationError, match="futur"):
        fu.record_contact(
            by=world.users.mlds1,
            on=frozen_today + dt.timedelta(days=1),
            channel="telephone",
            reached=True,
        )


@pytest.mark.parametrize("solution", [SolutionType.E2C, SolutionType.APPRENTISSAGE])
def test_solution_needing_a_partner_is_refused_without_one(
    world, frozen_today, make_follow_up, solution
):
    fu = make_follow_up("bilan")
    with pytest.raises(ValidationError, match="demande une structure partenaire"):
        fu.propose_solution(by=world.users.mlds1, solution_type=solution)
    fu.refresh_from_db()
    assert fu.status == S.BILAN and fu.solution_type == ""


def test_partner_of_the_wrong_type_is_refused(world, frozen_today, make_follow_up):
    fu = make_follow_up("bilan")
    mission_locale = PartnerFactory(departement=world.dep1)
    with pytest.raises(ValidationError, match="ne peut pas porter"):
        fu.propose_solution(
            by=world.users.mlds1, solution_type=SolutionType.E2C, partner=mission_locale
        )


def test_return_to_initial_training_needs_a_school_and_employment_needs_nothing(
    world, frozen_today, make_follow_up
):
    fu = make_follow_up("bilan")
    with pytest.raises(ValidationError, match="établissement d'accueil"):
        fu.propose_solution(
            by=world.users.mlds1, solution_type=SolutionType.RETOUR_FORMATION_INITIALE
        )
    fu.propose_solution(by=world.users.mlds1, solution_type=SolutionType.EMPLOI, detail="CDD")
    assert fu.status == S.SOLUTION_PROPOSEE


def test_paqi_module_needs_a_paqi_site(world, frozen_today, make_follow_up):
    fu = make_follow_up("bilan")
    with pytest.raises(ValidationError, match="site PAQI"):
        fu.propose_solution(by=world.users.mlds1, solution_type=SolutionType.MODULE_PAQI)
    fu.assign(by=world.users.mlds1, paqi_site=PaqiSiteFactory(departement=world.dep1))
    fu.propose_solution(by=world.users.mlds1, solution_type=SolutionType.MODULE_PAQI)
    assert fu.status == S.SOLUTION_PROPOSEE


def test_declined_solution_goes_back_to_bilan(world, frozen_today, make_follow_up):
    fu = make_follow_up("solution_proposee")
    fu.decline_solution(by=world.users.mlds1, comment="Trop loin")
    assert fu.status == S.BILAN and fu.solution_type == ""


def test_taking_a_solution_opens_a_four_month_joint_window(world, frozen_today, make_follow_up):
    fu = make_follow_up("en_solution")
    assert fu.solution_start_on == frozen_today
    assert fu.transition_end_on == dt.date(2026, 2, 14)
    deadline = Deadline.objects.get(object_id=fu.pk, kind="mlds_suivi")
    assert deadline.due_date == dt.date(2026, 2, 14)


def test_rupture_reopens_the_bilan(world, frozen_today, make_follow_up):
    fu = make_follow_up("suivi_transition")
    with pytest.raises(ValidationError, match="Indiquez"):
        fu.report_rupture(by=world.users.mlds1, comment=" ")
    fu.report_rupture(by=world.users.mlds1, comment="Abandon de l'E2C")
    assert fu.status == S.BILAN and fu.transition_end_on is None


def test_consolidated_solution_needs_a_solution(world, frozen_today, make_follow_up):
    fu = make_follow_up("contacte")
    fu.record_outcome(by=world.users.mlds1, outcome=FollowUpOutcome.INCONNUE)
    with pytest.raises(ValidationError, match="consolidée"):
        fu.close(by=world.users.mlds1, reason=ClosureReason.SOLUTION_CONSOLIDEE)
    fu.close(by=world.users.mlds1, reason=ClosureReason.DEMENAGEMENT)
    assert fu.status == S.CLOS


def test_closed_follow_up_accepts_nothing_and_a_new_one_can_open(
    world, frozen_today, make_follow_up
):
    from mlds.services import open_follow_up

    fu = make_follow_up("contacte")
    fu.record_outcome(by=world.users.mlds1, outcome=FollowUpOutcome.EMPLOI)
    fu.close(by=world.users.mlds1, reason=ClosureReason.AUTRE)
    with pytest.raises(ValidationError, match="clos"):
        fu.record_contact(by=world.users.mlds1, on=frozen_today, channel="sms", reached=True)
    again = open_follow_up(student=fu.student, source="auto_saisine", by=world.users.mlds1)
    assert again.pk != fu.pk and again.status == S.SIGNALE


def test_stale_version_is_refused(world, frozen_today, make_follow_up):
    fu = make_follow_up("signale")
    seen = fu.version
    other = FollowUp.objects.get(pk=fu.pk)
    other.record_contact(by=world.users.mlds1, on=frozen_today, channel="sms", reached=True)
    with pytest.raises(ValidationError, match="modifié entre-temps"):
        fu.record_contact(
            by=world.users.mlds1,
            on=frozen_today,
            channel="sms",
            reached=False,
            expected_version=seen,
        )


def test_assignment_only_to_a_coordinator_of_the_departement(world, frozen_today, make_follow_up):
    fu = make_follow_up("signale")
    with pytest.raises(ValidationError, match="n'est pas coordonnateur"):
        fu.assign(by=world.users.mlds1, coordinator=world.users.mlds2)
    fu.assign(by=world.users.mlds1, coordinator=world.users.mlds1)
    assert fu.assigned_to == world.users.mlds1
    assert Deadline.objects.get(object_id=fu.pk, kind="mlds_contact").assignee == world.users.mlds1


def test_overdue_and_window_querysets(world, frozen_today, make_follow_up):
    late = make_follow_up("signale")
    FollowUp.objects.filter(pk=late.pk).update(contact_due_on=frozen_today - dt.timedelta(days=1))
    fine = make_follow_up("signale")
    window = make_follow_up("en_solution")
    FollowUp.objects.filter(pk=window.pk).update(transition_end_on=dt.date(2025, 10, 31))
    aged = make_follow_up("contacte", student=YoungPersonFactory(birth_date=dt.date(2000, 10, 16)))
    Student.objects.filter(pk=aged.student_id).update(birth_date=dt.date(2000, 10, 15))
    overdue = set(FollowUp.objects.overdue(frozen_today).values_list("pk", flat=True))
    assert late.pk in overdue and aged.pk in overdue and fine.pk not in overdue
    windows = set(FollowUp.objects.windows_ending_in(frozen_today).values_list("pk", flat=True))
    assert windows == {window.pk}

import datetime as dt

import pytest

# Most MLDS rules are dated: the tests run on 15 October 2025 unless they move the clock.
TODAY = dt.date(2025, 10, 15)


@pytest.fixture
def frozen_today(clock):
    return clock.at(TODAY)


@pytest.fixture
def make_follow_up(world):
    """A follow-up of a 19-year-old from school A, taken to `status` through the real methods."""
    from mlds.enums import FollowUpOutcome, FollowUpSource, SolutionType
    from mlds.services import open_follow_up

    from .factories import PartnerFactory, YoungPersonFactory

    def make(status="signale", student=None, partner=None, by=None):
        by = by or world.users.mlds1
        student = student or YoungPersonFactory(current_school=world.school_a)
        fu = open_follow_up(student=student, source=FollowUpSource.SIEI, by=by)
        day = fu.signaled_on
        order = [
            "signale",
            "contacte",
            "bilan",
            "solution_proposee",
            "en_solution",
            "suivi_transition",
            "issue",
        ]
        steps = order[: order.index(status) + 1] if status in order else order[:1]
        if status == "injoignable":
            fu.record_contact(by=by, on=day, channel="telephone", reached=False)
        if "contacte" in steps:
            fu.record_contact(by=by, on=day, channel="telephone", reached=True)
        if "bilan" in steps:
            fu.record_bilan(by=by, on=day, situation="Sorti de CAP en juin", wishes="Cuisine")
        if "solution_proposee" in steps:
            partner = partner or PartnerFactory(departement=world.dep1, e2c=True)
            fu.propose_solution(by=by, solution_type=SolutionType.E2C, partner=partner)
        if "en_solution" in steps:
            fu.take_solution(by=by, start_on=day)
        if "suivi_transition" in steps:
            fu.record_joint_review(by=by, on=day, note="Assidu")
        if "issue" in steps:
            fu.record_outcome(by=by, outcome=FollowUpOutcome.FORMATION_PRO)
        fu.refresh_from_db()
        return fu

    return make

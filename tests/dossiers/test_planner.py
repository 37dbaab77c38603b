"""Re-sit planner: choices are drafts until the registration for the session (Cyclades)
is confirmed, then locked with who and when (domain.md §5, eduscol, note de service 96-034)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers.enums import PlanChoiceKind
from dossiers.models import ExamRegistration, PlanChoice

from .factories import DossierFactory, EpreuveMarkFactory, ExamResultFactory

pytestmark = pytest.mark.django_db
KEEP, REPREPARE = PlanChoiceKind.KEEP, PlanChoiceKind.REPREPARE


def bac_general(world):
    result = ExamResultFactory(
        student__current_school=world.school_a, bac_general=True, average=Decimal("7.9")
    )
    marks = {
        "PHILO": EpreuveMarkFactory(result=result, code="PHILO", label="Philosophie", mark=12),
        "SPE2": EpreuveMarkFactory(result=result, code="SPE2", label="Spécialité 2", mark=11),
        "SPE1": EpreuveMarkFactory(result=result, code="SPE1", label="Spécialité 1", mark=8),
    }
    return DossierFactory(student=result.student, exam_result=result), marks


def cap(world):
    result = ExamResultFactory(student__current_school=world.school_a, cap=True)
    ep1 = EpreuveMarkFactory(result=result, code="EP1", label="EP1", mark=13)
    return DossierFactory(student=result.student, exam_result=result), ep1


def decide_all(d, marks, user, choice=KEEP):
    for code in ("PHILO", "SPE2"):
        d.set_plan_choice(by=user, mark=marks[code], choice=choice)


def test_bac_gt_mis_click_is_correctable_before_registration_eduscol(world, frozen):
    """Eduscol: renouncing is definitive once registered; before, the planner is a draft —
    "repasser" then back to "conserver" is accepted, and each change is historised."""
    d, marks = bac_general(world)
    d.set_plan_choice(by=world.users.referent_a, mark=marks["PHILO"], choice=REPREPARE)
    d.set_plan_choice(by=world.users.chef_a, mark=marks["PHILO"], choice=KEEP)
    choice = PlanChoice.objects.get(dossier=d, mark=marks["PHILO"])
    assert choice.choice == KEEP and choice.chosen_by == world.users.chef_a
    history = list(choice.history.order_by("history_date").values_list("choice", "history_user"))
    assert history == [
        (REPREPARE, world.users.referent_a.pk),
        (KEEP, world.users.chef_a.pk),
    ]


def test_registration_locks_the_choices_with_who_and_when(world, frozen):
    d, marks = bac_general(world)
    decide_all(d, marks, world.users.referent_a)
    registration = d.confirm_exam_registration(
        by=world.users.chef_a, registered_on=dt.date(2025, 7, 8)
    )
    assert registration.session_year == 2026
    assert registration.confirmed_by == world.users.chef_a
    assert registration.confirmed_at is not None
    assert "Philosophie : conservée" in registration.kept_summary
    with pytest.raises(ValidationError, match="confirmée le 08/07/2025.*verrouillés"):
        d.set_plan_choice(by=world.users.chef_a, mark=marks["PHILO"], choice=REPREPARE)
    assert PlanChoice.objects.get(dossier=d, mark=marks["PHILO"]).choice == KEEP
    with pytest.raises(ValidationError, match="déjà confirmée|verrouillés"):
        d.confirm_exam_registration(by=world.users.chef_a, registered_on=dt.date(2025, 7, 9))
    assert ExamRegistration.objects.filter(dossier=d).count() == 1


def test_registration_needs_every_keepable_mark_decided(world, frozen):
    d, marks = bac_general(world)
    d.set_plan_choice(by=world.users.chef_a, mark=marks["PHILO"], choice=KEEP)
    with pytest.raises(ValidationError, match="Spécialité 2"):
        d.confirm_exam_registration(by=world.users.chef_a, registered_on=dt.date(2025, 7, 8))
    assert not ExamRegistration.objects.exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.date(2025, 7, 3), "jour des résultats"),  # eve of results day (4 July 2025)
        (dt.date(2025, 7, 10), "futur"),  # tomorrow (the clock reads 9 July 2025)
    ],
)
def test_registration_date_is_between_results_day_and_today(world, frozen, day, message):
    d, marks = bac_general(world)
    decide_all(d, marks, world.users.chef_a)
    with pytest.raises(ValidationError, match=message):
        d.confirm_exam_registration(by=world.users.chef_a, registered_on=day)
    for ok in (dt.date(2025, 7, 4), dt.date(2025, 7, 9)):  # results day, today
        registration = d.confirm_exam_registration(by=world.users.chef_a, registered_on=ok)
        d.cancel_exam_registration(by=world.users.chef_a, reason="Essai de date")
        assert registration.registered_on == ok


def test_after_registration_bac_gt_renunciation_is_definitive_cap_only_for_the_session(
    world, frozen
):
    """Domain.md §5: bac GT renunciation is definitive once registered; CAP renunciation is
    partial and not definitive (note de service 96-034): it holds for that session only."""
    d, marks = bac_general(world)
    decide_all(d, marks, world.users.chef_a, choice=REPREPARE)
    d.confirm_exam_registration(by=world.users.chef_a, registered_on=dt.date(2025, 7, 8))
    rows = {r["mark"].code: r for r in d.plan_rows(registration=d.active_registration())}
    assert rows["PHILO"]["renounced"] == "Renonciation définitive"
    assert rows["SPE1"]["renounced"] == ""  # not keepable: nothing renounced

    c, ep1 = cap(world)
    c.set_plan_choice(by=world.users.chef_a, mark=ep1, choice=REPREPARE)
    c.confirm_exam_registration(by=world.users.chef_a, registered_on=dt.date(2025, 7, 8))
    [row] = c.plan_rows(registration=c.active_registration())
    assert row["renounced"] == "Renonciation pour la session 2026 seulement"
    with pytest.raises(ValidationError, match="verrouillés"):
        c.set_plan_choice(by=world.users.chef_a, mark=ep1, choice=KEEP)


def test_a_mistaken_confirmation_is_withdrawn_with_a_reason(world, frozen):
    d, marks = bac_general(world)
    decide_all(d, marks, world.users.chef_a, choice=REPREPARE)
    d.confirm_exam_registration(by=world.users.chef_a, registered_on=dt.date(2025, 7, 8))
    with pytest.raises(ValidationError, match="motif"):
        d.cancel_exam_registration(by=world.users.chef_a, reason="  ")
    d.cancel_exam_registration(by=world.users.chef_a, reason="Saisie sur le mauvais élève")
    d.set_plan_choice(by=world.users.chef_a, mark=marks["PHILO"], choice=KEEP)
    cancelled = ExamRegistration.objects.get(dossier=d)
    assert cancelled.cancelled_by == world.users.chef_a
    assert cancelled.cancel_reason == "Saisie sur le mauvais élève"


def test_planner_pages_confirm_and_lock(world, frozen, client_for):
    d, marks = bac_general(world)
    chef = client_for(world.users.chef_a)
    referent = client_for(world.users.referent_a)
    plan_url = reverse("dossiers:plan_save", args=[d.public_id])
    confirm = reverse("dossiers:plan_registration", args=[d.public_id, "confirmer"])
    assert referent.post(plan_url, {f"choice_{marks['PHILO'].pk}": REPREPARE}).status_code == 302
    assert referent.post(plan_url, {f"choice_{marks['PHILO'].pk}": KEEP}).status_code == 302
    page = chef.get(d.get_absolute_url()).content.decode()
    assert (
        'data-testid="plan-draft"' in page and "Confirmer l'inscription à la session 2026" in page
    )
    # Undecided mark: refused with the reason on the page, nothing recorded.
    response = chef.post(confirm, {"inscription-registered_on": "2025-07-08"})
    assert response.status_code == 409 and "Spécialité 2" in response.content.decode()
    assert referent.post(plan_url, {f"choice_{marks['SPE2'].pk}": KEEP}).status_code == 302
    # The referent records choices but does not confirm the registration.
    assert referent.post(confirm, {"inscription-registered_on": "2025-07-08"}).status_code == 404
    assert chef.post(confirm, {"inscription-registered_on": "2025-07-08"}).status_code == 302
    page = chef.get(d.get_absolute_url()).content.decode()
    assert "Inscription à la session 2026 confirmée" in page
    assert f'name="choice_{marks["PHILO"].pk}"' not in page
    response = referent.post(plan_url, {f"choice_{marks['PHILO'].pk}": REPREPARE})
    assert response.status_code == 400 and "verrouillés" in response.content.decode()
    assert PlanChoice.objects.get(dossier=d, mark=marks["PHILO"]).choice == KEEP


def test_outsiders_get_404_on_the_registration(world, frozen, client_for):
    d, marks = bac_general(world)
    decide_all(d, marks, world.users.chef_a)
    confirm = reverse("dossiers:plan_registration", args=[d.public_id, "confirmer"])
    for user in (world.users.chef_b, world.users.cio1, world.users.dasen1, world.users.norole):
        response = client_for(user).post(confirm, {"inscription-registered_on": "2025-07-08"})
        assert response.status_code == 404
    assert not ExamRegistration.objects.exists()
    bogus = reverse("dossiers:plan_registration", args=[d.public_id, "effacer"])
    assert client_for(world.users.chef_a).post(bogus, {}).status_code == 404


def test_api_detail_shows_the_registration(world, frozen, api_for):
    d, marks = bac_general(world)
    url = f"/api/v1/reprepa/dossiers/{d.public_id}/"
    assert api_for(world.users.chef_a).get(url).json()["exam_registration"] is None
    decide_all(d, marks, world.users.chef_a)
    d.confirm_exam_registration(by=world.users.chef_a, registered_on=dt.date(2025, 7, 8))
    data = api_for(world.users.referent_a).get(url).json()["exam_registration"]
    assert data["session_year"] == 2026 and data["registered_on"] == "2025-07-08"
    assert "Philosophie : conservée" in data["kept_summary"]
    assert api_for(world.users.chef_b).get(url).status_code == 404

"""State machines: guards refuse in French and keep everything; transitions log and sync."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings

from notifications.models import Deadline
from prevention import services
from prevention.enums import DerogatoireStatus, GpdsDecision
from prevention.models import GpdsReview, PathBilan

from .factories import (
    CollegienFactory,
    DerogatoireFactory,
    MeetingFactory,
    PafiFactory,
    TdoFactory,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 11, 20, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen(clock):
    clock.at(NOW)


def deadlines(obj):
    return {d.kind: d for d in Deadline.objects.filter(object_id=obj.pk)}


def as_role(user):
    user.active_role = user.roles[0]
    return user


def test_derogatoire_cannot_be_transmitted_without_three_signatures(world):
    path = DerogatoireFactory(student__current_school=world.school_a, signed_by_young_on=NOW)
    with pytest.raises(ValidationError) as exc:
        path.transmit(by=world.users.referent_a, now=NOW)
    assert "la signature de la famille" in exc.value.messages[0]
    assert "la signature du chef d'établissement" in exc.value.messages[0]
    path.refresh_from_db()
    assert path.status == DerogatoireStatus.DRAFT and path.signed_by_young_on


def test_placement_needs_convention_and_visit(world):
    path = DerogatoireFactory(
        student__current_school=world.school_a, signed=True, has_placement=True
    )
    with pytest.raises(ValidationError) as exc:
        path.transmit(by=None, now=NOW)
    message = exc.value.messages[0]
    assert "l'organisme d'accueil" in message and "convention de stage" in message
    assert "visite" in message


def test_full_derogatoire_path_with_logs_and_deadlines(world):
    u = world.users
    path = DerogatoireFactory(
        student__current_school=world.school_a,
        signed=True,
        has_placement=True,
        host_name="Garage Martin",
        convention_signed_on=dt.date(2025, 11, 14),
        visit_planned_on=dt.date(2025, 12, 10),
    )
    path.transmit(by=u.referent_a, now=NOW)
    assert deadlines(path)["derogatoire_validation"].due_date == dt.date(2025, 12, 5)
    with pytest.raises(ValidationError, match="sans la validation de l'IA-DASEN"):
        path.start(by=u.referent_a, started_on=dt.date(2025, 11, 24))
    with pytest.raises(ValidationError, match="Seul l'IA-DASEN"):
        path.decide(by=as_role(u.ienio1), now=NOW, accept=True)
    with pytest.raises(ValidationError, match="IEN-IO"):
        path.decide(by=as_role(u.dasen1), now=NOW, accept=True)
    path.give_opinion(by=as_role(u.ienio1), now=NOW, opinion="favorable")
    with pytest.raises(ValidationError, match="motif du refus"):
        path.decide(by=as_role(u.dasen1), now=NOW, accept=False)
    path.decide(by=as_role(u.dasen1), now=NOW, accept=True)
    assert deadlines(path)["derogatoire_validation"].completed_at is not None
    path.start(by=u.referent_a, started_on=dt.date(2025, 11, 24))
    assert deadlines(path)["derogatoire_bilan"].due_date == dt.date(2026, 1, 5)
    assert deadlines(path)["derogatoire_visite"].completed_at is None
    path.record_visit(by=u.referent_a, done_on=dt.date(2025, 12, 10), report="Bon accueil.")
    assert deadlines(path)["derogatoire_visite"].completed_at is not None
    with pytest.raises(ValidationError, match="bilan final est requis"):
        path.finish(by=u.referent_a, finished_on=dt.date(2026, 6, 30))
    services.add_bilan(
        path=path,
        kind="etape",
        date=dt.date(2026, 1, 5),
        assessment="Assiduité retrouvée",
        by=u.referent_a,
    )
    assert deadlines(path)["derogatoire_bilan"].due_date == dt.date(2026, 2, 16)
    services.add_bilan(
        path=path,
        kind="final",
        date=dt.date(2026, 6, 26),
        assessment="Objectifs atteints",
        attach_to_assignment=True,
        by=u.referent_a,
    )
    path.refresh_from_db()
    assert path.status == DerogatoireStatus.FINISHED
    assert PathBilan.objects.get(derogatoire=path, kind="final").attach_to_assignment
    labels = list(path.events.values_list("to_state", flat=True))
    assert labels[:4] == ["transmis", "avis_ien_io", "valide", "en_cours"]
    assert labels[-1] == "termine"


def test_editing_a_signed_contract_voids_the_signatures(world):
    path = DerogatoireFactory(student__current_school=world.school_a, signed=True)
    voided = services.update_contract(
        path=path, data={"alternation": "Trois jours au CFA"}, by=None
    )
    path.refresh_from_db()
    assert voided and path.missing_signatures == [
        "le jeune",
        "la famille",
        "le chef d'établissement",
    ]


def test_contract_is_locked_once_transmitted(world):
    path = DerogatoireFactory(student__current_school=world.school_a, transmitted=True)
    with pytest.raises(ValidationError, match="ne peut plus être modifié"):
        services.add_objective(path=path, text="X", deadline=dt.date(2026, 1, 1), by=None)


def test_double_submission_is_refused_without_loss(world):
    path = DerogatoireFactory(student__current_school=world.school_a, signed=True)
    path.transmit(by=None, now=NOW)
    stale = type(path).objects.get(pk=path.pk)
    with pytest.raises(ValidationError, match="Passage impossible"):
        stale.transmit(by=None, now=NOW)
    assert path.events.filter(to_state="transmis").count() == 1


def test_pafi_validation_by_configured_role(world):
    u = world.users
    pafi = PafiFactory(student__current_school=world.school_a)
    pafi.submit(by=u.referent_a, now=NOW)
    with pytest.raises(ValidationError, match="autre rôle"):
        pafi.decide(by=as_role(u.dasen1), now=NOW, accept=True)
    with override_settings(PREVENTION_PAFI_VALIDATOR_ROLE="ia_dasen"):
        pafi.decide(by=as_role(u.dasen1), now=NOW, accept=True)
    pafi.start(by=u.referent_a, started_on=dt.date(2025, 11, 24))
    assert deadlines(pafi)["pafi_fin"].due_date == dt.date(2026, 6, 30)
    with pytest.raises(ValidationError, match="au moins un bilan"):
        pafi.close(by=None, outcome="retour_classe", closed_on=dt.date(2026, 6, 30))
    services.add_bilan(
        path=pafi, kind="final", date=dt.date(2026, 6, 20), assessment="Projet construit", by=None
    )
    pafi.close(by=None, outcome="retour_classe", closed_on=dt.date(2026, 6, 30))
    assert all(d.completed_at for d in deadlines(pafi).values())


def test_tdo_offer_refused_is_kept_as_proof(world):
    tdo = TdoFactory(student__current_school=world.school_a)
    tdo.answer(by=None, accepted=False, answered_on=dt.date(2025, 11, 5), comment="Refus")
    tdo.refresh_from_db()
    assert tdo.status == "refuse" and tdo.events.get().to_state == "refuse"


def test_tdo_needs_bilan_and_outcome_to_close(world):
    tdo = TdoFactory(student__current_school=world.school_a)
    tdo.answer(by=None, accepted=True, answered_on=dt.date(2025, 11, 5))
    tdo.start(by=None, partner_kind="mission_locale", partner_name="ML", start_date=NOW.date())
    services.add_tdo_follow_up(
        tdo=tdo, date=dt.date(2025, 11, 27), participants="CPE, conseillère ML", note="RAS", by=None
    )
    with pytest.raises(ValidationError, match="bilan est requis"):
        tdo.close(by=None, bilan=" ", outcome="emploi")
    with pytest.raises(ValidationError, match="issue est requise"):
        tdo.close(by=None, bilan="Bien", outcome="")
    assert tdo.status == "en_parcours"
    assert deadlines(tdo)["tdo_fin"].due_date == dt.date(2026, 3, 19)
    tdo.close(by=None, bilan="Entrée en apprentissage", outcome="apprentissage")
    assert deadlines(tdo)["tdo_bilan"].completed_at is not None


def test_one_open_path_of_a_kind_per_pupil(world):
    s = CollegienFactory(current_school=world.school_a)
    services.offer_tdo(student=s, proposed_on=NOW.date(), by=None)
    with pytest.raises(ValidationError, match="déjà ouvert"):
        services.offer_tdo(student=s, proposed_on=NOW.date(), by=None)


def test_gpds_review_and_next_review_deadlines(world):
    s = CollegienFactory(current_school=world.school_a)
    first = MeetingFactory(school=world.school_a, date=dt.date(2025, 10, 9))
    second = MeetingFactory(school=world.school_a, date=dt.date(2025, 11, 13))
    r1 = services.record_review(
        meeting=first,
        student=s,
        decision=GpdsDecision.WATCH,
        in_charge="Mme Leroy",
        next_review_on=dt.date(2025, 11, 13),
        by=None,
    )
    assert deadlines(r1)["gpds_revue"].completed_at is None
    with pytest.raises(ValidationError, match="déjà été examiné"), transaction.atomic():
        services.record_review(
            meeting=first, student=s, decision="ppre", in_charge="X", next_review_on=None, by=None
        )
    services.record_review(
        meeting=second,
        student=s,
        decision=GpdsDecision.DEROGATOIRE,
        in_charge="M. Nguyen",
        next_review_on=dt.date(2026, 1, 8),
        by=None,
    )
    assert deadlines(r1)["gpds_revue"].completed_at is not None
    other = CollegienFactory(current_school=world.school_b)
    with pytest.raises(ValidationError, match="pas inscrit dans l'établissement"):
        services.record_review(
            meeting=second,
            student=other,
            decision="ppre",
            in_charge="X",
            next_review_on=None,
            by=None,
        )
    assert GpdsReview.objects.count() == 2


def test_mlds_referral_calls_the_mlds_service_when_present(world):
    s = CollegienFactory(current_school=world.school_a, birth_date=dt.date(2009, 5, 1))
    meeting = MeetingFactory(school=world.school_a)
    review = services.record_review(
        meeting=meeting,
        student=s,
        decision=GpdsDecision.MLDS,
        in_charge="Mme Roux",
        next_review_on=None,
        situation="Ne vient plus depuis octobre",
        by=world.users.referent_a,
    )
    try:
        from mlds.services import open_follow_up  # noqa: F401
    except ImportError:
        assert review.mlds_reference == ""
    else:
        assert review.mlds_reference

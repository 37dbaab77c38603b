"""The commission proposes, the IA-DASEN pronounces (domain.md §4.5: only the recteur — by
delegation the IA-DASEN — pronounces an assignment to a public school).

The pronouncement is made in batch from the session's docket, by the IA-DASEN or by a delegate
an administrator names per département; only then is the D.331-61 right used and the family
letter possible. DOSSIERS_CHAIR_PRONOUNCES makes the commission's decision the pronouncement.
"""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers import services
from dossiers.enums import DossierState
from dossiers.models import CommissionDecision, PronouncementDelegation, RightUse
from rulebook import registry

from ..accounts.factories import RoleAssignmentFactory, UserFactory
from .conftest import walk
from .factories import CapacityFactory, DossierFactory, SessionFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/reprepa"


@pytest.fixture
def proposed(world, frozen):
    """Two assignments proposed by a commission member at the 10/07/2025 session of 077."""
    session = SessionFactory(commission__departement=world.dep1)
    capacity = CapacityFactory(commission=session.commission, school=world.school_b, places=5)
    dossiers = []
    for name in ("Lefèvre", "Martin"):
        d = DossierFactory(student__current_school=world.school_a, student__last_name=name)
        walk(d, world.users.chef_a, "transmis_commission", proposed_school=world.school_b)
        services.decide(
            session=session,
            dossier=d,
            outcome="affecte",
            capacity=capacity,
            by=world.users.commission1,
        )
        d.refresh_from_db()
        dossiers.append(d)
    return session, capacity, dossiers


def test_domain_4_5_an_assignment_is_a_proposal_until_pronounced(world, proposed, media_root):
    """§4.5: before the pronouncement, no right used, no letter, no family information."""
    session, _, (lefevre, _) = proposed
    assert lefevre.state == DossierState.PROPOSITION_AFFECTATION
    assert lefevre.next_step == "Attendre le prononcé de l'affectation par l'IA-DASEN"
    assert not RightUse.objects.exists()
    with pytest.raises(ValidationError, match="pas encore prononcée"):
        services.render_family_letter(dossier=lefevre, by=world.users.chef_a)
    with pytest.raises(ValidationError, match="Aucune décision à annoncer"):
        services.request_letters(by=world.users.dasen1, session=session)
    with pytest.raises(ValidationError, match="n'est possible que si"):
        lefevre.inform_family(by=world.users.chef_a, on=dt.date(2025, 7, 9), channel="courrier")
    assert "inform_family" not in lefevre.available_transitions()


def test_domain_4_5_only_the_ia_dasen_or_a_delegate_pronounces(world, proposed, client_for):
    """§4.5: a commission member, the IEN-IO without delegation, another département's
    IA-DASEN cannot pronounce."""
    session, _, dossiers = proposed
    for user in (world.users.commission1, world.users.ienio1):
        with pytest.raises(ValidationError, match="Seul l'IA-DASEN du département"):
            services.pronounce(session=session, by=user)
    post = reverse("dossiers:session_pronounce", args=[session.public_id])
    body = {"dossiers": [str(d.public_id) for d in dossiers]}
    refused = client_for(world.users.ienio1).post(post, body)
    assert refused.status_code == 403
    assert "Seul l&#x27;IA-DASEN du département" in refused.text
    assert client_for(world.users.dasen2).post(post, body).status_code == 404
    page = client_for(world.users.commission1).get(session.get_absolute_url()).text
    assert "Prononcer les affectations cochées" not in page
    assert "Seul l'IA-DASEN, ou la personne à qui il a délégué ce prononcé" in page
    assert f"{world.users.dasen1} (IA-DASEN)" in page
    assert not CommissionDecision.objects.filter(pronounced_at__isnull=False).exists()


def test_domain_4_5_the_ia_dasen_pronounces_in_batch_from_the_docket(
    world, proposed, client_for, media_root
):
    session, capacity, (lefevre, martin) = proposed
    client = client_for(world.users.dasen1)
    page = client.get(session.get_absolute_url()).text
    assert "Affectations proposées en attente du prononcé (2)" in page
    post = reverse("dossiers:session_pronounce", args=[session.public_id])
    assert client.post(post, {}).status_code == 400  # nothing ticked
    response = client.post(post, {"dossiers": [str(lefevre.public_id)]}, follow=True)
    assert "1 affectation prononcée" in response.text
    lefevre.refresh_from_db()
    martin.refresh_from_db()
    assert lefevre.state == DossierState.DECIDE_COMMISSION
    assert lefevre.decision.pronounced_by == world.users.dasen1
    assert lefevre.decided_on == dt.date(2025, 7, 9)
    assert martin.state == DossierState.PROPOSITION_AFFECTATION
    assert list(RightUse.objects.values_list("dossier", flat=True)) == [lefevre.pk]
    assert lefevre.transitions.last().action == "pronounce_assignment"
    # Twice: nothing is pronounced twice.
    again = client.post(post, {"dossiers": [str(lefevre.public_id)]})
    assert again.status_code == 409 and "Aucune affectation proposée" in again.text
    # Letters are now possible for the pronounced one only.
    doc = services.render_family_letter(dossier=lefevre, by=world.users.chef_a)
    from .conftest import pdf_text

    text = pdf_text(doc.file.path)
    assert "Sur proposition de la commission d'affectation du département Seine-et-Marne" in text
    assert "a prononcé le 9 juillet 2025" in text


def _delegate(world, **dates):
    return PronouncementDelegation.objects.create(
        departement=world.dep1,
        delegate=world.users.ienio1,
        quality="IEN-IO, adjointe à l'IA-DASEN",
        act_reference="Arrêté n° 2025-17 du 1er juillet 2025",
        **dates,
    )


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "allowed"),
    [
        (dt.date(2025, 7, 9), None, True),  # first day of the delegation
        (dt.date(2025, 7, 1), dt.date(2025, 7, 9), True),  # last day, inclusive
        (dt.date(2025, 7, 1), dt.date(2025, 7, 8), False),  # ended the day before
        (dt.date(2025, 7, 10), None, False),  # starts tomorrow
    ],
)
def test_domain_4_5_a_delegate_pronounces_only_while_the_delegation_runs(
    world, proposed, valid_from, valid_until, allowed
):
    """Today is 9 July 2025: the delegation's first and last days count."""
    session, _, (lefevre, martin) = proposed
    _delegate(world, valid_from=valid_from, valid_until=valid_until)
    if not allowed:
        with pytest.raises(ValidationError, match="Seul l'IA-DASEN"):
            services.pronounce(session=session, by=world.users.ienio1)
        return
    done, refused = services.pronounce(session=session, by=world.users.ienio1)
    assert {d.dossier_id for d in done} == {lefevre.pk, martin.pk} and refused == []
    # The delegation is per département: the 093 commission's sessions stay out of reach.
    assert not PronouncementDelegation.objects.filter(departement=world.dep2).exists()


def test_a_delegation_names_a_member_of_that_departements_commission(world):
    outsider = UserFactory(username="outsider")
    RoleAssignmentFactory(user=outsider, role="ien_io", departement=world.dep2)
    delegation = PronouncementDelegation(
        departement=world.dep1,
        delegate=outsider,
        quality="IEN-IO",
        valid_from=dt.date(2025, 7, 1),
        valid_until=dt.date(2025, 6, 30),
    )
    with pytest.raises(ValidationError) as exc:
        delegation.full_clean()
    assert "ne peut pas précéder son début" in str(exc.value)
    assert "aucun rôle de la commission d'affectation dans ce département" in str(exc.value)


def test_an_administrator_names_the_delegate_in_the_admin(world, client_for):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    RoleAssignmentFactory(user=admin, role="administrateur", academie=world.academie)
    client = client_for(admin)
    url = "/admin/dossiers/pronouncementdelegation/add/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "departement": world.dep1.pk,
            "delegate": world.users.ienio1.pk,
            "quality": "IEN-IO",
            "act_reference": "Arrêté du 1er juillet 2025",
            "valid_from": "2025-07-01",
            "valid_until": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    delegation = PronouncementDelegation.objects.get()
    assert delegation.delegate == world.users.ienio1
    assert delegation.history.count() == 1


def test_a_lapsed_right_is_refused_at_the_pronouncement_the_others_go_through(
    world, proposed, on_day
):
    """D.331-61: the right is used at the pronouncement, so it must still run that day —
    the last day (rentrée + grace) is accepted, the next one refused with its reason."""
    session, _, (lefevre, martin) = proposed
    end = lefevre.right_end
    RightUse.objects.create(
        student=martin.student,
        exam=martin.exam_result.exam,
        specialty=martin.exam_result.specialty,
        dossier=DossierFactory(student=martin.student, exam_result__session_year=2023),
        session_year=2023,
        school_year=2023,
        used_on=dt.date(2023, 9, 4),
    )
    on_day(end + dt.timedelta(days=1))
    done, refused = services.pronounce(session=session, by=world.users.dasen1)
    assert done == []
    assert any("a pris fin le" in r for r in refused)
    assert any("déjà été utilisé" in r for r in refused)
    on_day(end)
    done, refused = services.pronounce(session=session, by=world.users.dasen1)
    assert [d.dossier_id for d in done] == [lefevre.pk]
    assert len(refused) == 1 and "MARTIN" in refused[0]


def test_a_declined_proposal_frees_its_place_without_using_the_right(world, proposed):
    _, capacity, (lefevre, _) = proposed
    services.record_withdrawal(decision=lefevre.decision, by=world.users.commission1, reason="Non")
    lefevre.refresh_from_db()
    capacity.refresh_from_db()
    assert lefevre.state == DossierState.SANS_SOLUTION
    assert capacity.assigned == 1
    assert not RightUse.objects.exists()


def test_setting_chair_pronounces_makes_the_decision_the_pronouncement(world, frozen, settings):
    """DOSSIERS_CHAIR_PRONOUNCES (académies where the chair holds the delegation)."""
    settings.DOSSIERS_CHAIR_PRONOUNCES = True
    session = SessionFactory(commission__departement=world.dep1)
    capacity = CapacityFactory(commission=session.commission, school=world.school_b)
    d = DossierFactory(student__current_school=world.school_a)
    walk(d, world.users.chef_a, "transmis_commission", proposed_school=world.school_b)
    decision = services.decide(
        session=session, dossier=d, outcome="affecte", capacity=capacity, by=world.users.ienio1
    )
    d.refresh_from_db()
    assert d.state == DossierState.DECIDE_COMMISSION
    assert decision.pronounced_by == world.users.ienio1
    assert RightUse.objects.filter(dossier=d).exists()
    assert [t.action for t in d.transitions.all()][-2:] == [
        "propose_assignment",
        "pronounce_assignment",
    ]
    with pytest.raises(ValidationError, match="vaut prononcé"):
        services.pronounce(session=session, by=world.users.dasen1)


def test_the_setting_is_listed_with_its_source_on_the_rules_page(world, client_for):
    rule = registry.get("DOSSIERS_CHAIR_PRONOUNCES")
    assert rule.is_setting and rule.value is False
    page = client_for(world.users.chef_a).get(reverse("rulebook:rules")).text
    assert "DOSSIERS_CHAIR_PRONOUNCES" in page
    assert "par délégation l&#x27;IA-DASEN, prononce une affectation" in page


def test_the_api_pronounces_with_the_same_rules(world, proposed, api_for):
    session, _, (lefevre, martin) = proposed
    path = f"{API}/seances/{session.public_id}/pronounce/"
    refused = api_for(world.users.commission1).post(path, {}, format="json")
    assert refused.status_code == 403 and "Seul l'IA-DASEN" in refused.json()["detail"]
    assert api_for(world.users.dasen2).post(path, {}, format="json").status_code == 404
    assert (
        api_for(world.users.dasen1).post(path, {"dossiers": ["x"]}, format="json").status_code
        == 400
    )
    r = api_for(world.users.dasen1).post(path, {"dossiers": [str(martin.public_id)]}, format="json")
    assert r.status_code == 200
    assert [row["dossier"] for row in r.json()["pronounced"]] == [str(martin.public_id)]
    assert r.json()["pronounced"][0]["pronounced_at"]
    r = api_for(world.users.dasen1).post(path, {}, format="json")
    assert [row["dossier"] for row in r.json()["pronounced"]] == [str(lefevre.public_id)]


def test_data_migration_keeps_former_assignments_as_pronounced(world, proposed):
    """Decisions « affecté » recorded before the pronouncement step were final: they are
    kept as pronounced by whoever decided them, on that day."""
    session, _, (lefevre, _) = proposed
    migration = importlib.import_module(
        "dossiers.migrations.0005_cross_departement_and_pronouncement"
    )
    migration.keep_existing_decisions(apps, None)
    decision = CommissionDecision.objects.get(dossier=lefevre)
    assert decision.pronounced_at == decision.decided_at
    assert decision.pronounced_by == world.users.commission1
    assert session.proposals().count() == 0


def test_the_demo_session_shows_proposals_awaiting_the_pronouncement(world, on_day):
    from io import StringIO

    from dossiers import demo

    from ..students.factories import StudentFactory

    on_day(dt.date(2025, 7, 9))
    for username, user in (
        ("chef.lycee", world.users.chef_a),
        ("dasen.77", world.users.dasen1),
        ("commission.77", world.users.commission1),
    ):
        user.username = username
        user.save()
    StudentFactory.create_batch(30, current_school=world.school_a)
    demo.build(today=dt.date(2025, 7, 9), stdout=StringIO())
    session = world.dep1.commission.sessions.get()
    assert session.proposals().count() == 2
    page_user = world.users.dasen1
    assert can_pronounce_now(page_user, session)


def can_pronounce_now(user, session):
    from dossiers.models import can_pronounce

    user.active_role = user.roles[0]
    return can_pronounce(user, session.commission.departement_id)

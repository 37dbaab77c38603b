"""The data migration links the free text of existing TDO to the partner directory."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from territories.models import Partner, PartnerContact

from ..students.factories import StudentFactory
from ..territories.factories import BassinFactory, DepartementFactory, EtablissementFactory

BEFORE = ("prevention", "0004_transition_log_base")
AFTER = ("prevention", "0005_tdo_partner_from_directory")


def migrate(prevention_node):
    """Every app at its leaf but prevention at `prevention_node`; the apps of that state."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    targets = [node for node in leaves if node[0] != "prevention"] + [prevention_node]
    executor.migrate(targets)
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_free_text_partners_are_matched_or_created_and_the_text_kept_in_history():
    apps = migrate(BEFORE)
    # Only prevention is rolled back: the other apps' current models and factories still fit.
    Tdo = apps.get_model("prevention", "Tdo")
    dep, other = DepartementFactory(code="077"), DepartementFactory(code="093")
    school = EtablissementFactory(bassin=BassinFactory(departement=dep))
    known = Partner.objects.create(
        name="Mission locale de Melun", partner_type="mission_locale", departement=dep
    )
    PartnerContact.objects.create(partner=known, name="Mme Durand")
    Partner.objects.create(name="E2C 93", partner_type="e2c", departement=other)

    def tdo(n, **partner):
        student = StudentFactory(current_school=school)
        return Tdo.objects.create(
            student_id=student.pk, school_id=school.pk, proposed_on=dt.date(2025, 11, 3), **partner
        ).pk

    matched = tdo(
        1,
        partner_kind="mission_locale",
        partner_name=" mission locale de MELUN ",
        partner_contact="mme durand",
    )
    created = tdo(2, partner_kind="e2c", partner_name="E2C 93", partner_contact="M. Roux")
    unnamed = tdo(3, partner_kind="cfa")
    untouched = tdo(4)

    apps = migrate(AFTER)
    Tdo = apps.get_model("prevention", "Tdo")
    PathEvent = apps.get_model("prevention", "PathEvent")
    row = Tdo.objects.select_related("partner", "contact")

    first = row.get(pk=matched)
    assert first.partner.name == "Mission locale de Melun" and first.contact.name == "Mme Durand"
    second = row.get(pk=created)
    # The homonym of another département is not reused: the school's département gets one.
    assert (second.partner.departement_id, second.partner.partner_type) == (dep.pk, "e2c")
    assert second.contact.name == "M. Roux"
    assert row.get(pk=unnamed).partner.name == "CFA"
    assert row.get(pk=untouched).partner is None
    assert Partner.objects.filter(name="E2C 93").count() == 2
    assert Partner.objects.filter(name__iexact="mission locale de melun").count() == 1

    note = PathEvent.objects.get(tdo_id=matched)
    assert note.payload["saisie"]["partner_name"] == " mission locale de MELUN "
    assert "mission locale de MELUN" in note.comment and "mme durand" in note.comment
    assert not PathEvent.objects.filter(tdo_id=untouched).exists()

    # Reversible: the text typed comes back from the history.
    apps = migrate(BEFORE)
    Tdo = apps.get_model("prevention", "Tdo")
    back = Tdo.objects.get(pk=matched)
    assert (back.partner_name, back.partner_contact) == (" mission locale de MELUN ", "mme durand")
    migrate(
        max(
            n
            for n in MigrationExecutor(connection).loader.graph.leaf_nodes()
            if n[0] == "prevention"
        )
    )

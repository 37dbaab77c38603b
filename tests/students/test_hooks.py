"""`students` asks the apps above it through students.hooks, never by importing them."""

import pytest

from students import hooks
from students.models import Student

from .factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_the_upper_apps_registered_their_answers():
    from dossiers.hooks import pupils_of_visible_dossiers
    from mlds.services import held_diplomas

    assert hooks.pupil_scope("membre_commission") is pupils_of_visible_dossiers
    assert hooks.pupil_scope("chef_etablissement") is None
    assert held_diplomas in hooks._diploma_sources
    assert hooks.exit_follow_up().label == "Suivi MLDS"


def test_a_commission_member_reads_no_pupil_without_the_dossiers_rule(world, monkeypatch):
    """Deny by default: a narrowed role whose app registered no rule sees nobody, never the
    whole département."""
    StudentFactory(current_school=world.school_a)
    member = world.users.commission1
    monkeypatch.setattr(hooks, "_pupil_scopes", {})
    assert not Student.objects.visible_to(member).exists()
    # The director of the CIO keeps the structural scope.
    assert Student.objects.visible_to(world.users.cio1).count() == 1

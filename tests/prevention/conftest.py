import pytest

from accounts.enums import Role

from ..accounts.factories import RoleAssignmentFactory, UserFactory


@pytest.fixture
def pworld(world):
    """The shared world plus the prevention personas it lacks."""

    def account(username, role, **structure):
        user = UserFactory(username=username)
        RoleAssignmentFactory(user=user, role=role, **structure)
        return user

    u = world.users
    u.referent_b = account("referent_b", Role.REFERENT_DECROCHAGE, etablissement=world.school_b)
    u.ienio2 = account("ienio2", Role.IEN_IO, departement=world.dep2)
    return world

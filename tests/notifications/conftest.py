import pytest

from notifications.calendar import seed_calendar_2025_2026


@pytest.fixture
def calendar_2025(world):
    return seed_calendar_2025_2026(academie=world.academie)

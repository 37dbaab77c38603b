import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_school_head_logs_in_and_sees_role(world, page, browser_login, live_server):
    browser_login(page, world.users.chef_a)
    assert "Chef d'établissement" in page.get_by_test_id("active-role").inner_text()
    assert page.locator("link[href*='dsfr']").count() >= 1

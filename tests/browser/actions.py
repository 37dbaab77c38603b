"""The "Actions" accordion every workflow page shares (workflows/_actions.html), as a user
opens it."""

from playwright.sync_api import expect


def unfold(page, name, label):
    """The form of action `name`, unfolded by a click on its title `label` unless it is open
    already (a refused form comes back open). The accordion only opens once the DSFR script has
    started, and its state is read from the title's `aria-expanded`, not from an animation."""
    page.locator("html[data-fr-js='true']").wait_for(state="attached")
    title = page.locator(f"button[aria-controls='action-{name}']")
    expect(title).to_contain_text(label)
    if title.get_attribute("aria-expanded") != "true":
        title.click()
    expect(title).to_have_attribute("aria-expanded", "true")
    form = page.get_by_test_id(f"action-{name}")
    expect(form).to_be_visible()
    return form


def unfold_blocked(page, name):
    """Open a greyed action and return its reason."""
    page.locator("html[data-fr-js='true']").wait_for(state="attached")
    page.get_by_test_id(f"disabled-{name}").click()
    reason = page.get_by_test_id(f"reason-{name}")
    expect(reason).to_be_visible()
    return reason

"""A meeting's office holders in the admin, in a real browser: one compact row each, and the
page no wider than a 1,366 px screen."""

import factories
import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_page(live_server, new_page):
    factories.UserFactory(
        username="boss", password="pw-boss-12345", is_staff=True, is_superuser=True
    )
    page = new_page(viewport={"width": 1366, "height": 768})
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw-boss-12345")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    return page


def test_the_meeting_page_with_its_holders_fits_a_1366_px_screen(live_server, admin_page):
    meeting = factories.MeetingFactory()
    office = factories.OfficeFactory(
        name="Co-Chairs of the Standing Committee on Victim Assistance"
    )
    for position in range(3):
        factories.MandateFactory(
            meeting=meeting,
            convention=meeting.convention,
            office=office,
            position=position,
            state=factories.StateFactory(name=f"Test State with a long name {position}"),
            person=factories.PersonFactory(name=f"Test Person with a long name {position}"),
            detail="Eleventh Meeting of the States Parties (11MSP)",
        )
    admin_page.goto(f"{live_server.url}/admin/meetings/meeting/{meeting.pk}/change/")
    rows = admin_page.locator("#office_holders-group tbody tr.form-row.has_original")
    assert rows.count() == 3
    # One line each: no widget of a row wraps below another.
    heights = [rows.nth(i).bounding_box()["height"] for i in range(3)]
    assert all(height < 60 for height in heights), heights
    overflow = admin_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the meeting's admin page is {overflow}px wider than 1,366 px"

"""The markdown editor in the admin, in a real browser: its preview comes from our endpoint,
sanitised, for an editor who is logged in."""

import factories
import pytest
from django.contrib.auth.models import Permission

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor_page(live_server, new_page):
    user = factories.UserFactory(username="ed", password="pw-ed-12345", is_staff=True)
    # The permission itself, not the "ISU editor" group: live-server tests flush the database,
    # and with it the group that migration 0002 made.
    user.user_permissions.add(
        Permission.objects.get(codename="change_session", content_type__app_label="meetings")
    )
    page = new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", "pw-ed-12345")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    return page


def test_an_editor_sees_a_sanitised_preview_while_typing(live_server, editor_page):
    session = factories.SessionFactory()
    editor_page.goto(f"{live_server.url}/admin/meetings/session/{session.pk}/change/")
    editor = editor_page.locator("textarea#id_purpose")
    editor.fill(
        '**Rehabilitation first** <img src=x onerror="window.pwned=1">'
        " <script>window.pwned=2</script>"
    )
    editor.dispatch_event("input")
    preview = editor_page.locator(".field-purpose .markdownx-preview")
    preview.locator("strong", has_text="Rehabilitation first").wait_for()
    html = preview.inner_html()
    assert "onerror" not in html and "<script" not in html
    assert editor_page.evaluate("window.pwned") is None


def test_a_save_past_the_field_limit_says_so_and_back_returns_to_the_typing(
    live_server, editor_page, settings
):
    session = factories.SessionFactory(title="As saved")
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10  # the session's page sends more
    editor_page.goto(f"{live_server.url}/admin/meetings/session/{session.pk}/change/")
    editor_page.fill("#id_title", "Typed, not saved")
    editor_page.fill("textarea#id_purpose", "A purpose typed at length")
    editor_page.click("input[name=_save]")

    message = editor_page.locator(".errornote")
    message.wait_for()
    assert "more than 10 fields" in message.inner_text()
    editor_page.go_back()
    editor_page.wait_for_selector("#id_title")
    assert editor_page.input_value("#id_title") == "Typed, not saved"
    assert editor_page.input_value("textarea#id_purpose") == "A purpose typed at length"
    session.refresh_from_db()
    assert session.title == "As saved"


SCREEN = {"width": 1366, "height": 768}


def scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_programme_and_agenda_item_pages_fit_a_1366_px_screen(live_server, new_page):
    """The programme's sessions table was 1,888 px wide; an agenda item of 21 delegations, as
    21 inline forms, 14,500 px tall: its list is one text box now."""
    from meetings.models import Statement

    user = factories.UserFactory(
        username="wide", password="pw-wide-12345", is_staff=True, is_superuser=True
    )
    programme = factories.ProgrammeFactory(title="Intersessional meetings")
    room = factories.RoomFactory(name="Room XIX, Palais des Nations, a long room name")
    for n in range(3):
        factories.SessionFactory(
            programme=programme,
            date=programme.meeting.start_date,
            title=f"Updates from relevant States Parties on victim assistance, part {n}",
            room=room,
        )
    item = programme.sessions.first()
    for n in range(21):
        state = factories.StateFactory(
            iso_code=f"Q{chr(65 + n)}", name=f"State with a long official name number {n}"
        )
        Statement.objects.create(
            session=item, group=Statement.Group.UPDATES, position=n, state=state
        )
    page = new_page(viewport=SCREEN)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-wide-12345")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")

    page.goto(f"{live_server.url}/admin/meetings/programme/{programme.pk}/change/")
    page.wait_for_selector("#sessions-group")
    programme_width = scroll_width(page)
    table_right = page.evaluate(
        "Math.round(document.querySelector('#sessions-group table').getBoundingClientRect().right)"
    )
    page.goto(f"{live_server.url}/admin/meetings/session/{item.pk}/change/")
    page.wait_for_selector("#id_floor_updates")
    item_width = scroll_width(page)
    item_height = page.evaluate("document.documentElement.scrollHeight")
    print(
        f"programme page {programme_width} px wide (sessions table ends at {table_right} px); "
        f"agenda item {item_width} x {item_height} px"
    )
    assert programme_width <= SCREEN["width"] and table_right <= SCREEN["width"]
    assert item_width <= SCREEN["width"]
    assert item_height < 4000


def test_an_editor_enters_21_delegations_2_comments_and_3_files_in_one_save(
    live_server, editor_page, tmp_path
):
    """The item the issue's new user took 59 form submissions over, in a real browser: timed
    from opening the page to the saved page."""
    import time

    from meetings.models import Statement

    names = [
        "Afghanistan", "Albania", "Algeria", "Angola", "Bosnia and Herzegovina", "Cambodia",
        "Chile", "Colombia", "Croatia", "Cyprus", "Ecuador", "Eritrea", "Ethiopia", "Iraq",
        "Lao People's Democratic Republic", "Sudan", "South Sudan", "Tajikistan", "Thailand",
        "Trinidad and Tobago", "Yemen", "Mexico",
    ]  # fmt: skip
    for n, name in enumerate(names):
        short = "Lao PDR" if name.startswith("Lao") else ""
        factories.StateFactory(iso_code=f"Q{chr(65 + n)}", name=name, short_name=short)
    factories.OrganisationFactory(name="International Campaign to Ban Landmines", acronym="ICBL")
    item = factories.SessionFactory(title="Updates from relevant States Parties")
    files = []
    for name in ("Albania.pdf", "SCVA-2019-Lao-PDR-EN.pdf", "Croatia-FR.pdf"):
        path = tmp_path / name
        path.write_bytes(b"%PDF-1.7\n" + b"x" * 200 + b"\n%%EOF\n")
        files.append(str(path))

    started = time.monotonic()
    editor_page.goto(f"{live_server.url}/admin/meetings/session/{item.pk}/change/")
    editor_page.fill(
        "#id_floor_updates",
        "Updates from: " + ", ".join(names[:20]) + " and " + names[20] + ".",
    )
    editor_page.fill("#id_floor_comments", "Comments/questions: the ICBL and Mexico")
    editor_page.set_input_files("#id_statement_files", files)
    editor_page.click("input[name=_continue]")
    editor_page.locator(".messagelist .success").wait_for()
    took = time.monotonic() - started
    print(f"21 delegations, 2 comments and 3 files entered in one save, {took:.1f} s")

    updates = Statement.objects.filter(session=item, group=Statement.Group.UPDATES)
    assert [str(s.delegation) for s in updates] == names[:21]
    assert Statement.objects.filter(session=item, group=Statement.Group.COMMENTS).count() == 2
    assert sum(s.documents.count() for s in updates) == 3

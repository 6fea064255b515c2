"""Faults of issue 22, items 6, 9 and 10, tried end to end: drafts asked for by every kind of
user at every address that can show one, and hostile backups given to import_content."""

import factories
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.test import Client

from meetings.models import Programme, Status

SECRET = "Zanzibarian"  # in the title of every draft: a word no other content holds

DRAFT_CAPABLE = ["meeting", "programme", "session", "document", "workplan", "newspost"]


# -- drafts ----------------------------------------------------------------------------------


@pytest.fixture
def drafts(db):
    """A published meeting holding a draft programme (a session, a document of its own and one
    shown only by its presentation), a draft meeting, a draft work plan and a draft news post."""
    meeting = factories.MeetingFactory(slug="open-meeting")
    programme = factories.ProgrammeFactory(
        meeting=meeting, title=f"{SECRET} programme", slug="secret-programme", status=Status.DRAFT
    )
    session = factories.SessionFactory(
        programme=programme, title=f"{SECRET} session", slug="secret-session"
    )
    own = factories.DocumentFactory(programme=programme, title=f"{SECRET} programme document")
    shown = factories.DocumentFactory(title=f"{SECRET} presented document")
    factories.PresentationFactory(session=session, document=shown)
    factories.MeetingFactory(
        convention=meeting.convention,
        title=f"{SECRET} meeting",
        slug="secret-meeting",
        status=Status.DRAFT,
    )
    factories.WorkPlanFactory(
        title=f"{SECRET} work plan", slug="secret-work-plan", status=Status.DRAFT
    )
    factories.NewsPostFactory(title=f"{SECRET} news", slug="secret-news", status=Status.DRAFT)
    return {"own document": own, "presented document": shown}


PROGRAMME = "/meetings/open-meeting/secret-programme/"
ADDRESSES = {
    "meeting page": lambda d: "/meetings/secret-meeting/",
    "meeting calendar": lambda d: "/meetings/secret-meeting/meeting.ics",
    "programme page": lambda d: PROGRAMME,
    "programme PDF preview": lambda d: f"{PROGRAMME}programme.pdf",
    "schedule.json": lambda d: f"{PROGRAMME}schedule.json",
    "programme calendar": lambda d: f"{PROGRAMME}programme.ics",
    "session page": lambda d: f"{PROGRAMME}sessions/secret-session/",
    "session calendar": lambda d: f"{PROGRAMME}sessions/secret-session/session.ics",
    "work plan page": lambda d: "/coordination/work-plans/secret-work-plan/",
    "news page": lambda d: "/news/secret-news/",
    "document of a draft programme": lambda d: d["own document"].get_absolute_url(),
    "document shown only by a draft": lambda d: d["presented document"].get_absolute_url(),
}


def staff_with(codenames, username):
    user = factories.UserFactory(username=username, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="meetings", codename__in=codenames)
    )
    return user


def every_other_right():
    """Every right of the meetings app but viewing or changing the content drafts are of."""
    denied = {f"{action}_{model}" for model in DRAFT_CAPABLE for action in ("view", "change")}
    codenames = Permission.objects.filter(content_type__app_label="meetings").values_list(
        "codename", flat=True
    )
    return [codename for codename in codenames if codename not in denied]


USERS = {
    "anonymous": lambda: None,
    "staff with no rights": lambda: staff_with([], "clerk"),
    "staff with every other right": lambda: staff_with(every_other_right(), "other-clerk"),
    "an inactive editor": lambda: factories.EditorFactory(is_active=False),
    "an ISU editor": lambda: factories.EditorFactory(),
    "a superuser": lambda: factories.UserFactory(username="root", is_staff=True, is_superuser=True),
}
ALLOWED = {"an ISU editor", "a superuser"}


def client_of(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("address", ADDRESSES.values(), ids=ADDRESSES.keys())
@pytest.mark.parametrize("who", USERS.keys())
def test_a_draft_is_shown_only_to_users_allowed_to_view_it(drafts, address, who):
    url = address(drafts)
    response = client_of(USERS[who]()).get(url)
    if who in ALLOWED:
        assert response.status_code == 200, url
        assert "no-store" in response.get("Cache-Control", "")  # kept by no shared cache
    else:
        # The same answer as for an address that never existed: nothing tells a draft is there.
        assert response.status_code == 404, url
        assert SECRET.encode() not in response.content


def result_titles(client, **query):
    page = BeautifulSoup(client.get("/search/", query).content, "html.parser")
    return {link.get_text(): link.find_parent("li") for link in page.select("a.result-title")}


@pytest.mark.parametrize("who", USERS.keys())
def test_search_finds_drafts_only_for_users_allowed_to_view_them(drafts, who):
    found = result_titles(client_of(USERS[who]()), q=SECRET)
    if who in ALLOWED:
        kinds = ["meeting", "programme", "session", "work plan", "news"]
        documents = ["programme document", "presented document"]
        assert set(found) == {f"{SECRET} {title}" for title in kinds + documents}
        assert all("Draft - not public" in item.get_text() for item in found.values())
    else:
        assert found == {}


@pytest.mark.parametrize("who", ["staff with no rights", "staff with every other right"])
def test_the_admin_pdf_preview_is_refused_without_the_right_to_view_programmes(drafts, who):
    programme = Programme.objects.get(slug="secret-programme")
    client = client_of(USERS[who]())
    refused = client.get(f"/admin/meetings/programme/{programme.pk}/pdf/")
    missing = client.get("/admin/meetings/programme/999999/pdf/")
    assert refused.status_code == missing.status_code == 403  # the same for a missing one


def test_documents_shown_only_by_drafts_are_in_no_public_list(drafts, client):
    for url in ("/documents/", "/meetings/open-meeting/"):
        response = client.get(url)
        assert response.status_code == 200
        assert SECRET not in response.content.decode(), url
    assert result_titles(client, q="presented document", kind="documents") == {}

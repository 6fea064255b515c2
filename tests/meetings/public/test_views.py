"""The public pages serve what is published, filter, hide drafts and fail kindly."""

import datetime
import re

import factories
import pytest
from bs4 import BeautifulSoup

from meetings.models import Meeting, NewsPost, Status
from meetings.templatetags.meetings_tags import document_size


@pytest.fixture
def site(make_session):
    """One published thing of every kind a public page shows: {page: url}."""
    session = make_session(1)
    action = factories.ActionFactory()
    session.actions.add(action)
    work_plan = factories.WorkPlanFactory()
    post = factories.NewsPostFactory()
    factories.DocumentFactory(meeting=session.programme.meeting)
    meeting, programme = session.programme.meeting, session.programme
    return {
        "home": "/",
        "meetings": "/meetings/",
        "meetings filtered": f"/meetings/?convention={meeting.convention}&kind={meeting.kind}",
        "meeting": meeting.get_absolute_url(),
        "programme": programme.get_absolute_url(),
        "session": session.get_absolute_url(),
        "action plans": "/action-plans/",
        "action plan": action.plan.get_absolute_url(),
        "action": action.get_absolute_url(),
        "coordination": "/coordination/",
        "work plan": work_plan.get_absolute_url(),
        "news": "/news/",
        "news post": post.get_absolute_url(),
        "documents": "/documents/",
    }


PAGES = [
    "home",
    "meetings",
    "meetings filtered",
    "meeting",
    "programme",
    "session",
    "action plans",
    "action plan",
    "action",
    "coordination",
    "work plan",
    "news",
    "news post",
    "documents",
]


@pytest.mark.parametrize("page", PAGES)
def test_every_public_page_serves_its_content_in_english(site, client, page):
    response = client.get(site[page])
    assert response.status_code == 200
    assert b'<html lang="en">' in response.content


def test_programme_page_shows_sessions_presenters_questions_and_sizes(make_session, client):
    venue = factories.VenueFactory(name="Test Building", address="1 Test Street", city="Geneva")
    room = factories.RoomFactory(venue=venue, name="Salle 7", floor="Ground Floor")
    session = make_session(1, room=room, start_time=datetime.time(10, 15))
    for name in ("Test Presenter One", "Test Presenter Two"):
        factories.PresentationFactory(
            session=session,
            presenters=[factories.PersonFactory(name=name)],
            document=factories.DocumentFactory(file=None, size_bytes=44 * 1024),
        )
    factories.DiscussionQuestionFactory(
        session=session, text="How can a test be improved?", audience="states_parties"
    )
    factories.DocumentFactory(
        title="Test list", programme=session.programme, file=None, size_bytes=418 * 1024
    )
    page = client.get(session.programme.get_absolute_url()).content.decode()
    for text in [
        "Test Presenter One",
        "Test Presenter Two",
        "PDF 44KB",
        "PDF 418KB, not available online",
        "How can a test be improved?",
        "Salle 7, Ground Floor, Test Building, 1 Test Street, Geneva",
        "10:15",
        "States Parties&#x27; experts",
    ]:
        assert text in page, text


def test_action_page_lists_the_sessions_that_serve_it(make_session, client):
    action = factories.ActionFactory()
    make_session(1, title="Test session serving the action", actions=[action])
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Test session serving the action" in page


def test_unknown_page_is_a_friendly_404(db, client):
    response = client.get("/meetings/no-such-meeting/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.fixture
def draft_programme(make_session, programme):
    """The programme, a draft, with a session serving an action."""
    make_session(1, actions=[factories.ActionFactory()])
    programme.status = Status.DRAFT
    programme.save()
    return programme


def test_a_draft_programme_is_invisible_to_the_public(draft_programme, client):
    session = draft_programme.sessions.get()
    assert client.get(draft_programme.get_absolute_url()).status_code == 404
    assert client.get(session.get_absolute_url()).status_code == 404
    meeting_page = client.get(draft_programme.meeting.get_absolute_url()).content.decode()
    assert draft_programme.title not in meeting_page
    action_page = client.get(session.actions.get().get_absolute_url()).content.decode()
    assert session.title not in action_page


def test_staff_preview_a_draft_with_a_banner(draft_programme, editor_client):
    response = editor_client.get(draft_programme.get_absolute_url())
    assert response.status_code == 200
    assert b"Draft - not public" in response.content


def test_a_draft_meeting_hides_its_published_programmes(programme, client):
    Meeting.objects.update(status=Status.DRAFT)
    assert client.get(programme.get_absolute_url()).status_code == 404
    assert programme.meeting.title.encode() not in client.get("/meetings/").content
    assert client.get("/").status_code == 200


def test_a_draft_news_post_answers_404(db, client):
    post = factories.NewsPostFactory(title="Test news of a meeting")
    NewsPost.objects.update(status=Status.DRAFT)
    assert client.get(post.get_absolute_url()).status_code == 404
    assert b"Test news of a meeting" not in client.get("/news/").content


def test_a_server_error_shows_the_friendly_page(db, client, monkeypatch):
    def broken():
        raise RuntimeError("the database went away")

    monkeypatch.setattr("meetings.queries.home_page", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"the database went away" not in response.content


def test_meetings_filter_by_convention_and_kind(meeting, client):
    factories.MeetingFactory(
        convention=factories.ConventionFactory(short_name="CCM"), kind=Meeting.Kind.WORKSHOP
    )
    title = meeting.title.encode()
    assert title in client.get("/meetings/?convention=APMBC").content
    assert title not in client.get("/meetings/?convention=CCM").content
    assert title not in client.get("/meetings/?kind=workshop").content
    # An unknown kind is ignored rather than an error; an unknown convention matches nothing.
    assert title in client.get("/meetings/?kind=<script>").content


HOSTILE = ["%00", "%27%22%3E%3Cscript%3E", "x" * 10_000, "%E2%80%AE", "a%0D%0Ab", "..%2F..%2F"]


@pytest.mark.parametrize("value", HOSTILE, ids=["nul", "quotes", "10k", "rlo", "crlf", "dots"])
def test_hostile_filter_values_match_nothing_and_never_fail(meeting, client, value):
    factories.DocumentFactory(meeting=meeting)
    for url in (f"/meetings/?convention={value}&kind={value}", f"/documents/?meeting={value}"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "<script>" not in page
        assert "No meeting matches these filters." in page or "No document matches" in page


@pytest.mark.parametrize(
    "prefix, said",
    [
        ("", "No published meeting has the address given in the filter."),
        ("/fr", "Aucune réunion publiée ne se trouve à l'adresse donnée dans le filtre."),
        ("/es", "Ninguna reunión publicada se encuentra en la dirección indicada en el filtro."),
    ],
)
def test_the_documents_meeting_filter_offers_meetings_with_documents_and_names_a_wrong_one(
    meeting, client, prefix, said
):
    """Only meetings with public documents are offered (the others each led to an empty list);
    one without, asked for by its address, is shown chosen; an address no published meeting has
    (unknown, a draft's) is said to be one, instead of an empty list under "All meetings"."""
    factories.DocumentFactory(meeting=meeting)
    empty = factories.MeetingFactory(slug="no-documents-yet", convention=meeting.convention)
    draft = factories.MeetingFactory(slug="a-draft", status=Status.DRAFT)

    def read(query):
        page = client.get(f"{prefix}/documents/{query}").content.decode()
        select = page.split('name="meeting"')[1].split("</select>")[0]
        options = [
            (slug, " selected" if " selected" in rest else "")
            for slug, rest in re.findall(r'<option value="([-\w]+)"([^>]*)>', select)
        ]
        status = re.search(r'<p role="status">(.*?)</p>', page, re.S)[1]
        return options, " ".join(status.split())

    options, status = read("")
    assert options == [(meeting.slug, "")] and said not in status
    options, status = read(f"?meeting={empty.slug}")
    assert (empty.slug, " selected") in options and said not in status
    for wrong in ("no-such-meeting", draft.slug, "%00"):
        options, status = read(f"?meeting={wrong}")
        assert options == [(meeting.slug, "")] and status.endswith(said), wrong


@pytest.mark.parametrize("value", ["CCM", "ccm", "Ccm"])
def test_the_meetings_convention_filter_takes_a_short_name_in_any_case(db, client, value):
    ccm = factories.ConventionFactory(short_name="CCM")
    factories.MeetingFactory(title="Test CCM meeting", convention=ccm)
    factories.MeetingFactory(title="Test APMBC meeting")
    page = client.get(f"/meetings/?convention={value}").content.decode()
    assert "Test CCM meeting" in page and "Test APMBC meeting" not in page
    assert '<option value="CCM" selected>' in page
    assert "No convention has the short name" not in page


def test_the_meetings_list_says_when_no_convention_has_the_short_name_asked_for(db, client):
    factories.MeetingFactory(title="Test APMBC meeting")
    page = client.get("/es/meetings/?convention=NOPE").content.decode()
    assert "Test APMBC meeting" not in page
    assert "Ninguna convención lleva el nombre abreviado indicado en el filtro." in page


def test_documents_filter_by_meeting_kind_and_language(meeting, client):
    factories.DocumentFactory(title="Test presentation one", meeting=meeting)
    factories.DocumentFactory(title="Test presentation two", meeting=meeting)
    factories.DocumentFactory(title="List of Participants", kind="participants", meeting=meeting)

    def titles(query):
        page = client.get("/documents/" + query).content.decode()
        return sorted(re.findall(r'<span class="document-title">([^<]+)</span>', page))

    everything = titles("")
    assert "List of Participants" in everything and len(everything) == 3
    assert titles("?kind=participants") == ["List of Participants"]
    assert titles(f"?meeting={meeting.slug}") == everything
    assert titles("?meeting=no-such-meeting") == []
    assert titles("?meeting=%00") == []
    assert titles("?language=fr") == []
    assert titles("?language=xx&kind=yy") == everything  # unknown values are ignored


def test_a_document_set_is_one_row_with_a_link_per_language(db, client):
    for language in ("en", "fr"):
        factories.DocumentFactory(
            title="Test guidance", kind="guidance", symbol="TEST/2030/WP.1", language=language
        )
    page = client.get("/documents/?kind=guidance").content.decode()
    # One row, whatever its language: a second row would be marked lang="fr".
    assert len(re.findall(r'<span class="document-title"[^>]*>Test guidance<', page)) == 1
    hidden = '<span class="visually-hidden">, {}</span></a> <span'
    assert "English" + hidden.format("Test guidance") in page
    assert "French" + hidden.format('<span lang="fr">Test guidance</span>') in page


def test_a_documents_file_line_links_it_or_says_it_is_not_online(db, client):
    fields = {"title": "Test guidance", "kind": "guidance", "symbol": "TEST/2030/WP.1"}
    online = factories.DocumentFactory(language="en", **fields)
    factories.DocumentFactory(language="fr", file=None, size_bytes=418 * 1024, **fields)
    page = client.get("/documents/").content.decode()
    files = re.findall(r'<ul class="files">(.*?)</ul>', page, re.S)
    lines = re.findall(r"<li>(.*?)</li>", files[0], re.S)
    size = document_size(online.size_bytes)
    assert lines == [
        f'<a href="{online.get_absolute_url()}" hreflang="en">English'
        '<span class="visually-hidden">, Test guidance</span></a>'
        f' <span class="file-meta">PDF {size}</span>',
        'French <span class="file-meta">PDF 418KB, not available online</span>',
    ]


@pytest.mark.parametrize("prefix, name", [("", "English"), ("/fr", "anglais"), ("/es", "inglés")])
def test_a_documents_file_link_is_named_by_its_language_then_its_title(db, client, prefix, name):
    """Listed by a screen reader among the page's links, a link reads "English, Test guidance",
    not "English" as every other English file's does; the title is marked as English on a page
    in another language."""
    document = factories.DocumentFactory(title="Test guidance", kind="guidance", language="en")
    page = client.get(f"{prefix}/documents/").content.decode()
    link = re.search(rf'<a href="[^"]*/documents/{document.pk}/[^"]*"[^>]*>(.*?)</a>', page)
    title = "Test guidance" if not prefix else '<span lang="en">Test guidance</span>'
    assert link[1] == f'{name}<span class="visually-hidden">, {title}</span>'


def test_the_action_page_lists_sessions_work_plans_and_activities_newest_first(
    make_session, client
):
    action = factories.ActionFactory()
    make_session(1, actions=[action])  # 22 May 2030
    factories.WorkPlanFactory(start_year=2033, end_year=2034).actions.add(action)
    factories.ActivityFactory(year=2031, month=9).actions.add(action)
    page = client.get(action.get_absolute_url()).content.decode()
    badges = re.findall(r'<span class="badge">(Session|Work plan|Activity)</span>', page)
    assert badges == ["Work plan", "Activity", "Session"]  # 2033, 2031, 2030
    assert "3 places, newest first." in page


@pytest.mark.parametrize("prefix, english_name", [("/fr", "anglais"), ("/es", "inglés")])
def test_the_language_filter_names_languages_in_the_page_language_untagged(
    db, client, prefix, english_name
):
    page = client.get(f"{prefix}/documents/").content.decode()
    select = page[
        page.index('<select id="f-language"') : page.index(
            "</select>", page.index('id="f-language"')
        )
    ]
    assert re.search(rf'<option value="en">{english_name}</option>', select)
    # The names are in the page's language: none is tagged as the language it names.
    assert 'lang="' not in select


@pytest.mark.parametrize(
    ("prefix", "expected", "in_sentence"),
    [
        ("/fr", "Bâtiment de l'OMM, 1 Test Street", ", bâtiment de l'OMM, 1 Test Street"),
        ("/es", "Edificio de la OMM, 1 Test Street", ", edificio de la OMM, 1 Test Street"),
        ("", "Test Building, 1 Test Street", ", Test Building, 1 Test Street"),
    ],
)
def test_a_venue_opening_a_field_starts_with_a_capital_and_keeps_its_case_in_a_sentence(
    meeting, programme, make_session, client, prefix, expected, in_sentence
):
    meeting.venue = factories.VenueFactory(
        name_fr="bâtiment de l'OMM", name_es="edificio de la OMM"
    )
    meeting.save()
    make_session(1)

    def soup(url):
        return BeautifulSoup(client.get(prefix + url).content, "html.parser")

    facts = soup(meeting.get_absolute_url()).select("dl.facts > div")
    venue = [div.dd.get_text(" ", strip=True) for div in facts][1]
    assert venue.startswith(expected)
    # Inside the programme page's opening sentence the name keeps its lower case.
    lede = soup(programme.get_absolute_url()).select_one("p.lede").get_text()
    assert in_sentence in lede


@pytest.mark.parametrize(
    ("prefix", "past", "upcoming"),
    [
        ("", ["No programme is published.", "No documents."], ["No documents yet."]),
        ("/fr", ["Aucun programme n'est publié.", "Aucun document."], ["pour l'instant"]),
        ("/es", ["No hay ningún programa publicado.", "No hay documentos."], ["Todavía no hay"]),
    ],
)
def test_a_past_meeting_without_documents_says_none_not_none_yet(
    meeting, client, prefix, past, upcoming
):
    ended = factories.MeetingFactory(
        convention=meeting.convention,
        slug="may-2004",
        start_date=datetime.date(2004, 2, 9),
        end_date=datetime.date(2004, 2, 13),
    )

    def paragraphs(url):
        soup = BeautifulSoup(client.get(prefix + url).content, "html.parser")
        return " ".join(p.get_text() for p in soup.main.find_all("p"))

    shown = paragraphs(ended.get_absolute_url())
    assert all(words in shown for words in past), shown
    assert not any(words in shown for words in upcoming)
    # A meeting still to come has none yet.
    assert all(words in paragraphs(meeting.get_absolute_url()) for words in upcoming)

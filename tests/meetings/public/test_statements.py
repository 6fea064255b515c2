"""An agenda item's statements and a panel's panellists wherever delegates read a programme: the
session and programme pages (the sentences the real agendas write, "Updates from: Afghanistan,
Albania and Eritrea.", each name linking its statement, in the page's language), the PDF,
schedule.json, the calendar, search, and the "Download statements" zip.

Statements and panellists are made right in the published copy, after the programme is
published, so that these tests prove what the public side shows of a published copy, whatever
publishing copies into it (tests/meetings/publishing proves that)."""

import io
import json
import re
import zipfile

import factories
import pytest
from bs4 import BeautifulSoup
from django.contrib.postgres.search import SearchQuery
from django.core.files.storage import default_storage
from django.utils import translation
from icalendar import Calendar
from pypdf import PdfReader

from meetings import speakers
from meetings.models import Document, Edition, Programme, Session, State, Statement, Status
from meetings.publishing import bundles

UPDATES, COMMENTS = Statement.Group.UPDATES, Statement.Group.COMMENTS

pytestmark = pytest.mark.django_db

# (ISO code, English, French, Spanish) as the UN writes them; the Sudan takes "the".
UPDATING = [
    ("AF", "Afghanistan", "Afghanistan", "Afganistán"),
    ("AL", "Albania", "Albanie", "Albania"),
    ("BA", "Bosnia and Herzegovina", "Bosnie-Herzégovine", "Bosnia y Herzegovina"),
    ("KH", "Cambodia", "Cambodge", "Camboya"),
    ("HR", "Croatia", "Croatie", "Croacia"),
    ("SD", "Sudan", "Soudan", "Sudán"),
    ("ER", "Eritrea", "Érythrée", "Eritrea"),
]


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def published(session):
    """The published copy of the working copy's session `session`."""
    return Session.objects.select_related("programme__meeting").get(
        programme__working=session.programme, programme__edition=Edition.PUBLISHED, uid=session.uid
    )


def state(code, name, fr="", es="", **fields):
    return factories.StateFactory(iso_code=code, name=name, name_fr=fr, name_es=es, **fields)


def statement_file(language="en", name="statement"):
    return factories.DocumentFactory(
        kind=Document.Kind.STATEMENT, language=language, title=f"Test {name} ({language})"
    )


@pytest.fixture
def item():
    """A published agenda item: seven updates (each with an English and a French file), then
    comments from the ICBL and Mexico, made right in its published copy; and a panel."""
    working = factories.SessionFactory(title="Updates from States Parties")
    panel_working = factories.SessionFactory(
        programme=working.programme, title="Test panel", kind=Session.Kind.PANEL
    )
    session = published(working)
    for position, (code, en, fr, es) in enumerate(UPDATING):
        factories.StatementFactory(
            session=session,
            group=UPDATES,
            position=position,
            state=state(code, en, fr, es, with_article=code == "SD"),
            documents=[statement_file("en", en), statement_file("fr", en)],
        )
    icbl = factories.OrganisationFactory(
        name="International Campaign to Ban Landmines", acronym="ICBL"
    )
    factories.StatementFactory(
        session=session, group=COMMENTS, position=0, state=None, organisation=icbl
    )
    factories.StatementFactory(
        session=session,
        group=COMMENTS,
        position=1,
        state=state("MX", "Mexico", "Mexique", "México"),
    )
    panel = published(panel_working)
    cope = factories.OrganisationFactory(
        name="Cooperative Orthotic and Prosthetic Enterprise", acronym="COPE"
    )
    lao = state("LA", "Lao People's Democratic Republic", short_name="Lao PDR")
    factories.PanellistFactory(
        session=panel,
        title="Ms.",
        name="Kerryn Clarke",
        post="Programme Manager",
        organisation=cope,
        state=lao,
    )
    return session


def text(html):
    """The text of `html` as it reads, without the links to a statement's other languages."""
    soup = BeautifulSoup(html, "html.parser")
    for other in soup.select(".other-languages"):
        other.decompose()
    return re.sub(r"\s+", " ", soup.get_text())


def statements_block(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    soup = BeautifulSoup(response.content, "html.parser")
    return soup, soup.select_one(".statements")


def test_the_session_page_reads_as_the_agenda_does_each_name_linking_its_statement(client, item):
    soup, block = statements_block(client, item.get_absolute_url())
    assert (
        "Updates from: Afghanistan, Albania, Bosnia and Herzegovina, Cambodia, Croatia, "
        "the Sudan and Eritrea." in text(str(block))
    )
    assert "Comments/questions: ICBL and Mexico." in text(str(block))
    for statement in item.statements.exclude(state=None).filter(group=UPDATES):
        link = block.select_one(f"#statement-{statement.pk} a")
        english = statement.documents.get(language="en")
        assert link["href"] == english.get_absolute_url()  # the page's language first
        french = block.select_one(f'#statement-{statement.pk} a[hreflang="fr"]')
        assert french["href"] == statement.documents.get(language="fr").get_absolute_url()
        # Its name out of context, in a screen reader's list of links, still says whose it is.
        name = speakers.name_text(statement.state, "en")[0]
        assert french.get_text() == f"{name}, French"
    assert block.select_one("abbr[title='International Campaign to Ban Landmines']").text == "ICBL"


def test_the_french_page_names_states_in_french_with_et_and_links_the_french_file(client, item):
    _soup, block = statements_block(client, "/fr" + item.get_absolute_url())
    assert (
        "Afghanistan, Albanie, Bosnie-Herzégovine, Cambodge, Croatie, Soudan et Érythrée."
        in text(str(block))
    )
    assert "ICBL et Mexique." in text(str(block))
    sudan = item.statements.get(state__iso_code="SD")
    link = block.select_one(f"#statement-{sudan.pk} a")
    assert link["href"] == "/fr" + sudan.documents.get(language="fr").get_absolute_url()


def test_the_spanish_page_writes_e_before_an_i_sound():
    names = ["España", "Italia"]
    assert speakers.separators(names, "es") == [" e ", ""]
    assert speakers.separators(["Francia", "Hierro"], "es")[0] == " y "
    assert speakers.separators(["Francia", "Irlanda"], "es")[0] == " e "


def test_a_statement_on_behalf_of_another_reads_so(client, item):
    unicef = factories.OrganisationFactory(name="United Nations Children's Fund", acronym="UNICEF")
    unmat = factories.OrganisationFactory(name="UN Mine Action Team", acronym="UNMAT")
    factories.StatementFactory(
        session=item,
        group=Statement.Group.STATEMENTS,
        state=None,
        organisation=unicef,
        on_behalf_of_organisation=unmat,
    )
    _soup, block = statements_block(client, item.get_absolute_url())
    assert "Statements by: UNICEF on behalf of UNMAT." in text(str(block))


def test_the_panel_lists_its_panellists_as_the_source_gives_them(client, item):
    panel = item.programme.sessions.get(title="Test panel")
    response = client.get(panel.get_absolute_url())
    soup = BeautifulSoup(response.content, "html.parser")
    entries = [text(str(li)).strip() for li in soup.select("ul.panellists li")]
    assert entries == ["Ms. Kerryn Clarke, Programme Manager, COPE, Lao PDR"]


def test_the_programme_page_shows_statements_and_panellists(client, item):
    response = client.get(item.programme.get_absolute_url())
    page = text(response.content.decode())
    assert "Cambodia, Croatia, the Sudan and Eritrea." in page
    assert "Ms. Kerryn Clarke, Programme Manager, COPE, Lao PDR" in page


def test_each_delegation_is_in_the_pdf(client, item):
    response = client.get(item.programme.get_absolute_url() + "programme.pdf")
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(data))
    printed = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    for _code, name, _fr, _es in UPDATING:
        assert name in printed
    assert "Updates from:" in printed
    assert "ICBL and Mexico" in printed
    assert "Ms. Kerryn Clarke, Programme Manager, COPE, Lao PDR" in printed
    assert "Afghanistan (French)" in printed
    assert "Afghanistan, French" not in printed  # what only a screen reader hears stays off paper


def test_programme_json_gives_each_state_with_its_iso_code_and_each_organisation(client, item):
    response = client.get(item.programme.get_absolute_url() + "programme.json")
    events = json.loads(response.content)["programme"]["sessions"]
    statements = next(e for e in events if e["id"] == item.pk)["statements"]
    states = [(s["group"], s["delegation"].get("iso_code")) for s in statements]
    assert states == [("updates", code) for code, *_ in UPDATING] + [
        ("comments", None),
        ("comments", "MX"),
    ]
    assert statements[5]["speaker"] == "the Sudan"
    assert statements[7]["delegation"] == {
        "organisation": "International Campaign to Ban Landmines",
        "acronym": "ICBL",
    }
    assert [f["language"] for f in statements[0]["files"]] == ["en", "fr"]
    panellists = next(e for e in events if e["title"] == "Test panel")["panellists"]
    assert panellists[0]["country"]["iso_code"] == "LA"
    assert panellists[0]["text"] == "Ms. Kerryn Clarke, Programme Manager, COPE, Lao PDR"


def test_the_calendar_event_names_the_delegations(client, item):
    response = client.get(item.programme.get_absolute_url() + "programme.ics")
    calendar = Calendar.from_ical(response.content)
    descriptions = {
        str(event["summary"]): str(event["description"]) for event in calendar.walk("VEVENT")
    }
    described = descriptions["Updates from States Parties"]
    assert (
        "Updates from: Afghanistan, Albania, Bosnia and Herzegovina, Cambodia, Croatia, "
        "the Sudan and Eritrea." in described
    )
    assert "Comments/questions: ICBL and Mexico." in described
    assert "Ms. Kerryn Clarke, Programme Manager, COPE, Lao PDR" in descriptions["Test panel"]


@pytest.mark.parametrize("query", ["Sudan", "Soudan", "Érythrée", "ICBL", "Kerryn Clarke"])
def test_search_finds_the_item_where_a_delegation_spoke(client, item, query):
    response = client.get("/search/", {"q": query, "kind": "sessions"})
    soup = BeautifulSoup(response.content, "html.parser")
    titles = [text(str(a)).strip() for a in soup.select("main a")]
    expected = "Test panel" if query == "Kerryn Clarke" else "Updates from States Parties"
    assert expected in titles


def test_search_forgets_a_delegation_removed_and_learns_a_renamed_one(client, item):
    item.statements.filter(state__iso_code="SD").delete()
    found = Session.objects.filter(search_vector=words("Sudan"), pk=item.pk)
    assert not found.exists()
    assert Session.objects.filter(search_vector=words("Mexique"), pk=item.pk).exists()
    State.objects.filter(iso_code="MX").update(name_es="Estados Unidos Mexicanos")
    assert Session.objects.filter(search_vector=words("Mexicanos"), pk=item.pk).exists()


def words(query):
    return SearchQuery(query, config="english")


# -- the statements zip --------------------------------------------------------------------------


def zip_url(session):
    return session.get_absolute_url() + "statements.zip"


def test_download_statements_is_one_zip_of_the_items_files_built_once(client, item, monkeypatch):
    _soup, block = statements_block(client, item.get_absolute_url())
    link = block.find("a", string="Download statements")
    assert link["href"] == zip_url(item)
    built = []
    real_build = bundles.build
    monkeypatch.setattr(bundles, "build", lambda found: built.append(1) or real_build(found))

    response = client.get(zip_url(item))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert (
        ".zip" in response["Content-Disposition"]
        and "statements" in response["Content-Disposition"]
    )
    data = b"".join(response.streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert len(names) == 14  # seven States, an English and a French file each
    assert names[0] == "01-updates-afghanistan-en.pdf"
    assert names[11] == "12-updates-the-sudan-fr.pdf"
    first = item.statements.get(state__iso_code="AF").documents.get(language="en")
    assert archive.read(names[0]) == first.file.open("rb").read()
    # The size beside the link is the zip's, exactly.
    assert len(data) == bundles.zip_size(bundles.entries(_with_statements(item)))
    assert block.select_one(".downloads .file-meta").text.startswith("ZIP ")

    again = client.get(zip_url(item))
    assert b"".join(again.streaming_content) == data
    assert built == [1]  # built once, served from storage after


def _with_statements(session):
    from meetings import queries

    return queries.statement_bundle_session_by_id(session.pk)


def test_the_zip_holds_only_public_files(client, item):
    draft_meeting = factories.MeetingFactory(status=Status.DRAFT)
    hidden = statement_file("es", "hidden")
    hidden.meeting = draft_meeting
    hidden.save()
    item.statements.get(state__iso_code="MX").documents.add(hidden)
    response = client.get(zip_url(item))
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert not any("mexico" in name for name in names)


def test_the_zip_of_a_draft_answers_404(client, item):
    Programme.objects.filter(pk=item.programme.working_id).update(status=Status.DRAFT)
    Programme.objects.filter(pk=item.programme_id).update(status=Status.DRAFT)
    assert client.get(zip_url(item)).status_code == 404


def test_an_item_without_statement_files_has_no_zip(client, item):
    panel = item.programme.sessions.get(title="Test panel")
    assert client.get(zip_url(panel)).status_code == 404
    assert client.get(zip_url(item).replace(item.slug, "no-such-item")).status_code == 404


def test_a_replaced_statement_file_makes_a_new_zip(client, item):
    first = b"".join(client.get(zip_url(item)).streaming_content)
    document = item.statements.get(state__iso_code="AF").documents.get(language="en")
    document.file.save("new.pdf", io.BytesIO(factories.minimal_pdf("Replaced")))
    second = b"".join(client.get(zip_url(item)).streaming_content)
    assert first != second
    assert len(default_storage.listdir(bundles.FOLDER + f"/{item.programme_id}")[1]) == 2


def test_search_finds_where_a_state_spoke_by_a_name_it_is_known_by(client, item):
    """Türkiye is found as Turkey, its name on the meeting pages of 2004 to 2019 (migration
    0022 adds a State's other names to what its statements are found by)."""
    factories.StatementFactory(
        session=item, group=UPDATES, position=9, state=State.objects.get(iso_code="TR")
    )
    response = client.get("/search/", {"q": "Turkey", "kind": "sessions"})
    soup = BeautifulSoup(response.content, "html.parser")
    assert "Updates from States Parties" in [text(str(a)).strip() for a in soup.select("main a")]


def test_an_organisation_is_named_by_its_acronym_in_the_pages_language():
    icrc = factories.OrganisationFactory(
        name="International Committee of the Red Cross",
        acronym="ICRC",
        name_fr="Comité international de la Croix-Rouge",
        acronym_fr="CICR",
        acronym_es="CICR",
    )
    assert speakers.name_text(icrc, "en") == ("ICRC", False)
    assert speakers.name_text(icrc, "fr") == ("CICR", False)
    assert speakers.name_text(icrc, "es") == ("CICR", False)


def test_an_english_acronym_standing_in_for_a_translation_is_marked_english():
    icbl = factories.OrganisationFactory(
        name="International Campaign to Ban Landmines", acronym="ICBL"
    )
    assert speakers.name_text(icbl, "fr") == ("ICBL", True)
    with translation.override("fr"):
        html = speakers.name_html(icbl)
    assert 'lang="en"' in html and 'title="International Campaign to Ban Landmines">ICBL<' in html
    with translation.override("en"):
        assert 'lang="en"' not in speakers.name_html(icbl)


def test_a_state_without_a_short_name_in_the_language_takes_its_full_name_there():
    lao = State.objects.get(iso_code="LA")
    lao.short_name, lao.short_name_fr, lao.short_name_es = "Lao PDR", "", ""
    lao.save()
    assert speakers.name_text(lao, "en") == ("Lao PDR", False)
    french, fallback = speakers.name_text(lao, "fr")
    assert not fallback and french == lao.name_fr and french.strip()
    # With neither a short nor a full name in the language, the English short name stands in.
    lao.name_es = ""
    lao.save()
    assert speakers.name_text(lao, "es") == ("Lao PDR", True)

"""The site in English, French and Spanish (meetings/languages.py): the language is the one the
address names, every page says so (lang, hreflang, Content-Language), the switcher keeps the
delegate on the same page, dates are written the language's way, and the programme PDF exists
once per language."""

import datetime
import io
import re

import factories
import pytest
from admin_forms import form_data
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from meetings import languages
from meetings.models import Edition, Programme, ProgrammePDF, Session, State
from meetings.publishing import pdf, revisions

# Conftest's programme of its meeting (21 to 25 May 2030), which `content` fills.
PARALLEL = "/meetings/may-2030/parallel/"
SESSION = PARALLEL + "sessions/coordination/"


@pytest.fixture
def content(programme, make_session):
    """Conftest's programme, published once, with a background and a focus in English only,
    and a day of sessions (Wednesday 22 May 2030): a session on coordination in a room with its
    purpose, three questions and a presentation, then a break; and a news post."""
    programme.background = "Test text: why the programme meets, in **English** only."
    programme.focus = "Test text: what it concentrates on."
    programme.save()
    session = make_session(
        1,
        title="Test session on coordination",
        slug="coordination",
        room=factories.RoomFactory(),
        purpose="Test purpose of the session.",
        questions_intro="Test introduction to the questions:",
    )
    factories.DiscussionQuestionFactory.create_batch(3, session=session)
    factories.PresentationFactory(
        session=session,
        presenters=[factories.PersonFactory()],
        organisations=[factories.OrganisationFactory()],
    )
    make_session(2, title="Test break", slug="break", kind=Session.Kind.BREAK)
    factories.ProgrammeRevisionFactory(programme=programme, number=1)
    factories.NewsPostFactory(meeting=programme.meeting)
    return session


def page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response, BeautifulSoup(response.content, "html.parser")


def text(element):
    return re.sub(r"\s+", " ", element.get_text()).strip()


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return response, data


# -- the interface -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "lang", "heading", "day", "download_label"),
    [
        (
            "",
            "en",
            "Timetable at a glance",
            "Wednesday 22 May 2030",
            "Download the programme (PDF)",
        ),
        (
            "/fr",
            "fr",
            "Aperçu de l'horaire",
            "mercredi 22 mai 2030",
            "Télécharger le programme (PDF)",
        ),
        (
            "/es",
            "es",
            "Horario resumido",
            "miércoles 22 de mayo de 2030",
            "Descargar el programa (PDF)",
        ),
    ],
)
def test_the_programme_page_speaks_the_language_of_its_address(
    content, client, prefix, lang, heading, day, download_label
):
    response, soup = page(client, prefix + PARALLEL)
    assert soup.html["lang"] == lang
    assert response["Content-Language"] == lang
    assert text(soup.find(id="timetable")) == heading
    assert text(soup.select_one("table.timetable caption")) == day
    assert soup.find("a", string=download_label)["href"] == f"{prefix}{PARALLEL}programme.pdf"


def test_the_french_page_writes_its_labels_dates_and_counts_in_french(content, client):
    _, soup = page(client, "/fr" + PARALLEL)
    assert [text(li) for li in soup.select("nav.breadcrumbs li")][:3] == [
        "Accueil",
        "Réunions intersessions",
        "mai 2030",
    ]
    assert "du 21 au 25 mai 2030" in text(soup.select_one("p.lede"))
    assert soup.find("a", class_="skip-link").string == "Aller au contenu principal"
    assert soup.select_one("nav.main")["aria-label"] == "Menu principal"
    _, soup = page(client, "/fr/meetings/")
    assert re.fullmatch(r"\d+ réunions?\.", text(soup.find(attrs={"role": "status"})))


def test_the_spanish_session_page_writes_the_day_the_spanish_way(content, client):
    _, soup = page(client, "/es" + PARALLEL)
    session_url = soup.select_one("article.session h4 a")["href"]
    assert session_url.startswith("/es/meetings/")
    _, soup = page(client, session_url)
    facts = {text(d.dt): text(d.dd) for d in soup.select("dl.facts > div")}
    assert facts["Día"] == "miércoles 22 de mayo de 2030"
    assert {"Hora", "Sala", "Reunión"} <= facts.keys()


def test_an_address_without_a_prefix_is_english_whatever_the_browser_prefers(content, client):
    response, soup = page(client, PARALLEL, HTTP_ACCEPT_LANGUAGE="fr-CH, fr;q=0.9")
    assert soup.html["lang"] == "en"
    # One address, one language: caches and CDNs need no Vary on the browser's languages.
    assert "Accept-Language" not in response.get("Vary", "")


def test_the_switcher_leads_to_the_same_page_and_query_in_each_language(meeting, client):
    _, soup = page(client, "/fr/meetings/?kind=intersessional&page=1")
    links = soup.select("nav.languages a")
    assert [(a["lang"], a.string, a["href"]) for a in links] == [
        ("en", "English", "/meetings/?kind=intersessional&page=1"),
        ("fr", "Français", "/fr/meetings/?kind=intersessional&page=1"),
        ("es", "Español", "/es/meetings/?kind=intersessional&page=1"),
    ]
    assert [a.get("aria-current") for a in links] == [None, "true", None]
    for link in links:  # each one is a page that exists
        assert client.get(link["href"]).status_code == 200


def test_every_page_links_its_versions_in_the_other_languages(content, client):
    _, soup = page(client, "/es" + PARALLEL)
    alternates = {
        link["hreflang"]: link["href"] for link in soup.select("link[rel=alternate][hreflang]")
    }
    assert alternates == {
        "en": f"http://testserver{PARALLEL}",
        "fr": f"http://testserver/fr{PARALLEL}",
        "es": f"http://testserver/es{PARALLEL}",
        "x-default": f"http://testserver{PARALLEL}",
    }


def test_a_missing_page_in_french_says_so_in_french(db, client):
    response = client.get("/fr/meetings/no-such-meeting/")
    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["lang"] == "fr"
    assert text(soup.h1) == "Page introuvable"
    assert not soup.select("nav.languages")  # no other-language version of nothing


def test_an_unknown_language_prefix_is_not_a_page(content, client):
    assert client.get(PARALLEL).status_code == 200
    assert client.get("/de" + PARALLEL).status_code == 404


def test_the_back_office_stays_in_english(admin_client):
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert b'lang="en"' in response.content


def test_the_page_cache_keeps_each_language_apart(content, client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    english = Client().get(PARALLEL).content
    french = Client().get("/fr" + PARALLEL).content
    assert b'<html lang="en">' in english and b'<html lang="fr">' in french
    assert Client().get(PARALLEL).content == english  # a hit, still English
    assert Client().get("/fr" + PARALLEL).content == french


def test_the_changes_of_a_programme_are_told_in_the_page_language(content, client):
    _, soup = page(client, "/fr" + PARALLEL + "changes/")
    assert text(soup.h1) == "Modifications du programme"
    changes = [text(li) for li in soup.select("ol.timeline ul li")]
    assert "Première publication." in changes


def test_the_news_feed_is_in_the_page_language(content, client):
    response = client.get("/fr/news/feed.atom")
    assert response.status_code == 200
    assert "Réunions sur l'assistance aux victimes\u00a0: actualités" in response.content.decode()
    assert b'xml:lang="fr"' in response.content


# -- the programme PDF, once per language ----------------------------------------------------------


def test_the_french_pdf_has_french_labels_dates_and_name(content, client):
    response, data = download(client, "/fr" + PARALLEL + "programme.pdf")
    assert response["Content-Disposition"] == 'inline; filename="APMBC-2030-05-parallel-fr.pdf"'
    reader, content = pdf_text(data)
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert "Programme – mercredi 22 mai 2030" in content
    assert "Salle\u00a0: " in content or "Salle : " in content
    assert re.search(r"Page 1 sur \d", content)
    assert "Contexte" in content and "Background" not in content


def test_the_spanish_pdf_has_spanish_labels(content, client):
    _, data = download(client, "/es" + PARALLEL + "programme.pdf")
    _, content = pdf_text(data)
    assert "Programa – miércoles 22 de mayo de 2030" in content
    assert re.search(r"Página 1 de \d", content)


def test_each_language_has_its_own_stored_pdf_rendered_once(content, client):
    _, english = download(client, PARALLEL + "programme.pdf")
    _, french = download(client, "/fr" + PARALLEL + "programme.pdf")
    assert english != french
    rows = ProgrammePDF.objects.filter(programme__slug=PARALLEL.split("/")[-2])
    assert sorted(rows.values_list("language", flat=True)) == ["en", "fr"]
    # Again, in a new client: the stored French file, not a new render.
    _, again = download(Client(), "/fr" + PARALLEL + "programme.pdf")
    assert again == french
    assert rows.count() == 2
    assert rows.get(language="fr").get_absolute_url() == "/fr" + PARALLEL + "programme.pdf"


# -- documents in several languages ---------------------------------------------------------------


@pytest.fixture
def document_set(meeting):
    """One document, one symbol, in English, French and Spanish."""
    titles = {"en": "Co-Chairs' paper", "fr": "Document des coprésidents", "es": "Documento"}
    for language, title in titles.items():
        factories.DocumentFactory(
            title=title, meeting=meeting, symbol="APLC/MSP.11/2011/WP.1", language=language
        )
    return titles


@pytest.mark.parametrize(
    ("prefix", "order"),
    [
        ("", ["en", "fr", "es"]),
        ("/fr", ["fr", "en", "es"]),
        ("/es", ["es", "en", "fr"]),
    ],
)
def test_a_document_set_shows_the_page_language_first(client, document_set, prefix, order):
    _, soup = page(client, prefix + "/documents/")
    row = soup.select_one("ul.documents > li")
    assert [a["hreflang"] for a in row.select("ul.files a")] == order
    assert text(row.select_one(".document-title")) == document_set[order[0]]


# -- content in several languages ------------------------------------------------------------

NOTE_FR = "Certaines parties de cette page ne sont pas disponibles en français"


@pytest.fixture
def session_in_french(content):
    """The session on coordination with its title, purpose and questions in French, not in
    Spanish."""
    session = content
    session.title_fr = "Coordination et plans nationaux"
    session.purpose_fr = "Un **objectif** en français."
    session.questions_intro_fr = "Questions en français :"
    session.save()
    for number, question in enumerate(session.questions.all()):
        question.text_fr = f"Question {number + 1} en français ?"
        question.save()
    factories.show_published(session.programme)
    return session


def test_a_translated_session_reads_in_french_without_a_note(client, session_in_french):
    _, soup = page(client, "/fr" + SESSION)
    assert text(soup.h1) == "Coordination et plans nationaux"
    assert soup.h1.find(attrs={"data-untranslated": True}) is None
    assert "Un objectif en français." in text(soup.main)
    questions = [text(li) for li in soup.select("ol.questions li")]
    assert questions and all(q.endswith("en français ?") for q in questions)
    # The programme and the meeting have no French yet: those parts say so.
    assert text(soup.select_one("p.kicker")) == session_in_french.programme.title
    assert soup.select_one("p.kicker [data-untranslated]")["lang"] == "en"
    assert NOTE_FR in text(soup.select_one("main .untranslated-note"))
    _, soup = page(client, SESSION)
    assert text(soup.h1) == session_in_french.title
    assert not soup.select(".untranslated-note")


def test_a_missing_translation_shows_the_english_marked_and_noted(client, session_in_french):
    response, soup = page(client, "/es" + SESSION)
    assert text(soup.h1) == session_in_french.title  # no Spanish: the English
    assert soup.h1.span["lang"] == "en" and soup.h1.span.has_attr("data-untranslated")
    note = soup.select_one("main > .untranslated-note")
    assert text(note) == (
        "Algunas partes de esta página no están disponibles en español: se muestran en inglés."
    )
    assert soup.main.find(True) is note  # the first thing in the page's main part
    assert b"<!--untranslated-note-->" not in response.content
    assert int(response["Content-Length"]) == len(response.content)


def test_the_english_page_has_neither_note_nor_placeholder(content, client):
    response, soup = page(client, PARALLEL)
    assert not soup.select(".untranslated-note, [data-untranslated]")
    assert b"untranslated" not in response.content


def test_a_markdown_text_without_translation_is_a_block_marked_english(content, client):
    _, soup = page(client, "/fr" + PARALLEL)
    background = soup.find(id="background").find_next_sibling()
    assert background.name == "div" and background["lang"] == "en"
    assert background.has_attr("data-untranslated") and background.p


def test_translations_cost_no_extra_query(content, client):
    counts = {}
    for prefix in ("", "/fr", "/es"):
        with CaptureQueriesContext(connection) as queries:
            page(client, prefix + PARALLEL)
        counts[prefix] = len(queries)
    assert counts["/fr"] == counts["/es"] == counts[""]


def test_the_french_pdf_prints_the_translations_and_notes_the_rest(client, session_in_french):
    _, data = download(client, "/fr" + PARALLEL + "programme.pdf")
    _, content = pdf_text(data)
    assert "Coordination et plans nationaux" in content
    assert "Question 1 en français ?" in content
    assert "Certaines parties de ce document ne sont pas disponibles en français" in content


def test_the_admin_edits_the_translations_beside_each_other(editor_client, session_in_french):
    url = f"/admin/meetings/session/{session_in_french.pk}/change/"
    response = editor_client.get(url)
    soup = BeautifulSoup(response.content, "html.parser")
    heading = soup.find(lambda tag: tag.name in ("h2", "legend") and "In French" in tag.text)
    fieldset = heading.find_parent("fieldset")
    rows = [[i["name"] for i in row.select("[name]")] for row in fieldset.select(".form-row")]
    assert ["title_fr", "title_es"] in rows
    assert ["purpose_fr", "purpose_es"] in rows
    data = form_data(response)
    data["title_es"] = ["Coordinación y planes nacionales"]
    assert editor_client.post(url, data).status_code == 302
    revisions.publish(session_in_french.programme, "The session's title in Spanish.")
    _, soup = page(Client(), "/es" + SESSION)
    assert text(soup.h1) == "Coordinación y planes nacionales"


def test_a_document_title_is_marked_with_its_own_language(client, meeting):
    factories.DocumentFactory(title="Co-Chairs' paper", meeting=meeting, language="en")
    _, soup = page(client, "/es/documents/")
    assert soup.select_one(".document-title")["lang"] == "en"
    assert text(soup.select_one("ul.files li")).startswith("inglés")
    _, soup = page(client, "/documents/")
    assert not soup.select_one(".document-title").has_attr("lang")


def test_french_punctuation_and_lists_follow_the_page_language(db, client):
    activity = factories.ActivityFactory(convention=factories.ConventionFactory(short_name="CCM"))
    activity.coordinators.add(*factories.StateFactory.create_batch(2))
    _, soup = page(client, "/fr/coordination/")
    headings = [h.get_text() for h in soup.select("ol.timeline h3")]
    assert any(" et " in h and "CCM\u00a0: " in h for h in headings), headings
    assert not any(" and " in h for h in headings)


def test_a_breadcrumb_standing_in_english_is_marked_english(content, client):
    _, soup = page(client, "/fr" + SESSION)
    current = soup.select_one("nav.breadcrumbs [aria-current=page]")
    assert current.span["lang"] == "en" and current.span.has_attr("data-untranslated")


def test_the_documents_meeting_filter_names_each_meeting_in_the_page_language(meeting, client):
    factories.DocumentFactory(meeting=meeting)  # the filter offers meetings with documents
    _, soup = page(client, "/fr/documents/")
    option = soup.select_one(f'#f-meeting option[value="{meeting.slug}"]')
    assert option.text == meeting.title and option["lang"] == "en"  # English standing in
    meeting.title_fr = "Réunions intersessions, mai 2030"
    meeting.save()
    _, soup = page(client, "/fr/documents/")
    option = soup.select_one(f'#f-meeting option[value="{meeting.slug}"]')
    assert option.text == "Réunions intersessions, mai 2030" and not option.has_attr("lang")
    _, english = page(client, "/documents/")
    assert english.select_one(f'#f-meeting option[value="{meeting.slug}"]').text == meeting.title
    assert not english.select("#f-meeting option[lang]")


# A term that holds today, whenever the test runs: the coordination page lists current holders.
TERM = (datetime.date(2020, 1, 1), datetime.date(2099, 12, 31))


# -- States --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "name"),
    [
        ("", "Lao People's Democratic Republic"),
        ("/fr", "République démocratique populaire lao"),
        ("/es", "República Democrática Popular Lao"),
    ],
)
def test_a_state_is_named_in_the_language_of_the_page(db, client, prefix, name):
    lao = State.objects.get(iso_code="LA")
    factories.MandateFactory(state=lao, start_date=TERM[0], end_date=TERM[1])
    factories.ObligationFactory(state=lao)
    _, soup = page(client, prefix + "/coordination/")
    named = [text(cell) for cell in soup.select("main th[scope=row], main li")]
    assert name in named or any(item.startswith(name) for item in named), named
    assert "Lao People's Democratic Republic" not in text(soup.find("main")) or prefix == ""


def test_a_state_without_a_translation_is_named_in_english(db, client):
    state = State.objects.create(name="Test State of Nowhere", iso_code="XN")
    factories.MandateFactory(state=state, start_date=TERM[0], end_date=TERM[1])
    _, soup = page(client, "/fr/coordination/")
    assert "Test State of Nowhere" in text(soup.find("main"))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "1er décembre 2026"), ("en", "1 December 2026"), ("es", "1 de diciembre de 2026")],
)
def test_the_first_of_a_month_is_written_1er_in_french_only(language, expected):
    with translation.override(language):
        assert languages.day_format(datetime.date(2026, 12, 1), gettext("j F Y")) == expected
        assert languages.day_format(datetime.date(2026, 12, 2), gettext("j F Y")).startswith("2")


def test_a_range_of_days_is_written_in_each_language_in_turn():
    """The same two days asked again in another language give that language's words, and
    datetimes (not kept) the same words as their dates."""
    start, end = datetime.date(2026, 11, 30), datetime.date(2026, 12, 1)
    expected = {
        "en": ("30 November", "1 December 2026"),
        "fr": ("30 novembre", "1er décembre 2026"),
        "es": ("30 de noviembre", "1 de diciembre de 2026"),
    }
    for language in ["en", "fr", "es", "en", "fr"]:
        with translation.override(language):
            assert languages.day_texts(start, end) == expected[language]
            moments = [datetime.datetime.combine(day, datetime.time(9)) for day in (start, end)]
            assert languages.day_texts(*moments) == expected[language]


def test_french_pages_and_the_pdf_write_the_first_of_a_month_1er(programme, make_session, client):
    make_session(1, date=datetime.date(2030, 5, 21))
    programme.meeting.start_date = datetime.date(2030, 5, 1)
    programme.meeting.save()
    make_session(2, date=datetime.date(2030, 5, 1))
    page = client.get("/fr" + programme.get_absolute_url()).content.decode()
    assert "1er mai" in page
    with translation.override("fr"):
        copy = Programme.objects.get(working=programme, edition=Edition.PUBLISHED)
        assert "Programme – mercredi 1er mai 2030" in pdf.programme_html(copy)


# -- times, dates and wording in running text (issue 24) -------------------------------------------

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "quarter_past", "hour", "range_"),
    [
        ("fr", f"10{NBSP}h{NBSP}15", f"18{NBSP}h", f"10{NBSP}h{NBSP}– 10{NBSP}h{NBSP}15"),
        ("es", "10:15", "18:00", "10:00–10:15"),
        ("en", "10:15", "18:00", "10:00–10:15"),
    ],
)
def test_times_are_written_the_languages_way(language, quarter_past, hour, range_):
    with translation.override(language):
        assert languages.time_text(datetime.time(10, 15)) == quarter_past
        assert languages.time_text("18:00") == hour
        assert languages.times_text("10:00", "10:15") == range_


def test_a_date_and_time_reads_as_a_sentence_and_the_pdf_footer_writes_1er():
    printed_at = datetime.datetime(2026, 12, 1, 12, 9)
    with translation.override("fr"):
        assert languages.moment_text(printed_at) == f"1er décembre 2026 à 12{NBSP}h{NBSP}09"
        footer = pdf.printable(pdf.PRINTED_ON, printed_at)
        assert footer == f"Imprimé le 1er décembre 2026 à 12{NBSP}h{NBSP}09"
    with translation.override("es"):
        assert languages.moment_text(printed_at) == "1 de diciembre de 2026 a las 12:09"


def test_the_french_session_page_writes_french_times_and_names_the_zone_by_its_city(
    content, client
):
    _, soup = page(client, "/fr" + SESSION)
    times = soup.select("dl time[datetime*=T]")
    assert times[0]["datetime"] == "2030-05-22T10:00"  # machine values stay ISO
    assert text(times[0]) == "10 h"
    _, english = page(client, SESSION)
    assert "Europe/Zurich" not in english.get_text()


@pytest.mark.parametrize(
    ("prefix", "said"),
    [("", "Geneva time"), ("/fr", "heure de Genève"), ("/es", "hora de Ginebra")],
)
def test_the_time_zone_is_named_by_the_venues_city(content, client, prefix, said):
    meeting = content.programme.meeting
    meeting.venue = factories.VenueFactory(city="Geneva")
    meeting.save()
    _, soup = page(client, prefix + SESSION)
    assert f"({said})" in text(soup.find("main"))
    assert "Europe/Zurich" not in soup.get_text()


@pytest.mark.parametrize(
    ("zone", "said"),
    [("Europe/Zurich", "heure de Genève"), ("America/New_York", "heure de New York")],
)
def test_a_zone_without_a_venue_is_named_by_a_city_never_by_its_id(zone, said):
    meeting = factories.MeetingFactory.build(venue=None, time_zone=zone)
    with translation.override("fr"):
        assert str(languages.local_time_html(meeting)) == said


def test_a_spanish_list_writes_e_before_an_i_sound_everywhere():
    from meetings.templatetags.meetings_tags import and_list

    with translation.override("es"):
        assert (
            and_list(["Australia", "Austria", "Chile", "Iraq"])
            == "Australia, Austria, Chile e Iraq"
        )
        assert and_list(["Irlanda", "Italia"]) == "Irlanda e Italia"
        assert and_list(["Chile", "Hierro"]) == "Chile y Hierro"
    with translation.override("fr"):
        assert and_list(["Chile", "Iraq"]) == "Chile et Iraq"


def test_a_month_of_a_year_reads_enero_de_2024_in_spanish(db, client):
    factories.ActivityFactory(year=2024, month=1)
    _, soup = page(client, "/es/coordination/")
    assert "enero de 2024" in [text(t) for t in soup.select("ol.timeline time")]


def test_the_pdf_says_parts_of_the_document_not_the_page_are_in_english():
    html = f'{languages.UNTRANSLATED_NOTE}<span lang="en" {languages.UNTRANSLATED_MARK}>x</span>'
    with translation.override("es"):
        assert "de este documento" in languages.with_untranslated_note(html, document=True)
        assert "de esta página" in languages.with_untranslated_note(html)


def test_an_actions_staff_source_note_stays_off_its_public_page(db, client):
    action = factories.ActionFactory(source="Test note: words missing, for staff to fill.")
    for prefix in ("", "/fr", "/es"):
        _, soup = page(client, prefix + action.get_absolute_url())
        assert "for staff to fill" not in soup.get_text()


def test_an_action_page_without_mentions_does_not_say_it_is_implemented(db, client):
    action = factories.ActionFactory()
    _, soup = page(client, "/fr" + action.get_absolute_url())
    said = text(soup.find("main"))
    assert "ne se rapporte encore à cette action" in said
    assert "mise" not in said and "œuvre" not in said

"""The names a delegate reads in French and Spanish (issue 24): treaties and their acronyms,
action plans, organisations, venues and rooms, offices and honorifics, news categories, and the
texts of activities, milestones, mandate details, working groups, revision notes and
presentation titles. Each shows in the page's language where it has a translation, and as the
English marked lang="en" (with the page's note) where it has none; the PDF and the calendar too.
"""

import datetime
import io
import re

import factories
import pytest
from bs4 import BeautifulSoup
from django.utils import translation
from icalendar import Calendar
from pypdf import PdfReader

from meetings.copying import copy_programme
from meetings.models import Edition, Milestone, Presentation, Programme
from meetings.publishing import pdf, revisions

SEED_PARALLEL = "/meetings/intersessional-meetings-may-2012/parallel-programme-victim-assistance/"
APMBC_FR = (
    "Convention sur l'interdiction de l'emploi, du stockage, de la production et du transfert "
    "des mines antipersonnel et sur leur destruction"
)
APMBC_ES = (
    "Convención sobre la prohibición del empleo, almacenamiento, producción y transferencia de "
    "minas antipersonal y sobre su destrucción"
)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    return re.sub(r"\s+", " ", element.get_text()).strip()


def marked_english(soup):
    """The texts standing in English for a missing translation."""
    return [text(e) for e in soup.select('[lang="en"][data-untranslated]')]


# -- the seed content in French and Spanish -------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (
            "/fr",
            [
                "Comité international de la Croix-Rouge (CICR)",
                "Campagne internationale pour interdire les mines (ICBL)",
                "Salle B, rez-de-chaussée, bâtiment de l'OMM, 7 bis, avenue de la Paix, Genève",
            ],
        ),
        (
            "/es",
            [
                "Comité Internacional de la Cruz Roja (CICR)",
                "Campaña Internacional para la Prohibición de las Minas Terrestres (ICBL)",
                "Sala B, planta baja, edificio de la OMM, 7bis Avenue de la Paix, Ginebra",
            ],
        ),
    ],
)
def test_the_seed_programme_names_organisations_and_rooms_in_the_page_language(
    seeds, client, prefix, expected
):
    main = text(page(client, prefix + SEED_PARALLEL).main)
    for name in expected:
        assert name in main
    assert "International Committee of the Red Cross" not in main
    assert "Ground Floor" not in main


@pytest.mark.parametrize(
    ("prefix", "treaty", "acronyms", "plans"),
    [
        (
            "/fr",
            APMBC_FR,
            ["(CIMAP)", "Convention sur les armes à sous-munitions (CASM)"],
            [
                "Plan d'action de Nairobi",
                "Plan d'action de Carthagène",
                "Plan d'action de Lausanne",
            ],
        ),
        (
            "/es",
            APMBC_ES,
            ["(CPMA)", "Convención sobre Municiones en Racimo (CMR)"],
            [
                "Plan de Acción de Nairobi",
                "Plan de Acción de Cartagena",
                "Plan de Acción de Lausana",
            ],
        ),
    ],
)
def test_the_action_plans_page_names_treaties_and_plans_in_the_page_language(
    seeds, client, prefix, treaty, acronyms, plans
):
    main = page(client, prefix + "/action-plans/").main
    for name in [treaty, *acronyms, *plans]:
        assert name in text(main)
    # No English abbreviation where the language has none: the name stands alone.
    assert not re.search(r"\b(CAP|LAP|NAP|DAP|APMBC|CCM)\b", text(main))
    assert not marked_english(main)


def test_an_action_page_names_its_plan_in_the_page_language_title_included(seeds, client):
    soup = page(client, "/fr/action-plans/cartagena-action-plan/24/")
    assert text(soup.h1).startswith("Plan d'action de Carthagène")
    assert text(soup.title).startswith("Plan d'action de Carthagène")
    assert "Cartagena Action Plan" not in text(soup.main)


def test_the_meeting_filter_offers_each_treaty_in_the_language_its_address_in_english(
    seeds, client
):
    options = page(client, "/fr/meetings/").select("#f-convention option")
    offered = {o.get("value"): text(o) for o in options}
    assert offered["APMBC"] == f"CIMAP : {APMBC_FR}"  # text() writes the no-break space " "
    assert offered["CCM"] == "CASM : Convention sur les armes à sous-munitions"
    spanish = page(client, "/es/meetings/").select("#f-convention option")
    assert {o.get("value"): text(o) for o in spanish}["CCM"] == (
        "CMR: Convención sobre Municiones en Racimo"
    )


def test_the_meeting_and_work_plan_pages_give_the_treaty_and_its_acronym(seeds, client):
    meeting = text(page(client, "/fr/meetings/intersessional-meetings-may-2012/").main)
    assert f"{APMBC_FR} (CIMAP)" in meeting
    plan = text(page(client, "/es/coordination/work-plans/ccm-victim-assistance-2023-2024/").main)
    assert "Convención sobre Municiones en Racimo (CMR)" in plan


def test_coordination_names_offices_honorifics_and_plans_in_the_page_language(seeds, client):
    main = text(page(client, "/fr/coordination/").main)
    assert "(S. E. M. Prak Sokhonn)" in main
    assert "H.E." not in main
    assert "Plan d'action de Lausanne, action n° 31" in main  # the plan written out, not "LAP"
    assert "LAP #" not in main
    spanish = text(page(client, "/es/coordination/").main)
    assert "(Excmo. Sr. Prak Sokhonn)" in spanish
    assert "Plan de Acción de Lausana, medida n.º 31" in spanish


def test_the_seed_calendar_places_sessions_in_the_calendars_language(seeds, client):
    response = client.get("/fr" + SEED_PARALLEL + "programme.ics")
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    locations = {str(e["location"]) for e in calendar.walk("VEVENT") if "location" in e}
    assert (
        "Salle B, rez-de-chaussée, bâtiment de l'OMM, 7 bis, avenue de la Paix, Genève" in locations
    )
    english = Calendar.from_ical(client.get(SEED_PARALLEL + "programme.ics").content)
    assert any(
        str(e.get("location", "")).startswith("Salle B, Ground Floor, WMO Building")
        for e in english.walk("VEVENT")
    )


# -- the PDF -------------------------------------------------------------------------------------


def test_the_french_and_spanish_pdf_html_carry_the_treaty_and_the_names(seeds):
    copy = Programme.objects.get(
        slug="parallel-programme-victim-assistance", edition=Edition.PUBLISHED
    )
    with translation.override("fr"):
        html = pdf.programme_html(copy)
    soup = BeautifulSoup(html, "html.parser")
    assert text(soup.select_one(".letterhead .convention")) == APMBC_FR  # and the running header
    assert soup.find("meta", attrs={"name": "author"})["content"].endswith(APMBC_FR)
    assert "Comité international de la Croix-Rouge (CICR)" in text(soup)
    assert "Salle : Salle B, rez-de-chaussée, bâtiment de l'OMM, 7 bis, avenue" in text(soup)
    with translation.override("es"):
        spanish = BeautifulSoup(pdf.programme_html(copy), "html.parser")
    assert text(spanish.select_one(".letterhead .convention")) == APMBC_ES
    assert spanish.find("meta", attrs={"name": "author"})["content"].endswith(APMBC_ES)


def test_the_french_pdf_file_says_its_author_in_french(programme, make_session, client):
    convention = programme.meeting.convention
    convention.full_name_fr = "Convention d'essai (titre officiel)"
    convention.save()
    make_session(1)
    response = client.get("/fr" + programme.get_absolute_url() + "programme.pdf")
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.author.endswith("Convention d'essai (titre officiel)")
    assert "Convention d'essai (titre officiel)" in reader.pages[0].extract_text()


# -- each translation, and its English marked where it has none -----------------------------------


@pytest.fixture
def named(programme, make_session):
    """A programme whose every name has its French and none its Spanish: a session in a room
    with a presentation by an organisation, and a revision with its note."""
    room = factories.RoomFactory(
        name="Room Seven", name_fr="Salle sept", floor="Top Floor", floor_fr="dernier étage"
    )
    room.venue.name_fr, room.venue.city_fr = "Bâtiment d'essai", "Genève"
    room.venue.address_fr = "1, rue d'essai"
    room.venue.save()
    session = make_session(1, room=room)
    organisation = factories.OrganisationFactory(
        name="Test Aid", acronym="TA", name_fr="Aide d'essai", acronym_fr="AE"
    )
    factories.PresentationFactory(
        session=session,
        title="Test national plans",
        title_fr="Plans nationaux d'essai",
        organisations=[organisation],
    )
    factories.show_published(programme)
    revision = revisions.publish(programme, "Test note")
    revision.note_fr = "Note d'essai"
    revision.save()
    return session


def test_a_french_page_shows_each_name_in_french_unmarked(named, client):
    soup = page(client, "/fr" + named.get_absolute_url())
    main = text(soup.main)
    assert "Plans nationaux d'essai" in main
    assert "Aide d'essai (AE)" in main
    assert "Salle sept, dernier étage, Bâtiment d'essai, 1, rue d'essai, Genève" in main
    # Only what has no French is marked: the programme's, meeting's and session's titles.
    assert set(marked_english(soup.main)) == {
        "Session 1",
        "Parallel Programme",
        "Intersessional Meetings May 2030",
    }
    changes = text(page(client, "/fr" + named.programme.get_absolute_url() + "changes/").main)
    assert "Note d'essai" in changes


def test_a_spanish_page_shows_the_english_names_marked(named, client):
    soup = page(client, "/es" + named.get_absolute_url())
    english = marked_english(soup.main)
    for name in ["Test national plans", "Test Aid", "TA", "Room Seven", "Top Floor"]:
        assert name in english
    assert soup.select(".untranslated-note")
    changes = page(client, "/es" + named.programme.get_absolute_url() + "changes/")
    assert "Test note" in marked_english(changes.main)


def test_the_pdf_html_shows_names_in_french_and_marks_the_spanish_english(named):
    copy = Programme.objects.get(working=named.programme, edition=Edition.PUBLISHED)
    with translation.override("fr"):
        french = BeautifulSoup(pdf.programme_html(copy), "html.parser")
    assert "Plans nationaux d'essai" in text(french)
    assert "Aide d'essai (AE)" in text(french)
    with translation.override("es"):
        spanish = BeautifulSoup(pdf.programme_html(copy), "html.parser")
    assert {"Test national plans", "Test Aid", "Room Seven"} <= set(marked_english(spanish))


def test_publishing_and_copying_keep_the_translations(named, meeting):
    copy = Programme.objects.get(working=named.programme, edition=Edition.PUBLISHED)
    published = Presentation.objects.get(session__programme=copy)
    assert (published.title_fr, published.title_es) == ("Plans nationaux d'essai", "")
    other = factories.MeetingFactory(
        convention=meeting.convention,
        start_date=datetime.date(2031, 5, 20),
        end_date=datetime.date(2031, 5, 24),
    )
    copied = copy_programme(named.programme, other)
    assert Presentation.objects.get(session__programme=copied).title_fr == "Plans nationaux d'essai"


def test_coordination_texts_show_in_french_and_the_english_marked(db, client):
    convention = factories.ConventionFactory(short_name="CCM", short_name_fr="CASM")
    work_plan = factories.WorkPlanFactory(
        convention=convention, group="Test working group", group_fr="Groupe de travail d'essai"
    )
    Milestone.objects.create(
        work_plan=work_plan, year=2030, quarter=1, text="Test milestone", text_fr="Jalon d'essai"
    )
    Milestone.objects.create(work_plan=work_plan, year=2030, quarter=2, text="Test untranslated")
    factories.ActivityFactory(
        convention=convention, text="Test activity", text_fr="Activité d'essai"
    )
    factories.MandateFactory(
        convention=convention,
        detail="Test detail",
        start_date=datetime.date.today(),
        end_date=datetime.date.today(),
    )
    soup = page(client, "/fr/coordination/")
    main = text(soup.main)
    assert "Groupe de travail d'essai" in main and "Activité d'essai" in main
    assert "Test detail" in marked_english(soup.main)
    assert "CASM" in main
    plan = page(client, "/fr" + work_plan.get_absolute_url())
    assert "Jalon d'essai" in text(plan.main)
    marked = marked_english(plan.main)
    assert "Test untranslated" in marked and "Test milestone" not in marked


def test_a_news_category_shows_in_the_page_language(db, client):
    category = factories.NewsCategoryFactory(name="Test processes", name_fr="Processus d'essai")
    post = factories.NewsPostFactory()
    post.categories.set([category])
    assert "Processus d'essai" in text(page(client, "/fr" + post.get_absolute_url()).main)
    assert "Test processes" in marked_english(page(client, "/es" + post.get_absolute_url()).main)


# -- offices held by a woman ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("feminine", "prefix", "expected", "not_expected"),
    [
        (True, "/fr", "Coprésidente d'essai", "Coprésidents d'essai"),
        (True, "/es", "Copresidenta de prueba", "Copresidentes de prueba"),
        (False, "/fr", "Coprésident d'essai", "Coprésidents d'essai"),
        (False, "/es", "Copresidente de prueba", "Copresidentes de prueba"),
        (True, "", "Test Co-Chair", "Test Co-Chairs"),
        (False, "", "Test Co-Chair", "Test Co-Chairs"),
    ],
)
def test_a_holder_alone_is_given_the_offices_singular_of_their_gender(
    db, client, feminine, prefix, expected, not_expected
):
    office = factories.OfficeFactory(
        name="Test Co-Chairs",
        name_fr="Coprésidents d'essai",
        name_es="Copresidentes de prueba",
        singular_name="Test Co-Chair",
        singular_name_fr="Coprésident d'essai",
        singular_name_es="Copresidente de prueba",
        feminine_name_fr="Coprésidente d'essai",
        feminine_name_es="Copresidenta de prueba",
    )
    person = factories.PersonFactory(
        name="Danijela Zunec", honorific="Ms.", honorific_fr="Mme", feminine=feminine
    )
    factories.MandateFactory(
        office=office,
        person=person,
        start_date=datetime.date.today(),
        end_date=datetime.date.today(),
    )
    soup = page(client, prefix + "/coordination/")
    row = next(text(li) for li in soup.select("main li") if "Danijela Zunec" in text(li))
    assert expected in row and not_expected not in row
    if prefix == "/fr":
        assert "(Mme Danijela Zunec)" in row
    table_row = next(text(tr) for tr in soup.select("main tr") if "Danijela Zunec" in text(tr))
    assert expected in table_row and not_expected not in table_row


VA_OFFICE = {
    "name": "Co-Chairs of the Standing Committee on Victim Assistance",
    "name_fr": "Coprésidents du Comité permanent sur l'assistance aux victimes",
    "singular_name_fr": "Coprésident du Comité permanent sur l'assistance aux victimes",
}


def test_a_programme_convened_by_one_man_names_him_coprésident(programme, client):
    office = factories.OfficeFactory(**VA_OFFICE)
    for position, (code, person) in enumerate([("AT", "Philip Kimpton"), ("CO", "Test Khelif")]):
        mandate = factories.MandateFactory(
            meeting=programme.meeting,
            convention=programme.meeting.convention,
            office=office,
            position=position,
            state=factories.StateFactory(iso_code=code),
            person=factories.PersonFactory(name=person),
        )
        programme.convened_by.add(mandate)
    factories.show_published(programme)
    soup = page(client, "/fr" + programme.get_absolute_url())
    convened = text(soup.find("strong", string="Organisé par").parent)
    assert (
        "Autriche (Philip Kimpton), "
        "Coprésident du Comité permanent sur l'assistance aux victimes ;" in convened
    )
    assert "Coprésidents" not in convened
    # Over both, the meeting's office holders are headed by the plural.
    headings = [text(dt) for dt in soup.select("dl > div > dt")]
    assert VA_OFFICE["name_fr"] in headings


@pytest.mark.parametrize(
    ("women", "prefix", "expected"),
    [
        ((True, True), "/fr", "Corapporteuses"),
        ((True, True), "/es", "Correlatoras"),
        ((True, False), "/fr", "Corapporteurs"),
        ((True, False), "/es", "Correlatores"),
        ((True, True), "", "Co-Rapporteurs"),
    ],
)
def test_a_heading_over_women_only_is_the_feminine_plural(meeting, client, women, prefix, expected):
    office = factories.OfficeFactory(
        name="Co-Rapporteurs",
        name_fr="Corapporteurs",
        name_es="Correlatores",
        feminine_plural_name_fr="Corapporteuses",
        feminine_plural_name_es="Correlatoras",
    )
    for position, (code, feminine) in enumerate(zip(("NI", "NO"), women, strict=True)):
        factories.MandateFactory(
            meeting=meeting,
            convention=meeting.convention,
            office=office,
            position=position,
            state=factories.StateFactory(iso_code=code),
            person=factories.PersonFactory(feminine=feminine),
        )
    soup = page(client, prefix + meeting.get_absolute_url())
    headings = [text(dt) for dt in soup.select("dl > div > dt")]
    assert expected in headings


def test_an_editor_publishes_a_revision_with_its_note_in_french_and_spanish(
    programme, make_session, editor_client, client
):
    make_session(1)
    response = editor_client.post(
        f"/admin/meetings/programme/{programme.pk}/publish/",
        {"note": "Test note", "note_fr": "Note d'essai", "note_es": "Nota de prueba"},
    )
    assert response.status_code == 302
    revision = programme.revisions.get()
    assert (revision.note, revision.note_fr, revision.note_es) == (
        "Test note",
        "Note d'essai",
        "Nota de prueba",
    )
    changes = page(client, "/es" + programme.get_absolute_url() + "changes/")
    assert "Nota de prueba" in text(changes.main)


def test_the_meeting_page_notes_it_shows_an_english_documents_title(meeting, client):
    """An English document's title is English on a French page: the page says parts of it are
    in English, as it does for a missing translation (issue 24 trial)."""
    meeting.title_fr = "Réunions intersessions, mai 2030"
    meeting.convention.full_name_fr = "Convention d'essai"
    meeting.convention.short_name_fr = "CIMAP"
    meeting.convention.save()
    meeting.save()
    assert not page(client, f"/fr{meeting.get_absolute_url()}").select(".untranslated-note")

    factories.DocumentFactory(meeting=meeting, title="Final Report", language="en")
    soup = page(client, f"/fr{meeting.get_absolute_url()}")
    assert marked_english(soup) == ["Final Report"]
    assert text(soup.select_one(".untranslated-note")).startswith("Certaines parties de cette page")

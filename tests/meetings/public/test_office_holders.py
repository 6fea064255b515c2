"""A meeting's office holders on its page, its programmes' pages, their PDF and schedule.json,
in the order given and the page's language; "current office holders" by real term dates."""

import datetime
import io
import json
import re

import factories
import jsonschema
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from meetings import queries


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def holders(meeting):
    """Co-Chairs given as "Austria (Ms. Zunec) and Colombia (Mr. Khelif)", against the order
    of names, and a Rapporteur entered first but listed after them (its office comes later)."""
    rapporteur = factories.OfficeFactory(
        name="Rapporteur", position=20, name_fr="Rapporteur FR", name_es="Relator ES"
    )
    co_chairs = factories.OfficeFactory(
        name="Co-Chairs", position=10, name_fr="Coprésidents FR", name_es="Copresidentes ES"
    )
    factories.MandateFactory(
        meeting=meeting,
        convention=meeting.convention,
        office=rapporteur,
        state=factories.StateFactory(iso_code="MZ"),
    )
    for position, (code, state, person) in enumerate(
        [("AT", "Austria", "Zunec"), ("CO", "Colombia", "Khelif")]
    ):
        honorific = "Ms." if person == "Zunec" else "Mr."
        factories.MandateFactory(
            meeting=meeting,
            convention=meeting.convention,
            office=co_chairs,
            position=position,
            state=factories.StateFactory(iso_code=code, name=state),
            person=factories.PersonFactory(name=person, honorific=honorific),
        )
    return meeting


def flat(text):
    return re.sub(r"\s+", " ", text).strip()


def offices(html):
    """The (office, holders) rows of the page's definition lists that name office holders."""
    soup = BeautifulSoup(html, "html.parser")
    return [
        (flat(div.dt.get_text()), flat(div.dd.get_text()))
        for div in soup.select("dl > div")
        if div.dt and div.dd
    ]


CO_CHAIRS = ("Co-Chairs", "Austria (Ms. Zunec) and Colombia (Mr. Khelif)")
RAPPORTEUR = ("Rapporteur", "Mozambique")


def test_the_meeting_page_lists_its_office_holders_in_the_order_given(holders, client):
    rows = offices(client.get(holders.get_absolute_url()).content)
    assert rows.index(CO_CHAIRS) + 1 == rows.index(RAPPORTEUR)


def test_the_programme_page_lists_its_meetings_office_holders(holders, programme, client):
    rows = offices(client.get(programme.get_absolute_url()).content)
    assert rows.index(CO_CHAIRS) + 1 == rows.index(RAPPORTEUR)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", [("Coprésidents FR", "Autriche (Ms. Zunec) et Colombie (Mr. Khelif)")]),
        ("es", [("Copresidentes ES", "Austria (Ms. Zunec) y Colombia (Mr. Khelif)")]),
    ],
)
def test_french_and_spanish_pages_name_the_offices_in_their_language(
    holders, client, language, expected
):
    html = client.get(f"/{language}{holders.get_absolute_url()}").content
    rows = offices(html)
    # The States by their names in the page's language (Autriche, Colombie), the offices too.
    assert expected[0] in rows
    if language == "fr":
        assert ("Rapporteur FR", "Mozambique") in rows


@pytest.mark.parametrize("language", ["fr", "es"])
def test_an_english_honorific_on_a_french_or_spanish_page_is_marked_as_english(
    holders, programme, client, language
):
    """Ms. Zunec's honorific has no French or Spanish form: it is the English, marked, on the
    meeting, programme and coordination pages alike; one given in the language is not marked."""
    from meetings.models import Person

    Person.objects.filter(name="Khelif").update(honorific_fr="M.", honorific_es="Sr.")
    for url in (holders.get_absolute_url(), programme.get_absolute_url(), "/coordination/"):
        soup = BeautifulSoup(client.get(f"/{language}{url}").content, "html.parser")
        marked = [flat(span.get_text()) for span in soup.select('span[lang="en"]')]
        assert "Ms." in marked, url
        assert "Mr." not in marked and "Mr. Khelif" not in flat(soup.get_text()), url
        assert ("M. Khelif" if language == "fr" else "Sr. Khelif") in flat(soup.get_text()), url


def test_the_pdf_names_the_office_holders(holders, programme, client):
    response = client.get(programme.get_absolute_url() + "programme.pdf")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    text = flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))
    assert "Co-Chairs: Austria (Ms. Zunec) and Colombia (Mr. Khelif)" in text
    assert "Rapporteur: Mozambique" in text


def test_programme_json_gives_the_office_holders_in_order(holders, programme, client):
    data = client.get(programme.get_absolute_url() + "programme.json").json()
    schema = json.loads((settings.BASE_DIR / "docs" / "programme.schema.json").read_text())
    jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
    listed = data["programme"]["meeting"]["office_holders"]
    assert [(h["office"], h["state_code"], h["person"]) for h in listed] == [
        ("Co-Chairs", "AT", "Ms. Zunec"),
        ("Co-Chairs", "CO", "Mr. Khelif"),
        ("Rapporteur", "MZ", None),
    ]
    assert (listed[0]["term_start"], listed[0]["term_end"]) == ("2030-01-01", "2030-12-31")


def test_the_meeting_page_costs_the_same_queries_whatever_its_number_of_holders(meeting, client):
    office = factories.OfficeFactory(name="Coordinators")

    def add(position):
        factories.MandateFactory(
            meeting=meeting, convention=meeting.convention, office=office, position=position
        )

    def count():
        with CaptureQueriesContext(connection) as queries_made:
            assert client.get(meeting.get_absolute_url()).status_code == 200
        return len(queries_made)

    add(0)
    one = count()
    for position in range(1, 6):
        add(position)
    assert count() == one


# -- current office holders, by term dates -----------------------------------------------------


def fix_today(monkeypatch, day):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)


def current_section(html, heading_id):
    soup = BeautifulSoup(html, "html.parser")
    heading = soup.find(id=heading_id)
    listed = heading.find_next_sibling(["ul", "p"])
    return flat(listed.get_text())


SEED_STATES_2012_2016 = ["Algeria", "Croatia", "Cambodia", "Australia", "Chile", "Iraq"]


def test_in_2026_none_of_the_2012_or_2016_holders_is_current(seeds, client, monkeypatch):
    fix_today(monkeypatch, datetime.date(2026, 6, 1))
    assert queries.home_page()["mandates"] == []
    assert queries.coordination_page()["current"] == []
    for url, heading in (("/", "h-coord"), ("/coordination/", "current")):
        listed = current_section(client.get(url).content, heading)
        assert listed == "None recorded."
        assert not any(state in listed for state in SEED_STATES_2012_2016)


def test_holders_whose_term_holds_the_day_are_current(seeds, client, monkeypatch):
    """The seeds' CCM Coordinators on Victim Assistance for 2023-2024 are current in 2024,
    and the 2016 ones are not."""
    fix_today(monkeypatch, datetime.date(2024, 6, 1))
    current = sorted(m.state.name for m in queries.home_page()["mandates"])
    assert current == ["Austria", "Panama"]
    listed = current_section(client.get("/coordination/").content, "current")
    assert "Austria" in listed and "Panama" in listed and "Australia" not in listed


def test_the_seed_meeting_names_its_co_chairs_and_the_president(seeds, client):
    rows = offices(client.get("/meetings/intersessional-meetings-may-2012/").content)
    assert (
        "Co-Chairs of the Standing Committee on Victim Assistance",
        "Algeria and Croatia",
    ) in rows
    assert (
        "President",
        "Cambodia (H.E. Prak Sokhonn), Eleventh Meeting of the States Parties (11MSP)",
    ) in rows


@pytest.mark.parametrize(
    ("prefix", "line"),
    [
        ("", "Co-Chairs: Austria"),
        # French puts a no-break space before the colon; Spanish does not.
        ("/fr", "Coprésidents FR\u00a0: Autriche"),
        ("/es", "Copresidentes ES: Austria"),
    ],
)
def test_the_pdf_puts_the_colon_after_an_office_as_the_language_writes_it(
    holders, programme, client, prefix, line
):
    response = client.get(f"{prefix}{programme.get_absolute_url()}programme.pdf")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert line in re.sub(r"[ \n]+", " ", text)

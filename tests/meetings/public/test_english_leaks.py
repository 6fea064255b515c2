"""French and Spanish pages are in French and Spanish (issue 24): every public page kind, the
programme PDF's HTML and the PDF itself, read in /fr/ and /es/, carry no English word outside an
element marked lang="en" and no ISO date (2012-05-22) in their running text.

Two sites are walked. The made-up site of conftest.py, with a French and a Spanish text in every
translatable field the models have (`translated_fields`, whatever they are when the test runs):
English left on its pages is the interface's, or content that cannot be translated and is not
marked. And the seeds (fixtures/seeds.json), which have little French or Spanish: there the
English content must be marked lang="en", which is exactly what is checked.

The English words are a list (ENGLISH below), not a language detector: a word found outside
lang="en" is reported with its page and what surrounds it, every one in one failure message.
"""

import io
import re
from collections import Counter
from typing import NamedTuple

import pytest
from bs4 import BeautifulSoup, NavigableString
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import translation
from pypdf import PdfReader

from meetings import queries
from meetings.models import (
    Action,
    ActionPlan,
    Meeting,
    NewsPost,
    Programme,
    ProgrammeRevision,
    Session,
    WorkPlan,
)
from meetings.public import agenda
from meetings.publishing import pdf

LANGUAGES = ["fr", "es"]

# Distinctively English words and phrases of the interface and of the content that has no
# translation yet, matched case-sensitively as whole words. Leave out what French or Spanish
# also write ("Action", "Session", "Programme", "Note", "Date", "Documents", "Source", "Total",
# "Mines", "Convention", "Assistance", "Coordination", "Plan", "Budget", "Agenda", "on", "or",
# "an", "as", "no", "page"...): a word here must never be right in a French or Spanish text.
# To extend it, add the English word a reviewer found and run the self-tests at the bottom.
ENGLISH = [
    # Little words of English sentences.
    *("the", "The", "and", "of", "with", "With", "from", "From", "for", "For", "by", "to"),
    *("at", "in", "is", "are", "was", "were", "be", "been", "has", "have", "will", "this"),
    *("This", "that", "these", "which", "its", "their", "your", "Your", "not", "all", "here"),
    *("See", "see", "More", "more", "behalf", "What", "what"),
    # The treaties, their bodies and meetings.
    *("Meeting", "Meetings", "meeting", "meetings", "States Parties", "State", "States"),
    *("Committee", "Standing", "Cluster", "Landmines", "Landmine", "Anti-Personnel", "Ban"),
    *("Treaty", "Prohibition", "Stockpiling", "Transfer", "Weapons", "Review Conference"),
    *("Conference", "Intersessional", "intersessional", "Implementation", "Support", "Unit"),
    *("Coordinator", "Coordinators", "coordinator", "coordinators", "Co-Chair", "Co-Chairs"),
    *("Chair", "Chairs", "President", "Presidency", "Mandate", "Delegation", "Organization"),
    *("Victim", "Victims", "victim", "victims", "Survivors", "survivors", "Persons"),
    *("Disability", "disabilities", "Rights", "Cooperation", "Red Cross", "Campaign"),
    *("Action Plan", "action plan", "Work Plan", "work plan", "Actions served", "Side event"),
    # A programme and its parts.
    *("Parallel", "Workshop", "Opening", "Closing", "Lunch", "Break", "Coffee", "Group work"),
    *("Statement", "Statements", "Presentation", "Presentations", "Speaker", "Speakers"),
    *("Background", "Purpose", "Objectives", "Expected", "outputs", "Partners", "Milestone"),
    *("Milestones", "Activities", "Activity", "Quarter", "Organised", "organised", "Convened"),
    *("convened", "Feedback", "Guidance", "Report", "Reports", "Summary", "Item", "Title"),
    *("Venue", "Room", "Floor", "Ground", "Building", "Street", "Geneva", "Location"),
    # The site's own words.
    *("Download", "download", "Downloads", "Search", "search", "Results", "results", "News"),
    *("Published", "published", "Printed", "Revision", "revision", "Changes", "Added"),
    *("added", "Removed", "removed", "Moved", "moved", "Cancelled", "cancelled", "Contents"),
    *("Skip", "Home", "Languages", "Language", "French", "Spanish", "English", "Library"),
    *("library", "Staff", "login", "Previous", "Next", "Show", "Filters", "Apply", "Clear"),
    *("Year", "Day", "Days", "Time", "time", "List"),
    # Days and months.
    *("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    *("January", "February", "March", "April", "May", "June", "July", "August"),
    *("September", "October", "November", "December"),
    # Honorifics written the English way.
    *("H.E.", "Mr.", "Ms.", "Mrs."),
    # The factories' made-up English content says so ("Test meeting 3"): seen on a French page
    # outside lang="en", it is content with no translation that nothing marks as English.
    "Test",
]
ENGLISH_WORD = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(w) for w in sorted(set(ENGLISH), key=len, reverse=True))
    + r")(?!\w)"
)
# A date, or a date and time, as ISO 8601 writes it: for machines (datetime=, href), not people.
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\b")
# The attributes a person reads or hears, beside the text.
READ_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
READ_META = {"description", "og:title", "og:description"}


class Finding(NamedTuple):
    found: str  # the English word or the ISO date
    context: str  # about 60 characters around it
    where: str  # "text", or the attribute it is in: "title=", "meta description"


def _matches(pattern, text, where):
    """A Finding for each match of `pattern` in `text`, with 30 characters either side."""
    text = " ".join(text.split())
    return [
        Finding(m.group(), text[max(0, m.start() - 30) : m.end() + 30], where)
        for m in pattern.finditer(text)
    ]


def _words(text, where):
    return _matches(ENGLISH_WORD, text, where)


def _is_english(element):
    return str(element.get("lang", "")).lower().startswith("en")


def _text_nodes(soup):
    """The text nodes a person reads (not comments, the doctype, scripts or styles)."""
    return [s for s in soup.find_all(string=True) if type(s) is NavigableString and s.strip()]


def _parse(html):
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(["script", "style", "template"]):
        element.decompose()
    return soup


def english_words(html, unmarkable=True):
    """Each English word of ENGLISH in `html` outside an element marked lang="en..." (and its
    descendants): in text, in READ_ATTRIBUTES and in the meta descriptions. What cannot mark
    part of itself as English (the <title>, attributes) is left out with `unmarkable=False`."""
    soup = _parse(html)
    for element in soup.find_all(_is_english):
        if not element.decomposed:  # not inside one already removed
            element.decompose()
    if not unmarkable and soup.title:
        soup.title.decompose()
    findings = [finding for node in _text_nodes(soup) for finding in _words(node, "text")]
    if not unmarkable:
        return findings
    for element in soup.find_all(True):
        for name in READ_ATTRIBUTES:
            if element.get(name):
                findings += _words(element[name], f"{name}=")
        meta = element.get("name") or element.get("property")
        if element.name == "meta" and meta in READ_META and element.get("content"):
            findings += _words(element["content"], f"meta {meta}")
    return findings


def iso_dates(html):
    """Each ISO date in the text of `html`, marked English or not; attributes (datetime=,
    href=) are for machines and may hold them."""
    return [
        finding
        for node in _text_nodes(_parse(html))
        for finding in _matches(ISO_DATE, node, "text")
    ]


# -- the sites ------------------------------------------------------------------------------------

FRENCH = {"short": "Texte français", "long": "Texte d'essai en *français*, avec [un lien](/)."}
SPANISH = {"short": "Texto español", "long": "Texto de prueba en *español*, con [un enlace](/)."}
TEST_TEXTS = {"fr": FRENCH, "es": SPANISH}


def fill_translations():
    """A French and a Spanish text in every translated field of every row whose English is
    not empty, whatever fields the models translate when the test runs."""
    for model in apps.get_app_config("meetings").get_models():
        for name in getattr(model, "translated_fields", ()):
            field = model._meta.get_field(name)
            length = "short" if isinstance(field, models.CharField) else "long"
            for code, texts in TEST_TEXTS.items():
                text = texts[length][: field.max_length or None]
                model.objects.exclude(**{name: ""}).filter(**{f"{name}_{code}": ""}).update(
                    **{f"{name}_{code}": text}
                )


def seed_pages():
    """(kind, address) of every public page of the seeds, in English."""
    pages = [
        ("home", "/"),
        ("meetings", "/meetings/"),
        ("action plans", "/action-plans/"),
        ("coordination", "/coordination/"),
        ("news", "/news/"),
        ("documents", "/documents/"),
        ("search", "/search/?q=assistance"),
        ("search, filtered", "/search/?q=assistance&kind=sessions&convention=APMBC&year=2012"),
        ("search, no results", "/search/?q=zqxwv"),
        ("not found (404)", "/no-such-page/"),
    ]
    pages += [("meeting", m.get_absolute_url()) for m in Meeting.objects.public()]
    for programme in Programme.objects.public():
        url = programme.get_absolute_url()
        pages += [("programme", url), ("changes", url + "changes/")]
        # A personal agenda of its first two sessions, their times also in Bangkok's.
        chosen = agenda.code_of(agenda.session_name(s.uid) for s in programme.sessions.all()[:2])
        if chosen:
            pages.append(("agenda", f"{url}agenda/{chosen}/?tz=Asia/Bangkok"))
        numbers = ProgrammeRevision.objects.filter(programme=programme.working_id)
        pages += [("revision", f"{url}changes/{r.number}/") for r in numbers]
    pages += [("session", s.get_absolute_url()) for s in Session.objects.public()]
    pages += [("action plan", p.get_absolute_url()) for p in ActionPlan.objects.all()]
    pages += [("action", a.get_absolute_url()) for a in Action.objects.all()]
    pages += [("work plan", w.get_absolute_url()) for w in WorkPlan.objects.public()]
    pages += [("news item", p.get_absolute_url()) for p in NewsPost.objects.public()]
    return pages


class Walked(NamedTuple):
    pages: list  # (kind, English address) of each public page
    translated: bool  # every translatable text has its French and Spanish


@pytest.fixture(params=["made-up site, translated", "seeds"])
def site(request, db):
    """The site walked. The seeds' content is mostly English: there a page's <title>, its
    attributes and the PDF's metadata, which cannot mark part of themselves as English, are
    not read (they are on the translated site, where all of their content has its French)."""
    if request.param == "seeds":
        call_command("loaddata", "seeds", verbosity=0)
        return Walked(seed_pages(), translated=False)
    pages = request.getfixturevalue("full_site").pages
    fill_translations()
    return Walked(list(pages.items()), translated=True)


class Read(NamedTuple):
    kind: str  # "session", "programme PDF HTML", "programme PDF"...
    url: str
    html: str  # or the PDF's text
    pdf: PdfReader | None = None


def pdf_reader(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return PdfReader(io.BytesIO(data))


def read_everything(client, pages, language):
    """Every public page in `language`, with each published programme's PDF HTML and the PDF
    (its text in `html`)."""
    read = []
    for kind, url in pages:
        address = f"/{language}{url}"
        response = client.get(address)
        expected = {
            "not found (404)": 404,
            "session removed (410)": 410,
            "agenda, address naming nothing (404)": 404,
        }.get(kind, 200)
        assert response.status_code == expected, address
        read.append(Read(kind, address, response.content.decode()))
    for programme in Programme.objects.public():
        address = f"/{language}{programme.get_absolute_url()}programme.pdf"
        full = queries.programmes_in_full([programme.pk]).first()
        with translation.override(language):
            html = pdf.printable(pdf.programme_html(full))
        read.append(Read("programme PDF HTML", address, html))
        reader = pdf_reader(client, address)
        text = "\n".join(page.extract_text() for page in reader.pages)
        read.append(Read("programme PDF", address, text, reader))
    return read


def report(findings):
    """A count by page kind and by word, then one line a finding, page by page."""
    kinds = Counter(read.kind for read, _finding in findings)
    lines = [
        f"{len(findings)} found. By page kind: "
        + ", ".join(f"{kind} {n}" for kind, n in kinds.most_common()),
        "Page [kind] what, where, in what words:",
    ]
    for read, finding in findings:
        lines.append(
            f"  {read.url} [{read.kind}] {finding.found!r} in {finding.where} “{finding.context}”"
        )
    counts = Counter(finding.found for _read, finding in findings)
    lines.insert(1, "Most found: " + ", ".join(f"{w} ({n})" for w, n in counts.most_common(40)))
    return "\n".join(lines)


def metadata_words(reader):
    """The English words of a PDF's title, author and subject, which no lang="en" can mark."""
    return [
        finding
        for name in ("title", "author", "subject")
        for finding in _words(getattr(reader.metadata, name) or "", f"PDF {name}")
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_word_outside_lang_en(site, language, client):
    findings = []
    for read in read_everything(client, site.pages, language):
        if read.pdf is None:
            found = english_words(read.html, unmarkable=site.translated)
        else:  # its text says nothing of languages, its HTML is read instead; but its metadata
            found = metadata_words(read.pdf) if site.translated else []
        findings += [(read, finding) for finding in found]
    if findings:
        pytest.fail(report(findings), pytrace=False)


def english_shown(html):
    """The texts of the content (the page's <main>, or the whole printable) marked lang="en":
    the language menu's "English" is not content."""
    soup = BeautifulSoup(html, "html.parser")
    scope = soup.main or soup.body or soup
    return [
        e.get_text(" ", strip=True) for e in scope.select('[lang="en"]') if e.get_text(strip=True)
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_page_showing_english_says_so_in_its_note(site, language, client):
    """English shown on a French or Spanish page, whatever it is (a missing translation, an
    English document's title), comes with the note that parts of the page are in English."""
    missing = [
        f"{read.url} [{read.kind}]: {shown[:3]}"
        for read in read_everything(client, site.pages, language)
        if read.pdf is None
        and (shown := english_shown(read.html))
        and 'class="untranslated-note"' not in read.html
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_iso_date_in_running_text(site, language, client):
    findings = []
    for read in read_everything(client, site.pages, language):
        found = iso_dates(read.html) if read.pdf is None else _matches(ISO_DATE, read.html, "text")
        findings += [(read, finding) for finding in found]
    if findings:
        pytest.fail(report(findings), pytrace=False)


# -- the PDF's letterhead and metadata name the treaty in the page's language ---------------------
# Failing until the conventions' names are translated (issue 24, item 1; review finding 1): kept
# apart from the checks above so that its failure reads on its own.

# The official names (the treaties' French and Spanish texts).
TREATY_NAMES = {
    "APMBC": {
        "fr": "Convention sur l'interdiction de l'emploi, du stockage, de la production et du "
        "transfert des mines antipersonnel et sur leur destruction",
        "es": "Convención sobre la prohibición del empleo, almacenamiento, producción y "
        "transferencia de minas antipersonal y sobre su destrucción",
    },
    "CCM": {
        "fr": "Convention sur les armes à sous-munitions",
        "es": "Convención sobre Municiones en Racimo",
    },
}


def comparable(text):
    """Case, apostrophes and line breaks aside: the treaty's own capitals vary by document."""
    return " ".join(text.replace("\u2019", "'").split()).casefold()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_names_the_treaty_in_its_language_in_letterhead_and_metadata(
    seeds, language, client
):
    missing = []
    for programme in Programme.objects.public().select_related("meeting__convention"):
        convention = programme.meeting.convention
        name = TREATY_NAMES[convention.short_name][language]
        address = f"/{language}{programme.get_absolute_url()}programme.pdf"
        reader = pdf_reader(client, address)
        text = " ".join(page.extract_text() for page in reader.pages)
        for where, value in [
            ("letterhead", text),
            ("author", reader.metadata.author or ""),
        ]:
            if comparable(name) not in comparable(value):
                missing.append(f"{address}: {where} has not {name!r}: {value[:160]!r}")
    if missing:
        pytest.fail("\n".join(missing), pytrace=False)


# -- the checks can fail ------------------------------------------------------------------------


def page(body):
    head = '<!DOCTYPE html><html lang="fr"><head><title>Réunion</title></head>'
    return f"{head}<body>{body}</body></html>"


def test_an_english_word_outside_lang_en_is_found_with_its_context():
    findings = english_words(page("<p>Voir the meeting du 22 mai.</p>"))
    assert [f.found for f in findings] == ["the", "meeting"]
    assert findings[0].context == "Voir the meeting du 22 mai."


def test_english_inside_lang_en_is_not_a_leak_nor_french_words_alike():
    html = page(
        '<p>La <span lang="en">the meeting <b>of the</b> States</span> Session, Action, '
        'Programme, Documents, Note, Date, Convention.</p><p lang="en-GB">the</p>'
        "<script>var the = 1;</script>"
    )
    assert english_words(html) == []


def test_english_in_read_attributes_and_the_description_is_found():
    html = page(
        '<img src="x.png" alt="the map"><a href="/the-meeting/" title="Download">Télécharger</a>'
        '<meta name="description" content="Meetings">'
    )
    assert [(f.found, f.where) for f in english_words(html)] == [
        ("the", "alt="),
        ("Download", "title="),
        ("Meetings", "meta description"),
    ]
    assert [f.found for f in english_words(html, unmarkable=False)] == []


def test_an_iso_date_in_text_is_found_not_in_datetime_or_href():
    assert [f.found for f in iso_dates(page("<p>Déplacée au 2012-05-22 10:00.</p>"))] == [
        "2012-05-22 10:00"
    ]
    html = page('<time datetime="2012-05-22">22 mai 2012</time><a href="/d/2012-05-22/">x</a>')
    assert iso_dates(html) == []

"""An editor enters who took the floor under an agenda item as the ISU has it: the list pasted
into the session's admin page, the statement files dropped there together (meetings/admin/
floor.py). Driven through the real admin forms, as a browser would post them."""

import io
import json
import re

import factories
import pytest
from admin_forms import form_data
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from meetings.models import Document, Statement

STATES = [
    ("Afghanistan", "AF", ""),
    ("Albania", "AL", ""),
    ("Algeria", "DZ", ""),
    ("Angola", "AO", ""),
    ("Bosnia and Herzegovina", "BA", ""),
    ("Cambodia", "KH", ""),
    ("Chile", "CL", ""),
    ("Colombia", "CO", ""),
    ("Croatia", "HR", ""),
    ("Cyprus", "CY", ""),
    ("Democratic Republic of the Congo", "CD", ""),
    ("Ecuador", "EC", ""),
    ("Eritrea", "ER", ""),
    ("Ethiopia", "ET", ""),
    ("Iraq", "IQ", ""),
    ("Lao People's Democratic Republic", "LA", "Lao PDR"),
    ("Sudan", "SD", ""),
    ("South Sudan", "SS", ""),
    ("Tajikistan", "TJ", ""),
    ("Thailand", "TH", ""),
    ("Trinidad and Tobago", "TT", ""),
    ("Mexico", "MX", ""),
]
UPDATES = (
    "Updates from: Afghanistan, Albania, Algeria, Angola, Bosnia and Herzegovina, Cambodia, "
    "Chile, Colombia, Cyprus, the Democratic Republic of the Congo, Ecuador, Ethiopia, Iraq, "
    "Lao PDR, the Sudan, South Sudan, Tajikistan, Thailand, Trinidad and Tobago, Croatia and "
    "Eritrea."
)
IN_ORDER = [
    "Afghanistan",
    "Albania",
    "Algeria",
    "Angola",
    "Bosnia and Herzegovina",
    "Cambodia",
    "Chile",
    "Colombia",
    "Cyprus",
    "Democratic Republic of the Congo",
    "Ecuador",
    "Ethiopia",
    "Iraq",
    "Lao People's Democratic Republic",
    "Sudan",
    "South Sudan",
    "Tajikistan",
    "Thailand",
    "Trinidad and Tobago",
    "Croatia",
    "Eritrea",
]
PDF = b"%PDF-1.7\n" + b"x" * 200 + b"\n%%EOF\n"


def pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def names(db):
    for name, code, short in STATES:
        factories.StateFactory(name=name, iso_code=code, short_name=short)
    factories.OrganisationFactory(name="International Campaign to Ban Landmines", acronym="ICBL")
    factories.OrganisationFactory(name="Mines Advisory Group", acronym="MAG")
    factories.OrganisationFactory(name="Mine Action Group", acronym="MAG")


@pytest.fixture
def item(programme, make_session, names):
    return make_session(2, title="Updates from relevant States Parties")


def url(session):
    return reverse("admin:meetings_session_change", args=[session.pk])


class Editor:
    """The editor's browser: it counts the forms it submits."""

    def __init__(self, client):
        self.client, self.submissions = client, 0

    def open(self, session):
        response = self.client.get(url(session))
        assert response.status_code == 200
        return form_data(response)

    def submit(self, session, data, files=()):
        self.submissions += 1
        if files:
            data = {**data, "statement_files": list(files)}
        return self.client.post(url(session), data)


def rows():
    return Statement.objects.count(), Document.objects.count()


@pytest.mark.django_db
def test_an_item_of_21_updates_2_comments_and_3_files_takes_one_submission(editor_client, item):
    editor = Editor(editor_client)
    data = editor.open(item)
    data["floor_updates"] = [UPDATES]
    data["floor_comments"] = ["Comments/questions: the ICBL and Mexico"]
    files = [pdf("Albania.pdf"), pdf("SCVA-2019-Lao-PDR-EN.pdf"), pdf("Croatia-FR.pdf")]
    response = editor.submit(item, data, files)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert editor.submissions == 1  # the goal: at most 3

    updates = item.statements.filter(group=Statement.Group.UPDATES)
    assert [str(s.delegation) for s in updates] == IN_ORDER
    assert [s.position for s in updates] == list(range(1, 22))
    comments = item.statements.filter(group=Statement.Group.COMMENTS)
    assert [str(s.delegation) for s in comments] == [
        "International Campaign to Ban Landmines (ICBL)",
        "Mexico",
    ]
    files = {
        str(s.delegation): [(d.kind, d.language) for d in s.documents.all()]
        for s in updates
        if s.documents.exists()
    }
    assert files == {
        "Albania": [("statement", "en")],
        "Lao People's Democratic Republic": [("statement", "en")],
        "Croatia": [("statement", "fr")],
    }
    # Stored as the document rules say: a PDF, measured, named by the server.
    stored = Document.objects.get(language="fr")
    assert stored.size_bytes == len(PDF) and stored.file.name.startswith("documents/")
    assert not stored.is_public  # the working copy's statement only: until published

    # The page shows the list back as it was entered, one a line; saved again, nothing moves.
    again = editor.open(item)
    assert again["floor_updates"][0].splitlines()[:2] == ["Afghanistan", "Albania"]
    ids = list(updates.values_list("pk", flat=True))
    assert editor.submit(item, again).status_code == 302
    assert list(updates.values_list("pk", flat=True)) == ids
    assert Document.objects.count() == 3


@pytest.mark.django_db
def test_unknown_and_ambiguous_names_are_refused_by_name_and_nothing_is_saved(editor_client, item):
    factories.StatementFactory(session=item, state=factories.StateFactory(iso_code="AF"))
    before = rows()
    editor = Editor(editor_client)
    data = editor.open(item)
    data["floor_updates"] = ["Albania, Atlantis, MAG and Croatia"]
    data["floor_comments"] = ["Mexico and Narnia"]
    data["title"] = ["Retitled"]
    response = editor.submit(item, data, [pdf("Albania.pdf")])
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not found: “Atlantis”" in page
    assert "Not found: “Narnia”" in page
    assert "“MAG” could be Mine Action Group (MAG) or Mines Advisory Group (MAG)" in page
    assert rows() == before
    item.refresh_from_db()
    assert item.title != "Retitled"
    assert [str(s.delegation) for s in item.statements.all()] == ["Afghanistan"]


@pytest.mark.django_db
def test_a_file_naming_no_delegation_or_several_is_refused_by_name(editor_client, item):
    before = rows()
    editor = Editor(editor_client)
    data = editor.open(item)
    data["floor_updates"] = ["Sudan, South Sudan, Albania"]
    files = [pdf("Albania.pdf"), pdf("Narnia.pdf"), pdf("Sudan-and-Albania.pdf")]
    response = editor.submit(item, data, files)
    assert response.status_code == 200
    page = response.content.decode()
    assert "“Narnia.pdf” names no delegation of this item." in page
    assert "“Sudan-and-Albania.pdf” could be Albania or Sudan" in page
    assert rows() == before


@pytest.mark.django_db
def test_a_file_that_is_not_a_pdf_is_refused_by_name(editor_client, item):
    editor = Editor(editor_client)
    data = editor.open(item)
    data["floor_updates"] = ["Albania"]
    fake = SimpleUploadedFile("Albania.pdf", b"<html>", content_type="application/pdf")
    response = editor.submit(item, data, [fake])
    assert response.status_code == 200
    assert "“Albania.pdf”: This is not a PDF file" in response.content.decode()
    assert rows() == (0, 0)


@pytest.mark.django_db
def test_a_delegation_taken_out_of_the_list_goes_with_its_file(editor_client, item):
    editor = Editor(editor_client)
    data = editor.open(item)
    data["floor_updates"] = ["Albania, Croatia"]
    assert editor.submit(item, data, [pdf("Albania.pdf")]).status_code == 302
    data = editor.open(item)
    data["floor_updates"] = ["Croatia"]
    assert editor.submit(item, data).status_code == 302
    assert [str(s.delegation) for s in item.statements.all()] == ["Croatia"]
    # Shown by nothing, it would have been public in the library.
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_panellists_are_entered_one_a_row(editor_client, programme, make_session, names):
    from meetings.models import Organisation, Panellist, Session, State

    panel = make_session(3, title="Panel", kind=Session.Kind.PANEL)
    editor = Editor(editor_client)
    data = editor.open(panel)
    cope = Organisation.objects.create(
        name="Cooperative Orthotic and Prosthetic Enterprise", acronym="COPE"
    )
    lao = State.objects.get(iso_code="LA")
    data.update(
        {
            "panellists-0-position": ["1"],
            "panellists-0-title": ["Ms."],
            "panellists-0-name": ["Kerryn Clarke"],
            "panellists-0-post": ["Programme Manager"],
            "panellists-0-organisation": [str(cope.pk)],
            "panellists-0-state": [str(lao.pk)],
        }
    )
    response = editor.submit(panel, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [str(p) for p in Panellist.objects.filter(session=panel)] == [
        "Ms. Kerryn Clarke, Programme Manager, COPE, Lao PDR"
    ]


@pytest.mark.django_db
def test_an_item_entered_in_the_admin_reaches_every_reader_once_published(
    editor_client, item, settings
):
    """The issue's journey end to end: pasted in the admin, published there, then found by a
    delegate on the session page, in the PDF's text, schedule.json, the calendar and search."""
    settings.PAGE_CACHE_SECONDS = 0
    client = Client()  # a delegate, not signed in
    editor = Editor(editor_client)
    data = editor.open(item)
    data["floor_updates"] = [UPDATES]
    data["floor_comments"] = ["Comments/questions: the ICBL and Mexico"]
    assert editor.submit(item, data, [pdf("Albania.pdf")]).status_code == 302
    publish = reverse("admin:meetings_programme_publish", args=[item.programme_id])
    assert editor_client.post(publish, {"note": "Updates.", "since": "0"}).status_code == 302
    programme = item.programme.get_absolute_url()
    # As written on the page: "the" before the Sudan and the Democratic Republic of the Congo,
    # Lao PDR by its short name.
    shown = ["the Sudan" if n == "Sudan" else n for n in IN_ORDER]
    shown = [{"Lao People's Democratic Republic": "Lao PDR"}.get(n, n) for n in shown]
    shown = [f"the {n}" if n.startswith("Democratic Republic") else n for n in shown]

    page = BeautifulSoup(client.get(item.get_absolute_url()).content, "html.parser")
    said = " ".join(page.select_one("main").get_text(" ").split())
    sentence = "Updates from: " + ", ".join(shown[:-1]) + " and " + shown[-1] + "."
    said = said.replace(" ,", ",").replace(" .", ".")
    assert sentence in said, said[said.find("Updates from") :][:600]

    response = client.get(programme + "programme.pdf")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    printed = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    printed = re.sub(r"\s+", " ", printed)
    positions = [printed.find(name) for name in shown]
    assert -1 not in positions, [n for n, p in zip(shown, positions, strict=True) if p == -1]

    data = json.loads(client.get(programme + "programme.json").content)
    events = data["programme"]["sessions"]
    statements = next(e for e in events if e["title"] == item.title)["statements"]
    codes = [s["delegation"].get("iso_code") for s in statements if s["group"] == "updates"]
    assert codes == [code for name in IN_ORDER for n, code, _ in STATES if n == name]

    calendar = Calendar.from_ical(client.get(programme + "programme.ics").content)
    described = next(
        str(e["description"]) for e in calendar.walk("VEVENT") if str(e["summary"]) == item.title
    )
    assert sentence in " ".join(described.split())

    for name in ("Eritrea", "Tajikistan", "Trinidad and Tobago", "ICBL"):
        found = client.get("/search/", {"q": name, "kind": "sessions"})
        titles = [
            a.get_text(" ", strip=True)
            for a in BeautifulSoup(found.content, "html.parser").select("main a")
        ]
        assert item.title in titles, name


CHOOSE_AGAIN = "Nothing was saved: choose the statement files again"


@pytest.mark.django_db
def test_former_names_and_an_ampersand_are_taken(editor_client, item):
    """A 2009 APMBC agenda writes Turkey (the State is Türkiye); CCM pages "Bosnia &
    Herzegovina"."""
    editor = Editor(editor_client)
    data = editor.open(item)
    data["floor_updates"] = ["Updates from: Turkey, Swaziland, Bosnia & Herzegovina and Croatia."]
    response = editor.submit(item, data, [pdf("Turkey.pdf"), pdf("Bosnia-&-Herzegovina-FR.pdf")])
    assert response.status_code == 302, response.content.decode()[:3000]
    statements = item.statements.all()
    assert [s.delegation.iso_code for s in statements] == ["TR", "SZ", "BA", "HR"]
    files = {s.delegation.iso_code: [d.language for d in s.documents.all()] for s in statements}
    assert files == {"TR": ["en"], "SZ": [], "BA": ["fr"], "HR": []}


@pytest.mark.django_db
def test_a_bad_name_and_an_unmatched_file_are_reported_at_once(editor_client, item):
    before = rows()
    editor = Editor(editor_client)
    data = editor.open(item)
    data["floor_updates"] = ["Albania, Atlantis and Croatia"]
    data["floor_comments"] = ["Mexico"]
    files = [pdf("Croatia.pdf"), pdf("Mexico.pdf"), pdf("Narnia.pdf")]
    response = editor.submit(item, data, files)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not found: “Atlantis”" in page
    assert (
        "“Narnia.pdf” names none of the delegations found in the lists above (those not found "
        "could not be matched to files)." in page
    )
    # Those naming a delegation found are not reported: once Atlantis is corrected, they go in.
    assert "“Croatia.pdf”" not in page and "“Mexico.pdf”" not in page
    assert CHOOSE_AGAIN in page
    assert rows() == before


@pytest.mark.django_db
def test_after_any_error_the_editor_is_told_to_choose_the_files_again(editor_client, item):
    editor = Editor(editor_client)
    data = editor.open(item)
    data["floor_updates"] = ["Albania"]
    data["title"] = [""]  # an error outside the list of delegations
    response = editor.submit(item, data, [pdf("Albania.pdf")])
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(CHOOSE_AGAIN) == 1
    assert rows() == (0, 0)
    # No file dropped, nothing to choose again.
    response = editor.submit(item, data)
    assert response.status_code == 200
    assert CHOOSE_AGAIN not in response.content.decode()

"""The programme PDF: what it holds (against seeds 000 and 001), how it is built (tagged, fonts
embedded, A4), how it is served (name, ETag, 304), rendered once per version, and refused
whatever would reach outside the project or run away with time or memory.

Only the first test loads the seeds, to compare the PDF with the printed programme; the others
build a programme of their own (tests/factories.py)."""

import gc
import http.server
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from html import unescape
from pathlib import Path

import factories
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from pypdf import PdfReader
from seed_sources import bullet_questions, printed_timetable, source

from meetings.caching import generations
from meetings.models import (
    Edition,
    Presentation,
    Programme,
    ProgrammePDF,
    Session,
    Status,
)
from meetings.publishing import pdf, revisions

SEED_PDF_URL = (
    "/meetings/intersessional-meetings-may-2012/parallel-programme-victim-assistance/programme.pdf"
)
# Long words only, so that line ends fall on words a hyphenator would cut; long enough for
# the programme to run over two pages.
LONG_WORDS = ["implementation", "rehabilitation", "accessibility", "responsibilities"]
BACKGROUND = "\n\n".join(" ".join(LONG_WORDS * 12) for _ in range(8))


def published_copy(programme):
    """The copy of `programme` that delegates read: its public PDFs are this copy's."""
    return Programme.objects.get(working=programme, edition=Edition.PUBLISHED)


def flat(text):
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(data):
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def download(client, url, **headers):
    response = client.get(url, **headers)
    if response.status_code == 200:  # a small file is answered whole, a large one streamed
        response.data = (
            b"".join(response.streaming_content) if response.streaming else response.content
        )
    return response


@pytest.fixture
def pdf_url(programme):
    return programme.get_absolute_url() + "programme.pdf"


@pytest.fixture
def printed(programme, make_session):
    """The programme with what a printed one holds: a long background and a focus, a discussion
    session in a room with a presentation and questions, and a lunch break."""
    programme.background = BACKGROUND
    programme.focus = "Test focus of the programme."
    programme.save()
    session = make_session(
        1,
        title="Test discussion",
        kind=Session.Kind.DISCUSSION,
        room=factories.RoomFactory(),
        purpose="Test purpose.",
    )
    factories.PresentationFactory(
        session=session,
        presenters=[factories.PersonFactory()],
        organisations=[factories.OrganisationFactory()],
    )
    factories.DiscussionQuestionFactory.create_batch(2, session=session)
    make_session(2, title="Test lunch break", kind=Session.Kind.BREAK)
    return programme


@pytest.fixture
def renders(monkeypatch):
    """Counts the renders WeasyPrint is asked for."""
    calls = []
    real = pdf.render_pdf

    def counting(html):
        calls.append(html)
        return real(html)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    return calls


def assert_in_order(text, items):
    position = 0
    for item in items:
        found = text.find(flat(item), position)
        assert found >= 0, f"{item!r} missing (or out of order) after position {position}"
        position = found + len(flat(item))


# -- what it holds -------------------------------------------------------------------------------


def test_the_pdf_holds_the_printed_programme_in_order(seeds, client):
    response = download(client, SEED_PDF_URL)
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert_in_order(
        text,
        [
            "Convention on the Prohibition of the Use, Stockpiling, Production and Transfer of "
            "Anti-Personnel Mines and on Their Destruction",
            "isu@apminebanconvention.org | www.apminebanconvention.org",
            "PARALLEL PROGRAMME FOR VICTIM ASSISTANCE EXPERTS",
            "22 May 2012",
            "Background",
            "Focus",
        ],
    )
    programme_part = text[text.index("Programme – Tuesday 22 May 2012") :]
    location = re.search(r"Location: (.+)", source("001")).group(1).strip()
    expected = []
    for hour, title in printed_timetable():
        expected += [hour, title]
        if hour != "13:00":  # the lunch break has no room
            expected.append(f"Location: {location}")
        if hour == "10:15":
            expected += ["Claude Tardif", "International Committee of the Red Cross (ICRC)"]
            expected += bullet_questions(source("000"))[:5]
        if time == "15:00":
            expected += ["Loren Persi and Margaret Arach Orech", "(ICBL)"]
            expected += bullet_questions(source("000"))[5:]
    assert_in_order(programme_part, expected)


def test_the_pdf_is_a4_tagged_titled_in_english_with_fonts_embedded(printed, client, pdf_url):
    data = download(client, pdf_url).data
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])  # tagged
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert reader.metadata.title == "Parallel Programme, Intersessional Meetings May 2030"
    fonts = {}
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            fonts[font["/BaseFont"]] = "/FontFile2" in descendant["/FontDescriptor"]
    assert fonts and all(fonts.values()), fonts
    assert all("Programme-Sans" in name for name in fonts)  # the shipped fonts, not the system's


def _embedded_font_names(data):
    reader = PdfReader(io.BytesIO(data))
    return {
        font.get_object()["/BaseFont"]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def test_renders_share_one_font_configuration_built_again_if_its_files_vanish():
    """Each forked render starts from the warm process's fonts; should a cleaner remove the
    temporary copies WeasyPrint keeps of them, the next render builds them again and still
    embeds the programme's own fonts."""
    import shutil

    html = pdf.WARM_UP_HTML
    pdf._warm_up()
    fonts = pdf._warm["fonts"]
    assert all("Programme-Sans" in name for name in _embedded_font_names(pdf.render_pdf(html).data))
    pdf._warm_up()
    assert pdf._warm["fonts"] is fonts  # built once
    shutil.rmtree(fonts._folder)
    rendered = pdf.render_pdf(html)
    assert pdf._warm["fonts"] is not fonts
    names = _embedded_font_names(rendered.data)
    assert names and all("Programme-Sans" in name for name in names), names


def test_glyph_id_arrays_are_made_from_one_parsed_type_and_hold_the_same_items():
    from weasyprint.text.ffi import ffi

    pdf._warm_up()
    assert list(ffi.new("hb_codepoint_t[3]", [7, 1, 5])) == [7, 1, 5]
    assert ffi.typeof(ffi.new("hb_codepoint_t[3]", [7, 1, 5])) is ffi.typeof("hb_codepoint_t[]")
    # Anything else is cffi's own: a sized array given fewer items is padded with zeros.
    assert list(ffi.new("hb_codepoint_t[4]", [9])) == [9, 0, 0, 0]
    assert ffi.typeof(ffi.new("hb_codepoint_t[4]", [9])) is ffi.typeof("hb_codepoint_t[4]")
    assert ffi.new("int *", 3)[0] == 3


def test_a_render_parses_no_c_type_its_warm_parent_has_not():
    """WeasyPrint's font subsetting asks for arrays of each font's glyph count; a new count
    once cost a parse by pycparser (5 ms) in every forked child. Rendered in process here, so
    that what the render parses shows in this process's cache of parsed types."""
    import weasyprint
    from weasyprint.text.ffi import ffi

    pdf._warm_up()
    parsed = set(ffi._parsed_types)
    words = "Réadaptation, « inclusion » ¿Añadir? Ĉiuj ŝtatoj; 0123456789 — ÆØÅ ßẞ"
    html = pdf.WARM_UP_HTML.replace("Question?", words)
    weasyprint.HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf._fetcher_class()()).render(
        font_config=pdf._warm["fonts"]
    ).write_pdf(pdf_variant="pdf/ua-1")
    assert set(ffi._parsed_types) == parsed


@pytest.mark.parametrize("prefix", ["", "/fr", "/es"])
def test_no_word_is_broken_by_a_hyphen_at_a_line_end(printed, client, pdf_url, prefix):
    """A word cut at a line's end reaches a screen reader, a search and a copy as two pieces
    ("regard‐", "ing"): the PDF breaks lines between words only. A hyphen at a line's end is
    one the text itself has (Anti-Personnel)."""
    data = download(client, prefix + pdf_url).data
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    cut = re.findall(r"(\w+)[-\u2010\u00ad]\n(\w+)", text)
    source = flat(pdf.programme_html(printed))
    assert [f"{a}-{b}" for a, b in cut if f"{a}-{b}" not in source] == []
    for word in LONG_WORDS:  # each one whole, every time the background has it
        assert re.findall(rf"\b{word}\b", flat(text)) == [word] * BACKGROUND.count(word)


def test_page_numbers_say_page_n_of_total(printed, client, pdf_url):
    data = download(client, pdf_url).data
    reader = PdfReader(io.BytesIO(data))
    total = len(reader.pages)
    assert total > 1
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {total}" in page.extract_text()
    assert ProgrammePDF.objects.get(state="done", programme=published_copy(printed)).pages == total


def test_pages_after_the_first_are_headed_by_the_convention_and_the_programme(
    printed, client, pdf_url
):
    reader = PdfReader(io.BytesIO(download(client, pdf_url).data))
    convention = flat(printed.meeting.convention.full_name)
    first, *others = [flat(page.extract_text()) for page in reader.pages]
    assert others
    header = f"{convention} {printed.title}"  # the two boxes, side by side
    assert all(header in text for text in others)
    assert header not in first  # the first page has its letterhead instead


@pytest.mark.parametrize(
    ("left", "right", "widths"),
    [
        ("Convention on the Prohibition of the Use, Stockpiling, Production", "Short", (71, 25)),
        ("Convention on Cluster Munitions", "Programme", (71, 25)),
        ("CCM", "A parallel programme of victim assistance experts, with a long title", (25, 71)),
        ("Convention on Cluster Munitions", "Parallel Programme of Experts", (50, 46)),
        ("", "", (25, 71)),
    ],
)
def test_the_running_header_shares_the_line_by_its_two_texts_lengths(left, right, widths):
    assert pdf.running_header_widths(left, right) == widths


def test_the_printable_html_has_no_style_but_its_page_rules(printed):
    """WeasyPrint is given the programme's stylesheet parsed, as the reader's (user) stylesheet:
    the same cascade only while the HTML brings no style of its own to compete with it."""
    html = pdf.programme_html(printed)
    assert "<link" not in html and " style=" not in html
    (rule,) = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert rule.startswith("@page {") and rule.count("{") == rule.count("}") == 4
    assert "@top-left { width: " in rule and "counter(pages)" in rule


def test_a_process_that_rendered_leaves_no_font_folder_and_no_error_at_exit(tmp_path):
    script = (
        "import django; django.setup()\n"
        "from meetings.publishing import pdf\n"
        "pdf.render_pdf(pdf.WARM_UP_HTML)\n"
        "print(pdf._warm['fonts']._folder)\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    folder = Path(done.stdout.strip())
    assert folder.parent == tmp_path and not folder.exists()
    assert "Exception ignored" not in done.stderr, done.stderr


def test_the_renderer_never_walks_the_objects_it_inherited(monkeypatch):
    """A parent due a full collection (a worker after rendering templates) otherwise made each
    render walk the parent's whole heap, and copy every page of it the walk touched."""

    def report_frozen(html, conn):
        conn.send(("ok", gc.get_freeze_count(), b""))  # `pages`: objects the collector skips

    monkeypatch.setattr(pdf, "_render_in_renderer", report_frozen)  # a renderer forked after
    assert gc.get_freeze_count() == 0
    assert pdf.render_pdf(html_page("<p>x</p>")).pages > len(gc.get_objects()) / 2


def test_arabic_and_cyrillic_titles_render_with_their_glyphs(make_session, client, pdf_url):
    make_session(title="مساعدة الضحايا · Помощь пострадавшим")
    text = pdf_text(download(client, pdf_url).data)
    assert "Помощь пострадавшим" in text
    assert "مساعدة" in text or "ةدعاسم" in text  # extractors may give Arabic in visual order


# -- how it is served ----------------------------------------------------------------------------


def test_served_with_a_telling_file_name_etag_and_304(client, pdf_url):
    response = download(client, pdf_url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="APMBC-2030-05-parallel.pdf"'
    etag, modified = response["ETag"], response["Last-Modified"]
    assert client.get(pdf_url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(pdf_url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert download(client, pdf_url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options")


def test_every_pdf_answer_carries_the_pages_security_headers(
    programme, make_session, editor_client, pdf_url, settings, monkeypatch
):
    """First download or cached, whole or streamed, current or last good, being prepared, a
    staff preview being prepared, a 304: the same policy against framing and sniffing as every
    page."""
    from meetings.caching import pages
    from meetings.public import views

    public = Client()  # a visitor: answered from the page cache where it can be
    expected = public.get(programme.get_absolute_url())
    answers = {"first download": public.get(pdf_url)}
    answers["from the page cache"] = public.get(pdf_url)
    etag = answers["first download"]["ETag"]
    answers["304 from the page cache"] = public.get(pdf_url, HTTP_IF_NONE_MATCH=etag)
    pages.forget()
    answers["stored, from the view"] = public.get(pdf_url)
    pages.forget()
    answers["304 from the view"] = public.get(pdf_url, HTTP_IF_NONE_MATCH=etag)
    monkeypatch.setattr(views, "PDF_WHOLE_MAX_BYTES", 1000)
    pages.forget()
    answers["streamed"] = public.get(pdf_url)
    monkeypatch.undo()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    make_session(title="Added later")
    answers["last good, a newer one being prepared"] = public.get(pdf_url)
    answers["being prepared"] = public.get("/fr" + pdf_url)
    Programme.objects.filter(pk=programme.pk).update(status="draft")
    answers["staff preview of a draft, being prepared"] = editor_client.get(pdf_url)

    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses == {
        "first download": 200,
        "from the page cache": 200,
        "304 from the page cache": 304,
        "stored, from the view": 200,
        "304 from the view": 304,
        "streamed": 200,
        "last good, a newer one being prepared": 200,
        "being prepared": 503,
        "staff preview of a draft, being prepared": 503,
    }
    assert answers["from the page cache"].get("Content-Length")  # a stored copy
    for name, answer in answers.items():
        for header in SECURITY_HEADERS:
            assert answer.get(header) == expected[header], f"{header} of {name}"


def test_the_programme_page_links_to_its_pdf(programme, client, pdf_url):
    assert pdf_url.encode() in client.get(programme.get_absolute_url()).content


def test_a_draft_pdf_is_404_to_the_public_and_a_preview_for_staff(
    programme, editor_client, renders, pdf_url
):
    Programme.objects.filter(pk=programme.pk).update(status="draft")
    assert Client().get(pdf_url).status_code == 404
    preview = editor_client.get(pdf_url)
    assert preview.status_code == 200
    assert "Draft - not public" in pdf_text(preview.content)
    assert "no-store" in preview["Cache-Control"]
    assert not ProgrammePDF.objects.exists()  # never among the public PDFs


def test_the_admin_preview_button_renders_a_draft(programme, editor_client):
    programme.status = Status.DRAFT
    programme.save()
    change = editor_client.get(f"/admin/meetings/programme/{programme.pk}/change/")
    assert f"/admin/meetings/programme/{programme.pk}/pdf/".encode() in change.content
    preview = editor_client.get(f"/admin/meetings/programme/{programme.pk}/pdf/")
    assert preview["Content-Type"] == "application/pdf"
    assert "Draft - not public" in pdf_text(preview.content)


def test_the_admin_preview_is_refused_to_anonymous_users(programme, client):
    response = client.get(f"/admin/meetings/programme/{programme.pk}/pdf/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admin_action_queues_the_renders_of_the_selected_programmes(programme, editor_client):
    draft = factories.ProgrammeFactory(meeting=programme.meeting)  # published, then withdrawn
    Programme.objects.filter(pk=draft.pk).update(status=Status.DRAFT)
    pks = [programme.pk, factories.ProgrammeFactory(meeting=programme.meeting).pk, draft.pk]
    response = editor_client.post(
        "/admin/meetings/programme/",
        {"action": "render_pdfs_action", "_selected_action": pks},
        follow=True,
    )
    # Two published programmes, each in English, French and Spanish (the test's queue runs
    # them at once); the draft has no public PDF.
    page = response.content.decode()
    assert "Queued 6 PDF renders" in page and "1 draft(s) skipped" in page
    assert ProgrammePDF.objects.filter(state="done").count() == 6
    assert not ProgrammePDF.objects.filter(programme__working=draft).exists()


# -- rendered once per version -------------------------------------------------------------------


def test_rendered_once_then_served_from_storage(client, pdf_url, renders):
    first = download(client, pdf_url)
    for _ in range(3):
        assert download(client, pdf_url).data == first.data
    assert len(renders) == 1


def test_repeat_downloads_are_answered_from_the_cache_without_a_query(client, pdf_url, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = download(client, pdf_url)
    settings.CONTENT_FRESHNESS_SECONDS = 60
    download(client, pdf_url)  # reads the generation once
    with CaptureQueriesContext(connection) as queries:
        again = download(client, pdf_url)
    assert len(queries) == 0
    assert again.data == first.data and again["ETag"] == first["ETag"]
    assert not again.streaming  # answered from the cache
    assert again["Content-Length"] == str(len(first.data))
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Cache-Control"] == first["Cache-Control"]
    # A browser asks again each time: after an edit it gets the new PDF at once, not its copy.
    assert "max-age=0" in first["Cache-Control"] and "must-revalidate" in first["Cache-Control"]
    not_modified = client.get(pdf_url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and not_modified["ETag"] == first["ETag"]


def test_a_pdf_too_large_to_answer_whole_is_streamed_from_its_file_each_time(
    client, pdf_url, monkeypatch
):
    from meetings.public import views

    monkeypatch.setattr(views, "PDF_WHOLE_MAX_BYTES", 1000)
    first = download(client, pdf_url)
    download(client, pdf_url)
    again = download(client, pdf_url)
    assert again.streaming and again.data == first.data


def test_the_cached_pdf_is_let_go_after_a_change(programme, client, pdf_url, renders):
    download(client, pdf_url)
    download(client, pdf_url)
    Programme.objects.filter(pk=programme.pk).update(status="draft")
    assert client.get(pdf_url).status_code == 404  # a draft now: not served from the cache


def test_an_edit_to_the_programme_renders_the_next_download_anew_once_published(
    programme, make_session, client, pdf_url, renders
):
    presentation = factories.PresentationFactory(session=make_session(), title="Coordination")
    before = download(client, pdf_url)
    Presentation.objects.filter(pk=presentation.pk).update(title="Swapped")
    unpublished = download(client, pdf_url)  # delegates read the published copy: not yet
    assert len(renders) == 1
    assert unpublished["ETag"] == before["ETag"] and unpublished.data == before.data
    revisions.publish(programme, "Presentation retitled")
    after = download(client, pdf_url)
    assert len(renders) == 2
    assert after["ETag"] != before["ETag"]
    assert "Swapped" in pdf_text(after.data)


def test_an_unrelated_edit_checks_but_does_not_render(client, pdf_url, renders):
    post = factories.NewsPostFactory()
    download(client, pdf_url)
    post.title += " (updated)"
    post.save()
    assert generations.count_everything() > ProgrammePDF.objects.get().checked_at
    download(client, pdf_url)
    assert len(renders) == 1
    assert ProgrammePDF.objects.get().checked_at == generations.count_everything()


def test_a_download_does_not_wait_for_a_render_already_under_way(
    programme, make_session, client, pdf_url, renders
):
    session = make_session(title="Group work")
    old = download(client, pdf_url)
    Session.objects.filter(pk=session.pk).update(title="Group work, renamed")
    revisions.publish(programme, "Session renamed")
    html = pdf.programme_html(pdf.queries.programme_page(programme.meeting.slug, programme.slug))
    assert "Group work, renamed" in html  # the new revision's
    ProgrammePDF.objects.create(  # as if another request had just started this render
        programme=published_copy(programme),
        fingerprint=pdf.fingerprint(html),
        state="rendering",
        started_at=pdf.timezone.now(),
    )
    response = download(client, pdf_url)
    assert response.status_code == 200
    assert response["ETag"] == old["ETag"]  # the last good PDF, at once
    assert len(renders) == 1


def test_with_no_pdf_yet_a_busy_render_answers_503_retry_after(programme, client, pdf_url):
    html = pdf.programme_html(pdf.queries.programme_page(programme.meeting.slug, programme.slug))
    ProgrammePDF.objects.create(
        programme=published_copy(programme),
        fingerprint=pdf.fingerprint(html),
        state="rendering",
        started_at=pdf.timezone.now(),
    )
    response = client.get(pdf_url)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert b"being prepared right now" in response.content


def test_the_command_renders_every_published_programme_with_a_progress_bar(programme):
    factories.ProgrammeFactory(meeting=programme.meeting)
    out, err = io.StringIO(), io.StringIO()
    call_command("render_programme_pdfs", stdout=out, stderr=err)
    assert out.getvalue().strip() == (
        "2 programmes in 3 languages: 6 rendered, 0 already current, 0 failed."
    )
    assert "100%" in err.getvalue() and "2/2" in err.getvalue()
    copies = Programme.objects.filter(edition=Edition.PUBLISHED)  # the PDFs are theirs
    assert copies.count() == 2
    for copy in copies:
        assert sorted(copy.pdfs.values_list("language", flat=True)) == ["en", "es", "fr"]
    out = io.StringIO()
    call_command("render_programme_pdfs", stdout=out, stderr=io.StringIO())
    assert "0 rendered, 6 already current" in out.getvalue()
    with pytest.raises(CommandError, match="No meeting has the slug"):
        call_command("render_programme_pdfs", meeting="nope", stderr=io.StringIO())


# -- refusals ------------------------------------------------------------------------------------


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        RecordingHandler.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_server():
    """An HTTP server on 127.0.0.1 that records what it is asked for."""
    RecordingHandler.requests = []
    server = http.server.HTTPServer(("127.0.0.1", 0), RecordingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def html_page(body, style=""):
    return (
        '<!DOCTYPE html><html lang="en"><head><title>t</title>'
        f"<style>{style}</style></head><body><p>Before</p>{body}<p>After</p></body></html>"
    )


@pytest.mark.parametrize(
    ("body", "style"),
    [
        ('<img src="file:///etc/passwd" alt="">', ""),
        ('<img src="/etc/passwd" alt="">', ""),
        ('<img src="../../../../etc/passwd" alt="">', ""),
        ("", "p { background: url(/dev/urandom) }"),
        ("", "p { background: url(file:///dev/urandom) }"),
        ('<link rel="stylesheet" href="/static/../../../../etc/passwd">', ""),
        ('<iframe src="file:///etc/passwd"></iframe>', ""),
    ],
    ids=["file-url", "absolute-path", "dot-dot", "css-device", "css-file-device", "link", "iframe"],
)
def test_local_files_outside_static_and_media_are_refused(body, style):
    rendered = pdf.render_pdf(html_page(body, style))
    text = pdf_text(rendered.data)
    assert "Before" in text and "After" in text  # the render finished
    assert "root:" not in text


def test_loopback_and_network_urls_are_never_fetched(loopback_server):
    rendered = pdf.render_pdf(
        html_page(
            f'<img src="{loopback_server}/img.png" alt=""><img src="http://10.0.0.1/x.png" alt="">',
            f"p {{ background: url({loopback_server}/css.png) }}"
            f' @import url("{loopback_server}/x.css");',
        )
    )
    assert "After" in pdf_text(rendered.data)
    assert RecordingHandler.requests == []


def test_markdown_with_hostile_references_renders_without_them(
    programme, client, pdf_url, loopback_server
):
    programme.background = (
        '![](file:///etc/passwd)\n\n<img src="/etc/passwd">\n\n'
        f"![x]({loopback_server}/md.png)\n\nStill here."
    )
    programme.save()
    factories.show_published(programme)
    response = download(client, pdf_url)
    assert response.status_code == 200
    assert "Still here." in pdf_text(response.data)
    assert RecordingHandler.requests == []


def test_the_fetcher_serves_only_static_and_media_files(media, tmp_path):
    assert pdf._allowed_file(pdf.BASE_URL + "static/css/programme-pdf.css") is not None
    assert pdf._allowed_file(pdf.BASE_URL + "static/../../etc/passwd") is None
    assert pdf._allowed_file(pdf.BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd") is None
    assert pdf._allowed_file(pdf.BASE_URL + "etc/passwd") is None
    assert pdf._allowed_file("http://127.0.0.1/static/css/programme-pdf.css") is None
    assert pdf._allowed_file("file:///etc/passwd") is None
    media.mkdir(parents=True, exist_ok=True)
    (media / "random").symlink_to("/dev/urandom")
    (media / "passwd").symlink_to("/etc/passwd")
    (media / "ok.png").write_bytes(b"\x89PNG")
    assert pdf._allowed_file(pdf.BASE_URL + "media/random") is None
    assert pdf._allowed_file(pdf.BASE_URL + "media/passwd") is None
    assert pdf._allowed_file(pdf.BASE_URL + "media/ok.png") == (media / "ok.png").resolve()


# -- bounded in time and memory ------------------------------------------------------------------


def test_a_render_past_the_time_limit_ends_with_a_clear_error(settings):
    settings.PDF_RENDER_TIMEOUT = 1
    huge = html_page("".join(f"<p>Session {n}</p>" for n in range(200_000)))
    with pytest.raises(pdf.RenderError, match="longer than the 1 second limit"):
        pdf.render_pdf(huge)


def test_a_render_runs_at_a_lower_cpu_priority_than_the_web_workers(settings, monkeypatch):
    """On a meeting day a render after each publish must not take the cores from delegates."""

    def report_niceness(html, conn):
        conn.send(("ok", os.nice(0), b""))  # `pages`: the renderer's niceness

    settings.PDF_RENDER_NICENESS = 7
    monkeypatch.setattr(pdf, "_render_in_renderer", report_niceness)  # a renderer forked after
    assert pdf.render_pdf(html_page("<p>x</p>")).pages == os.nice(0) + 7


def report_pid(html, conn):
    conn.send(("ok", os.getpid(), b""))  # `pages`: the renderer's process id
    return True


def test_one_renderer_renders_one_pdf_after_another_then_gives_way(monkeypatch):
    monkeypatch.setattr(pdf, "_render_in_renderer", report_pid)
    monkeypatch.setattr(pdf, "RENDERS_PER_RENDERER", 3)
    pids = [pdf.render_pdf("<p>x</p>").pages for _ in range(7)]
    assert os.getpid() not in pids
    assert len(set(pids[0:3])) == len(set(pids[3:6])) == 1 and len(set(pids)) == 3
    assert not pdf.process_alive(pids[0])  # ended, and reaped


def test_after_a_failed_render_the_next_is_rendered_by_a_new_renderer(settings, monkeypatch):
    settings.PDF_RENDER_TIMEOUT = 2
    monkeypatch.setattr(pdf, "_render_in_renderer", report_pid)
    before = pdf.render_pdf("<p>x</p>").pages
    monkeypatch.setattr(pdf, "_render_in_renderer", hanging_render)
    with pytest.raises(pdf.RenderError, match="longer than the 2 second limit"):
        pdf.render_pdf("<p>x</p>")
    monkeypatch.setattr(pdf, "_render_in_renderer", report_pid)
    after = pdf.render_pdf("<p>x</p>").pages
    assert after != before and not pdf.process_alive(before)


def report_cpu_limit(html, conn):
    import resource

    used = sum(os.times()[:2])
    conn.send(("ok", resource.getrlimit(resource.RLIMIT_CPU)[0] - used, b""))
    return True


def test_each_render_is_held_to_the_cpu_seconds_of_the_time_limit(settings, monkeypatch):
    """RLIMIT_CPU counts the renderer's whole life: each render's limit is moved on from what
    the renderer has used so far."""
    settings.PDF_RENDER_TIMEOUT = 7
    monkeypatch.setattr(pdf, "_render_in_renderer", report_cpu_limit)
    for _ in range(3):  # `pages`: the CPU seconds left to this render
        assert 7 <= pdf.render_pdf("<p>x</p>").pages <= 9


def hanging_render(html, conn):
    threading.Event().wait()


_GROWN = []


def growing_render(html, conn):
    import mmap

    _GROWN.append(mmap.mmap(-1, 40 * 1024 * 1024))  # kept: the renderer's address space grows
    return report_pid(html, conn)


def test_a_renderer_grown_past_half_its_memory_gives_way(settings, monkeypatch):
    settings.PDF_RENDER_MEMORY_MB = 64
    monkeypatch.setattr(pdf, "_render_in_renderer", growing_render)
    first, second = (pdf.render_pdf("<p>x</p>").pages for _ in range(2))
    assert first != second
    monkeypatch.setattr(pdf, "_render_in_renderer", report_pid)
    third, fourth = (pdf.render_pdf("<p>x</p>").pages for _ in range(2))
    assert third == fourth


def allocating_render(html, conn):
    """`keep N`: the renderer keeps N MB; `need N`: the render needs N MB, then lets them go.
    Mapped anew (mmap), never taken from free space the heap already holds."""
    import mmap

    what, megabytes = html.split()
    block = mmap.mmap(-1, int(megabytes) * 1024 * 1024)
    if what == "keep":
        _GROWN.append(block)
    return report_pid(html, conn)


def test_each_render_has_the_whole_memory_allowance_whatever_the_ones_before_left(
    settings, monkeypatch
):
    settings.PDF_RENDER_MEMORY_MB = 64
    monkeypatch.setattr(pdf, "_render_in_renderer", allocating_render)
    first = pdf.render_pdf("need 40").pages
    assert pdf.render_pdf("keep 30").pages == first  # under half: the renderer goes on
    assert pdf.render_pdf("need 40").pages == first  # 70 MB beyond what it started with
    with pytest.raises(pdf.RenderError, match="memory"):
        pdf.render_pdf("need 80")


class Interrupted(Exception):
    pass


def answering_late(html, conn):
    time.sleep(1.5 if html.startswith("slow") else 0)
    conn.send(("ok", 1, html.encode()))
    return True


def test_a_render_interrupted_in_the_worker_never_answers_the_next_one(monkeypatch):
    """An exception in the worker while it waits (a task's time limit, Ctrl-C) leaves an answer
    on its way: the next render must not take it for its own."""
    monkeypatch.setattr(pdf, "_render_in_renderer", answering_late)
    pdf.render_pdf("started")

    def interrupt(signum, frame):
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with pytest.raises(Interrupted):
            pdf.render_pdf("slow: programme A")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert pdf.render_pdf("programme B").data == b"programme B"
    assert pdf.render_pdf("programme C").data == b"programme C"


def dying_once(html, conn):
    marker = Path(html)
    if not marker.exists():
        marker.touch()
        os._exit(1)
    return report_pid(html, conn)


def test_a_renderer_that_had_rendered_and_ends_without_a_word_is_replaced_and_tried_again(
    monkeypatch, tmp_path
):
    """Ended for its idleness, by the OOM killer, or with the thread that started it."""
    monkeypatch.setattr(pdf, "_render_in_renderer", dying_once)
    (tmp_path / "first").touch()
    first = pdf.render_pdf(str(tmp_path / "first")).pages
    again = pdf.render_pdf(str(tmp_path / "second")).pages  # its first try ended the renderer
    assert again != first and (tmp_path / "second").exists()
    pdf._stop_renderer()
    with pytest.raises(pdf.RenderError, match="the renderer stopped"):
        pdf.render_pdf(str(tmp_path / "third"))  # a new renderer's first answer: not tried again


def test_an_idle_renderer_ends(monkeypatch):
    monkeypatch.setattr(pdf, "_render_in_renderer", report_pid)
    monkeypatch.setattr(pdf, "RENDERER_IDLE_SECONDS", 0.2)
    first = pdf.render_pdf("<p>x</p>").pages
    deadline = time.monotonic() + 30
    while pdf._renderer["current"].process.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pdf.process_alive(first)
    assert pdf.render_pdf("<p>x</p>").pages != first


WORKER_WITH_HANDLERS = """
import signal, sys
import django
django.setup()
from meetings.publishing import pdf

# As db_worker's: a stop signal asks the running task to finish, and does not exit.
signal.signal(signal.SIGTERM, lambda *args: print("asked to stop", flush=True))
signal.signal(signal.SIGINT, lambda *args: print("asked to stop", flush=True))
print(pdf.render_pdf(pdf.WARM_UP_HTML).pages, flush=True)
"""


def test_a_worker_with_stop_signal_handlers_of_its_own_exits_once_it_has_rendered(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", WORKER_WITH_HANDLERS],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the worker waited at its exit for its renderer")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"


def slow_render(html, conn):
    """Writes its process id to the file `html` names, then takes a second to answer."""
    Path(html).write_text(str(os.getpid()))
    time.sleep(1)
    return report_pid(html, conn)


def test_a_renderer_asked_to_stop_ends_at_once_when_idle_and_after_its_answer_when_not(
    monkeypatch, tmp_path
):
    monkeypatch.setattr(pdf, "_render_in_renderer", slow_render)
    first = pdf.render_pdf(str(tmp_path / "first")).pages
    os.kill(first, signal.SIGTERM)  # waiting for work: it ends at once
    deadline = time.monotonic() + 10
    while pdf.process_alive(first) and time.monotonic() < deadline:
        pdf._renderer["current"].process.is_alive()  # reaps it once it has ended
        time.sleep(0.05)
    assert not pdf.process_alive(first)

    rendering = tmp_path / "second"

    def stop_it_mid_render():
        while not rendering.exists() or not rendering.read_text():
            time.sleep(0.01)
        os.kill(int(rendering.read_text()), signal.SIGTERM)

    stopper = threading.Thread(target=stop_it_mid_render)
    stopper.start()
    answered = pdf.render_pdf(str(rendering))  # asked to stop mid-render: answers, then ends
    stopper.join()
    assert answered.pages == int(rendering.read_text()) != first
    assert not pdf.process_alive(answered.pages)


def test_a_forked_copy_of_a_worker_starts_a_renderer_of_its_own(monkeypatch):
    import multiprocessing

    monkeypatch.setattr(pdf, "_render_in_renderer", report_pid)
    workers = pdf.render_pdf("<p>x</p>").pages
    context = multiprocessing.get_context("fork")
    results = context.Queue()

    def in_the_copy():
        try:
            results.put(("ok", pdf.render_pdf("<p>x</p>").pages, os.getpid()))
        except Exception as error:  # noqa: BLE001 - the test reports it
            results.put(("error", repr(error), os.getpid()))

    copy = context.Process(target=in_the_copy)
    copy.start()
    outcome = results.get(timeout=60)
    copy.join()
    assert outcome[0] == "ok", outcome
    assert outcome[1] not in (workers, outcome[2])
    assert pdf.render_pdf("<p>x</p>").pages == workers  # the worker's own, untouched


def test_a_render_past_the_memory_limit_ends_with_a_clear_error(settings):
    settings.PDF_RENDER_MEMORY_MB = 64
    huge = html_page("<p>" + "word " * 2_000_000 + "</p>")
    with pytest.raises(pdf.RenderError, match="memory|stopped"):
        pdf.render_pdf(huge)


@pytest.mark.parametrize(
    "background",
    [">" * 1000 + " deep", "[" * 20000, "- " * 400 + "nested", "lorem ipsum " * 100_000],
    ids=["quotes-1000", "brackets-20000", "lists-400", "megabyte"],
)
def test_pathological_markdown_renders_or_fails_cleanly(
    programme, client, pdf_url, settings, background
):
    settings.PDF_RENDER_TIMEOUT = 5
    programme.background = background
    programme.save()
    factories.show_published(programme)
    response = client.get(pdf_url)
    assert response.status_code in (200, 503)
    if response.status_code == 503:
        assert ProgrammePDF.objects.get(state="failed").error


def test_thousands_of_sessions_fail_cleanly_and_the_last_good_pdf_stays(
    programme, make_session, client, pdf_url, settings
):
    template = make_session()
    good = download(client, pdf_url)
    Session.objects.bulk_create(
        Session(
            programme=programme,
            title=f"Extra session {n}",
            slug=f"extra-{n}",
            date=template.date,
            position=100 + n,
        )
        for n in range(3000)
    )
    revisions.publish(programme, "Three thousand sessions added")
    settings.PDF_RENDER_TIMEOUT = 2
    response = download(client, pdf_url)
    assert response.status_code == 200
    assert response["ETag"] == good["ETag"]  # the last good PDF is still served
    failed = ProgrammePDF.objects.get(state="failed")
    assert "longer than the 2 second limit" in failed.error


# -- everything the programme page holds, each once (issue 19) ------------------------------------


def test_the_seed_pdf_holds_every_sessions_text_once_with_the_venue_and_documents(seeds, client):
    text = pdf_text(download(client, SEED_PDF_URL).data)
    assert "22 May 2012, Geneva" in text
    # The opening's text, which the PDF used to drop (only discussions had theirs printed).
    assert "H.E. Prak Sokhonn of Cambodia" in text
    assert "Participants broke up into three small working groups" in text
    # Each question once: the discussion topics no longer repeat the sessions' questions.
    for question in bullet_questions(source("000"))[:6]:
        assert text.count(flat(question)) == 1, question
    assert_in_order(text, ["Documents", "List of Participants (PDF 418KB, not available online)"])
    assert "(PDF 44KB, not available online)" in text


@pytest.fixture
def rich(programme, make_session):
    """A programme whose sessions of every kind have text, presentations with and without a
    title, a document, an action and questions by audience."""
    kinds = [k for k in Session.Kind if k != Session.Kind.BREAK]
    sessions = [
        make_session(n, kind=kind, title=f"Item {kind.label}", purpose=f"Text of the {kind}.")
        for n, kind in enumerate(kinds, start=1)
    ]
    panel = sessions[kinds.index(Session.Kind.PANEL)]
    factories.PresentationFactory(
        session=panel,
        kind=Presentation.Kind.STATEMENT,
        title="",
        delegation_state=factories.StateFactory(iso_code="AF", name="Afghanistan"),
    )
    factories.PresentationFactory(
        session=panel,
        title="Rehabilitation in practice",
        presenters=[factories.PersonFactory(name="Kerryn Clarke")],
        document=factories.DocumentFactory(title="Rehabilitation slides", not_held=True),
    )
    discussion = sessions[kinds.index(Session.Kind.DISCUSSION)]
    action = factories.ActionFactory(number=24, title="Coordinate the national plan", text="")
    discussion.actions.set([action])
    factories.DiscussionQuestionFactory(session=discussion, text="Who coordinates?")
    return programme


def test_every_sessions_text_and_presentation_is_printed_in_the_pages_order(rich, client, pdf_url):
    page = flat(re.sub(r"<[^>]+>", " ", client.get(rich.get_absolute_url()).content.decode()))
    text = pdf_text(download(client, pdf_url).data)
    shown = [f"Text of the {kind}." for kind in Session.Kind if kind != Session.Kind.BREAK]
    assert_in_order(page, shown)
    assert_in_order(text, shown)
    assert "Statement: Afghanistan" in text
    assert ": ," not in text and ", ," not in text
    assert_in_order(
        text,
        [
            "Text of the discussion.",
            "Action #24: Coordinate the national plan",
            "Who coordinates?",
            "Text of the panel.",
            "Presentation: Rehabilitation in practice, Kerryn Clarke",
            "Rehabilitation slides (PDF 44KB, not available online)",
        ],
    )


def test_no_page_but_the_last_is_left_near_empty_by_a_long_session(programme, make_session):
    """A short session, then one too long for what is left of its page: kept whole
    (break-inside: avoid) it was pushed to the next page, leaving the first nearly empty."""
    make_session(1, title="Short opening", purpose="Opening words.")
    long = make_session(2, title="Long discussion", purpose="\n\n".join([BACKGROUND] * 2))
    factories.DiscussionQuestionFactory.create_batch(30, session=long)
    copy = published_copy(programme)
    data = pdf.render_pdf(pdf.printable(pdf.programme_html(copy))).data
    pages = [len(flat(page.extract_text())) for page in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) >= 2
    fullest = max(pages)
    assert all(chars > fullest * 0.6 for chars in pages[:-1]), pages


def test_an_arabic_paragraph_is_laid_out_right_to_left(programme, make_session, client, pdf_url):
    make_session(1, title="Session", purpose="English first.\n\nنص الفقرة باللغة العربية")
    html = pdf.programme_html(published_copy(programme))
    assert '<p dir="rtl">نص الفقرة' in html
    assert '<p dir="ltr">English first.' in html
    reader = PdfReader(io.BytesIO(download(client, pdf_url).data))
    starts = {}

    def seen(text, cm, tm, font, size):
        if text.strip():
            starts.setdefault(text.strip()[:3], cm[4] + tm[4])

    for page in reader.pages:
        page.extract_text(visitor_text=seen)
    arabic = next(x for key, x in starts.items() if "\u0600" <= key[0] <= "\u06ff")
    english = starts["Eng"]
    assert arabic > english + 150  # points: the short Arabic line ends at the right margin


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("", "Herbert Baryayebwa (Uganda)"), ("/fr", "Herbert Baryayebwa (Ouganda)")],
)
def test_a_presenter_is_printed_with_the_state_they_represent(
    programme, make_session, client, pdf_url, prefix, expected
):
    uganda = factories.StateFactory(iso_code="UG")
    factories.PresentationFactory(
        session=make_session(1),
        title="National accessibility standards",
        presenters=[factories.PersonFactory(name="Herbert Baryayebwa", state=uganda)],
    )
    factories.show_published(programme)
    text = pdf_text(download(client, prefix + pdf_url).data)
    assert f"National accessibility standards, {expected}" in text


@pytest.mark.parametrize(
    ("prefix", "zone", "untimed"),
    [
        ("", "Times: Geneva time", "Time not set"),
        ("/fr", "Heures : heure de Genève", "Heure non fixée"),
        ("/es", "Horas: hora de Ginebra", "Hora sin fijar"),
    ],
)
def test_the_pdf_names_its_time_zone_once_and_says_which_sessions_have_no_time(
    programme, make_session, client, pdf_url, prefix, zone, untimed
):
    make_session(1, title="Test timed session")
    make_session(2, title="Test untimed session", start_time=None)
    text = pdf_text(download(client, prefix + pdf_url).data)
    assert text.count(zone) == 1
    assert_in_order(text, [zone, "Test timed session", untimed, "Test untimed session"])


@pytest.mark.parametrize(
    ("prefix", "quoted"),
    [
        ("", "\u201cTest words of the action.\u201d"),
        ("/fr", "\u00ab\u00a0Test words of the action.\u00a0\u00bb"),
        ("/es", "\u00abTest words of the action.\u00bb"),
    ],
)
def test_an_actions_words_are_quoted_with_the_pdf_languages_marks(
    programme, make_session, client, pdf_url, prefix, quoted
):
    make_session(1).actions.set([factories.ActionFactory(text="Test words of the action.")])
    factories.show_published(programme)
    data = download(client, prefix + pdf_url).data
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert quoted in text


def test_the_french_pdf_author_writes_one_apostrophe(programme, make_session):
    """The catalogue's "Unité d'appui à l'application" and the treaty's French name as the data
    holds it ("Convention sur l'interdiction…") make one line with one kind of apostrophe."""
    convention = programme.meeting.convention
    convention.full_name_fr = "Convention sur l'interdiction des mines d'essai"
    convention.save()
    make_session(1)
    with translation.override("fr"):
        html = pdf.programme_html(published_copy(programme))
    author = re.search(r'<meta name="author"\s+content="([^"]*)"', html).group(1)
    assert unescape(author) == (
        "Unité d'appui à l'application de la Convention sur l'interdiction des mines d'essai"
    )

"""Staff previews of a programme's PDF (pdf.preview, tasks.render_programme_preview): rendered by
the task queue's worker, never in the web request, which asks for one task however often it is
polled and answers "being prepared" at once; served once ready, their error shown if they failed,
and kept apart from the public PDFs."""

import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader
from task_workers import DATABASE_QUEUE

from meetings.models import Programme, ProgrammePDF, Status
from meetings.publishing import pdf, tasks

PREVIEW_TASK = "meetings.publishing.tasks.render_programme_preview"


def pdf_text(data):
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def admin_url(programme):
    return f"/admin/meetings/programme/{programme.pk}/pdf/"


@pytest.fixture
def pdf_url(programme):
    return programme.get_absolute_url() + "programme.pdf"


@pytest.fixture
def draft(programme, make_session):
    make_session(title="Planned rehabilitation session")
    Programme.objects.filter(pk=programme.pk).update(status=Status.DRAFT)
    return programme


@pytest.fixture
def worker(settings, monkeypatch):
    """The database queue, which runs nothing at once: a render outside a task run by `run()` (as
    the worker would) fails the test."""
    settings.TASKS = DATABASE_QUEUE
    real = pdf.render_pdf
    inside = []

    def guarded(html):
        assert inside, "rendered in the web request"
        return real(html)

    monkeypatch.setattr(pdf, "render_pdf", guarded)

    def run():
        queued = list(DBTaskResult.objects.filter(task_path=PREVIEW_TASK, status="READY"))
        inside.append(True)
        try:
            outcomes = [
                tasks.render_programme_preview.call(
                    *r.args_kwargs["args"], **r.args_kwargs["kwargs"]
                )
                for r in queued
            ]
        finally:
            inside.clear()
        DBTaskResult.objects.filter(pk__in=[r.pk for r in queued]).update(status="SUCCESSFUL")
        return outcomes

    return run


def queued_previews():
    return DBTaskResult.objects.filter(task_path=PREVIEW_TASK).count()


def assert_being_prepared(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(pdf.PREVIEW_RETRY_AFTER)
    assert response["Refresh"] == str(pdf.PREVIEW_RETRY_AFTER)
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith("text/html")


def test_a_preview_renders_nothing_in_the_request_and_queues_one_task_however_many_polls(
    draft, editor_client, admin_url, worker
):
    for _poll in range(3):
        assert_being_prepared(editor_client.get(admin_url))
    assert queued_previews() == 1

    assert worker() == ["rendered"]
    ready = editor_client.get(admin_url)
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    assert ready["Content-Disposition"].startswith('inline; filename="draft-')
    assert "no-store" in ready["Cache-Control"] and "private" in ready["Cache-Control"]
    text = pdf_text(ready.content)
    assert "Draft - not public" in text and "Planned rehabilitation session" in text
    assert queued_previews() == 1


def test_an_edit_after_the_preview_asks_for_a_new_one(
    draft, make_session, editor_client, admin_url, worker
):
    editor_client.get(admin_url)
    worker()
    make_session(2, title="Added after the preview")
    assert_being_prepared(editor_client.get(admin_url))
    assert queued_previews() == 2
    worker()
    assert "Added after the preview" in pdf_text(editor_client.get(admin_url).content)
    # The older preview was removed when the newer one was written.
    folder = f"{pdf.PREVIEW_FOLDER}/{draft.pk}/en"
    assert len(pdf.default_storage.listdir(folder)[1]) == 1


def test_a_lost_preview_task_is_queued_again_after_the_render_bound(
    draft, editor_client, admin_url, worker
):
    editor_client.get(admin_url)
    (marker,) = pdf.default_storage.listdir(f"{pdf.PREVIEW_FOLDER}/{draft.pk}/en")[1]
    assert marker.endswith(".queued")
    editor_client.get(admin_url)
    assert queued_previews() == 1
    lost = timezone.now() - pdf.render_bound() - timedelta(seconds=1)
    pdf._write(f"{pdf.PREVIEW_FOLDER}/{draft.pk}/en/{marker}", lost.isoformat().encode())
    assert_being_prepared(editor_client.get(admin_url))
    assert queued_previews() == 2


def test_a_damaged_marker_asks_again_instead_of_failing(draft, editor_client, admin_url, worker):
    editor_client.get(admin_url)
    (marker,) = pdf.default_storage.listdir(f"{pdf.PREVIEW_FOLDER}/{draft.pk}/en")[1]
    pdf._write(f"{pdf.PREVIEW_FOLDER}/{draft.pk}/en/{marker}", b"\xffnot a time")
    assert_being_prepared(editor_client.get(admin_url))
    assert queued_previews() == 2


def test_the_public_site_previews_a_draft_for_staff_on_the_being_prepared_page(
    draft, editor_client, pdf_url, worker
):
    waiting = editor_client.get("/fr" + pdf_url)
    assert_being_prepared(waiting)
    page = waiting.content.decode()
    assert "en cours de préparation" in page
    assert 'href="?manual"' in page
    manual = editor_client.get("/fr" + pdf_url + "?manual")
    assert manual.status_code == 503 and "Refresh" not in manual
    assert "Vérifier s'il est prêt" in manual.content.decode()
    assert queued_previews() == 1

    assert worker() == ["rendered"]
    ready = editor_client.get("/fr" + pdf_url)
    assert ready["Content-Type"] == "application/pdf"
    assert "Planned rehabilitation session" in pdf_text(ready.content)
    assert Client().get(pdf_url).status_code == 404  # the public still sees no draft


def test_a_failed_preview_shows_its_error_and_can_be_tried_again(
    draft, editor_client, admin_url, monkeypatch
):
    real, renders = pdf.render_pdf, []

    def fail(html):
        renders.append(html)
        raise pdf.RenderError("it took longer than the 60 second limit")

    monkeypatch.setattr(pdf, "render_pdf", fail)
    failed = editor_client.get(admin_url)  # the tests' queue runs the task at once
    assert failed.status_code == 503 and "Refresh" not in failed
    page = failed.content.decode()
    assert "The PDF could not be rendered: it took longer than the 60 second limit" in page
    assert 'method="post"' in page and "Try again" in page
    assert "60 second limit" in editor_client.get(admin_url).content.decode()
    assert len(renders) == 1  # not rendered again by itself

    monkeypatch.setattr(pdf, "render_pdf", real)
    retried = editor_client.post(admin_url)
    assert retried.status_code == 302 and retried["Location"] == admin_url
    assert editor_client.get(admin_url)["Content-Type"] == "application/pdf"


def test_a_failed_preview_on_the_public_site_shows_its_error_in_the_pages_language(
    draft, editor_client, pdf_url, monkeypatch
):
    def fail(html):
        raise pdf.RenderError("the renderer stopped")

    monkeypatch.setattr(pdf, "render_pdf", fail)
    page = editor_client.get("/fr" + pdf_url).content.decode()
    assert re.search(r"Le PDF n'a pas pu être produit\W+the renderer stopped", page)
    assert "Réessayer" in page


def test_a_preview_never_reaches_a_public_download(
    programme, make_session, editor_client, admin_url, pdf_url
):
    make_session(title="Opening")
    public = Client()
    published = public.get(pdf_url)
    assert published["X-PDF-Status"] == "current"
    rows = list(ProgrammePDF.objects.values_list("pk", "fingerprint"))

    # A preview of the published programme, then of it set back to draft with a new session.
    assert editor_client.get(admin_url)["Content-Type"] == "application/pdf"
    Programme.objects.filter(pk=programme.pk).update(status=Status.DRAFT)
    make_session(2, title="Planned rehabilitation session")
    preview = editor_client.get(admin_url)
    assert "Draft - not public" in pdf_text(preview.content)
    assert list(ProgrammePDF.objects.values_list("pk", "fingerprint")) == rows
    assert public.get(pdf_url).status_code == 404

    Programme.objects.filter(pk=programme.pk).update(status=Status.PUBLISHED)
    download = public.get(pdf_url)
    assert download["X-PDF-Status"] == "current"
    assert "Draft - not public" not in pdf_text(download.content)
    assert not ProgrammePDF.objects.filter(file__startswith=pdf.PREVIEW_FOLDER).exists()


def test_the_preview_task_of_a_deleted_programme_does_nothing(draft):
    pk = draft.pk
    draft.delete()
    assert tasks.render_programme_preview.call(pk, "en") == "deleted"

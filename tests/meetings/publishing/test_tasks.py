"""Programme PDFs rendered by the task queue's worker (meetings/publishing/tasks.py): a download
renders nothing and asks once per change; meanwhile it gets the last good PDF, marked as such,
or a 503 with Retry-After; a failed or interrupted render is tried again after growing waits,
then given up; the admin shows the renders and renders one again; and a real `db_worker` on
the database queue does it all end to end. Killed workers and renders: tests/faults/."""

import io
import os
import socket
import subprocess
from datetime import timedelta

import factories
import pytest
from django.utils import timezone, translation
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader
from task_workers import DATABASE_QUEUE, kill, start_worker, wait_for, worker_env

from meetings import queries
from meetings.models import Edition, Programme, ProgrammePDF, ProgrammePDFRequest, Status
from meetings.publishing import pdf, tasks

DUMMY_QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def pdf_url(programme):
    return programme.get_absolute_url() + "programme.pdf"


@pytest.fixture
def copy(programme):
    """The programme's published copy, which delegates read: its PDFs are this copy's, and the
    render task is given its id."""
    return Programme.objects.get(working=programme, edition=Edition.PUBLISHED)


@pytest.fixture
def queue(settings):
    """A queue that keeps its tasks and runs none: what the worker finds waiting."""
    settings.TASKS = DUMMY_QUEUE
    return task_backends["default"].results


@pytest.fixture
def renders(monkeypatch):
    """The renders WeasyPrint is asked for."""
    calls = []
    real = pdf.render_pdf

    def counting(html):
        calls.append(html)
        return real(html)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    return calls


@pytest.fixture
def failing(monkeypatch):
    """Every render fails, as one past its time limit does; the list counts them."""
    calls = []

    def fail(html):
        calls.append(html)
        raise pdf.RenderError("it took longer than the 60 second limit")

    monkeypatch.setattr(pdf, "render_pdf", fail)
    return calls


def run(results):
    """Runs the tasks queued so far that are due, as the worker would, and takes them off."""
    due = [r for r in results if r.task.run_after is None or r.task.run_after <= timezone.now()]
    for result in due:
        results.remove(result)
    return [result.task.call(*result.args, **result.kwargs) for result in due]


def render_task(copy, language="en", force=False):
    return tasks.render_programme_pdf.call(copy.pk, language, force)


def fingerprint_now(copy, language="en"):
    with translation.override(language):
        return pdf.fingerprint(pdf.programme_html(queries.programmes_in_full([copy.pk]).get()))


def dead_pid():
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def make_due(row):
    """As if its next try's time had come."""
    ProgrammePDF.objects.filter(pk=row.pk).update(next_try_at=timezone.now() - timedelta(seconds=1))


# -- what a download does ------------------------------------------------------------------------


def test_a_download_renders_nothing_and_asks_the_worker_once_per_change(
    copy, make_session, client, pdf_url, queue, renders, monkeypatch
):
    html_renders = []
    real_html = pdf.programme_html
    monkeypatch.setattr(pdf, "programme_html", lambda p: html_renders.append(p) or real_html(p))
    for _ in range(3):
        response = client.get(pdf_url)
        assert response.status_code == 503
        assert response["Retry-After"] == "10"
        assert "no-store" in response["Cache-Control"]
        assert b"being prepared right now" in response.content
    assert [(r.task.name, r.args) for r in queue] == [
        ("render_programme_pdf", [copy.pk, "en", False, None])
    ]
    assert renders == [] and html_renders == []  # not even the HTML, while it is pending
    assert not ProgrammePDF.objects.exists()

    client.get("/fr" + pdf_url)  # each language is its own PDF
    make_session(title="Added later")  # a change: asked again
    client.get(pdf_url)
    client.get(pdf_url)
    assert [r.args[1] for r in queue] == ["en", "fr", "en"]
    assert ProgrammePDFRequest.objects.count() == 2
    assert renders == [] and html_renders == []


def test_meanwhile_the_last_good_pdf_is_served_named_for_its_revision(
    programme, make_session, client, pdf_url, settings, renders
):
    factories.ProgrammeRevisionFactory(programme=programme, number=1)
    first = client.get(pdf_url)  # the test's queue runs the render at once
    assert first["X-PDF-Status"] == "current" and first["X-PDF-Revision"] == "1"

    settings.TASKS = DUMMY_QUEUE
    waiting = task_backends["default"].results
    make_session(title="Added later")
    for _ in range(2):  # kept by no cache: each download asks again
        older = client.get(pdf_url)
        assert older.status_code == 200
        assert older["X-PDF-Status"] == "last-good" and older["X-PDF-Revision"] == "1"
        assert older["Content-Disposition"] == (
            'inline; filename="APMBC-2030-05-parallel-revision-1.pdf"'
        )
        assert older["Cache-Control"] == "no-store"
        assert older["ETag"] == first["ETag"] and older.content == first.content
    assert len(renders) == 1 and len(waiting) == 1

    assert run(waiting) == ["rendered"]
    newer = client.get(pdf_url)
    assert newer["X-PDF-Status"] == "current" and newer["ETag"] != first["ETag"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(newer.content)).pages)
    assert "Added later" in text


def test_the_being_prepared_page_is_in_the_pages_language(programme, client, pdf_url, queue):
    response = client.get("/fr" + pdf_url)
    assert response.status_code == 503
    assert response["Content-Language"] == "fr"
    assert "en cours de préparation" in response.content.decode()


# -- tries ---------------------------------------------------------------------------------------


def test_a_failed_render_is_tried_again_after_growing_waits_then_given_up(
    copy, client, pdf_url, queue, failing, settings
):
    settings.PDF_RENDER_TRIES = 3
    settings.PDF_RENDER_RETRY_SECONDS = 30
    assert render_task(copy).startswith("failed: it took longer")
    row = ProgrammePDF.objects.get()
    assert (row.state, row.tries) == ("failed", 1)
    assert row.next_try_at - row.finished_at == timedelta(seconds=30)
    assert row.next_try_at in [r.task.run_after for r in queue]  # the retry waits in the queue

    page = client.get(pdf_url)
    assert page.status_code == 503 and int(page["Retry-After"]) > 10
    assert b"tried again automatically" in page.content

    assert render_task(copy).startswith("failed")  # not due yet: not rendered
    assert len(failing) == 1
    make_due(row)
    render_task(copy)
    row.refresh_from_db()
    assert row.tries == 2 and row.next_try_at - row.finished_at == timedelta(minutes=2)
    make_due(row)
    render_task(copy)
    row.refresh_from_db()
    assert (row.state, row.tries, row.next_try_at) == ("failed", 3, None)  # given up
    assert render_task(copy).startswith("failed")
    assert len(failing) == 3

    page = client.get(pdf_url)
    assert page.status_code == 503 and page["Retry-After"] == "300"
    assert b"could not be prepared" in page.content


def test_the_task_scheduled_for_a_next_try_does_nothing_once_the_render_is_done(
    copy, queue, renders, monkeypatch, settings
):
    settings.PDF_RENDER_TIMEOUT, settings.PDF_RENDER_RETRY_SECONDS = 60, 30
    assert render_task(copy) == "rendered"
    row = ProgrammePDF.objects.get()
    (guard,) = queue  # scheduled before the render began, in case its worker stopped
    assert guard.args == [copy.pk, "en", False, row.pk]
    assert guard.task.run_after == row.started_at + timedelta(seconds=60 + 30)
    monkeypatch.setattr(pdf, "programme_html", lambda programme: pytest.fail("HTML rendered"))
    assert guard.task.call(*guard.args) == "nothing to do"
    assert len(renders) == 1


def test_a_render_whose_worker_stopped_is_taken_over(copy, queue, renders):
    ProgrammePDF.objects.create(
        programme=copy,
        language="en",
        fingerprint=fingerprint_now(copy),
        state="rendering",
        started_at=timezone.now(),
        tries=1,
        worker=f"{socket.gethostname()}:{dead_pid()}",
    )
    assert render_task(copy) == "rendered"
    row = ProgrammePDF.objects.get()
    assert (row.state, row.tries, row.worker, row.error) == ("done", 2, "", "")
    assert len(renders) == 1


def test_a_render_still_under_way_is_left_alone_and_looked_at_when_it_should_have_ended(
    copy, queue, renders
):
    started = timezone.now()
    ProgrammePDF.objects.create(
        programme=copy,
        language="en",
        fingerprint=fingerprint_now(copy),
        state="rendering",
        started_at=started,
        tries=1,
        worker=f"{socket.gethostname()}:{os.getpid()}",  # alive: this very process
    )
    assert render_task(copy) == "busy"
    assert renders == []
    assert [r.task.run_after for r in queue] == [started + pdf.render_bound()]


def test_an_interrupted_last_try_is_given_up(copy, queue, renders, settings):
    settings.PDF_RENDER_TRIES = 2
    ProgrammePDF.objects.create(
        programme=copy,
        language="en",
        fingerprint=fingerprint_now(copy),
        state="rendering",
        started_at=timezone.now(),
        tries=2,
        worker=f"{socket.gethostname()}:{dead_pid()}",
    )
    assert render_task(copy) == f"failed: {pdf.INTERRUPTED}"
    row = ProgrammePDF.objects.get()
    assert (row.state, row.next_try_at, row.error) == ("failed", None, pdf.INTERRUPTED)
    assert renders == []


def test_a_task_for_a_draft_a_working_copy_a_deleted_one_or_an_unknown_language_renders_nothing(
    programme, copy, renders
):
    assert tasks.render_programme_pdf.call(999_999, "en") == "not public"
    assert render_task(copy, language="xx") == "unknown language"
    assert render_task(programme) == "not public"  # staff's working copy: previews only
    programme.status = Status.DRAFT
    programme.save()  # withdrawn: its published copy is a draft too
    assert render_task(copy) == "not public"
    assert renders == [] and not ProgrammePDF.objects.exists()


# -- the admin -----------------------------------------------------------------------------------


def test_the_admin_shows_each_render_and_renders_a_failed_one_again(programme, copy, editor_client):
    def failed_render(copy, error):
        return ProgrammePDF.objects.create(
            programme=copy,
            language="en",
            fingerprint=fingerprint_now(copy),
            state="failed",
            started_at=timezone.now(),
            finished_at=timezone.now(),
            tries=3,
            error=error,
        )

    failed = failed_render(copy, "it took longer than the 60 second limit")
    other = factories.ProgrammeFactory(meeting=programme.meeting)
    failed_render(Programme.objects.get(working=other, edition=Edition.PUBLISHED), "not this one")
    change = editor_client.get(f"/admin/meetings/programme/{programme.pk}/change/").content
    # The programme's renders are its published copies'.
    renders_url = f"/admin/meetings/programmepdf/?programme__working__id__exact={programme.pk}"
    assert renders_url.encode() in change
    listed = editor_client.get(renders_url).content.decode()
    assert "it took longer than the 60 second limit" in listed and "Failed" in listed
    assert "not this one" not in listed
    assert editor_client.get(f"/admin/meetings/programmepdf/{failed.pk}/change/").status_code == 200

    response = editor_client.post(
        "/admin/meetings/programmepdf/",
        {"action": "render_again_action", "_selected_action": [failed.pk]},
        follow=True,
    )
    assert "Asked the worker to render 1 PDF(s) again" in response.content.decode()
    failed.refresh_from_db()
    assert (failed.state, failed.tries, failed.error) == ("done", 4, "")


def test_staff_outside_the_editor_group_see_no_renders(programme, client):
    client.force_login(factories.UserFactory(is_staff=True))
    assert client.get("/admin/meetings/programmepdf/").status_code == 403


# -- a real worker -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_worker_on_the_database_queue_renders_what_a_download_asked_for(
    programme, client, pdf_url, settings, tmp_path
):
    settings.TASKS = DATABASE_QUEUE
    first = client.get(pdf_url)
    assert first.status_code == 503  # queued; no worker yet
    (queued,) = DBTaskResult.objects.all()
    assert queued.status == "READY" and queued.task_path.endswith("render_programme_pdf")

    worker = start_worker(worker_env(tmp_path))
    try:
        wait_for(lambda: client.get(pdf_url).status_code == 200, "the worker's PDF")
        # The task's own result is written after the PDF: stopping the worker before it would
        # leave it RUNNING.
        wait_for(
            lambda: DBTaskResult.objects.filter(pk=queued.pk, status="SUCCESSFUL").exists(),
            "the worker to record its task",
        )
    finally:
        kill(worker)
    queued.refresh_from_db()
    assert (queued.status, queued.return_value) == ("SUCCESSFUL", "rendered")
    row = ProgrammePDF.objects.get(state="done")
    assert (row.tries, row.worker, row.language) == (1, "", "en")
    assert client.get(pdf_url)["X-PDF-Status"] == "current"

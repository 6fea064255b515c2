"""Faults around programme PDF renders (issue 22, item 4): a renderer killed in the middle,
a worker killed in the middle of a task, a download while a render is slow. In each, downloads
go on being answered at once (the last good PDF, or 503 with Retry-After), the render is tried
again later and ends done, and nothing is left in the temporary or media folders."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult
from task_workers import DATABASE_QUEUE, kill, start_worker, wait_for, worker_env

from meetings import queries
from meetings.models import Edition, Programme, ProgrammePDF, Session
from meetings.publishing import pdf, revisions, tasks

BLOCKING_WORKER = Path(__file__).with_name("blocking_worker.py")
DUMMY_QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def blocking_renders(monkeypatch):
    """Make the render function block until released (then fail): (the release, the HTML of each
    call). A call from the web process would hold the request."""
    release, called = threading.Event(), []

    def blocking_render(html):
        called.append(html)
        release.wait(60)
        raise pdf.RenderError("released")

    monkeypatch.setattr(pdf, "render_pdf", blocking_render)
    return release, called


@pytest.fixture
def pdf_url(programme):
    return programme.get_absolute_url() + "programme.pdf"


@pytest.fixture
def good_pdf(programme, make_session, client, pdf_url):
    """A programme whose PDF was rendered (the test's queue runs tasks at once), then edited
    and published again: the response of that first, good PDF."""
    session = make_session(title="Before the edit")
    first = client.get(pdf_url)
    assert first["X-PDF-Status"] == "current"
    Session.objects.filter(pk=session.pk).update(title="After the edit")
    revisions.publish(programme, "Session retitled")
    return first


def published_copy(programme):
    """The copy delegates read: the public PDFs and their render tasks are its own."""
    return Programme.objects.get(working=programme, edition=Edition.PUBLISHED)


def fingerprint_now(copy, language="en"):
    with translation.override(language):
        return pdf.fingerprint(pdf.programme_html(queries.programmes_in_full([copy.pk]).get()))


def files_under(folder):
    folder = Path(folder)
    return sorted(p.relative_to(folder) for p in folder.rglob("*")) if folder.exists() else []


def test_a_killed_renderer_is_tried_again_later_while_the_old_pdf_is_served(
    programme, good_pdf, client, pdf_url, settings, monkeypatch, tmp_path
):
    settings.TASKS = DUMMY_QUEUE  # the retry waits in the queue, for this test to run it
    queued = task_backends["default"].results
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.setitem(pdf._warm, "fonts", None)  # its font folder in `temporary`
    pdf._warm_up()
    temporary_before = files_under(temporary)
    media_before = files_under(settings.MEDIA_ROOT)

    started = tmp_path / "child.pid"
    real_render = pdf._render_in_renderer

    def hanging_render(*args):
        started.write_text(str(os.getpid()))
        threading.Event().wait()  # until killed

    monkeypatch.setattr(pdf, "_render_in_renderer", hanging_render)

    task_ended = threading.Event()

    def child_pid():
        return started.exists() and started.read_text()

    def kill_child():
        # No longer waited for once the task has ended without a render (the test then fails).
        wait_for(lambda: child_pid() or task_ended.is_set(), "the renderer")
        if child_pid():
            os.kill(int(child_pid()), signal.SIGKILL)

    killer = threading.Thread(target=kill_child)
    killer.start()
    try:
        outcome = tasks.render_programme_pdf.call(published_copy(programme).pk, "en")
    finally:
        task_ended.set()
        killer.join()

    assert outcome.startswith("failed: the renderer stopped")
    assert not pdf.process_alive(int(started.read_text()))
    row = ProgrammePDF.objects.get(state="failed")
    assert row.tries == 1 and "the renderer stopped" in row.error
    assert row.next_try_at in [result.task.run_after for result in queued]  # tried again later
    assert files_under(temporary) == temporary_before  # nothing left behind
    assert files_under(settings.MEDIA_ROOT) == media_before

    older = client.get(pdf_url)
    assert older.status_code == 200 and older["X-PDF-Status"] == "last-good"
    assert older["ETag"] == good_pdf["ETag"]

    monkeypatch.setattr(pdf, "_render_in_renderer", real_render)
    ProgrammePDF.objects.filter(pk=row.pk).update(next_try_at=timezone.now())  # its time came
    (retry,) = [result for result in queued if result.task.run_after == row.next_try_at]
    assert retry.task.call(*retry.args, **retry.kwargs) == "rendered"
    row.refresh_from_db()
    assert (row.state, row.tries) == ("done", 2)
    newer = client.get(pdf_url)
    assert newer["X-PDF-Status"] == "current" and newer["ETag"] != good_pdf["ETag"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_is_taken_over_by_the_next_worker(
    programme, make_session, client, pdf_url, settings, tmp_path
):
    session = make_session(title="Before the edit")
    good = client.get(pdf_url)  # rendered at once by the test's queue
    Session.objects.filter(pk=session.pk).update(title="After the edit")
    revisions.publish(programme, "Session retitled")
    settings.TASKS = DATABASE_QUEUE
    hold, started = tmp_path / "hold", tmp_path / "started"
    hold.touch()
    env = worker_env(
        tmp_path,
        PDF_RENDER_TIMEOUT=5,
        PDF_RENDER_RETRY_SECONDS=1,
        RENDER_HOLD=hold,
        RENDER_STARTED=started,
    )
    fonts = tmp_path / "tmp"
    first = second = None
    try:
        assert client.get(pdf_url)["X-PDF-Status"] == "last-good"  # asks the worker
        first = start_worker(env, script=BLOCKING_WORKER)
        wait_for(started.exists, "the first worker's render")
        rendering = ProgrammePDF.objects.get(state="rendering")
        assert rendering.worker == f"{socket.gethostname()}:{first.pid}"
        during = client.get(pdf_url)  # answered at once, the render under way
        assert during["X-PDF-Status"] == "last-good" and during["ETag"] == good["ETag"]

        kill(first)
        left_by_first = list(fonts.glob(f"{pdf.FONT_FOLDER_PREFIX}{first.pid}-*"))
        assert left_by_first  # a killed process cleans nothing up itself
        hold.unlink()
        assert client.get(pdf_url)["ETag"] == good["ETag"]  # no worker at all: still served

        second = start_worker(env)
        wait_for(
            lambda: ProgrammePDF.objects.filter(pk=rendering.pk, state="done").exists(),
            "the second worker to take the render over",
        )
        # The task's own result is written after the PDF's: not stopped before it.
        wait_for(
            DBTaskResult.objects.filter(return_value="rendered").exists,
            "the second worker to record its task",
        )
    finally:
        for worker in (first, second):
            if worker is not None:
                kill(worker)
    rendering.refresh_from_db()
    assert rendering.tries == 2 and rendering.worker == ""
    assert DBTaskResult.objects.filter(return_value="rendered").exists()
    newer = client.get(pdf_url)
    assert newer["X-PDF-Status"] == "current" and newer["ETag"] != good["ETag"]
    assert not any(folder.exists() for folder in left_by_first)  # removed by the next worker
    assert not (Path(settings.MEDIA_ROOT) / "tmp").exists()


def test_a_download_during_a_slow_render_is_answered_without_rendering(
    programme, good_pdf, client, pdf_url, settings, monkeypatch
):
    """The render function, were it called here, would block until released: it is never
    called in the web process, whatever the downloads."""
    settings.TASKS = DATABASE_QUEUE  # queued in PostgreSQL; no worker in this test
    release, called = blocking_renders(monkeypatch)
    copy = published_copy(programme)
    ProgrammePDF.objects.create(  # a worker elsewhere is rendering the edited version
        programme=copy,
        language="en",
        fingerprint=fingerprint_now(copy),
        state="rendering",
        started_at=timezone.now(),
        tries=1,
        worker=f"{socket.gethostname()}:{os.getppid()}",
    )
    for _ in range(3):
        response = client.get(pdf_url)
        assert response.status_code == 200 and response["X-PDF-Status"] == "last-good"
        assert response["ETag"] == good_pdf["ETag"]
    french = client.get("/fr" + pdf_url)  # no French PDF yet: being prepared
    assert french.status_code == 503 and french["Retry-After"] == "10"
    assert called == []
    assert DBTaskResult.objects.filter(status="READY").count() == 2  # one per language
    release.set()


CHILD_OF_A_WORKER = """
import os, sys, threading
import django
django.setup()
from meetings.publishing import pdf

def hanging_render(*args):
    print(os.getpid(), flush=True)  # the renderer's pid, on the worker's stdout
    threading.Event().wait()  # a render that never ends

pdf._render_in_renderer = hanging_render
pdf.render_pdf("<p>A render its worker will not see end.</p>")
"""


def test_the_renderer_dies_with_its_worker(tmp_path):
    """Only the worker is killed (not its process group): its renderer must not run on,
    holding memory and the worker's database connection."""
    worker = subprocess.Popen(
        [sys.executable, "-c", CHILD_OF_A_WORKER],
        cwd=Path(__file__).resolve().parents[2],
        env=worker_env(tmp_path),
        stdout=subprocess.PIPE,
        text=True,
    )
    child = None
    try:
        child = int(worker.stdout.readline())
        assert pdf.process_alive(child)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        wait_for(lambda: not pdf.process_alive(child), "the renderer to end", seconds=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        if child and pdf.process_alive(child):
            os.kill(child, signal.SIGKILL)  # not left running when the test fails


@pytest.mark.django_db(transaction=True)
def test_staff_previews_of_a_draft_wait_on_no_render_while_the_worker_renders_it(
    programme, make_session, admin_client, settings, monkeypatch, tmp_path
):
    """Staff polling the preview of a draft (a heavy one once held both web workers for a
    minute) are answered "being prepared" at once while the worker renders it; one task,
    however many polls; the PDF once it is done. A render in the web process would block."""
    staff = admin_client  # a superuser: the editors' group is gone after a transactional test
    make_session(title="Planned rehabilitation session")
    programme.status = "draft"
    programme.save()
    settings.TASKS = DATABASE_QUEUE
    release, called = blocking_renders(monkeypatch)
    hold, started = tmp_path / "hold", tmp_path / "started"
    hold.touch()
    env = worker_env(tmp_path, RENDER_HOLD=hold, RENDER_STARTED=started)
    url = f"/admin/meetings/programme/{programme.pk}/pdf/"
    worker = None
    try:
        assert staff.get(url).status_code == 503
        worker = start_worker(env, script=BLOCKING_WORKER)
        wait_for(started.exists, "the worker's render of the preview")
        for _poll in range(3):
            during = staff.get(url)
            assert during.status_code == 503 and during["Retry-After"]
        hold.unlink()
        wait_for(lambda: staff.get(url).status_code == 200, "the preview rendered by the worker")
    finally:
        release.set()
        if worker is not None:
            kill(worker)
    assert called == []
    tasks_queued = DBTaskResult.objects.filter(task_path__endswith="render_programme_preview")
    assert tasks_queued.count() == 1
    assert not ProgrammePDF.objects.exists()  # never among the public PDFs
    ready = staff.get(url)
    assert ready["Content-Type"] == "application/pdf"
    assert ready["Content-Disposition"].startswith('inline; filename="draft-')

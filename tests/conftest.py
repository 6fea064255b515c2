import datetime
import os
import uuid
from urllib.parse import urlsplit

import factories
import psycopg
import pytest
from django.core.management import call_command
from django.test import override_settings

from meetings.models import Meeting


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads and rendered PDFs go to a folder of the test's own, never the project's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Tasks run at once where they are queued, so a test sees their outcome without a worker;
    tests/faults/ and tests/meetings/publishing/test_tasks.py run the database queue and its
    worker instead."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture(autouse=True)
def fresh_generations(settings):
    """Each test reads the content's generation from the database on every request."""
    from meetings.caching import generations

    settings.CONTENT_FRESHNESS_SECONDS = 0
    generations.forget()
    yield
    generations.forget()


TEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Plain names: the tests do not run collectstatic (tests/vapp/test_static_files.py does).
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.fixture(autouse=True, scope="session")
def plain_http():
    """The test client and the live server speak plain HTTP; production redirects it to HTTPS
    (tests/vapp/test_security.py proves that with the redirect on). Session-wide, so that it
    holds before the live server builds its middleware, which reads the setting once."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(autouse=True, scope="session")
def plain_static_names():
    with override_settings(STORAGES=TEST_STORAGES):
        yield


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test's database starts at the same generations: no page may outlive its test."""
    from meetings.caching import pages

    pages.forget()
    yield
    pages.forget()


@pytest.fixture
def scratch_database_url():
    """The URL of an empty database of its own on the suite's server, dropped after the test:
    for a process of the site's own that migrates it (the suite's database is the test's)."""
    server = urlsplit(os.environ["DATABASE_URL"])
    name = f"vapp_scratch_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server._replace(path="/postgres").geturl(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield server._replace(path=f"/{name}").geturl()
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def seeds(db):
    call_command("loaddata", "seeds", verbosity=0)


@pytest.fixture
def other_meeting(meeting):
    """A second published meeting beside `meeting`, with one programme ("its") and one session
    ("its"): for what must stay apart between two meetings."""
    other = factories.MeetingFactory(
        convention=meeting.convention,
        kind=Meeting.Kind.WORKSHOP,
        title="Another meeting",
        slug="other",
        start_date=datetime.date(2030, 5, 21),
        end_date=datetime.date(2030, 5, 22),
        venue=None,
    )
    programme = factories.ProgrammeFactory(meeting=other, title="Its programme", slug="its")
    factories.SessionFactory(programme=programme, title="Its session", slug="its", room=None)
    return other


@pytest.fixture
def editor(db):
    return factories.EditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def convention(db):
    return factories.ConventionFactory(short_name="APMBC", full_name="Mine Ban Convention")


@pytest.fixture
def meeting(convention):
    return factories.MeetingFactory(
        convention=convention,
        title="Intersessional Meetings May 2030",
        slug="may-2030",
        start_date=datetime.date(2030, 5, 21),
        end_date=datetime.date(2030, 5, 25),
        venue=None,
    )


@pytest.fixture
def programme(meeting):
    return factories.ProgrammeFactory(meeting=meeting, title="Parallel Programme", slug="parallel")


@pytest.fixture
def make_session(programme):
    def make(n=1, **fields):
        defaults = {
            "programme": programme,
            "title": f"Session {n}",
            "slug": f"session-{n}",
            "date": datetime.date(2030, 5, 22),
            "start_time": datetime.time(9 + n % 8, 0),
            "position": n,
            "room": None,
        }
        defaults.update(fields)
        return factories.SessionFactory(**defaults)

    return make

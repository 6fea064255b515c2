"""The settings module refuses malformed environment values, naming the variable."""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS = Path(__file__).resolve().parents[2] / "vapp" / "settings.py"
VARIABLES = [
    "DEBUG", "SECRET_KEY", "DATABASE_URL", "TIME_ZONE", "ALLOWED_HOSTS", "LOG_LEVEL",
    "DOCUMENT_MAX_BYTES", "DB_CONN_MAX_AGE", "SECURE_COOKIES", "CACHE_URL",
    "MEDIA_S3_BUCKET", "MEDIA_S3_ENDPOINT_URL", "MEDIA_S3_REGION", "SITE_URL", "PORT",
    "TASKS_BACKEND", "PDF_RENDER_TRIES", "PDF_RENDER_RETRY_SECONDS",
    "EMAIL_HOST", "EMAIL_PORT", "EMAIL_SECURITY", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD",
    "EMAIL_TIMEOUT", "DEFAULT_FROM_EMAIL", "NOTICE_MAIL_TRIES", "NOTICE_MAIL_RETRY_SECONDS",
    "NOTICE_CONFIRMATION_INTERVAL_MINUTES", "NOTICE_CONFIRMATION_DAYS",
    "CONTENT_FRESHNESS_SECONDS",
]  # fmt: skip


@pytest.fixture
def load(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def load_with(**env):
        env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vapp")
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    return load_with


def test_debug_off_without_secret_key_stops_start_up(load):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        load()


def test_debug_on_gives_a_development_secret_key(load):
    settings = load(DEBUG="true")
    assert settings["DEBUG"] is True
    assert settings["SECRET_KEY"].startswith("django-insecure")


def test_a_set_secret_key_is_used(load):
    assert load(SECRET_KEY="s3cret-value")["SECRET_KEY"] == "s3cret-value"


@pytest.mark.parametrize("value", ["maybe", "tru", "2", "yes please"])
def test_malformed_boolean_names_the_variable(load, value):
    with pytest.raises(ImproperlyConfigured, match=r"^DEBUG must be one of"):
        load(DEBUG=value, SECRET_KEY="k")


@pytest.mark.parametrize("value", ["TRUE", "on", "1", "Yes"])
def test_boolean_spellings_are_accepted(load, value):
    assert load(DEBUG=value)["DEBUG"] is True


@pytest.mark.parametrize(
    "value",
    [
        "mysql://localhost/db",
        "sqlite:///db.sqlite3",
        "postgres//localhost/db",
        "not a url",
        "postgres://localhost",
    ],
)
def test_malformed_database_url_names_the_variable(load, value):
    with pytest.raises(ImproperlyConfigured, match=r"^DATABASE_URL"):
        load(DATABASE_URL=value, SECRET_KEY="k")


@pytest.mark.parametrize("value", ["", "   "])
def test_no_database_url_is_the_embedded_server_of_this_folder(load, value):
    """What ./dev starts and names (its socket folder .postgres, the database vapp), so that a
    command run without ./dev (a migration check) finds the same database."""
    database = load(DATABASE_URL=value, SECRET_KEY="k")["DATABASES"]["default"]
    assert (database["HOST"], database["NAME"]) == (str(SETTINGS.parents[1] / ".postgres"), "vapp")


@pytest.mark.django_db
def test_the_sites_database_sessions_compile_no_query_just_in_time():
    """PostgreSQL's JIT compiled the library's queries for 0.2 s a request on the 20-year
    archive (EXISTS over presentations, estimated costly): 263 ms a page against 45 ms."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_the_database_urls_own_options_come_after_ours_and_win(load):
    url = "postgres://u@db:5432/vapp?options=-c%20jit%3Don%20-c%20statement_timeout%3D5000"
    database = load(DATABASE_URL=url, SECRET_KEY="k")["DATABASES"]["default"]
    assert database["OPTIONS"]["options"] == (
        "-c jit=off -c plan_cache_mode=force_generic_plan -c jit=on -c statement_timeout=5000"
    )


def test_production_will_not_start_without_a_database_url(monkeypatch):
    from vapp import server

    monkeypatch.setenv("DATABASE_URL", " ")
    with pytest.raises(SystemExit, match=r"^DATABASE_URL is not set.*\./dev"):
        server.refuse_without_database()


@pytest.mark.parametrize(("value", "threads"), [(None, "1"), ("4", "4"), (" 64 ", "64")])
def test_web_threads_sets_the_threads_each_worker_answers_with(monkeypatch, value, threads):
    from vapp import server

    if value is None:
        monkeypatch.delenv("WEB_THREADS", raising=False)
    else:
        monkeypatch.setenv("WEB_THREADS", value)
    argv = server.command()
    assert argv[argv.index("--blocking-threads") + 1] == threads


@pytest.mark.parametrize("value", ["0", "65", "many"])
def test_a_bad_web_threads_value_names_the_variable(monkeypatch, value):
    from vapp import server

    monkeypatch.setenv("WEB_THREADS", value)
    with pytest.raises(ImproperlyConfigured, match=r"^WEB_THREADS"):
        server.command()


def test_a_socket_folder_in_the_url_is_the_host(load):
    """How ./dev names the embedded server: its socket's folder, percent-encoded, as the host."""
    url = "postgres://postgres@%2Fsrv%2Fvapp%2F.postgres/vapp"
    database = load(SECRET_KEY="k", DATABASE_URL=url)["DATABASES"]["default"]
    assert (database["HOST"], database["NAME"]) == ("/srv/vapp/.postgres", "vapp")


def test_postgres_url_names_the_server(load):
    database = load(SECRET_KEY="k", DATABASE_URL="postgres://postgres@127.0.0.1:5432/vapp")[
        "DATABASES"
    ]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["HOST"], database["PORT"]) == ("vapp", "127.0.0.1", 5432)


def test_time_zone_defaults_to_geneva_and_is_aware(load):
    settings = load(SECRET_KEY="k")
    assert settings["TIME_ZONE"] == "Europe/Zurich"
    assert settings["USE_TZ"] is True


def test_unknown_time_zone_names_the_variable(load):
    with pytest.raises(ImproperlyConfigured, match=r"^TIME_ZONE must be an IANA time zone"):
        load(SECRET_KEY="k", TIME_ZONE="Geneva/Moon")


@pytest.mark.parametrize("value", ["ten", "-5", "1.5"])
def test_malformed_number_names_the_variable(load, value):
    with pytest.raises(ImproperlyConfigured, match=r"^DOCUMENT_MAX_BYTES must"):
        load(SECRET_KEY="k", DOCUMENT_MAX_BYTES=value)


def test_content_freshness_defaults_to_a_quarter_second_and_takes_decimals(load):
    assert load(SECRET_KEY="k")["CONTENT_FRESHNESS_SECONDS"] == 0.25
    assert load(SECRET_KEY="k", CONTENT_FRESHNESS_SECONDS="0.1")["CONTENT_FRESHNESS_SECONDS"] == 0.1
    assert load(SECRET_KEY="k", CONTENT_FRESHNESS_SECONDS="2")["CONTENT_FRESHNESS_SECONDS"] == 2.0
    assert load(SECRET_KEY="k", CONTENT_FRESHNESS_SECONDS="0")["CONTENT_FRESHNESS_SECONDS"] == 0.0


@pytest.mark.parametrize("value", ["soon", "-0.5", "nan", "inf", "1,5"])
def test_a_malformed_content_freshness_names_the_variable(load, value):
    with pytest.raises(ImproperlyConfigured, match=r"^CONTENT_FRESHNESS_SECONDS must be a number"):
        load(SECRET_KEY="k", CONTENT_FRESHNESS_SECONDS=value)


def test_unknown_log_level_names_the_variable(load):
    with pytest.raises(ImproperlyConfigured, match=r"^LOG_LEVEL must"):
        load(SECRET_KEY="k", LOG_LEVEL="LOUD")


def test_allowed_hosts_is_a_comma_separated_list(load):
    hosts = load(SECRET_KEY="k", ALLOWED_HOSTS="a.example, b.example,")["ALLOWED_HOSTS"]
    assert hosts == ["a.example", "b.example"]


def test_the_site_address_is_its_scheme_and_host_only(load):
    settings = load(SECRET_KEY="k", SITE_URL="https://VA.example.org:8443/")
    assert settings["SITE_URL"] == "https://va.example.org:8443"
    assert settings["SECURE_SSL_HOST"] == "va.example.org:8443"  # HTTPS redirects go there


def test_without_a_site_address_development_uses_its_own_and_tests_the_test_clients(load):
    assert load(DEBUG="true", PORT="8123")["SITE_URL"] == "http://127.0.0.1:8123"
    # ...which `check --deploy` refuses (tests/vapp/test_security.py).
    assert load(DEBUG="false", SECRET_KEY="k")["SITE_URL"] == "http://testserver"


@pytest.mark.parametrize(
    "value",
    [
        "va.example.org",
        "ftp://va.example.org",
        "https://",
        "https://va.example.org/programmes/",
        "https://va.example.org/?x=1",
        "https://user@va.example.org",
        "https://va.example.org:port",
    ],
)
def test_a_malformed_site_address_names_the_variable(load, value):
    with pytest.raises(ImproperlyConfigured, match=r"^SITE_URL must be the site's address"):
        load(SECRET_KEY="k", SITE_URL=value)


def test_tasks_wait_in_the_database_for_a_worker_by_default(load):
    settings = load(SECRET_KEY="k")
    assert settings["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert (settings["PDF_RENDER_TRIES"], settings["PDF_RENDER_RETRY_SECONDS"]) == (3, 30)
    immediate = load(SECRET_KEY="k", TASKS_BACKEND="immediate")["TASKS"]["default"]["BACKEND"]
    assert immediate == "django_tasks.backends.immediate.ImmediateBackend"


@pytest.mark.parametrize("value", ["redis", "Database", "celery://x"])
def test_an_unknown_tasks_backend_names_the_variable(load, value):
    with pytest.raises(ImproperlyConfigured, match=r"^TASKS_BACKEND must be database or immediate"):
        load(SECRET_KEY="k", TASKS_BACKEND=value)


@pytest.mark.parametrize(
    ("name", "value"), [("PDF_RENDER_TRIES", "0"), ("PDF_RENDER_RETRY_SECONDS", "soon")]
)
def test_malformed_render_retries_name_the_variable(load, name, value):
    with pytest.raises(ImproperlyConfigured, match=rf"^{name} must"):
        load(SECRET_KEY="k", **{name: value})


def test_mail_goes_to_the_machines_own_server_unless_another_is_named(load):
    settings = load(SECRET_KEY="k", SITE_URL="https://va.example.org")
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"]) == ("localhost", 25)
    assert not settings["EMAIL_USE_TLS"] and not settings["EMAIL_USE_SSL"]
    assert settings["DEFAULT_FROM_EMAIL"] == "notices@va.example.org"
    assert (settings["NOTICE_MAIL_TRIES"], settings["NOTICE_MAIL_RETRY_SECONDS"]) == (4, 60)
    relay = load(
        SECRET_KEY="k",
        EMAIL_HOST="smtp.example.org",
        EMAIL_SECURITY="starttls",
        EMAIL_HOST_USER="notices",
        EMAIL_HOST_PASSWORD="secret",
        DEFAULT_FROM_EMAIL="Programmes <notices@va.example.org>",
    )
    assert (relay["EMAIL_HOST"], relay["EMAIL_PORT"], relay["EMAIL_USE_TLS"]) == (
        "smtp.example.org",
        587,
        True,
    )
    assert (relay["EMAIL_HOST_USER"], relay["EMAIL_HOST_PASSWORD"]) == ("notices", "secret")
    assert relay["DEFAULT_FROM_EMAIL"] == "Programmes <notices@va.example.org>"
    tls = load(SECRET_KEY="k", EMAIL_HOST="smtp.example.org", EMAIL_SECURITY="tls")
    assert (tls["EMAIL_PORT"], tls["EMAIL_USE_SSL"], tls["EMAIL_USE_TLS"]) == (465, True, False)


def test_without_a_mail_server_development_prints_the_mails(load):
    assert load(DEBUG="true")["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    named = load(DEBUG="true", EMAIL_HOST="127.0.0.1", EMAIL_PORT="8025")
    assert named["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert named["EMAIL_PORT"] == 8025


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("EMAIL_SECURITY", "ssl"),
        ("EMAIL_PORT", "smtp"),
        ("EMAIL_TIMEOUT", "0"),
        ("DEFAULT_FROM_EMAIL", "nobody"),
        ("NOTICE_MAIL_TRIES", "0"),
        ("NOTICE_CONFIRMATION_DAYS", "a week"),
    ],
)
def test_malformed_mail_settings_name_the_variable(load, name, value):
    with pytest.raises(ImproperlyConfigured, match=rf"^{name} must"):
        load(SECRET_KEY="k", **{name: value})


def test_the_page_cache_is_local_memory_by_default(load):
    assert load(SECRET_KEY="k")["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")


def test_a_redis_cache_url_shares_the_cache_through_redis(load):
    cache = load(SECRET_KEY="k", CACHE_URL="redis://127.0.0.1:6379/3")["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/3"


@pytest.mark.parametrize("value", ["memcached://127.0.0.1:11211", "127.0.0.1:6379", "redis"])
def test_an_unknown_cache_url_names_the_variable(load, value):
    with pytest.raises(ImproperlyConfigured, match=r"^CACHE_URL must be a redis:// URL"):
        load(SECRET_KEY="k", CACHE_URL=value)


def test_media_stay_on_this_disk_unless_a_bucket_is_named(load):
    storages = load(SECRET_KEY="k")["STORAGES"]
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storages["staticfiles"]["BACKEND"].endswith("CompressedManifestStaticFilesStorage")


def test_a_bucket_moves_media_to_private_object_storage(load):
    storage = load(
        SECRET_KEY="k",
        MEDIA_S3_BUCKET="va-media",
        MEDIA_S3_ENDPOINT_URL="https://s3.example.org",
        MEDIA_S3_REGION="eu-central-2",
    )["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "va-media",
        "endpoint_url": "https://s3.example.org",
        "region_name": "eu-central-2",
        "default_acl": None,
        "file_overwrite": False,
    }


def test_a_malformed_storage_endpoint_names_the_variable(load):
    with pytest.raises(ImproperlyConfigured, match=r"^MEDIA_S3_ENDPOINT_URL must be"):
        load(SECRET_KEY="k", MEDIA_S3_BUCKET="b", MEDIA_S3_ENDPOINT_URL="s3.example.org")

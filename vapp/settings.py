"""The one settings module: every value that differs between machines comes from the environment.

Malformed values stop start-up with a message naming the variable, rather than being read as
a silent default: a typo in DEBUG must not turn debugging on in production.
"""

import hashlib
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import csp.constants
import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of {', '.join(sorted(_TRUE | _FALSE))}; got {raw!r}."
    )


def _env_number(name, convert, kind):
    """The variable's value made a number by `convert`; None when it is not set."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        return convert(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be {kind}; got {raw!r}.") from None


def env_int(name, default, minimum=0, maximum=None):
    value = _env_number(name, int, "a whole number")
    if value is None:
        return default
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}; got {value}.")
    return value


def env_float(name, default, minimum=0.0):
    value = _env_number(name, float, "a number")
    if value is None:
        return default
    if not minimum <= value < float("inf"):  # NaN and infinity fail too
        raw = os.environ[name]
        raise ImproperlyConfigured(f"{name} must be a number of at least {minimum:g}; got {raw!r}.")
    return value


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def embedded_database_url():
    """The embedded PostgreSQL that `./dev` starts for this folder: its socket folder (as ./dev's
    pg_socket_dir names it), percent-encoded as the host, and the database vapp."""
    home = str(BASE_DIR / ".postgres")
    if len(home) > 90:  # a socket's path is limited to about 100 bytes
        home = f"/tmp/vapp-postgres-{hashlib.sha1(home.encode()).hexdigest()[:12]}"
    return f"postgres://postgres@{quote(home, safe='')}/vapp"


def env_database(name):
    """PostgreSQL, the only database: a server named by a postgres:// URL. Unset, the embedded
    server `./dev` starts for this folder (README), so that a command run without ./dev (a
    migration check, a shell) finds the same database; production's entry point (vapp/server.py)
    refuses to start without it."""
    raw = os.environ.get(name, "").strip() or embedded_database_url()
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(f"{name} must be a postgres:// URL; got {raw!r}.")
    try:
        # Each web or task worker keeps its connection (checked before reuse) instead of opening
        # one per request: a request that needs one query (a session cookie) costs one query.
        config = dj_database_url.parse(
            raw, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid database URL ({exc}).") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name a database, e.g. postgres://host/vapp.")
    # No JIT compilation: it pays off for analytic queries of seconds, and the library's
    # queries (EXISTS over presentations, estimated costly) spent 0.2 s a request compiling
    # on the 20-year archive (bench/pages_bench.py). The URL's own options come after, and win.
    # Django binds parameters in the query's text, and such queries are never prepared; the
    # programme pages' prefetching (meetings/prefetching.py) binds them in the server and asks
    # for its statements to be prepared, which psycopg does only with a threshold set.
    # A prepared statement is planned once, for any keys (a generic plan): by default
    # PostgreSQL plans each of the first five runs for its keys and then goes on doing so
    # wherever that plan's estimate looks cheaper, as it does on tables never analyzed (a site
    # just loaded): a meeting's public documents (EXISTS over five tables) were planned again
    # on every page, 5.2 ms against 0.37 once analyzed, or once planned. It also holds for
    # the triggers' PL/pgSQL statements, which look rows up by their keys (a generic plan on
    # the 20-year archive keeps to the indexes).
    options = config.setdefault("OPTIONS", {})
    ours = "-c jit=off -c plan_cache_mode=force_generic_plan"
    options["options"] = f"{ours} {options.get('options', '')}".strip()
    options.setdefault("prepare_threshold", 5)
    return config


def env_cache(name):
    """Local memory by default (one cache per process); `redis://host:6379/0` (or rediss://)
    shares one cache between every process and machine. Either way a copy is stored under the
    generation of what it shows, which no process uses once it has read a newer one."""
    raw = os.environ.get(name, "").strip()
    if not raw or raw == "locmem://":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    if "://" not in raw or raw.split("://", 1)[0] not in {"redis", "rediss"}:
        raise ImproperlyConfigured(f"{name} must be a redis:// URL or empty; got {raw!r}.")
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw}


def env_media_storage(bucket_name):
    """Uploads and rendered PDFs: on this machine's disk (MEDIA_ROOT) by default; in a bucket of
    S3-compatible object storage when `bucket_name` is set, shared by every app machine
    (django-storages; credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY). The bucket
    stays private: the site serves documents, PDFs and images itself, so drafts stay hidden."""
    bucket = os.environ.get(bucket_name, "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {"bucket_name": bucket, "default_acl": None, "file_overwrite": False}
    endpoint = os.environ.get("MEDIA_S3_ENDPOINT_URL", "").strip()
    if endpoint:
        if not endpoint.startswith(("https://", "http://")):
            raise ImproperlyConfigured(
                f"MEDIA_S3_ENDPOINT_URL must be an http(s):// address; got {endpoint!r}."
            )
        options["endpoint_url"] = endpoint
    region = os.environ.get("MEDIA_S3_REGION", "").strip()
    if region:
        options["region_name"] = region
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def env_site_url(name, default):
    """The site's public address: a scheme and a host (and port), nothing else."""
    raw = os.environ.get(name, "").strip()
    parts = urlsplit(raw or default)
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not one
    except ValueError:
        parts = parts._replace(scheme="")
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or "@" in parts.netloc
        or parts.path.strip("/")
        or parts.query
        or parts.fragment
    ):
        raise ImproperlyConfigured(
            f"{name} must be the site's address, such as https://va.example.org; got {raw!r}."
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def env_tasks(name):
    """Where slow work (programme PDF renders) waits for a worker: in the database, run by
    `manage.py db_worker`, which `./dev serve` and `./dev production` start beside the web
    server. `immediate` runs each task at once inside the process that asks: only for a shell or
    a test, since a web request would then render."""
    backends = {
        "database": "django_tasks_db.DatabaseBackend",
        "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    }
    raw = os.environ.get(name, "").strip() or "database"
    if raw not in backends:
        raise ImproperlyConfigured(f"{name} must be database or immediate; got {raw!r}.")
    return {"default": {"BACKEND": backends[raw], "QUEUES": ["default"]}}


def env_email(debug, site_url):
    """Where the site's e-mail goes (the programmes' notices, meetings/publishing/notices.py):
    the SMTP server EMAIL_HOST:EMAIL_PORT, with EMAIL_HOST_USER and EMAIL_HOST_PASSWORD if it
    asks for them, and EMAIL_SECURITY `starttls` (upgraded on the same port, usually 587),
    `tls` (TLS from the start, usually 465) or `none`. Without EMAIL_HOST under DEBUG, each mail
    is printed by the process that sends it (the task-queue worker) rather than sent; without it
    in production, the machine's own mail server on localhost:25 is used, as Django does."""
    host = os.environ.get("EMAIL_HOST", "").strip()
    security = os.environ.get("EMAIL_SECURITY", "").strip().lower() or "none"
    if security not in {"none", "starttls", "tls"}:
        raise ImproperlyConfigured(
            f"EMAIL_SECURITY must be none, starttls or tls; got {security!r}."
        )
    default_port = {"none": 25, "starttls": 587, "tls": 465}[security]
    sender = os.environ.get("DEFAULT_FROM_EMAIL", "").strip()
    if not sender:
        sender = f"notices@{urlsplit(site_url).hostname}"
    if "\n" in sender or "\r" in sender or "@" not in sender:
        raise ImproperlyConfigured(
            f"DEFAULT_FROM_EMAIL must be an address such as notices@va.example.org; got {sender!r}."
        )
    return {
        "EMAIL_BACKEND": (
            "django.core.mail.backends.console.EmailBackend"
            if debug and not host
            else "django.core.mail.backends.smtp.EmailBackend"
        ),
        "EMAIL_HOST": host or "localhost",
        "EMAIL_PORT": env_int("EMAIL_PORT", default_port, minimum=1),
        "EMAIL_HOST_USER": os.environ.get("EMAIL_HOST_USER", ""),
        "EMAIL_HOST_PASSWORD": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "EMAIL_USE_TLS": security == "starttls",
        "EMAIL_USE_SSL": security == "tls",
        # Seconds one step of a conversation with the server may take: a server that stops
        # answering holds a worker this long, then the mail is tried again later.
        "EMAIL_TIMEOUT": env_int("EMAIL_TIMEOUT", 20, minimum=1),
        "DEFAULT_FROM_EMAIL": sender,
        "SERVER_EMAIL": sender,
    }


def env_time_zone(name, default):
    value = os.environ.get(name, "").strip() or default
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Europe/Zurich; got {value!r}."
        ) from None
    return value


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string "
            "(or set DEBUG=true for local development only)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The one address every absolute address the site writes is made from (feeds, sitemaps,
# robots.txt, calendars, JSON, hreflang links: meetings/addresses.py), never a request's Host,
# which a visitor chooses and the page cache would keep. Required in production (the deployment
# checklist refuses the default); ./dev serve's own address under DEBUG; the test client's
# "testserver" otherwise.
SITE_URL = env_site_url(
    "SITE_URL",
    f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1)}" if DEBUG else "http://testserver",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "markdownx",
    "reversion",
    "axes",
    "csp",
    # The task queue (Django 6's django.tasks, backported) and its database backend.
    "django_tasks",
    "django_tasks_db",
    "meetings",
]

# Django's JSON serialization, writing the same text faster where the history writes a
# programme with everything it holds (meetings/serialization.py).
SERIALIZATION_MODULES = {"json": "meetings.serialization"}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves STATIC_ROOT (after collectstatic) from the app server itself, with compression
    # and long caching for hashed names; under DEBUG it finds files in static/ directly.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public responses for visitors not signed in, ETags and 304s: a stored copy is answered
    # from here, with the headers the layers below gave it (the CSP among them), before any
    # other layer runs (it opens the session itself to tell staff from visitors).
    "meetings.caching.pages.PublicCacheMiddleware",
    # Django's, keeping the session the page cache opened (one read, not two).
    "meetings.caching.pages.SessionMiddleware",
    # The Content Security Policy below on every page (django-csp).
    "csp.middleware.CSPMiddleware",
    # The language of a public page is the one in its address (/fr/..., /es/..., English
    # without a prefix); everything else is English (meetings/languages.py).
    "meetings.languages.PathLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An admin save past the request limits below gets a page saying so, not a bare 400.
    "meetings.admin.limits.RequestLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Answers a locked-out sign-in with the lockout page (django-axes; see below).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-ins while locked out
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "vapp.urls"
WSGI_APPLICATION = "vapp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL")}

CACHES = {"default": env_cache("CACHE_URL")}
# The public responses (meetings/caching/pages.py): how long one stays in the cache (it is
# stored under the generation of what it shows, so an edit never serves a stale one), and how
# long a CDN may serve a page without asking again.
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600, minimum=0)
PAGE_CDN_MAX_AGE = env_int("PAGE_CDN_MAX_AGE", 60, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The working languages of the meetings. English pages keep their addresses; French and Spanish
# ones are under /fr/ and /es/ (vapp/urls.py). The catalogues are in locale/ and are compiled by
# `./dev setup` (the compiled .mo files are not kept in git).
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Meetings are held in Geneva: session times are entered and shown in the meeting's own time
# zone (a field of Meeting); this is the zone of the admin and of dates without a meeting.
TIME_ZONE = env_time_zone("TIME_ZONE", "Europe/Zurich")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": env_media_storage("MEDIA_S3_BUCKET"),
    # collectstatic writes hashed names (cached for a year by browsers and CDNs) with gzip and
    # brotli copies, which WhiteNoise serves; under DEBUG the plain names are used.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One admin save may send this many fields: a programme's page sends ten per session row, and
# the largest programmes have 300 sessions (tests/meetings/admin/test_admin.py checks it).
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 5_000, minimum=1)

TASKS = env_tasks("TASKS_BACKEND")

# Documents are programme PDFs and statements: a few MB each at most.
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
# Programme PDFs render in a renderer process, each render held to these limits
# (meetings/publishing/pdf.py).
PDF_RENDER_TIMEOUT = env_int("PDF_RENDER_TIMEOUT", 60, minimum=1)
PDF_RENDER_MEMORY_MB = env_int("PDF_RENDER_MEMORY_MB", 1024, minimum=64)
# How much lower than the web workers' the render's CPU priority is (nice(2): 0 the same, 19 the
# lowest): on a meeting day a render after each publish yields the cores to delegates' requests.
PDF_RENDER_NICENESS = env_int("PDF_RENDER_NICENESS", 10, minimum=0, maximum=19)
# A web worker's first requests build what it keeps for its life; after this many, the garbage
# collector leaves those objects out of its full collections (vapp/collector.py). 0: never.
GC_FREEZE_AFTER_REQUESTS = env_int("GC_FREEZE_AFTER_REQUESTS", 50, minimum=0)
PDF_FETCH_MAX_BYTES = env_int("PDF_FETCH_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
# A render that fails, or whose worker stops, is tried again after PDF_RENDER_RETRY_SECONDS,
# then four times as long, and so on, PDF_RENDER_TRIES times in all.
PDF_RENDER_TRIES = env_int("PDF_RENDER_TRIES", 3, minimum=1)
PDF_RENDER_RETRY_SECONDS = env_int("PDF_RENDER_RETRY_SECONDS", 30, minimum=1)
# E-mail: the server (env_email above), and the programmes' notices by e-mail
# (meetings/publishing/notices.py). A notice that could not be sent is tried again after
# NOTICE_MAIL_RETRY_SECONDS, then four times as long, and so on, NOTICE_MAIL_TRIES times in all;
# a recipient the server refuses for good (a 5xx answer) is not tried again. One address is sent
# at most one confirmation mail per programme in NOTICE_CONFIRMATION_INTERVAL_MINUTES, and a
# confirmation link lasts NOTICE_CONFIRMATION_DAYS (a subscription not confirmed by then is
# deleted, its address with it).
_EMAIL = env_email(DEBUG, SITE_URL)
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_HOST = _EMAIL["EMAIL_HOST"]
EMAIL_PORT = _EMAIL["EMAIL_PORT"]
EMAIL_HOST_USER = _EMAIL["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _EMAIL["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _EMAIL["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _EMAIL["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _EMAIL["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = _EMAIL["DEFAULT_FROM_EMAIL"]
SERVER_EMAIL = _EMAIL["SERVER_EMAIL"]
NOTICE_MAIL_TRIES = env_int("NOTICE_MAIL_TRIES", 4, minimum=1)
NOTICE_MAIL_RETRY_SECONDS = env_int("NOTICE_MAIL_RETRY_SECONDS", 60, minimum=1)
NOTICE_CONFIRMATION_INTERVAL_MINUTES = env_int("NOTICE_CONFIRMATION_INTERVAL_MINUTES", 15)
NOTICE_CONFIRMATION_DAYS = env_int("NOTICE_CONFIRMATION_DAYS", 7, minimum=1)
# The domain part of calendar event UIDs: never change it, or calendars duplicate every event.
CALENDAR_UID_DOMAIN = os.environ.get("CALENDAR_UID_DOMAIN", "programmes.va-isu.org")
# How long a process trusts the content generation it last read before serving a stored
# response without asking the database (meetings/caching/generations.py); 0 asks every time.
# A quarter of a second costs a process at most four queries a second per meeting it serves;
# with 1 s, a meeting day's edits were not all cached again within a second of their publish
# (bench/meeting_day_bench.py: worst 1.22 s with 1, 0.50 s with 0.25, with Redis).
CONTENT_FRESHNESS_SECONDS = env_float("CONTENT_FRESHNESS_SECONDS", 0.25)

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Every markdown field, the admin preview included, goes through one sanitising renderer.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "meetings.markdown.render_markdown"
MARKDOWNX_UPLOAD_CONTENT_TYPES = ("image/jpeg", "image/png", "image/gif")
MARKDOWNX_UPLOAD_MAX_SIZE = env_int("MARKDOWNX_UPLOAD_MAX_BYTES", 2 * 1024 * 1024, minimum=1)
# The longest markdown text an editor may save or preview (meetings/markdown.py bounds its
# nesting too): the work of rendering it grows with its length.
MARKDOWN_MAX_CHARS = env_int("MARKDOWN_MAX_CHARS", 50_000, minimum=1)
# Images of the editor (meetings/admin/editor.py): refused above this many pixels (a small file can
# declare a huge image), scaled down to this many pixels on their longer side.
EDITOR_IMAGE_MAX_PIXELS = env_int("EDITOR_IMAGE_MAX_PIXELS", 40_000_000, minimum=1)
EDITOR_IMAGE_MAX_SIDE = env_int("EDITOR_IMAGE_MAX_SIDE", 1600, minimum=16)

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS only in production: plain HTTP is redirected, and browsers are told (HSTS) to use HTTPS
# for a year. Behind a proxy that terminates TLS, BEHIND_TLS_PROXY=true trusts its
# X-Forwarded-Proto header (the proxy must set it, overwriting any the client sent).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# ...to the site's own address, whatever port or allowed name the request gave.
SECURE_SSL_HOST = urlsplit(SITE_URL).netloc if SITE_URL.startswith("https://") else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Guessing passwords: after LOGIN_FAILURE_LIMIT failed sign-ins from one address, or for one
# user name, signing in is refused for LOGIN_LOCKOUT_MINUTES (django-axes); a success resets.
# The address is the connection's own, unless TRUSTED_PROXY_COUNT says how many proxies of ours
# stand in front: then it is the entry that many places from the right of X-Forwarded-For,
# where the first of them wrote it, so an address a client writes into that header itself is
# never used. A request without a usable address is counted by its user name only
# (vapp/login_protection.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_CLIENT_IP_CALLABLE = "vapp.login_protection.client_address"
AXES_LOCKOUT_PARAMETERS = "vapp.login_protection.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Content Security Policy: scripts, styles, fonts and images from this site only; no inline
# script or style attribute, no plugin, no framing, forms post only here. The pages need no
# JavaScript; the admin's scripts are files. A document's file answers with a stricter policy
# of its own (meetings.public.views.document_file).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.constants.SELF],
        "script-src": [csp.constants.SELF],
        "style-src": [csp.constants.SELF],
        "img-src": [csp.constants.SELF, "data:"],
        "font-src": [csp.constants.SELF],
        "connect-src": [csp.constants.SELF],
        "object-src": [csp.constants.NONE],
        "base-uri": [csp.constants.SELF],
        "form-action": [csp.constants.SELF],
        "frame-ancestors": [csp.constants.NONE],
    }
}

LOG_LEVEL = os.environ.get("LOG_LEVEL", "").strip().upper() or "INFO"
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR; got {LOG_LEVEL!r}."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_on_one_line": {"()": "vapp.logs.RefusalsOnOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["refusals_on_one_line"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # WeasyPrint reports each layout step at INFO; keep its warnings (refused URLs) only.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

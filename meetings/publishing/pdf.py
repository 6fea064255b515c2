"""The printable programme: HTML from a template, rendered to a tagged PDF by WeasyPrint in a
forked child bounded in time and memory, and kept in media storage once per version.

`programme_html()` and `fingerprint()` (equal fingerprints, equal PDFs); `render_pdf()` (a
pathological programme ends in RenderError, never a hung web process); `ensure_pdf()` (the stored
PDF of the current HTML, its row the lock against rendering twice); `current_pdf()` (one query,
when nothing changed since the PDF was last checked). Only the project's static and media files
can be fetched.
"""

import hashlib
import mimetypes
import multiprocessing
import os
import posixpath
import resource
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from meetings import languages, queries
from meetings.caching import generations
from meetings.models import ProgrammePDF

# WeasyPrint resolves the template's relative URLs against this origin. `.invalid` never
# resolves (RFC 2606), and SafeURLFetcher maps it to files, so nothing goes to the network.
BASE_URL = "http://programme-pdf.invalid/"
PRINTED_ON = "@@printed-on@@"  # replaced after fingerprinting: the date is not content


class RenderError(Exception):
    """The PDF could not be rendered; the message says why, for staff and the log."""


class RenderBusy(Exception):
    """Another request is rendering this very version right now."""


# -- HTML ---------------------------------------------------------------------------------------


def programme_context(programme):
    sessions = list(programme.sessions.all())
    dated = [s.date for s in sessions if s.date]
    meeting = programme.meeting
    return {
        "programme": programme,
        "meeting": meeting,
        "convention": meeting.convention,
        "days": queries.programme_days(sessions),
        # The discussion topics the printed programme sets out before the timetable.
        "topics": [s for s in sessions if s.kind == s.Kind.DISCUSSION and s.purpose],
        "first_day": min(dated, default=meeting.start_date),
        "last_day": max(dated, default=meeting.end_date),
        "is_draft": not programme.is_public,
        "printed_on": PRINTED_ON,
    }


def programme_html(programme):
    """The printable HTML in the active language, with the note that parts are in English where
    their translation is missing."""
    html = render_to_string("meetings/programme_pdf.html", programme_context(programme))
    return languages.with_untranslated_note(html)


def _static_digest():
    """What besides the HTML decides the PDF: the stylesheet, the fonts, the renderer."""
    import weasyprint

    digest = hashlib.sha256(weasyprint.__version__.encode())
    static = Path(settings.BASE_DIR) / "static"
    for path in sorted([static / "css" / "programme-pdf.css", *(static / "fonts").glob("*.ttf")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# Per process: the stylesheet, fonts and renderer of this deployment, which no edit changes.
_STATIC_DIGEST = None


def fingerprint(html):
    global _STATIC_DIGEST
    if _STATIC_DIGEST is None:
        _STATIC_DIGEST = _static_digest()
    return hashlib.sha256((_STATIC_DIGEST + html).encode()).hexdigest()


def printable(html, when=None):
    when = when or timezone.localtime()
    printed = _("Printed %(when)s") % {"when": date_format(when, _("j F Y, H:i"))}
    return html.replace(PRINTED_ON, printed)


def file_name(programme, language=None):
    """'APMBC-2012-05-parallel-programme-victim-assistance.pdf' in English (the default language),
    '...-victim-assistance-fr.pdf' in French; `language` defaults to the active one."""
    language = language or languages.active()
    suffix = "" if language == settings.LANGUAGE_CODE else f"-{language}"
    return f"{programme.file_stem}{suffix}.pdf"


# -- fetching ------------------------------------------------------------------------------------


def _allowed_file(url):
    """What a URL of BASE_URL's origin names among the static or media files: a local Path, a
    media storage name (media on object storage), or None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
        return None
    path = unquote(parts.path)
    static_url = "/" + settings.STATIC_URL.lstrip("/")
    media_url = "/" + settings.MEDIA_URL.lstrip("/")
    if path.startswith(static_url):
        roots, relative = (
            [*settings.STATICFILES_DIRS, settings.STATIC_ROOT],
            path[len(static_url) :],
        )
    elif path.startswith(media_url):
        relative = path[len(media_url) :]
        root = local_root(default_storage)
        if root is None:
            return storage_name(relative)
        roots = [root]
    else:
        return None
    for root in roots:
        root = Path(root).resolve()
        candidate = (root / relative).resolve()  # follows symlinks: /dev/urandom stays out
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


def local_root(storage):
    """The folder of a storage on this machine's disk, or None (object storage)."""
    try:
        return storage.path("")
    except NotImplementedError:
        return None


def storage_name(relative):
    """`relative` as a name inside media storage, or None if it would step outside it."""
    name = posixpath.normpath(relative)
    if name.startswith(("/", "..")) or name == "." or "\x00" in name:
        return None
    return name


def _read_allowed(url):
    """(file name, bytes) of an allowed static or media file, or a ValueError."""
    found = _allowed_file(url)
    if found is None:
        raise ValueError(f"Refused to fetch {url[:200]!r}: not a static or media file")
    if isinstance(found, Path):
        size, name = found.stat().st_size, found.name
    elif default_storage.exists(found):
        size, name = default_storage.size(found), found
    else:
        raise ValueError(f"Refused to fetch {url[:200]!r}: no such media file")
    if size > settings.PDF_FETCH_MAX_BYTES:
        raise ValueError(f"Refused to fetch {url[:200]!r}: larger than the limit")
    if isinstance(found, Path):
        return name, found.read_bytes()
    with default_storage.open(found, "rb") as handle:
        return name, handle.read(settings.PDF_FETCH_MAX_BYTES + 1)


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeURLFetcher(URLFetcher):
        """Serves the project's own static and media files (media from whichever storage holds
        them); refuses everything else (other hosts, loopback and private addresses, file://
        URLs, absolute paths, devices)."""

        def fetch(self, url, headers=None):
            name, body = _read_allowed(url)
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    return SafeURLFetcher


# -- rendering -----------------------------------------------------------------------------------


def _render_in_child(html, out_path, memory_bytes, cpu_seconds, conn):
    """Runs in the forked child: no database, bounded memory and CPU, nothing fetched but
    static and media files (media through its storage, which may be object storage)."""
    # A media storage of its own: never a connection to object storage shared with the parent.
    default_storage._wrapped = storages.create_storage(settings.STORAGES["default"])
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        import weasyprint

        document = weasyprint.HTML(
            string=html, base_url=BASE_URL, url_fetcher=_fetcher_class()()
        ).render(font_config=_warm["fonts"])
        document.write_pdf(out_path, pdf_variant="pdf/ua-1")
        conn.send(("ok", len(document.pages)))
    except MemoryError:
        conn.send(("error", "it needed more memory than the limit allows"))
    except RecursionError:
        conn.send(("error", "its content is nested too deeply to lay out"))
    except Exception as error:  # noqa: BLE001 - reported to the parent, which raises RenderError
        conn.send(("error", f"{type(error).__name__}: {str(error)[:500]}"))
    finally:
        conn.close()


def _address_space_now():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@dataclass
class Rendered:
    data: bytes
    pages: int
    seconds: float


WARM_UP_HTML = """<!DOCTYPE html><html lang="en"><head><title>warm-up</title>
<link rel="stylesheet" href="/static/css/programme-pdf.css"></head><body>
<header class="letterhead"><p class="convention">Convention</p></header><h1>Programme</h1>
<section class="session"><p class="time">10:00</p><div class="body"><h3>Session</h3>
<p class="location">Location</p><ul class="questions"><li>Question?</li></ul></div></section>
<p><strong>bold</strong> <em>italic</em></p></body></html>"""
# Per process: the warm-up render's font configuration, which holds no content.
_warm = {"fonts": None}


def _warm_up():
    """Render a small page with the programme's stylesheet and fonts once in this process, so
    every forked child inherits loaded fonts and caches. The children render with this
    render's font configuration: the system's fonts already scanned, the programme's own fonts
    already registered and opened, Pango's caches for them already filled (each render would
    otherwise build all of that again). Our own fixed page: safe to render outside the limits."""
    fonts = _warm["fonts"]
    # WeasyPrint keeps the programme's fonts in a temporary folder: should something clean it
    # away under a long-running process, the configuration is built again.
    folder = getattr(fonts, "_folder", None)
    if fonts is None or folder is None or not Path(folder).is_dir():
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        weasyprint.HTML(
            string=WARM_UP_HTML, base_url=BASE_URL, url_fetcher=_fetcher_class()()
        ).render(font_config=fonts).write_pdf(pdf_variant="pdf/ua-1")
        _warm["fonts"] = fonts


def render_pdf(html):
    """The PDF of `html`, rendered in a child process within PDF_RENDER_TIMEOUT seconds and
    PDF_RENDER_MEMORY_MB of memory beyond what the web process already maps."""
    _warm_up()  # imports WeasyPrint and loads the fonts once, so each forked child starts warm

    timeout = settings.PDF_RENDER_TIMEOUT
    memory = _address_space_now() + settings.PDF_RENDER_MEMORY_MB * 1024 * 1024
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    out_dir = Path(settings.MEDIA_ROOT) / "tmp"
    out_dir.mkdir(parents=True, exist_ok=True)
    out_path = out_dir / f"render-{os.getpid()}-{time.monotonic_ns()}.pdf"
    started = time.monotonic()
    child = context.Process(
        target=_render_in_child,
        args=(html, str(out_path), memory, int(timeout) + 1, sender),
        daemon=True,
    )
    try:
        child.start()
        sender.close()
        outcome = receiver.recv() if receiver.poll(timeout) else None
        child.join(max(1.0, timeout - (time.monotonic() - started)))
        if outcome is None:
            raise RenderError(f"it took longer than the {timeout:g} second limit")
        if outcome[0] == "error":
            raise RenderError(outcome[1])
        return Rendered(out_path.read_bytes(), outcome[1], time.monotonic() - started)
    except EOFError:
        raise RenderError("the renderer stopped (out of memory or time)") from None
    finally:
        if child.is_alive():
            child.kill()
            child.join()
        receiver.close()
        out_path.unlink(missing_ok=True)


# -- storing -------------------------------------------------------------------------------------


def current_pdf(meeting_slug, programme_slug, language):
    """The stored PDF of a published programme in `language`, if it was checked since the last
    content change: one query, the path of nearly every download."""
    return (
        ProgrammePDF.objects.public()
        .select_related("programme__meeting__convention")
        .filter(
            language=language,
            programme__slug=programme_slug,
            programme__meeting__slug=meeting_slug,
            state=ProgrammePDF.State.DONE,
            checked_at=generations.total(),
        )
        .order_by("-finished_at")
        .first()
    )


def last_good_pdf(programme, language):
    return (
        programme.pdfs.filter(state=ProgrammePDF.State.DONE, language=language)
        .select_related("programme__meeting__convention")
        .order_by("-finished_at")
        .first()
    )


def _abandoned(row):
    """A render that should have ended long ago: its process died. Another may take over."""
    limit = timedelta(seconds=settings.PDF_RENDER_TIMEOUT * 2 + 30)
    return row.state == ProgrammePDF.State.RENDERING and timezone.now() - row.started_at > limit


def ensure_pdf(programme, retry_failed=False):
    """The stored PDF of `programme` as it is now, in the active language, rendering it if nobody
    has.

    Raises RenderBusy when another request is rendering this version, and RenderError when the
    render fails (or failed before, unless `retry_failed`)."""
    version = generations.count_everything()  # first: a change during the render rechecks
    html = programme_html(programme)
    key = fingerprint(html)
    now = timezone.now()
    try:
        with transaction.atomic():
            row, created = ProgrammePDF.objects.get_or_create(
                programme=programme,
                fingerprint=key,
                defaults={
                    "state": ProgrammePDF.State.RENDERING,
                    "started_at": now,
                    "language": languages.active(),
                },
            )
    except IntegrityError:  # another request inserted it between our look-up and insert
        raise RenderBusy() from None
    if not created:
        if row.state == ProgrammePDF.State.DONE:
            if row.checked_at != version:
                ProgrammePDF.objects.filter(pk=row.pk).update(checked_at=version)
                row.checked_at = version
            row.rendered_now = False
            return row
        if row.state == ProgrammePDF.State.FAILED and not retry_failed:
            raise RenderError(row.error)
        if row.state == ProgrammePDF.State.RENDERING and not _abandoned(row):
            raise RenderBusy()
        taken = ProgrammePDF.objects.filter(
            pk=row.pk, state=row.state, started_at=row.started_at
        ).update(state=ProgrammePDF.State.RENDERING, started_at=now, error="")
        if not taken:
            raise RenderBusy()
    try:
        rendered = render_pdf(printable(html))
    except RenderError as error:
        ProgrammePDF.objects.filter(pk=row.pk).update(
            state=ProgrammePDF.State.FAILED, error=str(error), finished_at=timezone.now()
        )
        raise
    row.file.save(f"{key[:32]}.pdf", ContentFile(rendered.data), save=False)
    ProgrammePDF.objects.filter(pk=row.pk).update(
        file=row.file.name,
        state=ProgrammePDF.State.DONE,
        size_bytes=len(rendered.data),
        pages=rendered.pages,
        seconds=rendered.seconds,
        finished_at=timezone.now(),
        checked_at=version,
    )
    row.refresh_from_db()
    row.rendered_now = True
    return row


@dataclass
class BatchResult:
    rendered: int = 0
    current: int = 0
    drafts: int = 0
    failed: list = None

    def summary(self):
        failed = self.failed or []
        parts = [f"{self.rendered} rendered", f"{self.current} already current"]
        if self.drafts:
            parts.append(f"{self.drafts} draft{'s' if self.drafts != 1 else ''} skipped")
        parts.append(f"{len(failed)} failed")
        return ", ".join(parts)


def render_all(programmes, progress=lambda programme: None):
    """Bring the stored PDFs of each published programme, one per language, up to date;
    failures are retried."""
    result = BatchResult(failed=[])
    for programme in programmes:
        if not programme.is_public:
            result.drafts += 1
        else:
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    _render_one(programme, language, result)
        progress(programme)
    return result


def _render_one(programme, language, result):
    try:
        row = ensure_pdf(programme, retry_failed=True)
    except (RenderError, RenderBusy) as problem:
        reason = str(problem) or "another render is under way"
        result.failed.append((programme, f"{language}: {reason}"))
        return
    if row.rendered_now:
        result.rendered += 1
    else:
        result.current += 1


# -- answering -----------------------------------------------------------------------------------


def preview_response(programme):
    """A fresh render, stored nowhere and never cached: staff previews of drafts."""
    try:
        rendered = render_pdf(printable(programme_html(programme)))
    except RenderError as problem:
        response = HttpResponse(
            _("The PDF could not be rendered: %(problem)s") % {"problem": problem},
            status=503,
            content_type="text/plain",
        )
    else:
        response = HttpResponse(rendered.data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="draft-{file_name(programme)}"'
    patch_cache_control(response, private=True, no_store=True)
    return response

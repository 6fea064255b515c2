"""The printable programme: HTML from a template, rendered to a tagged PDF by WeasyPrint in a
renderer process (forked from the warm worker, one render after another) bounded in time and
memory, and kept in media storage once per version.

`programme_html()` and `fingerprint()` (equal fingerprints, equal PDFs); `render_pdf()` (a
pathological programme ends in RenderError, never a hung process); `ensure_pdf()` (the stored
PDF of the current HTML, rendered by the task queue's worker or a command, its row the lock
against rendering twice, a failed or interrupted render tried again later); `request_render()`
(a web request's only part: ask the worker, once per content change); `current_pdf()` (one
query, when nothing changed since the PDF was last checked); `preview()` (staff previews, drafts
included, rendered by the worker too and kept apart from the public PDFs). Only the project's
static and media files can be fetched.
"""

import atexit
import contextlib
import ctypes
import gc
import hashlib
import math
import mimetypes
import multiprocessing
import os
import posixpath
import re
import resource
import shutil
import signal
import socket
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from meetings import languages, queries
from meetings.caching import generations
from meetings.models import ProgrammePDF, ProgrammePDFRequest
from meetings.publishing import revisions

# WeasyPrint resolves the template's relative URLs against this origin. `.invalid` never
# resolves (RFC 2606), and SafeURLFetcher maps it to files, so nothing goes to the network.
BASE_URL = "http://programme-pdf.invalid/"
STYLESHEET = "css/programme-pdf.css"  # in the static files; given to every render, parsed once
PRINTED_ON = "@@printed-on@@"  # replaced after fingerprinting: the date is not content


class RenderError(Exception):
    """The PDF could not be rendered; the message says why, for staff and the log."""


class RenderBusy(Exception):
    """Another worker is rendering this very version right now (`row`, when known)."""

    def __init__(self, row=None):
        super().__init__()
        self.row = row


# -- HTML ---------------------------------------------------------------------------------------


def _city(meeting, sessions):
    """Where the programme takes place, for its date line, in the PDF's language (the English
    marked where it stands in): the meeting's venue's city, else the one city of its sessions'
    rooms ("Geneva", "Genève"); none where they name several or none."""
    if meeting.venue:
        return languages.html(meeting.venue, "city")
    venues = {s.room.venue.city: s.room.venue for s in sessions if s.room and s.room.venue.city}
    return languages.html(venues.popitem()[1], "city") if len(venues) == 1 else ""


def _zone(meeting, sessions):
    """The time zone the programme's times are in, named once by its city ("Geneva time",
    "heure de Genève": meetings.languages.local_time_html), where the sessions' rooms (else
    the meeting's venue) are; None where no session has a time."""
    timed = [s for s in sessions if s.start_time]
    if not timed:
        return None
    return languages.local_time_html(meeting, next((s for s in timed if s.room), None))


def running_header_widths(left, right):
    """The widths, in percent of the line, of the running header's two boxes: the convention's
    name (`left`) and the programme's title (`right`), each in proportion to its length, neither
    under a quarter, 4% apart. Given, not left to WeasyPrint, which measured both texts' widest
    and narrowest layouts on every page to share the line out the same way (10 ms a render)."""
    share = round(96 * len(left) / max(len(left) + len(right), 1))
    left_width = min(max(share, 25), 71)
    return left_width, 96 - left_width


def programme_context(programme):
    sessions = list(programme.sessions.all())
    dated = [s.date for s in sessions if s.date]
    meeting = programme.meeting
    return {
        "programme": programme,
        "meeting": meeting,
        "convention": meeting.convention,
        "header_widths": running_header_widths(
            languages.text(meeting.convention, "full_name")[0],
            languages.text(programme, "title")[0],
        ),
        "city": _city(meeting, sessions),
        "zone": _zone(meeting, sessions),
        # Every session once, in the programme page's order (Session.Meta.ordering).
        "days": queries.programme_days(sessions),
        "first_day": min(dated, default=meeting.start_date),
        "last_day": max(dated, default=meeting.end_date),
        "is_draft": not programme.is_published_revision,
        # A staff preview of a working copy says what publishing it would change.
        "unpublished": revisions.unpublished_changes(programme)
        if programme.is_working_copy
        else None,
        "printed_on": PRINTED_ON,
    }


# A block the markdown renderer marks dir="auto", and what follows it up to its first letter.
_AUTO_DIRECTION = re.compile(r' dir="auto"([^>]*)>')
_TAG = re.compile(r"<[^>]*>")


def resolved_directions(html):
    """`html` with each dir="auto" made "rtl" or "ltr" by the block's first strong letter:
    WeasyPrint does not resolve "auto", so an Arabic paragraph was laid out left to right."""

    def direction(match):
        following = _TAG.sub("", html[match.end() : match.end() + 2000])
        for char in following:
            kind = unicodedata.bidirectional(char)
            if kind in ("R", "AL"):
                return f' dir="rtl"{match.group(1)}>'
            if kind == "L":
                return f' dir="ltr"{match.group(1)}>'
        return f"{match.group(1)}>"

    return _AUTO_DIRECTION.sub(direction, html)


def programme_html(programme):
    """The printable HTML in the active language, with the note that parts are in English where
    their translation is missing."""
    html = render_to_string("meetings/programme_pdf.html", programme_context(programme))
    return languages.with_untranslated_note(resolved_directions(html), document=True)


def _static_digest():
    """What besides the HTML decides the PDF: the stylesheet, the fonts, the renderer."""
    import weasyprint

    digest = hashlib.sha256(weasyprint.__version__.encode())
    static = Path(settings.BASE_DIR) / "static"
    for path in sorted([static / STYLESHEET, *(static / "fonts").glob("*.ttf")]):
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
    printed = _("Printed %(when)s") % {"when": languages.moment_text(when)}
    return html.replace(PRINTED_ON, printed)


def file_name(programme, language=None, older=None):
    """'APMBC-2012-05-parallel-programme-victim-assistance.pdf' in English (the default language),
    '...-victim-assistance-fr.pdf' in French; `language` defaults to the active one. The last
    good PDF served while a newer one is prepared (`older`) says which revision it shows, or
    the day it was made: '...-victim-assistance-revision-1.pdf'."""
    language = language or languages.active()
    suffix = "" if language == settings.LANGUAGE_CODE else f"-{language}"
    if older is not None:
        made = timezone.localtime(older.finished_at)
        suffix += f"-revision-{older.revision}" if older.revision else f"-{made:%Y-%m-%d}"
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


def _render_in_renderer(html, conn):
    """One render in the renderer process: nothing fetched but static and media files (media
    through its storage, which may be object storage). The PDF goes back through the pipe, no
    file left behind whichever side is killed, with whether this process may render again: not
    after a failure, whose state nobody should build on."""
    try:
        import weasyprint

        document = weasyprint.HTML(
            string=html, base_url=BASE_URL, url_fetcher=_fetcher_class()()
        ).render(font_config=_warm["fonts"], stylesheets=[_warm["stylesheet"]])
        conn.send(("ok", len(document.pages), document.write_pdf(pdf_variant="pdf/ua-1")))
        return True
    except MemoryError:
        conn.send(("error", "it needed more memory than the limit allows"))
    except RecursionError:
        conn.send(("error", "its content is nested too deeply to lay out"))
    except Exception as error:  # noqa: BLE001 - reported to the parent, which raises RenderError
        conn.send(("error", f"{type(error).__name__}: {str(error)[:500]}"))
    return False


PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies
# A renderer renders this many PDFs, then gives way to a new one: what a render leaves behind
# (caches, a heap grown by a long programme) never accumulates for long.
RENDERS_PER_RENDERER = 50
# A renderer with nothing to render for this long ends, and gives its memory back.
RENDERER_IDLE_SECONDS = 300


def _limit(kind, soft):
    """Sets the soft limit `kind` to `soft`, within the hard limit the process was given."""
    hard = resource.getrlimit(kind)[1]
    if hard != resource.RLIM_INFINITY:  # -1: min() would have lifted the limit
        soft = min(soft, hard)
    resource.setrlimit(kind, (soft, hard))


def _renderer_main(conn, parents_end, parent, memory_bytes, cpu_seconds):
    """The renderer process: forked from the warm worker, it renders each HTML the worker sends,
    one at a time, and answers with the PDF, then whether it goes on. Each render is held to
    `cpu_seconds` of CPU (and a few more of wall time) and to `memory_bytes` of memory beyond
    what the process holds when it starts. It ends after a failure, after RENDERS_PER_RENDERER
    renders, once its renders have grown it by half of `memory_bytes`, after
    RENDERER_IDLE_SECONDS without work, or when the worker closes the pipe; and it never
    outlives the worker: a worker killed mid-render leaves no process holding memory and the
    worker's database connection."""
    parents_end.close()  # once the parent is gone, a read ends instead of blocking
    # The worker's signal handlers are not the renderer's: db_worker's asks a task to finish and
    # goes on, which kept a renderer waiting for work, and the worker, at its exit, waiting for
    # it. Asked to stop, the renderer ends at once when it has nothing to render, and after
    # answering when it has.
    rendering = {"now": False, "stop": False}

    def stop(number, frame):
        if not rendering["now"]:
            os._exit(0)
        rendering["stop"] = True

    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
        signal.signal(number, stop)
    for number in (signal.SIGALRM, signal.SIGXCPU):
        signal.signal(number, signal.SIG_DFL)
    # Not on Linux, prctl is missing: the closed pipe and the alarm below still end the renderer.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)
    # What the process inherited is never garbage it must look for: frozen, the collector
    # passes over it. A parent due a full collection (a worker after rendering templates)
    # otherwise made a render walk its whole heap, copying every page it touched (260 ms
    # against 190).
    gc.freeze()
    os.nice(settings.PDF_RENDER_NICENESS)  # web requests first; renders have the cores left
    # A media storage of its own: never a connection to object storage shared with the parent.
    default_storage._wrapped = storages.create_storage(settings.STORAGES["default"])
    started_with = _address_space_now()
    for done in range(1, RENDERS_PER_RENDERER + 1):
        try:
            if not conn.poll(RENDERER_IDLE_SECONDS):
                break
            html = conn.recv()
        except EOFError:
            break
        try:
            # Each render has the whole memory allowance, whatever the ones before it left;
            # RLIMIT_CPU counts the process's whole life: the limit moves on with each render.
            _limit(resource.RLIMIT_AS, _address_space_now() + memory_bytes)
            _limit(resource.RLIMIT_CPU, math.ceil(sum(os.times()[:2])) + cpu_seconds)
        except (ValueError, OSError) as error:
            conn.send(("error", f"its limits could not be set: {error}"))
            goes_on = False
        else:
            signal.alarm(cpu_seconds + 5)  # wall time: RLIMIT_CPU does not run out while blocked
            rendering["now"] = True
            goes_on = _render_in_renderer(html, conn)
            signal.alarm(0)
        grown = _address_space_now() - started_with > memory_bytes / 2
        goes_on = bool(goes_on) and not grown and not rendering["stop"]
        goes_on = goes_on and done < RENDERS_PER_RENDERER
        conn.send(goes_on)
        rendering["now"] = False
        if not goes_on:
            break
    conn.close()
    os._exit(0)


def _address_space_now():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@dataclass
class Rendered:
    data: bytes
    pages: int
    seconds: float


WARM_UP_HTML = """<!DOCTYPE html><html lang="en"><head><title>warm-up</title></head><body>
<header class="letterhead"><p class="convention">Convention</p></header><h1>Programme</h1>
<section class="session"><p class="time">10:00</p><div class="body"><h3>Session</h3>
<p class="location">Location</p><ul class="questions"><li>Question?</li></ul></div></section>
<p><strong>bold</strong> <em>italic</em></p></body></html>"""
# Per process: the warm-up render's font configuration, which holds no content, and the
# programme's stylesheet, parsed once.
_warm = {"fonts": None, "stylesheet": None}
# WeasyPrint copies the stylesheet's fonts into a temporary folder; ours are named for their
# process, so that the folder of a killed one is found and removed.
FONT_FOLDER_PREFIX = "vapp-pdf-fonts-"


def process_alive(pid):
    """Whether process `pid` of this machine is running (a zombie has ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def _remove_font_folder():
    """At this process's exit, the font folder of its warm configuration. WeasyPrint's own
    clean-up (FontConfiguration.__del__) runs too late for a configuration the warm stylesheet
    keeps alive: at the interpreter's last collection, where it fails. The renderer ends with
    os._exit and runs none of this: the folder is its parent's."""
    fonts = _warm["fonts"]
    folder = getattr(fonts, "_folder", None)
    if folder:
        fonts._folder = None
        shutil.rmtree(folder, ignore_errors=True)


atexit.register(_remove_font_folder)


def _font_folder():
    """A new font folder for this process, after removing those of processes that are gone."""
    for folder in Path(tempfile.gettempdir()).glob(f"{FONT_FOLDER_PREFIX}*"):
        pid = folder.name[len(FONT_FOLDER_PREFIX) :].partition("-")[0]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{FONT_FOLDER_PREFIX}{os.getpid()}-"))


def _open_arrays(ffi):
    """WeasyPrint's font subsetting makes its arrays of glyph ids with cffi as
    `ffi.new("hb_codepoint_t[N]", items)`, N the number of items: cffi parses each C type it has
    not seen with pycparser, 5.4 ms for each new N, and a render asks for about six new ones (the
    glyphs each font uses), in a renderer whose parsed types die with it. Made instead from the open
    type `hb_codepoint_t[]` and the same N items, the array is the same, and the type is parsed
    once, in the parent."""
    if getattr(ffi.new, "open_arrays", False):
        return
    new = ffi.new
    sized = re.compile(r"hb_codepoint_t\[(\d+)\]")

    def new_with_open_arrays(cdecl, init=None):
        # Most of a render's calls (a few thousand) ask for other types: no pattern for them.
        opens = type(cdecl) is str and cdecl.startswith("hb_codepoint_t[")
        match = sized.fullmatch(cdecl) if opens else None
        if match and hasattr(init, "__len__") and len(init) == int(match[1]):
            return new("hb_codepoint_t[]", init)
        return new(cdecl, init)

    new_with_open_arrays.open_arrays = True
    ffi.new = new_with_open_arrays


def _stylesheet(fonts):
    """The programme's stylesheet (static/css/programme-pdf.css), parsed, its fonts registered in
    `fonts`. Given to every render rather than linked from the HTML, which cost each render
    10 ms to parse it again. WeasyPrint takes a parsed stylesheet as the reader's ("user"
    origin), not the author's: the same cascade for the programme's HTML, which has no style
    of its own but the page-number rule (templates/meetings/programme_pdf.html), and that
    rule, an author's, comes after the stylesheet's as it did when linked."""
    import weasyprint

    return weasyprint.CSS(
        # Its own name, not the manifest's hashed copy: the fetcher finds it in the static
        # folders or STATIC_ROOT, and a process that never collected the static files renders.
        url=BASE_URL + settings.STATIC_URL.lstrip("/") + STYLESHEET,
        url_fetcher=_fetcher_class()(),
        font_config=fonts,
    )


def _warm_up():
    """Render a small page with the programme's stylesheet and fonts once in this process, so
    the renderer forked from it inherits loaded fonts and caches. The renderer renders with this
    render's font configuration: the system's fonts already scanned, the programme's own fonts
    already registered and opened, Pango's caches for them already filled (each render would
    otherwise build all of that again), and its stylesheet already parsed. Our own fixed page:
    safe to render outside the limits."""
    fonts = _warm["fonts"]
    # WeasyPrint keeps the programme's fonts in a temporary folder: should something clean it
    # away under a long-running process, the configuration is built again.
    folder = getattr(fonts, "_folder", None)
    if fonts is None or folder is None or not Path(folder).is_dir():
        import weasyprint
        from weasyprint.text.ffi import ffi
        from weasyprint.text.fonts import FontConfiguration

        _open_arrays(ffi)
        fonts = FontConfiguration()
        fonts._folder = _font_folder()
        stylesheet = _stylesheet(fonts)
        weasyprint.HTML(
            string=WARM_UP_HTML, base_url=BASE_URL, url_fetcher=_fetcher_class()()
        ).render(font_config=fonts, stylesheets=[stylesheet]).write_pdf(pdf_variant="pdf/ua-1")
        _warm.update(fonts=fonts, stylesheet=stylesheet)


class _Renderer:
    """This process's renderer (_renderer_main), what it was started with, and how many PDFs
    it has answered."""

    def __init__(self, key):
        self.key = key
        self.answered = 0
        timeout = settings.PDF_RENDER_TIMEOUT
        memory = settings.PDF_RENDER_MEMORY_MB * 1024 * 1024
        context = multiprocessing.get_context("fork")
        self.conn, renderers_end = context.Pipe()
        self.process = context.Process(
            target=_renderer_main,
            args=(renderers_end, self.conn, os.getpid(), memory, int(timeout) + 1),
            daemon=True,
        )
        self.process.start()
        renderers_end.close()
        # At exit, before multiprocessing's own handler (the last registered runs first), which
        # would wait for a renderer that is waiting for work.
        atexit.unregister(_stop_renderer)
        atexit.register(_stop_renderer)

    def stop(self):
        self.conn.close()  # a renderer waiting for work ends at once
        self.process.join(1)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()

    def exchange(self, html, timeout):
        """Sends `html`; (the answer, whether the renderer goes on). The answer is None when none
        came within `timeout`, ("stopped",) when the renderer ended without one."""
        try:
            self.conn.send(html)
            if not self.conn.poll(timeout):
                return None, False
            answer = self.conn.recv()
        except (EOFError, OSError):
            return ("stopped",), False
        try:
            return answer, self.conn.recv()
        except (EOFError, OSError):
            return answer, False


_renderer = {"current": None}
_renderer_lock = threading.Lock()  # one render at a time through this process's renderer
# What a renderer reads of the settings, as they were when it was forked.
RENDERER_SETTINGS = (
    "PDF_RENDER_TIMEOUT",
    "PDF_RENDER_MEMORY_MB",
    "PDF_RENDER_NICENESS",
    "PDF_FETCH_MAX_BYTES",
    "STORAGES",
    "MEDIA_ROOT",
    "MEDIA_URL",
    "STATIC_ROOT",
    "STATIC_URL",
    "STATICFILES_DIRS",
)


def _stop_renderer():
    """Ends this process's renderer. In a forked copy of this module, the renderer is another
    process's: the copy only lets go of its end of the pipe."""
    renderer, _renderer["current"] = _renderer["current"], None
    if renderer is None:
        return
    if renderer.key[0] == os.getpid():
        renderer.stop()
    else:
        renderer.conn.close()


def _renderer_for():
    """The running renderer started with this process's present settings, fonts and render
    function, or a new one (a changed setting, a test's, never meets an older renderer)."""
    key = (
        os.getpid(),
        _warm["fonts"],
        _render_in_renderer,
        *(repr(getattr(settings, name, None)) for name in RENDERER_SETTINGS),
    )
    renderer = _renderer["current"]
    # The key (its first item the process id) is compared first: only a process's own renderer
    # may be asked whether it is alive.
    if renderer is not None and (renderer.key != key or not renderer.process.is_alive()):
        _stop_renderer()
        renderer = None
    if renderer is None:
        renderer = _renderer["current"] = _Renderer(key)
    return renderer


def render_pdf(html):
    """The PDF of `html`, rendered by this process's renderer within PDF_RENDER_TIMEOUT seconds
    and PDF_RENDER_MEMORY_MB of memory. One renderer renders one PDF after another
    (RENDERS_PER_RENDERER): forking a new process for each render made each one a fifth slower
    (its memory faulted in anew)."""
    _warm_up()  # imports WeasyPrint, loads the fonts and the stylesheet: the renderer starts warm
    timeout = settings.PDF_RENDER_TIMEOUT
    with _renderer_lock:
        for _ in range(2):
            renderer = _renderer_for()
            started = time.monotonic()
            answer, goes_on = None, False
            try:
                answer, goes_on = renderer.exchange(html, timeout)
            finally:  # whatever stopped this: a late answer must never be read as the next one's
                if not goes_on:
                    _stop_renderer()
            # A renderer that had answered before and ended without a word may have been ended
            # for another reason (idle, the OOM killer, with the thread that started it): the
            # render is tried once more, in a new renderer.
            if answer != ("stopped",) or not renderer.answered:
                break
        renderer.answered += 1
    if answer is None:
        raise RenderError(f"it took longer than the {timeout:g} second limit")
    if answer[0] == "stopped":
        raise RenderError("the renderer stopped (out of memory or time, or killed)")
    if answer[0] == "error":
        raise RenderError(answer[1])
    return Rendered(answer[2], answer[1], time.monotonic() - started)


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
    """The newest PDF made of the published copy `programme` or of an earlier revision of it."""
    return (
        ProgrammePDF.objects.filter(
            programme__working_id=programme.working_id,
            state=ProgrammePDF.State.DONE,
            language=language,
        )
        .select_related("programme__meeting__convention")
        .order_by("-finished_at")
        .first()
    )


def first_pdf(copy, language):
    """The PDF of the published copy `copy` (of any revision) as it was first made: what the
    delegations printed of that revision."""
    return (
        copy.pdfs.filter(state=ProgrammePDF.State.DONE, language=language)
        .select_related("programme__meeting__convention")
        .order_by("finished_at")
        .first()
    )


def render_bound():
    """How long a render may hold its row: the renderer's time limit, the wait for it to end, and
    storing the file. A row still rendering after that was left by a worker that stopped."""
    return timedelta(seconds=settings.PDF_RENDER_TIMEOUT * 2 + 30)


def retry_delay(tries):
    """The wait before the next try after `tries` tries: 30 s, 2 min, 8 min, ... by default."""
    return timedelta(seconds=settings.PDF_RENDER_RETRY_SECONDS * 4 ** (tries - 1))


def _this_worker():
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_gone(row):
    """Whether the worker rendering `row` has stopped: its process has ended on this machine, or
    it has held the row past any render's time."""
    if timezone.now() - row.started_at > render_bound():
        return True
    host, _, pid = row.worker.rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and not process_alive(int(pid))


INTERRUPTED = "The render stopped before it finished: its worker ended."


def _schedule(row, when):
    """A task at `when` that tries the render of `row` again, should it have failed or its worker
    stopped by then (a queue that cannot wait runs none)."""
    from . import tasks

    if when is not None:
        tasks.enqueue_render(row.programme_id, row.language, when=when, pdf_id=row.pk)


def _guard_time(tries, now):
    """When the worker's render of try `tries` should have ended, plus the wait before the next
    try: a task then takes over if its worker stopped. None after the last try."""
    if tries >= settings.PDF_RENDER_TRIES:
        return None
    return now + timedelta(seconds=settings.PDF_RENDER_TIMEOUT) + retry_delay(tries)


def _give_up_interrupted(row):
    """A render whose worker stopped is failed for good (unless another took it meanwhile)."""
    ProgrammePDF.objects.filter(pk=row.pk, started_at=row.started_at).update(
        state=ProgrammePDF.State.FAILED,
        error=INTERRUPTED,
        finished_at=timezone.now(),
        next_try_at=None,
        worker="",
    )


def _close_interrupted(programme, language, key):
    """Rows of older versions left rendering by a stopped worker are failed: nobody renders an
    outdated version again."""
    stale = programme.pdfs.filter(language=language, state=ProgrammePDF.State.RENDERING)
    for row in stale.exclude(fingerprint=key):
        if worker_gone(row):
            _give_up_interrupted(row)


def _check_may_take(row, retry_failed):
    """Raises unless this worker may render `row` now: a failed render whose next try is due
    (any, when staff ask), or a render whose worker stopped."""
    if row.state == ProgrammePDF.State.RENDERING:
        if not worker_gone(row):
            raise RenderBusy(row)
        if row.tries >= settings.PDF_RENDER_TRIES and not retry_failed:
            _give_up_interrupted(row)
            raise RenderError(INTERRUPTED)
    elif not retry_failed and not row.retry_due():
        raise RenderError(row.error)


def _revision_number(programme):
    revision = programme.revision  # loaded by queries
    return revision.number if revision else None


def ensure_pdf(programme, retry_failed=False):
    """The stored PDF of `programme` as it is now, in the active language, rendering it here if
    nobody has: in the task queue's worker or a command, never in a web request.

    Raises RenderBusy while another worker renders this version, and RenderError when the render
    fails, or failed before and its next try is not due (unless `retry_failed`: staff asked).
    Each try is counted on the row; a failed one is tried again after retry_delay(), and one
    whose worker stopped is taken over by the task scheduled for that, PDF_RENDER_TRIES in all."""
    _warm_up()  # before the claim, so that the time a row may be held covers the render alone
    version = generations.count_everything()  # first: a change during the render rechecks
    html = programme_html(programme)
    key = fingerprint(html)
    language = languages.active()
    _close_interrupted(programme, language, key)
    now = timezone.now()
    claim = {
        "state": ProgrammePDF.State.RENDERING,
        "started_at": now,
        "worker": _this_worker(),
        "revision": _revision_number(programme),
    }
    try:
        with transaction.atomic():
            row, created = ProgrammePDF.objects.get_or_create(
                programme=programme,
                fingerprint=key,
                defaults={
                    **claim,
                    "language": language,
                    "tries": 1,
                    "next_try_at": _guard_time(1, now),
                },
            )
    except IntegrityError:  # another worker inserted it between our look-up and insert
        raise RenderBusy() from None
    if not created:
        if row.state == ProgrammePDF.State.DONE:
            if row.checked_at != version:
                ProgrammePDF.objects.filter(pk=row.pk).update(checked_at=version)
                row.checked_at = version
            row.rendered_now = False
            return row
        _check_may_take(row, retry_failed)
        if row.state == ProgrammePDF.State.RENDERING:
            claim["error"] = f"Try {row.tries}: {INTERRUPTED}"
        tries = row.tries + 1
        taken = ProgrammePDF.objects.filter(
            pk=row.pk, state=row.state, started_at=row.started_at
        ).update(**claim, tries=tries, next_try_at=_guard_time(tries, now))
        if not taken:
            raise RenderBusy(row)
        row.tries = tries
    _schedule(row, _guard_time(row.tries, now))
    try:
        rendered = render_pdf(printable(html))
    except RenderError as error:
        failed_at = timezone.now()
        retry_at = None
        if row.tries < settings.PDF_RENDER_TRIES:
            retry_at = failed_at + retry_delay(row.tries)
        ProgrammePDF.objects.filter(pk=row.pk).update(
            state=ProgrammePDF.State.FAILED,
            error=str(error),
            finished_at=failed_at,
            next_try_at=retry_at,
            worker="",
        )
        _schedule(row, retry_at)
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
        error="",
        next_try_at=None,
        worker="",
    )
    row.refresh_from_db()
    row.rendered_now = True
    return row


def request_render(programme, language):
    """Ask the worker for the PDF of `programme` in `language` as it is now, unless it was asked
    at the content's current generation already: one task, however many downloads. A request
    whose task was lost (its worker stopped first) is made again after render_bound(). This is
    all a web request does towards a render: it renders no HTML."""
    from . import tasks

    generation = generations.count_everything()
    now = timezone.now()
    renewed = (
        ProgrammePDFRequest.objects.filter(programme=programme, language=language)
        .filter(Q(generation__lt=generation) | Q(requested_at__lt=now - render_bound()))
        .update(generation=generation, requested_at=now)
    )
    if not renewed:
        _request, created = ProgrammePDFRequest.objects.get_or_create(
            programme=programme,
            language=language,
            defaults={"generation": generation, "requested_at": now},
        )
        if not created:  # asked already at this generation
            return False
    tasks.enqueue_render(programme.pk, language)
    return True


@dataclass
class Pending:
    """What a download that finds no PDF at all is told: being prepared (`retrying` after a
    failed try), or failed for good; and when to ask again."""

    failed: bool = False
    retrying: bool = False
    retry_after: int = 10


def pending(programme, language):
    """From its latest render (a render of changed content starts a newer one)."""
    row = programme.pdfs.filter(language=language).order_by("-started_at").first()
    if row is None or row.state != ProgrammePDF.State.FAILED:
        return Pending()
    if row.next_try_at is not None:
        wait = (row.next_try_at - timezone.now()).total_seconds()
        return Pending(retrying=True, retry_after=max(10, math.ceil(wait) + 5))
    return Pending(failed=True, retry_after=300)


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
        if not programme.is_published_revision:
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


# -- previews ------------------------------------------------------------------------------------

# Staff previews, drafts included: files of their own in media storage, named for the HTML they
# show, never ProgrammePDF rows, which public downloads serve.
PREVIEW_FOLDER = "previews"
PREVIEW_RETRY_AFTER = 5  # seconds: a small programme's render


def _preview_name(programme_id, language, key, suffix):
    return f"{PREVIEW_FOLDER}/{programme_id}/{language}/{key}.{suffix}"


def _read_text(name):
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read(10_000).decode("utf-8", "replace")
    except FileNotFoundError:
        return None


def _write(name, content):
    default_storage.delete(name)  # a local storage would otherwise save under another name
    default_storage.save(name, ContentFile(content))


@dataclass
class Preview:
    """A staff preview of a programme as it is now: its PDF once the worker rendered it, or why
    that failed; neither while it is being prepared."""

    programme: object
    data: bytes | None = None
    error: str | None = None

    @property
    def ready(self):
        return self.data is not None

    def response(self):
        response = HttpResponse(self.data, content_type="application/pdf")
        name = file_name(self.programme)
        response["Content-Disposition"] = f'inline; filename="draft-{name}"'
        patch_cache_control(response, private=True, no_store=True)
        return response

    def waiting_response(self, request, template, context):
        """Failed: the error, with a button to try again. Being prepared: 503 with Retry-After,
        and the page reloads itself then, unless `?manual` (a link on it) asks it not to."""
        manual = "manual" in request.GET
        context = {**context, "preview": self, "manual": manual}
        response = render(request, template, context, status=503)
        if self.error is None:
            response["Retry-After"] = str(PREVIEW_RETRY_AFTER)
            if not manual:
                response["Refresh"] = str(PREVIEW_RETRY_AFTER)
        patch_cache_control(response, private=True, no_store=True)
        return response


def _stored_preview(programme, language, key):
    try:
        with default_storage.open(_preview_name(programme.pk, language, key, "pdf"), "rb") as f:
            return Preview(programme, data=f.read())
    except FileNotFoundError:
        pass
    return Preview(programme, error=_read_text(_preview_name(programme.pk, language, key, "error")))


def _queued_lately(marker):
    """Whether the marker says a task was queued less than render_bound() ago (an older one was
    lost, its worker stopped first)."""
    text = _read_text(marker)
    try:
        asked = datetime.fromisoformat(text.strip()) if text else None
    except ValueError:
        return False
    return asked is not None and timezone.now() - asked < render_bound()


def preview(programme, retry=False):
    """The staff preview of `programme` as it is now, in the active language. The web request
    renders the HTML only, for its fingerprint; the task queue's worker renders the PDF
    (render_preview), asked once per version however often staff look; `retry` asks again
    after a failure."""
    from . import tasks

    language = languages.active()
    key = fingerprint(programme_html(programme))
    marker = _preview_name(programme.pk, language, key, "queued")
    if retry:
        default_storage.delete(_preview_name(programme.pk, language, key, "error"))
        default_storage.delete(marker)
    found = _stored_preview(programme, language, key)
    if found.ready or found.error is not None or _queued_lately(marker):
        return found
    _write(marker, timezone.now().isoformat().encode())
    tasks.enqueue_preview(programme.pk, language)
    # A queue that runs its tasks at once (tests, a shell) has rendered it by now.
    return _stored_preview(programme, language, key)


def render_preview(programme):
    """In the worker: the preview PDF of `programme` as it is now in the active language, or
    the error of its render, kept under the HTML's fingerprint; older previews of it in that
    language are removed."""
    language = languages.active()
    html = programme_html(programme)
    key = fingerprint(html)
    name = _preview_name(programme.pk, language, key, "pdf")
    if default_storage.exists(name):
        return "current"
    try:
        rendered = render_pdf(printable(html))
    except RenderError as error:
        _write(_preview_name(programme.pk, language, key, "error"), str(error).encode())
        outcome = f"failed: {error}"
    else:
        _write(name, rendered.data)
        outcome = "rendered"
    folder = f"{PREVIEW_FOLDER}/{programme.pk}/{language}"
    for other in default_storage.listdir(folder)[1]:
        if not other.startswith(f"{key}."):
            default_storage.delete(f"{folder}/{other}")
    default_storage.delete(_preview_name(programme.pk, language, key, "queued"))
    return outcome

"""A static copy of the whole public site, for a static host or a folder opened from a disk.

Every public address, in English, French and Spanish, is rendered through the site's own stack
(Django's test client: the middleware, the page cache, the views), as an anonymous visitor, so a
draft is never in the copy: it answers 404 to the public; in this process or in `jobs` worker
processes (Exporter), the same copy either way. Each public programme is read once for all the
pages about it (queries.remembering_programmes). The addresses
come from the sitemaps (every public page), the feeds and JSON files, and the links of the pages
themselves, followed as a crawler does (calendars, PDFs, documents, revisions, pages of lists).

Each page is saved where a static host finds it and a browser opens it from a folder:
/x/y/ -> x/y/index.html; a list's page or filter (/meetings/?kind=msp&page=2) ->
meetings/index.kind-msp.page-2.html (a slug holds no dot, so no page's folder can take that
name). Links are rewritten relative to each page (../../x/y/index.html), so the copy works
under any path prefix and over file://. Forms that need the server (the lists' filters, a
programme's "Make my agenda") are replaced by a note; the search page searches with Pagefind,
which indexes the copy per language, and, opened from a folder where Pagefind cannot run, the
copy's own index (static_search.js).

Exporting again into the same folder writes only the files whose bytes changed and removes the
files no longer exported. The folder must be empty or an earlier export (MARKER): a folder of
other files is refused rather than pruned. An export leaves a manifest (Manifest) of what each
page showed, as the page cache keys it (caching/generations.py), and on what day, by what code:
the next export renders again only the pages whose meeting, or the site, changed since, and
takes the others as they are on disk, their links and search text from the manifest.
"""

import functools
import gzip
import hashlib
import html
import json
import multiprocessing
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
import zlib
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urljoin, urlsplit

import django
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection, connections
from django.templatetags.static import static
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from meetings import queries
from meetings.caching import generations

MARKER = ".static-export"
MANIFEST = ".static-export-manifest.json.gz"
# Query parameters of the lists whose pages the copy holds (meetings/public/views.py), each a
# slug-like value; any other query (a search's words) needs the server.
LIST_PARAMETERS = frozenset({"page", "kind", "convention", "meeting", "language", "year"})
VALUE = re.compile(r"[-\w]{1,100}", re.ASCII)
# Addresses the copy never holds: the back office, the editor's endpoints, the sitemaps.
NOT_EXPORTED = ("/admin/", "/markdownx/", "/sitemap", "/robots.txt")
LINK = re.compile(r'(\s(?:href|src|action)=")([^"]*)(")')
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
FILTER_FORM = re.compile(r'<form class="filters"[^>]*>.*?</form>', re.S)
SEARCH_FORM = re.compile(r'<form class="filters search"[^>]*>.*?</form>', re.S)
# A programme page's "Make my agenda" form: an agenda is made by the site, per delegate.
AGENDA_PICKER = re.compile(r'<details class="agenda-picker"[^>]*>.*?</details>', re.S)
MAIN = '<main id="content" tabindex="-1">'
PAGEFIND_FOLDER = "pagefind"
PAGEFIND_ENTRY = "pagefind-entry.json"  # what the bundle holds, by language
SEARCH_SCRIPT = "static-search.js"
# The copy's own index of each language's pages, a script the search page loads where Pagefind
# cannot run (a copy opened from a folder): static_search.js searches it.
FOLDER_INDEX = "search-index.{language}.js"
# What the folder index keeps of a page's text: enough to find it by, and to show an excerpt.
FOLDER_INDEX_TEXT_CHARS = 1500


class ExportError(Exception):
    """A reason the export cannot be made (a folder of other files, no index tool)."""


@dataclass
class Summary:
    written: int = 0
    kept: int = 0
    removed: int = 0
    pages: int = 0
    # Of the pages, those taken from the earlier export unrendered: nothing they show changed.
    unchanged: int = 0
    bytes: int = 0
    # The processes that rendered the pages: 1, or the worker processes of --jobs.
    processes: int = 1
    # Internal addresses linked from the copy that it does not hold: {address: [linked from]}.
    unexported: dict = field(default_factory=dict)
    # Addresses that answered something other than 200 (a PDF not rendered yet): {address: status}
    failed: dict = field(default_factory=dict)

    @property
    def files(self):
        return self.written + self.kept


class Folder:
    """Files put into `root`, each written only when its bytes differ from the file there."""

    def __init__(self, root, summary):
        self.root = Path(root)
        self.summary = summary
        self.expected = {MARKER, MANIFEST}

    def put(self, relative, data):
        """Write `data` as the file `relative`, unless the file says the same already. Returns
        the size of the file left there."""
        self.expected.add(relative)
        self.summary.bytes += len(data)
        target = self.root / relative
        if target.is_file():
            old = target.read_bytes()
            if equivalent(relative, old, data):
                self.summary.kept += 1
                return len(old)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        self.summary.written += 1
        return len(data)

    def size(self, relative):
        """The size of the file `relative` in the folder, or None when there is none."""
        try:
            return (self.root / relative).stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            return None

    def keep(self, relative, size):
        """Keep the file `relative` as it is (`size` bytes), unread."""
        self.expected.add(relative)
        self.summary.bytes += size
        self.summary.kept += 1

    def prune(self, keep=()):
        """Remove the files of an earlier export that this one did not write (but those under the
        folders `keep`), then the folders left empty."""
        for path in sorted(self.root.rglob("*"), reverse=True):
            relative = path.relative_to(self.root).as_posix()
            if path.is_dir():
                if not any(path.iterdir()):
                    path.rmdir()
            elif relative not in self.expected and not relative.startswith(keep):
                path.unlink()
                self.summary.removed += 1


DTSTAMP = re.compile(rb"^DTSTAMP:.*$", re.M)


def equivalent(relative, old, new):
    """Whether the file exported before says what `new` says, so that it is kept as it is: the
    same bytes; for a calendar, the same but for when each event was written out (DTSTAMP,
    the time of the request); for Pagefind's entry file, the same JSON (its languages come in
    any order)."""
    if old == new:
        return True
    if relative.endswith(".ics"):
        return DTSTAMP.sub(b"", old) == DTSTAMP.sub(b"", new)
    if relative == f"{PAGEFIND_FOLDER}/{PAGEFIND_ENTRY}":
        try:
            return json.loads(old) == json.loads(new)
        except ValueError:
            return False
    return False


def check_folder(root):
    """Refuse a folder that holds files but is no earlier export: pruning would delete them."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise ExportError(f"{root} is a file, not a folder.")
    if root.is_dir() and any(root.iterdir()) and not (root / MARKER).is_file():
        raise ExportError(
            f"{root} holds files but no earlier export (no {MARKER} file): "
            "choose an empty or new folder."
        )


def file_for(path, query):
    """Where the copy holds the address `path` (percent-decoded) with `query` (pairs), or None
    when it cannot hold it."""
    if path.startswith(NOT_EXPORTED) or ".." in path.split("/") or _needs_the_server(path):
        return None
    if path.endswith("/"):
        if query and path in search_paths():
            return None
        return path[1:] + "index" + "".join(f".{name}-{value}" for name, value in query) + ".html"
    return None if query else path[1:]


# Pages that answer a form posted to the server: subscribing to a programme's notices by
# e-mail. The copy links to them on the live site.
SERVER_PAGES = frozenset({"programme_notices", "notices_confirm", "notices_unsubscribe"})


@functools.lru_cache(maxsize=65_536)
def _needs_the_server(path):
    # Asked for each link of each page, most of them the same few (the menus): remembered.
    # The language's prefix is matched only while that language is active.
    with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
        try:
            return resolve(path).url_name in SERVER_PAGES
        except Resolver404:
            return False


@functools.cache
def search_paths():
    """The search page's address in each language: in the copy, it searches with Pagefind."""
    paths = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths.add(reverse("meetings:search"))
    return paths


def list_query(query_string):
    """The query of an address as the copy names it (sorted, page 1 left out), or None when the
    copy cannot hold it."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    if any(name not in LIST_PARAMETERS or not VALUE.fullmatch(value) for name, value in pairs):
        return None
    if len({name for name, _value in pairs}) != len(pairs):
        return None
    return tuple(sorted((name, value) for name, value in pairs if (name, value) != ("page", "1")))


class Site:
    """The addresses of the site and what each answers, through the site's own stack."""

    def __init__(self):
        from django.test import Client

        site = urlsplit(settings.SITE_URL)
        self.origin = f"{site.scheme}://{site.netloc}"
        self.secure = site.scheme == "https"
        self.client = Client(HTTP_HOST=site.netloc or "testserver")

    def get(self, address):
        response = self.client.get(address, secure=self.secure)
        # A stream read to its end: the client closes the response (and its file) itself.
        streamed = response.streaming
        body = b"".join(response.streaming_content) if streamed else response.content
        return response.status_code, response.get("Content-Type", ""), body

    def internal(self, link, base):
        """(path, query string) of `link` found in the page at `base`, or None when it leaves the
        site (another host, mailto:, a fragment of the same page)."""
        if link.startswith("#") or not link:
            return None
        parts = urlsplit(urljoin(self.origin + base, link))
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        return unquote(parts.path), parts.query, parts.fragment


def seeds():
    """Every public page the sitemaps list, the feeds and JSON files, in every language."""
    from meetings.public.sitemaps import SITEMAPS

    addresses = []
    for sitemap_class in SITEMAPS.values():
        sitemap = sitemap_class()
        rows = list(sitemap.items())
        if rows:  # each address in every language
            addresses += [
                path for paths, _changed in sitemap.paths(rows) for path in paths.values()
            ]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for name in ("news_feed", "revision_feed", "action_plans_json", "search"):
                addresses.append(reverse(f"meetings:{name}"))
    return addresses


def static_seeds():
    """The URL of every file of the site's own static folders (hashed names once collected)."""
    addresses = []
    for finder in finders.get_finders():
        if not isinstance(finder, finders.FileSystemFinder):
            continue  # the admin's files: the copy has no back office
        for name, _storage in finder.list(ignore_patterns=["*.map"]):
            addresses.append(static(name.replace(os.sep, "/")))
    return addresses


def static_file(path):
    """The bytes of the static file at `path` (/static/...): collected, or found in static/."""
    name = path[len("/" + settings.STATIC_URL.lstrip("/")) :]
    if ".." in name.split("/"):
        return None
    collected = Path(settings.STATIC_ROOT) / name
    if collected.is_file():
        return collected.read_bytes()
    found = finders.find(name)
    return Path(found).read_bytes() if found else None


def static_prefix():
    return "/" + settings.STATIC_URL.lstrip("/")


def address_of(path, query):
    """The address (quoted) of `path` with `query` (pairs)."""
    return quote(path) + ("?" + "&".join(f"{n}={v}" for n, v in query) if query else "")


def relative_link(here, target, fragment=""):
    """The link from the file `here` to the file `target`, both relative to the copy's root."""
    start = posixpath.dirname(here) or "."
    link = quote(posixpath.relpath(target, start), safe="/")
    return link + (f"#{fragment}" if fragment else "")


@dataclass
class Rendered:
    """What one address gave: its bytes (None when it failed: `status`), and what the page
    found, in the order it found it: the addresses to queue [(path, query)], the links the copy
    cannot hold [(target, address)] and its entry in the folder index (language, row)."""

    address: str
    local: str
    data: bytes | None = None
    status: int = 200
    page: bool = False
    found: list = field(default_factory=list)
    unexported: list = field(default_factory=list)
    indexed: tuple | None = None
    # Not rendered: the file of the earlier export, of this size, says what it would say.
    unchanged_size: int | None = None


class Renderer:
    """Renders addresses one at a time, each on its own: what one gives depends on that address
    and the database alone, so any process can render any of them."""

    def __init__(self):
        self.site = Site()
        self.static_prefix = static_prefix()

    def render(self, path, query, local):
        address = address_of(path, query)
        result = Rendered(address, local)
        if path.startswith(self.static_prefix):
            data = static_file(path)
            if data is None:
                result.status = 404
                return result
            content_type = "text/css" if path.endswith(".css") else ""
        else:
            status, content_type, data = self.site.get(address)
            if status != 200:
                result.status = status
                return result
        if content_type.startswith("text/html"):
            data = self.page(path, address, local, data.decode(), result).encode()
            result.page = True
        elif content_type.startswith("text/css"):
            self.follow_css(path, data.decode(), result)
        result.data = data
        return result

    def follow_css(self, path, css, result):
        """Queue the files a stylesheet names (fonts, images), at their places beside it."""
        for link in CSS_URL.findall(css):
            found = self.site.internal(link, path)
            if found and not found[1] and file_for(found[0], ()) is not None:
                result.found.append((found[0], ()))

    def page(self, path, address, local, text, result):
        """The page with its links made relative, its server-bound forms replaced, and marked
        for the search index where it is content (not a list's other page, nor the search)."""

        def rewrite(match):
            link = html.unescape(match.group(2))
            found = self.site.internal(link, address)
            if found is None:
                return match.group(0)
            target_path, query_string, fragment = found
            query = list_query(query_string)
            target = None if query is None else file_for(target_path, query)
            if target is not None:
                result.found.append((target_path, query))
                new = relative_link(local, target, fragment)
            else:
                # The live site's page: the copy cannot hold it (the back office, a search).
                result.unexported.append(
                    (target_path + (f"?{query_string}" if query_string else ""), address)
                )
                new = (
                    self.site.origin
                    + quote(target_path)
                    + (f"?{query_string}" if query_string else "")
                )
            return match.group(1) + html.escape(new) + match.group(3)

        search = path in search_paths()
        with translation.override(translation.get_language_from_path(path) or "en"):
            if search:
                text = SEARCH_FORM.sub(lambda _m: search_box(local), text, count=1)
            else:
                text = FILTER_FORM.sub(lambda _m: filters_note(), text)
                text = AGENDA_PICKER.sub(lambda _m: agenda_note(), text)
        text = LINK.sub(rewrite, text)
        if search:
            root = "../" * local.count("/")
            text = text.replace(
                "</body>",
                f'<script src="{root}{PAGEFIND_FOLDER}/pagefind-ui.js"></script>\n'
                f'<script src="{root}{SEARCH_SCRIPT}"></script>\n</body>',
            )
            text = text.replace(
                "</head>",
                f'<link rel="stylesheet" href="{root}{PAGEFIND_FOLDER}/pagefind-ui.css">\n</head>',
            )
        elif "." not in posixpath.basename(local)[len("index") : -len(".html")] and (
            "/changes/" not in path
        ):
            text = text.replace(MAIN, MAIN[:-1] + " data-pagefind-body>", 1)
            language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
            result.indexed = (language, (local, *PageText.of(text)))
        return text


# What decides a page's bytes besides the database: the site's code, templates, translations and
# static files (beside the settings and the day, code_stamp).
STAMPED_FOLDERS = ("meetings", "vapp", "templates", "locale", "static")
MANIFEST_FORMAT = 1


def code_stamp():
    """A digest of what, besides the database, decides the bytes of the copy's files: the site's
    code, templates, translations and static files (and their collected names), the settings
    that make addresses, and the day (a page says what is upcoming: the page cache's key holds
    the day too). Pages rendered under another stamp are all rendered again."""
    digest = hashlib.blake2b(digest_size=16)
    base = Path(settings.BASE_DIR)
    for name in STAMPED_FOLDERS:
        for path in sorted((base / name).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(base).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    collected = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if collected.is_file():
        digest.update(collected.read_bytes())
    decided_by = (
        settings.SITE_URL,
        settings.STATIC_URL,
        settings.MEDIA_URL,
        settings.LANGUAGES,
        settings.TIME_ZONE,
        django.__version__,
        time.strftime("%Y-%m-%d"),
        MANIFEST_FORMAT,
    )
    digest.update(repr(decided_by).encode())
    return digest.hexdigest()


@dataclass
class Entry:
    """What the manifest says of one file: the version of what it showed (generations), its size,
    whether it is a page, the addresses it links to [(path, query)], the live site's it links to,
    and the language of the folder index that holds it (None: not indexed)."""

    version: str
    size: int
    page: bool
    found: list
    unexported: list
    language: str | None


class Manifest:
    """What an export rendered, file by file (Entry), under the stamp of the code and day that
    rendered it; kept gzipped in the copy (MANIFEST). The folder index's rows of the pages are
    not repeated in it: they are read back from the copy's index files."""

    def __init__(self, stamp):
        self.stamp = stamp
        self.entries = {}
        self.rows = {}  # {file: (file, title, text)} of the folder indexes read back

    def add(self, local, entry):
        self.entries[local] = entry

    def write(self, root):
        links, ids = [], {}

        def number(link):
            if link not in ids:
                ids[link] = len(links)
                links.append([link[0], [list(pair) for pair in link[1]]])
            return ids[link]

        entries = {
            local: [e.version, e.size, e.page, [number(link) for link in e.found], e.unexported,
                    e.language]
            for local, e in self.entries.items()
        }  # fmt: skip
        data = {"format": MANIFEST_FORMAT, "stamp": self.stamp, "links": links, "files": entries}
        packed = gzip.compress(json.dumps(data, separators=(",", ":")).encode(), mtime=0)
        target = Path(root) / MANIFEST
        temporary = target.with_name(f"{target.name}.tmp")
        temporary.write_bytes(packed)
        os.replace(temporary, target)

    @classmethod
    def read(cls, root, stamp):
        """The manifest an earlier export left in the folder `root`, if that export was made
        under `stamp`; otherwise (none, another stamp, a damaged file) an empty one, so that
        every page is rendered."""
        manifest = cls(stamp)
        try:
            data = json.loads(gzip.decompress((Path(root) / MANIFEST).read_bytes()))
            if data["format"] != MANIFEST_FORMAT or data["stamp"] != stamp:
                return manifest
            links = [(path, tuple(tuple(pair) for pair in query)) for path, query in data["links"]]
            for local, (version, size, page, found, unexported, language) in data["files"].items():
                manifest.entries[local] = Entry(
                    version, size, page, [links[n] for n in found], unexported, language
                )
            for language in {e.language for e in manifest.entries.values()} - {None}:
                index_file = Path(root) / FOLDER_INDEX.format(language=language)
                for row in read_folder_index(index_file.read_bytes()):
                    manifest.rows[row[0]] = tuple(row)
        except (OSError, EOFError, zlib.error, ValueError, KeyError, TypeError, IndexError):
            return cls(stamp)
        return manifest


# The renderer of a worker process (--jobs), made once the process has started.
_worker_renderer = None


def _start_worker():
    global _worker_renderer
    _worker_renderer = Renderer()
    queries.remember_programmes()  # for this process's life: it renders for the export only


def _render_in_worker(path, query, local):
    with translation.override(settings.LANGUAGE_CODE):
        return _worker_renderer.render(path, query, local)


def default_jobs():
    """The processes an export renders in by default: one per core."""
    return os.cpu_count() or 1


class Exporter:
    """Crawls the site from its seeds, rendering in this process or, for `jobs` above 1, in as
    many worker processes, each with its own database connection. Addresses are queued in the
    order the pages name them and their results taken in that order whichever process rendered
    them, so the copy, its indexes and the summary are the same for any number of jobs."""

    def __init__(self, folder, progress=None, jobs=1, previous=None, stamp=None):
        self.folder = folder
        self.summary = folder.summary
        self.progress = progress or (lambda done, total: None)
        self.jobs = jobs
        self.pool = None
        self.renderer = None
        self.queued = set()
        self.queue = deque()
        # The content pages of each language for the folder index: {language: [(file, title,
        # text)]}, in the order exported.
        self.indexed = {}
        # What the earlier export rendered, and what this one renders or keeps, for the next.
        self.previous = previous or Manifest(stamp)
        self.manifest = Manifest(stamp)
        self.version = None  # the version of what an address shows, read as the export starts
        self.versions = {}  # {file: version} of the addresses queued
        self.static_prefix = static_prefix()

    def add(self, path, query):
        """Queue an address (its rendering starts at once in a worker), or the file the earlier
        export left for it when what it shows has not changed since."""
        key = (path, query)
        if key in self.queued:
            return
        local = file_for(path, query)
        if local is None:
            return
        self.queued.add(key)
        if not path.startswith(self.static_prefix):  # static files are read: no version
            self.versions[local] = self.version(path)
            unchanged = self.unchanged(path, query, local)
            if unchanged is not None:
                self.queue.append(unchanged)
                return
        if self.pool is not None:
            self.queue.append(self.pool.submit(_render_in_worker, path, query, local))
        else:
            self.queue.append((path, query, local))

    def unchanged(self, path, query, local):
        """The earlier export's file for the address, as a Rendered that is not rendered, when
        it showed the same version and is still there, whole; otherwise None."""
        entry = self.previous.entries.get(local)
        if entry is None or entry.version != self.versions[local]:
            return None
        if self.folder.size(local) != entry.size:
            return None
        indexed = None
        if entry.language is not None:
            row = self.previous.rows.get(local)
            if row is None:
                return None
            indexed = (entry.language, row)
        address = address_of(path, query)
        return Rendered(
            address,
            local,
            page=entry.page,
            found=entry.found,
            unexported=[(target, address) for target in entry.unexported],
            indexed=indexed,
            unchanged_size=entry.size,
        )

    def run(self):
        addresses = seeds() + static_seeds()
        # Read before any page is rendered (and before worker processes fork): a page edited
        # during the export is rendered again by the next one.
        self.version = generations.every_version()
        if self.jobs > 1 and not connection.in_atomic_block:
            # Each worker opens its own connection; none may share this one's socket. Inside
            # a transaction (a test's), workers could not see its rows: one process renders.
            connections.close_all()
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(self.jobs, context, initializer=_start_worker) as pool:
                self.pool = pool
                self.summary.processes = self.jobs
                try:
                    self.crawl(addresses)
                except BaseException:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
                finally:
                    self.pool = None
        else:
            self.renderer = Renderer()
            with queries.remembering_programmes():
                self.crawl(addresses)

    def crawl(self, addresses):
        for address in addresses:
            self.add(unquote(address), ())
        done = 0
        while self.queue:
            head = self.queue.popleft()
            if isinstance(head, Rendered):
                result = head
            elif self.pool is not None:
                result = head.result()
            else:
                result = self.renderer.render(*head)
            self.take(result)
            done += 1
            self.progress(done, done + len(self.queue))

    def take(self, result):
        """Put a rendered address into the folder and queue what it links to."""
        for path, query in result.found:
            self.add(path, query)
        for target, address in result.unexported:
            self.summary.unexported.setdefault(target, []).append(address)
        if result.unchanged_size is not None:
            size = result.unchanged_size
            self.folder.keep(result.local, size)
            self.summary.unchanged += result.page
        elif result.data is None:
            self.summary.failed[result.address] = result.status
            return
        else:
            size = self.folder.put(result.local, result.data)
        if result.indexed is not None:
            language, row = result.indexed
            self.indexed.setdefault(language, []).append(row)
        if result.page:
            self.summary.pages += 1
        version = self.versions.get(result.local)
        if version is not None:
            self.manifest.add(
                result.local,
                Entry(
                    version,
                    size,
                    result.page,
                    list(dict.fromkeys(result.found)),
                    list(dict.fromkeys(target for target, _address in result.unexported)),
                    result.indexed[0] if result.indexed is not None else None,
                ),
            )


class PageText(HTMLParser):
    """The title (the first heading) and the words of a page's main content, for the folder
    index; scripts and styles left out."""

    SKIPPED = frozenset({"script", "style", "template"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <main> when positive
        self.skipping = 0
        self.in_title = False
        self.title = []
        self.words = []

    @classmethod
    def of(cls, page):
        parser = cls()
        parser.feed(page)
        parser.close()
        title = " ".join("".join(parser.title).split())
        text = " ".join("".join(parser.words).split())
        return title, text[:FOLDER_INDEX_TEXT_CHARS]

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        elif tag in self.SKIPPED:
            self.skipping += 1
        elif tag == "h1" and self.depth and not self.title:
            self.in_title = True
        if self.depth:
            self.words.append(" ")

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1
        elif tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "h1":
            self.in_title = False
        if self.depth:
            self.words.append(" ")

    def handle_data(self, data):
        if self.depth > 0 and not self.skipping:
            self.words.append(data)
            if self.in_title:
                self.title.append(data)


FOLDER_INDEX_START = "window.staticCopyPages = "
FOLDER_INDEX_END = ";\n"


def folder_index(pages):
    """The script file that gives static_search.js a language's pages: [file, title, text]."""
    rows = json.dumps([list(page) for page in pages], ensure_ascii=False, separators=(",", ":"))
    return f"{FOLDER_INDEX_START}{rows}{FOLDER_INDEX_END}".encode()


def read_folder_index(data):
    """The rows of a folder index file (folder_index's bytes); ValueError for other bytes."""
    text = data.decode()
    if not (text.startswith(FOLDER_INDEX_START) and text.endswith(FOLDER_INDEX_END)):
        raise ValueError("not a folder index")
    return json.loads(text[len(FOLDER_INDEX_START) : -len(FOLDER_INDEX_END)])


def filters_note():
    return format_note(
        _("This copy of the site cannot filter: it lists everything, page by page."), "filters"
    )


def agenda_note():
    return format_note(
        _("This copy of the site cannot make agendas: the site itself makes them."), "agenda"
    )


def format_note(text, kind):
    return f'<p class="note static-{kind}">{html.escape(text)}</p>'


def search_box(local):
    """The copy's search: Pagefind's box when served from a host; opened from a folder, a form
    that static_search.js runs over the folder index; without JavaScript, a note linking to the
    lists."""
    root = "../" * local.count("/")
    index = FOLDER_INDEX.format(language=translation.get_language())
    lists = [
        ("meetings:meeting_list", _("Meetings")),
        ("meetings:action_plan_list", _("Action plans")),
        ("meetings:news_list", _("News")),
        ("meetings:document_list", _("Documents")),
    ]
    links = ", ".join(
        f'<a href="{html.escape(reverse(name))}">{label}</a>' for name, label in lists
    )
    note = html.escape(_("Searching this copy needs JavaScript. Every page is in the lists:"))
    found = html.escape(_("Pages found: {count}"))
    none = html.escape(_("No page of this copy holds all these words."))
    return (
        f'<div id="static-search" data-root="{root}" data-index="{index}"></div>\n'
        '<form id="folder-search" class="filters search" role="search" hidden>\n'
        f'<label for="folder-search-words">{html.escape(_("Words to find"))}</label>\n'
        '<input type="search" id="folder-search-words" name="q">\n'
        f'<button type="submit">{html.escape(_("Search"))}</button>\n'
        "</form>\n"
        f'<p id="folder-search-status" role="status" data-found="{found}" data-none="{none}">'
        "</p>\n"
        '<ol id="folder-search-results" class="folder-search-results"></ol>\n'
        f'<p id="static-search-note" class="note">{note} {links}.</p>'
    )


def pagefind_executable():
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise ExportError(
            "Pagefind is not installed (the pagefind-bin package): ./dev installs it."
        ) from None
    return str(get_executable())


def index(folder, indexed):
    """Pagefind's index of the copy's content pages, `indexed` {language: [(file, ...)]}, put
    into the copy's pagefind/ folder like any other file. Pagefind keeps every page it indexes
    in memory until it writes (about 100 KB a page), so each language is indexed by a run of its
    own, from a folder of links to that language's pages only: a third of the memory of one run
    over the copy. The runs' bundles are one: their files are named by their content, and the
    entry files' languages are merged."""
    entry, put = None, set()
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=folder.root) as work:
        for language, pages in indexed.items():
            if not pages:
                continue
            site, bundle = Path(work) / language, Path(work) / f"{language}-bundle"
            for row in pages:
                _link(folder.root / row[0], site / row[0])
            result = subprocess.run(
                [
                    pagefind_executable(),
                    "--site",
                    str(site),
                    "--output-path",
                    str(bundle),
                    "--keep-index-url",
                    "--silent",
                ],
                capture_output=True,
                text=True,
            )
            if result.returncode:
                raise ExportError(f"Pagefind could not index the copy: {result.stderr[-2000:]}")
            shutil.rmtree(site)
            ran = json.loads((bundle / PAGEFIND_ENTRY).read_bytes())
            if entry is None:
                entry = ran
            else:
                entry["languages"].update(ran["languages"])
            for path in sorted(bundle.rglob("*")):
                relative = path.relative_to(bundle).as_posix()
                if path.is_file() and relative != PAGEFIND_ENTRY and relative not in put:
                    put.add(relative)  # the scripts every run writes: once
                    folder.put(f"{PAGEFIND_FOLDER}/{relative}", path.read_bytes())
            shutil.rmtree(bundle)
    if entry is not None:
        data = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
        folder.put(f"{PAGEFIND_FOLDER}/{PAGEFIND_ENTRY}", data)


def _link(source, target):
    """`target` made the file `source`: a hard link where the file system allows, or a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def export(out, progress=None, jobs=1, full=False):
    """Export the site into the folder `out` (made, or brought up to date), rendering in `jobs`
    processes the pages that changed since the export there (every page with `full`). Returns a
    Summary."""
    check_folder(out)
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    folder = Folder(root, summary)
    # Written first: should the export stop half way, the folder is still known as one.
    if not (root / MARKER).is_file():
        (root / MARKER).write_text("A static copy of the site: manage.py export_static.\n")
    stamp = code_stamp()
    previous = Manifest(stamp) if full else Manifest.read(root, stamp)
    # Written again at the end: an export stopped half way leaves none, and the next one renders
    # every page rather than trust files this one may have rewritten.
    (root / MANIFEST).unlink(missing_ok=True)
    with translation.override(settings.LANGUAGE_CODE):
        exporter = Exporter(folder, progress, jobs, previous, stamp)
        exporter.run()
        folder.put(SEARCH_SCRIPT, (Path(__file__).parent / "static_search.js").read_bytes())
        for code, _name in settings.LANGUAGES:
            pages = exporter.indexed.get(code, [])
            folder.put(FOLDER_INDEX.format(language=code), folder_index(pages))
    # Pagefind reads the pages from the folder: pages an earlier export left must go first.
    folder.prune(keep=f"{PAGEFIND_FOLDER}/")
    index(folder, {code: exporter.indexed.get(code, []) for code, _name in settings.LANGUAGES})
    folder.prune()
    exporter.manifest.write(root)
    return summary


def export_zip(path, progress=None, jobs=1):
    """Export the site into one zip file at `path` (replaced when it exists)."""
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"{path} is a folder: --zip writes a file.")
    if not path.parent.is_dir():
        raise ExportError(f"No folder {path.parent} to write {path.name} into.")
    with tempfile.TemporaryDirectory(prefix="static-export-", dir=path.parent) as work:
        summary = export(Path(work) / "site", progress, jobs)
        partial = Path(work) / "site.zip"
        site = Path(work) / "site"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(site.rglob("*")):
                if file.is_file() and file.name not in (MARKER, MANIFEST):
                    info = zipfile.ZipInfo(file.relative_to(site).as_posix())
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, file.read_bytes())
        shutil.move(partial, path)
    return summary

"""sitemap.xml: an index of one sitemap per kind of page, each in pages of PER_PAGE addresses,
so that no response grows with the archive; every public page, drafts left out. Sessions, the
most numerous, come in a page per meeting, each listed in the index with the day its meeting
last changed: a crawler reads again only the meetings that changed (in pages of 1,000 by id, a
publication anywhere dated every page alike), and a page weighs what a meeting holds, whatever
the archive's size.

Both are written here, with addresses at SITE_URL (Django's views take the host from the
request). Each page is listed in every language, each address naming the others (xhtml:link
hreflang alternates, as search engines read them), with the day it last changed where that is
known: a programme's, its sessions' and its meeting's is the day of its latest published
revision; a news post's, the day it was posted. A section's page is one query for the
addresses' parts and one string, where Django's view builds a model instance, reverses an
address and loops a template for each of its 1,000 addresses (bench/pages_bench.py measures it)."""

import datetime
import math
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import x_robots_tag
from django.db.models import Exists, Max, OuterRef
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation

from meetings.addresses import absolute, path_template
from meetings.caching import generations
from meetings.models import Action, ActionPlan, Meeting, NewsPost, Programme, Session, WorkPlan

PER_PAGE = 1000
# The language of the addresses without a prefix, for hreflang="x-default".
DEFAULT = settings.LANGUAGE_CODE
# An index lists at most 50,000 sitemaps (the sitemap protocol): a page number above that is
# past the end, and read as an offset it would overflow the database's 64-bit integer.
MAX_PAGES = 50_000
# A sitemap holds at most 50,000 addresses (the protocol): a meeting's page lists at most this
# many sessions, in each of three languages. The largest meetings hold a few hundred.
MOST_SESSIONS_A_MEETING = 16_000


def in_every_language(make):
    """{language code: make()} with each of the site's languages active in turn."""
    made = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            made[code] = make()
    return made


class PagedSitemap(Sitemap):
    """A section: `items()` gives, for each address, the arguments of `url_name` (a tuple),
    followed by the date it last changed where `dated` is set."""

    limit = PER_PAGE
    url_name = None
    dated = False

    def rows(self):
        """What `items()` reads its addresses from. A section that reads dates beside them
        gives its rows without the dates, so that the index counts them bare: counted with
        the dates, the archive's 20,000 sessions were grouped with their programmes'
        revisions, 64 ms of the index's 70 (bench/pages_bench.py)."""
        return self.items()

    def count(self):
        """How many addresses the section has, for the index's pages."""
        return self.rows().count()

    def index_entries(self, url):
        """The index's entries for this section at `url` (escaped): (address, its <lastmod> or
        ""), its first page, then ?p=2, ..."""
        lastmod = _index_lastmod(self.get_latest_lastmod())
        pages = max(1, math.ceil(self.count() / self.limit))
        return [(_page_url(url, page), lastmod) for page in range(1, pages + 1)]

    def page_rows(self, page):
        """The rows of page `page` (from 1), read without counting them all first (the index,
        which needs the number of pages, counts)."""
        start = (page - 1) * self.limit
        return list(self.items()[start : start + self.limit])

    def paths(self, rows):
        """({language: path}, last changed or None) for each row."""
        if not rows:
            return []
        arguments = len(rows[0]) - self.dated
        templates = in_every_language(lambda: path_template(self.url_name, arguments))
        return [
            (
                {code: template.format(*row[:arguments]) for code, template in templates.items()},
                row[-1] if self.dated else None,
            )
            for row in rows
        ]


def _latest_revision(path):
    """The newest publishing time of the revisions at `path` (a lookup path to a programme's
    working copy's revisions)."""
    return Max(f"{path}revisions__published_at")


class PagesSitemap(PagedSitemap):
    def items(self):
        return [
            "meetings:home",
            "meetings:meeting_list",
            "meetings:action_plan_list",
            "meetings:coordination",
            "meetings:news_list",
            "meetings:document_list",
        ]

    def count(self):
        return len(self.items())

    def paths(self, names):
        return [(in_every_language(lambda name=name: reverse(name)), None) for name in names]


class MeetingsSitemap(PagedSitemap):
    url_name = "meetings:meeting_detail"
    dated = True

    def rows(self):
        return Meeting.objects.public().order_by("pk")

    def items(self):
        return self.rows().values_list("slug", _latest_revision("programmes__"))


class ProgrammesSitemap(PagedSitemap):
    url_name = "meetings:programme_detail"
    dated = True

    def rows(self):
        return Programme.objects.public().order_by("pk")

    def items(self):
        # A public programme is a published copy; its revisions are its working copy's.
        return self.rows().values_list("meeting__slug", "slug", _latest_revision("working__"))


class SessionsSitemap(PagedSitemap):
    """A page per meeting that has public sessions, in the order of the meetings' ids."""

    url_name = "meetings:session_detail"
    dated = True

    def rows(self):
        return Session.objects.public().order_by("pk")

    def items(self):
        return self.rows().values_list(
            "programme__meeting__slug",
            "programme__slug",
            "slug",
            _latest_revision("programme__working__"),
        )

    @staticmethod
    def meetings():
        """The public meetings with a public session, one a page."""
        public_sessions = Session.objects.public().filter(programme__meeting=OuterRef("pk"))
        return Meeting.objects.public().filter(Exists(public_sessions)).order_by("pk")

    def dated_meetings(self):
        """[(id, its index entry's <lastmod>, from its newest revision)] of meetings(): one
        query over the meetings, kept until the content changes (caching.generations.kept),
        for the index and the pages."""
        return generations.kept("sitemap: meetings with sessions", self._read_dated_meetings)

    def _read_dated_meetings(self):
        rows = self.meetings().values_list("pk", _latest_revision("programmes__"))
        return [(pk, _index_lastmod(latest)) for pk, latest in rows]

    def index_entries(self, url):
        """A page per meeting, dated by its newest revision (the first page listed even when
        there is none, as every section's is)."""
        return [
            (_page_url(url, page), lastmod)
            for page, (_pk, lastmod) in enumerate(self.dated_meetings(), 1)
        ] or [(url, "")]

    def page_rows(self, page):
        """The sessions of the page's meeting (one query; none past the last meeting)."""
        dated = self.dated_meetings()
        if page > len(dated):
            return []
        meeting_id = dated[page - 1][0]
        sessions = self.items().filter(programme__meeting_id=meeting_id)
        return list(sessions[:MOST_SESSIONS_A_MEETING])


class PlansSitemap(PagedSitemap):
    url_name = "meetings:action_plan_detail"

    def items(self):
        return ActionPlan.objects.order_by("pk").values_list("slug")


class ActionsSitemap(PagedSitemap):
    url_name = "meetings:action_detail"

    def items(self):
        return Action.objects.order_by("pk").values_list("plan__slug", "number")


class WorkPlansSitemap(PagedSitemap):
    url_name = "meetings:work_plan_detail"

    def items(self):
        return WorkPlan.objects.public().order_by("pk").values_list("slug")


class NewsSitemap(PagedSitemap):
    url_name = "meetings:news_detail"
    dated = True

    def items(self):
        return NewsPost.objects.public().order_by("pk").values_list("slug", "posted_on")

    def get_latest_lastmod(self):
        """For the index: one aggregate, where Django's default reads every post."""
        return NewsPost.objects.public().aggregate(latest=Max("posted_on"))["latest"]


SITEMAPS = {
    "pages": PagesSitemap,
    "meetings": MeetingsSitemap,
    "programmes": ProgrammesSitemap,
    "sessions": SessionsSitemap,
    "plans": PlansSitemap,
    "actions": ActionsSitemap,
    "work-plans": WorkPlansSitemap,
    "news": NewsSitemap,
}


@x_robots_tag
def index(request):
    """sitemap.xml: the address of each section, and of each further page of a long one."""
    entries = []
    for name, sitemap_class in SITEMAPS.items():
        url = escape(absolute(reverse("sitemap_section", kwargs={"section": name})))
        entries += sitemap_class().index_entries(url)
    # One string, as a section's page is: Django's template took 40 µs an entry, and the
    # sessions' pages are one a meeting (200 on the archive).
    return HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(f"<sitemap><loc>{url}</loc>{lastmod}</sitemap>" for url, lastmod in entries)
        + "\n</sitemapindex>\n",
        content_type="application/xml",
    )


def _page_url(url, page):
    """The address of page `page` of the section at `url`: the first without ?p=."""
    return url if page == 1 else f"{url}?p={page}"


def _index_lastmod(value):
    """An index entry's <lastmod> in W3C Datetime ("" for none): a day, or a moment to the
    second in UTC."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = value.astimezone(datetime.UTC).replace(microsecond=0)
    return f"<lastmod>{value.isoformat()}</lastmod>"


@x_robots_tag
def section(request, section):
    """One page (?p=N) of one section of the index, in the sitemap protocol's XML."""
    if section not in SITEMAPS:
        raise Http404(f"No sitemap named {section!r}.")
    sitemap = SITEMAPS[section]()
    # A page past the end is empty, so 404.
    number = request.GET.get("p", "1")
    digits = number.isascii() and number.isdecimal() and len(number) <= len(str(MAX_PAGES))
    page = int(number) if digits else 0
    if not 1 <= page <= MAX_PAGES:
        raise Http404(f"No page {number[:20]!r}.")
    rows = sitemap.page_rows(page)
    if not rows and page != 1:
        raise Http404(f"Page {page} is past the end.")
    entries = []
    for paths, changed in sitemap.paths(rows):
        addresses = {code: escape(absolute(path)) for code, path in paths.items()}
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{code}" href="{address}"/>'
            for code, address in [*addresses.items(), ("x-default", addresses[DEFAULT])]
        )
        lastmod = f"<lastmod>{changed:%Y-%m-%d}</lastmod>" if changed else ""
        entries += [
            f"<url><loc>{address}</loc>{lastmod}{alternates}</url>"
            for address in addresses.values()
        ]
    return HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(entries) + "\n</urlset>\n",
        content_type="application/xml",
    )

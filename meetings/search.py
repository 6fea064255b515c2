"""Site search: ranked full-text search on PostgreSQL, a plain word match on SQLite.

Each kind of result (meetings, programmes, sessions, questions, actions, work plans, news,
documents) is searched in its own table, through the same public filters as its pages, so a draft
and everything inside one is never found. There is no separate index to keep in step: on
PostgreSQL each searchable table has a stored, generated `search_vector` column with a GIN index
(migration 0007), which PostgreSQL itself keeps up to date; sessions are searched by
`found_by`, which adds the words of their questions and actions, kept by triggers (migration
0012, meetings/db_triggers.py).

- PostgreSQL: `websearch_to_tsquery` (quotes, `or` and `-word` mean what they mean in a web
  search engine, and no input is a syntax error), English stemming, titles weighted above body
  text, ranked by `ts_rank`, the matched words marked by `ts_headline`.
- SQLite: every word of the query must occur (case-insensitively) in one of the kind's fields;
  a word in the title counts more. The matched words are marked in Python.

A query is cleaned before it reaches either: control and bidi-override characters are removed,
it is cut at MAX_QUERY_CHARS, and one without a single letter or digit is not run at all.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import add, and_, or_

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, TextField, Value, When
from django.db.models.expressions import Col
from django.db.models.functions import Concat
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import (
    Action,
    Convention,
    DiscussionQuestion,
    Document,
    Meeting,
    NewsPost,
    Programme,
    Session,
    Status,
    WorkPlan,
)

MAX_QUERY_CHARS = 200
MAX_TERMS = 10
PER_KIND = 3  # results shown for each kind when all kinds are listed
PER_PAGE = 20  # results on a page of one kind
CONFIG = "english"
SNIPPET_CHARS = 220
START, STOP = "\x02", "\x03"  # ts_headline's marks; never in cleaned text
PUBLISHED = Status.PUBLISHED
# Words too common to search for on SQLite (PostgreSQL's English configuration has its own list).
STOP_WORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
     "it", "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "were", "what",
     "which", "who", "will", "with"]
)  # fmt: skip


# -- the kinds --------------------------------------------------------------------------------


def _meeting_year(prefix=""):
    return lambda year: Q(**{f"{prefix}start_date__year": year})


def _years_cover(prefix=""):
    """Plans and work plans run over years: found for any year they cover."""
    return lambda year: (
        Q(**{f"{prefix}start_year__lte": year})
        & (Q(**{f"{prefix}end_year__gte": year}) | Q(**{f"{prefix}end_year__isnull": True}))
    )


def _convention(prefix=""):
    return lambda short_name: Q(**{f"{prefix}convention__short_name": short_name})


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    model: type
    title_fields: tuple  # weighted A
    body_fields: tuple  # weighted B
    shown_title: str  # the field shown (and marked) as the result's title
    public: Callable  # () -> the published rows, with what `context` needs
    convention: Callable  # short name -> Q
    year: Callable  # year -> Q
    context: Callable  # row -> a line saying where the result belongs
    # The stored vector the search matches and ranks on (PostgreSQL): the kind's own words, or
    # for sessions `found_by`, which adds their questions' and actions' (migration 0012).
    searched_column: str = "search_vector"

    @property
    def fields(self):
        return self.title_fields + self.body_fields

    def stored_vector(self, name="search_vector"):
        """A stored vector column of the table (PostgreSQL only; not a model field)."""
        column = SearchVectorField()
        column.set_attributes_from_name(name)
        column.model = self.model
        return Col(self.model._meta.db_table, column)

    def searched_vector(self):
        return self.stored_vector(self.searched_column)

    def vector(self):
        """The search vector as an expression: what migration 0007 stores in `search_vector`."""
        parts = []
        if self.title_fields:
            parts.append(SearchVector(*self.title_fields, weight="A", config=CONFIG))
        if self.body_fields:
            parts.append(SearchVector(*self.body_fields, weight="B", config=CONFIG))
        return reduce(add, parts)


def _meeting_line(meeting):
    return f"{meeting.title}, {meeting.convention.short_name}"


def _document_line(document):
    meeting = document.meeting or (document.programme.meeting if document.programme else None)
    parts = [document.symbol, document.get_language_display()]
    if meeting is not None and meeting.status == PUBLISHED:
        parts.append(meeting.title)
    return " · ".join(part for part in parts if part)


KINDS = [
    Kind(
        key="meetings",
        label=_("Meetings"),
        model=Meeting,
        title_fields=("title",),
        body_fields=("summary",),
        shown_title="title",
        public=lambda: Meeting.objects.published().select_related("convention"),
        convention=_convention(),
        year=_meeting_year(),
        context=lambda m: f"{m.get_kind_display()}, {m.convention.short_name}",
    ),
    Kind(
        key="programmes",
        label=_("Programmes"),
        model=Programme,
        title_fields=("title",),
        body_fields=("background", "focus"),
        shown_title="title",
        public=lambda: Programme.objects.filter(
            status=PUBLISHED, meeting__status=PUBLISHED
        ).select_related("meeting__convention"),
        convention=_convention("meeting__"),
        year=_meeting_year("meeting__"),
        context=lambda p: _meeting_line(p.meeting),
    ),
    Kind(
        key="sessions",
        label=_("Sessions"),
        model=Session,
        title_fields=("title",),
        body_fields=("purpose", "questions_intro"),
        shown_title="title",
        public=lambda: Session.objects.filter(
            programme__status=PUBLISHED, programme__meeting__status=PUBLISHED
        ).select_related("programme__meeting__convention"),
        convention=_convention("programme__meeting__"),
        year=_meeting_year("programme__meeting__"),
        context=lambda s: f"{s.programme.title}, {_meeting_line(s.programme.meeting)}",
        searched_column="found_by",
    ),
    Kind(
        key="questions",
        label=_("Discussion questions"),
        model=DiscussionQuestion,
        title_fields=(),
        body_fields=("text",),
        shown_title="session__title",
        public=lambda: DiscussionQuestion.objects.filter(
            session__programme__status=PUBLISHED, session__programme__meeting__status=PUBLISHED
        ).select_related("session__programme__meeting__convention"),
        convention=_convention("session__programme__meeting__"),
        year=_meeting_year("session__programme__meeting__"),
        context=lambda q: (
            gettext("A question for %(audience)s, %(meeting)s")
            % {
                "audience": q.get_audience_display().lower(),
                "meeting": _meeting_line(q.session.programme.meeting),
            }
        ),
    ),
    Kind(
        key="actions",
        label=_("Actions"),
        model=Action,
        title_fields=("title",),
        body_fields=("text",),
        shown_title="title",
        public=lambda: Action.objects.select_related("plan__convention"),
        convention=_convention("plan__"),
        year=_years_cover("plan__"),
        context=lambda a: f"{a.plan.short_name} #{a.number}, {a.plan}",
    ),
    Kind(
        key="work-plans",
        label=_("Work plans"),
        model=WorkPlan,
        title_fields=("title", "subtitle"),
        body_fields=(
            "background",
            "objectives",
            "activities",
            "expected_outputs",
            "budget_and_partners",
        ),
        shown_title="title",
        public=lambda: WorkPlan.objects.published().select_related("convention"),
        convention=_convention(),
        year=_years_cover(),
        context=lambda w: ", ".join(filter(None, [w.group, w.convention.short_name])),
    ),
    Kind(
        key="news",
        label=_("News"),
        model=NewsPost,
        title_fields=("title",),
        body_fields=("body",),
        shown_title="title",
        public=lambda: NewsPost.objects.published(),
        convention=_convention("meeting__"),
        year=lambda year: Q(posted_on__year=year),
        context=lambda n: date_format(n.posted_on, gettext("j F Y")),
    ),
    Kind(
        key="documents",
        label=_("Documents"),
        model=Document,
        title_fields=("title", "symbol"),
        body_fields=(),
        shown_title="title",
        public=lambda: (
            Document.objects.exclude(meeting__status=Status.DRAFT)
            .exclude(programme__status=Status.DRAFT)
            .exclude(programme__meeting__status=Status.DRAFT)
            .select_related("meeting", "programme__meeting")
        ),
        convention=lambda name: (
            _convention("meeting__")(name) | _convention("programme__meeting__")(name)
        ),
        year=lambda year: (
            _meeting_year("meeting__")(year) | _meeting_year("programme__meeting__")(year)
        ),
        context=_document_line,
    ),
]
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


# -- the query ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    text: str  # what is searched for, cleaned
    truncated: bool  # the raw query was longer than MAX_QUERY_CHARS

    @property
    def terms(self):
        """The words that count, lower-cased and each once, as the SQLite search and its
        highlighting use them: common English words are left out, as PostgreSQL does."""
        seen = []
        for word in re.findall(r"\w+", self.text.lower()):
            if word not in seen and word not in STOP_WORDS and (len(word) > 1 or word.isdigit()):
                seen.append(word)
        return seen[:MAX_TERMS]

    def __bool__(self):
        """False for a query without a single letter or digit: it is not run at all."""
        return bool(re.search(r"\w", self.text))


def clean_query(raw):
    """The query as searched: no control, format or bidi characters, spaces collapsed, cut."""
    kept = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in raw
    )
    text = " ".join(kept.split())
    truncated = len(text) > MAX_QUERY_CHARS
    return Query(text=text[:MAX_QUERY_CHARS].strip(), truncated=truncated)


def _is_postgresql():
    return connection.vendor == "postgresql"


# -- marking the matched words -------------------------------------------------------------------


def _plain(text):
    """Markdown source as readable text: link targets, emphasis and heading marks removed."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(^|\s)[#>]+\s*", r"\1", text)
    text = re.sub(r"[*_`]{1,3}", "", text)
    return " ".join(text.split())


def _marked(text):
    """Escape text that carries ts_headline's START/STOP marks, and turn the marks into <mark>."""
    text = escape(_plain(text))
    text = re.sub(f"{START}([^{START}{STOP}]*){STOP}", r"<mark>\1</mark>", text)
    return mark_safe(text.replace(START, "").replace(STOP, ""))


def _term_pattern(terms):
    alternatives = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    return re.compile(f"({alternatives})", re.IGNORECASE)


def mark_terms(text, terms, limit=None):
    """Text with each occurrence of a term marked; cut to about `limit` characters around the
    first one when a limit is given (the SQLite search's snippets)."""
    text = _plain(text)
    pattern = _term_pattern(terms) if terms else None
    if limit and len(text) > limit:
        first = pattern.search(text) if pattern else None
        start = max(0, (first.start() if first else 0) - limit // 3)
        start = text.rfind(" ", 0, start) + 1 if start else 0
        end = text.find(" ", start + limit)
        end = len(text) if end == -1 else end
        text = ("… " if start else "") + text[start:end] + (" …" if end < len(text) else "")
    if pattern is None:
        return escape(text)
    pieces = pattern.split(text)  # odd pieces are the matches
    return mark_safe(
        "".join(
            f"<mark>{escape(piece)}</mark>" if index % 2 else escape(piece)
            for index, piece in enumerate(pieces)
        )
    )


# -- searching -------------------------------------------------------------------------------


@dataclass
class Hit:
    title: str  # safe HTML, the matched words marked
    url: str
    context: str
    snippet: str  # safe HTML


def _joined(names):
    """The fields as one text, for ts_headline to pick its fragments from."""
    if not names:
        return Value("")
    if len(names) == 1:
        return F(names[0])
    parts = [F(names[0])]
    for name in names[1:]:
        parts += [Value(" "), F(name)]
    return Concat(*parts, output_field=TextField())


def _condition(kind, query):
    """The annotations and the condition that pick `kind`'s rows matching `query`."""
    if _is_postgresql():
        ts_query = SearchQuery(query.text, search_type="websearch", config=CONFIG)
        return {"search": kind.searched_vector()}, Q(search=ts_query)
    if not query.terms:
        return {}, Q(pk__in=[])
    return {}, reduce(
        and_,
        (
            reduce(or_, (Q(**{f"{name}__icontains": term}) for name in kind.fields))
            for term in query.terms
        ),
    )


def _matching(kind, query):
    """Every row of `kind` matching `query`, published or not: for subqueries."""
    annotations, condition = _condition(kind, query)
    return kind.model.objects.alias(**annotations).filter(condition)


def _session_condition(query):
    """A session is found by its own words and by those of its questions and of the actions it
    serves. On PostgreSQL one stored vector holds them all (`found_by`); on SQLite, three
    subqueries."""
    if _is_postgresql():
        return _condition(KINDS_BY_KEY["sessions"], query)
    served = Session.actions.through.objects.filter(
        action__in=_matching(KINDS_BY_KEY["actions"], query).values("pk")
    )
    return {}, (
        Q(pk__in=_matching(KINDS_BY_KEY["sessions"], query).values("pk"))
        | Q(pk__in=_matching(KINDS_BY_KEY["questions"], query).values("session_id"))
        | Q(pk__in=served.values("session_id"))
    )


def _rank(kind, query):
    """How well a row of `kind` matches `query`: ts_rank on PostgreSQL; on SQLite, 3 for each
    term in a title field and 1 for each in a body field."""
    if _is_postgresql():
        ts_query = SearchQuery(query.text, search_type="websearch", config=CONFIG)
        return SearchRank(kind.searched_vector(), ts_query)
    return reduce(
        add,
        (
            Case(
                When(Q(**{f"{name}__icontains": term}), then=Value(weight)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for term in query.terms
            for name, weight in [(n, 3) for n in kind.title_fields]
            + [(n, 1) for n in kind.body_fields]
        ),
        Value(0),
    )


def _matches(kind, query):
    """The public rows of `kind` matching `query`, best first."""
    if kind.key == "sessions":
        annotations, condition = _session_condition(query)
    else:
        annotations, condition = _condition(kind, query)
    rows = kind.public().alias(**annotations).filter(condition)
    return rows.alias(rank=_rank(kind, query)).order_by("-rank", "pk")


def _marked_rows(kind, query, rows):
    """`rows` with what `_hit` shows: on PostgreSQL, the title and a snippet marked by
    ts_headline. Only for the rows shown: ts_headline reads the whole text."""
    if not _is_postgresql():
        return rows
    ts_query = SearchQuery(query.text, search_type="websearch", config=CONFIG)
    marks = {"start_sel": START, "stop_sel": STOP, "config": CONFIG}
    return rows.annotate(
        marked_title=SearchHeadline(kind.shown_title, ts_query, highlight_all=True, **marks),
        marked_body=SearchHeadline(
            _joined(kind.body_fields),
            ts_query,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
            **marks,
        ),
    )


def _best(kind, query, rows, how_many):
    """The best `how_many` of `rows`, marked, in one query: the ranking reads bare ids (a
    word found in most of an archive of 20,000 sessions matches 15,000 of them; ranking those
    with every column of the session, its programme and meeting cost twice the time), the
    outer query reads the few rows shown, whole, and marks them."""
    best = rows.values("pk")[:how_many]
    shown = kind.public().filter(pk__in=best).annotate(rank=_rank(kind, query))
    return _marked_rows(kind, query, shown.order_by("-rank", "pk"))


def _attribute(row, path):
    for name in path.split("__"):
        row = getattr(row, name)
    return row


def _hit(kind, row, query):
    url = row.get_absolute_url()
    if _is_postgresql():
        title, snippet = _marked(row.marked_title), _marked(row.marked_body)
    else:
        body = " ".join(getattr(row, name) for name in kind.body_fields if getattr(row, name))
        title = mark_terms(_attribute(row, kind.shown_title), query.terms)
        snippet = mark_terms(body, query.terms, limit=SNIPPET_CHARS)
    if kind.key == "actions" and not row.title:
        title = escape(f"{row.plan.short_name} #{row.number}")
    return Hit(title=title, url=url, context=kind.context(row), snippet=snippet)


@dataclass
class Group:
    kind: Kind
    count: int
    hits: list
    page: object = None  # a Paginator page when one kind is listed


def _filtered(kind, rows, convention, year):
    if convention:
        rows = rows.filter(kind.convention(convention))
    if year:
        rows = rows.filter(kind.year(year))
    return rows


def search_page(raw_query="", convention="", year="", kind="", page=None):
    """Search results grouped by kind, with the conventions and years to filter by.

    Queries: 2 for the filters, then with all kinds 2 per kind (count and best PER_KIND, the
    second none when nothing is found), with one kind 2 (count and the page). Unknown filter
    values are ignored; a hostile page number gives the first or last page.
    """
    conventions = list(Convention.objects.all())
    years = [d.year for d in Meeting.objects.published().dates("start_date", "year", "DESC")]
    convention = convention if convention in {c.short_name for c in conventions} else ""
    year = int(year) if year.isdigit() and int(year) in years else None
    chosen = KINDS_BY_KEY.get(kind)
    query = clean_query(raw_query)
    groups = []
    if query:
        for each in [chosen] if chosen else KINDS:
            rows = _filtered(each, _matches(each, query), convention, year)
            if chosen:
                found = Paginator(rows, PER_PAGE).get_page(page)
                count = found.paginator.count
                start = found.start_index() - 1  # -1 when nothing is found
                shown = list(_best(each, query, rows[start:], PER_PAGE)) if count else []
                found.object_list = shown  # the page's rows are the rows shown
            else:
                found = None
                count = rows.count()
                shown = _best(each, query, rows, PER_KIND) if count else []
            if count:
                hits = [_hit(each, row, query) for row in shown]
                groups.append(Group(kind=each, count=count, hits=hits, page=found))
    return {
        "query": query,
        "groups": groups,
        "total": sum(group.count for group in groups),
        "kind": chosen,
        "kinds": KINDS,
        "conventions": conventions,
        "years": years,
        "selected_convention": convention,
        "selected_year": year,
        "max_chars": MAX_QUERY_CHARS,
    }

"""Site search: PostgreSQL full-text search over the stored, indexed words of each kind.

Each kind (meetings, programmes, sessions, questions, actions, work plans, news, documents) is
searched in its own table among the rows its model's `visible()` gives (the public rows;
drafts too for staff allowed to view them, marked as drafts; a visitor's documents among the
public library's ids, kept until the content changes), on its `search_vector` (`Searched` in
models/common.py: titles weighted above text, English stemming), with the words the database
keeps there from other tables, weight C: an action's plan names and number ("Cartagena 31",
"medida 31"), a session's questions, delegations, panellists, presentations, presenters and
organisations presenting, a meeting's office holders and a programme's conveners (names and
States). A session is also found by the words of the actions it serves, counted in its rank as
one match of weight C. Queries are read as a web search engine reads them
(`websearch_to_tsquery`); control and bidi characters are removed first, a query is cut at
MAX_QUERY_CHARS, and one without a letter or digit is not run.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from . import (
    languages,
    paging,
    prefetching,  # noqa: F401 - registers the `any_of` lookup
    queries,
)
from .models import (
    Action,
    Convention,
    DiscussionQuestion,
    Document,
    Meeting,
    NewsPost,
    Programme,
    Session,
    WorkPlan,
)
from .models.common import SEARCH_CONFIG, may_view_drafts

MAX_QUERY_CHARS = 200
PER_KIND = 3  # results shown for each kind when all kinds are listed
PER_PAGE = 20  # results on a page of one kind
# Each kind counts and ranks at most its RANKED newest matches (and one more, which tells that
# there are more): a word found in thousands of an archive's sessions is then searched in about
# the time it takes on a small site, instead of reading and ranking every session it is in.
RANKED = 500
START, STOP = "\x02", "\x03"  # ts_headline's marks; never in cleaned text
EN_START, EN_STOP = "\x0e", "\x0f"  # around English standing in for a translation; likewise
# What serving an action whose words match adds to a session's rank: ts_rank of one match of
# weight C (ts_rank(setweight(to_tsvector('english', 'survivors'), 'C'), 'survivor')).
ACTION_MATCH_RANK = 0.1216


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
    model: type  # with `searched` (its fields) and `search_vector` (their stored words)
    shown_title: str  # the field shown (and marked) as the result's title
    related: tuple  # what `context` reads of a row (select_related)
    convention: Callable  # short name -> Q
    year: Callable  # year -> Q
    context: Callable  # row -> a line saying where the result belongs
    newest: tuple = ("-pk",)  # the order of "newest first", which RANKED keeps the first of
    may_be_draft: bool = True  # actions never are
    # () -> the ids of every public row, kept until the content changes: for a kind whose
    # public rule costs more to build and plan than its ids cost to read once (documents).
    public_ids: Callable | None = None

    def rows(self, user):
        """The rows `user` may see, with what `context` needs."""
        rows = self.shown()
        if not self.may_be_draft:
            return rows
        if self.public_ids is not None and not may_view_drafts(user, self.model):
            return rows.filter(pk__any_of=self.public_ids())  # one array parameter
        return rows.visible(user)

    def shown(self):
        """Rows with what `context` needs, whoever reads them: for rows already chosen."""
        return self.model.objects.select_related(*self.related)


def _tr(obj, name):
    """Field `name` of `obj` in the page's language for a context line; the English standing in
    for a missing translation between EN_START and EN_STOP, which _context() marks lang="en"."""
    text, fallback = languages.text(obj, name)
    return f"{EN_START}{text}{EN_STOP}" if fallback else text


def _meeting_line(meeting):
    return f"{_tr(meeting, 'title')}, {meeting.convention}"


def _action_name(action, plan):
    """ "Plan d'action de Carthagène, action n° 24": an action named in the page's language."""
    return gettext("%(plan)s, Action #%(number)s") % {"plan": plan, "number": action.number}


def _action_line(action):
    """An action's line: its plan, number and the plan's years ("…, action n° 24, 2010–2014")."""
    plan = action.plan
    years = "–".join(str(year) for year in (plan.start_year, plan.end_year) if year)
    return ", ".join(filter(None, [_action_name(action, _tr(plan, "name")), years]))


def _document_line(document):
    meeting = document.meeting or (document.programme.meeting if document.programme else None)
    parts = [document.symbol, document.get_language_display()]
    if meeting is not None and meeting.is_public:
        parts.append(_tr(meeting, "title"))
    return " · ".join(part for part in parts if part)


# A question's line in the results, one sentence per audience: the audience's label cannot
# be lower-cased into a sentence ("États parties" keeps its capital) nor take its article.
QUESTION_LINES = {
    DiscussionQuestion.Audience.ALL: gettext_noop("A question for all participants, %(meeting)s"),
    DiscussionQuestion.Audience.STATES_PARTIES: gettext_noop(
        "A question for experts of States Parties, %(meeting)s"
    ),
    DiscussionQuestion.Audience.SURVIVORS: gettext_noop(
        "A question for survivors and their representative organisations, %(meeting)s"
    ),
}

KINDS = [
    Kind(
        key="meetings",
        label=_("Meetings"),
        model=Meeting,
        shown_title="title",
        related=("convention",),
        convention=_convention(),
        year=_meeting_year(),
        context=lambda m: f"{m.get_kind_display()}, {m.convention}",
        newest=("-start_date", "-pk"),
    ),
    Kind(
        key="programmes",
        label=_("Programmes"),
        model=Programme,
        shown_title="title",
        related=("meeting__convention",),
        convention=_convention("meeting__"),
        year=_meeting_year("meeting__"),
        context=lambda p: _meeting_line(p.meeting),
        newest=("-meeting__start_date", "-pk"),
    ),
    Kind(
        key="sessions",
        label=_("Sessions"),
        model=Session,
        shown_title="title",
        related=("programme__meeting__convention",),
        convention=_convention("programme__meeting__"),
        year=_meeting_year("programme__meeting__"),
        context=lambda s: f"{_tr(s.programme, 'title')}, {_meeting_line(s.programme.meeting)}",
        newest=("-date", "-start_time", "-pk"),
    ),
    Kind(
        key="questions",
        label=_("Discussion questions"),
        model=DiscussionQuestion,
        shown_title="session__title",
        related=("session__programme__meeting__convention",),
        convention=_convention("session__programme__meeting__"),
        year=_meeting_year("session__programme__meeting__"),
        context=lambda q: (
            gettext(QUESTION_LINES[q.audience])
            % {"meeting": _meeting_line(q.session.programme.meeting)}
        ),
    ),
    Kind(
        key="actions",
        label=_("Actions"),
        model=Action,
        shown_title="title",
        related=("plan__convention",),
        may_be_draft=False,
        convention=_convention("plan__"),
        year=_years_cover("plan__"),
        context=_action_line,
    ),
    Kind(
        key="work-plans",
        label=_("Work plans"),
        model=WorkPlan,
        shown_title="title",
        related=("convention",),
        convention=_convention(),
        year=_years_cover(),
        context=lambda w: ", ".join(filter(None, [_tr(w, "group"), str(w.convention)])),
        newest=("-start_year", "-pk"),
    ),
    Kind(
        key="news",
        label=_("News"),
        model=NewsPost,
        shown_title="title",
        related=(),
        convention=_convention("meeting__"),
        year=lambda year: Q(posted_on__year=year),
        context=lambda n: languages.day_format(n.posted_on, gettext("j F Y")),
        newest=("-posted_on", "-pk"),
    ),
    Kind(
        key="documents",
        label=_("Documents"),
        model=Document,
        shown_title="title",
        related=("meeting", "programme__meeting"),
        convention=lambda name: (
            _convention("meeting__")(name) | _convention("programme__meeting__")(name)
        ),
        year=lambda year: (
            _meeting_year("meeting__")(year) | _meeting_year("programme__meeting__")(year)
        ),
        context=_document_line,
        # The library's (queries.public_document_ids): the public rule, EXISTS over five
        # tables, took PostgreSQL 10 ms to plan on the archive (5 ms on the seed site) and
        # Python as long to build, on every search.
        public_ids=queries.public_document_ids,
    ),
]
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


# -- the query ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    text: str  # what is searched for, cleaned
    truncated: bool  # the raw query was longer than MAX_QUERY_CHARS

    def __bool__(self):
        """False for a query without a single letter or digit: it is not run at all."""
        return bool(re.search(r"\w", self.text))

    def tsquery(self):
        return SearchQuery(self.text, search_type="websearch", config=SEARCH_CONFIG)


def clean_query(raw):
    """The query as searched: no control, format or bidi characters, spaces collapsed, cut."""
    kept = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in raw
    )
    text = " ".join(kept.split())
    truncated = len(text) > MAX_QUERY_CHARS
    return Query(text=text[:MAX_QUERY_CHARS].strip(), truncated=truncated)


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


def _english_opening():
    """The tag opening English standing in for a missing translation, as the template tags mark
    it (meetings.languages): the page then gets its "partly in English" note."""
    return format_html('<span lang="{}" {}>', settings.LANGUAGE_CODE, languages.UNTRANSLATED_MARK)


def _english(html):
    """Safe `html` marked as the English standing in for a missing translation."""
    return format_html("{}{}</span>", _english_opening(), html)


def _context(text):
    """A context line, escaped, its English between EN_START and EN_STOP marked lang="en"."""
    html = escape(text).replace(EN_START, _english_opening()).replace(EN_STOP, "</span>")
    return mark_safe(html)  # the text escaped; the marks are ours


def _in_language(model, path):
    """Column `path` of `model` ("title", "session__title") in the page's language where it has
    a translation, else the English: what ts_headline marks, as languages.text() chooses it."""
    *through, name = path.split("__")
    for step in through:
        model = model._meta.get_field(step).related_model
    language = languages.active()
    if language == settings.LANGUAGE_CODE or name not in getattr(model, "translated_fields", ()):
        return F(path)
    translation = f"{path}_{language}"
    return Case(
        When(**{f"{translation}__regex": r"\S"}, then=F(translation)),
        default=F(path),
        output_field=TextField(),
    )


def _is_english_fallback(row, path):
    """Whether column `path` of `row` shows the English for want of a translation."""
    *through, name = path.split("__")
    for step in through:
        row = getattr(row, step)
    return languages.text(row, name)[1]


# -- searching -------------------------------------------------------------------------------


@dataclass
class Hit:
    title: str  # safe HTML, the matched words marked
    url: str
    context: str
    snippet: str  # safe HTML
    draft: bool = False


def _served_by_matching_actions(query):
    """The ids of the sessions serving an action whose words match `query`, as a subquery, for
    a question asked of each session in turn (a walk of them newest first; each candidate's
    rank): the matching actions (a handful) are found once, first (`_among`), and each session
    is one probe of its links' index, where `IN (subquery)` joined the actions again for each
    (the archive's "survivors": 19.7 -> 13.0 ms, EXPLAIN ANALYZE)."""
    actions = Action.objects.filter(search_vector=query.tsquery()).order_by().values("pk")
    links = Session.actions.through.objects.filter(_among(actions, "action_id"))
    return links.order_by().values("session_id")


def _rank(kind, query):
    """How well a row of `kind` matches `query`."""
    rank = SearchRank(F("search_vector"), query.tsquery())
    if kind.model is not Session:
        return rank
    # Asked of each candidate (RANKED + 1 at most), where the set of every session serving a
    # matching action was read whole and hashed: 501 probes, 1 ms, against 3.4 ms for the
    # archive's 6,416 links of "survivors".
    serves = _served_by_matching_actions(query).filter(session_id=OuterRef("pk"))
    by_actions = Case(
        When(Exists(serves), then=Value(ACTION_MATCH_RANK)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return rank + by_actions


def _visible(kind, user, convention, year):
    """The rows of `kind` that `user` may see, filtered by convention and year."""
    return _filtered(kind, kind.rows(user), convention, year)


def _newest(kind, rows):
    """The ids of the newest RANKED + 1 of `rows`: the database walks them newest first and
    stops there when most rows match (a common word), or finds them by the words' index and
    sorts the few it found (a rare one)."""
    return rows.order_by(*kind.newest).values("pk")[: RANKED + 1]


class _among(Func):
    """A row's id (or its `field`) among those a subquery gives, `id = ANY(ARRAY(subquery))`:
    the subquery is run once, first, and the rows found by their key; as `IN (subquery)`, the
    planner may rank every row of the table to meet the few candidates in rank order. Not for
    a subquery of thousands of rows checked against every row of a walk: each check reads the
    whole array (the sessions serving a matching action that way: 294 ms)."""

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, subquery, field="pk"):
        super().__init__(F(field), subquery)


def _ranked(kind, query, rows):
    """The newest RANKED + 1 of `rows` (those of `kind` a visitor may see) matching `query`,
    best first, with what their lines show. Matched by their stored words; a session also by
    the words of the actions it serves: the newest of each set, then the newest of both. The
    candidates are found once, in a subquery run first (`_among`); a query of them ranks and
    counts them in the same pass (`search_page`)."""
    matching = _newest(kind, rows.filter(search_vector=query.tsquery()))
    if kind.model is Session:
        serving = _newest(kind, rows.filter(pk__in=_served_by_matching_actions(query)))
        matching = _newest(kind, kind.model.objects.filter(Q(pk__in=matching) | Q(pk__in=serving)))
    candidates = kind.shown().filter(_among(matching))
    return candidates.alias(rank=_rank(kind, query)).order_by("-rank", "pk")


def _marked_rows(kind, query, rows):
    """`rows` with what `_hit` shows: the title and each body field in the page's language,
    marked by ts_headline. Only for the rows shown: ts_headline reads the whole text."""
    marks = {"start_sel": START, "stop_sel": STOP, "config": SEARCH_CONFIG}
    bodies = {
        f"marked_{name}": SearchHeadline(
            _in_language(kind.model, name),
            query.tsquery(),
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
            **marks,
        )
        for name in kind.model.searched.body
    }
    return rows.annotate(
        marked_title=SearchHeadline(
            _in_language(kind.model, kind.shown_title),
            query.tsquery(),
            highlight_all=True,
            **marks,
        ),
        **bodies,
    )


def _drafts_among(kind, rows):
    """The ids of those of `rows` that are drafts, or inside one; a row of a published
    programme's working copy is not: it is what will be published. Documents, whose rule reads
    what shows them, are asked in one query."""
    if kind.model is Document:
        ids = [row.pk for row in rows]
        return set(Document.objects.not_public().filter(pk__in=ids).values_list("pk", flat=True))
    if getattr(kind.model, "edition_path", None) is not None:
        return {row.pk for row in rows if not row.is_published}
    return {row.pk for row in rows if not row.is_public}


def _snippet(kind, row):
    """The first body field of `row` whose words matched, else the first with any text, marked
    (lang="en" where it is the English for want of a translation); "" when all are empty."""
    texts = [(name, getattr(row, f"marked_{name}") or "") for name in kind.model.searched.body]
    texts = [(name, text) for name, text in texts if text.strip()]
    matched = [(name, text) for name, text in texts if START in text]
    if not texts:
        return ""
    name, text = (matched or texts)[0]
    snippet = _marked(text)
    return _english(snippet) if _is_english_fallback(row, name) else snippet


def _hit(kind, row, draft):
    title = _marked(row.marked_title)
    if kind.model is Action and not row.title:
        title = escape(_action_name(row, languages.text(row.plan, "name")[0]))
    elif _is_english_fallback(row, kind.shown_title):
        title = _english(title)
    elif kind.model is Document and row.language == settings.LANGUAGE_CODE != languages.active():
        title = _english(title)  # an English document's title: English on the page, as the library
    elif kind.model is Document and row.language != languages.active():
        title = format_html('<span lang="{}">{}</span>', row.language, title)  # as the library
    return Hit(
        title=title,
        url=row.get_absolute_url(),
        context=_context(kind.context(row)),
        snippet=_snippet(kind, row),
        draft=draft,
    )


@dataclass
class Group:
    kind: Kind
    count: int  # at most RANKED + 1: `more` then
    hits: list
    page: object = None  # a Paginator page when one kind is listed

    @property
    def more(self):
        """Whether more than RANKED were found: only the RANKED newest were ranked."""
        return self.count > RANKED

    @property
    def shown_count(self):
        return min(self.count, RANKED)

    @property
    def count_text(self):
        """How many were found: "12", or "more than 500"."""
        if self.more:
            return gettext("more than %(count)s") % {"count": RANKED}
        return str(self.count)


def _filtered(kind, rows, convention, year):
    if convention:
        rows = rows.filter(kind.convention(convention))
    if year:
        rows = rows.filter(kind.year(year))
    return rows


def search_page(raw_query="", convention="", year="", kind="", page=None, user=None):
    """Search results grouped by kind, with the conventions and years to filter by; drafts
    only for a `user` allowed to view them (may_view_drafts).

    Queries: 2 for the filters, then with all kinds 1 per kind (its best PER_KIND with the
    count of all it found, found or not), with one kind 1 (its page, with the count of all
    it found; 2 for a page number past the end: paging.read_page); for documents, unless
    `user` may view their drafts, the count of every change (read at most once in
    CONTENT_FRESHNESS_SECONDS; the page cache has read it first) and, after a change, the
    public library (Kind.public_ids). Each kind
    counts and ranks its RANKED newest matches only (Group.more: there were more). Unknown filter
    values are ignored; a hostile page number gives the first or last page.
    """
    conventions = list(Convention.objects.all())
    years = [d.year for d in Meeting.objects.public().dates("start_date", "year", "DESC")]
    convention = convention if convention in {c.short_name for c in conventions} else ""
    year = int(year) if year in {str(y) for y in years} else None  # never int() of any text
    chosen = KINDS_BY_KEY.get(kind)
    query = clean_query(raw_query)
    groups = []
    if query:
        for each in [chosen] if chosen else KINDS:
            rows = _ranked(each, query, _visible(each, user, convention, year))
            drafts = each.may_be_draft and may_view_drafts(user, each.model)
            # The best of the candidates, marked, with how many there are (`read_page`'s count
            # over them as they are ranked): one query, run whether or not anything is found.
            # PostgreSQL marks only the rows shown (ts_headline, costly, is computed after the
            # sort and the limit). Counted in a subquery of their own, as before, the candidates
            # were found twice: 93 ms against 45 ms for a common word in the archive's sessions.
            marked_rows = _marked_rows(each, query, rows)
            found = (
                paging.read_page(marked_rows, page, PER_PAGE)
                if chosen
                else paging.read_page(marked_rows, 1, PER_KIND)
            )
            shown = list(found)
            count = found.paginator.count
            if count:
                marked = _drafts_among(each, shown) if drafts else set()
                hits = [_hit(each, row, row.pk in marked) for row in shown]
                groups.append(
                    Group(kind=each, count=count, hits=hits, page=found if chosen else None)
                )
    return {
        "query": query,
        "groups": groups,
        "total": sum(group.shown_count for group in groups),
        "more": any(group.more for group in groups),
        "ranked": RANKED,
        "kind": chosen,
        "kinds": KINDS,
        "conventions": conventions,
        "years": years,
        "selected_convention": convention,
        "selected_year": year,
        "max_chars": MAX_QUERY_CHARS,
    }

import datetime
import functools
import html
import unicodedata

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext, pgettext

from meetings import addresses, languages, speakers
from meetings.markdown import render_markdown
from meetings.models import Document, Edition, Mandate, Meeting

register = template.Library()


@register.filter
def markdown(text):
    """Markdown to sanitised HTML (see meetings.markdown)."""
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 above


@register.filter
def absolute(path):
    """A path's full address at the site's address (SITE_URL), never the request's host."""
    return addresses.absolute(path)


@register.filter
def webcal(path):
    """A calendar's subscription address (webcal://) at the site's address."""
    return addresses.webcal(path)


@register.filter
def agenda_name(session):
    """A session's name in a personal agenda's address and form (meetings/public/agenda.py)."""
    return addresses.agenda_session_name(session.uid)


@register.simple_tag
def tr(obj, name):
    """Field `name` of `obj` in the page's language; the English, marked lang="en", where the
    translation is missing (meetings.languages)."""
    return languages.html(obj, name)


@register.simple_tag
def tr_markdown(obj, name):
    """Markdown field `name` of `obj` in the page's language, rendered; the English in a block
    marked lang="en" where the translation is missing."""
    return languages.markdown_html(obj, name)


@register.simple_tag
def tr_words(obj, name, count):
    """Field `name` of `obj` in the page's language cut to `count` words ("…"); the English,
    marked lang="en", where the translation is missing."""
    text, fallback = languages.text(obj, name)
    return languages.marked(Truncator(text).words(count), fallback)


@register.simple_tag
def english_markdown(text):
    """Markdown that exists only in English (a source quoted in its words), rendered; marked
    lang="en" on a page in another language."""
    return languages.marked(mark_safe(render_markdown(text)), True, "div")  # noqa: S308 - nh3


@register.filter
def tr_text(obj, name):
    """Field `name` of `obj` in the page's language, as plain text (attributes, <title>)."""
    return languages.text(obj, name)[0]


@register.simple_tag
def date_range(start, end):
    """The days from `start` to `end` in the page's language, each in a <time>: "22 May 2012",
    "21 to 25 May 2012", "30 December 2012 to 2 January 2013" (pages and the PDF). A tag, not
    an included template: lists show one per row, and an include with its translated block cost
    several times as much. Kept per language, as languages.day_texts is: two days always give
    the same markup in one language, and its translation cost as much again (92,000
    instructions a range made, 20,000 kept; callgrind)."""
    if start is None or end is None:
        return ""
    if type(start) is datetime.date and type(end) is datetime.date:
        return _date_range(start, end, languages.active())
    return _date_range.__wrapped__(start, end, languages.active())


@functools.lru_cache(maxsize=4096)
def _date_range(start, end, _language):
    """date_range() in `_language`, the active one (part of the key, not read)."""
    start_text, end_text = languages.day_texts(start, end)
    if start_text is None:
        return format_html('<time datetime="{}">{}</time>', end.isoformat(), end_text)
    parts = {
        "start_iso": start.isoformat(),
        "start_text": escape(start_text),
        "end_iso": end.isoformat(),
        "end_text": escape(end_text),
    }
    html = gettext(
        '<time datetime="%(start_iso)s">%(start_text)s</time> to '
        '<time datetime="%(end_iso)s">%(end_text)s</time>'
    )
    return mark_safe(html % parts)  # noqa: S308 - the translation's markup, escaped values


@register.simple_tag
def meeting_options(choices, selected):
    """The documents filter's <option>s, one a published meeting (queries.meeting_choices:
    slug, title, whether the title is the English standing in for a translation), `selected`
    the slug chosen. Written here rather than looped in the template: the archive's 200
    options took 20 million instructions a page there, and grow with every meeting."""
    untranslated = f' lang="{settings.LANGUAGE_CODE}" {languages.UNTRANSLATED_MARK}'
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'<option value="{html.escape(slug)}"{untranslated if english else ""}'
            f"{' selected' if slug == selected else ''}>{html.escape(title)}</option>"
            for slug, title, english in choices
        )
    )


@functools.lru_cache(maxsize=64)
def _labels(choices, language):
    """{value: its label in `language`, escaped} of `choices` (a TextChoices class): read
    through gettext for each row of a list otherwise, a lookup of the active language through
    asgiref's Local each."""
    with translation.override(language):
        return {value: html.escape(str(label)) for value, label in choices.choices}


@register.simple_tag
def meeting_item(meeting, with_kind=False):
    """A meeting in a list (the home page, the meetings): its title linked, then its convention,
    its kind where `with_kind`, its days and its city, on one line. Written here rather than as
    an included template (the archive's list of 25 spent 16 million instructions a page on
    them there, callgrind), and as one string rather than through format_html, the active
    language looked up once."""
    language = languages.active()
    facts = [html.escape(str(meeting.convention))]
    if with_kind:
        kinds = _labels(Meeting.Kind, language)
        facts.append(kinds.get(meeting.kind) or html.escape(meeting.kind))
    facts.append(date_range(meeting.start_date, meeting.end_date))
    if meeting.venue:
        facts.append(languages.html(meeting.venue, "city", language))
    path = html.escape(meeting.get_absolute_url())
    title = languages.html(meeting, "title", language)
    return mark_safe(  # noqa: S308 - every part escaped
        f'<li><a href="{path}">{title}</a> <span class="meta">{" · ".join(facts)}</span></li>'
    )


@functools.lru_cache(maxsize=16)
def _library_words(language):
    """The documents list's words in `language`, escaped: ({kind: label}, {language: name},
    "not available online"). Read through gettext for each document, they were four lookups of
    the active language through asgiref's Local a document."""
    with translation.override(language):
        not_online = html.escape(gettext("not available online"))
    return _labels(Document.Kind, language), _labels(Document.Language, language), not_online


@register.simple_tag
def document_item(document_set, page_language, meeting_titles):
    """A document in the documents list: its title (marked with its language where that is not
    the page's), its symbol, its kind and its meeting, then a line for each of its files.
    Written here rather than in the template's loop, and as one string rather than through
    format_html (whose escaping checks every argument for a lazy string): 25 a page on the
    archive, against 3 on the seed site. Its meeting is named by `meeting_slug`
    (queries.document_list), titled from `meeting_titles` ({slug: (title, True where that is
    the English standing in for a translation)}, the meeting filter's)."""
    words = _library_words(page_language)
    doc = document_set.first
    marks = ""
    if doc.language != page_language:
        untranslated = " data-untranslated" if doc.language == settings.LANGUAGE_CODE else ""
        marks = f' lang="{html.escape(doc.language)}"{untranslated}'
    symbol = ""
    if doc.symbol:
        revision = f" {doc.revision}" if doc.revision else ""
        symbol = f' <span class="file-meta">{html.escape(doc.symbol + revision)}</span>'
    where = ""
    if doc.meeting_slug:
        title, english = meeting_titles[doc.meeting_slug]
        path = addresses.page_path("meetings:meeting_detail", doc.meeting_slug)
        title = languages.marked(title, english, language=page_language)
        where = f' · <a href="{html.escape(path)}">{title}</a>'
    kind = words[0].get(doc.kind) or html.escape(str(doc.kind))
    files = "".join(
        f"<li>{document_file(d, words, page_language)}</li>" for d in document_set.documents
    )
    return mark_safe(  # noqa: S308 - every value escaped
        f'<li><span class="document-title"{marks}>{html.escape(doc.title)}</span>{symbol}'
        f' <span class="meta">{kind}{where}</span><ul class="files">{files}</ul></li>'
    )


@register.simple_tag
def document_file(document, words=None, page_language=None):
    """One file of a document in the documents list: its language, linked where the file is
    online, then its format and size. Written here rather than as an included template, as
    meeting_item is: one for each of the page's files. `words`: _library_words() of the page's
    language, where the caller has them. The link is named by the file's language and, for
    screen readers' lists of links (where every link read "English" or "French"), its title,
    in its own language, after the language that is the link's visible name."""
    page_language = page_language or languages.active()
    _kinds, names, not_online = words or _library_words(page_language)
    language = names.get(document.language) or html.escape(str(document.language))
    size = html.escape(languages.size_text(document.size_bytes))
    label = html.escape(document.format_label)
    if document.is_available:
        path = html.escape(document.get_absolute_url())
        code = html.escape(document.language)
        title = html.escape(document.title)
        if document.language != page_language:
            title = f'<span lang="{code}">{title}</span>'
        return mark_safe(  # noqa: S308 - every value escaped
            f'<a href="{path}" hreflang="{code}">{language}'
            f'<span class="visually-hidden">, {title}</span></a>'
            f' <span class="file-meta">{label} {size}</span>'
        )
    size = f" {size}" if size else ""
    return mark_safe(  # noqa: S308 - every value escaped
        f'{language} <span class="file-meta">{label}{size}, {not_online}</span>'
    )


@register.filter(expects_localtime=True)
def day_format(value, format):
    """The `date` filter, but for the first of a month in French: "1er décembre 2026"."""
    if value in (None, ""):
        return ""
    return languages.day_format(value, format)


@register.filter
def time_text(value):
    """A time of day as the page's language writes it: "10:15", "10 h 15" (meetings.languages).
    Not for <time datetime>, whose value stays ISO."""
    return languages.time_text(value)


@register.simple_tag
def time_dash():
    """The dash between two times: "–", " – " in French (meetings.languages.time_dash)."""
    return languages.time_dash()


@register.simple_tag
def session_time(session):
    """When `session` runs: its start and end in <time> elements (ISO values, the times as the
    page's language writes them), or "Time not set". Shown once or twice for every session of
    a programme: written here rather than as an included template, which took ten times as
    long."""
    if not session.start_time:
        return format_html('<span class="untimed">{}</span>', gettext("Time not set"))
    day = session.date.isoformat() if session.date else ""
    start = format_html(
        '<time datetime="{}T{}">{}</time>',
        day,
        session.start_time.strftime("%H:%M"),
        languages.time_text(session.start_time),
    )
    if not session.end_time:
        return start
    return format_html(
        '{}<span aria-hidden="true">{}</span><span class="visually-hidden"> {} </span>'
        '<time datetime="{}T{}">{}</time>',
        start,
        languages.time_dash(),
        pgettext("from one time to another", "to"),
        day,
        session.end_time.strftime("%H:%M"),
        languages.time_text(session.end_time),
    )


@register.filter(expects_localtime=True)
def moment(value):
    """A date and time as a sentence says it: "22 May 2012 at 18:00", "22 mai 2012 à 18 h"."""
    if value in (None, ""):
        return ""
    return languages.moment_text(value)


@register.simple_tag
def month_year(year, month):
    """A month of a year: "January 2024", "enero de 2024" (meetings.languages.month_text)."""
    return languages.month_text(year, month)


@register.simple_tag
def local_time(meeting, session=None):
    """The time zone of a meeting's times by its city: "Geneva time", "heure de Genève"."""
    return languages.local_time_html(meeting, session)


@register.filter
def document_size(size_bytes):
    """'44KB' or '1.2MB' (meetings.languages.size_text)."""
    return languages.size_text(size_bytes)


@register.simple_tag(takes_context=True)
def nav_link(context, url_name, label):
    """A main-menu link, marked as the current section when the page lies under it."""
    url = reverse(url_name)
    path = context["request"].path if "request" in context else ""
    if path == url:
        return format_html('<a href="{}" aria-current="page">{}</a>', url, label)
    if url != reverse("meetings:home") and path.startswith(url):
        return format_html('<a href="{}" aria-current="true">{}</a>', url, label)
    return format_html('<a href="{}">{}</a>', url, label)


@register.simple_tag(takes_context=True)
def page_languages(context):
    """This page in each language (meetings.languages.Alternate), for the language switcher and
    the hreflang links; empty where the address is not a page's (a 404)."""
    request = context.get("request")
    if request is None or request.resolver_match is None:
        return []
    return languages.alternates(request)


@register.filter
def and_list(items):
    """'Austria', 'Austria and Panama', 'Australia, Austria, Chile and Iraq', with the page
    language's "and" ("Chile e Iraq" in Spanish: meetings.speakers.separators)."""
    names = [str(item) for item in items]
    return "".join(
        name + after for name, after in zip(names, speakers.separators(names), strict=True)
    )


@register.filter
def presentation_credits(presentation):
    """Who gives a presentation, after its kind, as the printed programme lists them: its title,
    its presenters ("A (Uganda) and B"), organisations and delegation, only those it has
    ("Statement: Afghanistan", never "Statement: , Afghanistan"); titles, States and
    organisations in the page's language, the English marked (safe HTML where it is)."""
    parts = [
        languages.html(presentation, "title") if presentation.title else "",
        speakers.presenters_html(presentation),
    ]
    parts += [organisation_html(org) for org in presentation.organisations.all()]
    parts += [
        str(presentation.delegation_state or ""),
        organisation_html(presentation.delegation_organisation)
        if presentation.delegation_organisation
        else "",
    ]
    return [part for part in parts if part]


@register.simple_tag
def presenters_html(presentation):
    """A presentation's presenters, each with the State they represent in the page's language:
    "Herbert Baryayebwa (Ouganda) et Amina Diallo" (meetings.speakers.presenters_html)."""
    return speakers.presenters_html(presentation)


@register.simple_tag
def organisation_html(organisation):
    """ "Comité international de la Croix-Rouge (CICR)": an organisation's name and acronym in
    the page's language, each English one marked lang="en"."""
    if not organisation.acronym:
        return languages.html(organisation, "name")
    return format_html(
        "{} ({})", languages.html(organisation, "name"), languages.html(organisation, "acronym")
    )


@register.simple_tag
def place_html(place, opening=False):
    """A room's or a venue's location line in the page's language, as Room.__str__ writes it
    ("Salle B, rez-de-chaussée, bâtiment de l'OMM, 7 bis, avenue de la Paix, Genève"), each
    English part marked lang="en". `opening`: the line opens a field ("Lieu : Bâtiment de
    l'OMM, …"), so its first letter is a capital; inside a sentence a venue's French or Spanish
    name keeps its lower case ("…, 21 au 25 mai 2012, bâtiment de l'OMM")."""
    if hasattr(place, "venue_id"):
        parts = [(place, "name"), (place, "floor")]
        venue = place.venue
    else:
        parts, venue = [], place
    parts += [(venue, "name"), (venue, "address"), (venue, "city")]
    shown = []
    for obj, name in parts:
        text, fallback = languages.text(obj, name)
        if text:
            shown.append(
                languages.marked(capfirst(text) if opening and not shown else text, fallback)
            )
    return format_html_join(", ", "{}", ((part,) for part in shown))


@register.simple_tag
def plan_abbreviation(plan):
    """Where a page abbreviates an action plan (CAP, LAP): its short name in the page's
    language, or its name written out where that language has none ("Plan d'action de
    Carthagène"), never the English abbreviation in a French sentence."""
    return languages.html(plan, plan.abbreviation_field(languages.active()))


@register.filter
def plan_short_name(plan):
    """An action plan's short name in the page's language; "" where that language has none
    (a list already showing its name then shows no abbreviation)."""
    if plan.abbreviation_field(languages.active()) != "short_name":
        return ""
    return languages.text(plan, "short_name")[0]


@register.simple_tag
def office_title(mandate):
    """The office of one holder in the page's language, its feminine form for a person whose
    titles are feminine ("Coprésidente"), the English marked lang="en"."""
    return languages.html(mandate.office, mandate.title_field(languages.active()))


@register.simple_tag
def office_heading(holders):
    """The office heading its `holders` at a meeting in the page's language: the plural over
    several ("Corapporteurs"), the feminine plural where all are women ("Corapporteuses"), one
    holder's own title over one, the English marked lang="en"."""
    holders = list(holders)
    return languages.html(holders[0].office, Mandate.heading_field(holders, languages.active()))


@register.filter
def dir_attr(text):
    """' dir="rtl"' for text whose first letter is of a right-to-left script (Arabic, Hebrew,
    Persian...), so that a title or question in such a script lays out right to left in an
    English page and in the PDF; nothing for any other text (the page's own direction)."""
    for char in str(text):
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return mark_safe(' dir="rtl"')
        if direction == "L":
            break
    return ""


@register.simple_tag
def statement_groups(session):
    """The statements of an agenda item as the page's sentences (meetings.speakers)."""
    return speakers.statement_groups(session.statements.all())


@register.simple_tag
def statements_download(session):
    """The "Download statements" link of an agenda item of a current published copy: its
    address and the zip's size; None for a working copy, an earlier revision, or an item
    without statement files."""
    from meetings.publishing import bundles

    programme = session.programme
    if programme.edition != Edition.PUBLISHED:
        return None
    found = bundles.entries(session)
    if not found:
        return None
    meeting = programme.meeting
    return {
        "url": reverse(
            "meetings:session_statements", args=[meeting.slug, programme.slug, session.slug]
        ),
        "size": languages.size_text(bundles.zip_size(found)),
        "count": len(found),
    }


@register.filter
def panellist_text(panellist):
    return speakers.panellist_text(panellist)


@register.simple_tag
def speaker_html(speaker, pdf=False):
    """One delegation of a statements sentence (meetings.speakers.Speaker): its name linking
    its statement file in the page's language, "on behalf of" another, then its files in other
    languages, each link named with the delegation and the language ("Albania, French": only the
    language shows). `pdf`: links at the site's address."""
    page_language = languages.active()

    def href(document):
        url = document.get_absolute_url()
        return addresses.absolute(url) if pdf else url

    first = speaker.documents[0] if speaker.documents else None
    name = speaker.name
    if first is not None:
        hreflang = (
            format_html(' hreflang="{}"', first.language) if first.language != page_language else ""
        )
        name = format_html('<a href="{}"{}>{}</a>', href(first), hreflang, name)
    if speaker.on_behalf_of:
        name = format_html("{} {} {}", name, gettext("on behalf of"), speaker.on_behalf_of)
    others = []
    if first is not None and first.language != page_language:
        others.append(format_html("{}", first.get_language_display()))
    for document in speaker.documents[1:]:
        others.append(
            format_html(
                '<a href="{}" hreflang="{}"><span class="visually-hidden">{}, </span>{}</a>',
                href(document),
                document.language,
                speaker.text,
                document.get_language_display(),
            )
        )
    if others:
        listed = mark_safe(", ".join(others))  # noqa: S308 - each part made by format_html
        name = format_html('{}<span class="other-languages"> ({})</span>', name, listed)
    return format_html('<span id="statement-{}">{}</span>', speaker.statement.pk, name)


@register.filter
def person_html(person):
    """A person with the honorific in the page's language, the English marked (speakers)."""
    return speakers.person_html(person)


@register.simple_tag
def holder_names(holders):
    """The holders of one office, in the page's language and the order given: "Algeria and
    Croatia", "Cambodia (H.E. Prak Sokhonn), Eleventh Meeting of the States Parties (11MSP)"."""
    names = [
        format_html(
            "{}{}{}",
            languages.html(m.state, "name"),
            format_html(" ({})", speakers.person_html(m.person)) if m.person_id else "",
            format_html(", {}", languages.html(m, "detail")) if m.detail else "",
        )
        for m in holders
    ]
    texts = [languages.text(m.state, "name")[0] for m in holders]
    return format_html_join("", "{}{}", zip(names, speakers.separators(texts), strict=True))


@register.simple_tag
def term(mandate):
    """An office holder's term in the page's language: "2012", "2016–2017" for whole years (as
    a source giving only years is held), else its days: "21–25 May 2012"."""
    if mandate.years:
        return mandate.years
    first, last = languages.day_texts(mandate.start_date, mandate.end_date)
    if not first:
        return last
    # "21–25 May 2030" within a month, "30 April – 2 May 2030" across months.
    return f"{first}–{last}" if " " not in first else f"{first} – {last}"

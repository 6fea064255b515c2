"""The one function that turns an editor's markdown into HTML, wherever it is shown.

The parser is markdown-it-py (CommonMark), chosen over Python-Markdown because it stays linear
on hostile input (a long run of "[" that Python-Markdown takes minutes over). Deep nesting is what
still costs: parsing and sanitising grow with the square of it, and markdown-it drops whatever
lies past MAX_NESTING. So the work is bounded before any parsing (`check_limits`): a text longer
than MARKDOWN_MAX_CHARS, a line deeper than MAX_DEPTH in quotes and lists, or raw HTML nested
deeper than MAX_HTML_DEPTH is refused by the admin's forms and preview, and shown as plain text
if it is already stored.

Markdown lets editors write raw HTML, so the output is never trusted as it is: it goes through
nh3 (the Ammonia sanitiser) with an allowlist of tags, attributes and URL schemes; images keep
their source only when it is one of the site's own media files (an editor's upload), so no page
or PDF loads an image from another host, which could follow who reads it.
"""

import functools
import re

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "th": {"scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Each block takes its direction from its own first letter: a paragraph in Arabic reads right to
# left inside an English page, and an English one after it left to right.
TEXT_DIRECTION = {
    tag: {"dir": "auto"}
    for tag in ("p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd")
}


MAX_NESTING = 20
_parser = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])

# A list level counts twice towards MAX_NESTING (list and item), so nine render whole; a quote once.
MAX_DEPTH = 8
MAX_HTML_DEPTH = 16

# What opens a quote or list at the start of a line, after any indentation.
_CONTAINER = re.compile(r"([ \t]*)(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]?")
_INDENT = re.compile(r"[ \t]*")
_THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
# A start or end tag (not an autolink such as <https://...>, whose name is followed by ":").
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?=[\s/>])[^<>]*>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr"}  # fmt: skip
# Elements whose start tag closes an open one of the same group (HTML's optional end tags).
_SIBLINGS = {"li": "li", "p": "p", "dt": "d", "dd": "d", "tr": "tr", "td": "cell", "th": "cell",
             "option": "option", "thead": "body", "tbody": "body", "tfoot": "body"}  # fmt: skip


def check_limits(text):
    """Raise a ValidationError naming the limit `text` goes past; None if it is within them.

    One pass over the text, no parsing: each estimate is at least the depth the parser would
    build, so what passes renders whole, in time that grows with its length only."""
    limit = settings.MARKDOWN_MAX_CHARS
    if len(text) > limit:
        raise ValidationError(
            _("This text is %(size)s characters long; the limit is %(limit)s characters."),
            code="markdown_too_long",
            params={"size": _grouped(len(text)), "limit": _grouped(limit)},
        )
    for number, line in enumerate(text.splitlines(), 1):
        depth = _line_depth(line)
        if depth > MAX_DEPTH:
            raise ValidationError(
                _(
                    "Line %(line)s is nested %(depth)s levels deep in quotes, lists or "
                    "indentation; the limit is %(limit)s levels."
                ),
                code="markdown_too_deep",
                params={"line": number, "depth": depth, "limit": MAX_DEPTH},
            )
    offset = _html_too_deep(text)
    if offset is not None:
        raise ValidationError(
            _(
                "At line %(line)s, HTML tags are nested deeper than the limit of %(limit)s "
                "levels: close the ones left open."
            ),
            code="html_too_deep",
            params={"line": text.count("\n", 0, offset) + 1, "limit": MAX_HTML_DEPTH},
        )


def _grouped(number):
    return number_format(number, force_grouping=True)


def _columns(whitespace):
    return len(whitespace) + 3 * whitespace.count("\t")  # a tab is up to four columns


def _line_depth(line):
    """The most quotes and lists `line` can sit in: one per marker on it, and one per two
    columns of indentation (the least a list level takes), wherever that stands."""
    if _THEMATIC_BREAK.match(line):  # "- - - -" is a rule, not four lists
        return 0
    depth = columns = position = 0
    while marker := _CONTAINER.match(line, position):
        depth += 1
        columns += _columns(marker.group(1))
        position = marker.end()
    columns += _columns(_INDENT.match(line, position).group())
    return depth + columns // 2


def _html_too_deep(text):
    """Where a tag first opens deeper than MAX_HTML_DEPTH (an offset in `text`), or None. An
    unclosed tag counts as open to the end, as the sanitiser's parser keeps it."""
    opened = []
    for tag in _TAG.finditer(text):
        name = tag.group(2).lower()
        if tag.group(1):  # an end tag closes its element and any left open inside it
            if name in opened:
                del opened[len(opened) - 1 - opened[::-1].index(name) :]
            continue
        if name in _VOID:
            continue
        group = _SIBLINGS.get(name)
        if group and opened and _SIBLINGS.get(opened[-1]) == group:
            opened.pop()
        opened.append(name)
        if len(opened) > MAX_HTML_DEPTH:
            return tag.start()
    return None


def render_markdown(text):
    """Return sanitised HTML for `text` (markdown); safe to mark as safe in a template."""
    if not text:
        return ""
    return _rendered(str(text), settings.MARKDOWN_MAX_CHARS, settings.MEDIA_URL)


# The same texts are shown again and again (every page of a programme, in each language) and
# change only when an editor saves: each process keeps the HTML of the texts it rendered last,
# by text and the settings the HTML depends on.
RENDERED_KEPT = 1024


@functools.lru_cache(maxsize=RENDERED_KEPT)
def _rendered(text, _limit, _media_url):
    try:
        check_limits(text)
    except ValidationError:
        return plain_text_html(text)
    html = _parser.render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_own_images_only,
        set_tag_attribute_values=TEXT_DIRECTION,
    )


def plain_text_html(text):
    """Stored text past the limits, as it stands: paragraphs of escaped text, nothing parsed."""
    paragraphs = re.split(r"\n{2,}", normalize_newlines(text))
    return "\n".join(
        '<p dir="auto">' + escape(paragraph).replace("\n", "<br>") + "</p>"
        for paragraph in paragraphs
        if paragraph.strip()
    )


def _own_images_only(tag, attribute, value):
    if tag == "img" and attribute == "src":
        media = settings.MEDIA_URL  # "/media/"
        own = value.startswith(media) and ".." not in value and "\\" not in value
        return value if own else None
    return value

"""The one function that turns an editor's markdown into HTML, wherever it is shown.

The parser is markdown-it-py (CommonMark), chosen over Python-Markdown because it stays linear
on hostile input (a long run of "[" that Python-Markdown takes minutes over), and nesting is
capped (MAX_NESTING), so a ">" * 1000 cannot build a thousand-deep tree for the page or the PDF.
Markdown lets editors write raw HTML, so the output is never trusted as it is: it goes through
nh3 (the Ammonia sanitiser) with an allowlist of tags, attributes and URL schemes; images keep
their source only when it is one of the site's own media files (an editor's upload), so no page
or PDF loads an image from another host, which could follow who reads it.
"""

import re

import nh3
from django.conf import settings
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

# markdown-it drops what lies deeper than MAX_NESTING. So that a line opening with hundreds of
# quote or list markers still shows its text, markers past the first few are written as text.
MAX_MARKERS = 6
_MARKER = re.compile(r" {0,3}(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]?")


def _cap_nesting(text):
    lines = text.split("\n")
    for index, line in enumerate(lines):
        position = 0
        for _ in range(MAX_MARKERS):
            marker = _MARKER.match(line, position)
            if not marker:
                break
            position = marker.end()
        else:
            if _MARKER.match(line, position):
                rest = line[position:].lstrip(" \t")
                lines[index] = line[:position] + "\\" + rest
    return "\n".join(lines)


def render_markdown(text):
    """Return sanitised HTML for `text` (markdown); safe to mark as safe in a template."""
    if not text:
        return ""
    html = _parser.render(_cap_nesting(text))
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


def _own_images_only(tag, attribute, value):
    if tag == "img" and attribute == "src":
        media = settings.MEDIA_URL  # "/media/"
        own = value.startswith(media) and ".." not in value and "\\" not in value
        return value if own else None
    return value

"""The one function that turns an editor's markdown into HTML, wherever it is shown.

Markdown lets editors write raw HTML, so the output is never trusted as it is: it goes through
nh3 (the Ammonia sanitiser) with an allowlist of tags, attributes and URL schemes.
"""

import markdown
import nh3

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


def render_markdown(text):
    """Return sanitised HTML for `text` (markdown); safe to mark as safe in a template."""
    if not text:
        return ""
    html = markdown.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )

import unicodedata

from django import template
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from meetings import languages
from meetings.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Markdown to sanitised HTML (see meetings.markdown)."""
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 above


@register.filter
def document_size(size_bytes):
    """'44KB' or '1.2MB', as programme pages have always written sizes."""
    if size_bytes is None:
        return ""
    if size_bytes < 1024 * 1024:
        return f"{max(1, round(size_bytes / 1024))}KB"
    return f"{size_bytes / (1024 * 1024):.1f}MB"


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
    if request is None:
        return []
    try:
        resolve(request.path_info)
    except Resolver404:
        return []
    return languages.alternates(request)


@register.filter
def and_list(items):
    """'Austria', 'Austria and Panama', 'Australia, Austria, Chile and Iraq'."""
    names = [str(item) for item in items]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


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

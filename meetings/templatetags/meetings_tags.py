from django import template
from django.utils.safestring import mark_safe

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

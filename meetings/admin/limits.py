"""Admin posts past the request limits (DATA_UPLOAD_MAX_NUMBER_FIELDS and _MEMORY_SIZE, Django's
guard against oversized requests): a page saying that nothing was saved, why, and how to get
back to what was typed, instead of a bare "Bad Request (400)"."""

import logging

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

logger = logging.getLogger("django.security")
REFUSED = (TooManyFieldsSent, TooManyFilesSent, RequestDataTooBig)
EDITOR = "/markdownx/"  # the markdown editor's preview and upload (meetings/admin/editor.py)


class RequestLimitsMiddleware:
    """Reads an admin or editor POST before any view does, where a refusal can still be
    answered with a page of its own (after this, Django's CSRF check would read it and fail
    with a bare 400)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path.startswith((reverse("admin:index"), EDITOR)):
            try:
                request.POST  # noqa: B018 - parsed here, within the limits, or refused
            except REFUSED as error:
                logger.warning("Refused a POST to %s: %s", request.path, error)
                return refused(request, error)
        return self.get_response(request)


def refused(request, error):
    message = _limit_message(error)
    if request.path.startswith(EDITOR):  # shown in place of the preview
        return HttpResponse(format_html('<p class="errornote">{}</p>', message), status=413)
    user = request.user
    if not (user.is_active and user.is_staff):
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    context = {
        **admin.site.each_context(request),
        "title": _("Nothing was saved"),
        "message": message,
        "form_url": request.path,
    }
    response = render(request, "admin/request_refused.html", context, status=413)
    response["Cache-Control"] = "no-store"
    return response


def _limit_message(error):
    if isinstance(error, TooManyFieldsSent):
        limit = number_format(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, force_grouping=True)
        return _(
            "This form sent more than %(limit)s fields, the most the site takes in one save."
        ) % {"limit": limit}
    if isinstance(error, TooManyFilesSent):
        limit = number_format(settings.DATA_UPLOAD_MAX_NUMBER_FILES, force_grouping=True)
        return _(
            "This form sent more than %(limit)s files, the most the site takes in one save."
        ) % {"limit": limit}
    return _("This form sent more than %(limit)s of text, the most the site takes in one save.") % {
        "limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    }

"""The language of a request, and the same page in the other languages.

A public page's language is the one its address names: /fr/... is French, /es/... Spanish, and
an address without a prefix English (vapp/urls.py). Nothing else decides it: not the browser's
Accept-Language nor a cookie. So every address always shows the same language, which is what lets
the page cache, a CDN and a shared link serve it without a `Vary: Accept-Language`. Addresses
outside the public site (the back office, the sitemap, media) are in English.
"""

from typing import NamedTuple

from django.conf import settings
from django.urls import translate_url
from django.utils import translation


class PathLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        return response


class Alternate(NamedTuple):
    code: str  # "fr"
    name: str  # the language's name in that language: "Français"
    url: str  # the page's address in that language, its query string kept: "/fr/meetings/?page=2"
    absolute_url: str  # the same with the scheme and host, for hreflang links


def alternates(request):
    """The page `request` asked for, in every language."""
    path = request.get_full_path()
    return [
        Alternate(code, name, url, request.build_absolute_uri(url))
        for code, name in settings.LANGUAGES
        for url in [translate_url(path, code)]
    ]

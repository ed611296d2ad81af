"""Danish unless the user chose otherwise.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a clinic PC with an
English browser would show English. forlob's pages are Danish by default: only the language
the user picked in the menu (the language cookie) changes it. The JSON API negotiates as usual
(Accept-Language), since an integration states what it wants there.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

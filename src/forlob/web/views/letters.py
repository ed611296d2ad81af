"""Stub: to be written."""

from django.http import HttpRequest, HttpResponse


def letter_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("not yet", status=501)


def letter_pdf(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("not yet", status=501)

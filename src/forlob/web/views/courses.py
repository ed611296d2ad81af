"""Stub: to be written."""

from django.http import HttpRequest, HttpResponse


def course_start(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("not yet", status=501)


def course_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("not yet", status=501)


def course_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("not yet", status=501)

"""Stub: to be written."""

from django.http import HttpRequest, HttpResponse


def course_export(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("not yet", status=501)


def clinic_export(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("not yet", status=501)

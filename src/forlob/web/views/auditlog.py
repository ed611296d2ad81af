"""Stub: to be written."""

from django.http import HttpRequest, HttpResponse


def audit_log(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("not yet", status=501)

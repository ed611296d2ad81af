"""The clinic's audit log, for its admins.

Only admins of the ACTIVE clinic read it, and only that clinic's events. A clinician of the
same clinic gets 403 with a message: the log exists and they know it does; the question is
one of permission, not of existence (404 is kept for other clinics' objects, whose ids must
reveal nothing).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from forlob.web.access import AuthedRequest, active_rights
from forlob.web.forms.auditlog import AuditLogFilterForm
from forlob.web.models import AuditEvent

PAGE_SIZE = 50


@login_required
@require_GET
def audit_log(request: AuthedRequest) -> HttpResponse:
    rights = active_rights(request)
    clinic = rights.clinic
    if not rights.clinic_admin:
        return render(
            request, "forlob/auditlog.html", {"clinic": clinic, "forbidden": True}, status=403
        )
    form = AuditLogFilterForm(clinic, request.GET or None)
    events = AuditEvent.objects.filter(clinic=clinic).order_by("-at", "-id")
    if form.is_valid():
        if form.cleaned_data["action"]:
            events = events.filter(action=form.cleaned_data["action"])
        if form.cleaned_data["user"] is not None:
            events = events.filter(user=form.cleaned_data["user"])
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(
        events.only("at", "username", "action", "object_type", "object_id", "detail"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "forlob/auditlog.html",
        {"clinic": clinic, "form": form, "page": page, "query": query.urlencode()},
    )

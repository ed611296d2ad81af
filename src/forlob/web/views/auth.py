"""Log in and out, with failed attempts limited per username and per client address."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forlob.web import auditlog
from forlob.web.access import AuthedRequest, choose_clinic
from forlob.web.models import AuditEvent


def _client_addr(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _too_many_failures(username: str, addr: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_WINDOW_SECONDS)
    failed = AuditEvent.objects.filter(action=AuditEvent.LOGIN_FAILED, at__gte=since)
    limit = settings.LOGIN_ATTEMPTS_PER_WINDOW
    if username and failed.filter(object_id=username[:40]).count() >= limit:
        return True
    return addr is not None and failed.filter(remote_addr=addr).count() >= limit


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    form = AuthenticationForm(request, data=request.POST or None)
    status = 200
    if request.method == "POST":
        username = request.POST.get("username", "")
        addr = _client_addr(request)
        if _too_many_failures(username, addr):
            form.errors.clear()
            form.add_error(
                None, _("Too many failed attempts. Wait 15 minutes before you try again.")
            )
            status = 429
        elif form.is_valid():
            user = form.get_user()
            login(request, user)
            auditlog.record(user, AuditEvent.LOGIN, user, object_type="User")
            return redirect(next_url or "worklist")
        else:
            AuditEvent.objects.create(
                action=AuditEvent.LOGIN_FAILED,
                object_type="User",
                object_id=username[:40],
                remote_addr=addr,
            )
            status = 400
    return render(request, "forlob/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


@login_required
@require_POST
def choose_clinic_view(request: AuthedRequest) -> HttpResponse:
    choose_clinic(request, request.POST.get("clinic", ""))
    return redirect("worklist")

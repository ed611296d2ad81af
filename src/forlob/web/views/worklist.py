"""The worklist of the active clinic (issue 4 §6; waiting referrals, issue 5 §3)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from forlob.web.access import active_clinic
from forlob.web.worklist import build_worklist


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    return render(
        request, "forlob/worklist.html", {"clinic": clinic, "worklist": build_worklist(clinic)}
    )

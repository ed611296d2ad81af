"""The worklist of the active clinic (waiting referrals: 003 §4.5).

`/worklist/` shows the most urgent rows of each bucket; `/worklist/?bucket=overdue&page=2`
shows one bucket whole, a page at a time.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from forlob.web.access import AuthedRequest, access_patient_data
from forlob.web.worklist import PAGE_ROWS, bucket_keys, build_worklist


@login_required
def worklist(request: AuthedRequest) -> HttpResponse:
    clinic = access_patient_data(request).clinic
    focus = request.GET.get("bucket")
    if focus not in bucket_keys():
        focus = None
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    wl = build_worklist(clinic, focus=focus, page=page)
    pages = max(1, -(-wl.focus_total // PAGE_ROWS))
    return render(
        request,
        "forlob/worklist.html",
        {
            "clinic": clinic,
            "worklist": wl,
            "page": page,
            "pages": pages,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if page < pages else None,
        },
    )

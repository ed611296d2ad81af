"""Patients and referrals: the clinic's patient list, a patient's page, and forms.

Search: the list's search form is POSTed, never a GET query, so a CPR number typed into it
never lands in a URL (browser history, server logs, Referer). Plain paging without a search
uses `?page=N`; paging through search results re-POSTs the search.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forlob.cpr import CprError, age_on, birth_date_from_cpr, cpr_search_digits, normalise_cpr
from forlob.decision import DiagnosisMatch, WaitingTime, referral_diagnosis, waiting_time
from forlob.decision.diagnosis import load_diagnosis_map
from forlob.web import auditlog
from forlob.web.access import AuthedRequest, access_patient, access_patient_data
from forlob.web.actions.patients import (
    PatientExists,
    do_create_patient,
    do_create_referral,
    do_update_patient,
)
from forlob.web.forms.patients import PatientCreateForm, PatientEditForm, ReferralForm
from forlob.web.models import Course, Patient, Referral, ServiceLine
from forlob.web.plans import course_start

PAGE_SIZE = 50
_MAX_QUERY = 100

# 003 §4.5: how a referral's wait reads, and the badge class it gets
WAITING_STATUS = {
    "waiting": (gettext_lazy("waiting"), "open"),
    "overdue": (gettext_lazy("past the limit, not seen yet"), "overdue"),
    "seen_in_time": (gettext_lazy("first visit in time"), "done"),
    "seen_late": (gettext_lazy("first visit after the limit"), "overdue"),
}


def _search(patients: QuerySet[Patient], query: str) -> QuerySet[Patient]:
    """A CPR search matches the start of the number; otherwise every word is in the name."""
    digits = cpr_search_digits(query)
    if digits is not None:
        return patients.filter(cpr__startswith=digits)
    for word in query.split():
        patients = patients.filter(name__icontains=word)
    return patients


@login_required
def patient_list(request: AuthedRequest, **kwargs: object) -> HttpResponse:
    clinic = access_patient_data(request).clinic
    if request.method == "POST":
        query = request.POST.get("q", "").strip()[:_MAX_QUERY]
        page_number = request.POST.get("page")
    else:
        query, page_number = "", request.GET.get("page")
    active = Course.objects.filter(status=Course.ACTIVE).order_by("-planned_start", "-id")
    patients = (
        _search(Patient.objects.filter(clinic=clinic), query)
        .order_by("name", "id")
        .prefetch_related(Prefetch("courses", queryset=active, to_attr="active_courses"))
    )
    page = Paginator(patients, PAGE_SIZE).get_page(page_number)
    return render(
        request,
        "forlob/patients/list.html",
        {"clinic": clinic, "page": page, "query": query},
    )


def _derived_birth_date(text: str) -> dt.date | None:
    try:
        return birth_date_from_cpr(normalise_cpr(text))
    except CprError:
        return None


@login_required
def patient_create(request: AuthedRequest, **kwargs: object) -> HttpResponse:
    clinic = access_patient_data(request).clinic
    form = PatientCreateForm(request.POST or None, clinic=clinic)
    if request.method == "POST" and form.is_valid():
        try:
            patient = do_create_patient(clinic, form.cleaned_data, actor=request.user)
        except PatientExists:  # registered by someone else since the form was checked
            form.add_error("cpr", _("A patient with this CPR number is already registered."))
        else:
            messages.success(request, _("The patient was created."))
            return redirect("patient", patient_id=patient.pk)
    birth_date = _derived_birth_date(request.POST.get("cpr", "")) if form.is_bound else None
    return render(
        request,
        "forlob/patients/create.html",
        {"form": form, "clinic": clinic, "birth_date": birth_date},
    )


@dataclass
class CourseRow:
    course: Course
    start: dt.date


@dataclass
class ReferralRow:
    referral: Referral
    courses: list[CourseRow] = field(default_factory=list)
    first_visit: dt.date | None = None
    waiting: WaitingTime | None = None
    waiting_label: str = ""
    waiting_class: str = ""


def _referral_rows(patient: Patient, today: dt.date) -> list[ReferralRow]:
    """The patient's referrals, newest first, each with its courses and its wait (003 §4.5).

    The first visit is the earliest service line of any course on the referral. Three queries
    however many referrals, courses and lines.
    """
    lines = ServiceLine.objects.only("id", "course", "service_date", "code")
    courses = Course.objects.select_related("clinician").prefetch_related(
        Prefetch("lines", queryset=lines)
    )
    rows = []
    for referral in patient.referrals.prefetch_related(Prefetch("courses", queryset=courses)):
        row = ReferralRow(referral)
        dates: list[dt.date] = []
        for course in referral.courses.all():
            course_lines = list(course.lines.all())
            row.courses.append(CourseRow(course, course_start(course, course_lines)))
            dates.extend(line.service_date for line in course_lines)
        row.first_visit = min(dates) if dates else None
        try:
            row.waiting = waiting_time(referral.date, row.first_visit, today)
        except ValueError:  # a first visit (or today) before the referral date: no wait to show
            row.waiting = None
        if row.waiting is not None:
            label, css = WAITING_STATUS[row.waiting.status]
            row.waiting_label, row.waiting_class = str(label), css
        rows.append(row)
    return rows


@login_required
def patient_detail(request: AuthedRequest, patient_id: int, **kwargs: object) -> HttpResponse:
    patient, _rights = access_patient(request, patient_id)
    today = timezone.localdate()
    rows = _referral_rows(patient, today)
    auditlog.record_view(request.user, patient)
    return render(
        request,
        "forlob/patients/detail.html",
        {
            "patient": patient,
            "age": age_on(patient.birth_date, today),
            "referrals": rows,
            "today": today,
        },
    )


@login_required
def patient_edit(request: AuthedRequest, patient_id: int, **kwargs: object) -> HttpResponse:
    patient, _rights = access_patient(request, patient_id)
    initial = {
        "name": patient.name,
        "email": patient.email,
        "phone": patient.phone,
        "consent_beyond_journal": patient.consent_beyond_journal,
    }
    form = PatientEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = do_update_patient(patient, form.cleaned_data, actor=request.user)
        if changed:
            messages.success(request, _("The patient was updated."))
        return redirect("patient", patient_id=patient.pk)
    if request.method == "GET":
        auditlog.record_view(request.user, patient, detail="edit")
    return render(
        request,
        "forlob/patients/edit.html",
        {"form": form, "patient": patient, "age": age_on(patient.birth_date, timezone.localdate())},
    )


def _bilag4_codes() -> list[tuple[str, str]]:
    """Every code of 003 Bilag 4 with its Danish text, for the code field's pick list."""
    data = load_diagnosis_map()
    return [(e.code, e.da) for e in data.icpc] + [(e.code, e.da) for e in data.icd10]


@login_required
def referral_create(request: AuthedRequest, patient_id: int, **kwargs: object) -> HttpResponse:
    patient, _rights = access_patient(request, patient_id)
    suggestion: DiagnosisMatch | None = None
    if request.method != "POST":
        form = ReferralForm(
            initial={"date": timezone.localdate(), "diagnosis_system": Referral.ICPC}
        )
    else:
        suggestion = referral_diagnosis(
            request.POST.get("diagnosis_code", ""), request.POST.get("diagnosis_system", "")
        )
        if "suggest" in request.POST:
            # "Suggest group": show the form again, prefilled from the code; nothing is saved
            initial: dict[str, Any] = {k: request.POST.get(k, "") for k in ReferralForm.base_fields}
            if suggestion is not None:
                if not initial["group"]:
                    initial["group"] = suggestion.group
                if not initial["diagnosis_text"].strip():
                    initial["diagnosis_text"] = suggestion.label_da
            form = ReferralForm(initial=initial)
        else:
            form = ReferralForm(request.POST)
            if form.is_valid():
                data = dict(form.cleaned_data)
                if data["group"] is None and suggestion is not None:
                    data["group"] = suggestion.group
                referral = do_create_referral(patient, data, actor=request.user)
                messages.success(request, _("The referral was registered."))
                url = reverse("patient", kwargs={"patient_id": patient.pk})
                return redirect(f"{url}#referral-{referral.pk}")
    code_given = bool(request.POST.get("diagnosis_code", "").strip())
    return render(
        request,
        "forlob/patients/referral_form.html",
        {
            "form": form,
            "patient": patient,
            "suggestion": suggestion,
            "code_unmapped": code_given and suggestion is None,
            "bilag4_codes": _bilag4_codes(),
        },
    )

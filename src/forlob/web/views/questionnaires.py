"""Questionnaires: send a round, the patient's one-time page, clinician entry,
and the course's score chart.

The patient's page `/q/<token>/` needs no login and shows no clinic navigation; its responses
are never logged with their path (the path holds the token) and carry `Referrer-Policy:
no-referrer` so the token does not travel on in a Referer header either.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from forlob.course import instrument_ids, pathway_instruments
from forlob.prom import ScoreInputError
from forlob.web import auditlog
from forlob.web.access import AuthedRequest, access_course, access_round
from forlob.web.actions.questionnaires import (
    RoundClosed,
    SentRound,
    do_enter_questionnaire,
    do_renew_link,
    do_send_questionnaire,
    do_submit_questionnaire,
    find_round,
    round_state,
)
from forlob.web.forms.questionnaires import AnswerForm, SendForm
from forlob.web.models import Course, QuestionnaireRound
from forlob.web.outcomes import chart_for, load_rounds, outcome_rows
from forlob.web.plans import course_progress

# --- clinician side ------------------------------------------------------------------------------


def _planned(course: Course) -> dict[str, tuple[list[str], str]]:
    """The course's planned questionnaire rounds: key → (instruments as prom ids, label)."""
    return {
        p.item.key: (instrument_ids(p.item.instruments), p.item.label)
        for p in course_progress(course, timezone.localdate())
        if p.item.kind == "questionnaire"
    }


def _send_form(request: AuthedRequest, course: Course, planned: dict[str, list[str]]) -> SendForm:
    return SendForm(
        request.POST if request.method == "POST" else None,
        pathway_set=pathway_instruments(course.pathway),
        planned=planned,
        email=course.patient.email,
        initial={"plan_key": request.GET.get("plan_key", "")},
    )


def _link_builder(request: AuthedRequest) -> Callable[[str], str]:
    def link_for(token: str) -> str:
        return request.build_absolute_uri(reverse("patient-questionnaire", args=[token]))

    return link_for


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def round_send(request: AuthedRequest, course_id: int) -> HttpResponse:
    """GET: choose what to send. POST: make the link (or a new link for `renew`), show it once."""
    course, _rights = access_course(request, course_id)
    if request.method == "POST" and request.POST.get("renew"):
        old, _rights = access_round(request, request.POST["renew"])
        if old.course_id != course.pk:
            return redirect("course", course.pk)
        by_email = request.POST.get("by_email") == "on" and bool(course.patient.email)
        try:
            sent = do_renew_link(
                old,
                course.patient.email if by_email else "",
                link_for=_link_builder(request),
                actor=request.user,
            )
        except RoundClosed:
            messages.error(request, _("This round has been answered; no new link is needed."))
            return redirect("course", course.pk)
        return _sent_page(request, course, sent, renewed=True)
    planned = _planned(course)
    form = _send_form(request, course, {k: v[0] for k, v in planned.items()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sent = do_send_questionnaire(
            course,
            list(data["instruments"]),
            data["plan_key"],
            course.patient.email if data["by_email"] else "",
            link_for=_link_builder(request),
            actor=request.user,
        )
        return _sent_page(request, course, sent, renewed=False)
    return render(
        request,
        "forlob/questionnaires/send.html",
        {
            "course": course,
            "form": form,
            "planned_labels": {k: v[1] for k, v in planned.items()},
            "link_days": settings.QUESTIONNAIRE_LINK_DAYS,
        },
        status=400 if request.method == "POST" else 200,
    )


def _sent_page(
    request: AuthedRequest, course: Course, sent: SentRound, renewed: bool
) -> HttpResponse:
    response = render(
        request,
        "forlob/questionnaires/sent.html",
        {
            "course": course,
            "round": sent.round,
            "link": sent.link,
            "emailed": sent.emailed,
            "renewed": renewed,
        },
    )
    # the link is in this page only: keep it out of caches and Referer headers
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def round_enter(request: AuthedRequest, course_id: int) -> HttpResponse:
    """The clinician enters a round's answers on the patient's behalf."""
    course, _rights = access_course(request, course_id)
    into: QuestionnaireRound | None = None
    round_id = request.POST.get("round") or request.GET.get("round")
    if round_id:
        into, _rights = access_round(request, round_id)
        if into.course_id != course.pk or into.completed_at is not None:
            messages.error(request, _("This round has been answered already."))
            return redirect("course", course.pk)
    planned = _planned(course)
    plan_key = (request.POST.get("plan_key") or request.GET.get("plan_key") or "").strip()
    if into is not None:
        plan_key = into.plan_key
        instruments = list(into.instruments)
    elif plan_key in planned:
        instruments = planned[plan_key][0]
    else:
        plan_key = ""
        instruments = pathway_instruments(course.pathway)
    form = AnswerForm(instruments, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            do_enter_questionnaire(
                course, instruments, plan_key, form.filled, into=into, actor=request.user
            )
        except RoundClosed:
            messages.error(request, _("This round has been answered already."))
            return redirect("course", course.pk)
        except ScoreInputError as exc:  # the form validated with the same scoring; be safe
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The answers are saved and scored."))
            return redirect(reverse("course", args=[course.pk]) + "#outcomes")
    auditlog.record_view(request.user, course, detail="questionnaire-entry")
    return render(
        request,
        "forlob/questionnaires/enter.html",
        {
            "course": course,
            "form": form,
            "into": into,
            "plan_key": plan_key,
            "plan_label": planned[plan_key][1] if plan_key in planned else "",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def course_chart(request: AuthedRequest, course_id: int) -> HttpResponse:
    """The course's scores over time as `image/svg+xml`."""
    course, _rights = access_course(request, course_id)
    svg = chart_for(outcome_rows(load_rounds(course)))
    auditlog.record_view(request.user, course, detail="chart")
    response = HttpResponse(
        '<?xml version="1.0" encoding="utf-8"?>\n' + svg,
        content_type="image/svg+xml; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- the patient's page --------------------------------------------------------------------------


def _patient_response(
    request: HttpRequest, template: str, context: dict[str, object], status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    # Django logs 4xx responses with their path; the path holds the token
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


# No CSRF check here: CSRF protects the ambient authority of a session cookie, and this page
# has none — the authority is the token in the URL, which a forging site would have to know
# (and could then post itself). A phone that blocks cookies can still answer, and a failed
# check cannot log the path with its token.
@csrf_exempt
@never_cache
def patient_form(request: HttpRequest, token: str) -> HttpResponse:
    """The patient's one-time questionnaire page (no login)."""
    if request.method not in ("GET", "POST"):
        # not require_http_methods: it logs the path, and the path holds the token
        response = _patient_response(request, "forlob/questionnaires/not_found.html", {}, 405)
        response["Allow"] = "GET, POST"
        return response
    # Danish unless the patient picks English on the page (not the browser's language: the
    # Danish versions of the questionnaires are the ones the clinic uses)
    lang = request.GET.get("lang", "")
    with translation.override(lang if lang in ("da", "en") else "da"):
        return _patient_form(request, token, lang if lang == "en" else "")


def _patient_form(request: HttpRequest, token: str, lang: str) -> HttpResponse:
    r = find_round(token)
    if r is None:
        return _patient_response(request, "forlob/questionnaires/not_found.html", {}, 404)
    state = round_state(r)
    if state == "answered":
        return _patient_response(request, "forlob/questionnaires/used.html", {}, 410)
    if state == "expired":
        return _patient_response(request, "forlob/questionnaires/expired.html", {}, 410)
    clinic = r.course.clinic
    form = AnswerForm(list(r.instruments), request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            do_submit_questionnaire(r, form.filled, actor=None)
        except RoundClosed:
            return _patient_response(request, "forlob/questionnaires/used.html", {}, 410)
        except ScoreInputError as exc:
            form.add_error(None, str(exc))
        else:
            return _patient_response(
                request, "forlob/questionnaires/thanks.html", {"clinic_name": clinic.name}
            )
    return _patient_response(
        request,
        "forlob/questionnaires/patient.html",
        {"form": form, "clinic_name": clinic.name, "expires_at": r.expires_at, "lang": lang},
        400 if request.method == "POST" else 200,
    )

"""Triage of a patient (003): group, urgency, pathways, risk and next steps, from
`forlob.decision.triage` (the same function as `forlob triage`). Nothing is stored: the
result is advice shown next to the findings the clinician entered."""

from __future__ import annotations

import datetime as dt
import typing

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from forlob.cpr import age_on
from forlob.decision import TriageInputError, parse_triage_input, triage
from forlob.decision.triage import CourseStatus, RedFlag, Region, RiskFactor
from forlob.web import auditlog
from forlob.web.access import AuthedRequest, access_patient


def _choices(literal: typing.Any) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ")) for v in typing.get_args(literal)]


class TriageForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), choices=_choices(Region))
    new_onset = forms.BooleanField(label=_("New onset"), required=False)
    leg_radiation = forms.BooleanField(label=_("Leg radiation"), required=False)
    radicular_pattern = forms.BooleanField(label=_("Radicular pattern"), required=False)
    dermatomal_sensory_loss = forms.BooleanField(label=_("Dermatomal sensory loss"), required=False)
    reflex_loss = forms.BooleanField(label=_("Reflex loss"), required=False)
    positive_slr = forms.BooleanField(label=_("Positive straight-leg raise"), required=False)
    paresis_grade = forms.IntegerField(
        label=_("Paresis (MRC grade 0–5)"), required=False, min_value=0, max_value=5
    )
    walking_leg_pain_relieved_by_flexion = forms.BooleanField(
        label=_("Walking-related leg pain relieved by flexion"), required=False
    )
    cauda_equina_signs = forms.BooleanField(label=_("Cauda equina signs"), required=False)
    red_flags = forms.MultipleChoiceField(
        label=_("Red flags"),
        choices=_choices(RedFlag),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_factors = forms.MultipleChoiceField(
        label=_("Risk factors (Boks 4)"),
        choices=_choices(RiskFactor),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sick_leave_weeks = forms.FloatField(label=_("Sick leave (weeks)"), min_value=0, initial=0)
    weeks_since_start = forms.FloatField(
        label=_("Weeks since the start"), min_value=0, required=False
    )
    course_status = forms.ChoiceField(
        label=_("Course status"), choices=[("", "—"), *_choices(CourseStatus)], required=False
    )


@login_required
def patient_triage(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient, _rights = access_patient(request, patient_id)
    auditlog.record_view(request.user, patient, detail="triage")
    form = TriageForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        data["age"] = age_on(patient.birth_date, dt.date.today())
        try:
            result = triage(parse_triage_input(data))
        except TriageInputError as exc:
            form.add_error(None, str(exc))
    return render(
        request, "forlob/patients/triage.html", {"patient": patient, "form": form, "result": result}
    )

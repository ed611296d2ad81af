"""Forms of the courses area: starting and editing a course, registering a service line, and
the code-choice helpers of the chiropractic catalogue (004, speciale 53).

The forms only parse input; the rule engine judges the line (forlob.web.change_check) and the
decision helpers choose codes (forlob.decision) — nothing here re-implements either.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forlob.catalogue import load_catalogue
from forlob.course import DATE_PROBLEMS, general_codes, is_lbp, planned_dates_problem
from forlob.decision.code_choice import load_code_choice
from forlob.web.forms.widgets import CalendarDateField, PlainSelect, UserChoiceField
from forlob.web.models import Clinic, Course


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def pathway_choices() -> list[tuple[str, str]]:
    return [(p.id, f"{p.id} – {p.name_da}") for p in load_catalogue().pathways.values()]


def code_choices(pathway: str, extra: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    """The pick list of a course's codes: its pathway's codes, then the general codes of the
    pathway's profession (codes of no pathway), each as "0243 – <Danish label>".

    `extra` keeps a line's current code selectable when it is in neither group (a line
    registered through the API or an export with another code can still be edited).
    """
    cat = load_catalogue()
    pw = cat.pathways[pathway]
    own = cat.pathway_codes(pathway)
    general = general_codes(pathway)
    groups: list[tuple[str, Any]] = [
        (f"{pw.id} – {pw.name_da}", [(c, f"{c} – {cat.label(c)}") for c in own]),
        (str(_("General codes")), [(c, f"{c} – {cat.label(c)}") for c in general]),
    ]
    others = [c for c in extra if c and c not in own and c not in general]
    if others:
        groups.append((str(_("Other codes")), [(c, f"{c} – {cat.label(c)}") for c in others]))
    return groups


def clinic_users(clinic: Clinic) -> QuerySet[User]:
    return User.objects.filter(memberships__clinic=clinic).order_by(
        "first_name", "last_name", "username"
    )


class ClinicianField(UserChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


def _check_dates(form: forms.Form, pathway: str | None) -> None:
    if pathway is None:
        return
    problem = planned_dates_problem(
        pathway, form.cleaned_data.get("planned_start"), form.cleaned_data.get("planned_closing")
    )
    if problem is not None:
        form.add_error("planned_closing", DATE_PROBLEMS[problem].get(get_language()))


class CourseStartForm(forms.Form):
    pathway = forms.ChoiceField(label=_("Pathway"))
    planned_start = CalendarDateField(label=_("Planned start"), widget=DateInput())
    planned_closing = CalendarDateField(
        label=_("Planned closing consultation"),
        required=False,
        widget=DateInput(),
        help_text=_("LBP only: the planned closing consultation, which dates the follow-ups."),
    )
    clinician = ClinicianField(label=_("Clinician"), queryset=User.objects.none())

    def __init__(self, clinic: Clinic, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["pathway"]).choices = pathway_choices()
        cast(ClinicianField, self.fields["clinician"]).queryset = clinic_users(clinic)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_dates(self, data.get("pathway"))
        return data


class CourseEditForm(forms.Form):
    planned_start = CalendarDateField(label=_("Planned start"), widget=DateInput())
    planned_closing = CalendarDateField(
        label=_("Planned closing consultation"), required=False, widget=DateInput()
    )
    status = forms.ChoiceField(label=_("Status"), choices=Course.STATUSES)
    clinician = ClinicianField(label=_("Clinician"), queryset=User.objects.none(), required=False)

    def __init__(self, course: Course, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.course = course
        cast(ClinicianField, self.fields["clinician"]).queryset = clinic_users(course.clinic)
        if not is_lbp(course.pathway):
            del self.fields["planned_closing"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_dates(self, self.course.pathway)
        return data


class LineForm(forms.Form):
    """A service line as the clinician enters it; the reason only when warnings need one."""

    service_date = CalendarDateField(label=_("Date"), widget=DateInput())
    code = forms.ChoiceField(label=_("Service code"), widget=PlainSelect())
    team_size = forms.IntegerField(
        label=_("Team size"),
        required=False,
        min_value=1,
        max_value=999,
        help_text=_("Participants in a team session; empty for an individual service."),
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999, initial=1)
    warning_reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the service is right despite the warnings (stored with the line)."),
    )

    def __init__(self, pathway: str, *args: Any, extra_codes: tuple[str, ...] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["code"]).choices = code_choices(pathway, extra_codes)

    def require_reason(self) -> None:
        """Mark the reason field required (warnings found and no reason given)."""
        self.fields["warning_reason"].required = True
        self.add_error("warning_reason", _("Give a short reason to save despite the warnings."))


def criterion_choices() -> list[tuple[str, str]]:
    english = (get_language() or "da").startswith("en")
    return [
        (str(c.number), f"{c.number}. {c.en if english else c.da}")
        for c in load_code_choice().criterion
    ]


class CodeHelpForm(forms.Form):
    """Input of the chiropractic code-choice helpers (posted with prefix "help")."""

    criteria = forms.MultipleChoiceField(
        label=_("Follow-up criteria met at this consultation"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    exercise_change = forms.BooleanField(
        label=_("The exercise regime starts or changes at this consultation"), required=False
    )
    criterion_4_used = forms.BooleanField(
        label=_("Criterion 4 was already used earlier in this course"), required=False
    )
    conference_minutes = forms.IntegerField(
        label=_("Conference minutes"), required=False, min_value=1, max_value=1440
    )
    conference_distance_km = forms.DecimalField(
        label=_("Distance to an external conference (km)"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=1,
        help_text=_("Empty when the conference was not held externally."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "help")
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["criteria"]).choices = criterion_choices()


def parse_date(value: Any) -> dt.date | None:
    """A posted date, or None when it is missing or not a date (for the helpers only)."""
    try:
        parsed: dt.date | None = CalendarDateField().clean(value)
    except forms.ValidationError:
        return None
    return parsed

"""The JSON API's request and response bodies (django-ninja schemas, OpenAPI components).

Dates are ISO (`2025-01-13`), times ISO 8601 with offset. Input is validated here (CPR numbers
by `forlob.cpr`, pathways and codes against the catalogue, dates within the calendar of
`forlob.calendar`, no control characters in text); the rule engine's judgement of a service
line is the action's, never the schema's.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, field_validator
from pydantic_core import PydanticCustomError

from forlob.calendar import OUTSIDE_CALENDAR, in_calendar
from forlob.catalogue import load_catalogue
from forlob.cpr import CprError, normalise_cpr

# -- input --------------------------------------------------------------------------------

# C0 and C1 control characters but tab, line feed and carriage return, and lone surrogates:
# no one types them, PostgreSQL cannot store NUL, and FHIR and XML have no place for them
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class Input(Schema):
    """A request body: no text field may hold a control character."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and _CONTROL.search(value):
            raise PydanticCustomError(
                "control_character", _("The text must not contain control characters.")
            )
        return value


def _in_calendar(value: dt.date) -> dt.date:
    if not in_calendar(value):
        raise PydanticCustomError("date_outside_calendar", OUTSIDE_CALENDAR.get(get_language()))
    return value


# a date the calendar knows (forlob.calendar: the working days and holidays of its years)
CalendarDate = Annotated[dt.date, AfterValidator(_in_calendar)]

# -- errors ---------------------------------------------------------------------------------


class ErrorOut(Schema):
    """Any refusal that is not a validation error: 401, 403, 404, 409."""

    detail: str


class ValidationIssue(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    """422: the request body or a parameter is not valid (one entry per problem)."""

    detail: list[ValidationIssue]


# -- patients and referrals -----------------------------------------------------------------


class PatientIn(Input):
    cpr: str = Field(description="CPR number, DDMMYY-XXXX or ten digits")
    name: str = Field(min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    consent_beyond_journal: bool = False
    clinic: int | None = Field(
        None,
        description="The clinic (id) to register the patient in; needed only when the user "
        "belongs to several clinics",
    )

    @field_validator("cpr")
    @classmethod
    def _cpr(cls, value: str) -> str:
        try:
            return normalise_cpr(value)
        except CprError as exc:
            raise PydanticCustomError("cpr_invalid", exc.text(get_language())) from None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise PydanticCustomError("name_empty", _("A name is required."))
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        value = value.strip()
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                msg = _("Not a valid e-mail address.")
                raise PydanticCustomError("email_invalid", msg) from None
        return value


class PatientOut(Schema):
    id: int
    clinic: int
    cpr: str
    name: str
    birth_date: dt.date
    email: str
    phone: str
    consent_beyond_journal: bool
    consent_recorded_at: dt.datetime | None
    created_at: dt.datetime


class PatientPage(Schema):
    count: int = Field(description="Patients matching the filter, on all pages")
    items: list[PatientOut]


class ReferralIn(Input):
    date: CalendarDate
    gp_name: str = Field(min_length=1, max_length=200)
    gp_provider_id: str = Field("", max_length=20)
    diagnosis_system: Literal["ICPC", "ICD-10"] = "ICPC"
    diagnosis_code: str = Field("", max_length=20)
    diagnosis_text: str = Field(min_length=1, max_length=300)
    reason: str = ""
    group: int | None = Field(
        None,
        ge=1,
        le=3,
        description="Programme group (003 Bilag 4); suggested from the diagnosis code "
        "when left out",
    )


class ReferralOut(Schema):
    id: int
    patient: int
    date: dt.date
    gp_name: str
    gp_provider_id: str
    diagnosis_system: str
    diagnosis_code: str
    diagnosis_text: str
    reason: str
    group: int | None
    created_at: dt.datetime


# -- courses --------------------------------------------------------------------------------


class CourseIn(Input):
    referral_id: int
    pathway: str = Field(description="A pathway of the catalogue: LBP, NRL, NRC, CPL, …")
    planned_start: CalendarDate
    planned_closing: CalendarDate | None = Field(
        None, description="LBP: the planned closing consultation (dates the follow-ups)"
    )

    @field_validator("pathway")
    @classmethod
    def _pathway(cls, value: str) -> str:
        value = value.strip().upper()
        known = load_catalogue().pathways
        if value not in known:
            raise PydanticCustomError(
                "pathway_unknown",
                _("Unknown pathway; one of {known}."),
                {"known": ", ".join(sorted(known))},
            )
        return value


class CourseOut(Schema):
    id: int
    clinic: int
    patient: int
    referral: int
    pathway: str
    pathway_name: str
    planned_start: dt.date
    planned_closing: dt.date | None
    status: str
    clinician: int | None
    created_at: dt.datetime


class CoursePage(Schema):
    count: int = Field(description="Courses matching the filter, on all pages")
    items: list[CourseOut]


# -- service lines --------------------------------------------------------------------------


class FindingOut(Schema):
    """One finding of the rule engine (rules.md): the same as `forlob audit` reports."""

    rule_id: str
    severity: Literal["error", "warning", "info"]
    message: str
    service_date: dt.date | None
    code: str | None
    line: int | None = Field(description="The service line it is about; null: the new line")


class LineIn(Input):
    service_date: CalendarDate
    code: str = Field(pattern=r"^\s*\d{4}\s*$", description="Four-digit service code")
    team_size: int | None = Field(None, ge=1, le=99)
    quantity: int = Field(1, ge=1, le=99)
    warning_reason: str = Field(
        "", max_length=1000, description="Why the line is saved despite warning findings"
    )

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        value = value.strip()
        if value not in load_catalogue().codes:
            raise PydanticCustomError("code_unknown", _("Not a service code of the catalogue."))
        return value


class LineOut(Schema):
    id: int
    course: int
    service_date: dt.date
    code: str
    label: str
    team_size: int | None
    quantity: int
    warning_reason: str
    created_at: dt.datetime
    findings: list[FindingOut] = Field(description="The findings on this line now")


class LineSaved(Schema):
    saved: Literal[True]
    line: LineOut
    findings: list[FindingOut] = Field(description="What this registration added (warnings, info)")


class LineRefused(Schema):
    saved: Literal[False]
    findings: list[FindingOut] = Field(description="What the registration would add")
    reason_required: bool = Field(
        description="True when only warnings stand in the way: send again with warning_reason"
    )


class LineDeleted(Schema):
    deleted: Literal[True]
    findings: list[FindingOut] = Field(description="Findings the deletion leaves on the course")


# -- plan and questionnaires ----------------------------------------------------------------


class PlanItemOut(Schema):
    key: str
    kind: Literal["consultation", "questionnaire"]
    code: str | None
    label: str
    note: str
    target: dt.date | None
    earliest: dt.date | None
    latest: dt.date | None
    state: Literal["done", "open", "upcoming", "overdue", "unreachable"]
    done_on: dt.date | None
    count: int
    instruments: list[str]


class PlanOut(Schema):
    course: int
    today: dt.date
    start: dt.date = Field(description="The first start code's date, else the planned start")
    items: list[PlanItemOut]


class ScoreOut(Schema):
    instrument: str
    score: float
    unit: str
    answered_by: str
    completed_at: dt.datetime | None


class RoundOut(Schema):
    id: int
    plan_key: str
    instruments: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime | None
    completed_at: dt.datetime | None
    answered_by: str
    scores: list[ScoreOut]


class FhirBundleOut(Schema):
    """A FHIR R4B Bundle (type collection); the resources are FHIR's, not described here."""

    resourceType: Literal["Bundle"]
    type: str
    entry: list[dict[str, object]] = []

    model_config = {"extra": "allow"}

"""Forms of patients and referrals: CPR number, contact, consent, and the referral with its group.

The forms only parse and validate; saving goes through `forlob.web.actions.patients`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forlob.cpr import CprError, normalise_cpr
from forlob.web.forms.widgets import CalendarDateField
from forlob.web.models import Clinic, Patient, Referral

_PHONE = re.compile(r"^\+?[0-9 ]{8,20}$")

# 003 Bilag 4 groups; 3 (serious pathology) is outside the structured pathways.
GROUP_CHOICES = [
    ("", _("— not set —")),
    (1, _("1 – nonspecific or degenerative low back pain")),
    (2, _("2 – nerve-root involvement")),
    (3, _("3 – suspected serious pathology (not for the pathways)")),
]

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CprField(forms.CharField):
    """A CPR number typed as "DDMMYY-XXXX" or ten digits; cleans to ten digits.

    Validation lives in `forlob.cpr` (real date, century from the 7th digit, no modulus 11).
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 13)
        kwargs.setdefault("label", _("CPR number"))
        kwargs.setdefault("help_text", _("DDMMYY-XXXX or ten digits."))
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"autocomplete": "off", "inputmode": "numeric", "placeholder": "DDMMYY-XXXX"}
        )

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        try:
            return normalise_cpr(text)
        except CprError as e:
            # the user's language (Danish on a Danish page), from forlob.cpr's own texts
            raise forms.ValidationError(e.text(get_language()), code="invalid_cpr") from None


def _clean_phone(value: str) -> str:
    value = value.strip()
    if value and not _PHONE.match(value):
        raise forms.ValidationError(
            _("A phone number has at least eight digits (spaces and a leading + allowed)."),
            code="invalid_phone",
        )
    return value


class _ContactFields(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Questionnaire links are sent here."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    # Seed 000, "Spørgeskemaer før konsultation": "Hvis patienten ikke ønsker at give samtykke
    # til, at data fra spørgeskemaet videregives og følges op ved Afsluttende konsultation og
    # Opfølgningskonsultation, skal du som fysioterapeut registrere tilsvarende oplysninger som
    # en del af anamnesen … i klinikkens journal." Without consent the answers stay on the course
    # (the journal) and are left out of reports.
    consent_beyond_journal = forms.BooleanField(
        label=_("The patient consents to the questionnaire data being used beyond the journal"),
        required=False,
        help_text=_(
            "Without consent the questionnaire answers stay on the course and are left out of "
            "reports."
        ),
    )

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data.get("phone", ""))


class PatientCreateForm(_ContactFields):
    field_order = ["cpr", "name", "email", "phone", "consent_beyond_journal"]

    cpr = CprField()

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.duplicate: Patient | None = None

    def clean_cpr(self) -> str:
        cpr: str = self.cleaned_data["cpr"]
        self.duplicate = Patient.objects.filter(clinic=self.clinic, cpr=cpr).first()
        if self.duplicate is not None:
            raise forms.ValidationError(
                _("A patient with this CPR number is already registered in this clinic."),
                code="duplicate_cpr",
            )
        return cpr


class PatientEditForm(_ContactFields):
    """Name, contact and consent; the CPR number (and so the birth date) is not changed here."""


class ReferralForm(forms.Form):
    date = CalendarDateField(label=_("Referral date"), widget=_DATE_WIDGET)
    gp_name = forms.CharField(label=_("Referring GP"), max_length=200)
    gp_provider_id = forms.CharField(label=_("GP provider number"), max_length=20, required=False)
    diagnosis_system = forms.ChoiceField(
        label=_("Diagnosis code system"), choices=Referral.SYSTEMS, initial=Referral.ICPC
    )
    diagnosis_code = forms.CharField(
        label=_("Diagnosis code"),
        max_length=20,
        required=False,
        help_text=_("For example L86 (ICPC) or DM543 (ICD-10)."),
    )
    diagnosis_text = forms.CharField(label=_("Diagnosis"), max_length=300)
    reason = forms.CharField(
        label=_("Reason for referral"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    group = forms.TypedChoiceField(
        label=_("Group"),
        choices=GROUP_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Suggested from the diagnosis code (003 Bilag 4) when left empty."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["diagnosis_code"].widget.attrs["list"] = "bilag4-codes"

    def clean_date(self) -> dt.date:
        date: dt.date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(
                _("The referral date cannot be in the future."), code="future"
            )
        return date

    def clean_diagnosis_code(self) -> str:
        return re.sub(r"\s", "", self.cleaned_data.get("diagnosis_code", "")).upper()

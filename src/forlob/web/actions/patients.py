"""Patients and referrals."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from forlob.cpr import birth_date_from_cpr
from forlob.web import auditlog
from forlob.web.models import AuditEvent, Clinic, Patient, Referral

PATIENT_FIELDS = ("cpr", "name", "email", "phone", "consent_beyond_journal")
REFERRAL_FIELDS = (
    "date",
    "gp_name",
    "gp_provider_id",
    "diagnosis_system",
    "diagnosis_code",
    "diagnosis_text",
    "reason",
    "group",
)


@transaction.atomic
def do_create_patient(user: Any, clinic: Clinic, data: dict[str, Any]) -> Patient:
    fields = {k: data[k] for k in PATIENT_FIELDS if k in data}
    patient = Patient(clinic=clinic, birth_date=birth_date_from_cpr(fields["cpr"]), **fields)
    if patient.consent_beyond_journal:
        patient.consent_recorded_at = timezone.now()
    patient.save()
    auditlog.record(user, AuditEvent.CREATE, patient)
    return patient


@transaction.atomic
def do_update_patient(user: Any, patient: Patient, data: dict[str, Any]) -> list[str]:
    """Change the given fields; returns the names of those that changed."""
    changed = []
    for k in PATIENT_FIELDS:
        if k in data and getattr(patient, k) != data[k]:
            setattr(patient, k, data[k])
            changed.append(k)
    if "cpr" in changed:
        patient.birth_date = birth_date_from_cpr(patient.cpr)
    if "consent_beyond_journal" in changed:
        patient.consent_recorded_at = timezone.now()
    if changed:
        patient.save()
        auditlog.record(user, AuditEvent.UPDATE, patient, detail=",".join(changed))
    return changed


@transaction.atomic
def do_create_referral(user: Any, patient: Patient, data: dict[str, Any]) -> Referral:
    fields = {k: data[k] for k in REFERRAL_FIELDS if k in data}
    referral = Referral.objects.create(patient=patient, **fields)
    auditlog.record(user, AuditEvent.CREATE, referral, clinic=patient.clinic)
    return referral
